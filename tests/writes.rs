//! Write and list against the stateful fake Graph: PUT then GET returns what was put, DELETE
//! then GET is 404, PATCH merges and `null` clears, beta's reset and restore, lists that page,
//! and retries by idempotency. The request bodies are pinned exactly.

use std::time::Duration;

use crosstenant::models::{
    ApplicationLevel, Nullable, TemplateApplicationLevel, UserSyncInbound, beta, v1,
};
use crosstenant::{Client, Error, RetryPolicy, StaticToken, TenantId};
use crosstenant_mock::{ApiVersion, Fault, MockGraph, RetryAfter, resources, seeds};
use crosstenant_tests::{TEST_TOKEN, TestResult, access_denied, failure, within};
use futures_util::StreamExt;
use serde_json::json;

fn client_for(mock: &MockGraph) -> Result<Client, Error> {
    Client::builder()
        .credential(StaticToken::new(TEST_TOKEN))
        .base_url(mock.base_url())
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
}

fn contoso() -> Result<TenantId, Error> {
    Ok(seeds::CONTOSO_TENANT_ID.parse()?)
}

/// The body of the last request the fake Graph saw, as JSON text.
fn last_body(mock: &MockGraph) -> Option<String> {
    mock.requests().last().and_then(|r| r.body.clone())
}

fn inbound(allowed: Nullable<bool>) -> UserSyncInbound {
    UserSyncInbound {
        is_sync_allowed: allowed,
        ..UserSyncInbound::default()
    }
}

// -------------------------------------------------------------------------------------------
// PUT, DELETE, restore
// -------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_put_policy_reads_back_as_it_was_put() -> TestResult {
    let mock = MockGraph::start().await?;
    let client = client_for(&mock)?;
    let policy = v1::PartnerIdentitySyncWrite {
        display_name: Nullable::Value("Contoso (synced)".into()),
        user_sync_inbound: Nullable::Value(inbound(Nullable::Value(true))),
        ..Default::default()
    };
    let answer = within(client.put_partner_identity_sync(contoso()?, policy).send()).await?;
    assert!(answer.is_none(), "Graph answers 204: {answer:?}");
    insta::assert_snapshot!("put_partner_v1_body", last_body(&mock).unwrap_or_default());

    let read = within(client.partner_identity_sync(contoso()?).send()).await?;
    assert_eq!(read.display_name.as_deref(), Some("Contoso (synced)"));
    assert_eq!(
        read.user_sync_inbound.map(|u| u.is_sync_allowed),
        Some(Nullable::Value(true))
    );
    Ok(())
}

#[tokio::test]
async fn a_put_answered_with_a_body_returns_it() -> TestResult {
    let mock = MockGraph::start().await?;
    mock.push_fault(Fault::WriteAnswersWithBody);
    let policy = v1::PartnerIdentitySyncWrite {
        user_sync_inbound: Nullable::Value(inbound(Nullable::Value(false))),
        ..Default::default()
    };
    let answer = within(
        client_for(&mock)?
            .put_partner_identity_sync(contoso()?, policy)
            .send(),
    )
    .await?
    .ok_or("expected the policy back")?;
    assert_eq!(answer.tenant_id.as_deref(), Some(seeds::CONTOSO_TENANT_ID));
    Ok(())
}

#[tokio::test]
async fn a_put_for_a_tenant_without_a_partner_configuration_is_a_404_with_its_hint() -> TestResult {
    let mock = MockGraph::start().await?;
    let stranger: TenantId = "00000000-0000-0000-0000-00000000abcd".parse()?;
    let err = failure(
        client_for(&mock)?
            .put_partner_identity_sync(stranger, Default::default())
            .send(),
    )
    .await?;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert!(
        err.to_string()
            .contains("create the partner configuration first"),
        "{err}"
    );
    Ok(())
}

#[tokio::test]
async fn a_deleted_policy_is_gone_until_beta_restores_it() -> TestResult {
    let mock = MockGraph::start().await?;
    let client = client_for(&mock)?.beta();
    within(client.delete_partner_identity_sync(contoso()?).send()).await?;
    let err = failure(client.partner_identity_sync(contoso()?).send()).await?;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    let err = failure(client.delete_partner_identity_sync(contoso()?).send()).await?;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "deleted once");

    let restored: Option<beta::PartnerIdentitySync> =
        within(client.restore_partner_identity_sync(contoso()?).send()).await?;
    assert_eq!(
        restored.and_then(|p| p.display_name),
        Some("Contoso".to_string())
    );
    let read = within(client.partner_identity_sync(contoso()?).send()).await?;
    assert_eq!(read.display_name.as_deref(), Some("Contoso"));
    Ok(())
}

