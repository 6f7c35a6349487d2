//! When and how long to wait before trying a request again.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use reqwest::{Method, StatusCode};

/// How failed requests are retried.
///
/// A request is retried on HTTP 429, 502, 503 and 504 and on connection errors, with
/// exponential backoff (doubling from [`initial_backoff`](Self::initial_backoff) up to
/// [`max_backoff`](Self::max_backoff), optionally with random jitter).
///
/// * Only idempotent methods (`GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`, `TRACE`) are
///   retried on 502/503/504 and on errors that may have happened after the request
///   was sent. `POST`, `PATCH` and other methods are retried only on 429 (the server
///   refused to process the request) or when the connection could not be established
///   at all.
/// * A `Retry-After` header (seconds or an HTTP date), or an `X-RateLimit-Reset` time
///   when `X-RateLimit-Remaining` is 0, makes the wait at least that long. If the server
///   asks for more than what is left of [`max_total_wait`](Self::max_total_wait), the
///   error is returned at once instead.
/// * Timeouts are not retried.
///
/// The default is 3 attempts in total, 200 ms initial backoff, 20 s maximum backoff,
/// 60 s maximum total wait, jitter on.
///
/// ```
/// use std::time::Duration;
/// use oagen_runtime::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .max_attempts(5)
///     .initial_backoff(Duration::from_millis(500));
/// assert_eq!(policy.get_max_attempts(), 5);
/// assert_eq!(RetryPolicy::disabled().get_max_attempts(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_total_wait: Duration,
    jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
            max_total_wait: Duration::from_secs(60),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries: every request is sent exactly once.
    pub fn disabled() -> Self {
        RetryPolicy::default().max_attempts(1)
    }

    /// Total number of attempts, including the first one. `0` is treated as `1`.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry; each further retry doubles it.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest computed backoff between two attempts. A server's `Retry-After` may
    /// ask for longer; that is honoured within [`max_total_wait`](Self::max_total_wait).
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The most time spent waiting between attempts, summed over all retries of one
    /// request.
    pub fn max_total_wait(mut self, wait: Duration) -> Self {
        self.max_total_wait = wait;
        self
    }

    /// Whether to add random jitter (up to the computed delay again, capped at
    /// [`max_backoff`](Self::max_backoff)) so that many clients do not retry in lockstep.
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// The configured number of attempts.
    pub fn get_max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The configured initial backoff.
    pub fn get_initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The configured maximum backoff.
    pub fn get_max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The configured maximum total wait.
    pub fn get_max_total_wait(&self) -> Duration {
        self.max_total_wait
    }

    /// Whether jitter is on.
    pub fn get_jitter(&self) -> bool {
        self.jitter
    }

    pub(crate) fn start(&self) -> RetryState {
        let mut builder = ExponentialBuilder::new()
            .with_factor(2.0)
            .with_min_delay(self.initial_backoff)
            .with_max_delay(self.max_backoff.max(self.initial_backoff))
            .without_max_times();
        if self.jitter {
            builder = builder.with_jitter();
        }
        RetryState {
            policy: self.clone(),
            attempts: 1,
            waited: Duration::ZERO,
            delays: Box::new(builder.build()),
        }
    }
}

/// What went wrong with one attempt, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The server answered with this status.
    Status(StatusCode),
    /// No connection could be made; nothing was sent.
    Connect,
    /// The connection failed at some later point; the server may have seen the request.
    Transport,
}

/// Whether the failure is worth retrying for this method.
pub(crate) fn is_retryable(method: &Method, failure: Failure) -> bool {
    let idempotent = [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
    ]
    .contains(method)
        // Safe and idempotent (draft-ietf-httpbis-safe-method-w-body).
        || method.as_str() == "QUERY";
    match failure {
        Failure::Status(status) => match status.as_u16() {
            429 => true,
            502..=504 => idempotent,
            _ => false,
        },
        Failure::Connect => true,
        Failure::Transport => idempotent,
    }
}

/// The retry bookkeeping of one request.
pub(crate) struct RetryState {
    policy: RetryPolicy,
    attempts: u32,
    waited: Duration,
    delays: Box<dyn Iterator<Item = Duration> + Send>,
}

