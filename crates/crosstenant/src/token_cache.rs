//! One token per client, fetched once and refreshed before it expires.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderValue;
// tokio's clock, not the system's: it is monotonic, and tests pause and advance it to reach
// the refresh and expiry times without waiting for them.
use tokio::time::Instant;

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
    /// The longest a credential may take to answer.
    timeout: Duration,
    current: RwLock<Option<Cached>>,
    /// Counts fetches, so a caller can tell whether one finished while it waited.
    fetches: AtomicU64,
    /// Held while fetching, so concurrent calls wait for one fetch instead of each starting
    /// one; it holds why the last fetch failed, so those who waited share the failure instead
    /// of each trying again in turn.
    fetching: tokio::sync::Mutex<Option<String>>,
}

#[derive(Clone, Debug)]
struct Cached {
    header: HeaderValue,
    refresh_at: Instant,
    expires_at: Instant,
}

/// After a refresh ahead of expiry fails, the next attempt waits this long (or half the
/// time left), using the still-valid token meanwhile.
const RETRY_REFRESH_AFTER: Duration = Duration::from_secs(30);

impl TokenCache {
    pub(crate) fn new(
        credential: Arc<dyn TokenCredential>,
        scope: &'static str,
        timeout: Duration,
    ) -> Self {
        Self {
            credential,
            scope,
            timeout,
            current: RwLock::new(None),
            fetches: AtomicU64::new(0),
            fetching: tokio::sync::Mutex::new(None),
        }
    }

    /// The `Authorization` header value to send now (marked sensitive: it never shows in
    /// `Debug` output).
    pub(crate) async fn authorization(&self) -> Result<HeaderValue, Error> {
        if let Some(header) = self.cached() {
            return Ok(header);
        }
        let before = self.fetches.load(Ordering::Acquire);
        let mut last_failure = self.fetching.lock().await;
        if let Some(header) = self.cached() {
            return Ok(header);
        }
        // A fetch finished while this caller waited, and failed: share its answer.
        if self.fetches.load(Ordering::Acquire) != before
            && let Some(message) = last_failure.as_ref()
        {
            return Err(self.failed(message.clone(), None));
        }
        let fetched = self.fetch().await;
        self.fetches.fetch_add(1, Ordering::AcqRel);
        match fetched {
            Ok(header) => {
                *last_failure = None;
                Ok(header)
            }
            Err(e) => match self.postpone_refresh() {
                // The refresh ahead of expiry failed, but the token works until it expires.
                Some(header) => {
                    tracing::warn!(error = %e, "token refresh failed; using the current token until it expires");
                    *last_failure = None;
                    Ok(header)
                }
                None => {
                    // The credential's own words, so waiters' errors read like the first one.
                    *last_failure = Some(match &e {
                        Error::Authentication { message, .. } => message.clone(),
                        other => other.to_string(),
                    });
                    Err(e)
                }
            },
        }
    }

    /// After a failed refresh: the still-valid token, with the next refresh put off a while.
    fn postpone_refresh(&self) -> Option<HeaderValue> {
        let mut current = self.current.write().ok()?;
        let cached = current.as_mut()?;
        let now = Instant::now();
        let left = cached.expires_at.checked_duration_since(now)?;
        cached.refresh_at = now + RETRY_REFRESH_AFTER.min(left / 2);
        Some(cached.header.clone())
    }

    /// Forgets the token, so the next call fetches a new one (after Graph refused it).
    pub(crate) fn invalidate(&self) {
        if let Ok(mut current) = self.current.write() {
            *current = None;
        }
    }

    async fn fetch(&self) -> Result<HeaderValue, Error> {
        let token = match tokio::time::timeout(
            self.timeout,
            self.credential.get_token(&[self.scope]),
        )
        .await
        {
            Ok(Ok(token)) => token,
            Ok(Err(e)) => {
                let (message, source) = e.into_parts();
                return Err(self.failed(message, source));
            }
            Err(_) => {
                return Err(self.failed(
                    format!("the credential did not answer within {:?}", self.timeout),
                    None,
                ));
            }
        };
        let mut header =
            HeaderValue::try_from(format!("Bearer {}", token.secret())).map_err(|_| {
                self.failed(
                    "the credential returned a token with characters an HTTP header cannot carry"
                        .into(),
                    None,
                )
            })?;
        header.set_sensitive(true);
        // The credential says when in wall-clock time; from here on it is a lifetime.
        let lifetime = token
            .expires_on()
            .duration_since(SystemTime::now())
            .unwrap_or_default();
        let now = Instant::now();
        let cached = Cached {
            header: header.clone(),
            refresh_at: now + refresh_after(lifetime),
            expires_at: now + lifetime,
        };
        if let Ok(mut current) = self.current.write() {
            *current = Some(cached);
        }
        Ok(header)
    }