// -------------------------------------------------------------------------------------------
// PATCH and reset
// -------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_patch_leaves_absent_properties_and_null_clears() -> TestResult {
    let mock = MockGraph::start().await?;
    mock.set_template(ApiVersion::V1, seeds::template_configured());
    let client = client_for(&mock)?;

    // A value sets, absence leaves.
    let level: TemplateApplicationLevel = ApplicationLevel::NewPartners.into();
    let change = v1::TemplateIdentitySyncWrite {
        template_application_level: Nullable::Value(level),
        ..Default::default()
    };
    within(client.update_mto_identity_sync_template(change).send()).await?;
    let set_body = last_body(&mock).unwrap_or_default();
    let template = within(client.mto_identity_sync_template().send()).await?;
    assert_eq!(
        template.template_application_level.map(|l| l.to_string()),
        Some("newPartners".to_string())
    );
    assert_eq!(
        template
            .user_sync_inbound
            .clone()
            .map(|u| u.is_sync_allowed),
        Some(Nullable::Value(true)),
        "absent in the PATCH, so left as it was"
    );

    // Null clears, within a nested object too.
    let clear = v1::TemplateIdentitySyncWrite {
        user_sync_inbound: Nullable::Value(inbound(Nullable::Null)),
        ..Default::default()
    };
    within(client.update_mto_identity_sync_template(clear).send()).await?;
    let clear_body = last_body(&mock).unwrap_or_default();
    let template = within(client.mto_identity_sync_template().send()).await?;
    assert_eq!(
        template.user_sync_inbound.map(|u| u.is_sync_allowed),
        Some(Nullable::Null)
    );

    // Null at the top clears the whole property.
    let drop_level = v1::TemplateIdentitySyncWrite {
        template_application_level: Nullable::Null,
        ..Default::default()
    };
    within(client.update_mto_identity_sync_template(drop_level).send()).await?;
    let null_body = last_body(&mock).unwrap_or_default();
    assert_eq!(
        mock.get(ApiVersion::V1, resources::TEMPLATE_SYNC)
            .map(|t| t["templateApplicationLevel"].clone()),
        Some(serde_json::Value::Null)
    );

    insta::assert_snapshot!(
        "patch_template_bodies",
        [set_body, clear_body, null_body].join("\n")
    );
    Ok(())
}

#[tokio::test]
async fn an_empty_write_model_sends_an_empty_object() -> TestResult {
    // Nothing set is nothing sent: not a null for every property.
    assert_eq!(
        serde_json::to_string(&v1::TemplateIdentitySyncWrite::default())?,
        "{}"
    );
    assert_eq!(
        serde_json::to_string(&beta::PartnerIdentitySyncWrite::default())?,
        "{}"
    );
    Ok(())
}

#[tokio::test]
async fn beta_resets_the_template_to_its_defaults() -> TestResult {
    let mock = MockGraph::start().await?;
    mock.set_template(ApiVersion::Beta, seeds::template_configured());
    let client = client_for(&mock)?.beta();
    within(client.reset_mto_identity_sync_template().send()).await?;
    let template = within(client.mto_identity_sync_template().send()).await?;
    assert_eq!(
        template.id.as_deref(),
        Some(seeds::UNCONFIGURED_TEMPLATE_ID)
    );
    assert_eq!(
        template.user_sync_inbound.map(|u| u.is_sync_allowed),
        Some(Nullable::Null)
    );
    Ok(())
}

// -------------------------------------------------------------------------------------------
// Retries by idempotency
// -------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_put_is_retried_on_a_504() -> TestResult {
    let mock = MockGraph::start().await?;
    mock.push_fault(Fault::GatewayTimeout);
    within(
        client_for(&mock)?
            .put_partner_identity_sync(contoso()?, Default::default())
            .send(),
    )
    .await?;
    assert_eq!(mock.requests().len(), 2);
    Ok(())
}

#[tokio::test]
async fn a_post_action_is_not_repeated_after_a_504_graph_may_have_acted_on() -> TestResult {
    let mock = MockGraph::start().await?;
    mock.push_fault(Fault::GatewayTimeout);
    let err = failure(
        client_for(&mock)?
            .beta()
            .reset_mto_identity_sync_template()
            .send(),
    )
    .await?;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(504));
    assert_eq!(mock.requests().len(), 1, "one attempt only");
    Ok(())
}

