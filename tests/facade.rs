//! The facade against the fake Graph on loopback: each operation and version, clouds,
//! `$select`, Graph's errors, retries, body limits, the token cache, and that the token never
//! shows. Waits between retries are pinned on a paused clock in `crosstenant/src/send.rs`;
//! here Graph asks for none, so the suite does not sleep.

use std::sync::Arc;
use std::time::Duration;

use crosstenant::models::{
    ApplicationLevel, Nullable, TemplateApplicationLevel, UserSyncInbound, beta, v1,
};
use crosstenant::test_util::{Answer, ScriptedCredential};
use crosstenant::{Client, ClientBuilder, Cloud, Error, RetryPolicy, StaticToken, TenantId};
use crosstenant_mock::{ApiVersion, Fault, MockGraph, RetryAfter, seeds};
use crosstenant_tests::{
    STEP, TEST_TOKEN, TestResult, access_denied, assert_no_api_version, failure, header,
    id_filters, last_request, within,
};

const HOUR: Duration = Duration::from_secs(3600);
const PARTNER_PATH: &str = "/policies/crossTenantAccessPolicy/partners/9c5d131d-b1c3-4fc4-9e3f-c6557947d551/identitySynchronization";
const TEMPLATE_PATH: &str =
    "/policies/crossTenantAccessPolicy/templates/multiTenantOrganizationIdentitySynchronization";

fn fabrikam() -> Result<TenantId, Error> {
    Ok(seeds::FABRIKAM_TENANT_ID.parse()?)
}

/// A builder for the fake Graph with the test token.
fn builder_for(mock: &MockGraph) -> ClientBuilder {
    Client::builder()
        .credential(StaticToken::new(TEST_TOKEN))
        .base_url(mock.base_url())
}

/// A v1.0 client for the fake Graph whose backoff (when Graph gives no `Retry-After`) is 1 ms.
fn client_for(mock: &MockGraph) -> Result<Client, Error> {
    builder_for(mock)
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
}

/// A client that reports each failure as it happens.
fn no_retries(mock: &MockGraph) -> Result<Client, Error> {
    builder_for(mock).retry(RetryPolicy::disabled()).build()
}

fn paths(mock: &MockGraph) -> Vec<String> {
    mock.requests().into_iter().map(|r| r.path).collect()
}

// -------------------------------------------------------------------------------------------
// Operations, versions, clouds
// -------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_v1_partner_call_goes_to_v1_and_returns_the_v1_model() -> TestResult {
    let mock = MockGraph::start().await?;
    let partner: v1::PartnerIdentitySync =
        within(client_for(&mock)?.partner_identity_sync(fabrikam()?).send()).await?;
    assert_eq!(partner.display_name.as_deref(), Some("Fabrikam"));
    assert_eq!(paths(&mock), [format!("/v1.0{PARTNER_PATH}")]);
    Ok(())
}

#[tokio::test]
async fn the_beta_partner_call_goes_to_beta_and_returns_the_beta_model() -> TestResult {
    let mock = MockGraph::start().await?;
    let contoso: TenantId = seeds::CONTOSO_TENANT_ID.parse()?;
    let partner: beta::PartnerIdentitySync = within(
        client_for(&mock)?
            .beta()
            .partner_identity_sync(contoso)
            .send(),
    )
    .await?;
    assert_eq!(
        partner.group_sync_inbound.and_then(|g| g.is_sync_allowed),
        Some(false)
    );
    let path = PARTNER_PATH.replace(seeds::FABRIKAM_TENANT_ID, seeds::CONTOSO_TENANT_ID);
    assert_eq!(paths(&mock), [format!("/beta{path}")]);
    Ok(())
}

#[tokio::test]
async fn the_template_call_goes_to_the_clients_version() -> TestResult {
    // The fake serves the same template on both versions, so only the path tells them apart.
    let mock = MockGraph::start().await?;
    let client = client_for(&mock)?;
    // Two calls, not a loop over both: the versions' template types differ once one version
    // changes the schema (`cargo xtask split-check`); the fields read here are shared types.
    let v1 = within(client.mto_identity_sync_template().send()).await?;
    assert_seed_template(v1.template_application_level, v1.user_sync_inbound);
    let beta = within(client.beta().mto_identity_sync_template().send()).await?;
    assert_seed_template(beta.template_application_level, beta.user_sync_inbound);
    assert_eq!(
        paths(&mock),
        [
            format!("/v1.0{TEMPLATE_PATH}"),
            format!("/beta{TEMPLATE_PATH}")
        ]
    );
    Ok(())
}

