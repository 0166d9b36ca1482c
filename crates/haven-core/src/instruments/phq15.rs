//! PHQ-15 (somatic symptoms): fifteen items 0–2. Items 4 and 11 apply only to some people; the
//! form's "not applicable" is entered as 0, as published.

use super::{Band, Detail, Score, band_for, sum};

pub(super) const LABELS: [&str; 15] = [
    "Item 1 — stomach pain",
    "Item 2 — back pain",
    "Item 3 — pain in arms, legs or joints",
    "Item 4 — period pain or problems (0 if not applicable)",
    "Item 5 — headaches",
    "Item 6 — chest pain",
    "Item 7 — dizziness",
    "Item 8 — fainting",
    "Item 9 — palpitations",
    "Item 10 — breathlessness",
    "Item 11 — pain or problems during sex (0 if not applicable)",
    "Item 12 — bowel problems",
    "Item 13 — nausea, wind or indigestion",
    "Item 14 — tiredness or low energy",
    "Item 15 — sleep problems",
];

pub(super) const BANDS: &[Band] = &[
    (0, 4, "minimal"),
    (5, 9, "low"),
    (10, 14, "medium"),
    (15, 30, "high"),
];

pub(super) fn item_max(index: usize) -> Option<u8> {
    (index < LABELS.len()).then_some(2)
}

/// Scores answers already checked by `answers::check`. PHQ-15 has no flags.
pub(super) fn score(answers: &[u8]) -> Score {
    let total = sum(answers);
    Score::answered(
        answers,
        Some(total),
        band_for(BANDS, total),
        Vec::new(),
        Detail::Phq15,
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_support::with_total;
    use super::super::{Instrument, score};

    #[test]
    fn every_band_edge() {
        let cases = [
            (0, "minimal"),
            (4, "minimal"),
            (5, "low"),
            (9, "low"),
            (10, "medium"),
            (14, "medium"),
            (15, "high"),
            (30, "high"),
        ];
        for (total, band) in cases {
            let s = score(Instrument::Phq15, &with_total(Instrument::Phq15, total));
            let got = s.as_ref().map(|s| (s.total(), s.band(), s.flags().len()));
            assert_eq!(got, Ok((Some(total), Some(band), 0)), "total {total}");
        }
    }
}
