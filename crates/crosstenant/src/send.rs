//! The life of one call: cloud check, token, headers, attempts and retries, error mapping,
//! tracing. Every operation goes through [`Client::execute`].

use std::sync::Arc;

use crosstenant_api::ResponseValue;
use crosstenant_api::hooks::{RequestContext, ResponseMeta};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use tracing::{Instrument, field};

use crate::error::{GraphError, GraphErrorBody, ResponseInfo, location};
use crate::operation::{Operation, Paged, Query, Supports};
use crate::request::CallOptions;
use crate::{ApiVersion, Client, Error};

const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");
const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
const PREFER: HeaderName = HeaderName::from_static("prefer");
/// Graph sends enum members newer than `unknownFutureValue` only to clients that ask; this
/// SDK's enums and flags keep such members by name, so it asks (docs/ARCHITECTURE.md).
const INCLUDE_UNKNOWN_ENUM_MEMBERS: HeaderValue =
    HeaderValue::from_static("include-unknown-enum-members");
/// How much of an unreadable body an error quotes.
const SNIPPET_BYTES: usize = 256;

/// A success: the decoded body and what the response said about itself.
#[derive(Debug)]
pub(crate) struct Answer<T> {
    pub(crate) body: T,
    pub(crate) status: reqwest::StatusCode,
    pub(crate) headers: HeaderMap,
}

impl<V: ApiVersion> Client<V> {
    /// Runs operation `O` until it succeeds, fails for good, or the retry policy says stop.
    /// Each attempt gets a fresh generated client carrying the current token and the call's
    /// `client-request-id` (the same on every attempt, so Graph's logs tie them).
    pub(crate) async fn execute<O: Operation>(
        &self,
        args: &O::Args,
        body: &<V as Supports<O>>::Body,
        query: &Query<<V as Supports<O>>::Field, <V as Supports<O>>::Expand>,
        options: CallOptions,
    ) -> Result<Answer<<V as Supports<O>>::Output>, Error>
    where
        V: Supports<O>,
    {
        self.run(O::INFO, options, |api| {
            <V as Supports<O>>::attempt(api, args, body, query)
        })
        .await
    }

    /// Fetches the page a next link names, as operation `O` (retrying as any call).
    pub(crate) async fn follow<O: Operation>(
        &self,
        link: &str,
        options: CallOptions,
    ) -> Result<Answer<<V as Supports<O>>::Output>, Error>
    where
        V: Paged<O>,
    {
        self.run(O::INFO, options, |api| <V as Paged<O>>::follow(api, link))
            .await
    }

    /// A next link is followed only on the client's own Graph: same scheme, host, port, and
    /// under the base URL's path. Anything else would send the token elsewhere.
    pub(crate) fn check_next_link(&self, link: &str) -> Result<(), Error> {
        let base = &self.shared.base_url;
        if next_link_is_under(base, link) {
            Ok(())
        } else {
            Err(Error::UntrustedNextLink {
                link: link.chars().take(512).collect(),
                expected: base.clone(),
            })
        }
    }

