//! One token per client, fetched once and refreshed before it expires.

use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderValue;

use crate::Error;
use crate::credential::TokenCredential;

/// Tokens are refreshed this long before they expire, so a call never leaves with a token
/// that expires on the way (Azure's SDKs use the same margin).
const REFRESH_BEFORE: Duration = Duration::from_secs(5 * 60);

/// The cached `Authorization` header of a client (shared by its clones).
#[derive(Debug)]
pub(crate) struct TokenCache {
    credential: Arc<dyn TokenCredential>,
    scope: &'static str,
    current: RwLock<Option<Cached>>,
    /// Held while fetching, so concurrent calls wait for one refresh instead of each starting one.
    refreshing: tokio::sync::Mutex<()>,
}

#[derive(Clone, Debug)]
struct Cached {
    header: HeaderValue,
    refresh_at: SystemTime,
}

impl TokenCache {
    pub(crate) fn new(credential: Arc<dyn TokenCredential>, scope: &'static str) -> Self {
        Self {
            credential,
            scope,
            current: RwLock::new(None),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    /// The `Authorization` header value to send now (marked sensitive: it never shows in
    /// `Debug` output).
    pub(crate) async fn authorization(&self) -> Result<HeaderValue, Error> {
        if let Some(header) = self.fresh() {
            return Ok(header);
        }
        let _one_refresh = self.refreshing.lock().await;
        if let Some(header) = self.fresh() {
            return Ok(header);
        }
        let token = self
            .credential
            .get_token(&[self.scope])
            .await
            .map_err(|e| {
                let (message, source) = e.into_parts();
                Error::Authentication {
                    scope: self.scope.to_string(),
                    message,
                    source,
                }
            })?;
        let mut header =
            HeaderValue::try_from(format!("Bearer {}", token.secret())).map_err(|_| {
                Error::Authentication {
                scope: self.scope.to_string(),
                message:
                    "the credential returned a token with characters an HTTP header cannot carry"
                        .into(),
                source: None,
            }
            })?;
        header.set_sensitive(true);
        let cached = Cached {
            header: header.clone(),
            refresh_at: refresh_at(token.expires_on(), SystemTime::now()),
        };
        if let Ok(mut current) = self.current.write() {
            *current = Some(cached);
        }
        Ok(header)
    }

    fn fresh(&self) -> Option<HeaderValue> {
        let current = self.current.read().ok()?;
        let cached = current.as_ref()?;
        (SystemTime::now() < cached.refresh_at).then(|| cached.header.clone())
    }
}

/// When to fetch the next token: [`REFRESH_BEFORE`] ahead of expiry, or halfway through the
/// lifetime of a token that lives shorter than that.
fn refresh_at(expires_on: SystemTime, now: SystemTime) -> SystemTime {
    let Ok(lifetime) = expires_on.duration_since(now) else {
        return now;
    };
    if lifetime > REFRESH_BEFORE * 2 {
        expires_on - REFRESH_BEFORE
    } else {
        now + lifetime / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refreshes_ahead_of_expiry() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let hour = Duration::from_secs(3600);
        assert_eq!(refresh_at(now + hour, now), now + hour - REFRESH_BEFORE);
        assert_eq!(
            refresh_at(now + Duration::from_secs(120), now),
            now + Duration::from_secs(60)
        );
        assert_eq!(refresh_at(now - hour, now), now);
    }
}
