//! The facade against the fake Graph on loopback: each endpoint and version, clouds, `$select`,
//! Graph's errors, retries, the token cache, and that the token never shows.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use crosstenant::credential::{AccessToken, BoxFuture, CredentialError, TokenCredential};
use crosstenant::models::{ApplicationLevel, Nullable, beta, v1};
use crosstenant::{Client, ClientBuilder, Cloud, Error, RetryPolicy, StaticToken, TenantId};
use crosstenant_mock::{ApiVersion, Fault, MockGraph, RetryAfter, seeds};
use crosstenant_tests::{STEP, TEST_TOKEN, last_request, redacted};
use tokio::time::timeout;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn fabrikam() -> Result<TenantId, Error> {
    seeds::FABRIKAM_TENANT_ID.parse()
}

/// A builder for the fake Graph with the test token.
fn builder_for(mock: &MockGraph) -> ClientBuilder {
    Client::builder()
        .credential(StaticToken::new(TEST_TOKEN))
        .base_url(mock.base_url())
}

/// A v1.0 client for the fake Graph that retries quickly.
fn client_for(mock: &MockGraph) -> Result<Client, Error> {
    builder_for(mock)
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(10)))
        .build()
}

/// A credential that counts its calls and hands out tokens living `lifetime`.
#[derive(Debug)]
struct Counting {
    calls: AtomicUsize,
    lifetime: Duration,
    scopes: Mutex<Vec<String>>,
}

impl Counting {
    fn new(lifetime: Duration) -> Arc<Self> {
        Arc::new(Self {
            calls: AtomicUsize::new(0),
            lifetime,
            scopes: Mutex::new(Vec::new()),
        })
    }
}

impl TokenCredential for Counting {
    fn get_token<'a>(
        &'a self,
        scopes: &'a [&'a str],
    ) -> BoxFuture<'a, Result<AccessToken, CredentialError>> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            if let Ok(mut seen) = self.scopes.lock() {
                seen.extend(scopes.iter().map(|s| s.to_string()));
            }
            // Slow enough that concurrent callers pile up behind the first fetch.
            tokio::time::sleep(Duration::from_millis(50)).await;
            Ok(AccessToken::new(
                format!("{TEST_TOKEN}-{n}"),
                SystemTime::now() + self.lifetime,
            ))
        })
    }
}

#[tokio::test]
async fn each_endpoint_in_each_version_returns_that_versions_model() -> TestResult {
    let mock = MockGraph::start().await?;
    mock.insert_partner(ApiVersion::Beta, seeds::partner_contoso_beta());
    let client = client_for(&mock)?;

    let partner: v1::PartnerIdentitySync =
        timeout(STEP, client.partner_identity_sync(fabrikam()?).send()).await??;
    assert_eq!(partner.display_name.as_deref(), Some("Fabrikam"));
    assert_eq!(
        mock.requests().last().map(|r| r.path.starts_with("/v1.0/")),
        Some(true)
    );

    let contoso: TenantId = seeds::CONTOSO_TENANT_ID.parse()?;
    let partner: beta::PartnerIdentitySync =
        timeout(STEP, client.beta().partner_identity_sync(contoso).send()).await??;
    assert_eq!(
        partner.group_sync_inbound.and_then(|g| g.is_sync_allowed),
        Some(false)
    );
    assert_eq!(
        mock.requests().last().map(|r| r.path.starts_with("/beta/")),
        Some(true)
    );

    for template in [
        timeout(STEP, client.mto_identity_sync_template().send()).await??,
        timeout(STEP, client.beta().mto_identity_sync_template().send()).await??,
    ] {
        let level = template.template_application_level.unwrap_or_default();
        assert!(
            level.contains(ApplicationLevel::NewPartners)
                && level.contains(ApplicationLevel::ExistingPartners)
        );
        assert_eq!(
            template
                .user_sync_inbound
                .unwrap_or_default()
                .is_sync_allowed,
            Nullable::Null
        );
    }
    Ok(())
}

