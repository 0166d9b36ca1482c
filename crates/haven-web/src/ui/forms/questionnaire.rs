//! The item-by-item questionnaire form, drawn from the instrument's description
//! (`haven_core::instruments::Description`): radio buttons per item with its short label and
//! answer words (our own words; RHS-15 numbers only), "not applicable" where the item allows it,
//! the data the live total script reads (which items count, which are optional, which raises
//! the crisis text, and the bands), parsing the answers with a message naming each unanswered
//! item, and the score as shown on screen. Nothing here names an instrument.

use askama::Template;
use haven_core::instruments::{BandRange, Description, Score, flag};

use super::data::FormData;
use crate::ui::form::FormErrors;

/// The field name of item `n` (1-based).
pub fn item_name(n: usize) -> String {
    format!("item-{n}")
}

/// The form value of a "not applicable" answer, which is scored 0.
const NOT_APPLICABLE: &str = "na";

#[derive(Clone, Debug)]
pub struct AnswerOption {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// One item as the template draws it.
#[derive(Clone, Debug)]
pub struct ItemView {
    pub name: String,
    pub label: &'static str,
    pub options: Vec<AnswerOption>,
    pub optional: bool,
    /// Counted by the live total.
    pub scored: bool,
    /// Raises `item9-positive` (PHQ-9 item 9): an answer above 0 shows the safety text.
    pub item9: bool,
}

pub fn item_views(description: &Description, data: &FormData) -> Vec<ItemView> {
    description
        .items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let name = item_name(index + 1);
            let current = data.get(&name);
            let mut options: Vec<AnswerOption> = (0..=item.scale.max)
                .map(|v| {
                    let words = item.scale.words_for(v);
                    let label = if words.is_empty() {
                        v.to_string()
                    } else {
                        format!("{v} — {words}")
                    };
                    AnswerOption {
                        value: v.to_string(),
                        label,
                        checked: current == v.to_string(),
                    }
                })
                .collect();
            if item.not_applicable {
                options.push(AnswerOption {
                    value: NOT_APPLICABLE.into(),
                    label: "Not applicable (scored 0)".into(),
                    checked: current == NOT_APPLICABLE,
                });
            }
            ItemView {
                name,
                label: item.label,
                options,
                optional: item.optional,
                scored: description.counts(index),
                item9: item.flag == Some(flag::ITEM9_POSITIVE),
            }
        })
        .collect()
}

/// The items of a questionnaire form, drawn on their own so that any description draws the
/// same way (`templates/assessments/questions.html`).
#[derive(Template)]
#[template(path = "assessments/questions.html")]
pub struct Questions {
    pub items: Vec<ItemView>,
    pub errors: FormErrors,
}

impl Questions {
    pub fn new(description: &Description, data: &FormData, errors: &FormErrors) -> Self {
        Self {
            items: item_views(description, data),
            errors: errors.clone(),
        }
    }
}

/// Whether the answers on screen answer an item that raises `item9-positive` above 0, so the
/// crisis text is shown at once.
pub fn raises_item9(description: &Description, data: &FormData) -> bool {
    description.items.iter().enumerate().any(|(index, item)| {
        item.flag == Some(flag::ITEM9_POSITIVE)
            && data
                .get(&item_name(index + 1))
                .trim()
                .parse::<u8>()
                .is_ok_and(|v| v > 0)
    })
}

/// The answers in published order, or `None` with a message beside every unanswered item.
pub fn parse_answers(
    description: &Description,
    data: &FormData,
    errors: &mut FormErrors,
) -> Option<Vec<u8>> {
    let mut answers = Vec::with_capacity(description.max_answers());
    let mut complete = true;
    for (index, item) in description.items.iter().enumerate() {
        let name = item_name(index + 1);
        let text = data.get(&name).trim();
        let label = item.label;
        let value = match text {
            "" if item.optional => continue,
            "" => {
                errors.add(name, format!("Choose an answer for {label}"));
                complete = false;
                continue;
            }
            NOT_APPLICABLE if item.not_applicable => Some(0),
            _ => text.parse::<u8>().ok().filter(|v| *v <= item.scale.max),
        };
        match value {
            Some(v) => answers.push(v),
            None => {
                errors.add(name, format!("{label}: choose one of the answers shown"));
                complete = false;
            }
        }
    }
    complete.then_some(answers)
}

/// Form values for stored answers (to pre-fill an amendment); items not recorded stay empty.
pub fn answer_values(answers: &[Option<u8>]) -> FormData {
    let mut d = FormData::default();
    for (i, a) in answers.iter().enumerate() {
        if let Some(a) = a {
            d.set(&item_name(i + 1), a.to_string());
        }
    }
    d
}

/// Said of a result recorded elsewhere as a total, or a total with only some items.
pub const RECORDED_ELSEWHERE: &str = "Recorded elsewhere; item answers not available.";

/// Said of a result recorded elsewhere with some items: which are listed below it.
pub const RECORDED_ELSEWHERE_SOME: &str =
    "Recorded elsewhere; item answers not available except those listed.";

/// The items recorded, each with its label: "Item 9 — thoughts of death or self-harm: 2".
pub fn recorded_items(description: &Description, answers: &[Option<u8>]) -> Vec<String> {
    answers
        .iter()
        .enumerate()
        .filter_map(|(index, a)| {
            let label = description
                .items
                .get(index)
                .map_or("Item", |item| item.label);
            a.map(|a| format!("{label}: {a}"))
        })
        .collect()
}

