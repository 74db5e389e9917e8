//! The wire models: the types generated from Microsoft's OpenAPI, under names that read well.
//!
//! Every model keeps the properties this SDK does not know yet in its `extra` map, so nothing
//! Graph sends is lost. Each has a one-line `Display` summary.

pub use crosstenant_api::Nullable;
pub use crosstenant_api::flags::{ApplicationLevel, ParseLevelError, TemplateApplicationLevel};
pub use crosstenant_api::sync::CrossTenantUserSyncInbound as UserSyncInbound;
pub use crosstenant_api::types::{
    ErrorDetails, InnerError, MainError,
    MultiTenantOrganizationIdentitySyncPolicyTemplate as TemplateIdentitySync,
    MultiTenantOrganizationIdentitySyncPolicyTemplateProperty as TemplateField, ODataError,
};

/// Models of Graph v1.0.
pub mod v1 {
    pub use super::{TemplateField, TemplateIdentitySync};
    pub use crosstenant_api::types::{
        V1CrossTenantIdentitySyncPolicyPartner as PartnerIdentitySync,
        V1CrossTenantIdentitySyncPolicyPartnerProperty as PartnerField,
    };
}

/// Models of Graph beta: the partner policy has more properties than in v1.0.
pub mod beta {
    pub use super::{TemplateField, TemplateIdentitySync};
    pub use crosstenant_api::types::{
        BetaCrossTenantGroupSyncInbound as GroupSyncInbound,
        BetaCrossTenantIdentitySyncPolicyPartner as PartnerIdentitySync,
        BetaCrossTenantIdentitySyncPolicyPartnerProperty as PartnerField,
    };
}
