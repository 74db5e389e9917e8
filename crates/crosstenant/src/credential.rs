//! Where access tokens come from.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use secrecy::{ExposeSecret, SecretString};

/// A boxed future, as [`TokenCredential`] returns (object-safe async).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A source of Microsoft Entra access tokens for Graph.
///
/// The client asks for one scope, its cloud's `{graph}/.default`, caches the token and asks
/// again shortly before it expires; concurrent calls share one request. Implement it to plug
/// in any token source; with the `azure-identity` feature, `AzureIdentityCredential` adapts
/// the `azure_identity` credentials.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use crosstenant::credential::{AccessToken, BoxFuture, CredentialError, TokenCredential};
///
/// #[derive(Debug)]
/// struct FromVault;
///
/// impl TokenCredential for FromVault {
///     fn get_token<'a>(&'a self, _scopes: &'a [&'a str]) -> BoxFuture<'a, Result<AccessToken, CredentialError>> {
///         Box::pin(async {
///             let token = "eyJ0eXAi...".to_string(); // fetched from somewhere
///             Ok(AccessToken::new(token, SystemTime::now() + Duration::from_secs(3600)))
///         })
///     }
/// }
/// ```
pub trait TokenCredential: Send + Sync + fmt::Debug {
    /// Gets a token valid for `scopes`.
    fn get_token<'a>(
        &'a self,
        scopes: &'a [&'a str],
    ) -> BoxFuture<'a, Result<AccessToken, CredentialError>>;
}

/// An access token and when it expires. Its `Debug` output never shows the token.
#[derive(Clone)]
pub struct AccessToken {
    token: SecretString,
    expires_on: SystemTime,
}

impl AccessToken {
    /// A token valid until `expires_on`.
    pub fn new(token: impl Into<String>, expires_on: SystemTime) -> Self {
        Self {
            token: SecretString::from(token.into()),
            expires_on,
        }
    }

    /// The token itself; keep it out of logs.
    pub fn secret(&self) -> &str {
        self.token.expose_secret()
    }

    /// When the token expires.
    pub fn expires_on(&self) -> SystemTime {
        self.expires_on
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &"[redacted]")
            .field("expires_on", &self.expires_on)
            .finish()
    }
}

/// Why a credential could not produce a token.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct CredentialError {
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl CredentialError {
    /// An error with a message saying what went wrong.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            source: None,
        }
    }

    /// An error caused by another.
    pub fn with_source(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }

    pub(crate) fn into_parts(self) -> (String, Option<Box<dyn std::error::Error + Send + Sync>>) {
        (self.message, self.source)
    }
}

/// A token obtained elsewhere (for example `az account get-access-token`), used as is.
///
/// ```
/// let credential = crosstenant::StaticToken::new("eyJ0eXAi...");
/// assert!(!format!("{credential:?}").contains("eyJ0eXAi"));
/// ```
#[derive(Clone)]
pub struct StaticToken {
    token: AccessToken,
}

impl StaticToken {
    /// A token that is used until the process ends (Graph refuses it once it expires).
    pub fn new(token: impl Into<String>) -> Self {
        // About a century: the client never tries to refresh a static token.
        let forever = SystemTime::now() + Duration::from_secs(100 * 365 * 24 * 3600);
        Self {
            token: AccessToken::new(token, forever),
        }
    }

    /// A token the client knows expires at `expires_on`.
    pub fn expiring(token: impl Into<String>, expires_on: SystemTime) -> Self {
        Self {
            token: AccessToken::new(token, expires_on),
        }
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticToken")
            .field("token", &self.token)
            .finish()
    }
}

impl TokenCredential for StaticToken {
    fn get_token<'a>(
        &'a self,
        _scopes: &'a [&'a str],
    ) -> BoxFuture<'a, Result<AccessToken, CredentialError>> {
        let token = self.token.clone();
        Box::pin(async move { Ok(token) })
    }
}

#[cfg(feature = "azure-identity")]
pub use crate::azure::AzureIdentityCredential;
/// The `azure_identity` crate the adapter is built for (feature `azure-identity`).
#[cfg(feature = "azure-identity")]
pub use azure_identity;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_keeps_the_expiry_and_hides_the_token() {
        let expires_on = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_800_000_000);
        let token = StaticToken::expiring("eyJ.secret-token", expires_on);
        let printed = format!("{token:?}");
        assert!(!printed.contains("secret-token"), "{printed}");
        assert!(
            printed.starts_with("StaticToken { token: AccessToken {"),
            "{printed}"
        );
        assert!(printed.contains(r#"token: "[redacted]""#), "{printed}");
        assert!(
            printed.contains(&format!("expires_on: {expires_on:?}")),
            "{printed}"
        );
    }
}