/// The seed template: new and existing partners, inbound sync not set.
fn assert_seed_template(level: Option<TemplateApplicationLevel>, inbound: Option<UserSyncInbound>) {
    let level = level.unwrap_or_default();
    assert!(
        level.contains(ApplicationLevel::NewPartners)
            && level.contains(ApplicationLevel::ExistingPartners),
        "{level}"
    );
    assert_eq!(inbound.unwrap_or_default().is_sync_allowed, Nullable::Null);
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
    let partner = within(call.send()).await?;
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
        let credential = ScriptedCredential::new([Answer::Token(HOUR)]);
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
        within(via_mock.partner_identity_sync(fabrikam()?).send()).await?;
        assert_eq!(credential.scopes(), [cloud.scope()]);
    }
    Ok(())
}

fn client_in(
    cloud: Cloud,
    mock: &MockGraph,
    credential: &Arc<ScriptedCredential>,
) -> Result<Client, Error> {
    Client::builder()
        .cloud(cloud)
        .shared_credential(credential.clone())
        .base_url(mock.base_url())
        .build()
}

#[tokio::test]
async fn a_partner_call_in_china_fails_before_a_token_is_fetched_or_anything_sent() -> TestResult {
    let mock = MockGraph::start().await?;
    let credential = ScriptedCredential::new([Answer::Token(HOUR)]);
    let china = client_in(Cloud::China, &mock, &credential)?;
    let err = failure(china.partner_identity_sync(fabrikam()?).send()).await?;
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
    assert_eq!(credential.calls(), 0, "no token asked for");
    assert!(mock.requests().is_empty(), "nothing may reach the network");
    Ok(())
}

#[tokio::test]
async fn a_template_call_in_us_government_l5_says_where_it_is_offered() -> TestResult {
    let mock = MockGraph::start().await?;
    let credential = ScriptedCredential::new([Answer::Token(HOUR)]);
    let l5 = client_in(Cloud::UsGovernmentL5, &mock, &credential)?;
    let err = failure(l5.mto_identity_sync_template().send()).await?;
    assert_eq!(
        err.to_string(),
        "GET /policies/crossTenantAccessPolicy/templates/multiTenantOrganizationIdentitySynchronization \
         is not available in US Government L5 (DoD); Microsoft offers it in: the global service"
    );
    assert_eq!(credential.calls(), 0);
    assert!(mock.requests().is_empty());
    Ok(())
}

// -------------------------------------------------------------------------------------------
// Graph's errors
// -------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_refused_token_maps_to_a_401_carrying_the_client_request_id_sent() -> TestResult {
    let mock = MockGraph::start().await?;
    let no_token = Client::builder()
        .credential(StaticToken::new(""))
        .base_url(mock.base_url())
        .build()?;
    let Error::Graph(e) = failure(no_token.partner_identity_sync(fabrikam()?).send()).await? else {
        return Err("expected a Graph error".into());
    };
    assert_eq!(
        (e.info.status.as_u16(), e.code.as_str()),
        (401, "InvalidAuthenticationToken")
    );
    let sent_id = mock
        .requests()
        .last()
        .and_then(|r| header(r, "client-request-id"))
        .ok_or("no id sent")?;
    assert_eq!(e.info.client_request_id.as_deref(), Some(sent_id.as_str()));
    assert!(e.info.request_id.is_some() && e.info.date.is_some());
    assert!(e.to_string().contains("the token was refused"), "{e}");
    Ok(())
}

#[tokio::test]
async fn a_404_names_the_tenant_and_quotes_graphs_own_ids() -> TestResult {
    let mock = MockGraph::start().await?;
    let unknown: TenantId = "00000000-0000-0000-0000-000000000404".parse()?;
    let err = failure(client_for(&mock)?.partner_identity_sync(unknown).send()).await?;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.code(), Some("Request_ResourceNotFound"));
    assert!(!err.is_transient());
    let Error::Graph(graph) = &err else {
        return Err("expected a Graph error".into());
    };
    // The ids in the headers are the ones in Graph's innerError: what support asks for.
    let inner = |key: &str| graph.inner_error.get(key).and_then(|v| v.as_str());
    assert_eq!(err.request_id(), inner("request-id"));
    assert_eq!(err.client_request_id(), inner("client-request-id"));
    assert!(err.request_id().is_some());
    insta::with_settings!({ filters => id_filters() }, {
        insta::assert_snapshot!("facade_error_404_display", err.to_string());
    });
    Ok(())
}