#[tokio::test]
async fn select_sends_typed_fields_once_and_returns_only_them() -> TestResult {
    let mock = MockGraph::start().await?;
    let client = client_for(&mock)?.beta();
    let call = client.partner_identity_sync(fabrikam()?).select([
        beta::PartnerField::TenantId,
        beta::PartnerField::GroupSyncInbound,
        beta::PartnerField::TenantId,
    ]);
    let partner = timeout(STEP, call.send()).await??;
    assert_eq!(
        partner.tenant_id.as_deref(),
        Some(seeds::FABRIKAM_TENANT_ID)
    );
    assert!(partner.display_name.is_none() && partner.user_sync_inbound.is_none());
    let request = last_request(&mock).ok_or("no request")?;
    assert_eq!(
        request.query.as_deref(),
        Some("%24select=tenantId%2CgroupSyncInbound")
    );
    insta::assert_yaml_snapshot!("facade_select_beta_request", request);
    Ok(())
}

#[tokio::test]
async fn each_cloud_asks_for_its_own_scope_and_names_its_own_graph() -> TestResult {
    let mock = MockGraph::start().await?;
    for cloud in [Cloud::Global, Cloud::UsGovernmentL4, Cloud::UsGovernmentL5] {
        let credential = Counting::new(Duration::from_secs(3600));
        let at_home = Client::builder()
            .cloud(cloud)
            .shared_credential(credential.clone())
            .build()?;
        assert_eq!(at_home.base_url(), cloud.graph_url());
        assert_eq!(cloud.scope(), format!("{}/.default", cloud.graph_url()));

        let via_mock = Client::builder()
            .cloud(cloud)
            .shared_credential(credential.clone())
            .base_url(mock.base_url())
            .build()?;
        timeout(STEP, via_mock.partner_identity_sync(fabrikam()?).send()).await??;
        let scopes = credential
            .scopes
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default();
        assert_eq!(scopes, [cloud.scope()]);
    }
    Ok(())
}

#[tokio::test]
async fn a_call_the_cloud_does_not_offer_fails_before_anything_is_sent() -> TestResult {
    let mock = MockGraph::start().await?;
    let client_in = |cloud| {
        Client::builder()
            .cloud(cloud)
            .credential(StaticToken::new(TEST_TOKEN))
            .base_url(mock.base_url())
            .build()
    };

    let china = client_in(Cloud::China)?;
    let err = china
        .partner_identity_sync(fabrikam()?)
        .send()
        .await
        .err()
        .ok_or("China has no partner sync")?;
    assert!(
        matches!(
            err,
            Error::UnsupportedInCloud {
                cloud: Cloud::China,
                ..
            }
        ),
        "{err}"
    );
    let l5 = client_in(Cloud::UsGovernmentL5)?;
    let err = l5
        .mto_identity_sync_template()
        .send()
        .await
        .err()
        .ok_or("L5 has no template")?;
    assert_eq!(
        err.to_string(),
        "GET /policies/crossTenantAccessPolicy/templates/multiTenantOrganizationIdentitySynchronization \
         is not available in US Government L5 (DoD); Microsoft offers it in: the global service"
    );
    assert!(mock.requests().is_empty(), "nothing may reach the network");
    Ok(())
}

