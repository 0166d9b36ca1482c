//! Login throttling that slows guessing without letting a stranger lock a clinician out.
//!
//! Failures count against the pair (account, address), never the account alone: someone
//! guessing a clinician's password from elsewhere slows only themselves, and the right password
//! from the clinician's own address still works. From [`FREE_FAILURES`] failures on, each
//! further failure locks the pair for a delay that doubles, from [`FIRST_DELAY`] up to
//! [`LONGEST_DELAY`]. An address that fails [`ADDRESS_LIMIT`] times within [`WINDOW`], across
//! any accounts, is refused for [`ADDRESS_LOCKOUT`] — the limit on someone trying many names.
//!
//! Kept in memory: a restart clears it, which is acceptable because each instance still limits
//! guessing to a few attempts an hour per pair. Usernames and addresses are never logged.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures of one pair within [`WINDOW`] before delays start.
pub const FREE_FAILURES: usize = 5;
/// Failures are counted within this window; a pair that has been quiet this long starts again.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
pub const FIRST_DELAY: Duration = Duration::from_secs(60);
pub const LONGEST_DELAY: Duration = Duration::from_secs(60 * 60);
/// Failures from one address, across accounts, within [`WINDOW`] before it is refused.
pub const ADDRESS_LIMIT: usize = 20;
pub const ADDRESS_LOCKOUT: Duration = Duration::from_secs(15 * 60);

/// Above this many tracked keys, stale ones are swept on the next failure, so an attacker
/// cycling through usernames cannot grow the map without bound.
const SWEEP_ABOVE: usize = 10_000;

/// Who is signing in, and from where.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Attempt {
    /// The username as typed, lower-cased.
    pub account: String,
    /// The client's address, when the server knows it.
    pub address: Option<String>,
}

impl Attempt {
    pub fn new(account: &str, address: Option<String>) -> Self {
        Self {
            account: account.to_lowercase(),
            address,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Pair(String, Option<String>),
    Address(String),
}

#[derive(Default, Debug)]
struct Failures {
    times: Vec<Instant>,
    locked_until: Option<Instant>,
}

impl Failures {
    fn wait(&self, now: Instant) -> Option<Duration> {
        self.locked_until
            .and_then(|until| until.checked_duration_since(now))
            .filter(|d| !d.is_zero())
    }

    fn is_stale(&self, now: Instant) -> bool {
        self.wait(now).is_none() && self.times.iter().all(|t| now.duration_since(*t) >= WINDOW)
    }

    /// Forgets failures older than the window, but never while a lock has yet to run out, so
    /// a delay keeps growing for someone who keeps guessing.
    fn record(&mut self, now: Instant) -> usize {
        let last = self.times.last().copied();
        if last.is_some_and(|t| now.duration_since(t) >= WINDOW + LONGEST_DELAY) {
            self.times.clear();
        }
        self.times.push(now);
        self.times.len()
    }
}

#[derive(Default, Debug)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<Key, Failures>>,
}

/// How long a failure count of `n` locks a pair: nothing before [`FREE_FAILURES`], then
/// [`FIRST_DELAY`] doubling with each further failure, up to [`LONGEST_DELAY`].
pub fn delay_after(n: usize) -> Option<Duration> {
    let beyond = n.checked_sub(FREE_FAILURES)?;
    let factor = 1u32 << beyond.min(16);
    Some(FIRST_DELAY.saturating_mul(factor).min(LONGEST_DELAY))
}

impl LoginThrottle {
    pub fn new() -> Self {
        Self::default()
    }

