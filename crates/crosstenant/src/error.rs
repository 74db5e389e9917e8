//! The one error type of the crate.

use std::fmt;
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{DATE, HeaderMap, LOCATION, RETRY_AFTER};

use crate::Cloud;
use crate::operation::OperationInfo;

/// Everything a call can fail with. Each message says what happened and what to do.
///
/// Errors that come from a response carry its [`ResponseInfo`] (status, `request-id`,
/// `client-request-id`, `Date`, `Retry-After`): quote the ids when asking Microsoft support.
///
/// ```
/// # async fn run(client: crosstenant::Client) {
/// # let tenant: crosstenant::TenantId = "9c5d131d-b1c3-4fc4-9e3f-c6557947d551".parse().unwrap();
/// match client.partner_identity_sync(tenant).send().await {
///     Ok(policy) => println!("{policy}"),
///     Err(crosstenant::Error::Graph(e)) if e.code == "Request_ResourceNotFound" => {
///         println!("no partner configuration for {tenant}");
///     }
///     Err(e) => eprintln!("{e}"),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Graph answered with an error (`ODataError`).
    #[error("{0}")]
    Graph(Box<GraphError>),

    /// The operation does not exist in the client's cloud; nothing was sent.
    #[error("{operation} is not available in {cloud}; Microsoft offers it in: {available}")]
    UnsupportedInCloud {
        /// The operation, as `GET /path`.
        operation: &'static str,
        /// The client's cloud.
        cloud: Cloud,
        /// The clouds that have it.
        available: String,
    },

    /// An argument or a client setting is invalid; nothing was sent.
    #[error("invalid {what}: {why}")]
    InvalidArgument {
        /// What was invalid.
        what: &'static str,
        /// Why, and what is expected instead.
        why: String,
    },

    /// The credential could not produce a token; nothing was sent.
    #[error(
        "could not get an access token for {scope}: {message}; check the credential's tenant, client id and secret or certificate, and that it may request this scope"
    )]
    Authentication {
        /// The scope asked for.
        scope: String,
        /// What the credential reported.
        message: String,
        /// The credential's own error.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// No answer within the time allowed.
    #[error(
        "no answer from Graph within {after:?} (attempt {attempts}); raise the timeout with ClientBuilder::timeout or retry later"
    )]
    Timeout {
        /// The time allowed for one attempt.
        after: Duration,
        /// How many attempts were made.
        attempts: u32,
        /// The transport's error.
        #[source]
        source: reqwest::Error,
    },

    /// The request could not be sent or the answer not received (DNS, TLS, connection).
    #[error("{}", transport(*.attempts, .response.as_deref(), .source))]
    Transport {
        /// How many attempts were made.
        attempts: u32,
        /// The response, when its head arrived and its body broke off.
        response: Option<Box<ResponseInfo>>,
        /// The transport's error.
        #[source]
        source: reqwest::Error,
    },

    /// Graph (or something in front of it, such as a gateway) answered with an error status
    /// and a body that is not a Graph error: an HTML 502 page, say. Match on
    /// [`status`](Self::status) as for any other answer.
    #[error("Graph answered {} without a Graph error body ({}{}){}; it began with: {snippet:?}", info.status, content_type(info), info.ids(), after_attempts(*.attempts))]
    Http {
        /// The response.
        info: Box<ResponseInfo>,
        /// The first bytes of the body (at most 256, lossy UTF-8).
        snippet: String,
        /// How many attempts the call made.
        attempts: u32,
    },

    /// The response body was not what the API describes.
    #[error("could not read {} as {expected}: {source}; it began with: {snippet:?}", describe(.info))]
    Decode {
        /// The response (always there unless the SDK itself is at fault).
        info: Option<Box<ResponseInfo>>,
        /// What was expected (a type name).
        expected: &'static str,
        /// The first bytes of the body (at most 256, lossy UTF-8).
        snippet: String,
        /// The decoder's error.
        #[source]
        source: serde_json::Error,
    },

    /// The response body exceeded the client's limit and was not read.
    #[error("the {} response body {} ({}); raise the limit with ClientBuilder::max_response_bytes if this is expected", info.status, too_large(*.limit, *.declared), info.ids())]
    ResponseTooLarge {
        /// The response.
        info: Box<ResponseInfo>,
        /// The limit in bytes.
        limit: usize,
        /// The length the response declared, when it declared one (otherwise it was streamed
        /// and cut off at the limit).
        declared: Option<u64>,
    },

    /// Graph's `@odata.nextLink` pointed away from the client's Graph; it was not followed,
    /// so the access token went nowhere else.
    #[error(
        "the next page's link {link:?} is not on {expected}; it was not followed, so the access token stayed home"
    )]
    UntrustedNextLink {
        /// The link (at most 512 characters of it).
        link: String,
        /// The client's base URL, which a next link must be under.
        expected: String,
    },

    /// Graph answered with a redirect, which is never followed so that the token cannot reach
    /// another host.
    #[error("Graph answered {} redirecting to {location:?}; redirects are not followed so the access token never leaves the Graph host: check the base URL ({})", info.status, info.ids())]
    Redirect {
        /// The response.
        info: Box<ResponseInfo>,
        /// Where it pointed.
        location: String,
    },
}

