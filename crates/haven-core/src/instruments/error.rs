//! Why answers could not be scored, in messages a clinician can act on: each names the item.

use super::{Instrument, PCL5_CUTOFF_RANGE};

/// Answers or options that cannot be scored. Item numbers are 1-based, as on the form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    #[error(
        "expected {} answers for {}, got {got}",
        expected_count(*.instrument, *.got),
        .instrument.name()
    )]
    WrongCount { instrument: Instrument, got: usize },

    #[error("item {item}: {text:?} is not a whole number")]
    NotANumber { item: usize, text: String },

    /// `value` is text because a typed answer may not fit any integer type.
    #[error("item {item}: {value} is out of range {min}–{max}")]
    OutOfRange {
        item: usize,
        value: String,
        min: u8,
        max: u8,
    },

    #[error(
        "PCL-5 cut-point {cutoff} is outside {}–{}",
        PCL5_CUTOFF_RANGE.start(),
        PCL5_CUTOFF_RANGE.end()
    )]
    Pcl5Cutoff { cutoff: u8 },
}

/// The instrument id was not one Haven knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown instrument {0:?} (expected phq9, gad7, phq15, pcl5, itq or rhs15)")]
pub struct UnknownInstrument(pub String);

/// "9" for most counts; for PHQ-9, which takes an optional 10th answer, "9 or 10" when too many
/// were given, so the message says what would have been accepted.
fn expected_count(instrument: Instrument, got: usize) -> String {
    let (min, max) = (instrument.item_count(), instrument.max_answers());
    if min == max || got < min {
        min.to_string()
    } else {
        format!("{min} or {max}")
    }
}
