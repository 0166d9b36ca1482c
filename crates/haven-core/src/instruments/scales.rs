//! Answer scales more than one instrument uses, in Haven's own short words.

use super::description::Scale;

/// "Over the last two weeks, how often…" (PHQ-9 items 1–9, GAD-7), with the verified LOINC
/// answer codes for each answer.
pub const FREQUENCY: Scale = Scale {
    max: 3,
    words: &[
        "not at all",
        "several days",
        "more than half the days",
        "nearly every day",
    ],
    codes: &["answer.0", "answer.1", "answer.2", "answer.3"],
};

/// "How much have you been bothered by…" on five steps (PCL-5, ITQ).
pub const INTENSITY: Scale = Scale {
    max: 4,
    words: &[
        "not at all",
        "a little bit",
        "moderately",
        "quite a bit",
        "extremely",
    ],
    codes: &[],
};