#[tokio::test]
async fn graph_errors_map_to_the_typed_error_with_request_ids() -> TestResult {
    let mock = MockGraph::start().await?;

    let no_token = Client::builder()
        .credential(StaticToken::new(""))
        .base_url(mock.base_url())
        .build()?;
    let Err(Error::Graph(e)) =
        timeout(STEP, no_token.partner_identity_sync(fabrikam()?).send()).await?
    else {
        return Err("expected a Graph error".into());
    };
    assert_eq!(
        (e.info.status.as_u16(), e.code.as_str()),
        (401, "InvalidAuthenticationToken")
    );
    let sent_id = mock
        .requests()
        .last()
        .and_then(|r| header(&r.headers, "client-request-id"))
        .ok_or("no id sent")?;
    assert_eq!(e.info.client_request_id.as_deref(), Some(sent_id.as_str()));
    assert!(e.info.request_id.is_some() && e.info.date.is_some());

    let client = client_for(&mock)?;
    let unknown: TenantId = "00000000-0000-0000-0000-000000000404".parse()?;
    let Err(err) = timeout(STEP, client.partner_identity_sync(unknown).send()).await? else {
        return Err("expected a 404".into());
    };
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert!(err.request_id().is_some());
    assert!(!err.is_transient());
    insta::with_settings!({ filters => vec![(UUID, "[uuid]")] }, {
        insta::assert_snapshot!("facade_error_404_display", err.to_string());
    });

    mock.push_fault(Fault::GraphError {
        status: 400,
        code: "BadRequest".into(),
        message: "Invalid request.".into(),
    });
    let Err(Error::Graph(e)) =
        timeout(STEP, client.partner_identity_sync(fabrikam()?).send()).await?
    else {
        return Err("expected a 400".into());
    };
    assert_eq!(
        (e.info.status.as_u16(), e.code.as_str()),
        (400, "BadRequest")
    );
    mock.push_fault(Fault::GraphError {
        status: 403,
        code: "Authorization_RequestDenied".into(),
        message: "Insufficient privileges to complete the operation.".into(),
    });
    let Err(err) = timeout(STEP, client.partner_identity_sync(fabrikam()?).send()).await? else {
        return Err("expected a 403".into());
    };
    assert!(
        err.to_string().contains("grant Policy.Read.All"),
        "the message says what to do: {err}"
    );
    Ok(())
}

const UUID: &str = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

fn header(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
}

#[tokio::test]
async fn throttling_is_retried_after_the_seconds_graph_asks() -> TestResult {
    let mock = MockGraph::start().await?;
    let client = client_for(&mock)?;
    mock.push_fault(Fault::TooManyRequests {
        retry_after: Some(RetryAfter::Seconds(1)),
    });
    mock.push_fault(Fault::GatewayTimeout);
    mock.push_fault(Fault::ServiceUnavailable { retry_after: None });
    let started = Instant::now();
    let partner = timeout(STEP, client.partner_identity_sync(fabrikam()?).send()).await??;
    assert_eq!(partner.display_name.as_deref(), Some("Fabrikam"));
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited {:?}",
        started.elapsed()
    );

    let requests = mock.requests();
    assert_eq!(requests.len(), 4, "one call, three retries");
    let ids: Vec<_> = requests
        .iter()
        .filter_map(|r| header(&r.headers, "client-request-id"))
        .collect();
    assert!(
        ids.len() == 4 && ids.iter().all(|id| id == &ids[0]),
        "one client-request-id per call: {ids:?}"
    );
    Ok(())
}

#[tokio::test]
async fn retry_after_as_a_date_is_honoured() -> TestResult {
    let mock = MockGraph::start().await?;
    let client = client_for(&mock)?;
    // A date two seconds ahead, measured (like Graph's Date header) in whole seconds.
    mock.push_fault(Fault::ServiceUnavailable {
        retry_after: Some(RetryAfter::Date(SystemTime::now() + Duration::from_secs(2))),
    });
    let started = Instant::now();
    timeout(STEP, client.partner_identity_sync(fabrikam()?).send()).await??;
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(mock.requests().len(), 2);
    Ok(())
}

