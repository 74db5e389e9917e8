//! Human summaries of the models (`Display`), one line each.
//!
//! `cargo xtask generate` gives every generated model a `Display` that calls [`summary`] with
//! the model's upstream schema name. The summaries read the model as JSON, so they never name
//! a generated type: a schema that splits into `V1…` and `Beta…` types keeps its summary with
//! no edit here. A schema with no summary of its own shows as compact JSON.

use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::Nullable;
use crate::sync::CrossTenantUserSyncInbound;

/// Writes the one-line summary of `model`, whose upstream schema is `key`.
pub(crate) fn summary<T: Serialize>(
    f: &mut fmt::Formatter<'_>,
    key: &str,
    model: &T,
) -> fmt::Result {
    let value = serde_json::to_value(model).map_err(|_| fmt::Error)?;
    let Value::Object(object) = &value else {
        return write!(f, "{value}");
    };
    match key {
        "microsoft.graph.crossTenantIdentitySyncPolicyPartner" => partner(f, object),
        "microsoft.graph.multiTenantOrganizationIdentitySyncPolicyTemplate" => template(f, object),
        "microsoft.graph.crossTenantGroupSyncInbound" => {
            f.write_str(sync_setting(property(object, "isSyncAllowed")))
        }
        "microsoft.graph.ODataErrors.ODataError" => {
            let error = object.get("error");
            let text = |name| error.and_then(|e| e.get(name)).and_then(Value::as_str);
            write!(
                f,
                "{}: {}",
                text("code").unwrap_or_default(),
                text("message").unwrap_or_default()
            )
        }
        _ => write!(f, "{value}"),
    }
}

/// A property as absent, `null` or a value.
fn property<'a>(object: &'a Map<String, Value>, name: &str) -> Nullable<&'a Value> {
    match object.get(name) {
        None => Nullable::Absent,
        Some(Value::Null) => Nullable::Null,
        Some(value) => Nullable::Value(value),
    }
}

/// `allowed`, `blocked`, `not configured` (null) or `not returned` (absent, e.g. not selected).
fn sync_state(value: Nullable<bool>) -> &'static str {
    match value {
        Nullable::Value(true) => "allowed",
        Nullable::Value(false) => "blocked",
        Nullable::Null => "not configured",
        Nullable::Absent => "not returned",
    }
}

/// [`sync_state`] of a JSON value, which may not be a boolean.
fn sync_setting(value: Nullable<&Value>) -> &'static str {
    sync_state(match value {
        Nullable::Value(Value::Bool(allowed)) => Nullable::Value(*allowed),
        Nullable::Value(_) => return "of an unexpected type",
        Nullable::Null => Nullable::Null,
        Nullable::Absent => Nullable::Absent,
    })
}

/// The `isSyncAllowed` of an inbound setting held in `name`.
fn inbound(object: &Map<String, Value>, name: &str) -> &'static str {
    match object.get(name) {
        Some(Value::Object(setting)) => sync_setting(property(setting, "isSyncAllowed")),
        _ => "not returned",
    }
}

/// `Fabrikam (9c5d…): inbound user sync allowed[, inbound group sync …][ (deleted …)]`.
fn partner(f: &mut fmt::Formatter<'_>, object: &Map<String, Value>) -> fmt::Result {
    let text = |name| object.get(name).and_then(Value::as_str);
    match (text("displayName"), text("tenantId")) {
        (Some(name), Some(tenant)) => write!(f, "{name} ({tenant})")?,
        (Some(one), None) | (None, Some(one)) => f.write_str(one)?,
        (None, None) => f.write_str("partner")?,
    }
    write!(
        f,
        ": inbound user sync {}",
        inbound(object, "userSyncInbound")
    )?;
    if object.contains_key("groupSyncInbound") {
        write!(
            f,
            ", inbound group sync {}",
            inbound(object, "groupSyncInbound")
        )?;
    }
    if let Some(deleted) = text("deletedDateTime") {
        write!(f, " (deleted {deleted})")?;
    }
    Ok(())
}

