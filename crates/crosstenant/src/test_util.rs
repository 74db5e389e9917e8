//! Fakes for tests of code that uses this crate (feature `test-util`): a credential that
//! answers as scripted and counts its calls.
//!
//! ```
//! use std::time::Duration;
//! use crosstenant::test_util::{Answer, ScriptedCredential};
//!
//! let credential = ScriptedCredential::new([Answer::Fail("tenant not found"), Answer::Token(Duration::from_secs(3600))]);
//! let client = crosstenant::Client::builder()
//!     .shared_credential(credential.clone())
//!     .build()?;
//! assert_eq!(credential.calls(), 0); // nothing is fetched before the first call
//! # let _ = client;
//! # Ok::<(), crosstenant::Error>(())
//! ```

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use crate::credential::{AccessToken, BoxFuture, CredentialError, TokenCredential};

/// What a [`ScriptedCredential`] answers to one call.
#[derive(Clone, Debug)]
pub enum Answer {
    /// A token named `test-token-<call number>` (from 1), valid for this long.
    Token(Duration),
    /// This token, valid for this long.
    Secret(&'static str, Duration),
    /// A failure with this message.
    Fail(&'static str),
}

/// A credential that answers its calls with the scripted [`Answer`]s in turn (the last one
/// repeats), each after an optional delay, and records the calls and scopes.
#[derive(Debug)]
pub struct ScriptedCredential {
    answers: Vec<Answer>,
    delay: Duration,
    calls: AtomicUsize,
    scopes: Mutex<Vec<String>>,
}

impl ScriptedCredential {
    /// A credential answering at once. With no answers, every call fails.
    pub fn new(answers: impl IntoIterator<Item = Answer>) -> Arc<Self> {
        Self::delayed(Duration::ZERO, answers)
    }

    /// A credential that takes `delay` (on tokio's clock) to answer each call.
    pub fn delayed(delay: Duration, answers: impl IntoIterator<Item = Answer>) -> Arc<Self> {
        Arc::new(Self {
            answers: answers.into_iter().collect(),
            delay,
            calls: AtomicUsize::new(0),
            scopes: Mutex::new(Vec::new()),
        })
    }

    /// How many times the credential was asked for a token.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// The scopes asked for, every call's in order.
    pub fn scopes(&self) -> Vec<String> {
        self.scopes.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl TokenCredential for ScriptedCredential {
    fn get_token<'a>(
        &'a self,
        scopes: &'a [&'a str],
    ) -> BoxFuture<'a, Result<AccessToken, CredentialError>> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            if let Ok(mut seen) = self.scopes.lock() {
                seen.extend(scopes.iter().map(|s| s.to_string()));
            }
            if !self.delay.is_zero() {
                tokio::time::sleep(self.delay).await;
            }
            let answer = self.answers.get(n).or(self.answers.last());
            let valid = |lifetime| SystemTime::now() + lifetime;
            match answer {
                Some(Answer::Token(lifetime)) => Ok(AccessToken::new(
                    format!("test-token-{}", n + 1),
                    valid(*lifetime),
                )),
                Some(Answer::Secret(secret, lifetime)) => {
                    Ok(AccessToken::new(*secret, valid(*lifetime)))
                }
                Some(Answer::Fail(why)) => Err(CredentialError::new(*why)),
                None => Err(CredentialError::new("the script has no answers")),
            }
        })
    }
}
