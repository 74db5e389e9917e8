//! Dropping a call at any await point leaves the client fully usable: no wedged token cache,
//! no leaked task. The fake Graph serves from its own thread and runtime, so the tasks counted
//! are the client's alone.

#![forbid(unsafe_code)]

use std::time::Duration;

use crosstenant::test_util::{Answer, ScriptedCredential};
use crosstenant::{Client, Error, RetryPolicy, TenantId};
use crosstenant_mock::{Fault, RetryAfter, ThreadedMockGraph, seeds};
use crosstenant_tests::{TestResult, within};

const HOUR: Duration = Duration::from_secs(3600);

fn fabrikam() -> Result<TenantId, Error> {
    Ok(seeds::FABRIKAM_TENANT_ID.parse()?)
}

fn client(
    graph: &ThreadedMockGraph,
    credential: std::sync::Arc<ScriptedCredential>,
) -> Result<Client, Error> {
    Client::builder()
        .shared_credential(credential)
        .base_url(graph.base_url())
        .retry(RetryPolicy::default())
        .build()
}

/// Starts the call, drops it after `after`, then checks that a new call succeeds.
async fn cancel_then_call(client: &Client, after: Duration) -> TestResult {
    let dropped =
        tokio::time::timeout(after, client.partner_identity_sync(fabrikam()?).send()).await;
    assert!(
        dropped.is_err(),
        "the call should still have been running: {dropped:?}"
    );
    let partner = within(client.partner_identity_sync(fabrikam()?).send()).await?;
    assert_eq!(partner.display_name.as_deref(), Some("Fabrikam"));
    Ok(())
}

fn alive_tasks() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}

/// Waits (up to a second) for the runtime's tasks to come back to `baseline`.
async fn tasks_settle_at(baseline: usize) -> TestResult {
    for _ in 0..100 {
        if alive_tasks() <= baseline {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Err(format!("{} tasks alive, {baseline} before", alive_tasks()).into())
}

#[tokio::test]
async fn a_call_dropped_while_fetching_the_token_leaves_the_cache_usable() -> TestResult {
    let graph = ThreadedMockGraph::start()?;
    let credential = ScriptedCredential::delayed(Duration::from_millis(300), [Answer::Token(HOUR)]);
    let client = client(&graph, credential.clone())?;
    cancel_then_call(&client, Duration::from_millis(50)).await?;
    assert_eq!(
        credential.calls(),
        2,
        "the dropped fetch is started again, not awaited forever"
    );
    Ok(())
}

#[tokio::test]
async fn when_the_one_fetching_the_token_is_dropped_a_waiting_call_fetches_it() -> TestResult {
    let graph = ThreadedMockGraph::start()?;
    let credential = ScriptedCredential::delayed(Duration::from_millis(300), [Answer::Token(HOUR)]);
    let client = client(&graph, credential.clone())?;
    let first = tokio::spawn(client.partner_identity_sync(fabrikam()?).into_future());
    tokio::time::sleep(Duration::from_millis(50)).await;
    // The second call queues behind the first's fetch; the first is then dropped.
    let second = tokio::spawn(client.partner_identity_sync(fabrikam()?).into_future());
    tokio::time::sleep(Duration::from_millis(50)).await;
    first.abort();
    let partner = tokio::time::timeout(crosstenant_tests::STEP, second).await???;
    assert_eq!(partner.display_name.as_deref(), Some("Fabrikam"));
    assert_eq!(credential.calls(), 2);
    Ok(())
}

#[tokio::test]
async fn a_call_dropped_while_waiting_for_the_answer_leaves_the_client_usable() -> TestResult {
    let graph = ThreadedMockGraph::start()?;
    graph.push_fault(Fault::Delay(Duration::from_secs(2)));
    let client = client(&graph, ScriptedCredential::new([Answer::Token(HOUR)]))?;
    cancel_then_call(&client, Duration::from_millis(100)).await
}

#[tokio::test]
async fn a_call_dropped_while_reading_the_body_leaves_the_client_usable() -> TestResult {
    let graph = ThreadedMockGraph::start()?;
    graph.push_fault(Fault::SlowBody(Duration::from_secs(2)));
    let client = client(&graph, ScriptedCredential::new([Answer::Token(HOUR)]))?;
    cancel_then_call(&client, Duration::from_millis(200)).await
}

#[tokio::test]
async fn a_call_dropped_while_waiting_to_retry_leaves_the_client_usable() -> TestResult {
    let graph = ThreadedMockGraph::start()?;
    graph.push_fault(Fault::TooManyRequests {
        retry_after: Some(RetryAfter::Seconds(5)),
    });
    let client = client(&graph, ScriptedCredential::new([Answer::Token(HOUR)]))?;
    cancel_then_call(&client, Duration::from_millis(300)).await?;
    assert_eq!(
        graph.requests().len(),
        2,
        "the dropped call did not retry behind our back"
    );
    Ok(())
}

#[tokio::test]
async fn cancelled_calls_leave_no_task_behind() -> TestResult {
    let graph = ThreadedMockGraph::start()?;
    let baseline = alive_tasks();
    {
        let client = client(
            &graph,
            ScriptedCredential::delayed(Duration::from_millis(20), [Answer::Token(HOUR)]),
        )?;
        for fault in [
            Fault::Delay(Duration::from_secs(2)),
            Fault::SlowBody(Duration::from_secs(2)),
            Fault::TooManyRequests {
                retry_after: Some(RetryAfter::Seconds(5)),
            },
        ] {
            graph.push_fault(fault);
            cancel_then_call(&client, Duration::from_millis(150)).await?;
        }
        let tenant = fabrikam()?;
        let spawned: Vec<_> = (0..20)
            .map(|_| tokio::spawn(client.partner_identity_sync(tenant).into_future()))
            .collect();
        for call in &spawned {
            call.abort();
        }
        for call in spawned {
            let _ = call.await;
        }
    }
    // The client (and its pooled connections) are gone: so are their tasks.
    tasks_settle_at(baseline).await
}
