//! What calls write to `tracing`: one span per call with what was asked and what came back,
//! and never the token. One subscriber for the whole binary, installed once as the global
//! default (per-test scoped subscribers race on tracing's per-callsite interest cache when
//! tests run in parallel); each test reads only the lines of its own call, found by the
//! `client-request-id` it sets.

#![forbid(unsafe_code)]

use std::sync::{Arc, Mutex, OnceLock};

use crosstenant::{Client, Error, RetryPolicy, StaticToken, TenantId, Uuid};
use crosstenant_mock::{Fault, MockGraph, RetryAfter, seeds};
use crosstenant_tests::{TEST_TOKEN, TestResult, failure, header, within};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut out) = self.0.lock() {
            out.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything written so far, by every test.
fn traces() -> Result<String, Box<dyn std::error::Error>> {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    let captured = CAPTURED.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .with_writer(move || writer.clone())
            .finish();
        // Fails only if another test installed one first, which none does.
        let _ = tracing::subscriber::set_global_default(subscriber);
        captured
    });
    let bytes = captured.0.lock().map(|b| b.clone()).unwrap_or_default();
    Ok(String::from_utf8(bytes)?)
}

fn client_for(mock: &MockGraph) -> Result<Client, Error> {
    Client::builder()
        .credential(StaticToken::new(TEST_TOKEN))
        .base_url(mock.base_url())
        .retry(RetryPolicy::default().initial_backoff(std::time::Duration::from_millis(1)))
        .build()
}

fn fabrikam() -> Result<TenantId, Error> {
    Ok(seeds::FABRIKAM_TENANT_ID.parse()?)
}

#[tokio::test]
async fn each_call_runs_in_a_span_naming_what_was_asked_and_what_came_back() -> TestResult {
    traces()?;
    let mock = MockGraph::start().await?;
    mock.push_fault(Fault::TooManyRequests {
        retry_after: Some(RetryAfter::Seconds(0)),
    });
    let id = Uuid::new_v4();
    let call = client_for(&mock)?
        .beta()
        .partner_identity_sync(fabrikam()?)
        .client_request_id(id);
    within(call.send()).await?;
    let sent = mock
        .requests()
        .last()
        .and_then(|r| header(r, "client-request-id"))
        .ok_or("no id sent")?;
    assert_eq!(sent, id.to_string());

    let traces = traces()?;
    let closed = traces
        .lines()
        .find(|l| l.contains(&format!("client_request_id={id}")) && l.contains(": close"))
        .ok_or(format!("no span of this call closed: {traces}"))?;
    for field in [
        "graph{method=\"GET\"",
        "path=\"/policies/crossTenantAccessPolicy/partners/{tenantId}/identitySynchronization\"",
        "api_version=\"beta\"",
        "status=200",
        "attempts=2",
        "request_id=",
    ] {
        assert!(closed.contains(field), "{field} missing from: {closed}");
    }
    Ok(())
}

#[tokio::test]
async fn the_token_never_shows_in_debug_output_errors_or_traces() -> TestResult {
    traces()?;
    let mock = MockGraph::start().await?;
    let client = client_for(&mock)?;
    mock.push_fault(Fault::TooManyRequests {
        retry_after: Some(RetryAfter::Seconds(0)),
    });
    let id = Uuid::new_v4();
    within(
        client
            .partner_identity_sync(fabrikam()?)
            .client_request_id(id)
            .send(),
    )
    .await?;
    let unknown: TenantId = "00000000-0000-0000-0000-000000000404".parse()?;
    let err = failure(client.partner_identity_sync(unknown).send()).await?;

    let traces = traces()?;
    assert!(
        traces
            .lines()
            .any(|l| l.contains(&id.to_string()) && l.contains("retrying")),
        "this call's retry was traced: {traces}"
    );
    let builder = Client::builder().credential(StaticToken::new(TEST_TOKEN));
    for shown in [
        traces,
        format!("{client:?}"),
        format!("{err:?}"),
        err.to_string(),
        format!("{:?}", StaticToken::new(TEST_TOKEN)),
        format!("{builder:?}"),
    ] {
        assert!(!shown.contains(TEST_TOKEN), "token leaked: {shown}");
    }
    Ok(())
}
