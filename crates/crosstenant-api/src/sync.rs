//! The inbound synchronization setting, with its tri-state `isSyncAllowed`.

use serde::{Deserialize, Serialize};

use crate::Nullable;

/// Whether users may be synchronized in from the partner tenant (`crossTenantUserSyncInbound`).
///
/// Hand-written in place of the generated type (see `xtask/src/generate.rs`): Graph's
/// `isSyncAllowed` is `true`, `false` or `null` (not configured), and absent is not `null`.
/// Properties Graph adds later are kept in [`extra`](Self::extra).
///
/// ```
/// use crosstenant_api::{Nullable, sync::CrossTenantUserSyncInbound};
///
/// let unset: CrossTenantUserSyncInbound = serde_json::from_str(r#"{"isSyncAllowed":null}"#)?;
/// let absent: CrossTenantUserSyncInbound = serde_json::from_str("{}")?;
/// assert_eq!(unset.is_sync_allowed, Nullable::Null);
/// assert_eq!(absent.is_sync_allowed, Nullable::Absent);
/// assert_eq!(serde_json::to_string(&unset)?, r#"{"isSyncAllowed":null}"#);
/// assert_eq!(serde_json::to_string(&absent)?, "{}");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CrossTenantUserSyncInbound {
    /// `true` to allow, `false` to stop synchronization, `null` when not configured.
    #[serde(
        rename = "isSyncAllowed",
        default,
        skip_serializing_if = "Nullable::is_absent"
    )]
    pub is_sync_allowed: Nullable<bool>,
    /// Properties this version of the SDK does not know, kept as received.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_states_and_unknown_properties_round_trip() -> serde_json::Result<()> {
        for body in [
            r#"{"isSyncAllowed":true}"#,
            r#"{"isSyncAllowed":false}"#,
            r#"{"isSyncAllowed":null}"#,
            r#"{}"#,
            r#"{"isSyncAllowed":true,"syncScope":"all"}"#,
        ] {
            let value: CrossTenantUserSyncInbound = serde_json::from_str(body)?;
            assert_eq!(serde_json::to_string(&value)?, body);
        }
        Ok(())
    }

    #[test]
    fn a_wrong_type_is_an_error_not_a_default() {
        assert!(
            serde_json::from_str::<CrossTenantUserSyncInbound>(r#"{"isSyncAllowed":"yes"}"#)
                .is_err()
        );
    }
}
