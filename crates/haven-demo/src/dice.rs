//! The per-patient random source: a ChaCha8 stream keyed by (seed, patient index), with the few
//! draws the generator needs (chances, ranges, weighted picks, dates).
//!
//! ChaCha8 is used rather than a platform-dependent small RNG because its output is specified
//! and portable: the same seed gives the same population on every machine and every release.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration};

pub(crate) struct Dice {
    rng: ChaCha8Rng,
}

impl Dice {
    /// Patient `index` of population `seed`: each patient has its own independent stream, so
    /// any slice of the population can be generated on its own, in any order, in parallel.
    pub(crate) fn for_patient(seed: u64, index: u64) -> Self {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        key[8..16].copy_from_slice(&index.to_le_bytes());
        key[16..24].copy_from_slice(b"havendem");
        Self {
            rng: ChaCha8Rng::from_seed(key),
        }
    }

    /// True with probability `p` (never below 0, always above 1).
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform in `0.0..1.0`.
    pub(crate) fn unit(&mut self) -> f64 {
        self.rng.random::<f64>()
    }

    /// Uniform integer in `lo..=hi` (returns `lo` when the range is empty).
    pub(crate) fn int(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            self.rng.random_range(lo..=hi)
        }
    }

    /// Uniform index below `len` (which must be non-zero).
    pub(crate) fn index(&mut self, len: usize) -> usize {
        self.rng.random_range(0..len)
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// One of a table of phrases.
    pub(crate) fn text(&mut self, items: &[&'static str]) -> &'static str {
        items[self.index(items.len())]
    }

    /// Picks from `(weight, item)` pairs in proportion to the weights.
    pub(crate) fn weighted<'a, T>(&mut self, items: &'a [(u32, T)]) -> &'a T {
        let total: u32 = items.iter().map(|(w, _)| w).sum();
        let mut roll = self.rng.random_range(0..total.max(1));
        for (w, item) in items {
            if roll < *w {
                return item;
            }
            roll -= w;
        }
        &items[items.len() - 1].1
    }

    /// Gap in days of a Poisson process with `per_year` events a year (at least one day).
    pub(crate) fn gap_days(&mut self, per_year: f64) -> i64 {
        let u = self.unit().max(1e-9);
        ((-u.ln() / per_year) * 365.0).ceil().max(1.0) as i64
    }

    /// Symmetric noise in `-amp..amp`.
    pub(crate) fn noise(&mut self, amp: f64) -> f64 {
        (self.unit() * 2.0 - 1.0) * amp
    }

    /// A date `lo..=hi` days after `from`.
    pub(crate) fn days_after(&mut self, from: Date, lo: i64, hi: i64) -> Date {
        from + Duration::days(self.int(lo, hi))
    }

    /// A date `lo..=hi` days after `from` but not after `until`: the range shrinks rather than
    /// piling dates up on `until` (and is `until` itself if `from` is later).
    pub(crate) fn within(&mut self, from: Date, lo: i64, hi: i64, until: Date) -> Date {
        let room = (until - from).whole_days();
        if room < 0 {
            return until;
        }
        let hi = hi.min(room);
        from + Duration::days(self.int(lo.min(hi), hi))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_independent_and_repeatable() {
        let draw = |seed, index| {
            let mut d = Dice::for_patient(seed, index);
            (0..8).map(|_| d.int(0, 1_000_000)).collect::<Vec<_>>()
        };
        assert_eq!(draw(1, 7), draw(1, 7));
        assert_ne!(draw(1, 7), draw(1, 8));
        assert_ne!(draw(1, 7), draw(2, 7));
    }

    #[test]
    fn dates_within_a_limit_spread_out() {
        use time::macros::date;
        let mut d = Dice::for_patient(5, 5);
        let (from, until) = (date!(2026 - 11 - 20), date!(2026 - 11 - 28));
        let dates: Vec<Date> = (0..200).map(|_| d.within(from, 7, 400, until)).collect();
        assert!(
            dates
                .iter()
                .all(|x| *x >= from + Duration::days(7) && *x <= until)
        );
        assert!(
            dates.iter().any(|x| *x < until),
            "not piled up on the limit"
        );
        assert_eq!(d.within(until, 0, 10, from), from);
    }

    #[test]
    fn weighted_pick_respects_zero_weights() {
        let mut d = Dice::for_patient(3, 3);
        let items = [(0, 'a'), (5, 'b'), (0, 'c')];
        assert!((0..100).all(|_| *d.weighted(&items) == 'b'));
    }
}
