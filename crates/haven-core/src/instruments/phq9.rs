//! PHQ-9 (depression): nine items 0–3, an optional unscored difficulty question, and the
//! item 9 flag, which calls for a risk review whatever the total.

use super::{Band, Detail, Score, band_for, flag, sum};

pub(super) const ITEMS: usize = 9;

/// Item 9 is the question about death and self-harm.
pub(super) const ITEM9: usize = 8;

/// PHQ-9 ≥ 10 is a positive screen for `psych.consider-referral`.
pub(super) const POSITIVE_SCREEN_FROM: u8 = 10;

pub(super) const LABELS: [&str; 10] = [
    "Item 1 — loss of interest or enjoyment",
    "Item 2 — low mood or hopelessness",
    "Item 3 — sleep problems",
    "Item 4 — tiredness or low energy",
    "Item 5 — appetite change",
    "Item 6 — feeling bad about oneself",
    "Item 7 — trouble concentrating",
    "Item 8 — slowed down or restless",
    "Item 9 — thoughts of death or self-harm",
    "Difficulty — effect on daily life (optional, not scored)",
];

pub(super) const BANDS: &[Band] = &[
    (0, 4, "none-minimal"),
    (5, 9, "mild"),
    (10, 14, "moderate"),
    (15, 19, "moderately-severe"),
    (20, 27, "severe"),
];

/// PHQ-9 specifics: item 9 and the optional difficulty answer (not part of the total).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Phq9Detail {
    pub item9: u8,
    pub difficulty: Option<u8>,
}

pub(super) fn item_max(index: usize) -> Option<u8> {
    (index < LABELS.len()).then_some(3)
}

/// Scores answers already checked by `answers::check`.
pub(super) fn score(answers: &[u8]) -> Score {
    let (items, rest) = answers.split_at_checked(ITEMS).unwrap_or((answers, &[]));
    let total = sum(items);
    let item9 = items.get(ITEM9).copied().unwrap_or(0);
    let mut flags = Vec::new();
    if item9 >= 1 {
        flags.push(flag::ITEM9_POSITIVE);
    }
    Score::answered(
        answers,
        Some(total),
        band_for(BANDS, total),
        flags,
        Detail::Phq9(Phq9Detail {
            item9,
            difficulty: rest.first().copied(),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_support::with_total;
    use super::super::{Detail, Instrument, flag, score};
    use super::Phq9Detail;

    #[test]
    fn every_band_edge() {
        let cases = [
            (0, "none-minimal"),
            (4, "none-minimal"),
            (5, "mild"),
            (9, "mild"),
            (10, "moderate"),
            (14, "moderate"),
            (15, "moderately-severe"),
            (19, "moderately-severe"),
            (20, "severe"),
            (27, "severe"),
        ];
        for (total, band) in cases {
            let s = score(Instrument::Phq9, &with_total(Instrument::Phq9, total));
            assert_eq!(
                s.map(|s| (s.total(), s.band())),
                Ok((Some(total), Some(band)))
            );
        }
    }

    #[test]
    fn item9_flag_whatever_the_total() {
        let cases: [(&[u8], u8, &[&str]); 4] = [
            (&[0, 0, 0, 0, 0, 0, 0, 0, 0], 0, &[]),
            (&[0, 0, 0, 0, 0, 0, 0, 0, 1], 1, &[flag::ITEM9_POSITIVE]),
            (&[3, 3, 3, 3, 3, 3, 3, 3, 0], 24, &[]),
            (&[2, 2, 2, 2, 0, 0, 0, 0, 3], 11, &[flag::ITEM9_POSITIVE]),
        ];
        for (answers, total, flags) in cases {
            let s = score(Instrument::Phq9, answers);
            assert_eq!(s.as_ref().map(|s| s.total()), Ok(Some(total)));
            assert_eq!(s.as_ref().map(|s| s.flags()), Ok(flags), "{answers:?}");
        }
    }

    #[test]
    fn difficulty_is_reported_and_not_totalled() {
        let s = score(Instrument::Phq9, &[1, 1, 1, 1, 1, 1, 1, 1, 2, 3]);
        let s = s.as_ref().map(|s| (s.total(), s.detail()));
        let detail = Detail::Phq9(Phq9Detail {
            item9: 2,
            difficulty: Some(3),
        });
        assert_eq!(s, Ok((Some(10), Some(&detail))));
        let s = score(Instrument::Phq9, &[0; 9]);
        let none = Detail::Phq9(Phq9Detail {
            item9: 0,
            difficulty: None,
        });
        assert_eq!(s.as_ref().map(|s| s.detail()), Ok(Some(&none)));
    }
}
