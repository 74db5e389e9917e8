use std::convert::Infallible;
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::graph_error::{RequestIds, graph_error, json_response};
use crate::seeds;

/// A misbehaviour to inject into the next response; see
/// [`MockGraph::push_fault`](crate::MockGraph::push_fault).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Fault {
    /// `429 Too Many Requests`, Graph error code `TooManyRequests`.
    TooManyRequests {
        /// The `Retry-After` header to send, if any.
        retry_after: Option<RetryAfter>,
    },
    /// `503 Service Unavailable`, Graph error code `ServiceUnavailable`.
    ServiceUnavailable {
        /// The `Retry-After` header to send, if any.
        retry_after: Option<RetryAfter>,
    },
    /// `504 Gateway Timeout`, Graph error code `GatewayTimeout`.
    GatewayTimeout,
    /// Waits this long, then handles the request normally (auth included).
    Delay(Duration),
    /// `200` with a JSON content type and a truncated JSON body.
    MalformedJson,
    /// `200` with valid JSON of the wrong shape: `tenantId` is a number and
    /// `isSyncAllowed` is the string `"yes"`.
    WrongType,
    /// `200` with an empty body.
    EmptyOk,
    /// `502` with an HTML page, as a proxy in front of Graph might send.
    HtmlBadGateway,
    /// `200` with a valid JSON object padded (by an extra string property) to
    /// `bytes` bytes, or to its natural size if that is larger.
    Oversized {
        /// The body size to reach.
        bytes: usize,
        /// Stream the body in pieces without `Content-Length`.
        chunked: bool,
    },
    /// `200` with the partner body, whose second half comes this long after the first (a body
    /// still being read).
    SlowBody(Duration),
    /// `307 Temporary Redirect` to this absolute URL.
    RedirectTo(String),
    /// This status (with `Retry-After` if given) and a streamed body that breaks off after
    /// its first bytes, as when a connection drops mid-response.
    BrokenBody {
        /// The HTTP status.
        status: u16,
        /// The `Retry-After` header to send, if any.
        retry_after: Option<RetryAfter>,
    },
    /// The next write (PUT, PATCH, POST) answers `200` with the resulting object instead of
    /// Graph's usual `204 No Content`: the OpenAPI documents declare a body, so a client must
    /// read both.
    WriteAnswersWithBody,
    /// The next page of a list carries an `@odata.nextLink` on this base URL (such as
    /// `http://localhost:1234`) instead of the fake's own: a client must not follow it.
    NextLinkOn(String),
    /// Any Graph error: this status with Graph's error body (e.g. 403
    /// `Authorization_RequestDenied`).
    GraphError {
        /// The HTTP status.
        status: u16,
        /// Graph's error code.
        code: String,
        /// Graph's message.
        message: String,
    },
}

/// The value of a `Retry-After` header.
#[derive(Clone, Debug)]
pub enum RetryAfter {
    /// A delay in seconds.
    Seconds(u64),
    /// An HTTP date.
    Date(SystemTime),
}

impl RetryAfter {
    fn header_value(&self) -> String {
        match self {
            RetryAfter::Seconds(secs) => secs.to_string(),
            RetryAfter::Date(at) => httpdate::fmt_http_date(*at),
        }
    }
}

/// The truncated body of [`Fault::MalformedJson`].
const MALFORMED_JSON: &str = r#"{"tenantId": "9c5d"#;

const BAD_GATEWAY_HTML: &str = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><h1>502 Bad Gateway</h1><p>The upstream server returned an invalid response.</p></body></html>\n";

/// Pieces of a chunked oversized body; small enough that a large body takes
/// many frames.
const CHUNK_SIZE: usize = 8 * 1024;

/// What the server does with a popped fault.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Wait, then serve the request normally.
    Delay(Duration),
    /// Send this instead of the normal response.
    Respond(Response),
    /// Serve the request, changed as this says.
    Mark(Mark),
}

/// How a fault changes the normal handling of one request.
#[derive(Clone, Debug, Default)]
pub(crate) struct Mark {
    /// A write answers 200 with the object.
    pub(crate) write_with_body: bool,
    /// A list's next link uses this base.
    pub(crate) next_link_base: Option<String>,
}

