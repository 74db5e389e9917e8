//! Helpers shared by the workspace tests: a generated client pointed at the fake Graph, a bound
//! on every network step, and redaction of what varies between runs.

#![forbid(unsafe_code)]

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crosstenant_api::hooks::RequestContext;
use crosstenant_mock::{Fault, MockGraph, RecordedRequest};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};

/// What every test returns.
pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The token the tests send; snapshots show it redacted.
pub const TEST_TOKEN: &str = "test-token-not-a-secret";
/// Every test gives up on a network step after this long.
pub const STEP: Duration = Duration::from_secs(10);

/// Awaits `call`, failing the test if it takes longer than [`STEP`].
pub async fn within<T, E>(
    call: impl Future<Output = Result<T, E>>,
) -> Result<T, Box<dyn std::error::Error>>
where
    E: std::error::Error + 'static,
{
    Ok(tokio::time::timeout(STEP, call).await??)
}

/// Awaits a call that must fail, and returns its error (failing the test if it succeeds or
/// takes longer than [`STEP`]).
pub async fn failure<T: std::fmt::Debug, E>(
    call: impl Future<Output = Result<T, E>>,
) -> Result<E, Box<dyn std::error::Error>> {
    match tokio::time::timeout(STEP, call).await? {
        Ok(value) => Err(format!("expected an error, got {value:?}").into()),
        Err(e) => Ok(e),
    }
}

/// The value of the first header `name` of a recorded request.
pub fn header(request: &RecordedRequest, name: &str) -> Option<String> {
    request
        .headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
}

/// A generated client for the fake Graph, authorized with [`TEST_TOKEN`], and its context.
pub fn generated_client(mock: &MockGraph) -> (crosstenant_api::Client, Arc<RequestContext>) {
    let mut headers = HeaderMap::new();
    let mut token = HeaderValue::from_static("Bearer test-token-not-a-secret");
    token.set_sensitive(true);
    headers.insert(AUTHORIZATION, token);
    headers.insert(
        "client-request-id",
        HeaderValue::from_static("00000000-0000-4000-8000-000000000001"),
    );
    let context = Arc::new(RequestContext::new(headers));
    let client = crosstenant_api::Client::new_with_client(
        mock.base_url(),
        reqwest::Client::new(),
        Arc::clone(&context),
    );
    (client, context)
}

/// A recorded request with what changes from run to run replaced: the token, the port, the
/// SDK's version, and a `client-request-id` the SDK generated (a test checks those apart).
pub fn redacted(request: &RecordedRequest) -> RecordedRequest {
    let mut request = request.clone();
    for (name, value) in &mut request.headers {
        match name.as_str() {
            "authorization" => {
                let scheme = value.split(' ').next().unwrap_or_default();
                *value = format!("{scheme} [redacted]");
            }
            "host" => *value = "127.0.0.1:[port]".to_string(),
            "client-request-id" if !value.starts_with("00000000-") => {
                *value = "[uuid v4]".to_string()
            }
            "user-agent" => *value = without_versions(value),
            _ => {}
        }
    }
    request
}

/// `crosstenant/0.1.0 my-tool/2` → `crosstenant/[version] my-tool/2`: the SDK's own version
/// changes with every release.
fn without_versions(agent: &str) -> String {
    agent
        .split(' ')
        .map(|product| match product.split_once('/') {
            Some((name, _)) if name.starts_with("crosstenant") => format!("{name}/[version]"),
            _ => product.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Graph's answer to a caller who lacks the permission or role: 403 `Authorization_RequestDenied`.
pub fn access_denied() -> Fault {
    Fault::GraphError {
        status: 403,
        code: "Authorization_RequestDenied".into(),
        message: "Insufficient privileges to complete the operation.".into(),
    }
}

/// The last request the fake Graph saw, redacted.
pub fn last_request(mock: &MockGraph) -> Option<RecordedRequest> {
    mock.requests().last().map(redacted)
}

/// Insta filters that hide the ids Graph generates (`request-id …`, `client-request-id …`)
/// and nothing else: a known tenant id in a message stays visible.
pub fn id_filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"request-id [0-9a-f-]{36}", "request-id [uuid]"),
        (
            r"client-request-id [0-9a-f-]{36}",
            "client-request-id [uuid]",
        ),
    ]
}

/// progenitor adds an `api-version` header to every request; the hooks remove it, and Graph
/// must never see it.
pub fn assert_no_api_version(request: &RecordedRequest) {
    assert!(
        request
            .headers
            .iter()
            .all(|(name, _)| name != "api-version"),
        "progenitor's api-version header reached Graph: {:?}",
        request.headers
    );
}
