//! The worked example of "Operations from one line": `GET /policies/crossTenantAccessPolicy/default`
//! came in through one line of spec/operations.toml, `cargo xtask trim`, `cargo xtask generate`
//! and one row of the fake Graph's table. Its Graph enums are open: known members decode into
//! variants, newer ones into `Other` (kept by name, written back as they came).

use crosstenant::models::{beta, v1};
use crosstenant::{Client, Cloud, StaticToken};
use crosstenant_mock::{ApiVersion, MockGraph};
use crosstenant_tests::{TEST_TOKEN, TestResult, last_request, within};
use serde_json::json;

const PATH: &str = "/policies/crossTenantAccessPolicy/default";

fn client_for(mock: &MockGraph) -> Result<Client, crosstenant::Error> {
    Client::builder()
        .credential(StaticToken::new(TEST_TOKEN))
        .base_url(mock.base_url())
        .build()
}

#[tokio::test]
async fn the_default_policy_decodes_with_its_enums_as_variants() -> TestResult {
    let mock = MockGraph::start().await?;
    let policy = within(client_for(&mock)?.cross_tenant_access_default().send()).await?;
    assert_eq!(policy.is_service_default, Some(true));
    let outbound = policy
        .b2b_collaboration_outbound
        .as_ref()
        .and_then(|s| s.users_and_groups.as_ref())
        .ok_or("no outbound users and groups")?;
    assert_eq!(
        outbound.access_type,
        Some(v1::CrossTenantAccessPolicyTargetConfigurationAccessType::Allowed)
    );
    assert_eq!(
        outbound.targets[0].target_type,
        Some(v1::CrossTenantAccessPolicyTargetType::User)
    );
    let request = last_request(&mock).ok_or("no request")?;
    assert_eq!(request.path, format!("/v1.0{PATH}"));
    insta::assert_debug_snapshot!("default_policy_v1_decoded", policy);
    insta::assert_yaml_snapshot!("default_policy_v1_request", request);
    Ok(())
}

#[tokio::test]
async fn the_beta_default_policy_goes_to_beta_with_select() -> TestResult {
    let mock = MockGraph::start().await?;
    let call = client_for(&mock)?
        .beta()
        .cross_tenant_access_default()
        .select([beta::CrossTenantAccessPolicyConfigurationDefaultField::IsServiceDefault]);
    let policy = within(call.send()).await?;
    assert_eq!(policy.is_service_default, Some(true));
    assert!(policy.inbound_trust.is_none(), "not selected");
    let request = last_request(&mock).ok_or("no request")?;
    assert_eq!(request.path, format!("/beta{PATH}"));
    assert_eq!(request.query.as_deref(), Some("%24select=isServiceDefault"));
    Ok(())
}

#[tokio::test]
async fn the_default_policy_is_offered_in_china() -> TestResult {
    // Unlike the identity synchronization operations, it exists in every cloud.
    let mock = MockGraph::start().await?;
    let china = Client::builder()
        .cloud(Cloud::China)
        .credential(StaticToken::new(TEST_TOKEN))
        .base_url(mock.base_url())
        .build()?;
    within(china.cross_tenant_access_default().send()).await?;
    Ok(())
}

#[tokio::test]
async fn an_enum_member_newer_than_the_sdk_is_kept_and_written_back_exactly() -> TestResult {
    let mock = MockGraph::start().await?;
    let mut body = crosstenant_mock::seeds::default_policy();
    body["b2bDirectConnectInbound"]["usersAndGroups"]["accessType"] = json!("blockedExternally");
    assert!(mock.put(ApiVersion::V1, PATH, body));

    let policy = within(client_for(&mock)?.cross_tenant_access_default().send()).await?;
    let inbound = policy
        .b2b_direct_connect_inbound
        .as_ref()
        .and_then(|s| s.users_and_groups.as_ref())
        .ok_or("no inbound users and groups")?;
    let access = inbound.access_type.clone().ok_or("no access type")?;
    assert_eq!(
        access,
        v1::CrossTenantAccessPolicyTargetConfigurationAccessType::Other("blockedExternally".into())
    );
    assert_eq!(access.to_string(), "blockedExternally");
    // Written back, it is the member as it came, not unknownFutureValue.
    let written = serde_json::to_value(&policy)?;
    assert_eq!(
        written["b2bDirectConnectInbound"]["usersAndGroups"]["accessType"],
        "blockedExternally"
    );
    // It came because the SDK asked for members newer than unknownFutureValue.
    let request = last_request(&mock).ok_or("no request")?;
    assert!(
        request
            .headers
            .iter()
            .any(|(n, v)| n == "prefer" && v == "include-unknown-enum-members")
    );
    Ok(())
}

#[test]
fn unknown_future_value_is_a_known_member() -> TestResult {
    use v1::CrossTenantAccessPolicyTargetConfigurationAccessType as Access;
    let value: Access = serde_json::from_str(r#""unknownFutureValue""#)?;
    assert_eq!(value, Access::UnknownFutureValue);
    assert_eq!(serde_json::to_string(&value)?, r#""unknownFutureValue""#);
    Ok(())
}