#[tokio::test]
async fn a_post_action_is_repeated_after_a_503_or_429_graph_refused_before_acting() -> TestResult {
    let mock = MockGraph::start().await?;
    mock.push_fault(Fault::ServiceUnavailable { retry_after: None });
    mock.push_fault(Fault::TooManyRequests {
        retry_after: Some(RetryAfter::Seconds(0)),
    });
    within(
        client_for(&mock)?
            .beta()
            .reset_mto_identity_sync_template()
            .send(),
    )
    .await?;
    assert_eq!(mock.requests().len(), 3);
    Ok(())
}

#[tokio::test]
async fn a_403_on_a_write_names_the_write_permission() -> TestResult {
    let mock = MockGraph::start().await?;
    mock.push_fault(access_denied());
    let err = failure(
        client_for(&mock)?
            .delete_partner_identity_sync(contoso()?)
            .send(),
    )
    .await?;
    let text = err.to_string();
    assert!(
        text.contains("grant Policy.ReadWrite.CrossTenantAccess")
            && text.contains("Security Administrator"),
        "{text}"
    );
    Ok(())
}

#[tokio::test]
async fn concurrent_writes_never_corrupt_the_store() -> TestResult {
    let mock = MockGraph::start().await?;
    let client = client_for(&mock)?;
    let tenants: Vec<TenantId> = (0..20)
        .map(|i| format!("00000000-0000-4000-8000-{i:012}").parse())
        .collect::<Result<_, _>>()?;
    for tenant in &tenants {
        mock.put(
            ApiVersion::V1,
            &resources::PARTNER_CONFIG.replace("{tenantId}", &tenant.to_string()),
            json!({ "tenantId": tenant.to_string() }),
        );
    }
    let writes: Vec<_> = tenants
        .iter()
        .map(|tenant| {
            let name = format!("partner {tenant}");
            let body = v1::PartnerIdentitySyncWrite {
                display_name: Nullable::Value(name),
                ..Default::default()
            };
            tokio::spawn(
                client
                    .put_partner_identity_sync(*tenant, body)
                    .into_future(),
            )
        })
        .collect();
    for write in writes {
        write.await??;
    }
    for tenant in &tenants {
        let read = within(client.partner_identity_sync(*tenant).send()).await?;
        assert_eq!(read.display_name, Some(format!("partner {tenant}")));
        assert_eq!(read.tenant_id, Some(tenant.to_string()));
    }
    Ok(())
}

// -------------------------------------------------------------------------------------------
// Lists
// -------------------------------------------------------------------------------------------

/// A fake Graph with `n` more partner configurations than the 3 seeded (tenants ...0001, ...).
async fn with_partners(n: usize) -> Result<MockGraph, Box<dyn std::error::Error>> {
    let mock = MockGraph::start().await?;
    for i in 1..=n {
        let tenant = format!("00000000-0000-4000-8000-{i:012}");
        mock.put(
            ApiVersion::V1,
            &resources::PARTNER_CONFIG.replace("{tenantId}", &tenant),
            json!({ "tenantId": tenant, "isInMultiTenantOrganization": false }),
        );
    }
    mock.clear_requests();
    Ok(mock)
}

#[tokio::test]
async fn listing_n_partners_costs_n_over_the_page_size_calls() -> TestResult {
    let mock = with_partners(7).await?;
    let all = within(client_for(&mock)?.list_partners().top(3).collect_all()).await?;
    assert_eq!(all.len(), 10);
    assert_eq!(mock.requests().len(), 4, "ceil(10 / 3) pages");
    let tenants: std::collections::BTreeSet<_> =
        all.iter().filter_map(|p| p.tenant_id.clone()).collect();
    assert_eq!(tenants.len(), 10, "no partner twice");
    let queries: Vec<_> = mock
        .requests()
        .into_iter()
        .map(|r| r.query.unwrap_or_default())
        .collect();
    assert_eq!(queries[0], "%24top=3");
    assert_eq!(
        queries[1], "$top=3&$skiptoken=3",
        "the next link, followed as given"
    );
    Ok(())
}

