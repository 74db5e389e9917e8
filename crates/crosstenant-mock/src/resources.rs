//! The fake's one table of what it serves: each resource's path, its Graph type, the
//! properties each API version has, the methods it answers, and its seeds. Routes, `$select`
//! checks, 400/404/405 answers and the store all come from this table. It is written from
//! Microsoft's documents, not from the SDK's generated code, so that the SDK cannot silently
//! agree with itself; a test in xtask checks it against the upstream OpenAPI documents.

use serde_json::Value;

use crate::{ApiVersion, seeds};

/// A resource the fake serves.
#[derive(Debug)]
#[non_exhaustive]
pub struct Resource {
    /// The path under the version segment; one `{name}` segment at most, the key.
    pub path: &'static str,
    /// Graph's type name.
    pub type_name: &'static str,
    /// The properties each version has (what `$select` accepts and bodies may hold).
    pub versions: &'static [(ApiVersion, &'static [&'static str])],
    /// What it is: an object, a collection, an action.
    pub kind: Kind,
    /// The HTTP methods it answers.
    pub methods: &'static [&'static str],
    /// The property of a stored body that holds its key, for a keyed resource.
    pub key_property: Option<&'static str>,
    /// The bodies it starts with, per version.
    pub seeds: fn(ApiVersion) -> Vec<Value>,
}

/// What a resource is, and so how its methods behave.
#[derive(Debug)]
#[non_exhaustive]
pub enum Kind {
    /// One object, keyed or not: GET reads it, PUT creates or replaces it (under an existing
    /// `parent`, if it has one), PATCH merges into it (`null` clears), DELETE removes it (a
    /// removed object can be restored).
    Entity {
        /// The path of the object it belongs to, which must exist for a PUT.
        parent: Option<&'static str>,
    },
    /// The objects at `item`, a page at a time (`$top`, `$skiptoken`, `@odata.nextLink`),
    /// with `$select`, `$filter` (`property eq value`) and `$expand` of the related objects
    /// listed (property name, path of the related object under the item's key).
    Collection {
        /// The path of one item.
        item: &'static str,
        /// What `$expand` may include.
        expand: &'static [(&'static str, &'static str)],
    },
    /// POST: puts the object at `target` back to its seed.
    Reset {
        /// The object reset.
        target: &'static str,
    },
    /// POST: brings back the object at `target` that a DELETE removed.
    Restore {
        /// The object restored.
        target: &'static str,
    },
}

const PARTNER_V1: &[&str] = &["tenantId", "displayName", "userSyncInbound"];
const PARTNER_BETA: &[&str] = &[
    "tenantId",
    "displayName",
    "userSyncInbound",
    "groupSyncInbound",
    "externalCloudAuthorizedApplicationId",
    "deletedDateTime",
];
const TEMPLATE: &[&str] = &["id", "templateApplicationLevel", "userSyncInbound"];
const DEFAULT: &[&str] = &[
    "id",
    "isServiceDefault",
    "inboundTrust",
    "b2bCollaborationInbound",
    "b2bCollaborationOutbound",
    "b2bDirectConnectInbound",
    "b2bDirectConnectOutbound",
    "automaticUserConsentSettings",
    "tenantRestrictions",
    "invitationRedemptionIdentityProviderConfiguration",
    "appServiceConnectInbound",
    "m365CollaborationInbound",
    "m365CollaborationOutbound",
];

const PARTNER_CONFIG_V1: &[&str] = &[
    "tenantId",
    "isServiceProvider",
    "isInMultiTenantOrganization",
    "inboundTrust",
    "b2bCollaborationInbound",
    "b2bCollaborationOutbound",
    "b2bDirectConnectInbound",
    "b2bDirectConnectOutbound",
    "automaticUserConsentSettings",
    "tenantRestrictions",
    "identitySynchronization",
];
const NONE: &[&str] = &[];

/// The partner configurations.
pub const PARTNERS: &str = "/policies/crossTenantAccessPolicy/partners";
/// One partner configuration.
pub const PARTNER_CONFIG: &str = "/policies/crossTenantAccessPolicy/partners/{tenantId}";
/// A partner's identity synchronization policy.
pub const PARTNER_SYNC: &str =
    "/policies/crossTenantAccessPolicy/partners/{tenantId}/identitySynchronization";