impl Fault {
    pub(crate) fn outcome(self, ids: &RequestIds) -> Outcome {
        let response = match self {
            Fault::Delay(duration) => return Outcome::Delay(duration),
            Fault::WriteAnswersWithBody => {
                return Outcome::Mark(Mark {
                    write_with_body: true,
                    ..Mark::default()
                });
            }
            Fault::NextLinkOn(base) => {
                return Outcome::Mark(Mark {
                    next_link_base: Some(base),
                    ..Mark::default()
                });
            }
            Fault::TooManyRequests { retry_after } => with_retry_after(
                graph_error(
                    StatusCode::TOO_MANY_REQUESTS,
                    "TooManyRequests",
                    "Too many requests.",
                    ids,
                ),
                retry_after,
            ),
            Fault::ServiceUnavailable { retry_after } => with_retry_after(
                graph_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "ServiceUnavailable",
                    "Service unavailable.",
                    ids,
                ),
                retry_after,
            ),
            Fault::GatewayTimeout => graph_error(
                StatusCode::GATEWAY_TIMEOUT,
                "GatewayTimeout",
                "The request timed out.",
                ids,
            ),
            Fault::MalformedJson => json_response(StatusCode::OK, MALFORMED_JSON),
            Fault::WrongType => json_response(
                StatusCode::OK,
                json!({
                    "tenantId": 9_502_131,
                    "displayName": "Fabrikam",
                    "userSyncInbound": { "isSyncAllowed": "yes" }
                })
                .to_string(),
            ),
            Fault::EmptyOk => json_response(StatusCode::OK, Body::empty()),
            Fault::HtmlBadGateway => (
                StatusCode::BAD_GATEWAY,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                BAD_GATEWAY_HTML,
            )
                .into_response(),
            Fault::Oversized { bytes, chunked } => {
                let body = padded_body(bytes);
                if chunked {
                    let pieces: Vec<Result<Vec<u8>, Infallible>> = body
                        .into_bytes()
                        .chunks(CHUNK_SIZE)
                        .map(|c| Ok(c.to_vec()))
                        .collect();
                    json_response(
                        StatusCode::OK,
                        Body::from_stream(futures_util::stream::iter(pieces)),
                    )
                } else {
                    json_response(StatusCode::OK, body)
                }
            }
            Fault::BrokenBody {
                status,
                retry_after,
            } => {
                use futures_util::StreamExt;
                let first = futures_util::stream::iter([Ok::<_, std::io::Error>(
                    &br#"{"error": {"code": "#[..],
                )]);
                // A pause lets the head and first bytes go out before the connection drops.
                let drop = futures_util::stream::once(async {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Err(std::io::Error::other("the connection dropped"))
                });
                let response = json_response(
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                    Body::from_stream(first.chain(drop)),
                );
                with_retry_after(response, retry_after)
            }
            Fault::SlowBody(pause) => {
                use futures_util::StreamExt;
                let body = padded_body(0).into_bytes();
                let (first, rest) = body.split_at(body.len() / 2);
                let first = futures_util::stream::iter([Ok::<_, Infallible>(first.to_vec())]);
                let rest = rest.to_vec();
                let rest = futures_util::stream::once(async move {
                    tokio::time::sleep(pause).await;
                    Ok(rest)
                });
                json_response(StatusCode::OK, Body::from_stream(first.chain(rest)))
            }
            Fault::GraphError {
                status,
                code,
                message,
            } => graph_error(
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                &code,
                &message,
                ids,
            ),
            Fault::RedirectTo(location) => (
                StatusCode::TEMPORARY_REDIRECT,
                [(header::LOCATION, location)],
            )
                .into_response(),
        };
        Outcome::Respond(response)
    }
}

fn with_retry_after(mut response: Response, retry_after: Option<RetryAfter>) -> Response {
    if let Some(value) = retry_after.and_then(|r| r.header_value().parse().ok()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// The Fabrikam partner with a `padding` string property sized so the whole
/// body is exactly `bytes` long (when that is at least its natural size).
fn padded_body(bytes: usize) -> String {
    let mut body = json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#policies/crossTenantAccessPolicy/partners('9c5d131d-b1c3-4fc4-9e3f-c6557947d551')/identitySynchronization/$entity",
    });
    if let (Some(out), serde_json::Value::Object(fabrikam)) =
        (body.as_object_mut(), seeds::partner_fabrikam())
    {
        out.extend(fabrikam);
    }
    let mut text = body.to_string();
    text.pop();
    text.push_str(r#","padding":""#);
    let fill = bytes.saturating_sub(text.len() + 2);
    text.extend(std::iter::repeat_n('x', fill));
    text.push_str(r#""}"#);
    text
}

#[cfg(test)]
mod tests {
    use super::padded_body;

    #[test]
    fn padded_body_is_exact_and_valid() -> Result<(), serde_json::Error> {
        let natural = padded_body(0).len();
        for size in [0, natural, natural + 1, 100_000] {
            let body = padded_body(size);
            let value: serde_json::Value = serde_json::from_str(&body)?;
            assert_eq!(value["displayName"], "Fabrikam");
            assert_eq!(body.len(), size.max(natural));
        }
        Ok(())
    }
}
