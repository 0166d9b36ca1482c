//! The item-by-item questionnaire form: radio buttons per item with short labels from
//! `Instrument::item_labels` (our own words; RHS-15 numbers only), parsing the answers with a
//! message naming each unanswered item, and the score as shown on screen.

use haven_core::instruments::{Detail, Instrument, ItqDiagnosis, Score, flag};

use super::data::FormData;
use crate::ui::form::FormErrors;

/// The field name of item `n` (1-based).
pub fn item_name(n: usize) -> String {
    format!("item-{n}")
}

/// PHQ-15 items 4 and 11 apply only to some people; "not applicable" is scored 0.
fn not_applicable_allowed(instrument: Instrument, index: usize) -> bool {
    instrument == Instrument::Phq15 && matches!(index, 3 | 10)
}

/// PHQ-9's tenth answer (difficulty) is optional and outside the total.
fn optional(instrument: Instrument, index: usize) -> bool {
    index >= instrument.item_count()
}

/// Whether the item counts towards the total that the live score shows (PHQ-9 items 1–9,
/// RHS-15 items 1–13, every item of the others; ITQ has no total).
fn counts_to_total(instrument: Instrument, index: usize) -> bool {
    match instrument {
        Instrument::Phq9 => index < 9,
        Instrument::Rhs15 => index < 13,
        Instrument::Itq => false,
        _ => true,
    }
}

/// Words for the answer values, in our own short phrasing (RHS-15: numbers only).
fn answer_words(instrument: Instrument, index: usize, value: u8) -> &'static str {
    const FREQUENCY: [&str; 4] = [
        "not at all",
        "several days",
        "more than half the days",
        "nearly every day",
    ];
    const DIFFICULTY: [&str; 4] = [
        "not difficult",
        "somewhat difficult",
        "very difficult",
        "extremely difficult",
    ];
    const BOTHERED: [&str; 3] = ["not bothered", "bothered a little", "bothered a lot"];
    const INTENSITY: [&str; 5] = [
        "not at all",
        "a little bit",
        "moderately",
        "quite a bit",
        "extremely",
    ];
    let v = usize::from(value);
    let table: &[&str] = match instrument {
        Instrument::Phq9 if index == 9 => &DIFFICULTY,
        Instrument::Phq9 | Instrument::Gad7 => &FREQUENCY,
        Instrument::Phq15 => &BOTHERED,
        Instrument::Pcl5 | Instrument::Itq => &INTENSITY,
        Instrument::Rhs15 => &[],
    };
    table.get(v).copied().unwrap_or("")
}

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
    /// PHQ-9 item 9: an answer above 0 shows the safety text.
    pub item9: bool,
}

