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

#[cfg(test)]
mod tests {
    //! The adapter driven through `azure_core`'s trait by a credential of the test's own.

    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Mutex;
    use std::time::Duration;

    use azure_core::credentials::{AccessToken as AzureToken, TokenRequestOptions};
    use azure_core::error::{Error as AzureError, ErrorKind};
    use azure_core::time::OffsetDateTime;

    use super::*;

    /// Answers with a fixed token (or an error), recording the scopes asked for.
    #[derive(Debug)]
    struct Fixed {
        answer: Result<(&'static str, OffsetDateTime), &'static str>,
        scopes: Mutex<Vec<String>>,
    }

    // What `#[async_trait]` expands `async fn get_token` to, written out to spare a dependency.
    impl azure_core::credentials::TokenCredential for Fixed {
        fn get_token<'s, 'a, 'b, 'o, 'f>(
            &'s self,
            scopes: &'a [&'b str],
            _options: Option<TokenRequestOptions<'o>>,
        ) -> Pin<Box<dyn Future<Output = azure_core::Result<AzureToken>> + Send + 'f>>
        where
            's: 'f,
            'a: 'f,
            'b: 'f,
            'o: 'f,
        {
            Box::pin(async move {
                if let Ok(mut seen) = self.scopes.lock() {
                    seen.extend(scopes.iter().map(|s| s.to_string()));
                }
                match self.answer {
                    Ok((token, expires_on)) => Ok(AzureToken::new(token, expires_on)),
                    Err(why) => Err(AzureError::with_message(ErrorKind::Credential, why)),
                }
            })
        }
    }

    fn adapter(
        answer: Result<(&'static str, OffsetDateTime), &'static str>,
    ) -> (Arc<Fixed>, AzureIdentityCredential) {
        let fixed = Arc::new(Fixed {
            answer,
            scopes: Mutex::new(Vec::new()),
        });
        (fixed.clone(), AzureIdentityCredential::new(fixed))
    }

    #[tokio::test]
    async fn passes_the_scope_and_returns_the_token_with_its_expiry() -> Result<(), CredentialError>
    {
        let expires_on = OffsetDateTime::from_unix_timestamp(1_900_000_000)
            .map_err(|e| CredentialError::with_source("test date", e))?;
        let (fixed, adapter) = adapter(Ok(("eyJ0eXAi.azure", expires_on)));
        let token = adapter
            .get_token(&["https://graph.microsoft.us/.default"])
            .await?;
        assert_eq!(token.secret(), "eyJ0eXAi.azure");
        assert_eq!(
            token.expires_on(),
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_900_000_000)
        );
        let scopes = fixed.scopes.lock().map(|s| s.clone()).unwrap_or_default();
        assert_eq!(scopes, ["https://graph.microsoft.us/.default"]);
        assert!(!format!("{token:?}").contains("eyJ0eXAi"));
        Ok(())
    }

    #[tokio::test]
    async fn a_failure_says_where_it_came_from_and_keeps_the_cause() {
        let (_, adapter) = adapter(Err("AADSTS7000215: invalid client secret"));
        let Err(err) = adapter.get_token(&["scope"]).await else {
            panic!("expected an error");
        };
        assert_eq!(err.to_string(), "azure_identity could not get a token");
        let cause = std::error::Error::source(&err).map(|s| s.to_string());
        assert!(
            cause
                .as_deref()
                .is_some_and(|c| c.contains("AADSTS7000215")),
            "{cause:?}"
        );
    }
}