    /// Runs `attempt` (one generated call) until it succeeds, fails for good, or the retry
    /// policy says stop.
    async fn run<T, F, Fut>(
        &self,
        op: &'static crate::operation::OperationInfo,
        options: CallOptions,
        attempt: F,
    ) -> Result<Answer<T>, Error>
    where
        F: Fn(crosstenant_api::Client) -> Fut,
        Fut: std::future::Future<Output = crate::operation::ApiResult<T>>,
    {
        let shared = &*self.shared;
        if !op.available_in(shared.cloud) {
            return Err(Error::UnsupportedInCloud {
                operation: op.name,
                cloud: shared.cloud,
                available: op.describe_clouds(),
            });
        }
        let client_request_id = options.client_request_id.unwrap_or_else(uuid::Uuid::new_v4);
        let timeout = options.timeout.unwrap_or(shared.timeout);
        // The reqwest client the SDK built enforces its own timeout; a request gets one of its
        // own only when it differs (a per-call timeout) or the client is the caller's.
        let request_timeout = options.timeout.or(shared.request_timeout);
        let span = tracing::info_span!(
            "graph",
            method = op.method,
            path = op.path,
            api_version = V::SEGMENT,
            client_request_id = %client_request_id,
            status = field::Empty,
            attempts = field::Empty,
            request_id = field::Empty,
        );
        // Encoded without the formatting machinery: this runs on every call.
        let mut buffer = uuid::Uuid::encode_buffer();
        let client_request_id =
            HeaderValue::from_str(client_request_id.hyphenated().encode_lower(&mut buffer))
                .map_err(|_| Error::InvalidArgument {
                    what: "client-request-id",
                    why: "not a header value".into(),
                })?;

        async {
            let started = tokio::time::Instant::now();
            let mut attempts = 0u32;
            let mut refetched_token = false;
            loop {
                attempts += 1;
                let mut headers = HeaderMap::with_capacity(3);
                headers.insert(AUTHORIZATION, shared.tokens.authorization().await?);
                headers.insert(CLIENT_REQUEST_ID, client_request_id.clone());
                headers.insert(PREFER, INCLUDE_UNKNOWN_ENUM_MEMBERS);
                let mut context = RequestContext::new(headers)
                    .with_max_body_bytes(shared.max_response_bytes)
                    .taking_headers();
                if let Some(timeout) = request_timeout {
                    context = context.with_timeout(timeout);
                }
                let context = Arc::new(context);
                let api = crosstenant_api::Client::new_with_client(
                    &shared.base_url,
                    shared.http.clone(),
                    Arc::clone(&context),
                );

                let outcome = attempt(api).await;
                let seen = context.take_response();
                let current = tracing::Span::current();
                current.record("attempts", attempts);
                if let Some(seen) = &seen {
                    current.record("status", seen.status.as_u16());
                    if let Some(id) = seen.headers.get(REQUEST_ID).and_then(|v| v.to_str().ok()) {
                        current.record("request_id", id);
                    }
                }
                let error = match outcome {
                    // The hooks moved the headers into what they saw (one copy less).
                    Ok(response) => {
                        return Ok(match seen {
                            Some(seen) => Answer {
                                status: seen.status,
                                headers: seen.headers,
                                body: response.into_inner(),
                            },
                            None => Answer {
                                status: response.status(),
                                headers: response.headers().clone(),
                                body: response.into_inner(),
                            },
                        });
                    }
                    Err(e) => {
                        map_error::<T>(e, op, seen, attempts, timeout, shared.max_response_bytes)
                    }
                };
                // A refused token may have been revoked or rotated: fetch a new one, once.
                if error.status() == Some(reqwest::StatusCode::UNAUTHORIZED) && !refetched_token {
                    refetched_token = true;
                    shared.tokens.invalidate();
                    tracing::debug!(error = %error, "token refused; retrying with a new one");
                    continue;
                }
                // A POST action is repeated only where Graph cannot have acted on it.
                let may_repeat = op.idempotent() || error.graph_cannot_have_acted();
                let retry_in = if error.is_transient() && may_repeat {
                    shared
                        .retry
                        .delay(attempts - 1, error.retry_after(), started.elapsed())
                } else {
                    None
                };
                let Some(wait) = retry_in else {
                    tracing::debug!(error = %error, "call failed");
                    return Err(error);
                };
                tracing::debug!(error = %error, ?wait, "retrying");
                tokio::time::sleep(wait).await;
            }
        }
        .instrument(span)
        .await
    }
}

