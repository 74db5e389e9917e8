//! The fake's own knowledge of Graph's metadata, kept independent of the SDK
//! so that the SDK's model cannot silently agree with itself.

use crate::ApiVersion;

/// A resource the mock serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Resource {
    Partner,
    Template,
}

impl Resource {
    pub(crate) fn type_name(self) -> &'static str {
        match self {
            Resource::Partner => "microsoft.graph.crossTenantIdentitySyncPolicyPartner",
            Resource::Template => {
                "microsoft.graph.multiTenantOrganizationIdentitySyncPolicyTemplate"
            }
        }
    }

    pub(crate) fn properties(self, version: ApiVersion) -> &'static [&'static str] {
        match (self, version) {
            (Resource::Partner, ApiVersion::V1) => &["tenantId", "displayName", "userSyncInbound"],
            (Resource::Partner, ApiVersion::Beta) => &[
                "tenantId",
                "displayName",
                "userSyncInbound",
                "groupSyncInbound",
                "externalCloudAuthorizedApplicationId",
                "deletedDateTime",
            ],
            (Resource::Template, _) => &["id", "templateApplicationLevel", "userSyncInbound"],
        }
    }
}

/// Path templates under a version segment; `*` matches any one segment.
pub(crate) const KNOWN_PATHS: &[&[&str]] = &[
    &[
        "policies",
        "crossTenantAccessPolicy",
        "partners",
        "*",
        "identitySynchronization",
    ],
    &[
        "policies",
        "crossTenantAccessPolicy",
        "templates",
        "multiTenantOrganizationIdentitySynchronization",
    ],
];

/// The segment Graph would name in its "Resource not found" message: the
/// first one that no known path accepts.
pub(crate) fn unknown_segment(path: &str) -> String {
    let mut segments = path.trim_start_matches('/').split('/');
    let version = segments.next().unwrap_or_default();
    if !ApiVersion::ALL.iter().any(|v| v.segment() == version) {
        return version.to_owned();
    }
    let rest: Vec<&str> = segments.collect();
    let mut candidates = KNOWN_PATHS.to_vec();
    for (i, segment) in rest.iter().enumerate() {
        candidates.retain(|t| t.get(i).is_some_and(|p| *p == "*" || p == segment));
        if candidates.is_empty() {
            return (*segment).to_owned();
        }
    }
    rest.last().copied().unwrap_or(version).to_owned()
}

#[cfg(test)]
mod tests {
    use super::unknown_segment;

    #[test]
    fn names_the_first_segment_no_route_accepts() {
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
}
