//! Graph API versions, as types: a client's version decides the models its calls return.

use std::fmt;
use std::future::Future;

use crosstenant_api::CommaSeparated;
use serde::de::DeserializeOwned;

use crate::TenantId;
use crate::models::{beta, v1};

/// What a generated call returns before the facade maps its error.
pub(crate) type ApiResult<T> =
    Result<T, crosstenant_api::Error<crosstenant_api::types::ODataError>>;

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::V1 {}
    impl Sealed for super::Beta {}
}

/// Graph v1.0, the default: the stable API.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct V1;

/// Graph beta: newer properties, subject to change.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Beta;

/// A Graph API version ([`V1`] or [`Beta`]) and the models it returns.
///
/// A [`Client<V>`](crate::Client) returns `V`'s models, so a beta-only property can only be
/// read from a beta client, and `$select` accepts only that version's property names.
///
/// ```
/// use crosstenant::{Beta, Client, StaticToken};
/// use crosstenant::models::beta::PartnerField;
///
/// # fn f() -> Result<(), crosstenant::Error> {
/// let client = Client::builder().credential(StaticToken::new("t")).build()?;
/// let beta: Client<Beta> = client.beta();
/// # let tenant = "9c5d131d-b1c3-4fc4-9e3f-c6557947d551".parse()?;
/// let request = beta.partner_identity_sync(tenant).select([PartnerField::GroupSyncInbound]);
/// # let _ = request;
/// # Ok(()) }
/// ```
///
/// The same selection on a v1.0 client does not compile: `groupSyncInbound` is beta's.
///
/// ```compile_fail
/// use crosstenant::{Client, StaticToken};
/// use crosstenant::models::beta::PartnerField;
///
/// # fn f() -> Result<(), crosstenant::Error> {
/// let client = Client::builder().credential(StaticToken::new("t")).build()?;
/// # let tenant = "9c5d131d-b1c3-4fc4-9e3f-c6557947d551".parse()?;
/// let request = client.partner_identity_sync(tenant).select([PartnerField::GroupSyncInbound]);
/// # let _ = request;
/// # Ok(()) }
/// ```
pub trait ApiVersion: sealed::Sealed + Copy + Default + fmt::Debug + Send + Sync + 'static {
    /// The path segment: `v1.0` or `beta`.
    const SEGMENT: &'static str;

    /// A partner's identity synchronization policy in this version.
    type PartnerIdentitySync: DeserializeOwned + fmt::Debug + fmt::Display + Send + 'static;
    /// The properties of [`Self::PartnerIdentitySync`] that `$select` can name.
    type PartnerField: Copy + fmt::Display + fmt::Debug + PartialEq + Send + Sync + 'static;
    /// The multitenant organization's identity synchronization template in this version.
    type TemplateIdentitySync: DeserializeOwned + fmt::Debug + fmt::Display + Send + 'static;
    /// The properties of [`Self::TemplateIdentitySync`] that `$select` can name.
    type TemplateField: Copy + fmt::Display + fmt::Debug + PartialEq + Send + Sync + 'static;

    #[doc(hidden)]
    fn get_partner(
        api: crosstenant_api::Client,
        tenant: TenantId,
        select: CommaSeparated<Self::PartnerField>,
    ) -> impl Future<Output = ApiResult<Self::PartnerIdentitySync>> + Send;

    #[doc(hidden)]
    fn get_template(
        api: crosstenant_api::Client,
        select: CommaSeparated<Self::TemplateField>,
    ) -> impl Future<Output = ApiResult<Self::TemplateIdentitySync>> + Send;
}

/// Routes each call to its version's generated operation (`…_v1`, `…_beta`).
macro_rules! api_version {
    ($version:ty, $segment:literal, $models:ident, $get_partner:ident, $get_template:ident) => {
        impl ApiVersion for $version {
            const SEGMENT: &'static str = $segment;
            type PartnerIdentitySync = $models::PartnerIdentitySync;
            type PartnerField = $models::PartnerField;
            type TemplateIdentitySync = $models::TemplateIdentitySync;
            type TemplateField = $models::TemplateField;

            async fn get_partner(
                api: crosstenant_api::Client,
                tenant: TenantId,
                select: CommaSeparated<Self::PartnerField>,
            ) -> ApiResult<Self::PartnerIdentitySync> {
                let call = api
                    .$get_partner()
                    .tenant_id(tenant.to_string())
                    .select(select);
                call.send()
                    .await
                    .map(crosstenant_api::ResponseValue::into_inner)
            }

            async fn get_template(
                api: crosstenant_api::Client,
                select: CommaSeparated<Self::TemplateField>,
            ) -> ApiResult<Self::TemplateIdentitySync> {
                let call = api.$get_template().select(select);
                call.send()
                    .await
                    .map(crosstenant_api::ResponseValue::into_inner)
            }
        }
    };
}

api_version!(
    V1,
    "v1.0",
    v1,
    get_partner_identity_sync_v1,
    get_mto_identity_sync_template_v1
);
api_version!(
    Beta,
    "beta",
    beta,
    get_partner_identity_sync_beta,
    get_mto_identity_sync_template_beta
);
