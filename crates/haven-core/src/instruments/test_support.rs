//! Helpers shared by the instrument tests: building answer lists with a chosen total.

use super::Instrument;

/// Answers whose total is `total`, filling scored items in order from item 1 up to each item's
/// maximum. Unscored answers (PHQ-9 difficulty, RHS-15 items 14 and 15) are left at 0 and PHQ-9's
/// difficulty is omitted. ITQ has no total, so its items are simply filled in order too.
pub(super) fn with_total(instrument: Instrument, total: u8) -> Vec<u8> {
    let scored = match instrument {
        Instrument::Rhs15 => 13,
        _ => instrument.item_count(),
    };
    let mut left = total;
    let mut answers: Vec<u8> = (0..scored)
        .map(|index| {
            let max = instrument.item_range(index).map_or(0, |r| *r.end());
            let answer = left.min(max);
            left -= answer;
            answer
        })
        .collect();
    assert_eq!(left, 0, "{instrument} cannot reach total {total}");
    answers.resize(instrument.item_count(), 0);
    answers
}
