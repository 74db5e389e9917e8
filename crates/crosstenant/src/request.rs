//! One request builder per operation: `client.operation(args).select(..).send().await`.

use crosstenant_api::CommaSeparated;

use crate::cloud::Availability;
use crate::send::Operation;
use crate::{ApiVersion, Client, Error, TenantId};

const PARTNER: Operation = Operation {
    name: "GET /policies/crossTenantAccessPolicy/partners/{tenantId}/identitySynchronization",
    availability: Availability::GLOBAL_AND_US_GOVERNMENT,
};

const TEMPLATE: Operation = Operation {
    name: "GET /policies/crossTenantAccessPolicy/templates/multiTenantOrganizationIdentitySynchronization",
    availability: Availability::GLOBAL_ONLY,
};

/// A request for a partner's identity synchronization policy; see
/// [`Client::partner_identity_sync`]. It holds its own handle on the client, so
/// `tokio::spawn(client.partner_identity_sync(tenant).send())` works as is.
#[derive(Debug)]
#[must_use = "a request does nothing until .send().await"]
pub struct PartnerIdentitySyncRequest<V: ApiVersion> {
    client: Client<V>,
    tenant: TenantId,
    select: Vec<V::PartnerField>,
}

impl<V: ApiVersion> PartnerIdentitySyncRequest<V> {
    pub(crate) fn new(client: Client<V>, tenant: TenantId) -> Self {
        Self {
            client,
            tenant,
            select: Vec::new(),
        }
    }

    /// Returns only these properties (`$select`); the others come back absent.
    ///
    /// ```no_run
    /// # async fn run(client: crosstenant::Client, tenant: crosstenant::TenantId) -> Result<(), crosstenant::Error> {
    /// use crosstenant::models::v1::PartnerField;
    ///
    /// let partner = client
    ///     .partner_identity_sync(tenant)
    ///     .select([PartnerField::TenantId, PartnerField::DisplayName])
    ///     .send()
    ///     .await?;
    /// assert!(partner.user_sync_inbound.is_none());
    /// # Ok(()) }
    /// ```
    pub fn select(mut self, fields: impl IntoIterator<Item = V::PartnerField>) -> Self {
        self.select.extend(fields);
        self
    }

    /// Sends the request (retrying as the client's policy says) and decodes the policy.
    pub async fn send(self) -> Result<V::PartnerIdentitySync, Error> {
        let select: CommaSeparated<_> = self.select.into_iter().collect();
        let tenant = self.tenant;
        self.client
            .execute(&PARTNER, |api| V::get_partner(api, tenant, select.clone()))
            .await
    }
}

/// A request for the multitenant organization's identity synchronization template; see
/// [`Client::mto_identity_sync_template`].
#[derive(Debug)]
#[must_use = "a request does nothing until .send().await"]
pub struct TemplateIdentitySyncRequest<V: ApiVersion> {
    client: Client<V>,
    select: Vec<V::TemplateField>,
}

impl<V: ApiVersion> TemplateIdentitySyncRequest<V> {
    pub(crate) fn new(client: Client<V>) -> Self {
        Self {
            client,
            select: Vec::new(),
        }
    }

    /// Returns only these properties (`$select`); the others come back absent.
    pub fn select(mut self, fields: impl IntoIterator<Item = V::TemplateField>) -> Self {
        self.select.extend(fields);
        self
    }

    /// Sends the request (retrying as the client's policy says) and decodes the template.
    pub async fn send(self) -> Result<V::TemplateIdentitySync, Error> {
        let select: CommaSeparated<_> = self.select.into_iter().collect();
        self.client
            .execute(&TEMPLATE, |api| V::get_template(api, select.clone()))
            .await
    }
}