#[tokio::test]
async fn retries_stop_at_the_count_and_at_a_wait_longer_than_allowed() -> TestResult {
    let mock = MockGraph::start().await?;
    let client = client_for(&mock)?;
    mock.push_faults(Fault::GatewayTimeout, 4);
    let err = timeout(STEP, client.partner_identity_sync(fabrikam()?).send())
        .await?
        .err()
        .ok_or("expected 504")?;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(504));
    assert_eq!(mock.requests().len(), 4, "the first attempt and 3 retries");

    mock.clear_requests();
    mock.push_fault(Fault::TooManyRequests {
        retry_after: Some(RetryAfter::Seconds(3600)),
    });
    let started = Instant::now();
    let err = timeout(STEP, client.partner_identity_sync(fabrikam()?).send())
        .await?
        .err()
        .ok_or("expected 429")?;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "did not wait an hour"
    );
    assert_eq!(
        err.retry_after(),
        Some(Duration::from_secs(3600)),
        "the caller learns when to come back"
    );
    assert_eq!(mock.requests().len(), 1);

    let no_retries = builder_for(&mock).retry(RetryPolicy::disabled()).build()?;
    mock.clear_requests();
    mock.push_fault(Fault::ServiceUnavailable {
        retry_after: Some(RetryAfter::Seconds(1)),
    });
    assert!(
        timeout(STEP, no_retries.partner_identity_sync(fabrikam()?).send())
            .await?
            .is_err()
    );
    assert_eq!(mock.requests().len(), 1);
    Ok(())
}

#[tokio::test]
async fn bodies_that_are_not_the_model_are_clear_errors_not_panics() -> TestResult {
    let mock = MockGraph::start().await?;
    let client = builder_for(&mock)
        .max_response_bytes(64 * 1024)
        .retry(RetryPolicy::disabled())
        .build()?;
    let mut messages = Vec::new();
    for fault in [
        Fault::MalformedJson,
        Fault::WrongType,
        Fault::EmptyOk,
        Fault::HtmlBadGateway,
        Fault::Oversized {
            bytes: 1 << 20,
            chunked: false,
        },
        Fault::Oversized {
            bytes: 1 << 20,
            chunked: true,
        },
    ] {
        mock.push_fault(fault.clone());
        let err = timeout(STEP, client.partner_identity_sync(fabrikam()?).send())
            .await?
            .err()
            .ok_or("expected an error")?;
        match (&fault, &err) {
            (Fault::Oversized { .. }, Error::ResponseTooLarge { limit, .. }) => {
                assert_eq!(*limit, 64 * 1024)
            }
            (Fault::HtmlBadGateway, Error::Decode { .. }) => {
                assert_eq!(err.status().map(|s| s.as_u16()), Some(502))
            }
            (_, Error::Decode { .. }) => assert_eq!(err.status().map(|s| s.as_u16()), Some(200)),
            _ => return Err(format!("{fault:?} gave {err:?}").into()),
        }
        assert!(err.request_id().is_some(), "{err}");
        messages.push(err.to_string());
    }
    // The client still works after all that.
    timeout(STEP, client.partner_identity_sync(fabrikam()?).send()).await??;
    insta::with_settings!({ filters => vec![(UUID, "[uuid]")] }, {
        insta::assert_snapshot!("facade_decode_error_messages", messages.join("\n"));
    });
    Ok(())
}

#[tokio::test]
async fn a_redirect_is_not_followed_so_the_token_stays_home() -> TestResult {
    let mock = MockGraph::start().await?;
    let elsewhere = MockGraph::start().await?;
    let client = client_for(&mock)?;
    let target = format!(
        "{}/v1.0/policies/crossTenantAccessPolicy/partners/{}/identitySynchronization",
        elsewhere.base_url().replace("127.0.0.1", "localhost"),
        seeds::FABRIKAM_TENANT_ID
    );
    mock.push_fault(Fault::RedirectTo(target.clone()));
    let err = timeout(STEP, client.partner_identity_sync(fabrikam()?).send())
        .await?
        .err()
        .ok_or("expected an error")?;
    let Error::Redirect { location, .. } = &err else {
        return Err(format!("expected a redirect error, got {err:?}").into());
    };
    assert_eq!(location, &target);
    assert!(
        elsewhere.requests().is_empty(),
        "the other host saw nothing"
    );
    assert_eq!(mock.requests().len(), 1);
    Ok(())
}