/// A Graph error response: the `ODataError` body with what the response said about itself.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct GraphError {
    /// Graph's error code, such as `Request_ResourceNotFound` or `Authorization_RequestDenied`.
    pub code: String,
    /// Graph's message.
    pub message: String,
    /// The part of the request the error is about, when Graph names one.
    pub target: Option<String>,
    /// Further errors Graph lists, as `(code, message)`.
    pub details: Vec<(String, String)>,
    /// Graph's `innerError` as it came: service-specific details such as `request-id`,
    /// `date` and sometimes a more specific code.
    pub inner_error: serde_json::Map<String, serde_json::Value>,
    /// The response.
    pub info: ResponseInfo,
    /// How many attempts the call made (more than one when it was retried).
    pub attempts: u32,
    /// The operation that failed: its permission and role make the hints.
    pub(crate) operation: &'static OperationInfo,
}

impl GraphError {
    /// The operation that failed (`GET /policies/…`).
    pub fn operation(&self) -> &'static str {
        self.operation.name
    }
}

/// Graph's error body as the generated code hands it over, whatever version's schema it was
/// decoded with (`cargo xtask generate` writes a `From` for each).
#[doc(hidden)]
#[derive(Debug)]
pub struct GraphErrorBody {
    pub(crate) code: String,
    pub(crate) message: String,
    pub(crate) target: Option<String>,
    pub(crate) details: Vec<(String, String)>,
    pub(crate) inner_error: serde_json::Map<String, serde_json::Value>,
}

/// The generated client's error, with its error body turned into a [`GraphErrorBody`].
pub(crate) fn with_graph_error_body<E: Into<GraphErrorBody>>(
    error: crosstenant_api::Error<E>,
) -> crosstenant_api::Error<GraphErrorBody> {
    use crosstenant_api::Error as Api;
    match error {
        Api::ErrorResponse(response) => {
            match response.map::<GraphErrorBody, _, std::convert::Infallible>(Into::into) {
                Ok(response) => Api::ErrorResponse(response),
                Err(never) => match never {},
            }
        }
        Api::InvalidRequest(why) => Api::InvalidRequest(why),
        Api::CommunicationError(e) => Api::CommunicationError(e),
        Api::InvalidUpgrade(e) => Api::InvalidUpgrade(e),
        Api::ResponseBodyError(e) => Api::ResponseBodyError(e),
        Api::InvalidResponsePayload(body, e) => Api::InvalidResponsePayload(body, e),
        Api::UnexpectedResponse(response) => Api::UnexpectedResponse(response),
        Api::Custom(why) => Api::Custom(why),
    }
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Graph answered {}: {}: {}",
            self.info.status, self.code, self.message
        )?;
        if let Some(target) = &self.target {
            write!(f, " (target {target})")?;
        }
        for (code, message) in &self.details {
            write!(f, "; {code}: {message}")?;
        }
        if let Some(hint) = hint(self.info.status, self.operation) {
            write!(f, "; {hint}")?;
        }
        write!(f, " ({}){}", self.info.ids(), after_attempts(self.attempts))
    }
}

/// ` after 4 attempts` when the call was retried, nothing when it was not.
fn after_attempts(attempts: u32) -> String {
    if attempts > 1 {
        format!(" after {attempts} attempts")
    } else {
        String::new()
    }
}