/// `template <id> for newPartners,existingPartners: inbound user sync not configured`.
fn template(f: &mut fmt::Formatter<'_>, object: &Map<String, Value>) -> fmt::Result {
    f.write_str("template")?;
    if let Some(id) = object.get("id").and_then(Value::as_str) {
        write!(f, " {id}")?;
    }
    if let Some(level) = object
        .get("templateApplicationLevel")
        .and_then(Value::as_str)
    {
        write!(f, " for {level}")?;
    }
    write!(
        f,
        ": inbound user sync {}",
        inbound(object, "userSyncInbound")
    )
}

impl fmt::Display for CrossTenantUserSyncInbound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(sync_state(self.is_sync_allowed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model stand-in: any `Serialize` works, so the summaries are tested on JSON.
    struct Shown<'a>(&'a str, Value);

    impl fmt::Display for Shown<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            summary(f, self.0, &self.1)
        }
    }

    fn shown(key: &str, json: Value) -> String {
        Shown(key, json).to_string()
    }

    const PARTNER: &str = "microsoft.graph.crossTenantIdentitySyncPolicyPartner";

    #[test]
    fn a_partner_reads_as_name_tenant_and_inbound_setting() {
        let partner = serde_json::json!({
            "tenantId": "9c5d131d-b1c3-4fc4-9e3f-c6557947d551",
            "displayName": "Fabrikam",
            "userSyncInbound": { "isSyncAllowed": true },
        });
        assert_eq!(
            shown(PARTNER, partner),
            "Fabrikam (9c5d131d-b1c3-4fc4-9e3f-c6557947d551): inbound user sync allowed"
        );
    }

    #[test]
    fn null_absent_and_false_read_differently() {
        for (inbound, reads) in [
            (serde_json::json!({ "isSyncAllowed": false }), "blocked"),
            (
                serde_json::json!({ "isSyncAllowed": null }),
                "not configured",
            ),
            (serde_json::json!({}), "not returned"),
        ] {
            let partner =
                serde_json::json!({ "displayName": "Contoso", "userSyncInbound": inbound });
            assert_eq!(
                shown(PARTNER, partner),
                format!("Contoso: inbound user sync {reads}")
            );
        }
    }

    #[test]
    fn a_beta_partner_shows_group_sync_and_deletion() {
        let partner = serde_json::json!({
            "tenantId": "t",
            "userSyncInbound": { "isSyncAllowed": true },
            "groupSyncInbound": { "isSyncAllowed": false },
            "deletedDateTime": "2026-11-01T00:00:00Z",
        });
        assert_eq!(
            shown(PARTNER, partner),
            "t: inbound user sync allowed, inbound group sync blocked (deleted 2026-11-01T00:00:00Z)"
        );
    }

    #[test]
    fn a_group_sync_setting_reads_as_its_state() {
        let key = "microsoft.graph.crossTenantGroupSyncInbound";
        for (setting, reads) in [
            (serde_json::json!({ "isSyncAllowed": true }), "allowed"),
            (
                serde_json::json!({ "isSyncAllowed": null }),
                "not configured",
            ),
            (
                serde_json::json!({ "isSyncAllowed": "yes" }),
                "of an unexpected type",
            ),
        ] {
            assert_eq!(shown(key, setting), reads);
        }
    }

    #[test]
    fn an_inbound_user_sync_setting_reads_as_its_state() {
        for (is_sync_allowed, reads) in [
            (Nullable::Value(true), "allowed"),
            (Nullable::Value(false), "blocked"),
            (Nullable::Null, "not configured"),
            (Nullable::Absent, "not returned"),
        ] {
            let setting = CrossTenantUserSyncInbound {
                is_sync_allowed,
                ..Default::default()
            };
            assert_eq!(setting.to_string(), reads);
        }
    }

    #[test]
    fn a_schema_without_a_summary_shows_as_json() {
        let other = serde_json::json!({ "isServiceDefault": true });
        assert_eq!(
            shown("microsoft.graph.somethingNew", other),
            r#"{"isServiceDefault":true}"#
        );
    }

    #[test]
    fn an_error_reads_as_code_and_message() {
        let error = serde_json::json!({ "error": { "code": "BadRequest", "message": "No." } });
        assert_eq!(
            shown("microsoft.graph.ODataErrors.ODataError", error),
            "BadRequest: No."
        );
    }
}
