//! Login throttling that slows guessing without letting a stranger lock a clinician out.
//!
//! Failures count against the pair (account, address), never the account alone: someone
//! guessing a clinician's password from elsewhere slows only themselves, and the right password
//! from the clinician's own address still works. From [`FREE_FAILURES`] failures on, each
//! further failure locks the pair for a delay that doubles, from [`FIRST_DELAY`] up to
//! [`LONGEST_DELAY`]. An address that fails [`ADDRESS_LIMIT`] times within [`WINDOW`], across
//! any accounts, is refused for [`ADDRESS_LOCKOUT`] — the limit on someone trying many names.
//!
//! Kept in the database (`Store::update_throttle_records`), so every server on one database
//! counts the same failures: guesses spread over several servers are slowed as if sent to one.
//! Records are stored under a hash of their key: usernames and addresses are never stored or
//! logged. Times are the system's (milliseconds since 1970), the same on every server.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use haven_store::{Store, StoreError};
use sha2::{Digest, Sha256};

/// Failures of one pair within [`WINDOW`] before delays start.
pub const FREE_FAILURES: usize = 5;
/// Failures are counted within this window; a pair that has been quiet this long starts again.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
pub const FIRST_DELAY: Duration = Duration::from_secs(60);
pub const LONGEST_DELAY: Duration = Duration::from_secs(60 * 60);
/// Failures from one address, across accounts, within [`WINDOW`] before it is refused.
pub const ADDRESS_LIMIT: usize = 20;
pub const ADDRESS_LOCKOUT: Duration = Duration::from_secs(15 * 60);

/// Milliseconds since 1970 on the system's clock.
type Millis = u64;

