//! Load with faults: 10,000 calls (reads and writes) at 256 in flight against the fake Graph,
//! one request in seven or so answered with a fault (429 with Retry-After, 503, 504, a body
//! that breaks off, a slow answer, a malformed body). Every call ends in `Ok` or a typed error
//! within its budget, attempts stay within the policy, every acknowledged write is in the
//! store, and the runtime's task count comes back to where it was.
//!
//! `LOAD_CALLS=n` changes the number of calls; `cargo test --test load -- --nocapture` prints
//! the figures (calls, faults, duration, peak RSS, tasks before and after).

#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crosstenant::models::Nullable;
use crosstenant::models::v1::PartnerIdentitySyncWrite;
use crosstenant::test_util::{Answer, ScriptedCredential};
use crosstenant::{Client, Error, RetryPolicy, TenantId};
use crosstenant_mock::{ApiVersion, Fault, RetryAfter, ThreadedMockGraph, resources};
use crosstenant_tests::{TestResult, header};
use serde_json::json;
use tokio::sync::Semaphore;

const IN_FLIGHT: usize = 256;
const TIMEOUT: Duration = Duration::from_secs(5);
const BUDGET: Duration = Duration::from_secs(10);
const MAX_RETRIES: u32 = 3;

/// A small deterministic generator (xorshift), so a failing run can be repeated.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % sides
    }
}

/// The faults, one per incoming request in arrival order; `Delay(0)` is "no fault".
fn fault_script(requests: usize, dice: &mut Dice) -> (Vec<Fault>, usize) {
    let mut faults = 0;
    let script = (0..requests)
        .map(|_| {
            let fault = match dice.roll(40) {
                0 | 1 => Fault::TooManyRequests {
                    retry_after: Some(RetryAfter::Seconds(0)),
                },
                2 => Fault::ServiceUnavailable { retry_after: None },
                3 => Fault::GatewayTimeout,
                4 => Fault::BrokenBody {
                    status: 200,
                    retry_after: None,
                },
                5 => Fault::Delay(Duration::from_millis(20)),
                6 => Fault::MalformedJson,
                _ => return Fault::Delay(Duration::ZERO),
            };
            faults += 1;
            fault
        })
        .collect();
    (script, faults)
}

fn tenant(i: usize) -> Result<TenantId, Error> {
    Ok(format!("00000000-0000-4000-9000-{i:012}").parse()?)
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_calls_with_faults_all_end_typed_within_budget() -> TestResult {
    let calls: usize = std::env::var("LOAD_CALLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let graph = ThreadedMockGraph::start()?;
    // Every fourth call writes, each to a partner of its own.
    let writes = calls.div_ceil(4);
    for i in 0..writes {
        let id = tenant(i)?.to_string();
        graph.put(
            ApiVersion::V1,
            &resources::PARTNER_CONFIG.replace("{tenantId}", &id),
            json!({ "tenantId": id }),
        );
    }
    let mut dice = Dice(0x5eed_1234_abcd_0001);
    let (script, faults) = fault_script(calls * 2, &mut dice);
    for fault in script {
        graph.push_fault(fault);
    }
    let tasks_before = tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks();
    let started = Instant::now();

    let outcomes = {
        let client = Client::builder()
            .shared_credential(ScriptedCredential::new([Answer::Token(
                Duration::from_secs(3600),
            )]))
            .base_url(graph.base_url())
            .timeout(TIMEOUT)
            .retry(
                RetryPolicy::default()
                    .max_retries(MAX_RETRIES)
                    .initial_backoff(Duration::from_millis(1))
                    .budget(BUDGET),
            )
            .build()?;
        let gate = Arc::new(Semaphore::new(IN_FLIGHT));
        let mut handles = Vec::with_capacity(calls);
        for i in 0..calls {
            let permit = Arc::clone(&gate).acquire_owned().await?;
            let client = client.clone();
            let write = i % 4 == 0;
            handles.push(tokio::spawn(async move {
                let begun = Instant::now();
                let outcome = if write {
                    let body = PartnerIdentitySyncWrite {
                        display_name: Nullable::Value(format!("load {i}")),
                        ..Default::default()
                    };
                    let tenant = tenant(i / 4)?;
                    client
                        .put_partner_identity_sync(tenant, body)
                        .send()
                        .await
                        .map(|_| ())
                } else {
                    let fabrikam: TenantId = crosstenant_mock::seeds::FABRIKAM_TENANT_ID.parse()?;
                    client
                        .partner_identity_sync(fabrikam)
                        .send()
                        .await
                        .map(|_| ())
                };
                drop(permit);
                Ok::<_, Error>((i, write, outcome, begun.elapsed()))
            }));
        }
        let mut outcomes = Vec::with_capacity(calls);
        for handle in handles {
            outcomes.push(handle.await??);
        }
        outcomes
    };
    let elapsed = started.elapsed();

    // Every call ended, each within its budget and one attempt's timeout past it.
    let mut failed: HashMap<String, usize> = HashMap::new();
    let mut acknowledged = Vec::new();
    for (i, write, outcome, took) in &outcomes {
        assert!(*took <= BUDGET + TIMEOUT, "call {i} took {took:?}");
        match outcome {
            Ok(()) if *write => acknowledged.push(*i),
            Ok(()) => {}
            Err(e) => {
                let kind = format!("{e:?}")
                    .split([' ', '(', '{'])
                    .next()
                    .unwrap_or("?")
                    .to_string();
                *failed.entry(kind).or_default() += 1;
            }
        }
    }
    // Attempts stay within the policy: no call sent more than 1 + MAX_RETRIES requests.
    let mut attempts: HashMap<String, u32> = HashMap::new();
    for request in graph.requests() {
        if let Some(id) = header(&request, "client-request-id") {
            *attempts.entry(id).or_default() += 1;
        }
    }
    let most = attempts.values().copied().max().unwrap_or(0);
    assert!(most <= 1 + MAX_RETRIES, "a call made {most} attempts");
    assert_eq!(attempts.len(), calls, "one client-request-id per call");
    // Every acknowledged write is in the store, as it was sent (a PUT repeated after a fault
    // puts the same policy again: the result does not change).
    for i in &acknowledged {
        let path = resources::PARTNER_SYNC.replace("{tenantId}", &tenant(i / 4)?.to_string());
        let stored = graph
            .get(ApiVersion::V1, &path)
            .ok_or("an acknowledged write is missing")?;
        assert_eq!(
            stored["displayName"],
            format!("load {i}"),
            "partner of call {i}"
        );
    }
    // Malformed bodies are the only failures a retry cannot cure; each is a typed error.
    let expected_kinds = ["Decode", "Transport", "Graph", "Http"];
    for kind in failed.keys() {
        assert!(
            expected_kinds.contains(&kind.as_str()),
            "unexpected error kind {kind}"
        );
    }

    // The client is gone: its tasks and connections too.
    let mut tasks_after = usize::MAX;
    for _ in 0..200 {
        tasks_after = tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks();
        if tasks_after <= tasks_before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        tasks_after <= tasks_before,
        "{tasks_after} tasks alive, {tasks_before} before"
    );

    println!(
        "load: {calls} calls ({} writes) at {IN_FLIGHT} in flight, {faults} faults queued, {:?}; \
         {} writes acknowledged and in the store; failed by kind {failed:?}; most attempts {most}; tasks {tasks_before} before, {tasks_after} after; \
         peak RSS {} KiB",
        writes,
        elapsed,
        acknowledged.len(),
        peak_rss_kib().map_or("?".into(), |k| k.to_string())
    );
    Ok(())
}
