//! reqwest and its connection pool write to the `log` crate, which a `tracing` subscriber does
//! not see. A logger of its own, at the most verbose level, proves the token stays out of those
//! records too (reqwest's `connection_verbose`, which logs every byte sent, stays off). One
//! test in this binary: a logger is process-wide.

#![forbid(unsafe_code)]

use std::sync::Mutex;

use crosstenant::{Client, RetryPolicy, StaticToken, TenantId};
use crosstenant_mock::{Fault, MockGraph, RetryAfter, seeds};
use crosstenant_tests::{TEST_TOKEN, TestResult, within};

/// Every record, formatted with its target.
static RECORDS: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        if let Ok(mut records) = RECORDS.lock() {
            records.push(format!("{}: {}", record.target(), record.args()));
        }
    }
    fn flush(&self) {}
}

#[tokio::test]
async fn the_token_never_shows_in_reqwests_log_records() -> TestResult {
    log::set_boxed_logger(Box::new(Capture))?;
    log::set_max_level(log::LevelFilter::Trace);

    let mock = MockGraph::start().await?;
    mock.push_fault(Fault::TooManyRequests {
        retry_after: Some(RetryAfter::Seconds(0)),
    });
    let client = Client::builder()
        .credential(StaticToken::new(TEST_TOKEN))
        .base_url(mock.base_url())
        .retry(RetryPolicy::default())
        .build()?;
    let fabrikam: TenantId = seeds::FABRIKAM_TENANT_ID.parse()?;
    within(client.partner_identity_sync(fabrikam).send()).await?;

    let records = RECORDS.lock().map(|r| r.clone()).unwrap_or_default();
    assert!(
        records.iter().any(|r| r.starts_with("reqwest")),
        "reqwest's records were captured: {records:#?}"
    );
    for record in &records {
        assert!(!record.contains(TEST_TOKEN), "token leaked: {record}");
    }
    Ok(())
}
