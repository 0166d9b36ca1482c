//! Login throttling: after five failed attempts for one username or from one address within
//! fifteen minutes, further attempts are refused for fifteen minutes.
//!
//! Kept in memory: a restart clears it, which is acceptable because each instance still limits
//! guessing to a few attempts per quarter hour. Keys are the username and the client address;
//! neither is written to the logs.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed within [`WINDOW`] before a key is locked.
pub const MAX_FAILURES: usize = 5;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
pub const LOCKOUT: Duration = Duration::from_secs(15 * 60);

/// Above this many tracked keys, stale ones are swept on the next failure, so an attacker
/// cycling through usernames cannot grow the map without bound.
const SWEEP_ABOVE: usize = 10_000;

#[derive(Default, Debug)]
struct Attempts {
    failures: Vec<Instant>,
    locked_until: Option<Instant>,
}

impl Attempts {
    fn is_locked(&self, now: Instant) -> bool {
        self.locked_until.is_some_and(|until| now < until)
    }

    fn is_stale(&self, now: Instant) -> bool {
        !self.is_locked(now)
            && self
                .failures
                .iter()
                .all(|t| now.duration_since(*t) >= WINDOW)
    }
}

/// Which keys a login attempt is counted against.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ThrottleKey {
    User(String),
    Address(String),
}

#[derive(Default, Debug)]
pub struct LoginThrottle {
    attempts: Mutex<HashMap<ThrottleKey, Attempts>>,
}

impl LoginThrottle {
    pub fn new() -> Self {
        Self::default()
    }

    fn with_map<T>(&self, f: impl FnOnce(&mut HashMap<ThrottleKey, Attempts>) -> T) -> T {
        // A panic while holding the lock leaves the map usable; the data is only counters.
        let mut guard = match self.attempts.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    /// Whether any of `keys` is currently locked out.
    pub fn is_locked(&self, keys: &[ThrottleKey], now: Instant) -> bool {
        self.with_map(|map| {
            keys.iter()
                .any(|k| map.get(k).is_some_and(|a| a.is_locked(now)))
        })
    }

    /// Counts a failed attempt against every key, locking those that reach the limit.
    pub fn record_failure(&self, keys: &[ThrottleKey], now: Instant) {
        self.with_map(|map| {
            if map.len() > SWEEP_ABOVE {
                map.retain(|_, a| !a.is_stale(now));
            }
            for key in keys {
                let a = map.entry(key.clone()).or_default();
                a.failures.retain(|t| now.duration_since(*t) < WINDOW);
                a.failures.push(now);
                if a.failures.len() >= MAX_FAILURES {
                    a.locked_until = Some(now + LOCKOUT);
                    a.failures.clear();
                }
            }
        });
    }

    /// A successful login clears the username's failures (not the address's: one person
    /// logging in successfully must not reset the count for someone guessing from the same
    /// shared address).
    pub fn record_success(&self, user: &ThrottleKey) {
        self.with_map(|map| {
            map.remove(user);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(user: &str, ip: &str) -> Vec<ThrottleKey> {
        vec![
            ThrottleKey::User(user.into()),
            ThrottleKey::Address(ip.into()),
        ]
    }

    #[test]
    fn five_failures_lock_for_fifteen_minutes() {
        let t = LoginThrottle::new();
        let start = Instant::now();
        let k = keys("dr.a", "10.0.0.1");
        for i in 0..4 {
            t.record_failure(&k, start + Duration::from_secs(i));
            assert!(
                !t.is_locked(&k, start + Duration::from_secs(i)),
                "attempt {i}"
            );
        }
        t.record_failure(&k, start + Duration::from_secs(4));
        assert!(t.is_locked(&k, start + Duration::from_secs(5)));
        // Another username from the same address is refused too, and the same username from
        // another address.
        assert!(t.is_locked(
            &keys("someone.else", "10.0.0.1"),
            start + Duration::from_secs(6)
        ));
        assert!(t.is_locked(&keys("dr.a", "10.9.9.9"), start + Duration::from_secs(6)));
        let after = start + Duration::from_secs(4) + LOCKOUT;
        assert!(!t.is_locked(&k, after));
    }

    #[test]
    fn failures_outside_the_window_do_not_count() {
        let t = LoginThrottle::new();
        let start = Instant::now();
        let k = keys("dr.b", "10.0.0.2");
        for i in 0..4 {
            t.record_failure(&k, start + Duration::from_secs(i));
        }
        let later = start + WINDOW + Duration::from_secs(10);
        t.record_failure(&k, later);
        assert!(!t.is_locked(&k, later));
    }

    #[test]
    fn success_clears_the_username_only() {
        let t = LoginThrottle::new();
        let now = Instant::now();
        let k = keys("dr.c", "10.0.0.3");
        for _ in 0..4 {
            t.record_failure(&k, now);
        }
        t.record_success(&k[0]);
        t.record_failure(&[k[0].clone()], now);
        assert!(!t.is_locked(&[k[0].clone()], now));
        t.record_failure(&[k[1].clone()], now);
        assert!(
            t.is_locked(&[k[1].clone()], now),
            "the address kept its four failures"
        );
    }
}
