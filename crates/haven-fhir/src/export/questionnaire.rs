//! A questionnaire result → a survey `Observation` (total, item answers and derived results as
//! components, band and flags as interpretation) plus the item-by-item `QuestionnaireResponse`
//! it was derived from. Scores are computed by `haven_core::instruments`, never stored; a
//! result recorded elsewhere with items missing exports its recorded total and the items it
//! has, and no response.

use haven_core::PatientId;
use haven_core::instruments::{Detail, ScoringOptions};
use haven_core::record::{Entry, QuestionnaireResult};

use super::{category, concept, meta, status, subject};
use crate::instrument_codes;
use crate::model::{
    Extension, Observation, ObservationComponent, QuestionnaireAnswer, QuestionnaireItem,
    QuestionnaireResponse, Reference, Resource,
};
use crate::uris::{self, cs, ext};

pub(super) fn resources(patient: &PatientId, e: &Entry, q: &QuestionnaireResult) -> Vec<Resource> {
    let response_id = super::response_id(e.id.as_str());
    let mut component: Vec<ObservationComponent> = answered(q)
        .map(|(index, answer)| ObservationComponent {
            code: concept(vec![instrument_codes::item_coding(q.instrument, index)]),
            value_integer: Some(i64::from(answer)),
            ..ObservationComponent::default()
        })
        .collect();
    let mut interpretation = Vec::new();
    let mut total = None;
    // A stored result always scores; should one not (a hand-edited database), the answers are
    // still exported and the derived values are left out rather than invented.
    if let Ok(score) = q.score(&ScoringOptions::default()) {
        total = score.total().map(i64::from);
        if let Some(band) = score.band() {
            interpretation.push(concept(vec![uris::haven(cs::SCORE_BAND, band, band)]));
        }
        for flag in score.flags() {
            interpretation.push(concept(vec![uris::haven(cs::SCORE_FLAG, flag, flag)]));
        }
        if let Some(detail) = score.detail() {
            component.extend(derived(detail));
        }
    }
    // A result recorded elsewhere with items missing was not entered item by item: it is
    // exported as it was recorded (the total, and whichever items came), with no response.
    let item_by_item = !q.items_missing();
    let observation = Observation {
        id: Some(e.id.as_str().to_owned()),
        meta: meta(e),
        status: status(e, "final"),
        category: vec![category(uris::OBSERVATION_CATEGORY, "survey", "Survey")],
        code: concept(instrument_codes::result_codings(q.instrument)),
        subject: subject(patient),
        effective_date_time: Some(q.date.to_string()),
        value_integer: total,
        interpretation,
        derived_from: if item_by_item {
            vec![Reference::to("QuestionnaireResponse", &response_id)]
        } else {
            Vec::new()
        },
        component,
        ..Observation::default()
    };
    if !item_by_item {
        return vec![observation.into()];
    }
    let response = QuestionnaireResponse {
        modifier_extension: Vec::new(),
        id: Some(response_id),
        meta: meta(e),
        extension: vec![Extension::reference(
            uris::extension(ext::RESULT_OBSERVATION),
            Reference::to("Observation", e.id.as_str()),
        )],
        questionnaire: Some(uris::questionnaire(q.instrument.id())),
        status: status(e, "completed"),
        subject: subject(patient),
        authored: Some(q.date.to_string()),
        item: answered(q)
            .map(|(index, answer)| QuestionnaireItem {
                modifier_extension: Vec::new(),
                link_id: (index + 1).to_string(),
                text: None,
                answer: vec![QuestionnaireAnswer {
                    modifier_extension: Vec::new(),
                    value_integer: Some(i64::from(answer)),
                    value_coding: None,
                }],
                item: Vec::new(),
            })
            .collect(),
    };
    vec![observation.into(), response.into()]
}

/// The answers that were recorded, with their 0-based item index.
fn answered(q: &QuestionnaireResult) -> impl Iterator<Item = (usize, u8)> + '_ {
    q.answers
        .iter()
        .enumerate()
        .filter_map(|(index, answer)| answer.map(|a| (index, a)))
}

/// Derived results Haven also shows: ITQ diagnosis and sub-scores, the RHS-13 screen and the
/// PCL-5 DSM-5 pattern. Import ignores them and scores again from the answers.
fn derived(detail: &Detail) -> Vec<ObservationComponent> {
    let boolean = |code: &str, label: &str, value: bool| ObservationComponent {
        code: concept(vec![uris::haven(cs::HAVEN, code, label)]),
        value_boolean: Some(value),
        ..ObservationComponent::default()
    };
    let integer = |code: &str, label: &str, value: u8| ObservationComponent {
        code: concept(vec![uris::haven(cs::HAVEN, code, label)]),
        value_integer: Some(i64::from(value)),
        ..ObservationComponent::default()
    };
    match detail {
        Detail::Itq(d) => vec![
            boolean("itq-ptsd", "ITQ PTSD", d.ptsd()),
            boolean("itq-cptsd", "ITQ complex PTSD", d.cptsd()),
            integer("itq-ptsd-score", "ITQ PTSD symptom score", d.ptsd_score),
            integer("itq-dso-score", "ITQ DSO symptom score", d.dso_score),
        ],
        Detail::Rhs15(d) => vec![boolean(
            "rhs13-positive",
            "RHS-13 positive screen",
            d.positive(),
        )],
        Detail::Pcl5(d) => vec![boolean(
            "pcl5-dsm5-pattern",
            "PCL-5 DSM-5 symptom pattern",
            d.dsm5_pattern,
        )],
        Detail::Phq9(_) | Detail::Gad7 | Detail::Phq15 => Vec::new(),
    }
}