#[tokio::test]
async fn a_400_keeps_graphs_code_and_message() -> TestResult {
    let mock = MockGraph::start().await?;
    mock.push_fault(Fault::GraphError {
        status: 400,
        code: "BadRequest".into(),
        message: "Invalid request.".into(),
    });
    let err = failure(client_for(&mock)?.partner_identity_sync(fabrikam()?).send()).await?;
    let Error::Graph(e) = &err else {
        return Err(format!("expected a Graph error, got {err:?}").into());
    };
    assert_eq!(
        (e.info.status.as_u16(), e.code.as_str(), e.message.as_str()),
        (400, "BadRequest", "Invalid request.")
    );
    Ok(())
}

#[tokio::test]
async fn a_403_says_which_permission_to_grant() -> TestResult {
    let mock = MockGraph::start().await?;
    mock.push_fault(access_denied());
    let err = failure(client_for(&mock)?.partner_identity_sync(fabrikam()?).send()).await?;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert!(
        err.to_string().contains("grant Policy.Read.All"),
        "the message says what to do: {err}"
    );
    Ok(())
}

#[tokio::test]
async fn a_403_on_the_template_names_the_templates_own_role() -> TestResult {
    let mock = MockGraph::start().await?;
    mock.push_fault(access_denied());
    let err = failure(client_for(&mock)?.mto_identity_sync_template().send()).await?;
    let text = err.to_string();
    assert!(
        text.contains("grant Policy.Read.All and, for a signed-in user, the Security Reader role"),
        "{text}"
    );
    assert!(!text.contains("Security Administrator"), "{text}");
    Ok(())
}

#[tokio::test]
async fn a_404_on_the_template_is_not_about_a_partner() -> TestResult {
    let mock = MockGraph::start().await?;
    mock.push_fault(Fault::GraphError {
        status: 404,
        code: "Request_ResourceNotFound".into(),
        message: "Resource not found.".into(),
    });
    let err = failure(client_for(&mock)?.mto_identity_sync_template().send()).await?;
    let text = err.to_string();
    assert!(
        text.contains("is it in a multitenant organization?"),
        "{text}"
    );
    assert!(!text.contains("partner"), "{text}");
    let Error::Graph(graph) = &err else {
        return Err("expected a Graph error".into());
    };
    assert_eq!(
        graph.operation(),
        "GET /policies/crossTenantAccessPolicy/templates/multiTenantOrganizationIdentitySynchronization"
    );
    Ok(())
}

// -------------------------------------------------------------------------------------------
// Retries
// -------------------------------------------------------------------------------------------

#[tokio::test]
async fn throttled_and_busy_answers_are_retried_under_one_client_request_id() -> TestResult {
    let mock = MockGraph::start().await?;
    mock.push_fault(Fault::TooManyRequests {
        retry_after: Some(RetryAfter::Seconds(0)),
    });
    mock.push_fault(Fault::GatewayTimeout);
    mock.push_fault(Fault::ServiceUnavailable { retry_after: None });
    let partner = within(client_for(&mock)?.partner_identity_sync(fabrikam()?).send()).await?;
    assert_eq!(partner.display_name.as_deref(), Some("Fabrikam"));

    let requests = mock.requests();
    assert_eq!(requests.len(), 4, "one call, three retries");
    let ids: Vec<_> = requests
        .iter()
        .filter_map(|r| header(r, "client-request-id"))
        .collect();
    assert!(
        ids.len() == 4 && ids.iter().all(|id| id == &ids[0]),
        "one client-request-id per call: {ids:?}"
    );
    Ok(())
}

#[tokio::test]
async fn each_call_sends_its_own_random_client_request_id() -> TestResult {
    let mock = MockGraph::start().await?;
    let client = client_for(&mock)?;
    within(client.partner_identity_sync(fabrikam()?).send()).await?;
    within(client.mto_identity_sync_template().send()).await?;
    let ids = mock
        .requests()
        .iter()
        .map(|r| {
            header(r, "client-request-id")
                .unwrap_or_default()
                .parse::<uuid::Uuid>()
        })
        .collect::<Result<Vec<_>, _>>()?;
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);
    for id in ids {
        assert_eq!(id.get_version(), Some(uuid::Version::Random), "{id}");
    }
    Ok(())
}

