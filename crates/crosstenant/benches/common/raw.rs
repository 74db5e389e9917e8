//! The baseline the facade is measured against: plain reqwest + serde_json making the same HTTP
//! call a careful hand-written client would (shared by the loopback benchmark and `loadgen`).

use std::time::Duration;

use serde::de::DeserializeOwned;

const PARTNER: &str = "policies/crossTenantAccessPolicy/partners";
const TEMPLATE: &str =
    "policies/crossTenantAccessPolicy/templates/multiTenantOrganizationIdentitySynchronization";

/// Plain reqwest, configured as the facade configures it (User-Agent, timeout, no redirects).
#[derive(Clone, Debug)]
pub(crate) struct RawClient {
    http: reqwest::Client,
    /// `{base_url}/{api version}`.
    base: String,
    authorization: String,
}

impl RawClient {
    pub(crate) fn new(base_url: &str, api_version: &str, token: &str) -> reqwest::Result<Self> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("crosstenant/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(Self {
            http,
            base: format!("{}/{api_version}", base_url.trim_end_matches('/')),
            authorization: format!("Bearer {token}"),
        })
    }

    /// GET a partner's policy and decode it into `T`.
    pub(crate) async fn partner<T: DeserializeOwned>(&self, tenant: &str) -> Result<T, String> {
        self.get(format!(
            "{}/{PARTNER}/{tenant}/identitySynchronization",
            self.base
        ))
        .await
    }

    /// GET the template and decode it into `T`.
    pub(crate) async fn template<T: DeserializeOwned>(&self) -> Result<T, String> {
        self.get(format!("{}/{TEMPLATE}", self.base)).await
    }

    /// The same headers the facade sends: token, Accept, a fresh client-request-id, and the
    /// Prefer that asks Graph for enum members newer than the client.
    async fn get<T: DeserializeOwned>(&self, url: String) -> Result<T, String> {
        let response = self
            .http
            .get(url)
            .header(reqwest::header::AUTHORIZATION, &self.authorization)
            .header(reqwest::header::ACCEPT, "application/json")
            .header("client-request-id", uuid::Uuid::new_v4().to_string())
            .header("prefer", "include-unknown-enum-members")
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("status {}", response.status()));
        }
        let body = response.bytes().await.map_err(|e| e.to_string())?;
        serde_json::from_slice(&body).map_err(|e| e.to_string())
    }
}
