//! A questionnaire result → a survey `Observation` (total, item answers and derived results as
//! components, band and flags as interpretation) plus the item-by-item `QuestionnaireResponse`
//! it was derived from. Scores are computed by `haven_core::instruments`, never stored; a
//! result recorded elsewhere with items missing exports its recorded total and the items it
//! has, and no response. What each instrument contributes (codes, derived results) comes from
//! its description, so [`result_observation`] serves any described instrument.

use haven_core::PatientId;
use haven_core::instruments::{Description, Score, ScoringOptions, Value};
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
    // A stored result always scores; should one not (a hand-edited database), the answers are
    // still exported and the derived values are left out rather than invented.
    let score = q.score(&ScoringOptions::default()).ok();
    // A result recorded elsewhere with items missing was not entered item by item: it is
    // exported as it was recorded (the total, and whichever items came), with no response.
    let item_by_item = !q.items_missing();
    let observation = Observation {
        id: Some(e.id.as_str().to_owned()),
        meta: meta(e),
        status: status(e, "final"),
        subject: subject(patient),
        effective_date_time: Some(q.date.to_string()),
        derived_from: if item_by_item {
            vec![Reference::to("QuestionnaireResponse", &response_id)]
        } else {
            Vec::new()
        },
        ..result_observation(q.instrument.description(), &q.answers, score.as_ref())
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
        item: answered(&q.answers)
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

/// What an instrument's result makes of a survey Observation: its code, the total, a component
/// per answer recorded and per coded derived result, and the band and flags as interpretation.
/// `score` is `None` when the answers could not be scored. The entry's id, status, subject and
/// dates are the caller's to add.
pub fn result_observation(
    description: &Description,
    answers: &[Option<u8>],
    score: Option<&Score>,
) -> Observation {
    let mut component: Vec<ObservationComponent> = answered(answers)
        .map(|(index, answer)| ObservationComponent {
            code: concept(vec![instrument_codes::item_coding(description, index)]),
            value_integer: Some(i64::from(answer)),
            ..ObservationComponent::default()
        })
        .collect();
    let mut interpretation = Vec::new();
    if let Some(score) = score {
        if let Some(band) = score.band() {
            interpretation.push(concept(vec![uris::haven(cs::SCORE_BAND, band.id, band.id)]));
        }
        for flag in score.flags() {
            interpretation.push(concept(vec![uris::haven(cs::SCORE_FLAG, flag, flag)]));
        }
        component.extend(derived(score));
    }
    Observation {
        category: vec![category(uris::OBSERVATION_CATEGORY, "survey", "Survey")],
        code: concept(instrument_codes::result_codings(description)),
        value_integer: score.and_then(Score::total).map(i64::from),
        interpretation,
        component,
        ..Observation::default()
    }
}

/// The answers that were recorded, with their 0-based item index.
fn answered(answers: &[Option<u8>]) -> impl Iterator<Item = (usize, u8)> + '_ {
    answers
        .iter()
        .enumerate()
        .filter_map(|(index, answer)| answer.map(|a| (index, a)))
}

/// The derived results the description gives a Haven code (ITQ diagnosis and sub-scores, the
/// RHS-13 screen, the PCL-5 DSM-5 pattern). Import ignores them and scores again from the
/// answers.
fn derived(score: &Score) -> Vec<ObservationComponent> {
    score
        .results()
        .values
        .into_iter()
        .filter_map(|d| {
            let code = d.code?;
            let (value_integer, value_boolean) = match d.value {
                Value::Number(n) => (Some(i64::from(n)), None),
                Value::YesNo(b) => (None, Some(b)),
            };
            Some(ObservationComponent {
                code: concept(vec![uris::haven(cs::HAVEN, code.code, code.display)]),
                value_integer,
                value_boolean,
                ..ObservationComponent::default()
            })
        })
        .collect()
}