/// Turns what the generated client returned, and what it saw of the response, into the
/// facade's error.
fn map_error<T>(
    error: crosstenant_api::Error<GraphErrorBody>,
    operation: &'static crate::operation::OperationInfo,
    seen: Option<ResponseMeta>,
    attempts: u32,
    timeout: std::time::Duration,
    max_response_bytes: usize,
) -> Error {
    use crosstenant_api::Error as Api;
    let expected = short_type_name::<T>();
    let info_of =
        |seen: &ResponseMeta| Box::new(ResponseInfo::from_headers(seen.status, &seen.headers));
    match error {
        Api::ErrorResponse(response) => {
            // The hooks moved the headers into what they saw.
            let headers = match &seen {
                Some(seen) => &seen.headers,
                None => response.headers(),
            };
            let info = ResponseInfo::from_headers(response.status(), headers);
            if info.status.is_redirection() {
                let location = location(headers);
                return Error::Redirect {
                    info: Box::new(info),
                    location,
                };
            }
            let body = response.into_inner();
            Error::Graph(Box::new(GraphError {
                code: body.code,
                message: body.message,
                target: body.target,
                details: body.details,
                inner_error: body.inner_error,
                info,
                attempts,
                operation,
            }))
        }
        Api::InvalidResponsePayload(body, source) => match seen {
            Some(seen) if seen.body_too_large => Error::ResponseTooLarge {
                info: info_of(&seen),
                limit: max_response_bytes,
                declared: seen.declared_length,
            },
            Some(seen) if seen.status.is_redirection() => Error::Redirect {
                location: location(&seen.headers),
                info: info_of(&seen),
            },
            // An error status whose body is not Graph's error (a gateway's HTML page): an HTTP
            // answer like any other, matched on its status.
            Some(seen) if !seen.status.is_success() => Error::Http {
                info: info_of(&seen),
                snippet: snippet(&body),
                attempts,
            },
            // The hooks record every response before it is decoded, so `seen` is there; were it
            // not, the error still says what failed.
            seen => Error::Decode {
                expected,
                info: seen.as_ref().map(info_of),
                snippet: snippet(&body),
                source,
            },
        },
        // A connection that could not be made is `Transport` (and retried) even when it
        // timed out; a response whose body broke off keeps what its head said.
        Api::CommunicationError(source)
        | Api::ResponseBodyError(source)
        | Api::InvalidUpgrade(source) => {
            if source.is_timeout() && !source.is_connect() {
                Error::Timeout {
                    after: timeout,
                    attempts,
                    source,
                }
            } else {
                Error::Transport {
                    attempts,
                    response: seen.as_ref().map(info_of),
                    source,
                }
            }
        }
        Api::UnexpectedResponse(response) => Error::Decode {
            info: Some(Box::new(ResponseInfo::from_headers(
                response.status(),
                response.headers(),
            ))),
            expected,
            snippet: String::new(),
            source: serde::de::Error::custom("the status is not one the API describes"),
        },
        Api::InvalidRequest(why) | Api::Custom(why) => Error::InvalidArgument {
            what: "request",
            why,
        },
    }
}

/// Whether `link` is on `base`'s scheme, host and port, and under its path (segment by
/// segment: `/graph-other` is not under `/graph`).
pub(crate) fn next_link_is_under(base: &str, link: &str) -> bool {
    let (Ok(link), Ok(base)) = (url::Url::parse(link), url::Url::parse(base)) else {
        return false;
    };
    // Credentials in a link would go out with the request; Graph's links carry none.
    let credentials = !link.username().is_empty() || link.password().is_some();
    if link.origin() != base.origin() || link.cannot_be_a_base() || credentials {
        return false;
    }
    let prefix = base.path().trim_end_matches('/');
    let path = link.path();
    path == prefix || path.starts_with(&format!("{prefix}/"))
}

/// One GET of a next link through the generated client's hooks (headers, timeout, body
/// limit, what the response said), decoded as the generated code decodes a page: `T` on a
/// success, Graph's error body `E` otherwise. Generated `Paged` impls call it.
pub(crate) async fn follow<T, E>(
    api: crosstenant_api::Client,
    link: &str,
) -> crate::operation::ApiResult<T>
where
    T: serde::de::DeserializeOwned,
    E: serde::de::DeserializeOwned + Into<GraphErrorBody>,
{
    use progenitor_client::{ClientHooks, ClientInfo, Error as Api, OperationInfo};
    let info = OperationInfo {
        operation_id: "next_page",
    };
    let call = async {
        let mut request = api
            .client()
            .get(link)
            .header(reqwest::header::ACCEPT, "application/json")
            .build()?;
        api.pre::<E>(&mut request, &info).await?;
        let response = api.exec(request, &info).await?;
        if response.status().is_success() {
            ResponseValue::from_response(response).await
        } else {
            Err(Api::ErrorResponse(
                ResponseValue::from_response(response).await?,
            ))
        }
    };
    call.await.map_err(crate::error::with_graph_error_body)
}