#[tokio::test]
async fn a_response_that_breaks_off_keeps_its_status_and_is_retried() -> TestResult {
    let mock = MockGraph::start().await?;
    let broken = || Fault::BrokenBody {
        status: 503,
        retry_after: Some(RetryAfter::Seconds(0)),
    };
    mock.push_fault(broken());
    let client = client_for(&mock)?;
    timeout(STEP, client.partner_identity_sync(fabrikam()?).send()).await??;
    assert_eq!(mock.requests().len(), 2, "retried after the 503 broke off");

    let once = builder_for(&mock).retry(RetryPolicy::disabled()).build()?;
    mock.push_fault(broken());
    let err = timeout(STEP, once.partner_identity_sync(fabrikam()?).send())
        .await?
        .err()
        .ok_or("expected an error")?;
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.retry_after(), Some(Duration::ZERO));
    assert!(err.is_transient());
    Ok(())
}

#[tokio::test]
async fn a_refused_token_is_replaced_once() -> TestResult {
    /// Hands out an empty token (which the fake Graph refuses), then good ones.
    #[derive(Debug, Default)]
    struct RevokedFirst(AtomicUsize);
    impl TokenCredential for RevokedFirst {
        fn get_token<'a>(
            &'a self,
            _: &'a [&'a str],
        ) -> BoxFuture<'a, Result<AccessToken, CredentialError>> {
            let n = self.0.fetch_add(1, Ordering::SeqCst);
            let token = if n == 0 {
                String::new()
            } else {
                TEST_TOKEN.to_string()
            };
            Box::pin(async move {
                Ok(AccessToken::new(
                    token,
                    SystemTime::now() + Duration::from_secs(3600),
                ))
            })
        }
    }
    let mock = MockGraph::start().await?;
    let credential = Arc::new(RevokedFirst::default());
    let client = Client::builder()
        .shared_credential(credential.clone())
        .base_url(mock.base_url())
        .build()?;
    timeout(STEP, client.partner_identity_sync(fabrikam()?).send()).await??;
    assert_eq!(credential.0.load(Ordering::SeqCst), 2);
    assert_eq!(mock.requests().len(), 2);

    // A token that stays refused is asked for again once, not forever.
    let bad = Client::builder()
        .credential(StaticToken::new(""))
        .base_url(mock.base_url())
        .build()?;
    mock.clear_requests();
    let err = timeout(STEP, bad.partner_identity_sync(fabrikam()?).send())
        .await?
        .err()
        .ok_or("expected 401")?;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(mock.requests().len(), 2);
    Ok(())
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout() -> TestResult {
    let mock = MockGraph::start().await?;
    let client = builder_for(&mock)
        .timeout(Duration::from_millis(200))
        .build()?;
    mock.push_fault(Fault::Delay(Duration::from_secs(3)));
    let err = timeout(STEP, client.partner_identity_sync(fabrikam()?).send())
        .await?
        .err()
        .ok_or("expected a timeout")?;
    assert!(matches!(err, Error::Timeout { attempts: 1, .. }), "{err:?}");
    Ok(())
}

#[tokio::test]
async fn one_token_fetch_serves_fifty_concurrent_calls_and_one_refresh_follows_expiry() -> TestResult
{
    let mock = MockGraph::start().await?;
    // Lives 2 s: refreshed halfway, as a token shorter-lived than the 5 min margin is.
    let credential = Counting::new(Duration::from_secs(2));
    let client = Client::builder()
        .shared_credential(credential.clone())
        .base_url(mock.base_url())
        .build()?;
    let tenant = fabrikam()?;
    let fifty = || {
        // A request holds its own handle on the client, so it can be spawned as it is.
        let calls = (0..50).map(|_| tokio::spawn(client.partner_identity_sync(tenant).send()));
        futures_join(calls.collect())
    };
    for result in timeout(STEP, fifty()).await? {
        result??;
    }
    assert_eq!(credential.calls.load(Ordering::SeqCst), 1);

    tokio::time::sleep(Duration::from_millis(1100)).await;
    for result in timeout(STEP, fifty()).await? {
        result??;
    }
    assert_eq!(
        credential.calls.load(Ordering::SeqCst),
        2,
        "one refresh, not fifty"
    );
    let tokens: std::collections::BTreeSet<_> = mock
        .requests()
        .iter()
        .filter_map(|r| header(&r.headers, "authorization"))
        .collect();
    assert_eq!(tokens.len(), 2);
    Ok(())
}

