//! `azure_identity` credentials as a [`TokenCredential`] (feature `azure-identity`).

use std::sync::Arc;
use std::time::SystemTime;

use crate::credential::{AccessToken, BoxFuture, CredentialError, TokenCredential};

/// Any `azure_identity` credential (client secret, certificate, managed identity, Azure CLI,
/// …) as a [`TokenCredential`].
///
/// ```no_run
/// use crosstenant::{Client, credential::AzureIdentityCredential};
///
/// # fn run(azure: std::sync::Arc<dyn azure_core::credentials::TokenCredential>) -> Result<(), crosstenant::Error> {
/// // `azure` is, for example, `azure_identity::ClientSecretCredential::new(..)?`.
/// let client = Client::builder().credential(AzureIdentityCredential::new(azure)).build()?;
/// # let _ = client; Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct AzureIdentityCredential {
    inner: Arc<dyn azure_core::credentials::TokenCredential>,
}

impl AzureIdentityCredential {
    /// Wraps an `azure_identity` credential.
    pub fn new(inner: Arc<dyn azure_core::credentials::TokenCredential>) -> Self {
        Self { inner }
    }
}

impl TokenCredential for AzureIdentityCredential {
    fn get_token<'a>(
        &'a self,
        scopes: &'a [&'a str],
    ) -> BoxFuture<'a, Result<AccessToken, CredentialError>> {
        Box::pin(async move {
            let token = self.inner.get_token(scopes, None).await.map_err(|e| {
                CredentialError::with_source("azure_identity could not get a token", e)
            })?;
            let expires_on = SystemTime::from(token.expires_on);
            Ok(AccessToken::new(token.token.secret(), expires_on))
        })
    }
}
