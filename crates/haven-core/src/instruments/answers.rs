//! Answer lists at the boundary: parsing comma-separated input ("1,2,3") and checking counts
//! and ranges, so that scoring itself only ever sees valid answers.

use std::num::IntErrorKind;

#[cfg(test)]
use super::Instrument;
use super::{Description, ScoreError};

/// Parses comma-separated answers in published order. Spaces around answers are ignored; an
/// empty string is no answers. Errors name the item (1-based).
pub fn parse_answers(
    instrument: impl Into<&'static Description>,
    text: &str,
) -> Result<Vec<u8>, ScoreError> {
    let instrument = instrument.into();
    let fields: Vec<&str> = if text.trim().is_empty() {
        Vec::new()
    } else {
        text.split(',').map(str::trim).collect()
    };
    check_count(instrument, fields.len())?;
    fields
        .iter()
        .enumerate()
        .map(|(index, field)| parse_one(instrument, index, field))
        .collect()
}

/// The inverse of [`parse_answers`]: `[1, 2, 3]` → `"1,2,3"`.
pub fn format_answers(answers: &[u8]) -> String {
    answers
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Checks already-numeric answers: the count first, then each answer's range.
pub(super) fn check(instrument: &'static Description, answers: &[u8]) -> Result<(), ScoreError> {
    check_count(instrument, answers.len())?;
    for (index, &answer) in answers.iter().enumerate() {
        check_range(instrument, index, i128::from(answer), &answer.to_string())?;
    }
    Ok(())
}

fn check_count(instrument: &'static Description, got: usize) -> Result<(), ScoreError> {
    if (instrument.item_count()..=instrument.max_answers()).contains(&got) {
        Ok(())
    } else {
        Err(ScoreError::WrongCount { instrument, got })
    }
}

fn parse_one(instrument: &Description, index: usize, field: &str) -> Result<u8, ScoreError> {
    match field.parse::<i128>() {
        Ok(value) => check_range(instrument, index, value, field),
        // A whole number too long for i128 is still a whole number, just out of range.
        Err(e)
            if matches!(
                e.kind(),
                IntErrorKind::PosOverflow | IntErrorKind::NegOverflow
            ) =>
        {
            check_range(instrument, index, i128::MAX, field)
        }
        Err(_) => Err(ScoreError::NotANumber {
            item: index + 1,
            text: field.to_owned(),
        }),
    }
}

/// `value` is checked; `shown` is how the error message writes it.
pub(super) fn check_range(
    instrument: &Description,
    index: usize,
    value: i128,
    shown: &str,
) -> Result<u8, ScoreError> {
    // Counts are checked first, so every index here has a range; 0..=0 is a safe fallback.
    let range = instrument.item_range(index).unwrap_or(0..=0);
    match u8::try_from(value) {
        Ok(v) if range.contains(&v) => Ok(v),
        _ => Err(ScoreError::OutOfRange {
            item: index + 1,
            value: shown.to_owned(),
            min: *range.start(),
            max: *range.end(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(instrument: Instrument, input: &str, expect: Result<Vec<u8>, &str>) {
        let got = parse_answers(instrument, input).map_err(|e| e.to_string());
        assert_eq!(got, expect.map_err(str::to_owned), "input {input:?}");
    }

    #[test]
    fn parses_valid_answers() {
        check(
            Instrument::Gad7,
            "0,1,2,3,0,1,2",
            Ok(vec![0, 1, 2, 3, 0, 1, 2]),
        );
        check(
            Instrument::Gad7,
            " 0, 1 ,2,3,0,1,+2 ",
            Ok(vec![0, 1, 2, 3, 0, 1, 2]),
        );
        check(Instrument::Phq9, "1,1,1,1,1,1,1,1,1", Ok(vec![1; 9]));
        check(
            Instrument::Phq9,
            "1,1,1,1,1,1,1,1,1,3",
            Ok(vec![1, 1, 1, 1, 1, 1, 1, 1, 1, 3]),
        );
        check(
            Instrument::Rhs15,
            "0,0,0,0,0,0,0,0,0,0,0,0,0,4,10",
            Ok([vec![0; 13], vec![4, 10]].concat()),
        );
    }

    #[test]
    fn errors_name_the_item() {
        use Instrument::*;
        let cases: [(Instrument, &str, &str); 14] = [
            (
                Phq9,
                "1,1,1,x,1,1,1,1,1",
                r#"item 4: "x" is not a whole number"#,
            ),
            (Phq9, "1,1,1,1,1,1,1,1,5", "item 9: 5 is out of range 0–3"),
            (
                Phq9,
                "1,1,1,1,1,1,1,1",
                "expected 9 answers for PHQ-9, got 8",
            ),
            (
                Phq9,
                "1,1,1,1,1,1,1,1,1,1,1",
                "expected 9 or 10 answers for PHQ-9, got 11",
            ),
            (
                Phq9,
                "1,1,1,1,1,1,1,1,1,4",
                "item 10: 4 is out of range 0–3",
            ),
            (Phq9, "", "expected 9 answers for PHQ-9, got 0"),
            (Gad7, "1,,1,1,1,1,1", r#"item 2: "" is not a whole number"#),
            (
                Gad7,
                "1,1.5,1,1,1,1,1",
                r#"item 2: "1.5" is not a whole number"#,
            ),
            (Gad7, "1,1,-1,1,1,1,1", "item 3: -1 is out of range 0–3"),
            (
                Gad7,
                "1,1,1,1,1,1,1,",
                "expected 7 answers for GAD-7, got 8",
            ),
            (
                Gad7,
                "1,1,1,1,1,1,999999999999999999999999999999999999999999",
                "item 7: 999999999999999999999999999999999999999999 is out of range 0–3",
            ),
            (
                Phq15,
                &("0,".repeat(14) + "3"),
                "item 15: 3 is out of range 0–2",
            ),
            (
                Pcl5,
                &("0,".repeat(19) + "5"),
                "item 20: 5 is out of range 0–4",
            ),
            (
                Rhs15,
                &("0,".repeat(14) + "11"),
                "item 15: 11 is out of range 0–10",
            ),
        ];
        for (instrument, input, message) in cases {
            check(instrument, input, Err(message));
        }
    }

    #[test]
    fn score_rejects_out_of_range_numbers_too() {
        let got = super::super::score(
            Instrument::Itq,
            &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9],
        );
        assert_eq!(
            got.map_err(|e| e.to_string()),
            Err("item 18: 9 is out of range 0–4".to_owned())
        );
        let got = super::super::score(Instrument::Itq, &[0; 17]);
        assert_eq!(
            got.map_err(|e| e.to_string()),
            Err("expected 18 answers for ITQ, got 17".to_owned())
        );
    }

    #[test]
    fn format_is_comma_separated() {
        assert_eq!(format_answers(&[1, 2, 3]), "1,2,3");
        assert_eq!(format_answers(&[]), "");
    }
}
