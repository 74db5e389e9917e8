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
        let client_request_id = HeaderValue::try_from(client_request_id.hyphenated().to_string())
            .map_err(|_| Error::InvalidArgument {
            what: "client-request-id",
            why: "not a header value".into(),
        })?;

        async {
            let started = tokio::time::Instant::now();
            let mut attempts = 0u32;
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
                    Err(e) => self.map_error(e, seen, attempts),
                };
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
                    info,
                }))
            }
            Api::InvalidResponsePayload(body, source) => match seen {
                Some(seen) if seen.body_too_large => Error::ResponseTooLarge {
                    info: info_of(&seen),
                    limit: self.shared.max_response_bytes,
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
                        _ => "the documented resource",
                    },
                    info: seen.as_ref().map(info_of),
                    snippet: snippet(&body),
                    source,
                },
            },
            Api::CommunicationError(source)
            | Api::ResponseBodyError(source)
            | Api::InvalidUpgrade(source) => {
                if source.is_timeout() {
                    Error::Timeout {
                        after: self.shared.timeout,
                        attempts,
                        source,
                    }
                } else {
                    Error::Transport { attempts, source }
                }
            }
            Api::UnexpectedResponse(response) => Error::Decode {
                info: Some(Box::new(ResponseInfo::from_headers(
                    response.status(),
                    response.headers(),
                ))),
                expected: "a response the API describes",
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

/// The first bytes of a body, for an error message.
fn snippet(body: &[u8]) -> String {
    let cut = body.len().min(SNIPPET_BYTES);
    String::from_utf8_lossy(&body[..cut]).into_owned()
}