/// The multitenant organization's identity synchronization template.
pub const TEMPLATE_SYNC: &str =
    "/policies/crossTenantAccessPolicy/templates/multiTenantOrganizationIdentitySynchronization";

/// Everything the fake serves.
pub static RESOURCES: &[Resource] = &[
    Resource {
        path: PARTNERS,
        type_name: "microsoft.graph.crossTenantAccessPolicyConfigurationPartner",
        versions: &[
            (ApiVersion::V1, PARTNER_CONFIG_V1),
            (ApiVersion::Beta, PARTNER_CONFIG_V1),
        ],
        kind: Kind::Collection {
            item: PARTNER_CONFIG,
            expand: &[("identitySynchronization", PARTNER_SYNC)],
        },
        methods: &["GET"],
        key_property: None,
        seeds: seeds::nothing,
    },
    Resource {
        path: PARTNER_CONFIG,
        type_name: "microsoft.graph.crossTenantAccessPolicyConfigurationPartner",
        versions: &[
            (ApiVersion::V1, PARTNER_CONFIG_V1),
            (ApiVersion::Beta, PARTNER_CONFIG_V1),
        ],
        kind: Kind::Entity { parent: None },
        methods: &["GET"],
        key_property: Some("tenantId"),
        seeds: seeds::partner_configurations,
    },
    Resource {
        path: PARTNER_SYNC,
        type_name: "microsoft.graph.crossTenantIdentitySyncPolicyPartner",
        versions: &[
            (ApiVersion::V1, PARTNER_V1),
            (ApiVersion::Beta, PARTNER_BETA),
        ],
        kind: Kind::Entity {
            parent: Some(PARTNER_CONFIG),
        },
        methods: &["GET", "PUT", "DELETE"],
        key_property: Some("tenantId"),
        seeds: seeds::partners,
    },
    Resource {
        path: "/policies/crossTenantAccessPolicy/partners/{tenantId}/identitySynchronization/microsoft.graph.restore",
        type_name: "microsoft.graph.crossTenantIdentitySyncPolicyPartner",
        versions: &[(ApiVersion::Beta, NONE)],
        kind: Kind::Restore {
            target: PARTNER_SYNC,
        },
        methods: &["POST"],
        key_property: None,
        seeds: seeds::nothing,
    },
    Resource {
        path: TEMPLATE_SYNC,
        type_name: "microsoft.graph.multiTenantOrganizationIdentitySyncPolicyTemplate",
        versions: &[(ApiVersion::V1, TEMPLATE), (ApiVersion::Beta, TEMPLATE)],
        kind: Kind::Entity { parent: None },
        methods: &["GET", "PATCH"],
        key_property: None,
        seeds: seeds::templates,
    },
    Resource {
        path: "/policies/crossTenantAccessPolicy/templates/multiTenantOrganizationIdentitySynchronization/microsoft.graph.resetToDefaultSettings",
        type_name: "microsoft.graph.multiTenantOrganizationIdentitySyncPolicyTemplate",
        versions: &[(ApiVersion::Beta, NONE)],
        kind: Kind::Reset {
            target: TEMPLATE_SYNC,
        },
        methods: &["POST"],
        key_property: None,
        seeds: seeds::nothing,
    },
    Resource {
        path: "/policies/crossTenantAccessPolicy/default",
        type_name: "microsoft.graph.crossTenantAccessPolicyConfigurationDefault",
        versions: &[(ApiVersion::V1, DEFAULT), (ApiVersion::Beta, DEFAULT)],
        kind: Kind::Entity { parent: None },
        methods: &["GET"],
        key_property: None,
        seeds: seeds::default_policies,
    },
];