/// `crosstenant_api::generated::types::V1Partner` → `V1Partner`.
fn short_type_name<T>() -> &'static str {
    let name = std::any::type_name::<T>();
    name.rsplit("::").next().unwrap_or(name)
}

/// The first bytes of a body, for an error message.
fn snippet(body: &[u8]) -> String {
    let cut = body.len().min(SNIPPET_BYTES);
    String::from_utf8_lossy(&body[..cut]).into_owned()
}

#[cfg(test)]
// The generated client's error is large; these tests build it the way the generated code does.
#[allow(clippy::result_large_err)]
mod tests {
    //! The retry loop on tokio's paused clock: long waits are skipped, and measured exactly.

    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::{Duration, SystemTime};

    use reqwest::StatusCode;
    use reqwest::header::{DATE, RETRY_AFTER};
    use tokio::time::Instant;

    use super::*;
    use crate::operation::{ApiResult, NoField, OperationInfo, private};
    use crate::{Cloud, RetryPolicy, StaticToken, V1};
    use std::future::Future;

    /// An operation whose first `failures` attempts are throttled with `headers`, then
    /// succeed with 7; it never touches the network.
    #[derive(Debug)]
    struct Script {
        failures: u32,
        headers: Vec<(HeaderName, String)>,
        calls: AtomicU32,
    }

    #[derive(Debug)]
    struct Scripted;
    impl private::Sealed for Scripted {}

    static INFO: OperationInfo = OperationInfo {
        name: "GET /test",
        method: "GET",
        path: "/test",
        clouds: &[Cloud::Global],
        permission: None,
        role: None,
        not_found: None,
    };

    impl Operation for Scripted {
        type Args = Arc<Script>;
        const INFO: &'static OperationInfo = &INFO;
    }

    impl Supports<Scripted> for V1 {
        type Output = u32;
        type Field = NoField;
        type Expand = NoField;
        type Body = ();

