//! Helpers shared by the instrument tests: building answer lists with a chosen total.

use super::Instrument;

/// Answers whose total is `total`, filling counted items in order from item 1 up to each item's
/// maximum. Answers outside the total (RHS-15 items 14 and 15) are left at 0 and optional ones
/// (PHQ-9's difficulty) omitted. ITQ has no total, so its items are simply filled in order too.
pub(super) fn with_total(instrument: Instrument, total: u8) -> Vec<u8> {
    let d = instrument.description();
    let fills = |index: usize| d.counts(index) || d.total.is_none();
    let mut left = total;
    let answers: Vec<u8> = (0..instrument.item_count())
        .map(|index| {
            let max = instrument.item_range(index).map_or(0, |r| *r.end());
            let answer = if fills(index) { left.min(max) } else { 0 };
            left -= answer;
            answer
        })
        .collect();
    assert_eq!(left, 0, "{instrument} cannot reach total {total}");
    answers
}