    fn with_map<T>(&self, f: impl FnOnce(&mut HashMap<Key, Failures>) -> T) -> T {
        // A panic while holding the lock leaves the map usable; the data is only counters.
        let mut guard = match self.failures.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    fn keys(attempt: &Attempt) -> impl Iterator<Item = Key> {
        let pair = Key::Pair(attempt.account.clone(), attempt.address.clone());
        std::iter::once(pair).chain(attempt.address.clone().map(Key::Address))
    }

    /// How long this attempt must wait before it may be tried, if it is refused now.
    pub fn wait(&self, attempt: &Attempt, now: Instant) -> Option<Duration> {
        self.with_map(|map| {
            Self::keys(attempt)
                .filter_map(|k| map.get(&k).and_then(|f| f.wait(now)))
                .max()
        })
    }

    /// Counts a failed attempt against its pair and its address, locking either when it has
    /// reached its limit.
    pub fn record_failure(&self, attempt: &Attempt, now: Instant) {
        self.with_map(|map| {
            if map.len() > SWEEP_ABOVE {
                map.retain(|_, f| !f.is_stale(now));
            }
            for key in Self::keys(attempt) {
                let failures = map.entry(key.clone()).or_default();
                let lock = match key {
                    Key::Pair(..) => delay_after(failures.record(now)),
                    Key::Address(_) => {
                        failures.times.retain(|t| now.duration_since(*t) < WINDOW);
                        failures.times.push(now);
                        (failures.times.len() >= ADDRESS_LIMIT).then_some(ADDRESS_LOCKOUT)
                    }
                };
                if let Some(delay) = lock {
                    failures.locked_until = Some(now + delay);
                }
            }
        });
    }

    /// A successful sign-in clears its pair (not the address: one person signing in must not
    /// reset the count for someone guessing other accounts from the same shared address).
    pub fn record_success(&self, attempt: &Attempt) {
        self.with_map(|map| {
            map.remove(&Key::Pair(attempt.account.clone(), attempt.address.clone()));
        });
    }
}

/// "1 minute", "15 minutes": a wait rounded up to whole minutes, for the sign-in form.
pub fn minutes_text(wait: Duration) -> String {
    let minutes = wait.as_secs().div_ceil(60).max(1);
    if minutes == 1 {
        "1 minute".to_owned()
    } else {
        format!("{minutes} minutes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(start: Instant, secs: u64) -> Instant {
        start + Duration::from_secs(secs)
    }

    #[test]
    fn delays_start_after_five_failures_and_double() {
        assert_eq!(delay_after(4), None);
        assert_eq!(delay_after(5), Some(Duration::from_secs(60)));
        assert_eq!(delay_after(6), Some(Duration::from_secs(120)));
        assert_eq!(delay_after(8), Some(Duration::from_secs(480)));
        assert_eq!(delay_after(11), Some(LONGEST_DELAY));
        assert_eq!(delay_after(500), Some(LONGEST_DELAY));
    }

    #[test]
    fn a_stranger_cannot_lock_the_clinician_out() {
        let t = LoginThrottle::new();
        let start = Instant::now();
        let stranger = Attempt::new("Dr.A", Some("203.0.113.9".into()));
        for i in 0..12 {
            t.record_failure(&stranger, at(start, i));
        }
        assert!(t.wait(&stranger, at(start, 13)).is_some());
        let clinician = Attempt::new("dr.a", Some("10.0.0.1".into()));
        assert_eq!(t.wait(&clinician, at(start, 13)), None);
    }

    #[test]
    fn the_wait_grows_while_guessing_goes_on() {
        let t = LoginThrottle::new();
        let start = Instant::now();
        let a = Attempt::new("dr.b", Some("10.0.0.2".into()));
        for i in 0..4 {
            t.record_failure(&a, at(start, i));
            assert_eq!(t.wait(&a, at(start, i)), None, "failure {}", i + 1);
        }
        t.record_failure(&a, at(start, 4));
        assert_eq!(t.wait(&a, at(start, 4)), Some(Duration::from_secs(60)));
        assert_eq!(
            t.wait(&a, at(start, 64)),
            None,
            "the first delay has passed"
        );
        t.record_failure(&a, at(start, 65));
        assert_eq!(t.wait(&a, at(start, 65)), Some(Duration::from_secs(120)));
        t.record_failure(&a, at(start, 200));
        assert_eq!(t.wait(&a, at(start, 200)), Some(Duration::from_secs(240)));
    }

    #[test]
    fn one_address_trying_many_accounts_is_refused() {
        let t = LoginThrottle::new();
        let start = Instant::now();
        for i in 0..ADDRESS_LIMIT {
            let a = Attempt::new(&format!("user{i}"), Some("198.51.100.7".into()));
            t.record_failure(&a, at(start, i as u64));
        }
        let next = Attempt::new("someone.new", Some("198.51.100.7".into()));
        assert_eq!(
            t.wait(&next, at(start, 30)),
            Some(ADDRESS_LOCKOUT - Duration::from_secs(11))
        );
        let elsewhere = Attempt::new("someone.new", Some("198.51.100.8".into()));
        assert_eq!(t.wait(&elsewhere, at(start, 30)), None);
    }

    #[test]
    fn success_clears_the_pair_only() {
        let t = LoginThrottle::new();
        let now = Instant::now();
        let shared = Some("10.0.0.3".to_owned());
        for i in 0..ADDRESS_LIMIT - 1 {
            t.record_failure(&Attempt::new(&format!("guess{i}"), shared.clone()), now);
        }
        let nurse = Attempt::new("nurse", shared.clone());
        for _ in 0..4 {
            t.record_failure(&nurse, now);
        }
        t.record_success(&nurse);
        assert_eq!(
            t.wait(&nurse, now),
            Some(ADDRESS_LOCKOUT),
            "the address kept its count"
        );
    }

    #[test]
    fn waits_read_in_whole_minutes() {
        assert_eq!(minutes_text(Duration::from_secs(1)), "1 minute");
        assert_eq!(minutes_text(Duration::from_secs(61)), "2 minutes");
        assert_eq!(minutes_text(Duration::from_secs(900)), "15 minutes");
    }
}