#[tokio::test]
async fn pages_are_fetched_one_call_at_a_time() -> TestResult {
    let mock = with_partners(2).await?;
    let mut pager = client_for(&mock)?.list_partners().top(2).pages();
    let state = |pager: &dyn std::fmt::Debug| format!("{pager:?}");
    assert_eq!(
        state(&pager),
        r#"Pager { operation: "GET /policies/crossTenantAccessPolicy/partners", state: "first page next" }"#
    );
    let first = within(pager.next_page()).await?.ok_or("a first page")?;
    assert_eq!((first.items.len(), mock.requests().len()), (2, 1));
    assert!(first.next_link.is_some());
    assert!(state(&pager).contains(r#"state: "following a next link""#));
    let second = within(pager.next_page()).await?.ok_or("a second page")?;
    assert_eq!(
        (second.items.len(), second.next_link),
        (
            2,
            Some(format!(
                "{}/v1.0/policies/crossTenantAccessPolicy/partners?$top=2&$skiptoken=4",
                mock.base_url()
            ))
        )
    );
    let third = within(pager.next_page()).await?.ok_or("a third page")?;
    assert_eq!((third.items.len(), third.next_link), (1, None));
    assert!(state(&pager).contains(r#"state: "done""#));
    assert!(within(pager.next_page()).await?.is_none());
    assert_eq!(mock.requests().len(), 3);
    Ok(())
}

#[tokio::test]
async fn the_stream_fetches_a_page_only_when_the_items_before_it_are_used() -> TestResult {
    let mock = with_partners(7).await?;
    let stream = client_for(&mock)?.list_partners().top(5).stream();
    let mut stream = std::pin::pin!(stream);
    for _ in 0..5 {
        next_item(&mut stream).await?;
    }
    assert_eq!(mock.requests().len(), 1, "the first page is enough so far");
    next_item(&mut stream).await?;
    assert_eq!(mock.requests().len(), 2);
    Ok(())
}

async fn next_item<T>(
    stream: &mut (impl futures_util::Stream<Item = Result<T, Error>> + Unpin),
) -> TestResult {
    let item = tokio::time::timeout(crosstenant_tests::STEP, stream.next()).await?;
    item.ok_or("the stream ended early")??;
    Ok(())
}

#[tokio::test]
async fn expand_brings_each_partners_sync_policy() -> TestResult {
    let mock = MockGraph::start().await?;
    let partners = within(
        client_for(&mock)?
            .list_partners()
            .expand([v1::PartnerConfigurationExpand::IdentitySynchronization])
            .collect_all(),
    )
    .await?;
    let fabrikam = partners
        .iter()
        .find(|p| p.tenant_id.as_deref() == Some(seeds::FABRIKAM_TENANT_ID))
        .ok_or("Fabrikam is listed")?;
    let sync = fabrikam
        .identity_synchronization
        .as_ref()
        .ok_or("expanded")?;
    assert_eq!(sync.display_name.as_deref(), Some("Fabrikam"));
    let request = mock.requests().last().cloned().ok_or("no request")?;
    assert_eq!(
        request.query.as_deref(),
        Some("%24expand=identitySynchronization")
    );
    Ok(())
}

#[tokio::test]
async fn filter_narrows_the_list() -> TestResult {
    let mock = MockGraph::start().await?;
    let filter = format!("tenantId eq '{}'", seeds::WOODGROVE_TENANT_ID);
    let partners = within(
        client_for(&mock)?
            .list_partners()
            .filter(filter)
            .collect_all(),
    )
    .await?;
    let tenants: Vec<_> = partners
        .iter()
        .filter_map(|p| p.tenant_id.as_deref())
        .collect();
    assert_eq!(tenants, [seeds::WOODGROVE_TENANT_ID]);
    Ok(())
}

#[tokio::test]
async fn a_next_link_to_another_host_is_refused_and_the_token_never_goes_there() -> TestResult {
    let mock = with_partners(3).await?;
    let elsewhere = MockGraph::start().await?;
    let other = elsewhere.base_url().replace("127.0.0.1", "localhost");
    mock.push_fault(Fault::NextLinkOn(other.clone()));
    let err = failure(client_for(&mock)?.list_partners().top(2).collect_all()).await?;
    let Error::UntrustedNextLink { link, .. } = &err else {
        return Err(format!("expected UntrustedNextLink, got {err:?}").into());
    };
    assert!(link.starts_with(&other), "{link}");
    assert!(
        elsewhere.requests().is_empty(),
        "the other host saw nothing"
    );
    assert_eq!(mock.requests().len(), 1);
    Ok(())
}
