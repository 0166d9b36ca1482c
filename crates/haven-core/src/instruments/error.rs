//! Why answers could not be scored, in messages a clinician can act on: each names the item.

use super::{Description, Instrument, PCL5_CUTOFF_RANGE};

/// Answers or options that cannot be scored. Item numbers are 1-based, as on the form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    #[error(
        "expected {} answers for {}, got {got}",
        expected_count(.instrument, *.got),
        .instrument.name
    )]
    WrongCount {
        instrument: &'static Description,
        got: usize,
    },

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

    /// A total given for the ITQ, which has none.
    #[error("the {} has no total; it is recorded item by item", .instrument.name)]
    NoTotal { instrument: &'static Description },

    #[error("{} total {total} is above the maximum of {max}", .instrument.name)]
    TotalAboveMax {
        instrument: &'static Description,
        total: u8,
        max: u8,
    },

    /// Every scored item is recorded and they do not add up to the recorded total.
    #[error(
        "{} total {total} does not match the item answers, which add up to {sum}",
        .instrument.name
    )]
    TotalMismatch {
        instrument: &'static Description,
        total: u8,
        sum: u8,
    },

    /// Some items are missing and those recorded already add up to more than the total.
    #[error(
        "{} total {total} is less than the item answers recorded, which add up to {sum}",
        .instrument.name
    )]
    TotalBelowItems {
        instrument: &'static Description,
        total: u8,
        sum: u8,
    },

    /// Some items are missing and even at their maximum the total could not be reached.
    #[error(
        "{} total {total} cannot be reached: with the item answers recorded it is at most {most}",
        .instrument.name
    )]
    TotalUnreachable {
        instrument: &'static Description,
        total: u8,
        most: u8,
    },

    /// An item missing from an instrument without a total (ITQ), whose result needs them all.
    #[error(
        "{name} item {item} is not recorded; the {name} has no total, so every item is needed",
        name = .instrument.name
    )]
    ItemRequired {
        instrument: &'static Description,
        item: usize,
    },

    #[error(
        "nothing recorded: a {} result needs its total or at least one item answer",
        .instrument.name
    )]
    NothingRecorded { instrument: &'static Description },

    #[error(
        "PCL-5 cut-point {cutoff} is outside {}–{}",
        PCL5_CUTOFF_RANGE.start(),
        PCL5_CUTOFF_RANGE.end()
    )]
    Pcl5Cutoff { cutoff: u8 },
}

impl ScoreError {
    /// Whether the fault is in the recorded total rather than in the item answers, so that a
    /// message can point at the right field.
    pub fn is_about_total(&self) -> bool {
        matches!(
            self,
            Self::NoTotal { .. }
                | Self::TotalAboveMax { .. }
                | Self::TotalMismatch { .. }
                | Self::TotalBelowItems { .. }
                | Self::TotalUnreachable { .. }
        )
    }
}

/// The instrument id was not one Haven knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown instrument {0:?} (expected {known})", known = Instrument::ids_listed())]
pub struct UnknownInstrument(pub String);

/// "9" for most counts; for PHQ-9, which takes an optional 10th answer, "9 or 10" when too many
/// were given, so the message says what would have been accepted.
fn expected_count(instrument: &Description, got: usize) -> String {
    let (min, max) = (instrument.item_count(), instrument.max_answers());
    if min == max || got < min {
        min.to_string()
    } else {
        format!("{min} or {max}")
    }
}
