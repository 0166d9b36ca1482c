//! Codes for questionnaire results, shared by export and import: the LOINC total and item
//! codes where verified, Haven's own codes (`haven#<instrument>-total`, `haven#pcl5-item-3`)
//! everywhere else.

use haven_core::instruments::Instrument;
use haven_core::terminology::{self, LOINC};

use crate::model::Coding;
use crate::uris::{self, cs};

/// The verified LOINC total-score key, where one exists (ITQ and RHS-15 have none).
pub fn total_key(instrument: Instrument) -> Option<&'static str> {
    match instrument {
        Instrument::Phq9 => Some("phq9.total"),
        Instrument::Gad7 => Some("gad7.total"),
        Instrument::Phq15 => Some("phq15.total"),
        Instrument::Pcl5 => Some("pcl5.total"),
        Instrument::Itq | Instrument::Rhs15 => None,
    }
}

/// The LOINC panel key, accepted on import as the code of a whole-questionnaire Observation.
pub fn panel_key(instrument: Instrument) -> Option<&'static str> {
    match instrument {
        Instrument::Phq9 => Some("phq9.panel"),
        Instrument::Gad7 => Some("gad7.panel"),
        Instrument::Phq15 => Some("phq15.panel"),
        Instrument::Pcl5 => Some("pcl5.panel"),
        Instrument::Itq | Instrument::Rhs15 => None,
    }
}

/// Haven's code for the result: `phq9-total` … `pcl5-total`, `itq-result`, `rhs15-result`.
pub fn haven_result_code(instrument: Instrument) -> String {
    match instrument {
        Instrument::Itq | Instrument::Rhs15 => format!("{}-result", instrument.id()),
        _ => format!("{}-total", instrument.id()),
    }
}

/// The codings of a result Observation's `code`: the LOINC total first where verified, then
/// Haven's code.
pub fn result_codings(instrument: Instrument) -> Vec<Coding> {
    let mut out = Vec::new();
    if let Some(key) = total_key(instrument) {
        out.push(uris::verified(terminology::by_key(key)));
    }
    let display = match instrument {
        Instrument::Itq | Instrument::Rhs15 => format!("{} result", instrument.name()),
        _ => format!("{} total score", instrument.name()),
    };
    out.push(uris::haven(
        cs::HAVEN,
        &haven_result_code(instrument),
        &display,
    ));
    out
}

/// Which instrument a result or panel code names, in any accepted form.
pub fn instrument_of(coding: &Coding) -> Option<Instrument> {
    let (system, code) = (coding.system.as_deref()?, coding.code.as_deref()?);
    Instrument::all().iter().copied().find(|&i| {
        if system == LOINC {
            [total_key(i), panel_key(i)]
                .into_iter()
                .flatten()
                .any(|k| terminology::by_key(k).code == code)
        } else {
            uris::is_system(system, cs::HAVEN) && code == haven_result_code(i)
        }
    })
}

/// The verified LOINC item key for answer `index` (0-based), for PHQ-9 (with its difficulty
/// question as the 10th answer) and GAD-7.
fn item_key(instrument: Instrument, index: usize) -> Option<String> {
    match (instrument, index) {
        (Instrument::Phq9, 0..=8) => Some(format!("phq9.item{}", index + 1)),
        (Instrument::Phq9, 9) => Some("phq9.difficulty".to_owned()),
        (Instrument::Gad7, 0..=6) => Some(format!("gad7.item{}", index + 1)),
        _ => None,
    }
}

/// The coding of answer `index` (0-based): LOINC for PHQ-9 and GAD-7, `haven#<id>-item-<n>`
/// otherwise.
pub fn item_coding(instrument: Instrument, index: usize) -> Coding {
    match item_key(instrument, index) {
        Some(key) => uris::verified(terminology::by_key(&key)),
        None => {
            let label = instrument
                .item_labels()
                .get(index)
                .copied()
                .unwrap_or("item");
            uris::haven(
                cs::HAVEN,
                &format!("{}-item-{}", instrument.id(), index + 1),
                label,
            )
        }
    }
}

/// The answer index (0-based) that a component coding names, in either form. Read from the
/// code itself rather than by building every item's coding and comparing (a PCL-5 result has
/// twenty components: that was four hundred codings per result).
pub fn item_index(instrument: Instrument, coding: &Coding) -> Option<usize> {
    let (system, code) = (coding.system.as_deref()?, coding.code.as_deref()?);
    let index = if uris::is_system(system, cs::HAVEN) {
        let number = code.strip_prefix(instrument.id())?.strip_prefix("-item-")?;
        if number.starts_with('0') {
            return None;
        }
        number.parse::<usize>().ok()?.checked_sub(1)?
    } else {
        let key = terminology::lookup(system, code)?.key;
        (0..instrument.max_answers()).find(|&i| item_key(instrument, i).as_deref() == Some(key))?
    };
    (index < instrument.max_answers()).then_some(index)
}