/// Awaits every task (the tests avoid pulling in a futures crate for `join_all`).
async fn futures_join<T>(
    handles: Vec<tokio::task::JoinHandle<T>>,
) -> Vec<Result<T, tokio::task::JoinError>> {
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        out.push(handle.await);
    }
    out
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
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

#[tokio::test]
async fn the_token_never_shows_in_debug_output_errors_or_traces() -> TestResult {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mock = MockGraph::start().await?;
    let client = client_for(&mock)?;
    mock.push_fault(Fault::TooManyRequests {
        retry_after: Some(RetryAfter::Seconds(0)),
    });
    timeout(STEP, client.partner_identity_sync(fabrikam()?).send()).await??;
    let unknown: TenantId = "00000000-0000-0000-0000-000000000404".parse()?;
    let err = timeout(STEP, client.partner_identity_sync(unknown).send())
        .await?
        .err()
        .ok_or("expected 404")?;

    let traces = String::from_utf8(captured.0.lock().map(|b| b.clone()).unwrap_or_default())?;
    assert!(
        traces.contains("graph{method=\"GET\""),
        "a span per call: {traces}"
    );
    assert!(
        traces.contains("status=200")
            && traces.contains("attempts=2")
            && traces.contains("request_id="),
        "{traces}"
    );
    for shown in [
        traces,
        format!("{client:?}"),
        format!("{err:?}"),
        err.to_string(),
        format!("{:?}", StaticToken::new(TEST_TOKEN)),
    ] {
        assert!(!shown.contains(TEST_TOKEN), "token leaked: {shown}");
    }
    Ok(())
}

#[tokio::test]
async fn the_facade_sends_what_graph_expects() -> TestResult {
    let mock = MockGraph::start().await?;
    let client = builder_for(&mock)
        .user_agent_suffix("facade-test/1.0")
        .build()?;
    timeout(STEP, client.mto_identity_sync_template().send()).await??;
    let request = mock.requests().last().map(redacted).ok_or("no request")?;
    insta::assert_yaml_snapshot!("facade_template_v1_request", request);
    Ok(())
}

#[tokio::test]
async fn the_seed_policies_read_well() -> TestResult {
    let mock = MockGraph::start().await?;
    mock.insert_partner(ApiVersion::V1, seeds::partner_woodgrove());
    let client = client_for(&mock)?;
    let mut lines = Vec::new();
    for tenant in [
        seeds::FABRIKAM_TENANT_ID,
        seeds::CONTOSO_TENANT_ID,
        seeds::WOODGROVE_TENANT_ID,
    ] {
        lines.push(
            timeout(
                STEP,
                client
                    .partner_identity_sync(tenant.parse::<TenantId>()?)
                    .send(),
            )
            .await??
            .to_string(),
        );
    }
    lines.push(
        timeout(STEP, client.mto_identity_sync_template().send())
            .await??
            .to_string(),
    );
    mock.set_template(ApiVersion::V1, seeds::template_configured());
    lines.push(
        timeout(STEP, client.mto_identity_sync_template().send())
            .await??
            .to_string(),
    );
    mock.insert_partner(ApiVersion::Beta, seeds::partner_contoso_beta());
    let contoso: TenantId = seeds::CONTOSO_TENANT_ID.parse()?;
    lines.push(
        timeout(STEP, client.beta().partner_identity_sync(contoso).send())
            .await??
            .to_string(),
    );
    insta::assert_snapshot!("facade_display", lines.join("\n"));
    Ok(())
}
