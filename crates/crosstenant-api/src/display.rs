//! Human summaries of the models (`Display`), one line each.

use std::fmt;

use crate::Nullable;
use crate::sync::CrossTenantUserSyncInbound;
use crate::types::{
    BetaCrossTenantGroupSyncInbound, BetaCrossTenantIdentitySyncPolicyPartner,
    MultiTenantOrganizationIdentitySyncPolicyTemplate, ODataError,
    V1CrossTenantIdentitySyncPolicyPartner,
};

/// `allowed`, `blocked`, `not configured` (null) or `not returned` (absent, e.g. not selected).
fn sync_setting(value: Nullable<&bool>) -> &'static str {
    match value {
        Nullable::Value(true) => "allowed",
        Nullable::Value(false) => "blocked",
        Nullable::Null => "not configured",
        Nullable::Absent => "not returned",
    }
}

impl fmt::Display for CrossTenantUserSyncInbound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(sync_setting(self.is_sync_allowed.as_ref()))
    }
}

impl fmt::Display for BetaCrossTenantGroupSyncInbound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self
            .is_sync_allowed
            .as_ref()
            .map_or(Nullable::Absent, Nullable::Value);
        f.write_str(sync_setting(value))
    }
}

/// `Fabrikam (9c5d…)`, or whichever of the two was returned.
fn partner_name(
    f: &mut fmt::Formatter<'_>,
    name: Option<&str>,
    tenant: Option<&str>,
) -> fmt::Result {
    match (name, tenant) {
        (Some(name), Some(tenant)) => write!(f, "{name} ({tenant})"),
        (Some(one), None) | (None, Some(one)) => f.write_str(one),
        (None, None) => f.write_str("partner"),
    }
}

fn inbound(value: Option<&CrossTenantUserSyncInbound>) -> &'static str {
    value.map_or("not returned", |v| sync_setting(v.is_sync_allowed.as_ref()))
}

/// ```
/// # let partner: crosstenant_api::types::V1CrossTenantIdentitySyncPolicyPartner = serde_json::from_str(
/// #     r#"{"tenantId":"9c5d131d-b1c3-4fc4-9e3f-c6557947d551","displayName":"Fabrikam","userSyncInbound":{"isSyncAllowed":true}}"#)?;
/// assert_eq!(
///     partner.to_string(),
///     "Fabrikam (9c5d131d-b1c3-4fc4-9e3f-c6557947d551): inbound user sync allowed"
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
impl fmt::Display for V1CrossTenantIdentitySyncPolicyPartner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        partner_name(f, self.display_name.as_deref(), self.tenant_id.as_deref())?;
        write!(
            f,
            ": inbound user sync {}",
            inbound(self.user_sync_inbound.as_ref())
        )
    }
}

impl fmt::Display for BetaCrossTenantIdentitySyncPolicyPartner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        partner_name(f, self.display_name.as_deref(), self.tenant_id.as_deref())?;
        write!(
            f,
            ": inbound user sync {}",
            inbound(self.user_sync_inbound.as_ref())
        )?;
        if let Some(groups) = &self.group_sync_inbound {
            write!(f, ", inbound group sync {groups}")?;
        }
        if let Some(deleted) = &self.deleted_date_time {
            write!(f, " (deleted {deleted})")?;
        }
        Ok(())
    }
}

/// ```
/// # let template: crosstenant_api::types::MultiTenantOrganizationIdentitySyncPolicyTemplate = serde_json::from_str(
/// #     r#"{"templateApplicationLevel":"newPartners,existingPartners","id":"0e7aad84-cb46-4b8e-a881-522ef25939f1","userSyncInbound":{"isSyncAllowed":null}}"#)?;
/// assert_eq!(
///     template.to_string(),
///     "template 0e7aad84-cb46-4b8e-a881-522ef25939f1 for newPartners,existingPartners: inbound user sync not configured"
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
impl fmt::Display for MultiTenantOrganizationIdentitySyncPolicyTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("template")?;
        if let Some(id) = &self.id {
            write!(f, " {id}")?;
        }
        if let Some(level) = &self.template_application_level {
            write!(f, " for {level}")?;
        }
        write!(
            f,
            ": inbound user sync {}",
            inbound(self.user_sync_inbound.as_ref())
        )
    }
}

impl fmt::Display for ODataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error.code, self.error.message)
    }
}
