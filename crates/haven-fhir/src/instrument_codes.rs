//! Codes for questionnaire results, read from each instrument's description and shared by
//! export and import: the verified LOINC codes its description names (as `codes.tsv` keys),
//! and Haven's own codes (`haven#phq9-total`, `haven#pcl5-item-3`) everywhere else.

use haven_core::instruments::{Description, Instrument};
use haven_core::terminology::{self, LOINC};

use crate::model::Coding;
use crate::uris::{self, cs};

/// The codings of a result Observation's `code`: the LOINC total first where verified, then
/// Haven's code.
pub fn result_codings(description: &Description) -> Vec<Coding> {
    let mut out = Vec::new();
    if let Some(key) = description.codes.total {
        out.push(uris::verified(terminology::by_key(key)));
    }
    let own = description.codes.result;
    out.push(uris::haven(cs::HAVEN, own.code, own.display));
    out
}

/// Whether a coding names this instrument's result: its LOINC total or panel, or Haven's code.
pub fn names_result(description: &Description, coding: &Coding) -> bool {
    let (Some(system), Some(code)) = (coding.system.as_deref(), coding.code.as_deref()) else {
        return false;
    };
    if system == LOINC {
        [description.codes.total, description.codes.panel]
            .into_iter()
            .flatten()
            .any(|key| terminology::by_key(key).code == code)
    } else {
        uris::is_system(system, cs::HAVEN) && code == description.codes.result.code
    }
}

/// Which of Haven's instruments a result or panel code names, in any accepted form.
pub fn instrument_of(coding: &Coding) -> Option<Instrument> {
    Instrument::all()
        .iter()
        .copied()
        .find(|i| names_result(i.description(), coding))
}

/// The coding of answer `index` (0-based): the item's verified LOINC code where its description
/// names one, `haven#<id>-item-<n>` otherwise.
pub fn item_coding(description: &Description, index: usize) -> Coding {
    let item = description.items.get(index);
    match item.and_then(|item| item.code) {
        Some(key) => uris::verified(terminology::by_key(key)),
        None => uris::haven(
            cs::HAVEN,
            &format!("{}-item-{}", description.id, index + 1),
            item.map_or("item", |item| item.label),
        ),
    }
}

/// The answer index (0-based) that a component coding names, in either form. Read from the
/// code itself rather than by building every item's coding and comparing (a PCL-5 result has
/// twenty components: that was four hundred codings per result).
pub fn item_index(description: &Description, coding: &Coding) -> Option<usize> {
    let (system, code) = (coding.system.as_deref()?, coding.code.as_deref()?);
    let index = if uris::is_system(system, cs::HAVEN) {
        let number = code.strip_prefix(description.id)?.strip_prefix("-item-")?;
        if number.starts_with('0') {
            return None;
        }
        number.parse::<usize>().ok()?.checked_sub(1)?
    } else {
        let key = terminology::lookup(system, code)?.key;
        description
            .items
            .iter()
            .position(|item| item.code == Some(key))?
    };
    (index < description.max_answers()).then_some(index)
}

/// How an answer given as a code reads for answer `index` (0-based) of an instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodedAnswer {
    /// A verified LOINC answer code for this item, and the number it stands for.
    Value(u8),
    /// A code Haven cannot read as a number for this item: not a verified answer code, or an
    /// answer code of another scale (a PHQ/GAD answer code on an item worded differently).
    Unreadable,
}

/// Reads an answer code: only the verified answer codes of the item's own scale are read (the
/// PHQ/GAD answer codes, "not at all" … "nearly every day", for PHQ-9 items 1–9 and GAD-7);
/// PHQ-9's difficulty question, PHQ-15 and the others have differently worded answers with no
/// verified codes.
pub fn answer_value(description: &Description, index: usize, coding: &Coding) -> CodedAnswer {
    let value = (|| {
        let key = terminology::lookup(coding.system.as_deref()?, coding.code.as_deref()?)?.key;
        let scale = description.items.get(index)?.scale;
        let at = scale.codes.iter().position(|&answer| answer == key)?;
        u8::try_from(at).ok()
    })();
    match value {
        Some(v) => CodedAnswer::Value(v),
        None => CodedAnswer::Unreadable,
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
            let d = i.description();
            for index in 0..i.max_answers() {
                assert_eq!(
                    item_index(d, &item_coding(d, index)),
                    Some(index),
                    "{i} {index}"
                );
            }
            for coding in result_codings(d) {
                assert_eq!(instrument_of(&coding), Some(i));
            }
        }
        assert_eq!(
            item_coding(Instrument::Phq9.description(), 8)
                .code
                .as_deref(),
            Some(terminology::by_key("phq9.item9").code)
        );
        assert_eq!(
            item_coding(Instrument::Pcl5.description(), 2)
                .code
                .as_deref(),
            Some("pcl5-item-3")
        );
        let haven = |code: &str| Coding::new(uris::system(cs::HAVEN), code, "");
        assert_eq!(
            item_index(Instrument::Phq9.description(), &haven("phq9-item-3")),
            Some(2)
        );
        for wrong in [
            "pcl5-item-0",
            "pcl5-item-21",
            "pcl5-item-03",
            "pcl5-item-",
            "gad7-item-1",
        ] {
            assert_eq!(
                item_index(Instrument::Pcl5.description(), &haven(wrong)),
                None,
                "{wrong}"
            );
        }
        assert!(uris::is_system(&uris::system(cs::HAVEN), cs::HAVEN));
        assert!(!uris::is_system("http://loinc.org", cs::HAVEN));
    }

    #[test]
    fn answer_codes_are_read_only_for_the_items_they_belong_to() {
        let la = |key| uris::verified(terminology::by_key(key));
        assert_eq!(
            answer_value(Instrument::Phq9.description(), 8, &la("answer.2")),
            CodedAnswer::Value(2)
        );
        assert_eq!(
            answer_value(Instrument::Gad7.description(), 0, &la("answer.0")),
            CodedAnswer::Value(0)
        );
        assert_eq!(
            answer_value(Instrument::Gad7.description(), 6, &la("answer.3")),
            CodedAnswer::Value(3)
        );
        for (instrument, index) in [
            (Instrument::Phq9, 9),
            (Instrument::Phq15, 0),
            (Instrument::Pcl5, 2),
        ] {
            assert_eq!(
                answer_value(instrument.description(), index, &la("answer.1")),
                CodedAnswer::Unreadable,
                "{instrument} {index}"
            );
        }
        let unverified = Coding::new(LOINC, "an-unverified-answer", "");
        assert_eq!(
            answer_value(Instrument::Phq9.description(), 0, &unverified),
            CodedAnswer::Unreadable
        );
        assert_eq!(
            describe(&unverified),
            "http://loinc.org|an-unverified-answer"
        );
    }
}