    fn failed(
        &self,
        message: String,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Error {
        Error::Authentication {
            scope: self.scope.to_string(),
            message,
            source,
        }
    }

    /// The cached header while it is not yet time to refresh it.
    fn cached(&self) -> Option<HeaderValue> {
        let current = self.current.read().ok()?;
        let cached = current.as_ref()?;
        (Instant::now() < cached.refresh_at).then(|| cached.header.clone())
    }
}

/// How long after fetching a token living `lifetime` to fetch the next: [`REFRESH_BEFORE`]
/// ahead of expiry, or halfway through the lifetime of a token that lives shorter than twice
/// that.
fn refresh_after(lifetime: Duration) -> Duration {
    if lifetime > REFRESH_BEFORE * 2 {
        lifetime - REFRESH_BEFORE
    } else {
        lifetime / 2
    }
}

#[cfg(test)]
mod tests {
    //! On tokio's paused clock: refresh and expiry times are reached by advancing it.

    use super::*;
    use crate::test_util::{Answer, ScriptedCredential};
    use tokio::time::advance;

    const HOUR: Duration = Duration::from_secs(3600);
    const SECOND: Duration = Duration::from_secs(1);

    fn cache(credential: &Arc<ScriptedCredential>) -> TokenCache {
        TokenCache::new(credential.clone(), "scope", HOUR)
    }