fn ms(d: Duration) -> Millis {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// `at` as [`Millis`] (a clock before 1970 reads as 1970).
pub fn millis(at: SystemTime) -> Millis {
    at.duration_since(SystemTime::UNIX_EPOCH).map_or(0, ms)
}

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

#[derive(Default, Debug, PartialEq, Eq)]
struct Failures {
    times: Vec<Millis>,
    locked_until: Option<Millis>,
}

impl Failures {
    fn wait(&self, now: Millis) -> Option<Duration> {
        self.locked_until
            .and_then(|until| until.checked_sub(now))
            .filter(|d| *d > 0)
            .map(Duration::from_millis)
    }

    /// Forgets failures older than the window, but never while a lock has yet to run out, so
    /// a delay keeps growing for someone who keeps guessing.
    fn record(&mut self, now: Millis) -> usize {
        let last = self.times.last().copied();
        if last.is_some_and(|t| now.saturating_sub(t) >= ms(WINDOW + LONGEST_DELAY)) {
            self.times.clear();
        }
        self.times.push(now);
        self.times.len()
    }

    /// When nothing in this record can matter any more: its lock has run out and its newest
    /// failure is too old for [`Failures::record`] to keep.
    fn stale_after(&self) -> Millis {
        let last = self
            .times
            .last()
            .map_or(0, |t| t + ms(WINDOW + LONGEST_DELAY));
        last.max(self.locked_until.unwrap_or(0))
    }

    /// `STALE-AFTER LOCKED-UNTIL T1,T2,…`: the stale-after stamp first and zero-padded, so the
    /// store can remove stale records by comparing text; 0 for no lock.
    fn encode(&self) -> String {
        let times: Vec<String> = self.times.iter().map(u64::to_string).collect();
        format!(
            "{:0width$} {} {}",
            self.stale_after(),
            self.locked_until.unwrap_or(0),
            times.join(","),
            width = haven_store::THROTTLE_STAMP_DIGITS
        )
    }

    /// A stored record; one that does not read counts as none (it only ever slows guessing).
    fn decode(text: &str) -> Failures {
        let mut parts = text.split(' ');
        let _stale_after = parts.next();
        let locked_until = parts
            .next()
            .and_then(|l| l.parse::<u64>().ok())
            .filter(|l| *l > 0);
        let times = parts
            .next()
            .unwrap_or_default()
            .split(',')
            .filter_map(|t| t.parse().ok())
            .collect();
        Failures {
            times,
            locked_until,
        }
    }
}

/// How long a failure count of `n` locks a pair: nothing before [`FREE_FAILURES`], then
/// [`FIRST_DELAY`] doubling with each further failure, up to [`LONGEST_DELAY`].
pub fn delay_after(n: usize) -> Option<Duration> {
    let beyond = n.checked_sub(FREE_FAILURES)?;
    let factor = 1u32 << beyond.min(16);
    Some(FIRST_DELAY.saturating_mul(factor).min(LONGEST_DELAY))
}

impl Key {
    /// The key's record name in the store: a hash, so no username or address is stored.
    fn stored(&self) -> String {
        let mut hash = Sha256::new();
        match self {
            Key::Pair(account, address) => {
                hash.update(b"pair\0");
                hash.update(account.as_bytes());
                hash.update(b"\0");
                hash.update(address.as_deref().unwrap_or("-").as_bytes());
            }
            Key::Address(address) => {
                hash.update(b"address\0");
                hash.update(address.as_bytes());
            }
        }
        hex::encode(hash.finalize())
    }
}

fn keys(attempt: &Attempt) -> Vec<Key> {
    let pair = Key::Pair(attempt.account.clone(), attempt.address.clone());
    std::iter::once(pair)
        .chain(attempt.address.clone().map(Key::Address))
        .collect()
}

fn stored_keys(attempt: &Attempt) -> Vec<String> {
    keys(attempt).iter().map(Key::stored).collect()
}

/// How long this attempt must wait, given the stored records of its keys.
fn wait_in(records: &HashMap<String, String>, attempt: &Attempt, now: Millis) -> Option<Duration> {
    stored_keys(attempt)
        .iter()
        .filter_map(|k| records.get(k).and_then(|r| Failures::decode(r).wait(now)))
        .max()
}

/// The records of this attempt's keys after one more failure: its pair and its address each
/// count it, locking either that has reached its limit.
fn after_failure(
    records: &HashMap<String, String>,
    attempt: &Attempt,
    now: Millis,
) -> Vec<(String, Option<String>)> {
    keys(attempt)
        .into_iter()
        .map(|key| {
            let stored = key.stored();
            let mut failures = records
                .get(&stored)
                .map(|r| Failures::decode(r))
                .unwrap_or_default();
            let lock = match key {
                Key::Pair(..) => delay_after(failures.record(now)),
                Key::Address(_) => {
                    failures
                        .times
                        .retain(|t| now.saturating_sub(*t) < ms(WINDOW));
                    failures.times.push(now);
                    (failures.times.len() >= ADDRESS_LIMIT).then_some(ADDRESS_LOCKOUT)
                }
            };
            if let Some(delay) = lock {
                failures.locked_until = Some(now + ms(delay));
            }
            (stored, Some(failures.encode()))
        })
        .collect()
}

/// How long this attempt must wait before it may be tried, if it is refused now.
pub async fn wait(
    store: &Store,
    attempt: &Attempt,
    now: SystemTime,
) -> Result<Option<Duration>, StoreError> {
    let records = store.throttle_records(&stored_keys(attempt)).await?;
    Ok(wait_in(&records, attempt, millis(now)))
}

/// Counts a failed attempt against its pair and its address, locking either when it has
/// reached its limit; two servers counting at once both count (the store's write lock).
pub async fn record_failure(
    store: &Store,
    attempt: &Attempt,
    now: SystemTime,
) -> Result<(), StoreError> {
    let now = millis(now);
    store
        .update_throttle_records(&stored_keys(attempt), now, |records| {
            after_failure(&records, attempt, now)
        })
        .await
}

/// A successful sign-in clears its pair (not the address: one person signing in must not
/// reset the count for someone guessing other accounts from the same shared address).
pub async fn record_success(
    store: &Store,
    attempt: &Attempt,
    now: SystemTime,
) -> Result<(), StoreError> {
    let pair = Key::Pair(attempt.account.clone(), attempt.address.clone()).stored();
    let records = store.throttle_records(std::slice::from_ref(&pair)).await?;
    if records.is_empty() {
        return Ok(());
    }
    store
        .update_throttle_records(std::slice::from_ref(&pair), millis(now), |_| {
            vec![(pair.clone(), None)]
        })
        .await
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

    /// The store's records in memory, changed the way `Store::update_throttle_records` does.
    #[derive(Default)]
    struct Throttle(HashMap<String, String>);

    impl Throttle {
        fn new() -> Self {
            Self::default()
        }
        fn wait(&self, attempt: &Attempt, now: Millis) -> Option<Duration> {
            wait_in(&self.0, attempt, now)
        }
        fn record_failure(&mut self, attempt: &Attempt, now: Millis) {
            for (key, value) in after_failure(&self.0, attempt, now) {
                self.0.insert(key, value.expect("a failure is kept"));
            }
        }
        fn record_success(&mut self, attempt: &Attempt) {
            let pair = Key::Pair(attempt.account.clone(), attempt.address.clone());
            self.0.remove(&pair.stored());
        }
    }

    const START: Millis = 1_800_000_000_000;

    fn at(start: Millis, secs: u64) -> Millis {
        start + secs * 1000
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
        let mut t = Throttle::new();
        let start = START;
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
        let mut t = Throttle::new();
        let start = START;
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
        let mut t = Throttle::new();
        let start = START;
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
        let mut t = Throttle::new();
        let now = START;
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
    fn a_record_reads_back_as_written_and_says_when_it_is_stale() {
        let f = Failures {
            times: vec![START, START + 5],
            locked_until: Some(START + 60_000),
        };
        assert_eq!(Failures::decode(&f.encode()), f);
        let stale = f.encode()[..haven_store::THROTTLE_STAMP_DIGITS].to_owned();
        assert_eq!(
            stale.parse::<u64>().ok(),
            Some(START + 5 + ms(WINDOW + LONGEST_DELAY))
        );
        assert_eq!(Failures::decode("not a record"), Failures::default());
    }

    #[test]
    fn no_username_or_address_is_stored() {
        let a = Attempt::new("dr.secret", Some("192.0.2.44".into()));
        for key in stored_keys(&a) {
            assert!(!key.contains("secret") && !key.contains("192.0.2"));
            assert_eq!(key.len(), 64);
        }
    }

    #[test]
    fn waits_read_in_whole_minutes() {
        assert_eq!(minutes_text(Duration::from_secs(1)), "1 minute");
        assert_eq!(minutes_text(Duration::from_secs(61)), "2 minutes");
        assert_eq!(minutes_text(Duration::from_secs(900)), "15 minutes");
    }
}