#[tokio::test]
async fn retries_stop_after_the_first_attempt_and_three_retries() -> TestResult {
    let mock = MockGraph::start().await?;
    mock.push_faults(Fault::GatewayTimeout, 4);
    let err = failure(client_for(&mock)?.partner_identity_sync(fabrikam()?).send()).await?;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(504));
    assert_eq!(mock.requests().len(), 4);
    assert!(err.to_string().ends_with("after 4 attempts"), "{err}");
    Ok(())
}

#[tokio::test]
async fn a_retry_after_longer_than_max_wait_is_returned_at_once_with_the_wait() -> TestResult {
    let mock = MockGraph::start().await?;
    mock.push_fault(Fault::TooManyRequests {
        retry_after: Some(RetryAfter::Seconds(3600)),
    });
    let err = failure(client_for(&mock)?.partner_identity_sync(fabrikam()?).send()).await?;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(
        err.retry_after(),
        Some(Duration::from_secs(3600)),
        "the caller learns when to come back"
    );
    assert_eq!(
        mock.requests().len(),
        1,
        "did not wait an hour to try again"
    );
    assert!(
        err.to_string().contains("Graph is throttling or busy"),
        "{err}"
    );
    Ok(())
}

#[tokio::test]
async fn with_retries_disabled_a_503_is_returned_with_its_status_and_retry_after() -> TestResult {
    let mock = MockGraph::start().await?;
    mock.push_fault(Fault::ServiceUnavailable {
        retry_after: Some(RetryAfter::Seconds(7)),
    });
    let err = failure(no_retries(&mock)?.partner_identity_sync(fabrikam()?).send()).await?;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    assert!(err.is_transient());
    assert!(
        err.to_string().contains("Graph is throttling or busy"),
        "{err}"
    );
    assert_eq!(mock.requests().len(), 1);
    Ok(())
}

#[tokio::test]
async fn a_connection_that_cannot_be_made_is_retried_then_reported() -> TestResult {
    // A port nothing listens on: every connection is refused at once.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let client = Client::builder()
        .credential(StaticToken::new(TEST_TOKEN))
        .base_url(format!("http://{closed}"))
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()?;
    let err = failure(client.partner_identity_sync(fabrikam()?).send()).await?;
    let Error::Transport {
        attempts, response, ..
    } = &err
    else {
        return Err(format!("expected a transport error, got {err:?}").into());
    };
    assert_eq!((*attempts, response.is_none()), (4, true));
    assert!(err.is_transient());
    assert!(
        err.to_string()
            .starts_with("could not reach Graph after 4 attempt(s)"),
        "{err}"
    );
    Ok(())
}

#[tokio::test]
async fn a_response_that_breaks_off_is_retried() -> TestResult {
    let mock = MockGraph::start().await?;
    mock.push_fault(Fault::BrokenBody {
        status: 503,
        retry_after: Some(RetryAfter::Seconds(0)),
    });
    within(client_for(&mock)?.partner_identity_sync(fabrikam()?).send()).await?;
    assert_eq!(mock.requests().len(), 2, "retried after the 503 broke off");
    Ok(())
}

#[tokio::test]
async fn a_response_that_breaks_off_keeps_its_status_and_retry_after() -> TestResult {
    let mock = MockGraph::start().await?;
    mock.push_fault(Fault::BrokenBody {
        status: 503,
        retry_after: Some(RetryAfter::Seconds(0)),
    });
    let err = failure(no_retries(&mock)?.partner_identity_sync(fabrikam()?).send()).await?;
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.retry_after(), Some(Duration::ZERO));
    assert!(err.is_transient());
    Ok(())
}

#[tokio::test]
async fn a_refused_token_is_replaced_once() -> TestResult {
    let mock = MockGraph::start().await?;
    // An empty token (which the fake Graph refuses), then good ones.
    let credential =
        ScriptedCredential::new([Answer::Secret("", HOUR), Answer::Secret(TEST_TOKEN, HOUR)]);
    let client = Client::builder()
        .shared_credential(credential.clone())
        .base_url(mock.base_url())
        .build()?;
    within(client.partner_identity_sync(fabrikam()?).send()).await?;
    assert_eq!(credential.calls(), 2);
    assert_eq!(mock.requests().len(), 2);
    Ok(())
}