/// What to do about the common errors, for this operation.
fn hint(status: StatusCode, operation: &OperationInfo) -> Option<String> {
    match status.as_u16() {
        401 => Some(
            "the token was refused: check that it is for this cloud's Graph and not expired".into(),
        ),
        403 => Some(match (operation.permission, operation.role) {
            (Some(permission), Some(role)) => format!(
                "the caller lacks permission: grant {permission} and, for a signed-in user, \
                 the {role} role (or one above it)"
            ),
            (Some(permission), None) => {
                format!("the caller lacks permission: grant {permission}")
            }
            _ => "the caller lacks permission for this operation".into(),
        }),
        404 => operation.not_found.map(str::to_string),
        429 | 503 | 504 => Some("Graph is throttling or busy: retry after the time it asks".into()),
        _ => None,
    }
}

/// What a response said about itself, for errors and support requests.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseInfo {
    /// The HTTP status.
    pub status: StatusCode,
    /// Graph's `request-id` header.
    pub request_id: Option<String>,
    /// The `client-request-id` header (the SDK sends one per call; Graph echoes it).
    pub client_request_id: Option<String>,
    /// The `Date` header.
    pub date: Option<SystemTime>,
    /// How long Graph asked to wait before retrying (`Retry-After`, as seconds or a date).
    pub retry_after: Option<Duration>,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
}

impl ResponseInfo {
    pub(crate) fn from_headers(status: StatusCode, headers: &HeaderMap) -> Self {
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let date = text(DATE.as_str()).and_then(|d| httpdate::parse_http_date(&d).ok());
        Self {
            status,
            request_id: text("request-id"),
            client_request_id: text("client-request-id"),
            date,
            retry_after: text(RETRY_AFTER.as_str()).and_then(|v| parse_retry_after(&v, date)),
            content_type: text("content-type"),
        }
    }

    /// The ids to quote, as `request-id …, client-request-id …`.
    pub fn ids(&self) -> String {
        format!(
            "request-id {}, client-request-id {}",
            self.request_id.as_deref().unwrap_or("none"),
            self.client_request_id.as_deref().unwrap_or("none")
        )
    }
}

fn transport(attempts: u32, response: Option<&ResponseInfo>, source: &reqwest::Error) -> String {
    let cause = causes(source);
    match response {
        Some(info) => format!(
            "the {} response broke off after {attempts} attempt(s): {cause} ({}); retry later",
            info.status,
            info.ids()
        ),
        None if source.is_connect() => format!(
            "could not reach Graph after {attempts} attempt(s): {cause}; check the network, proxy and base URL"
        ),
        // The request went out on a connection that then closed (often an idle pooled one
        // that Azure's front door was closing at that moment).
        None => format!(
            "the connection closed before Graph answered, after {attempts} attempt(s): {cause}; \
             Graph may have received the request, so for a change read the resource before \
             trying it again"
        ),
    }
}

/// An error and the errors under it: `error sending request …: connection closed …`.
fn causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        let line = cause.to_string();
        if !text.contains(&line) {
            text.push_str(": ");
            text.push_str(&line);
        }
        next = cause.source();
    }
    text
}

fn too_large(limit: usize, declared: Option<u64>) -> String {
    match declared {
        Some(length) => format!("declares {length} bytes, over the limit of {limit}"),
        None => format!("was streamed past the limit of {limit} bytes and cut off"),
    }
}

/// `text/html; ` (the content type and a separator), or nothing.
fn content_type(info: &ResponseInfo) -> String {
    info.content_type
        .as_deref()
        .map(|t| format!("{t}; "))
        .unwrap_or_default()
}

/// `the 502 Bad Gateway response (text/html; request-id …, client-request-id …)`.
fn describe(info: &Option<Box<ResponseInfo>>) -> String {
    match info {
        Some(info) => format!(
            "the {} response ({}{})",
            info.status,
            content_type(info),
            info.ids()
        ),
        None => "the response".to_string(),
    }
}