/// The stored answers in words for the result page and the entry details: every answer in
/// order when all were given; otherwise the items that were recorded, each with its label,
/// or nothing at all.
pub fn answers_text(description: &Description, answers: &[Option<u8>]) -> String {
    let complete =
        (0..description.item_count()).all(|index| answers.get(index).copied().flatten().is_some());
    if complete {
        let all: Vec<String> = answers.iter().flatten().map(u8::to_string).collect();
        return format!("Answers, item by item: {}", all.join(", "));
    }
    let recorded = recorded_items(description, answers);
    if recorded.is_empty() {
        String::new()
    } else {
        format!("Items recorded: {}", recorded.join("; "))
    }
}

/// A score as shown after "Calculate" and on the result page.
#[derive(Clone, Debug, Default)]
pub struct ScoreView {
    /// "Total 13 of 27" (or the total's own name, "RHS-13 total 11 of 52"), "Total not
    /// recorded" for a result recorded elsewhere without one, or empty for ITQ.
    pub total: String,
    pub band: String,
    pub details: Vec<String>,
    pub item9: bool,
    /// [`RECORDED_ELSEWHERE`] (or its "except those listed" form) when items are missing.
    pub recorded_elsewhere: String,
}

impl ScoreView {
    pub fn of(score: &Score) -> Self {
        let description = score.description();
        let total = match (score.total(), description.total_max(), description.total) {
            (Some(t), Some(max), Some(total)) => format!("{} {t} of {max}", total.label),
            (None, Some(_), _) => "Total not recorded".to_owned(),
            _ => String::new(),
        };
        let recorded_elsewhere = match (
            score.items_missing(),
            score.items().iter().any(Option::is_some),
        ) {
            (false, _) => "",
            (true, false) => RECORDED_ELSEWHERE,
            (true, true) => RECORDED_ELSEWHERE_SOME,
        };
        let mut details = score.results().sentences;
        if score.is_positive_screen() {
            details.push(
                "Positive screen: consider referral for psychological therapy (§5).".to_owned(),
            );
        }
        let item9 = score.has_flag(flag::ITEM9_POSITIVE);
        if item9 {
            details.push("Item 9 was answered above 0: a suicide and self-harm risk review is due today, whatever the total (§6).".to_owned());
        }
        Self {
            total,
            band: score
                .band()
                .map(|band| band.label.to_owned())
                .unwrap_or_default(),
            details,
            item9,
            recorded_elsewhere: recorded_elsewhere.to_owned(),
        }
    }
}

/// Band boundaries for the live score script: `lo:hi:label|…`.
pub fn bands_attribute(bands: &[BandRange]) -> String {
    bands
        .iter()
        .map(|b| format!("{}:{}:{}", b.lowest, b.highest, b.band.label))
        .collect::<Vec<_>>()
        .join("|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use haven_core::instruments::{Instrument, bands, score};

    fn form(pairs: &[(usize, &str)]) -> FormData {
        let mut d = FormData::default();
        for &(n, v) in pairs {
            d.set(&item_name(n), v);
        }
        d
    }

    #[test]
    fn a_missing_answer_is_named_and_nothing_is_scored() {
        let mut errors = FormErrors::default();
        let data = form(&[
            (1, "1"),
            (2, "2"),
            (4, "0"),
            (5, "0"),
            (6, "0"),
            (7, "0"),
            (8, "0"),
            (9, "1"),
        ]);
        assert_eq!(
            parse_answers(Instrument::Phq9.description(), &data, &mut errors),
            None
        );
        assert_eq!(
            errors.get("item-3"),
            Some("Choose an answer for Item 3 — sleep problems")
        );
        assert_eq!(
            errors.items().len(),
            1,
            "the optional difficulty item is not required"
        );
    }

    #[test]
    fn answers_parse_in_order_with_not_applicable_as_zero() {
        let mut errors = FormErrors::default();
        let mut data = form(&(1..=15).map(|n| (n, "1")).collect::<Vec<_>>());
        data.set("item-4", "na");
        let answers =
            parse_answers(Instrument::Phq15.description(), &data, &mut errors).expect("complete");
        assert_eq!(answers[3], 0);
        assert_eq!(answers.iter().map(|&a| u32::from(a)).sum::<u32>(), 14);
        let mut errors = FormErrors::default();
        data.set("item-5", "na");
        data.set("item-6", "7");
        assert_eq!(
            parse_answers(Instrument::Phq15.description(), &data, &mut errors),
            None
        );
        assert!(errors.has("item-5") && errors.has("item-6"));
    }

    #[test]
    fn views_and_scores_read_well() {
        let views = item_views(
            Instrument::Rhs15.description(),
            &answer_values(&[Some(1); 15]),
        );
        assert_eq!(
            views[0]
                .options
                .iter()
                .map(|o| o.label.as_str())
                .collect::<Vec<_>>(),
            ["0", "1", "2", "3", "4"],
            "RHS-15: numbers only"
        );
        assert_eq!(views[14].options.len(), 11, "distress thermometer 0–10");
        assert!(views[0].options[1].checked);
        let phq = item_views(Instrument::Phq9.description(), &FormData::default());
        assert!(phq[8].item9 && phq[8].scored && !phq[9].scored && phq[9].optional);
        let s = score(Instrument::Phq9, &[2, 2, 2, 1, 1, 1, 2, 1, 1]).expect("valid");
        let v = ScoreView::of(&s);
        assert_eq!(
            (v.total.as_str(), v.band.as_str(), v.item9),
            ("Total 13 of 27", "Moderate", true)
        );
        let high = score(Instrument::Phq15, &[2; 15]).expect("valid");
        assert_eq!(ScoreView::of(&high).band, "High somatic symptom severity");
        assert_eq!(
            bands_attribute(bands(Instrument::Gad7)),
            "0:4:Minimal|5:9:Mild|10:14:Moderate|15:21:Severe"
        );
    }
}
