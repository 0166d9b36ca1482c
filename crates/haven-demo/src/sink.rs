//! Collects a patient's entry bodies and turns them into finished entries: in date order,
//! with ids `demo-{seed}-{index}-{n}`, author `demo`, a timestamp derived from the entry's
//! own date, and a small share of duplicates marked entered-in-error, as real records have.

use haven_core::record::{Entry, EntryBody};
use haven_core::{EntryId, PatientId, UserId};
use time::{Date, Duration, OffsetDateTime, Time};

use crate::dice::Dice;

/// Why an entry was marked entered-in-error; each leaves the active record unchanged because
/// the marked entry is a copy of one that stays active.
const ERROR_REASONS: &[&str] = &[
    "Duplicate entry",
    "Entered twice after a system time-out",
    "Recorded in the wrong patient's record",
    "Wrong date; re-entered with the correct date",
];

pub(crate) struct Sink {
    /// `Option` so that `finish` can move each body out once, in date order, instead of
    /// sorting the (large) bodies themselves.
    bodies: Vec<Option<EntryBody>>,
}

impl Sink {
    pub(crate) fn new() -> Self {
        Self {
            bodies: Vec::with_capacity(64),
        }
    }

    pub(crate) fn push(&mut self, body: EntryBody) {
        self.bodies.push(Some(body));
    }

    /// The finished entries, oldest first (stable, so same-day entries keep their order).
    pub(crate) fn finish(
        mut self,
        seed: u64,
        index: u64,
        today: Date,
        dice: &mut Dice,
    ) -> Vec<Entry> {
        let mut order: Vec<(Date, u32)> = self
            .bodies
            .iter()
            .enumerate()
            .filter_map(|(i, b)| b.as_ref().map(|b| (b.date(), i as u32)))
            .collect();
        order.sort_unstable();
        let author = UserId::new("demo");
        let patient = PatientId::new(String::new());
        let ids = IdPrefix::new(seed, index);
        let mut out = Vec::with_capacity(order.len() + 2);
        for (n, (date, i)) in order.into_iter().enumerate() {
            let Some(body) = self.bodies[i as usize].take() else {
                continue;
            };
            let at = stamp(date.min(today), n);
            let duplicate = dice.chance(0.012).then(|| body.clone());
            out.push(Entry::new(
                ids.id(out.len()),
                patient.clone(),
                body,
                author.clone(),
                at,
            ));
            if let Some(copy) = duplicate {
                let first = Entry::new(
                    ids.id(out.len()),
                    patient.clone(),
                    copy,
                    author.clone(),
                    at + Duration::minutes(1),
                );
                let corrected = (at + Duration::days(1)).min(stamp(today, 479));
                let reason = dice.text(ERROR_REASONS);
                out.push(
                    first
                        .mark_entered_in_error(author.clone(), corrected, reason)
                        .expect("a new entry is active and the reason is not empty"),
                );
            }
        }
        out
    }
}

/// Entry ids `demo-{seed}-{index}-{n}`, built without `format!` for each one: generating a
/// hundred thousand patients makes millions of them.
struct IdPrefix(String);

impl IdPrefix {
    fn new(seed: u64, index: u64) -> Self {
        Self(format!("demo-{seed}-{index}-"))
    }

    fn id(&self, n: usize) -> EntryId {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut rest = n;
        loop {
            at -= 1;
            digits[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        let mut text = String::with_capacity(self.0.len() + digits.len() - at);
        text.push_str(&self.0);
        for &digit in &digits[at..] {
            text.push(char::from(digit));
        }
        EntryId::new(text)
    }
}

/// 08:00 on the entry's date plus a few minutes per entry, in UTC: reproducible, never the
/// wall clock, and in the order the entries were made.
fn stamp(date: Date, n: usize) -> OffsetDateTime {
    let minutes = n % 480;
    let time = Time::from_hms(8 + (minutes / 60) as u8, (minutes % 60) as u8, 0)
        .expect("08:00 to 15:59 is a valid time of day");
    date.with_time(time).assume_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_ids_follow_the_pattern() {
        let ids = IdPrefix::new(7, 42);
        for n in [0, 9, 10, 123, 4_000_000] {
            assert_eq!(ids.id(n).as_str(), format!("demo-7-42-{n}"));
        }
    }
}