/// `Retry-After` is a number of seconds or an HTTP date; a date is measured from the response's
/// own `Date` when it has one, so a skewed local clock does not stretch or cut the wait.
pub(crate) fn parse_retry_after(
    value: &str,
    response_date: Option<SystemTime>,
) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // More seconds than a u64 holds is "longer than anyone will wait", not "no wait given".
        return Some(value.parse().map_or(Duration::MAX, Duration::from_secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let now = response_date.unwrap_or_else(SystemTime::now);
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

pub(crate) fn location(headers: &HeaderMap) -> String {
    headers
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("(none)")
        .to_string()
}

impl Error {
    /// The response this error came from, if it came from one.
    pub fn response(&self) -> Option<&ResponseInfo> {
        match self {
            Error::Graph(e) => Some(&e.info),
            Error::Decode { info, .. } | Error::Transport { response: info, .. } => info.as_deref(),
            Error::Http { info, .. }
            | Error::ResponseTooLarge { info, .. }
            | Error::Redirect { info, .. } => Some(info),
            _ => None,
        }
    }

    /// The HTTP status, if a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        self.response().map(|r| r.status)
    }

    /// Graph's `request-id`, if a response arrived with one.
    pub fn request_id(&self) -> Option<&str> {
        self.response().and_then(|r| r.request_id.as_deref())
    }

    /// The `client-request-id` Graph echoed, if a response arrived with one (the SDK sends
    /// one per call; quote it with the `request-id`).
    pub fn client_request_id(&self) -> Option<&str> {
        self.response().and_then(|r| r.client_request_id.as_deref())
    }

    /// Graph's error code (`Request_ResourceNotFound`, `Authorization_RequestDenied`, …), if
    /// Graph answered with an error body.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Graph(e) => Some(&e.code),
            _ => None,
        }
    }

    /// How long Graph asked to wait before trying again, if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.response().and_then(|r| r.retry_after)
    }

    /// Whether trying the same call again later may succeed: throttling (429), a busy or
    /// unreachable service (503, 504), or a connection that failed or broke off.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Transport { .. } => true,
            other => other
                .status()
                .is_some_and(|s| matches!(s.as_u16(), 429 | 503 | 504)),
        }
    }

    /// Whether Graph cannot have acted on the request: it answered 429 or 503 (refused before
    /// acting), or the connection never opened. Only such a failure of a request that is not
    /// idempotent (a POST action) is retried.
    pub(crate) fn graph_cannot_have_acted(&self) -> bool {
        match self {
            Error::Transport {
                source,
                response: None,
                ..
            } => source.is_connect(),
            other => other
                .status()
                .is_some_and(|s| matches!(s.as_u16(), 429 | 503)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(
            parse_retry_after("120", None),
            Some(Duration::from_secs(120))
        );
        let date = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000);
        let later = httpdate::fmt_http_date(date + Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&later, Some(date)),
            Some(Duration::from_secs(30))
        );
        let earlier = httpdate::fmt_http_date(date - Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&earlier, Some(date)),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("99999999999999999999999", None),
            Some(Duration::MAX)
        );
        assert_eq!(parse_retry_after("soon", None), None);
        assert_eq!(parse_retry_after("-1", None), None);
    }

    fn operation(permission: Option<&'static str>, role: Option<&'static str>) -> OperationInfo {
        OperationInfo {
            name: "GET /policies/x",
            method: "GET",
            path: "/policies/x",
            clouds: &[],
            permission,
            role,
            not_found: None,
        }
    }

    #[test]
    fn the_403_hint_names_what_the_operation_declares() {
        let forbidden =
            |permission, role| hint(StatusCode::FORBIDDEN, &operation(permission, role));
        assert_eq!(
            forbidden(Some("Policy.Read.All"), Some("Security Reader")).as_deref(),
            Some(
                "the caller lacks permission: grant Policy.Read.All and, for a signed-in user, \
                 the Security Reader role (or one above it)"
            )
        );
        assert_eq!(
            forbidden(Some("Policy.Read.All"), None).as_deref(),
            Some("the caller lacks permission: grant Policy.Read.All")
        );
        assert_eq!(
            forbidden(None, Some("Security Reader")).as_deref(),
            Some("the caller lacks permission for this operation")
        );
    }

    #[derive(Debug, thiserror::Error)]
    #[error("{text}")]
    struct Chain {
        text: &'static str,
        #[source]
        source: Option<Box<Chain>>,
    }

    #[test]
    fn causes_joins_each_new_line_of_the_chain_once() {
        let chain = Chain {
            text: "error sending request",
            source: Some(Box::new(Chain {
                text: "client error (SendRequest)",
                source: Some(Box::new(Chain {
                    // Repeated by the error above it in some versions of hyper: shown once.
                    text: "SendRequest",
                    source: Some(Box::new(Chain {
                        text: "connection closed before message completed",
                        source: None,
                    })),
                })),
            })),
        };
        assert_eq!(
            causes(&chain),
            "error sending request: client error (SendRequest): \
             connection closed before message completed"
        );
    }
}
