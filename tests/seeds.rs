//! The examples of Microsoft's reference pages (`shared/seeds/`), served by the fake Graph on
//! loopback and read through the generated client: what it decodes, and what it sends.

use crosstenant_api::Nullable;
use crosstenant_api::flags::ApplicationLevel;
use crosstenant_api::types::V1CrossTenantIdentitySyncPolicyPartnerProperty as PartnerField;
use crosstenant_mock::{ApiVersion, MockGraph, seeds};
use crosstenant_tests::{
    TestResult, assert_no_api_version, failure, generated_client, last_request, within,
};

/// 000: `GET /beta/policies/crossTenantAccessPolicy/partners/{id}/identitySynchronization`.
#[tokio::test]
async fn partner_example_decodes_and_the_request_is_the_documented_one() -> TestResult {
    let mock = MockGraph::start().await?;
    let (api, _) = generated_client(&mock);
    let call = api
        .partner_identity_sync_beta()
        .tenant_id(seeds::FABRIKAM_TENANT_ID);
    let partner = within(call.send()).await?.into_inner();

    assert_eq!(partner.display_name.as_deref(), Some("Fabrikam"));
    assert_eq!(
        partner.tenant_id.as_deref(),
        Some(seeds::FABRIKAM_TENANT_ID)
    );
    let inbound = partner.user_sync_inbound.clone().unwrap_or_default();
    assert_eq!(inbound.is_sync_allowed, Nullable::Value(true));
    insta::assert_debug_snapshot!("partner_fabrikam_beta_decoded", partner);
    let request = last_request(&mock).ok_or("no request recorded")?;
    assert_no_api_version(&request);
    insta::assert_yaml_snapshot!("partner_fabrikam_beta_request", request);
    Ok(())
}

/// 002, first example: the unconfigured template, whose `isSyncAllowed` is `null`.
#[tokio::test]
async fn unconfigured_template_keeps_null_apart_from_false_and_absent() -> TestResult {
    let mock = MockGraph::start().await?;
    let (api, _) = generated_client(&mock);
    let template = within(api.mto_identity_sync_template_v1().send())
        .await?
        .into_inner();

    let inbound = template.user_sync_inbound.clone().unwrap_or_default();
    assert_eq!(inbound.is_sync_allowed, Nullable::Null);
    assert_eq!(
        template.id.as_deref(),
        Some(seeds::UNCONFIGURED_TEMPLATE_ID)
    );
    let level = template
        .template_application_level
        .clone()
        .unwrap_or_default();
    assert_eq!(
        level.iter().collect::<Vec<_>>(),
        [
            ApplicationLevel::NewPartners,
            ApplicationLevel::ExistingPartners
        ]
    );
    // Written back, null stays null: a PATCH with it resets the setting, one without it would not.
    let written = serde_json::to_value(&template)?;
    assert_eq!(
        written["userSyncInbound"],
        serde_json::json!({ "isSyncAllowed": null })
    );
    assert_eq!(
        written["templateApplicationLevel"],
        "newPartners,existingPartners"
    );
    insta::assert_debug_snapshot!("template_unconfigured_v1_decoded", template);
    insta::assert_yaml_snapshot!("template_v1_request", last_request(&mock));
    Ok(())
}

/// 002, second example: the template after inbound synchronization was configured.
#[tokio::test]
async fn configured_template_decodes_with_its_flags() -> TestResult {
    let mock = MockGraph::start().await?;
    mock.set_template(ApiVersion::V1, seeds::template_configured());
    let (api, _) = generated_client(&mock);
    let template = within(api.mto_identity_sync_template_v1().send())
        .await?
        .into_inner();

    assert_eq!(template.id.as_deref(), Some(seeds::CONFIGURED_TEMPLATE_ID));
    let inbound = template.user_sync_inbound.clone().unwrap_or_default();
    assert_eq!(inbound.is_sync_allowed, Nullable::Value(true));
    insta::assert_debug_snapshot!("template_configured_v1_decoded", template);
    Ok(())
}

/// `$select` goes out once, comma-joined, as Graph requires (progenitor alone would repeat it).
#[tokio::test]
async fn select_is_one_comma_joined_parameter() -> TestResult {
    let mock = MockGraph::start().await?;
    let (api, _) = generated_client(&mock);
    let call = api
        .partner_identity_sync_v1()
        .tenant_id(seeds::FABRIKAM_TENANT_ID)
        .select([PartnerField::TenantId, PartnerField::DisplayName]);
    let partner = within(call.send()).await?.into_inner();

    assert!(
        partner.user_sync_inbound.is_none(),
        "not selected, so not returned"
    );
    let request = last_request(&mock).ok_or("no request recorded")?;
    assert_eq!(
        request.query.as_deref(),
        Some("%24select=tenantId%2CdisplayName")
    );
    insta::assert_debug_snapshot!("partner_select_v1_decoded", partner);
    insta::assert_yaml_snapshot!("partner_select_v1_request", request);
    Ok(())
}

/// Graph's error body, decoded from a 404 for a partner that has no configuration.
#[tokio::test]
async fn a_404_decodes_into_graphs_error_body() -> TestResult {
    let mock = MockGraph::start().await?;
    let (api, _) = generated_client(&mock);
    let unknown = "00000000-0000-0000-0000-000000000404";
    let call = api.partner_identity_sync_v1().tenant_id(unknown);
    let crosstenant_api::Error::ErrorResponse(response) = failure(call.send()).await? else {
        return Err("expected a Graph error response".into());
    };
    assert_eq!(response.status(), 404);
    let body = response.into_inner();
    assert_eq!(body.error.code, "Request_ResourceNotFound");
    insta::assert_json_snapshot!("odata_error_404_decoded", body, {
        ".error.innerError.date" => "[date]",
        ".error.innerError[\"request-id\"]" => "[request-id]",
    });
    Ok(())
}
