//! GAD-7 (anxiety): seven items 0–3; 10 or more warrants further evaluation.

use super::{Band, Detail, Score, band_for, flag, sum};

/// GAD-7 ≥ 10 warrants further evaluation (`positive-screen`).
pub(super) const POSITIVE_SCREEN_FROM: u8 = 10;

pub(super) const LABELS: [&str; 7] = [
    "Item 1 — nervousness",
    "Item 2 — worry that cannot be controlled",
    "Item 3 — worry about many different things",
    "Item 4 — difficulty relaxing",
    "Item 5 — restlessness",
    "Item 6 — irritability",
    "Item 7 — sense of dread",
];

pub(super) const BANDS: &[Band] = &[
    (0, 4, "minimal"),
    (5, 9, "mild"),
    (10, 14, "moderate"),
    (15, 21, "severe"),
];

pub(super) fn item_max(index: usize) -> Option<u8> {
    (index < LABELS.len()).then_some(3)
}

/// Scores answers already checked by `answers::check`.
pub(super) fn score(answers: &[u8]) -> Score {
    let total = sum(answers);
    let mut flags = Vec::new();
    if total >= POSITIVE_SCREEN_FROM {
        flags.push(flag::POSITIVE_SCREEN);
    }
    Score::answered(
        answers,
        Some(total),
        band_for(BANDS, total),
        flags,
        Detail::Gad7,
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_support::with_total;
    use super::super::{Instrument, flag, score};

    #[test]
    fn every_band_edge_and_the_screen_flag() {
        let none: &[&str] = &[];
        let positive: &[&str] = &[flag::POSITIVE_SCREEN];
        let cases = [
            (0, "minimal", none),
            (4, "minimal", none),
            (5, "mild", none),
            (9, "mild", none),
            (10, "moderate", positive),
            (14, "moderate", positive),
            (15, "severe", positive),
            (21, "severe", positive),
        ];
        for (total, band, flags) in cases {
            let s = score(Instrument::Gad7, &with_total(Instrument::Gad7, total));
            let got = s.as_ref().map(|s| (s.total(), s.band(), s.flags()));
            assert_eq!(got, Ok((Some(total), Some(band), flags)), "total {total}");
        }
    }
}