    #[tokio::test(start_paused = true)]
    async fn callers_waiting_on_a_failed_fetch_share_its_failure() {
        let credential = ScriptedCredential::delayed(
            Duration::from_millis(500),
            [Answer::Fail("tenant not found")],
        );
        let cache = Arc::new(cache(&credential));
        let calls: Vec<_> = (0..4)
            .map(|_| {
                let cache = Arc::clone(&cache);
                tokio::spawn(async move { cache.authorization().await })
            })
            .collect();
        for call in calls {
            let outcome = call.await.map_err(|e| e.to_string());
            assert!(
                matches!(&outcome, Ok(Err(Error::Authentication { message, .. })) if message == "tenant not found"),
                "{outcome:?}"
            );
        }
        assert_eq!(
            credential.calls(),
            1,
            "one fetch for all four waiting callers"
        );
        // A later call tries again rather than repeating an old failure forever.
        assert!(cache.authorization().await.is_err());
        assert_eq!(credential.calls(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_credential_that_never_answers_times_out() {
        let credential = ScriptedCredential::delayed(24 * HOUR, [Answer::Token(HOUR)]);
        let cache = TokenCache::new(credential, "scope", Duration::from_secs(30));
        let started = Instant::now();
        let Err(Error::Authentication { message, .. }) = cache.authorization().await else {
            panic!("expected an authentication error");
        };
        assert!(message.contains("did not answer within 30s"), "{message}");
        assert_eq!(started.elapsed(), Duration::from_secs(30));
    }

    #[tokio::test(start_paused = true)]
    async fn the_header_is_marked_sensitive_so_debug_output_hides_it() -> Result<(), Error> {
        let credential = ScriptedCredential::new([Answer::Secret("s3cr3t-token", HOUR)]);
        let header = cache(&credential).authorization().await?;
        assert!(header.is_sensitive());
        assert_eq!(header.to_str().ok(), Some("Bearer s3cr3t-token"));
        assert!(!format!("{header:?}").contains("s3cr3t"), "{header:?}");
        Ok(())
    }

    /// A token living `lifetime` is fetched again exactly `refreshed_after` later, not before.
    async fn refreshed_after(lifetime: Duration, refreshed_after: Duration) -> Result<(), Error> {
        let credential = ScriptedCredential::new([Answer::Token(lifetime)]);
        let cache = cache(&credential);
        cache.authorization().await?;
        advance(refreshed_after - SECOND).await;
        cache.authorization().await?;
        assert_eq!(credential.calls(), 1, "not yet");
        advance(SECOND).await;
        cache.authorization().await?;
        assert_eq!(credential.calls(), 2, "now");
        Ok(())
    }

    #[tokio::test(start_paused = true)]
    async fn a_token_is_refreshed_five_minutes_before_it_expires() -> Result<(), Error> {
        let credential = ScriptedCredential::new([Answer::Token(HOUR)]);
        let cache = cache(&credential);
        let first = cache.authorization().await?;
        advance(55 * 60 * SECOND - SECOND).await;
        assert_eq!(cache.authorization().await?, first);
        assert_eq!(credential.calls(), 1);
        advance(SECOND).await;
        assert_ne!(cache.authorization().await?, first);
        assert_eq!(credential.calls(), 2);
        Ok(())
    }

    #[tokio::test(start_paused = true)]
    async fn a_token_living_under_ten_minutes_is_refreshed_halfway() -> Result<(), Error> {
        // Eight minutes is under twice the margin: refreshing 5 min early would leave it little.
        refreshed_after(8 * 60 * SECOND, 4 * 60 * SECOND).await
    }

    #[tokio::test(start_paused = true)]
    async fn a_token_living_just_over_ten_minutes_is_refreshed_five_minutes_early()
    -> Result<(), Error> {
        // Halfway (5 min 1 s) would be too early; 5 min before expiry is 5 min 2 s.
        refreshed_after(10 * 60 * SECOND + 2 * SECOND, 5 * 60 * SECOND + 2 * SECOND).await
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_early_refresh_keeps_the_token_and_is_retried_30_seconds_later()
    -> Result<(), Error> {
        let credential = ScriptedCredential::new([
            Answer::Token(HOUR),
            Answer::Fail("identity provider down"),
            Answer::Token(HOUR),
        ]);
        let cache = cache(&credential);
        let first = cache.authorization().await?;
        advance(55 * 60 * SECOND).await;
        assert_eq!(
            cache.authorization().await?,
            first,
            "the valid token, not the failure"
        );
        assert_eq!(credential.calls(), 2);
        // Not tried on every call meanwhile.
        advance(29 * SECOND).await;
        assert_eq!(cache.authorization().await?, first);
        assert_eq!(credential.calls(), 2);
        advance(SECOND).await;
        assert_ne!(cache.authorization().await?, first);
        assert_eq!(credential.calls(), 3);
        Ok(())
    }

    #[tokio::test(start_paused = true)]
    async fn near_expiry_a_failed_refresh_is_retried_after_half_the_time_left() -> Result<(), Error>
    {
        // Lives 40 s: refreshed at 20 s; with 20 s left the retry comes 10 s later, not 30 s.
        let credential = ScriptedCredential::new([
            Answer::Token(40 * SECOND),
            Answer::Fail("identity provider down"),
            Answer::Token(HOUR),
        ]);
        let cache = cache(&credential);
        let first = cache.authorization().await?;
        advance(20 * SECOND).await;
        assert_eq!(cache.authorization().await?, first);
        advance(10 * SECOND - Duration::from_millis(1)).await;
        assert_eq!(cache.authorization().await?, first);
        assert_eq!(credential.calls(), 2);
        advance(Duration::from_millis(1)).await;
        assert_ne!(cache.authorization().await?, first);
        assert_eq!(credential.calls(), 3);
        Ok(())
    }

    #[tokio::test(start_paused = true)]
    async fn an_expired_token_is_never_used_when_its_refresh_fails() -> Result<(), Error> {
        let credential = ScriptedCredential::new([
            Answer::Token(40 * SECOND),
            Answer::Fail("identity provider down"),
        ]);
        let cache = cache(&credential);
        cache.authorization().await?;
        advance(40 * SECOND).await;
        let outcome = cache.authorization().await;
        assert!(
            matches!(outcome, Err(Error::Authentication { .. })),
            "{outcome:?}"
        );
        Ok(())
    }

    #[tokio::test(start_paused = true)]
    async fn an_invalidated_token_is_fetched_again() -> Result<(), Error> {
        let credential = ScriptedCredential::new([Answer::Token(HOUR)]);
        let cache = cache(&credential);
        let first = cache.authorization().await?;
        cache.invalidate();
        assert_ne!(cache.authorization().await?, first);
        assert_eq!(credential.calls(), 2);
        Ok(())
    }

    #[test]
    fn refreshes_ahead_of_expiry() {
        assert_eq!(refresh_after(HOUR), HOUR - REFRESH_BEFORE);
        assert_eq!(refresh_after(120 * SECOND), 60 * SECOND);
        assert_eq!(refresh_after(Duration::ZERO), Duration::ZERO);
    }
}