pub fn item_views(instrument: Instrument, data: &FormData) -> Vec<ItemView> {
    instrument
        .item_labels()
        .iter()
        .enumerate()
        .map(|(index, &label)| {
            let name = item_name(index + 1);
            let current = data.get(&name);
            let max = instrument.item_range(index).map_or(0, |r| *r.end());
            let mut options: Vec<AnswerOption> = (0..=max)
                .map(|v| {
                    let words = answer_words(instrument, index, v);
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
            if not_applicable_allowed(instrument, index) {
                options.push(AnswerOption {
                    value: "na".into(),
                    label: "Not applicable (scored 0)".into(),
                    checked: current == "na",
                });
            }
            ItemView {
                name,
                label,
                options,
                optional: optional(instrument, index),
                scored: counts_to_total(instrument, index),
                item9: instrument == Instrument::Phq9 && index == 8,
            }
        })
        .collect()
}

/// The answers in published order, or `None` with a message beside every unanswered item.
pub fn parse_answers(
    instrument: Instrument,
    data: &FormData,
    errors: &mut FormErrors,
) -> Option<Vec<u8>> {
    let mut answers = Vec::with_capacity(instrument.max_answers());
    let mut complete = true;
    for (index, label) in instrument.item_labels().iter().enumerate() {
        let name = item_name(index + 1);
        let text = data.get(&name).trim();
        let range = instrument.item_range(index);
        let value = match text {
            "" if optional(instrument, index) => continue,
            "" => {
                errors.add(name, format!("Choose an answer for {label}"));
                complete = false;
                continue;
            }
            "na" if not_applicable_allowed(instrument, index) => Some(0),
            _ => text
                .parse::<u8>()
                .ok()
                .filter(|v| range.as_ref().is_some_and(|r| r.contains(v))),
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
pub fn recorded_items(instrument: Instrument, answers: &[Option<u8>]) -> Vec<String> {
    let labels = instrument.item_labels();
    answers
        .iter()
        .enumerate()
        .filter_map(|(index, a)| {
            let label = labels.get(index).copied().unwrap_or("Item");
            a.map(|a| format!("{label}: {a}"))
        })
        .collect()
}

/// The stored answers in words for the result page and the entry details: every answer in
/// order when all were given; otherwise the items that were recorded, each with its label,
/// or nothing at all.
pub fn answers_text(instrument: Instrument, answers: &[Option<u8>]) -> String {
    let complete =
        (0..instrument.item_count()).all(|index| answers.get(index).copied().flatten().is_some());
    if complete {
        let all: Vec<String> = answers.iter().flatten().map(u8::to_string).collect();
        return format!("Answers, item by item: {}", all.join(", "));
    }
    let recorded = recorded_items(instrument, answers);
    if recorded.is_empty() {
        String::new()
    } else {
        format!("Items recorded: {}", recorded.join("; "))
    }
}

/// A band id in words. PHQ-15's bands describe somatic symptom severity and say so, so that
/// no screen reads as a graded "risk".
pub fn band_label(instrument: Instrument, band: &str) -> String {
    let words = match (instrument, band) {
        (_, "none-minimal") => "None or minimal",
        (_, "moderately-severe") => "Moderately severe",
        (Instrument::Phq15, "minimal") => "Minimal somatic symptom severity",
        (Instrument::Phq15, "low") => "Low somatic symptom severity",
        (Instrument::Phq15, "medium") => "Medium somatic symptom severity",
        (Instrument::Phq15, "high") => "High somatic symptom severity",
        (_, "below-cutoff") => "Below the cut-point",
        (_, "above-cutoff") => "At or above the cut-point (provisional PTSD)",
        (_, "cptsd") => "Complex PTSD (provisional)",
        (_, "ptsd") => "PTSD (provisional)",
        (_, "neither") => "Neither PTSD nor complex PTSD",
        (_, "positive") => "Positive screen (RHS-13 total 11 or more)",
        (_, "negative") => "Negative screen",
        _ => "",
    };
    if words.is_empty() {
        let mut s = band.replace('-', " ");
        if let Some(first) = s.get(0..1) {
            s.replace_range(0..1, &first.to_uppercase());
        }
        s
    } else {
        words.to_owned()
    }
}

/// A score as shown after "Calculate" and on the result page.
#[derive(Clone, Debug, Default)]
pub struct ScoreView {
    /// "Total 13 of 27", "Total not recorded" for a result recorded elsewhere without one, or
    /// empty for ITQ.
    pub total: String,
    pub band: String,
    pub details: Vec<String>,
    pub item9: bool,
    /// [`RECORDED_ELSEWHERE`] (or its "except those listed" form) when items are missing.
    pub recorded_elsewhere: String,
}

impl ScoreView {
    pub fn of(score: &Score) -> Self {
        let instrument = score.instrument();
        let total = match (score.total(), instrument.total_max()) {
            (Some(t), Some(max)) if instrument == Instrument::Rhs15 => {
                format!("RHS-13 total {t} of {max}")
            }
            (Some(t), Some(max)) => format!("Total {t} of {max}"),
            (None, Some(_)) => "Total not recorded".to_owned(),
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
        let mut details = Vec::new();
        match score.detail() {
            Some(Detail::Phq9(d)) => {
                if let Some(diff) = d.difficulty {
                    details.push(format!(
                        "Difficulty in daily life: {}",
                        answer_words(Instrument::Phq9, 9, diff)
                    ));
                }
            }
            Some(Detail::Pcl5(d)) => {
                let c = d.clusters;
                details.push(format!(
                    "Cluster sums: B {}, C {}, D {}, E {}",
                    c.b, c.c, c.d, c.e
                ));
                details.push(format!(
                    "DSM-5 symptom pattern {}met (cut-point {})",
                    if d.dsm5_pattern { "" } else { "not " },
                    d.cutoff
                ));
            }
            Some(Detail::Itq(d)) => {
                let result = match d.diagnosis {
                    ItqDiagnosis::Cptsd => "criteria for complex PTSD met",
                    ItqDiagnosis::Ptsd => "criteria for PTSD met",
                    ItqDiagnosis::Neither => "criteria for PTSD and complex PTSD not met",
                };
                details.push(format!("ITQ: {result}; PTSD symptom score {} of 24, disturbance in self-organisation score {} of 24", d.ptsd_score, d.dso_score));
            }
            Some(Detail::Rhs15(d)) => {
                details.push(format!(
                    "Coping (item 14): {}; distress thermometer (item 15): {} of 10",
                    d.coping, d.distress_thermometer
                ));
            }
            Some(Detail::Gad7 | Detail::Phq15) | None => {}
        }
        if score.has_flag(flag::POSITIVE_SCREEN)
            || (instrument == Instrument::Phq9 && score.is_positive_screen())
        {
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
                .map(|band| band_label(instrument, band))
                .unwrap_or_default(),
            details,
            item9,
            recorded_elsewhere: recorded_elsewhere.to_owned(),
        }
    }
}

/// Band boundaries for the live score script: `lo:hi:label|…`.
pub fn bands_attribute(instrument: Instrument, bands: &[haven_core::instruments::Band]) -> String {
    bands
        .iter()
        .map(|&(lo, hi, id)| format!("{lo}:{hi}:{}", band_label(instrument, id)))
        .collect::<Vec<_>>()
        .join("|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use haven_core::instruments::{bands, score};

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
        assert_eq!(parse_answers(Instrument::Phq9, &data, &mut errors), None);
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
        let answers = parse_answers(Instrument::Phq15, &data, &mut errors).expect("complete");
        assert_eq!(answers[3], 0);
        assert_eq!(answers.iter().map(|&a| u32::from(a)).sum::<u32>(), 14);
        let mut errors = FormErrors::default();
        data.set("item-5", "na");
        data.set("item-6", "7");
        assert_eq!(parse_answers(Instrument::Phq15, &data, &mut errors), None);
        assert!(errors.has("item-5") && errors.has("item-6"));
    }

    #[test]
    fn views_and_scores_read_well() {
        let views = item_views(Instrument::Rhs15, &answer_values(&[Some(1); 15]));
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
        let phq = item_views(Instrument::Phq9, &FormData::default());
        assert!(phq[8].item9 && phq[8].scored && !phq[9].scored && phq[9].optional);
        let s = score(Instrument::Phq9, &[2, 2, 2, 1, 1, 1, 2, 1, 1]).expect("valid");
        let v = ScoreView::of(&s);
        assert_eq!(
            (v.total.as_str(), v.band.as_str(), v.item9),
            ("Total 13 of 27", "Moderate", true)
        );
        assert_eq!(
            band_label(Instrument::Phq15, "high"),
            "High somatic symptom severity"
        );
        assert_eq!(
            bands_attribute(Instrument::Gad7, bands(Instrument::Gad7)),
            "0:4:Minimal|5:9:Mild|10:14:Moderate|15:21:Severe"
        );
    }
}