        fn attempt<'a>(
            _: crosstenant_api::Client,
            script: &'a Arc<Script>,
            _: &'a (),
            _: &'a Query<NoField>,
        ) -> impl Future<Output = ApiResult<u32>> + Send + 'a {
            let n = script.calls.fetch_add(1, Ordering::SeqCst);
            let outcome = if n < script.failures {
                throttled(&script.headers)
            } else {
                Ok(ResponseValue::new(7, StatusCode::OK, HeaderMap::new()))
            };
            std::future::ready(outcome)
        }
    }

    fn throttled(headers: &[(HeaderName, String)]) -> ApiResult<u32> {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            let value = HeaderValue::try_from(value.as_str())
                .map_err(|e| crosstenant_api::Error::Custom(e.to_string()))?;
            map.insert(name, value);
        }
        let body = GraphErrorBody {
            code: "TooManyRequests".into(),
            message: "Too many requests.".into(),
            target: None,
            details: Vec::new(),
            inner_error: serde_json::Map::new(),
        };
        Err(crosstenant_api::Error::ErrorResponse(ResponseValue::new(
            body,
            StatusCode::TOO_MANY_REQUESTS,
            map,
        )))
    }

    fn client(retry: RetryPolicy) -> Result<Client, Error> {
        // Never contacted: the attempts above answer without the network.
        Client::builder()
            .credential(StaticToken::new("t"))
            .base_url("http://127.0.0.1:9")
            .retry(retry)
            .build()
    }

    /// Runs a call whose first `failures` attempts are throttled with `headers`.
    async fn run(
        client: &Client,
        failures: u32,
        headers: Vec<(HeaderName, String)>,
    ) -> (Result<u32, Error>, u32, Duration) {
        let script = Arc::new(Script {
            failures,
            headers,
            calls: AtomicU32::new(0),
        });
        let started = Instant::now();
        let result = client
            .execute::<Scripted>(&script, &(), &Query::default(), CallOptions::default())
            .await
            .map(|answer| answer.body);
        (
            result,
            script.calls.load(Ordering::SeqCst),
            started.elapsed(),
        )
    }

    #[test]
    fn a_next_link_must_be_on_the_base_urls_origin_and_under_its_path() {
        let base = "https://proxy.example.com/graph";
        for ok in [
            "https://proxy.example.com/graph/v1.0/partners?$skiptoken=2",
            "https://PROXY.example.com:443/graph/beta/x",
        ] {
            assert!(next_link_is_under(base, ok), "{ok}");
        }
        for bad in [
            "http://proxy.example.com/graph/v1.0/x",
            "https://proxy.example.com:8443/graph/v1.0/x",
            "https://proxy.example.com.evil.test/graph/v1.0/x",
            "https://evil.test/graph/v1.0/x",
            "https://proxy.example.com/graph-other/v1.0/x",
            "https://proxy.example.com/v1.0/x",
            "//proxy.example.com/graph/v1.0/x",
            "/graph/v1.0/x",
            "data:text/plain,hello",
            "https://user:pw@proxy.example.com/graph/v1.0/x",
            "https://user@proxy.example.com/graph/v1.0/x",
            "https://:pw@proxy.example.com/graph/v1.0/x",
        ] {
            assert!(!next_link_is_under(base, bad), "{bad}");
        }
        assert!(next_link_is_under(
            "http://127.0.0.1:9",
            "http://127.0.0.1:9/v1.0/x"
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn waits_exactly_the_seconds_graph_asks() -> Result<(), Error> {
        let client = client(RetryPolicy::default())?;
        let (result, calls, elapsed) = run(&client, 2, vec![(RETRY_AFTER, "45".into())]).await;
        assert_eq!(result?, 7);
        assert_eq!((calls, elapsed), (3, Duration::from_secs(90)));
        Ok(())
    }

    #[tokio::test(start_paused = true)]
    async fn a_retry_after_date_counts_from_the_responses_own_date() -> Result<(), Error> {
        // The response's clock is a day behind ours: the wait is still the 30 s it means.
        let their_now = SystemTime::now() - Duration::from_secs(86_400);
        let date = httpdate::fmt_http_date(their_now);
        let retry_at = httpdate::fmt_http_date(their_now + Duration::from_secs(30));
        let client = client(RetryPolicy::default())?;
        let (result, calls, elapsed) =
            run(&client, 1, vec![(DATE, date), (RETRY_AFTER, retry_at)]).await;
        assert_eq!(result?, 7);
        assert_eq!((calls, elapsed), (2, Duration::from_secs(30)));
        Ok(())
    }

    #[tokio::test(start_paused = true)]
    async fn stops_when_the_next_wait_would_pass_the_budget() -> Result<(), Error> {
        let client = client(RetryPolicy::default().max_retries(10))?;
        let (result, calls, elapsed) = run(&client, 10, vec![(RETRY_AFTER, "50".into())]).await;
        let err = result.err().ok_or(Error::InvalidArgument {
            what: "test",
            why: "expected 429".into(),
        })?;
        assert_eq!(err.retry_after(), Some(Duration::from_secs(50)));
        // 0 s, 50 s, 100 s; a fourth attempt at 150 s would pass the 120 s budget.
        assert_eq!((calls, elapsed), (3, Duration::from_secs(100)));
        Ok(())
    }

    #[tokio::test(start_paused = true)]
    async fn backs_off_exponentially_without_retry_after() -> Result<(), Error> {
        let client = client(RetryPolicy::default())?;
        let (result, calls, elapsed) = run(&client, 3, Vec::new()).await;
        assert_eq!(result?, 7);
        // 1 s, 2 s, 4 s ceilings with equal jitter: between half and all of 7 s.
        assert_eq!(calls, 4);
        assert!(
            elapsed >= Duration::from_millis(3500) && elapsed <= Duration::from_secs(7),
            "{elapsed:?}"
        );
        Ok(())
    }
}
