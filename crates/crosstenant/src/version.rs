//! Graph API versions, as types: a client's version decides the models its calls return.

use std::fmt;

impl crate::operation::private::Sealed for V1 {}
impl crate::operation::private::Sealed for Beta {}

/// Graph v1.0, the default: the stable API.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct V1;

/// Graph beta: newer properties, subject to change.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Beta;

/// A Graph API version ([`V1`] or [`Beta`]).
///
/// A [`Client<V>`](crate::Client) returns `V`'s models, so a beta-only property can only be
/// read from a beta client, `$select` accepts only that version's property names, and an
/// operation only beta has is a method of `Client<Beta>` alone.
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
///
/// An operation only beta has is not a method of a v1.0 client at all:
///
/// ```
/// # fn f(client: crosstenant::Client, tenant: crosstenant::TenantId) {
/// let restore = client.beta().restore_partner_identity_sync(tenant);
/// # let _ = restore; }
/// ```
///
/// ```compile_fail
/// # fn f(client: crosstenant::Client, tenant: crosstenant::TenantId) {
/// let restore = client.restore_partner_identity_sync(tenant); // v1.0 has no restore
/// # let _ = restore; }
/// ```
pub trait ApiVersion:
    crate::operation::private::Sealed
    + crate::generated::Common
    + Copy
    + Default
    + fmt::Debug
    + Send
    + Sync
    + 'static
{
    /// The path segment: `v1.0` or `beta`.
    const SEGMENT: &'static str;
}

impl ApiVersion for V1 {
    const SEGMENT: &'static str = "v1.0";
}

impl ApiVersion for Beta {
    const SEGMENT: &'static str = "beta";
}