impl RetryState {
    /// Like [`next_wait`](Self::next_wait), but the wait is `exact` (a stream's reconnection
    /// time, set by the server's `retry:` field) rather than the backoff: counts an attempt
    /// and checks the budget. `None` means: give up.
    pub(crate) fn next_exact(&mut self, exact: Duration) -> Option<Duration> {
        if self.attempts >= self.policy.max_attempts {
            return None;
        }
        let remaining = self.policy.max_total_wait.saturating_sub(self.waited);
        if exact > remaining {
            return None;
        }
        // Keep the backoff sequence in step with the attempts.
        let _ = self.delays.next();
        self.waited += exact;
        self.attempts += 1;
        Some(exact)
    }

    /// Decides whether to try again and how long to wait first. `server_hint` is the
    /// wait the server asked for. `None` means: give up and return the last error.
    pub(crate) fn next_wait(&mut self, server_hint: Option<Duration>) -> Option<Duration> {
        if self.attempts >= self.policy.max_attempts {
            return None;
        }
        let remaining = self.policy.max_total_wait.saturating_sub(self.waited);
        if let Some(hint) = server_hint {
            if hint > remaining {
                return None;
            }
        }
        let backoff = self
            .delays
            .next()
            .unwrap_or(self.policy.max_backoff)
            .min(self.policy.max_backoff);
        let wait = backoff.max(server_hint.unwrap_or_default());
        if wait > remaining {
            // Only the computed backoff is over budget: use what is left, if anything.
            if remaining.is_zero() {
                return None;
            }
            self.waited = self.policy.max_total_wait;
            self.attempts += 1;
            return Some(remaining);
        }
        self.waited += wait;
        self.attempts += 1;
        Some(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_jitter() -> RetryPolicy {
        RetryPolicy::default().jitter(false)
    }

    #[test]
    fn defaults() {
        let p = RetryPolicy::default();
        assert_eq!(p.get_max_attempts(), 3);
        assert_eq!(p.get_initial_backoff(), Duration::from_millis(200));
        assert_eq!(p.get_max_backoff(), Duration::from_secs(20));
        assert_eq!(p.get_max_total_wait(), Duration::from_secs(60));
        assert!(p.get_jitter());
    }

    #[test]
    fn exponential_without_jitter() {
        let mut s = no_jitter().max_attempts(5).start();
        // backon computes in f32, so compare whole milliseconds.
        let waits: Vec<u128> = std::iter::from_fn(|| s.next_wait(None))
            .map(|w| w.as_millis())
            .collect();
        assert_eq!(waits, [200, 400, 800, 1600]);
    }

    #[test]
    fn jitter_stays_within_bounds() {
        for _ in 0..50 {
            let mut s = RetryPolicy::default()
                .max_attempts(10)
                .max_backoff(Duration::from_secs(1))
                .start();
            let first = s.next_wait(None).unwrap_or_default();
            assert!(first >= Duration::from_millis(200) && first < Duration::from_millis(400));
            while let Some(w) = s.next_wait(None) {
                assert!(w <= Duration::from_secs(1));
            }
        }
    }

    #[test]
    fn server_hint_is_a_floor_and_respects_budget() {
        let mut s = no_jitter().max_total_wait(Duration::from_secs(10)).start();
        assert_eq!(
            s.next_wait(Some(Duration::from_secs(4))),
            Some(Duration::from_secs(4))
        );
        // 6 s left; asking for 7 s gives up.
        assert_eq!(s.next_wait(Some(Duration::from_secs(7))), None);
    }

    #[test]
    fn disabled_never_retries() {
        assert_eq!(RetryPolicy::disabled().start().next_wait(None), None);
    }

    #[test]
    fn method_rules() {
        let s503 = Failure::Status(StatusCode::SERVICE_UNAVAILABLE);
        let s429 = Failure::Status(StatusCode::TOO_MANY_REQUESTS);
        assert!(is_retryable(&Method::GET, s503));
        assert!(is_retryable(&Method::DELETE, Failure::Transport));
        assert!(!is_retryable(&Method::POST, s503));
        assert!(!is_retryable(&Method::PATCH, Failure::Transport));
        let query = Method::from_bytes(b"QUERY").unwrap();
        assert!(is_retryable(&query, s503));
        assert!(is_retryable(&query, Failure::Transport));
        let link = Method::from_bytes(b"LINK").unwrap();
        assert!(!is_retryable(&link, s503));
        assert!(!is_retryable(&link, Failure::Transport));
        assert!(is_retryable(&Method::POST, s429));
        assert!(is_retryable(&Method::PATCH, Failure::Connect));
        assert!(!is_retryable(
            &Method::GET,
            Failure::Status(StatusCode::INTERNAL_SERVER_ERROR)
        ));
    }
}
