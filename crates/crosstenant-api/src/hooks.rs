//! What the generated client adds to each request and notes of each response.
//!
//! progenitor lets a crate hook into the generated `send()`: `pre` before the request goes out,
//! `exec` to send it. Generation is set to require these hooks (`HooksMode::Expected` in
//! `xtask/src/generate.rs`), and this module is the one implementation, driven by the
//! [`RequestContext`] a [`Client`] is built with.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{HeaderMap, HeaderName};
use reqwest::{Request, Response, StatusCode};

use crate::Client;

/// progenitor sends the spec's `info.version` as an `api-version` header on every request;
/// Graph has no such header, so it is removed.
const PROGENITOR_API_VERSION: HeaderName = HeaderName::from_static("api-version");

/// Default limit on a response body: far above any policy object, far below harm.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// The headers a [`Client`] adds to each request, the largest body it reads, and what it saw
/// of the last response. A client holds it in an `Arc`, so the caller can keep a handle.
///
/// ```
/// use std::sync::Arc;
/// use crosstenant_api::hooks::RequestContext;
/// use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
///
/// let mut headers = HeaderMap::new();
/// let mut token = HeaderValue::from_static("Bearer eyJ0eXAi");
/// token.set_sensitive(true); // Debug output shows `Sensitive`, never the token
/// headers.insert(AUTHORIZATION, token);
/// let context = Arc::new(RequestContext::new(headers));
/// let client = crosstenant_api::Client::new_with_client(
///     "https://graph.microsoft.com",
///     reqwest::Client::new(),
///     Arc::clone(&context), // keep a handle to read `take_response()` after a call
/// );
/// assert!(!format!("{client:?}").contains("eyJ0eXAi"));
/// ```
#[derive(Debug)]
pub struct RequestContext {
    headers: HeaderMap,
    max_body_bytes: usize,
    timeout: Option<Duration>,
    take_headers: bool,
    seen: Mutex<Option<ResponseMeta>>,
}

/// What a [`Client`] saw of a response before decoding it: enough to report an error that
/// says which request failed, even when the body was not JSON.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers (`request-id`, `client-request-id`, `Retry-After`, `Date`, …).
    pub headers: HeaderMap,
    /// The body exceeded the limit and was not read (the client saw an empty body instead).
    pub body_too_large: bool,
    /// The length the response declared (`Content-Length`), if it declared one; a body
    /// without one was streamed.
    pub declared_length: Option<u64>,
}

impl RequestContext {
    /// A context that adds `headers` to every request (mark secrets with
    /// [`HeaderValue::set_sensitive`](reqwest::header::HeaderValue::set_sensitive)).
    pub fn new(headers: HeaderMap) -> Self {
        Self {
            headers,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            timeout: None,
            take_headers: false,
            seen: Mutex::new(None),
        }
    }

    /// Moves each response's headers into what [`take_response`](Self::take_response)
    /// returns instead of copying them: the generated call's `ResponseValue` then carries no
    /// headers. For a caller that reads them from the context anyway (the `crosstenant`
    /// facade): one header-map copy less per response.
    pub fn taking_headers(mut self) -> Self {
        self.take_headers = true;
        self
    }

    /// Sets how long each request may take, from connecting to the last byte, whatever the
    /// `reqwest::Client`'s own timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the largest response body read; a larger one is dropped unread and reported in
    /// [`ResponseMeta::body_too_large`].
    pub fn with_max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Takes what was seen of the last response, if one arrived since the last call.
    ///
    /// A context notes one response at a time: give each call its own context (the
    /// `crosstenant` facade builds one per attempt), or concurrent calls sharing one will read
    /// each other's.
    pub fn take_response(&self) -> Option<ResponseMeta> {
        self.seen.lock().map_or(None, |mut seen| seen.take())
    }

    fn record(&self, meta: ResponseMeta) {
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some(meta);
        }
    }

    /// Notes that the body of the response recorded last went over the limit.
    fn record_too_large(&self) {
        if let Ok(mut seen) = self.seen.lock()
            && let Some(seen) = seen.as_mut()
        {
            seen.body_too_large = true;
        }
    }
}

impl ClientHooks<Arc<RequestContext>> for Client {
    async fn pre<E>(
        &self,
        request: &mut Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        if let Some(timeout) = self.inner().timeout {
            *request.timeout_mut() = Some(timeout);
        }
        let headers = request.headers_mut();
        headers.remove(PROGENITOR_API_VERSION);
        // The context's headers replace the request's of the same name, all their values kept:
        // the first value replaces (one lookup), any further ones are appended.
        let ours = &self.inner().headers;
        for name in ours.keys() {
            let mut values = ours.get_all(name).iter();
            if let Some(first) = values.next() {
                headers.insert(name.clone(), first.clone());
            }
            for value in values {
                headers.append(name.clone(), value.clone());
            }
        }
        Ok(())
    }

