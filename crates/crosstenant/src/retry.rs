//! When to try a failed call again, and how long to wait first.

use std::time::Duration;

/// How a client retries calls that failed for a reason that may pass: throttling (429), a busy
/// or unreachable service (503, 504), or a connection that could not be made. Only these are
/// retried; every call this SDK makes is a `GET`, so retrying never repeats a change.
///
/// The wait before each retry is Graph's `Retry-After` when it sends one, otherwise an
/// exponential backoff with jitter. Retrying stops at whichever comes first: the number of
/// retries, a `Retry-After` longer than [`max_wait`](Self::max_wait) (the error, with the wait
/// Graph asked for, is returned at once instead of hammering early), or the time
/// [`budget`](Self::budget).
///
/// ```
/// use std::time::Duration;
/// use crosstenant::RetryPolicy;
///
/// let patient = RetryPolicy::default().max_retries(6).budget(Duration::from_secs(600));
/// let none = RetryPolicy::disabled();
/// # let _ = (patient, none);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_wait: Duration,
    budget: Duration,
}

impl Default for RetryPolicy {
    /// 3 retries, backoff from 1 s, waits of at most 60 s, 120 s in all.
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_secs(1),
            max_wait: Duration::from_secs(60),
            budget: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// Never retry: every failure is returned as it happens.
    #[must_use]
    pub fn disabled() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// How many times a call is retried after its first attempt.
    #[must_use]
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The backoff before the first retry when Graph gives no `Retry-After`; it doubles with
    /// each retry (with jitter, up to [`max_wait`](Self::max_wait)).
    #[must_use]
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest single wait. A `Retry-After` above it ends the retries.
    #[must_use]
    pub fn max_wait(mut self, wait: Duration) -> Self {
        self.max_wait = wait;
        self
    }

    /// How long after its first attempt a call may still retry: a wait that would end later
    /// is not started and the last error is returned. (The attempt in flight is bounded by the
    /// client's timeout, so a call's worst case is the budget plus one timeout.)
    #[must_use]
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// The wait before retry number `retry` (0 for the first), or `None` to stop.
    pub(crate) fn delay(
        &self,
        retry: u32,
        retry_after: Option<Duration>,
        elapsed: Duration,
    ) -> Option<Duration> {
        if retry >= self.max_retries {
            return None;
        }
        let wait = match retry_after {
            Some(asked) if asked > self.max_wait => return None,
            Some(asked) => asked,
            None => self.backoff(retry),
        };
        (elapsed.saturating_add(wait) <= self.budget).then_some(wait)
    }

    /// Exponential backoff with "equal jitter": half fixed, half random, so clients throttled
    /// together spread out without any waiting almost nothing.
    fn backoff(&self, retry: u32) -> Duration {
        let exponential = self.initial_backoff.saturating_mul(1u32 << retry.min(16));
        let ceiling = exponential.min(self.max_wait);
        let half = ceiling / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn honours_retry_after_within_the_limits() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(0, Some(7 * S), Duration::ZERO), Some(7 * S));
        assert_eq!(
            policy.delay(0, Some(61 * S), Duration::ZERO),
            None,
            "longer than max_wait"
        );
        assert_eq!(
            policy.delay(0, Some(30 * S), 100 * S),
            None,
            "past the budget"
        );
        assert_eq!(
            policy.delay(3, Some(S), Duration::ZERO),
            None,
            "out of retries"
        );
    }

    #[test]
    fn any_retry_after_is_safe_even_without_limits() {
        // A server may send any number; with every limit lifted nothing may overflow.
        let unlimited = RetryPolicy::default()
            .max_wait(Duration::MAX)
            .budget(Duration::MAX);
        let huge = Some(Duration::from_secs(u64::MAX));
        assert_eq!(unlimited.delay(0, huge, 10 * S), huge);
        assert_eq!(
            RetryPolicy::default()
                .max_wait(Duration::MAX)
                .delay(0, huge, 10 * S),
            None
        );
        // The doubling stops at 2^16: retry 30 waits between half and all of 65,536 s
        // rather than overflowing.
        let wait = unlimited.backoff(30);
        assert!(wait >= 32_768 * S && wait <= 65_536 * S, "{wait:?}");
    }

    #[test]
    fn a_retry_after_of_exactly_max_wait_is_honoured() {
        let policy = RetryPolicy::default().max_wait(10 * S);
        assert_eq!(policy.delay(0, Some(10 * S), Duration::ZERO), Some(10 * S));
        assert_eq!(
            policy.delay(0, Some(10 * S + Duration::from_millis(1)), Duration::ZERO),
            None
        );
    }

    #[test]
    fn a_wait_ending_exactly_at_the_budget_is_taken() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(0, Some(20 * S), 100 * S), Some(20 * S));
        assert_eq!(policy.delay(0, Some(21 * S), 100 * S), None);
    }

    #[test]
    fn max_retries_sets_how_many_retries_follow_the_first_attempt() {
        let policy = RetryPolicy::default().max_retries(5);
        assert_eq!(policy.delay(4, Some(S), Duration::ZERO), Some(S));
        assert_eq!(policy.delay(5, Some(S), Duration::ZERO), None);
    }

    #[test]
    fn initial_backoff_sets_the_first_ceiling() {
        let policy = RetryPolicy::default().initial_backoff(Duration::from_millis(200));
        for _ in 0..100 {
            let wait = policy.backoff(0);
            assert!(
                wait >= Duration::from_millis(100) && wait <= Duration::from_millis(200),
                "{wait:?}"
            );
        }
        let second = policy.backoff(1);
        assert!(
            second >= Duration::from_millis(200) && second <= Duration::from_millis(400),
            "{second:?}"
        );
    }

    #[test]
    fn backs_off_exponentially_with_bounded_jitter() {
        let policy = RetryPolicy::default();
        for retry in 0..5 {
            let ceiling = (S * (1 << retry)).min(60 * S);
            for _ in 0..100 {
                let wait = policy.backoff(retry);
                assert!(
                    wait >= ceiling / 2 && wait <= ceiling,
                    "retry {retry}: {wait:?}"
                );
            }
        }
        assert!(policy.backoff(40) <= 60 * S);
    }

    #[test]
    fn disabled_never_retries() {
        assert_eq!(
            RetryPolicy::disabled().delay(0, Some(S), Duration::ZERO),
            None
        );
    }
}
