//! One token per client, fetched once and refreshed before it expires.

use std::sync::atomic::{AtomicU64, Ordering};
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
    refresh_at: SystemTime,
    expires_on: SystemTime,
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
        if let Some(header) = self.cached(|c| c.refresh_at) {
            return Ok(header);
        }
        let before = self.fetches.load(Ordering::Acquire);
        let mut last_failure = self.fetching.lock().await;
        if let Some(header) = self.cached(|c| c.refresh_at) {
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
                    *last_failure = Some(e.to_string());
                    Err(e)
                }
            },
        }
    }

    /// After a failed refresh: the still-valid token, with the next refresh put off a while.
    fn postpone_refresh(&self) -> Option<HeaderValue> {
        let mut current = self.current.write().ok()?;
        let cached = current.as_mut()?;
        let now = SystemTime::now();
        let left = cached.expires_on.duration_since(now).ok()?;
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
        let now = SystemTime::now();
        let cached = Cached {
            header: header.clone(),
            refresh_at: refresh_at(token.expires_on(), now),
            expires_on: token.expires_on(),
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

    /// The cached header while `now` is before the time `until` picks.
    fn cached(&self, until: impl Fn(&Cached) -> SystemTime) -> Option<HeaderValue> {
        let current = self.current.read().ok()?;
        let cached = current.as_ref()?;
        (SystemTime::now() < until(cached)).then(|| cached.header.clone())
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
    use std::sync::Mutex;
    use std::sync::atomic::AtomicUsize;

    use super::*;
    use crate::credential::{AccessToken, BoxFuture, CredentialError};

    /// Answers each call with the next of `answers` (the last one repeats), after `delay`.
    #[derive(Debug)]
    struct Scripted {
        answers: Mutex<Vec<Result<Duration, &'static str>>>,
        delay: Duration,
        calls: AtomicUsize,
    }

    impl Scripted {
        fn new(delay: Duration, answers: Vec<Result<Duration, &'static str>>) -> Arc<Self> {
            Arc::new(Self {
                answers: Mutex::new(answers),
                delay,
                calls: AtomicUsize::new(0),
            })
        }
        fn calls(&self) -> usize {
            self.calls.load(Ordering::SeqCst)
        }
    }

    impl TokenCredential for Scripted {
        fn get_token<'a>(
            &'a self,
            _: &'a [&'a str],
        ) -> BoxFuture<'a, Result<AccessToken, CredentialError>> {
            Box::pin(async move {
                let n = self.calls.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(self.delay).await;
                let answer = self
                    .answers
                    .lock()
                    .map(|a| a[n.min(a.len() - 1)])
                    .unwrap_or(Err("poisoned"));
                match answer {
                    Ok(lifetime) => Ok(AccessToken::new(
                        format!("token-{n}"),
                        SystemTime::now() + lifetime,
                    )),
                    Err(why) => Err(CredentialError::new(why)),
                }
            })
        }
    }

    const HOUR: Duration = Duration::from_secs(3600);

    #[tokio::test(start_paused = true)]
    async fn callers_waiting_on_a_failed_fetch_share_its_failure() {
        let credential = Scripted::new(Duration::from_millis(500), vec![Err("tenant not found")]);
        let cache = Arc::new(TokenCache::new(credential.clone(), "scope", HOUR));
        let calls: Vec<_> = (0..4)
            .map(|_| {
                let cache = Arc::clone(&cache);
                tokio::spawn(async move { cache.authorization().await })
            })
            .collect();
        for call in calls {
            let outcome = call.await.map_err(|e| e.to_string());
            assert!(
                matches!(outcome, Ok(Err(Error::Authentication { .. }))),
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
        let credential = Scripted::new(Duration::from_secs(24 * 3600), vec![Ok(HOUR)]);
        let cache = TokenCache::new(credential, "scope", Duration::from_secs(30));
        let Err(Error::Authentication { message, .. }) = cache.authorization().await else {
            panic!("expected an authentication error");
        };
        assert!(message.contains("did not answer within 30s"), "{message}");
    }

    #[tokio::test]
    async fn a_failed_refresh_keeps_the_still_valid_token() -> Result<(), Error> {
        // Lives 2 s, so it is refreshed after 1 s; the refresh fails.
        let credential = Scripted::new(
            Duration::ZERO,
            vec![Ok(Duration::from_secs(2)), Err("identity provider down")],
        );
        let cache = TokenCache::new(credential.clone(), "scope", HOUR);
        let first = cache.authorization().await?;
        tokio::time::sleep(Duration::from_millis(1100)).await;
        assert_eq!(cache.authorization().await?, first);
        assert_eq!(credential.calls(), 2);
        // The next refresh waits a while instead of being tried on every call.
        assert_eq!(cache.authorization().await?, first);
        assert_eq!(credential.calls(), 2);
        Ok(())
    }

    #[tokio::test]
    async fn an_invalidated_token_is_fetched_again() -> Result<(), Error> {
        let credential = Scripted::new(Duration::ZERO, vec![Ok(HOUR)]);
        let cache = TokenCache::new(credential.clone(), "scope", HOUR);
        let first = cache.authorization().await?;
        cache.invalidate();
        assert_ne!(cache.authorization().await?, first);
        assert_eq!(credential.calls(), 2);
        Ok(())
    }

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
