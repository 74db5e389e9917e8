//! The bodies the mock serves after [`MockGraph::start`](crate::MockGraph::start).
//!
//! Fabrikam and the two templates are Microsoft's own examples from the Graph
//! reference pages; Contoso and Woodgrove are fixtures of this project that
//! cover the remaining shapes (`false`, `null`, beta-only properties).

use serde_json::{Value, json};

use crate::ApiVersion;

/// Tenant ID of Fabrikam, the partner in Microsoft's documentation example.
pub const FABRIKAM_TENANT_ID: &str = "9c5d131d-b1c3-4fc4-9e3f-c6557947d551";
/// Tenant ID of Contoso, a fixture partner that does not allow inbound sync.
pub const CONTOSO_TENANT_ID: &str = "3d0f5dba-2c8e-4b7a-9f61-5a1e7c4b2d90";
/// Tenant ID of Woodgrove, a fixture partner whose sync setting is unset (`null`).
pub const WOODGROVE_TENANT_ID: &str = "b7e4c2a1-6f3d-4e8b-a05c-2d9f18e6c374";
/// ID of the template in its unconfigured (or reset) state.
pub const UNCONFIGURED_TEMPLATE_ID: &str = "0e7aad84-cb46-4b8e-a881-522ef25939f1";
/// ID of the template after inbound user synchronization was configured.
pub const CONFIGURED_TEMPLATE_ID: &str = "e1a11ff3-01f1-4c48-9784-b9d931571474";

/// Fabrikam, exactly as in the Graph reference example (served by v1.0 and beta).
pub fn partner_fabrikam() -> Value {
    json!({
        "tenantId": FABRIKAM_TENANT_ID,
        "displayName": "Fabrikam",
        "userSyncInbound": {
            "isSyncAllowed": true
        }
    })
}

/// Contoso as v1.0 serves it: inbound user sync explicitly disallowed.
pub fn partner_contoso_v1() -> Value {
    json!({
        "tenantId": CONTOSO_TENANT_ID,
        "displayName": "Contoso",
        "userSyncInbound": {
            "isSyncAllowed": false
        }
    })
}

/// Contoso as beta serves it: the v1.0 body plus the beta-only properties.
pub fn partner_contoso_beta() -> Value {
    json!({
        "tenantId": CONTOSO_TENANT_ID,
        "displayName": "Contoso",
        "userSyncInbound": {
            "isSyncAllowed": false
        },
        "groupSyncInbound": {
            "isSyncAllowed": false
        },
        "externalCloudAuthorizedApplicationId": null,
        "deletedDateTime": null
    })
}

/// Woodgrove (v1.0 and beta): `isSyncAllowed` is `null`, as Graph reports an unset value.
pub fn partner_woodgrove() -> Value {
    json!({
        "tenantId": WOODGROVE_TENANT_ID,
        "displayName": "Woodgrove Bank",
        "userSyncInbound": {
            "isSyncAllowed": null
        }
    })
}

/// The template in its unconfigured state, as in the Graph reference example
/// (without `@odata.context`, which the mock adds when responding).
pub fn template_unconfigured() -> Value {
    json!({
        "templateApplicationLevel": "newPartners,existingPartners",
        "id": UNCONFIGURED_TEMPLATE_ID,
        "userSyncInbound": {
            "isSyncAllowed": null
        }
    })
}

/// The template after configuration, as in the Graph reference example
/// (without `@odata.context`).
pub fn template_configured() -> Value {
    json!({
        "id": CONFIGURED_TEMPLATE_ID,
        "templateApplicationLevel": "newPartners,existingPartners",
        "userSyncInbound": {
            "isSyncAllowed": true
        }
    })
}

/// The tenant's default cross-tenant access settings as Microsoft ships them
/// (`isServiceDefault`: not customized): everyone allowed in and out for B2B collaboration,
/// B2B direct connect blocked both ways, no trust of other tenants' MFA or devices.
pub fn default_policy() -> Value {
    let everyone = |target: &str, target_type: &str, access: &str| {
        let targets = json!([{ "target": target, "targetType": target_type }]);
        json!({ "accessType": access, "targets": targets })
    };
    let setting = |access: &str| {
        json!({
            "usersAndGroups": everyone("AllUsers", "user", access),
            "applications": everyone("AllApplications", "application", access),
        })
    };
    json!({
        "isServiceDefault": true,
        "inboundTrust": {
            "isMfaAccepted": false,
            "isCompliantDeviceAccepted": false,
            "isHybridAzureADJoinedDeviceAccepted": false
        },
        "b2bCollaborationInbound": setting("allowed"),
        "b2bCollaborationOutbound": setting("allowed"),
        "b2bDirectConnectInbound": setting("blocked"),
        "b2bDirectConnectOutbound": setting("blocked"),
        "automaticUserConsentSettings": { "inboundAllowed": false, "outboundAllowed": false }
    })
}

/// The partners each version starts with.
pub fn partners(version: ApiVersion) -> Vec<Value> {
    let contoso = match version {
        ApiVersion::V1 => partner_contoso_v1(),
        ApiVersion::Beta => partner_contoso_beta(),
    };
    vec![partner_fabrikam(), partner_woodgrove(), contoso]
}

/// The template each version starts with: unconfigured.
pub fn templates(_: ApiVersion) -> Vec<Value> {
    vec![template_unconfigured()]
}

/// The default policy each version starts with.
pub fn default_policies(_: ApiVersion) -> Vec<Value> {
    vec![default_policy()]
}

/// Nothing: what a collection or an action starts with (their objects are elsewhere).
pub fn nothing(_: ApiVersion) -> Vec<Value> {
    Vec::new()
}

/// The partner configurations each version starts with: one per seeded partner policy, each a
/// member of the multitenant organization.
pub fn partner_configurations(_: ApiVersion) -> Vec<Value> {
    [FABRIKAM_TENANT_ID, CONTOSO_TENANT_ID, WOODGROVE_TENANT_ID]
        .into_iter()
        .map(|tenant| {
            json!({
                "tenantId": tenant,
                "isServiceProvider": false,
                "isInMultiTenantOrganization": true
            })
        })
        .collect()
}
