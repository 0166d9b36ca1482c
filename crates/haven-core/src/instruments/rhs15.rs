//! RHS-15 (Refugee Health Screener): items 1–13 and 14 scored 0–4, item 15 a 0–10 distress
//! thermometer. Only the verified RHS-13 rule (items 1–13 total ≥ 11) is computed; the
//! combined 15-item rule is not verified and deliberately absent. Its licence forbids showing
//! item text, so the labels are bare numbers.

use super::{Band, Detail, Score, band_for, flag, sum};

/// Items 1–13 make up the RHS-13.
pub(super) const RHS13_ITEMS: usize = 13;
const COPING: usize = 13;
const THERMOMETER: usize = 14;

/// RHS-13 ≥ 11 is a positive screen.
pub(super) const POSITIVE_FROM: u8 = 11;

pub(super) const LABELS: [&str; 15] = [
    "Item 1",
    "Item 2",
    "Item 3",
    "Item 4",
    "Item 5",
    "Item 6",
    "Item 7",
    "Item 8",
    "Item 9",
    "Item 10",
    "Item 11",
    "Item 12",
    "Item 13",
    "Item 14 — coping",
    "Item 15 — distress thermometer (0–10)",
];

/// Bands on the RHS-13 total (0–52).
pub(super) const BANDS: &[Band] = &[(0, 10, "negative"), (11, 52, "positive")];

/// RHS-15 specifics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rhs15Detail {
    /// Items 1–13, 0–52.
    pub rhs13_total: u8,
    /// Item 14, 0–4.
    pub coping: u8,
    /// Item 15, 0–10.
    pub distress_thermometer: u8,
}

impl Rhs15Detail {
    /// The verified rule: RHS-13 total ≥ 11.
    pub fn positive(&self) -> bool {
        self.rhs13_total >= POSITIVE_FROM
    }
}

pub(super) fn item_max(index: usize) -> Option<u8> {
    match index {
        0..=13 => Some(4),
        14 => Some(10),
        _ => None,
    }
}

/// Scores answers already checked by `answers::check`. The score's `total` is the RHS-13
/// total, the only total with a verified rule.
pub(super) fn score(answers: &[u8]) -> Score {
    let at = |index: usize| answers.get(index).copied().unwrap_or(0);
    let detail = Rhs15Detail {
        rhs13_total: sum(answers.get(..RHS13_ITEMS).unwrap_or(&[])),
        coping: at(COPING),
        distress_thermometer: at(THERMOMETER),
    };
    let mut flags = Vec::new();
    if detail.positive() {
        flags.push(flag::POSITIVE_SCREEN);
    }
    Score::answered(
        answers,
        Some(detail.rhs13_total),
        band_for(BANDS, detail.rhs13_total),
        flags,
        Detail::Rhs15(detail),
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_support::with_total;
    use super::super::{Detail, Instrument, flag, score};

    fn check(answers: &[u8], expect: (u8, bool, u8, u8)) {
        let s = score(Instrument::Rhs15, answers);
        let d = match s.as_ref().map(|s| s.detail().copied()) {
            Ok(Some(Detail::Rhs15(d))) => d,
            other => panic!("{other:?}"),
        };
        let got = (
            d.rhs13_total,
            d.positive(),
            d.coping,
            d.distress_thermometer,
        );
        assert_eq!(got, expect, "{answers:?}");
        let band = if expect.1 { "positive" } else { "negative" };
        let s = s
            .as_ref()
            .map(|s| (s.total(), s.band(), s.has_flag(flag::POSITIVE_SCREEN)));
        assert_eq!(s, Ok((Some(expect.0), Some(band), expect.1)));
    }

    #[test]
    fn rhs13_rule_at_its_edge() {
        check(&with_total(Instrument::Rhs15, 0), (0, false, 0, 0));
        check(&with_total(Instrument::Rhs15, 10), (10, false, 0, 0));
        check(&with_total(Instrument::Rhs15, 11), (11, true, 0, 0));
        check(&with_total(Instrument::Rhs15, 52), (52, true, 0, 0));
    }

    #[test]
    fn coping_and_thermometer_do_not_count() {
        // Items 14 and 15 at their maximum cannot make a screen positive.
        let mut answers = with_total(Instrument::Rhs15, 10);
        answers[13] = 4;
        answers[14] = 10;
        check(&answers, (10, false, 4, 10));
        let mut answers = [0u8; 15];
        answers[12] = 4;
        answers[0] = 4;
        answers[6] = 3;
        answers[14] = 7;
        check(&answers, (11, true, 0, 7));
    }
}