impl Resource {
    /// The properties `version` has, or `None` when the resource is not in that version.
    pub fn properties(&self, version: ApiVersion) -> Option<&'static [&'static str]> {
        self.versions
            .iter()
            .find(|(v, _)| *v == version)
            .map(|(_, properties)| *properties)
    }

    /// Whether a concrete path (under the version) is this resource, and its key if keyed.
    pub(crate) fn matches(&self, path: &str) -> Option<String> {
        let pattern = segments(self.path);
        let given = segments(path);
        if pattern.len() != given.len() {
            return None;
        }
        let mut key = String::new();
        for (p, g) in pattern.iter().zip(&given) {
            if is_key(p) {
                if g.is_empty() {
                    return None;
                }
                key = g.to_ascii_lowercase();
            } else if p != g {
                return None;
            }
        }
        Some(key)
    }

    /// The OData path of one entity: `policies/…/partners('key')/identitySynchronization`.
    pub(crate) fn odata_path(&self, key: &str) -> String {
        let mut out = String::new();
        for segment in segments(self.path) {
            if is_key(segment) {
                out.push_str(&format!("('{key}')"));
            } else {
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(segment);
            }
        }
        out
    }

    /// The key a stored body goes under.
    pub(crate) fn key_of(&self, body: &Value) -> String {
        match self.key_property.map(|p| &body[p]) {
            None => String::new(),
            Some(Value::String(id)) => id.to_ascii_lowercase(),
            // A wrongly typed key is stored under its JSON text, so such bodies can be served.
            Some(other) => other.to_string(),
        }
    }
}

fn segments(path: &str) -> Vec<&str> {
    path.trim_start_matches('/').split('/').collect()
}

fn is_key(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

/// The resource of the table with this path template.
pub(crate) fn by_path(template: &str) -> Option<&'static Resource> {
    RESOURCES.iter().find(|r| r.path == template)
}

/// The resource a concrete path is, and its key.
pub(crate) fn find(path: &str) -> Option<(&'static Resource, String)> {
    RESOURCES
        .iter()
        .find_map(|r| r.matches(path).map(|key| (r, key)))
}

/// The segment Graph would name in its "Resource not found for the segment" message: the
/// first one that no resource's path accepts.
pub(crate) fn unknown_segment(path: &str) -> String {
    let mut parts = path.trim_start_matches('/').split('/');
    let version = parts.next().unwrap_or_default();
    if !ApiVersion::ALL.iter().any(|v| v.segment() == version) {
        return version.to_owned();
    }
    let rest: Vec<&str> = parts.collect();
    let mut candidates: Vec<Vec<&str>> = RESOURCES.iter().map(|r| segments(r.path)).collect();
    for (i, segment) in rest.iter().enumerate() {
        candidates.retain(|t| t.get(i).is_some_and(|p| is_key(p) || p == segment));
        if candidates.is_empty() {
            return (*segment).to_owned();
        }
    }
    rest.last().copied().unwrap_or(version).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_first_segment_no_resource_accepts() {
        assert_eq!(unknown_segment("/v1.0/policies/nope/x"), "nope");
        assert_eq!(unknown_segment("/v2.0/policies"), "v2.0");
        assert_eq!(
            unknown_segment("/beta/policies/crossTenantAccessPolicy/partners/abc/other"),
            "other"
        );
        assert_eq!(
            unknown_segment("/beta/policies/crossTenantAccessPolicy"),
            "crossTenantAccessPolicy"
        );
    }

    #[test]
    fn a_keyed_path_matches_with_its_key_lowercased() {
        let Some(partner) = by_path(PARTNER_SYNC) else {
            panic!("the partner resource is in the table");
        };
        assert_eq!(
            partner
                .matches("/policies/crossTenantAccessPolicy/partners/ABC/identitySynchronization")
                .as_deref(),
            Some("abc")
        );
        assert_eq!(
            partner.matches("/policies/crossTenantAccessPolicy/partners//identitySynchronization"),
            None
        );
        assert_eq!(
            partner.odata_path("abc"),
            "policies/crossTenantAccessPolicy/partners('abc')/identitySynchronization"
        );
    }

    #[test]
    fn every_seed_holds_only_properties_its_version_has() {
        for resource in RESOURCES {
            for version in ApiVersion::ALL {
                let Some(properties) = resource.properties(version) else {
                    continue;
                };
                for seed in (resource.seeds)(version) {
                    let Value::Object(seed) = seed else {
                        panic!("{} seeds an object", resource.path);
                    };
                    for name in seed.keys() {
                        assert!(
                            properties.contains(&name.as_str()),
                            "{} {version}: {name} is not a property",
                            resource.path
                        );
                    }
                }
            }
        }
    }
}