    async fn exec(&self, request: Request, _info: &OperationInfo) -> reqwest::Result<Response> {
        let limit = self.inner().max_body_bytes;
        let mut response = self.client().execute(request).await?;
        let take_headers = self.inner().take_headers;
        let record = |too_large: bool, response: &mut Response| {
            let headers = if take_headers {
                std::mem::take(response.headers_mut())
            } else {
                response.headers().clone()
            };
            self.inner().record(ResponseMeta {
                status: response.status(),
                headers,
                body_too_large: too_large,
                declared_length: response.content_length(),
            });
        };
        // Graph answers many writes with 204 and no body, though the document declares one;
        // the generated client reads a write's body as optional, and `null` is its JSON for
        // "none" (an empty body is not JSON at all).
        if response.status() == StatusCode::NO_CONTENT {
            record(false, &mut response);
            return Ok(with_body(response, Bytes::from_static(b"null")));
        }
        match response.content_length() {
            // A declared length bounds the body (hyper reads no further), so the response goes
            // to the generated code as it is: no copy on the common path.
            Some(declared) if declared <= limit as u64 => {
                record(false, &mut response);
                Ok(response)
            }
            Some(_) => {
                record(true, &mut response);
                Ok(with_body(response, Bytes::new()))
            }
            // A streamed body is read here, up to the limit, and handed on from memory. The
            // head is recorded first, so a body that breaks off still reports its status.
            None => {
                record(false, &mut response);
                let mut body = BytesMut::new();
                while let Some(chunk) = response.chunk().await? {
                    if body.len() + chunk.len() > limit {
                        self.inner().record_too_large();
                        return Ok(with_body(response, Bytes::new()));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(with_body(response, body.freeze()))
            }
        }
    }
}

/// The same response (status, headers, extensions) with another body, whose length it
/// states. (reqwest cannot carry the request URL over: `url()` reads a placeholder.)
fn with_body(response: Response, body: Bytes) -> Response {
    let (mut parts, _) = http::Response::from(response).into_parts();
    parts.headers.insert(
        http::header::CONTENT_LENGTH,
        http::HeaderValue::from(body.len()),
    );
    Response::from(http::Response::from_parts(parts, body))
}

#[cfg(test)]
mod tests {
    use reqwest::header::{AUTHORIZATION, HeaderValue};
    use reqwest::{Method, Url};

    use super::*;

    fn client_with(headers: HeaderMap) -> Client {
        Client::new_with_client(
            "http://127.0.0.1:9",
            reqwest::Client::new(),
            Arc::new(RequestContext::new(headers)),
        )
    }

    async fn after_pre(
        client: &Client,
        request_headers: &[(&'static str, &'static str)],
    ) -> HeaderMap {
        let url = Url::parse("http://127.0.0.1:9/v1.0/x").ok();
        let Some(url) = url else {
            return HeaderMap::new();
        };
        let mut request = Request::new(Method::GET, url);
        for (name, value) in request_headers {
            request
                .headers_mut()
                .append(*name, HeaderValue::from_static(value));
        }
        let info = OperationInfo { operation_id: "x" };
        let done: Result<(), progenitor_client::Error<()>> = client.pre(&mut request, &info).await;
        assert!(done.is_ok());
        request.headers().clone()
    }

    fn values<'a>(headers: &'a HeaderMap, name: &str) -> Vec<&'a str> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect()
    }

    #[tokio::test]
    async fn context_headers_replace_the_requests_own_of_the_same_name() {
        let mut ours = HeaderMap::new();
        ours.insert(AUTHORIZATION, HeaderValue::from_static("Bearer ours"));
        ours.append("x-multi", HeaderValue::from_static("one"));
        ours.append("x-multi", HeaderValue::from_static("two"));
        let client = client_with(ours);
        let sent = after_pre(
            &client,
            &[
                ("authorization", "Bearer theirs"),
                ("x-multi", "old"),
                ("accept", "application/json"),
            ],
        )
        .await;
        assert_eq!(values(&sent, "authorization"), ["Bearer ours"]);
        assert_eq!(
            values(&sent, "x-multi"),
            ["one", "two"],
            "every value kept, the old one gone"
        );
        assert_eq!(
            values(&sent, "accept"),
            ["application/json"],
            "others untouched"
        );
    }

    #[tokio::test]
    async fn the_contexts_timeout_is_set_on_each_request() {
        let context = RequestContext::new(HeaderMap::new()).with_timeout(Duration::from_secs(7));
        let client = Client::new_with_client(
            "http://127.0.0.1:9",
            reqwest::Client::new(),
            Arc::new(context),
        );
        let Ok(url) = Url::parse("http://127.0.0.1:9/x") else {
            panic!("a valid URL")
        };
        let mut request = Request::new(Method::GET, url);
        let info = OperationInfo { operation_id: "x" };
        let done: Result<(), progenitor_client::Error<()>> = client.pre(&mut request, &info).await;
        assert!(done.is_ok());
        assert_eq!(request.timeout(), Some(&Duration::from_secs(7)));
    }

    #[tokio::test]
    async fn progenitors_api_version_header_is_removed() {
        let client = client_with(HeaderMap::new());
        let sent = after_pre(&client, &[("api-version", "2026-11-24")]).await;
        assert!(sent.get("api-version").is_none());
    }

    #[test]
    fn the_default_body_limit_is_one_mebibyte() {
        assert_eq!(DEFAULT_MAX_BODY_BYTES, 1_048_576);
        assert_eq!(
            RequestContext::new(HeaderMap::new()).max_body_bytes,
            1_048_576
        );
    }
}