/// How an answer given as a code reads for answer `index` (0-based) of `instrument`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodedAnswer {
    /// A verified LOINC answer code for this item, and the number it stands for.
    Value(u8),
    /// A code Haven cannot read as a number for this item: not a verified answer code, or a
    /// PHQ/GAD answer code on an item whose answers are worded differently.
    Unreadable,
}

/// Reads an answer code. Only the verified PHQ/GAD answer codes (`answer.0` … `answer.3` in
/// `codes.tsv`: "not at all" … "nearly every day") are read, and only for PHQ-9 items 1–9 and
/// GAD-7 items 1–7, whose answers they are; PHQ-9's difficulty question, PHQ-15 and the others
/// have differently worded answers with no verified codes.
pub fn answer_value(instrument: Instrument, index: usize, coding: &Coding) -> CodedAnswer {
    let value = (|| {
        let code = terminology::lookup(coding.system.as_deref()?, coding.code.as_deref()?)?;
        code.key.strip_prefix("answer.")?.parse::<u8>().ok()
    })();
    let frequency_item = matches!(
        (instrument, index),
        (Instrument::Phq9, 0..=8) | (Instrument::Gad7, 0..=6)
    );
    match value {
        Some(v) if frequency_item => CodedAnswer::Value(v),
        _ => CodedAnswer::Unreadable,
    }
}

/// `system|code` of a coding, for messages.
pub fn describe(coding: &Coding) -> String {
    format!(
        "{}|{}",
        coding.system.as_deref().unwrap_or(""),
        coding.code.as_deref().unwrap_or("")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_codes_round_trip_for_every_instrument() {
        for &i in Instrument::all() {
            for index in 0..i.max_answers() {
                assert_eq!(
                    item_index(i, &item_coding(i, index)),
                    Some(index),
                    "{i} {index}"
                );
            }
            for coding in result_codings(i) {
                assert_eq!(instrument_of(&coding), Some(i));
            }
        }
        assert_eq!(
            item_coding(Instrument::Phq9, 8).code.as_deref(),
            Some(terminology::by_key("phq9.item9").code)
        );
        assert_eq!(
            item_coding(Instrument::Pcl5, 2).code.as_deref(),
            Some("pcl5-item-3")
        );
        let haven = |code: &str| Coding::new(uris::system(cs::HAVEN), code, "");
        assert_eq!(item_index(Instrument::Phq9, &haven("phq9-item-3")), Some(2));
        for wrong in [
            "pcl5-item-0",
            "pcl5-item-21",
            "pcl5-item-03",
            "pcl5-item-",
            "gad7-item-1",
        ] {
            assert_eq!(item_index(Instrument::Pcl5, &haven(wrong)), None, "{wrong}");
        }
        assert!(uris::is_system(&uris::system(cs::HAVEN), cs::HAVEN));
        assert!(!uris::is_system("http://loinc.org", cs::HAVEN));
    }

    #[test]
    fn answer_codes_are_read_only_for_the_items_they_belong_to() {
        let la = |key| uris::verified(terminology::by_key(key));
        assert_eq!(
            answer_value(Instrument::Phq9, 8, &la("answer.2")),
            CodedAnswer::Value(2)
        );
        assert_eq!(
            answer_value(Instrument::Gad7, 0, &la("answer.0")),
            CodedAnswer::Value(0)
        );
        assert_eq!(
            answer_value(Instrument::Gad7, 6, &la("answer.3")),
            CodedAnswer::Value(3)
        );
        for (instrument, index) in [
            (Instrument::Phq9, 9),
            (Instrument::Phq15, 0),
            (Instrument::Pcl5, 2),
        ] {
            assert_eq!(
                answer_value(instrument, index, &la("answer.1")),
                CodedAnswer::Unreadable,
                "{instrument} {index}"
            );
        }
        let unverified = Coding::new(LOINC, "an-unverified-answer", "");
        assert_eq!(
            answer_value(Instrument::Phq9, 0, &unverified),
            CodedAnswer::Unreadable
        );
        assert_eq!(
            describe(&unverified),
            "http://loinc.org|an-unverified-answer"
        );
    }
}
