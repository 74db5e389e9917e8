//! The life of one call: cloud check, token, headers, attempts and retries, error mapping,
//! tracing.

use std::future::Future;
use std::sync::Arc;

use crosstenant_api::hooks::{RequestContext, ResponseMeta};
use crosstenant_api::types::ODataError;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use tracing::{Instrument, field};

use crate::cloud::Availability;
use crate::error::{GraphError, ResponseInfo, location};
use crate::version::ApiResult;
use crate::{ApiVersion, Client, Error};

const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");
/// How much of an unreadable body an error quotes.
const SNIPPET_BYTES: usize = 256;

/// What the facade knows of an operation beyond the generated code.
#[derive(Debug)]
pub(crate) struct Operation {
    /// `METHOD /path`, for messages and traces.
    pub(crate) name: &'static str,
    /// Where Microsoft offers it.
    pub(crate) availability: Availability,
}

impl<V: ApiVersion> Client<V> {
    /// Runs `attempt` (one generated call) until it succeeds, fails for good, or the retry
    /// policy says stop. Each attempt gets a fresh generated client carrying the current token
    /// and the call's `client-request-id` (the same on every attempt, so Graph's logs tie them).
    pub(crate) async fn execute<T, F, Fut>(&self, op: &Operation, attempt: F) -> Result<T, Error>
    where
        F: Fn(crosstenant_api::Client) -> Fut,
        Fut: Future<Output = ApiResult<T>>,
    {
        let shared = &*self.shared;
        if !op.availability.contains(shared.cloud) {
            return Err(Error::UnsupportedInCloud {
                operation: op.name,
                cloud: shared.cloud,
                available: op.availability.describe(),
            });
        }
        let client_request_id = uuid::Uuid::new_v4();
        let span = tracing::info_span!(
            "graph",
            method = op.name.split(' ').next().unwrap_or_default(),
            path = op.name.split(' ').nth(1).unwrap_or_default(),
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
                let mut headers = HeaderMap::with_capacity(2);
                headers.insert(AUTHORIZATION, shared.tokens.authorization().await?);
                headers.insert(CLIENT_REQUEST_ID, client_request_id.clone());
                let context = Arc::new(
                    RequestContext::new(headers).with_max_body_bytes(shared.max_response_bytes),
                );
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
                    if let Some(id) = seen.headers.get("request-id").and_then(|v| v.to_str().ok()) {
                        current.record("request_id", id);
                    }
                }
                let error = match outcome {
                    Ok(value) => return Ok(value),
                    Err(e) => self.map_error(e, seen, attempts, short_type_name::<T>()),
                };
                // A refused token may have been revoked or rotated: fetch a new one, once.
                if error.status() == Some(reqwest::StatusCode::UNAUTHORIZED) && !refetched_token {
                    refetched_token = true;
                    shared.tokens.invalidate();
                    tracing::debug!(error = %error, "token refused; retrying with a new one");
                    continue;
                }
                let retry_in = if error.is_transient() {
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

    /// Turns what the generated client returned, and what it saw of the response, into the
    /// facade's error.
    fn map_error(
        &self,
        error: crosstenant_api::Error<ODataError>,
        seen: Option<ResponseMeta>,
        attempts: u32,
        expected: &'static str,
    ) -> Error {
        use crosstenant_api::Error as Api;
        let info_of =
            |seen: &ResponseMeta| Box::new(ResponseInfo::from_headers(seen.status, &seen.headers));
        match error {
            Api::ErrorResponse(response) => {
                let info = ResponseInfo::from_headers(response.status(), response.headers());
                if info.status.is_redirection() {
                    let location = location(response.headers());
                    return Error::Redirect {
                        info: Box::new(info),
                        location,
                    };
                }
                let body = response.into_inner().error;
                Error::Graph(Box::new(GraphError {
                    code: body.code,
                    message: body.message,
                    target: body.target,
                    details: body
                        .details
                        .into_iter()
                        .map(|d| (d.code, d.message))
                        .collect(),
                    inner_error: body.inner_error.map(|inner| inner.0).unwrap_or_default(),
                    info,
                }))
            }
            Api::InvalidResponsePayload(body, source) => match seen {
                Some(seen) if seen.body_too_large => Error::ResponseTooLarge {
                    info: info_of(&seen),
                    limit: self.shared.max_response_bytes,
                    declared: seen.declared_length,
                },
                Some(seen) if seen.status.is_redirection() => Error::Redirect {
                    location: location(&seen.headers),
                    info: info_of(&seen),
                },
                // The hooks record every response before it is decoded, so `seen` is there; were it
                // not, the error still says what failed.
                seen => Error::Decode {
                    expected: match &seen {
                        Some(seen) if !seen.status.is_success() => "a Graph error (ODataError)",
                        _ => expected,
                    },
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
                        after: self.shared.timeout,
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

    use crosstenant_api::ResponseValue;
    use reqwest::StatusCode;
    use reqwest::header::{DATE, RETRY_AFTER};
    use tokio::time::Instant;

    use super::*;
    use crate::{RetryPolicy, StaticToken};

    const OP: Operation = Operation {
        name: "GET /test",
        availability: Availability::GLOBAL_ONLY,
    };

    fn client(retry: RetryPolicy) -> Result<Client, Error> {
        // Never contacted: the attempts below answer without the network.
        Client::builder()
            .credential(StaticToken::new("t"))
            .base_url("http://127.0.0.1:9")
            .retry(retry)
            .build()
    }

    fn throttled(headers: &[(reqwest::header::HeaderName, String)]) -> ApiResult<u32> {
        let body: ODataError = serde_json::from_value(serde_json::json!({
            "error": { "code": "TooManyRequests", "message": "Too many requests." }
        }))
        .map_err(|e| crosstenant_api::Error::Custom(e.to_string()))?;
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            let value = HeaderValue::try_from(value.as_str())
                .map_err(|e| crosstenant_api::Error::Custom(e.to_string()))?;
            map.insert(name, value);
        }
        Err(crosstenant_api::Error::ErrorResponse(ResponseValue::new(
            body,
            StatusCode::TOO_MANY_REQUESTS,
            map,
        )))
    }

    /// Runs a call whose first `failures` attempts are `failure()`, then succeed.
    async fn run(
        client: &Client,
        failures: u32,
        failure: impl Fn() -> ApiResult<u32>,
    ) -> (Result<u32, Error>, u32, Duration) {
        let calls = AtomicU32::new(0);
        let started = Instant::now();
        let result = client
            .execute(&OP, |_api| {
                let n = calls.fetch_add(1, Ordering::SeqCst);
                let outcome = if n < failures { failure() } else { Ok(7) };
                async move { outcome }
            })
            .await;
        (result, calls.load(Ordering::SeqCst), started.elapsed())
    }

    #[tokio::test(start_paused = true)]
    async fn waits_exactly_the_seconds_graph_asks() -> Result<(), Error> {
        let client = client(RetryPolicy::default())?;
        let (result, calls, elapsed) =
            run(&client, 2, || throttled(&[(RETRY_AFTER, "45".into())])).await;
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
        let (result, calls, elapsed) = run(&client, 1, || {
            throttled(&[(DATE, date.clone()), (RETRY_AFTER, retry_at.clone())])
        })
        .await;
        assert_eq!(result?, 7);
        assert_eq!((calls, elapsed), (2, Duration::from_secs(30)));
        Ok(())
    }

    #[tokio::test(start_paused = true)]
    async fn stops_when_the_next_wait_would_pass_the_budget() -> Result<(), Error> {
        let client = client(RetryPolicy::default().max_retries(10))?;
        let (result, calls, elapsed) =
            run(&client, 10, || throttled(&[(RETRY_AFTER, "50".into())])).await;
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
        let (result, calls, elapsed) = run(&client, 3, || throttled(&[])).await;
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