#[tokio::test]
async fn a_token_that_stays_refused_is_asked_for_again_once_not_forever() -> TestResult {
    let mock = MockGraph::start().await?;
    let credential = ScriptedCredential::new([Answer::Secret("", HOUR)]);
    let client = Client::builder()
        .shared_credential(credential.clone())
        .base_url(mock.base_url())
        .build()?;
    let err = failure(client.partner_identity_sync(fabrikam()?).send()).await?;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!((credential.calls(), mock.requests().len()), (2, 2));
    Ok(())
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout() -> TestResult {
    let mock = MockGraph::start().await?;
    let client = builder_for(&mock)
        .timeout(Duration::from_millis(200))
        .build()?;
    mock.push_fault(Fault::Delay(Duration::from_secs(3)));
    let err = failure(client.partner_identity_sync(fabrikam()?).send()).await?;
    assert!(matches!(err, Error::Timeout { attempts: 1, .. }), "{err:?}");
    Ok(())
}

// -------------------------------------------------------------------------------------------
// Bodies that are not the model, and body limits
// -------------------------------------------------------------------------------------------

/// The error a call ends in when the fake answers with `fault`, from a client reading at most
/// 64 KiB and never retrying.
async fn error_for(mock: &MockGraph, fault: Fault) -> Result<Error, Box<dyn std::error::Error>> {
    let client = builder_for(mock)
        .max_response_bytes(64 * 1024)
        .retry(RetryPolicy::disabled())
        .build()?;
    mock.push_fault(fault);
    let err = failure(client.partner_identity_sync(fabrikam()?).send()).await?;
    assert!(err.request_id().is_some(), "{err}");
    // The client still works after it.
    within(client.partner_identity_sync(fabrikam()?).send()).await?;
    Ok(err)
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_with_the_status() -> TestResult {
    let mock = MockGraph::start().await?;
    let err = error_for(&mock, Fault::MalformedJson).await?;
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    Ok(())
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_a_decode_error() -> TestResult {
    let mock = MockGraph::start().await?;
    let err = error_for(&mock, Fault::WrongType).await?;
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    Ok(())
}

#[tokio::test]
async fn an_empty_200_is_a_decode_error() -> TestResult {
    let mock = MockGraph::start().await?;
    let err = error_for(&mock, Fault::EmptyOk).await?;
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    Ok(())
}

#[tokio::test]
async fn an_html_502_is_an_http_error_with_its_status_like_any_other() -> TestResult {
    let mock = MockGraph::start().await?;
    let err = error_for(&mock, Fault::HtmlBadGateway).await?;
    let Error::Http {
        info,
        snippet,
        attempts: 1,
    } = &err
    else {
        return Err(format!("expected Error::Http, got {err:?}").into());
    };
    assert_eq!(info.status.as_u16(), 502);
    assert!(snippet.starts_with("<!DOCTYPE html>"), "{snippet}");
    Ok(())
}

/// The error is `ResponseTooLarge` at the 64 KiB limit `error_for` sets, declaring `declared`.
fn assert_too_large(err: &Error, declared: Option<u64>) -> TestResult {
    let Error::ResponseTooLarge {
        limit,
        declared: seen,
        ..
    } = err
    else {
        return Err(format!("expected ResponseTooLarge, got {err:?}").into());
    };
    assert_eq!((*limit, *seen), (64 * 1024, declared));
    Ok(())
}

#[tokio::test]
async fn a_body_declared_over_the_limit_is_not_read() -> TestResult {
    let mock = MockGraph::start().await?;
    let err = error_for(
        &mock,
        Fault::Oversized {
            bytes: 1 << 20,
            chunked: false,
        },
    )
    .await?;
    assert_too_large(&err, Some(1 << 20))
}

#[tokio::test]
async fn a_streamed_body_past_the_limit_is_cut_off() -> TestResult {
    let mock = MockGraph::start().await?;
    let err = error_for(
        &mock,
        Fault::Oversized {
            bytes: 1 << 20,
            chunked: true,
        },
    )
    .await?;
    assert_too_large(&err, None)
}

#[tokio::test]
async fn the_messages_say_what_was_wrong_with_the_body() -> TestResult {
    let mock = MockGraph::start().await?;
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
        messages.push(error_for(&mock, fault).await?.to_string());
    }
    insta::with_settings!({ filters => id_filters() }, {
        insta::assert_snapshot!("facade_decode_error_messages", messages.join("\n"));
    });
    Ok(())
}

/// Whether a client with the default limit reads a body of `bytes`, sent `chunked` or not.
async fn default_client_reads(
    bytes: usize,
    chunked: bool,
) -> Result<Result<(), Error>, Box<dyn std::error::Error>> {
    let mock = MockGraph::start().await?;
    mock.push_fault(Fault::Oversized { bytes, chunked });
    let client = builder_for(&mock).retry(RetryPolicy::disabled()).build()?;
    let outcome =
        tokio::time::timeout(STEP, client.partner_identity_sync(fabrikam()?).send()).await?;
    Ok(outcome.map(|partner| assert_eq!(partner.display_name.as_deref(), Some("Fabrikam"))))
}

const MIB: usize = 1024 * 1024;

#[tokio::test]
async fn by_default_a_body_of_exactly_one_mebibyte_is_read() -> TestResult {
    default_client_reads(MIB, false).await??;
    Ok(())
}

#[tokio::test]
async fn by_default_a_body_one_byte_over_a_mebibyte_is_refused() -> TestResult {
    let outcome = default_client_reads(MIB + 1, false).await?;
    assert!(
        matches!(
            outcome,
            Err(Error::ResponseTooLarge {
                limit: MIB,
                declared: Some(1_048_577),
                ..
            })
        ),
        "{outcome:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_streamed_body_within_the_limit_is_read() -> TestResult {
    // Several chunks, none of them over the limit, adding up to less than it.
    default_client_reads(100 * 1024, true).await??;
    Ok(())
}

#[tokio::test]
async fn a_streamed_body_of_exactly_the_limit_is_read() -> TestResult {
    default_client_reads(MIB, true).await??;
    Ok(())
}

#[tokio::test]
async fn a_streamed_body_one_byte_over_the_limit_is_refused() -> TestResult {
    let outcome = default_client_reads(MIB + 1, true).await?;
    assert!(
        matches!(
            outcome,
            Err(Error::ResponseTooLarge {
                limit: MIB,
                declared: None,
                ..
            })
        ),
        "{outcome:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_redirect_is_not_followed_so_the_token_stays_home() -> TestResult {
    let mock = MockGraph::start().await?;
    let elsewhere = MockGraph::start().await?;
    let target = format!(
        "{}/v1.0{PARTNER_PATH}",
        elsewhere.base_url().replace("127.0.0.1", "localhost"),
    );
    mock.push_fault(Fault::RedirectTo(target.clone()));
    let err = failure(client_for(&mock)?.partner_identity_sync(fabrikam()?).send()).await?;
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

// -------------------------------------------------------------------------------------------
// Tokens
// -------------------------------------------------------------------------------------------

async fn fifty_calls(client: &Client) -> TestResult {
    let tenant = fabrikam()?;
    // A request holds its own handle on the client, so it can be spawned as it is.
    let calls: Vec<_> = (0..50)
        .map(|_| tokio::spawn(client.partner_identity_sync(tenant).send()))
        .collect();
    for call in calls {
        tokio::time::timeout(STEP, call).await???;
    }
    Ok(())
}

#[tokio::test]
async fn one_token_fetch_serves_fifty_concurrent_calls() -> TestResult {
    let mock = MockGraph::start().await?;
    // Slow enough that the calls pile up behind the first fetch.
    let credential = ScriptedCredential::delayed(Duration::from_millis(50), [Answer::Token(HOUR)]);
    let client = Client::builder()
        .shared_credential(credential.clone())
        .base_url(mock.base_url())
        .build()?;
    fifty_calls(&client).await?;
    assert_eq!(credential.calls(), 1);
    Ok(())
}

#[tokio::test]
async fn a_token_due_for_refresh_is_fetched_once_for_fifty_concurrent_calls() -> TestResult {
    let mock = MockGraph::start().await?;
    // Lives 400 ms, so it is due for refresh after 200 ms (halfway, being short-lived).
    let credential = ScriptedCredential::delayed(
        Duration::from_millis(50),
        [Answer::Token(Duration::from_millis(400))],
    );
    let client = Client::builder()
        .shared_credential(credential.clone())
        .base_url(mock.base_url())
        .build()?;
    within(client.partner_identity_sync(fabrikam()?).send()).await?;
    tokio::time::sleep(Duration::from_millis(250)).await;
    fifty_calls(&client).await?;
    assert_eq!(credential.calls(), 2, "one refresh, not fifty");
    let tokens: std::collections::BTreeSet<_> = mock
        .requests()
        .iter()
        .filter_map(|r| header(r, "authorization"))
        .collect();
    assert_eq!(tokens.len(), 2);
    Ok(())
}

// -------------------------------------------------------------------------------------------
// What is sent, what shows
// -------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_facade_sends_what_graph_expects() -> TestResult {
    let mock = MockGraph::start().await?;
    let client = builder_for(&mock)
        .user_agent_suffix("facade-test/1.0")
        .build()?;
    within(client.mto_identity_sync_template().send()).await?;
    let request = last_request(&mock).ok_or("no request")?;
    assert_no_api_version(&request);
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
        let tenant: TenantId = tenant.parse()?;
        lines.push(
            within(client.partner_identity_sync(tenant).send())
                .await?
                .to_string(),
        );
    }
    lines.push(
        within(client.mto_identity_sync_template().send())
            .await?
            .to_string(),
    );
    mock.set_template(ApiVersion::V1, seeds::template_configured());
    lines.push(
        within(client.mto_identity_sync_template().send())
            .await?
            .to_string(),
    );
    let contoso: TenantId = seeds::CONTOSO_TENANT_ID.parse()?;
    lines.push(
        within(client.beta().partner_identity_sync(contoso).send())
            .await?
            .to_string(),
    );
    insta::assert_snapshot!("facade_display", lines.join("\n"));
    Ok(())
}

// -------------------------------------------------------------------------------------------
// What every request offers
// -------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_request_can_be_awaited_as_it_is() -> TestResult {
    let mock = MockGraph::start().await?;
    let partner =
        tokio::time::timeout(STEP, client_for(&mock)?.partner_identity_sync(fabrikam()?)).await??;
    assert_eq!(partner.display_name.as_deref(), Some("Fabrikam"));
    Ok(())
}

#[tokio::test]
async fn a_request_prints_the_call_it_will_make_and_no_token() -> TestResult {
    let mock = MockGraph::start().await?;
    let request = client_for(&mock)?
        .beta()
        .partner_identity_sync(fabrikam()?)
        .select([beta::PartnerField::TenantId])
        .timeout(Duration::from_secs(7));
    let printed = format!("{request:?}");
    for part in [
        "Request { operation: \"GET /policies/crossTenantAccessPolicy/partners/{tenantId}/identitySynchronization\"",
        "api_version: \"beta\"",
        seeds::FABRIKAM_TENANT_ID,
        "TenantId",
        "timeout: Some(7s)",
    ] {
        assert!(printed.contains(part), "{part} not in {printed}");
    }
    assert!(!printed.contains(TEST_TOKEN), "{printed}");
    Ok(())
}

#[tokio::test]
async fn a_cloned_request_sends_the_same_call_again() -> TestResult {
    let mock = MockGraph::start().await?;
    let request = client_for(&mock)?
        .partner_identity_sync(fabrikam()?)
        .select([v1::PartnerField::TenantId]);
    let again = request.clone();
    within(request.send()).await?;
    within(again.send()).await?;
    let requests = mock.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        (&requests[0].path, &requests[0].query),
        (&requests[1].path, &requests[1].query)
    );
    Ok(())
}

#[tokio::test]
async fn send_with_response_returns_the_ids_of_the_success() -> TestResult {
    let mock = MockGraph::start().await?;
    let response = within(
        client_for(&mock)?
            .mto_identity_sync_template()
            .send_with_response(),
    )
    .await?;
    assert_eq!(response.info.status.as_u16(), 200);
    assert!(response.info.request_id.is_some() && response.info.date.is_some());
    let sent = mock
        .requests()
        .last()
        .and_then(|r| header(r, "client-request-id"));
    assert_eq!(response.info.client_request_id, sent);
    assert!(response.body.id.is_some());
    Ok(())
}

#[tokio::test]
async fn a_callers_client_request_id_is_sent_on_every_attempt() -> TestResult {
    let mock = MockGraph::start().await?;
    mock.push_fault(Fault::GatewayTimeout);
    let id = crosstenant::Uuid::parse_str("7d9f2c1e-5a3b-4c8d-9e0f-112233445566")?;
    within(
        client_for(&mock)?
            .partner_identity_sync(fabrikam()?)
            .client_request_id(id)
            .send(),
    )
    .await?;
    let sent: Vec<_> = mock
        .requests()
        .iter()
        .filter_map(|r| header(r, "client-request-id"))
        .collect();
    assert_eq!(sent, [id.to_string(), id.to_string()]);
    Ok(())
}

#[tokio::test]
async fn a_per_call_timeout_overrides_the_clients() -> TestResult {
    let mock = MockGraph::start().await?;
    mock.push_fault(Fault::Delay(Duration::from_secs(3)));
    let client = builder_for(&mock)
        .timeout(Duration::from_secs(30))
        .build()?;
    let call = client
        .partner_identity_sync(fabrikam()?)
        .timeout(Duration::from_millis(200));
    let err = failure(call.send()).await?;
    assert!(
        matches!(err, Error::Timeout { after, attempts: 1, .. } if after == Duration::from_millis(200)),
        "{err:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_callers_own_http_client_carries_the_calls() -> TestResult {
    let mock = MockGraph::start().await?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("my-own-client/1")
        .build()?;
    let client = builder_for(&mock).http_client(http).build()?;
    within(client.partner_identity_sync(fabrikam()?).send()).await?;
    let request = mock.requests().last().cloned().ok_or("no request")?;
    assert_eq!(
        header(&request, "user-agent").as_deref(),
        Some("my-own-client/1")
    );
    assert!(header(&request, "authorization").is_some_and(|a| a.starts_with("Bearer ")));
    // The SDK's own timeout still applies to each request.
    mock.push_fault(Fault::Delay(Duration::from_secs(3)));
    let slow = builder_for(&mock)
        .http_client(reqwest::Client::new())
        .timeout(Duration::from_millis(200))
        .build()?;
    let err = failure(slow.partner_identity_sync(fabrikam()?).send()).await?;
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    Ok(())
}

#[tokio::test]
async fn a_base_url_with_a_version_is_refused_before_any_call() -> TestResult {
    let mock = MockGraph::start().await?;
    let err = Client::builder()
        .credential(StaticToken::new(TEST_TOKEN))
        .base_url(format!("{}/v1.0", mock.base_url()))
        .build()
        .err()
        .ok_or("a base URL ending in /v1.0 must be refused")?;
    assert!(err.to_string().contains("client.beta()"), "{err}");
    assert!(mock.requests().is_empty());
    Ok(())
}

#[tokio::test]
async fn tenant_ids_that_could_bend_the_path_are_refused_before_anything_is_sent() -> TestResult {
    let mock = MockGraph::start().await?;
    let client = client_for(&mock)?;
    let long = "9".repeat(10_000);
    let inputs = [
        "",
        "   ",
        "../../users",
        "9c5d131d-b1c3-4fc4-9e3f-c6557947d551/../x",
        "9c5d131d%2Fb1c3-4fc4-9e3f-c6557947d551",
        "9c5d131d-b1c3-4fc4-9e3f-c6557947d551?x=",
        "9c5d131d-b1c3-4fc4-9e3f-c6557947d551#x",
        "9c5d131d-b1c3-4fc4-9e3f-c6557947d55１",
        "9c5d131d-b1c3-4fc4-9e3f-c6557947d55\u{0}",
        "9c5d131d-b1c3-4fc4-9e3f-c6557947d5\r\n",
        long.as_str(),
    ];
    for input in inputs {
        let parsed = input.parse::<TenantId>();
        let Err(err) = parsed else {
            return Err(format!("{input:?} parsed as {parsed:?}").into());
        };
        assert!(err.to_string().contains("is not a tenant id"), "{err}");
        assert!(
            err.to_string().len() < 300,
            "the message quotes at most 64 characters"
        );
    }
    // A TenantId is the only way into a path: what reaches Graph is always a GUID.
    within(client.partner_identity_sync(fabrikam()?).send()).await?;
    let paths = paths(&mock);
    assert_eq!(
        paths,
        [format!("/v1.0{PARTNER_PATH}")],
        "only the valid call went out"
    );
    Ok(())
}
