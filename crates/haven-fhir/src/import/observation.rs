//! FHIR `Observation` (and a standalone `QuestionnaireResponse`) → Haven entries: country of
//! origin, asylum situation, life events, screening, questionnaire results, and problems that
//! other systems record as observations (suicidal thoughts, self-harm, social isolation).

use haven_core::instruments::{Description, Instrument, ScoringOptions, score_recorded};
use haven_core::record::*;

use super::codes::{asylum_from_snomed, problem_from_key};
use super::error::ImportError;
use super::values::{Ctx, haven_code, notes, verified_keys};
use super::{Mapped, status_of};
use crate::instrument_codes::{self, CodedAnswer};
use crate::model::{CodeableConcept, Observation, ObservationComponent, QuestionnaireResponse};
use crate::uris::{self, cs};

pub(crate) fn observation(ctx: &Ctx, o: &Observation) -> Result<Mapped, ImportError> {
    let status = match o.status.as_str() {
        "cancelled" => return Ok(Mapped::Skip("the observation was cancelled".into())),
        s => status_of(s),
    };
    let code = std::slice::from_ref(&o.code);
    let effective = o
        .effective_date_time
        .as_deref()
        .or(o.effective_period.as_ref().and_then(|p| p.start.as_deref()));
    let effective_path = if o.effective_date_time.is_some() {
        "effectiveDateTime"
    } else {
        "effectivePeriod.start"
    };
    let entry = |body| {
        Ok(Mapped::Entry {
            body: Box::new(body),
            status,
            date_path: "effectiveDateTime",
        })
    };
    let date = |what: &str| ctx.required_date(effective_path, effective, what);

    if haven_code(code, cs::HAVEN) == Some("country-of-origin") {
        let value = o
            .value_codeable_concept
            .as_ref()
            .ok_or_else(|| ctx.missing("valueCodeableConcept", "the ISO 3166 country"))?;
        let country = value
            .coding
            .iter()
            .find(|c| c.system.as_deref().is_none_or(|s| s == uris::ISO3166))
            .and_then(|c| c.code.clone())
            .ok_or_else(|| {
                ctx.missing(
                    "valueCodeableConcept",
                    "an ISO 3166 (urn:iso:std:iso:3166) coding",
                )
            })?;
        return Ok(Mapped::Country {
            code: country,
            date: ctx.optional_date(effective_path, effective)?,
        });
    }
    if haven_code(code, cs::HAVEN) == Some("asylum-status") {
        let value = o
            .value_codeable_concept
            .as_ref()
            .ok_or_else(|| ctx.missing("valueCodeableConcept", "the asylum status"))?;
        let (status_value, coded) = asylum_value(ctx, value)?;
        return entry(EntryBody::Asylum(AsylumSituation {
            status: status_value,
            since: date("when it began")?,
            coded,
            note: notes(&o.note),
        }));
    }
    if let Some(kind) = verified_keys(code).into_iter().find_map(asylum_from_snomed) {
        // The EHR style: the SNOMED CT asylum concept as the observation's own code.
        return entry(EntryBody::Asylum(AsylumSituation {
            status: kind,
            since: date("when it began")?,
            coded: true,
            note: notes(&o.note),
        }));
    }
    if let Some(code) = haven_code(code, cs::LIFE_EVENT) {
        let kind = LifeEventKind::parse(code)
            .ok_or_else(|| ctx.invalid("code", format!("unknown life-event code {code:?}")))?;
        return entry(EntryBody::LifeEvent(LifeEvent {
            kind,
            date: date("the event date")?,
            note: notes(&o.note),
        }));
    }
    if let Some(code) = haven_code(code, cs::SCREENING) {
        let test = ScreeningTest::parse(code)
            .ok_or_else(|| ctx.invalid("code", format!("unknown screening code {code:?}")))?;
        let value = o
            .value_codeable_concept
            .as_ref()
            .and_then(|v| haven_code(std::slice::from_ref(v), cs::SCREENING_STATUS));
        let value = value
            .ok_or_else(|| ctx.missing("valueCodeableConcept", "a screening-status coding"))?;
        let screening_status = ScreeningStatus::parse(value).ok_or_else(|| {
            ctx.invalid(
                "valueCodeableConcept",
                format!("unknown screening-status code {value:?}"),
            )
        })?;
        return entry(EntryBody::Screening(Screening {
            test,
            status: screening_status,
            date: date("the screening date")?,
        }));
    }
    if let Some(instrument) = o
        .code
        .coding
        .iter()
        .find_map(instrument_codes::instrument_of)
    {
        return questionnaire(
            ctx,
            o,
            instrument,
            status,
            date("the date it was completed")?,
        );
    }
    if let Some(item) = o.code.coding.iter().find_map(|c| {
        Instrument::all()
            .iter()
            .find_map(|&i| instrument_codes::item_index(i.description(), c).map(|index| (i, index)))
    }) {
        return lone_item(ctx, o, item, status, date("the date it was answered")?);
    }
    if let Some(kind) = verified_keys(code).into_iter().find_map(problem_from_key) {
        return entry(EntryBody::Problem(Problem {
            kind,
            onset: date("the date it was noted")?,
            resolved: None,
            note: notes(&o.note),
        }));
    }
    Ok(Mapped::Skip("its code is not one Haven records".into()))
}

/// The asylum status from Haven's code (preferred) or the SNOMED CT concept; `coded` is
/// whether a SNOMED CT asylum concept is present.
fn asylum_value(ctx: &Ctx, value: &CodeableConcept) -> Result<(AsylumStatus, bool), ImportError> {
    let snomed = verified_keys(std::slice::from_ref(value))
        .into_iter()
        .find_map(asylum_from_snomed);
    match haven_code(std::slice::from_ref(value), cs::ASYLUM_STATUS) {
        Some(code) => {
            let status = AsylumStatus::parse(code).ok_or_else(|| {
                ctx.invalid(
                    "valueCodeableConcept",
                    format!("unknown asylum-status code {code:?}"),
                )
            })?;
            Ok((status, snomed.is_some()))
        }
        None => match snomed {
            Some(status) => Ok((status, true)),
            None => Err(ctx.invalid(
                "valueCodeableConcept",
                "no asylum-status or SNOMED CT asylum coding Haven knows",
            )),
        },
    }
}

/// A questionnaire result Observation: the total (`value[x]`) and item answers
/// (`component`s), read by [`recorded`].
fn questionnaire(
    ctx: &Ctx,
    o: &Observation,
    instrument: Instrument,
    status: EntryStatus,
    date: haven_core::Date,
) -> Result<Mapped, ImportError> {
    let Some(Recorded { items, total }) = recorded(ctx, o, instrument.description())? else {
        return Ok(Mapped::Skip(format!(
            "a {} result with neither a total nor item answers",
            instrument.name()
        )));
    };
    Ok(Mapped::Entry {
        body: Box::new(EntryBody::Questionnaire(QuestionnaireResult::recorded(
            instrument, date, items, total,
        ))),
        status,
        date_path: "effectiveDateTime",
    })
}

/// A questionnaire result as an Observation records it, for one instrument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// In published order, `None` where an item was not recorded.
    pub items: Vec<Option<u8>>,
    /// The total as recorded, if one came.
    pub total: Option<u8>,
}

/// Reads a result Observation of the instrument `description` describes, as import does: the
/// item answers and the total, checked. `None` when it carries neither.
pub fn read_result(
    description: &'static Description,
    o: &Observation,
    location: &super::Location,
) -> Result<Option<Recorded>, ImportError> {
    recorded(&Ctx::new(location, "Observation"), o, description)
}

/// The total (`value[x]`) and item answers (`component`s). Other systems often record only the
/// total, or the total with some items (PHQ-9 item 9 above all): both are kept as recorded, the
/// total never re-derived. What can be checked is checked (each item in range, the total within
/// the maximum and consistent with the items there), and only what is impossible is refused.
fn recorded(
    ctx: &Ctx,
    o: &Observation,
    instrument: &'static Description,
) -> Result<Option<Recorded>, ImportError> {
    let mut answers: Vec<Option<u8>> = vec![None; instrument.max_answers()];
    for (i, component) in o.component.iter().enumerate() {
        let Some(index) = component
            .code
            .coding
            .iter()
            .find_map(|c| instrument_codes::item_index(instrument, c))
        else {
            continue; // derived results and codes Haven does not know
        };
        // Built only for an error: this runs for every answer of every questionnaire.
        let path = || format!("component[{i}]");
        if answers[index].is_some() {
            return Err(ctx.invalid(
                &path(),
                format!("{} item {} is answered twice", instrument.name, index + 1),
            ));
        }
        let at = |leaf: &str| format!("{}.{leaf}", path());
        answers[index] = Some(answer_value(ctx, &at, component, instrument, index)?);
    }
    let total = recorded_total(ctx, o, instrument)?;
    if total.is_none() && answers.iter().all(Option::is_none) {
        return Ok(None);
    }
    score_recorded(instrument, &answers, total, &ScoringOptions::default()).map_err(|e| {
        let element = if e.is_about_total() {
            total_path(o)
        } else {
            "component"
        };
        ctx.invalid(element, e.to_string())
    })?;
    Ok(Some(Recorded {
        items: answers,
        total,
    }))
}

/// Where the total was given: `valueInteger`, or `valueQuantity` as some systems send it.
fn total_path(o: &Observation) -> &'static str {
    if o.value_integer.is_none() && o.value_quantity.is_some() {
        "valueQuantity.value"
    } else {
        "valueInteger"
    }
}

/// The total as recorded: `valueInteger`, or a whole-number `valueQuantity`.
fn recorded_total(
    ctx: &Ctx,
    o: &Observation,
    instrument: &Description,
) -> Result<Option<u8>, ImportError> {
    let path = total_path(o);
    let number = match (
        o.value_integer,
        o.value_quantity.as_ref().and_then(|q| q.value),
    ) {
        (Some(n), _) => n,
        (None, Some(v)) if v.fract() == 0.0 && v.abs() < 1e6 => v as i64,
        (None, Some(v)) => {
            return Err(ctx.invalid(path, format!("{v} is not a whole-number total")));
        }
        (None, None) => return Ok(None),
    };
    let Some(max) = instrument.total_max() else {
        return Err(ctx.invalid(
            path,
            format!(
                "the {} has no total; it is recorded item by item",
                instrument.name
            ),
        ));
    };
    match u8::try_from(number) {
        Ok(total) if total <= max => Ok(Some(total)),
        _ => Err(ctx.invalid(
            path,
            format!(
                "{number} is not a possible {} total (0–{max})",
                instrument.name
            ),
        )),
    }
}

/// One item answer: `valueInteger`, a whole-number `valueQuantity`, or a verified LOINC answer
/// code in `valueCodeableConcept`; checked against the item's range. `at` gives the path of an
/// element of the answer (`component[3].valueInteger`, or `valueInteger` for an Observation
/// that is itself the answer).
fn answer_value(
    ctx: &Ctx,
    at: &impl Fn(&str) -> String,
    c: &ObservationComponent,
    instrument: &Description,
    index: usize,
) -> Result<u8, ImportError> {
    let item = || format!("{} item {}", instrument.name, index + 1);
    let (number, element) = if let Some(n) = c.value_integer {
        (n, "valueInteger")
    } else if let Some(v) = c.value_quantity.as_ref().and_then(|q| q.value) {
        if v.fract() != 0.0 || v.abs() >= 1e6 {
            return Err(ctx.invalid(
                &at("valueQuantity.value"),
                format!("{v} is not a whole-number answer to {}", item()),
            ));
        }
        (v as i64, "valueQuantity.value")
    } else if let Some(concept) = &c.value_codeable_concept {
        (
            coded_answer(ctx, at, concept, instrument, index)?,
            "valueCodeableConcept",
        )
    } else {
        return Err(ctx.missing(
            &at("value[x]"),
            &format!("the answer to {} (valueInteger)", item()),
        ));
    };
    let range = instrument.item_range(index).unwrap_or(0..=0);
    match u8::try_from(number) {
        Ok(answer) if range.contains(&answer) => Ok(answer),
        _ => Err(ctx.invalid(
            &at(element),
            format!(
                "{number} is not a possible answer to {} ({}–{})",
                item(),
                range.start(),
                range.end()
            ),
        )),
    }
}

/// An answer given as a code: a verified LOINC answer code for this item, or a refusal naming
/// the code (a code Haven cannot read safely as a number is never guessed at).
fn coded_answer(
    ctx: &Ctx,
    at: &impl Fn(&str) -> String,
    concept: &CodeableConcept,
    instrument: &Description,
    index: usize,
) -> Result<i64, ImportError> {
    for coding in &concept.coding {
        if let CodedAnswer::Value(v) = instrument_codes::answer_value(instrument, index, coding) {
            return Ok(i64::from(v));
        }
    }
    let item = format!("{} item {}", instrument.name, index + 1);
    match concept.coding.first() {
        Some(coding) => Err(ctx.invalid(
            &at("valueCodeableConcept"),
            format!(
                "the answer code {} is not one Haven can read as a number for {item}; \
                 give the answer as valueInteger",
                instrument_codes::describe(coding)
            ),
        )),
        None => Err(ctx.missing(
            &at("valueCodeableConcept"),
            &format!("a coded answer to {item}, or the answer as valueInteger"),
        )),
    }
}

/// An Observation that is itself one item's answer (some systems record PHQ-9 item 9 on its
/// own): kept as a result with only that item, so that item 9 counts wherever it is recorded.
fn lone_item(
    ctx: &Ctx,
    o: &Observation,
    (instrument, index): (Instrument, usize),
    status: EntryStatus,
    date: haven_core::Date,
) -> Result<Mapped, ImportError> {
    if o.value_integer.is_none() && o.value_quantity.is_none() && o.value_codeable_concept.is_none()
    {
        return Ok(Mapped::Skip(format!(
            "a {} item {} without an answer",
            instrument.name(),
            index + 1
        )));
    }
    let answer = ObservationComponent {
        code: o.code.clone(),
        value_integer: o.value_integer,
        value_boolean: None,
        value_codeable_concept: o.value_codeable_concept.clone(),
        value_quantity: o.value_quantity.clone(),
        modifier_extension: Vec::new(),
    };
    let value = answer_value(
        ctx,
        &|leaf: &str| leaf.to_owned(),
        &answer,
        instrument.description(),
        index,
    )?;
    let mut answers = vec![None; index + 1];
    answers[index] = Some(value);
    Ok(Mapped::Entry {
        body: Box::new(EntryBody::Questionnaire(QuestionnaireResult::recorded(
            instrument, date, answers, None,
        ))),
        status,
        date_path: "effectiveDateTime",
    })
}

/// A QuestionnaireResponse for one of Haven's questionnaires, when no result Observation
/// carries the same answers.
pub(crate) fn questionnaire_response(
    ctx: &Ctx,
    q: &QuestionnaireResponse,
) -> Result<Mapped, ImportError> {
    if super::values::find(&q.extension, crate::uris::ext::RESULT_OBSERVATION).is_some() {
        return Ok(Mapped::Duplicate);
    }
    let status = match q.status.as_str() {
        "completed" | "amended" => EntryStatus::Active,
        "entered-in-error" => EntryStatus::EnteredInError,
        other => {
            return Ok(Mapped::Skip(format!(
                "the response is {other}, not completed"
            )));
        }
    };
    let Some(instrument) = q.questionnaire.as_deref().and_then(instrument_of_canonical) else {
        return Ok(Mapped::Skip("not one of Haven's questionnaires".into()));
    };
    let date = ctx.required_date("authored", q.authored.as_deref(), "when it was completed")?;
    let mut answers: Vec<Option<u8>> = vec![None; instrument.max_answers()];
    for (i, item) in q.item.iter().enumerate() {
        let path = format!("item[{i}]");
        let index = item
            .link_id
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=answers.len()).contains(n))
            .ok_or_else(|| {
                ctx.invalid(
                    &format!("{path}.linkId"),
                    format!(
                        "{:?} is not an item of the {}",
                        item.link_id,
                        instrument.name()
                    ),
                )
            })?;
        let answer = item
            .answer
            .first()
            .ok_or_else(|| ctx.missing(&format!("{path}.answer"), "the answer"))?;
        let value = match (answer.value_integer, &answer.value_coding) {
            (Some(n), _) => n,
            (None, Some(coding)) => {
                match instrument_codes::answer_value(instrument.description(), index - 1, coding) {
                    CodedAnswer::Value(v) => i64::from(v),
                    CodedAnswer::Unreadable => {
                        return Err(ctx.invalid(
                        &format!("{path}.answer[0].valueCoding"),
                        format!(
                            "the answer code {} is not one Haven can read as a number for {} item {index}; \
                             give the answer as valueInteger",
                            instrument_codes::describe(coding),
                            instrument.name()
                        ),
                    ));
                    }
                }
            }
            (None, None) => {
                return Err(ctx.missing(
                    &format!("{path}.answer[0].value[x]"),
                    "a whole-number answer",
                ));
            }
        };
        let value = u8::try_from(value).map_err(|_| {
            ctx.invalid(
                &format!("{path}.answer[0]"),
                format!("{value} is not a possible answer"),
            )
        })?;
        if answers[index - 1].replace(value).is_some() {
            return Err(ctx.invalid(
                &path,
                format!("{} item {index} is answered twice", instrument.name()),
            ));
        }
    }
    if answers.iter().all(Option::is_none) {
        return Ok(Mapped::Skip(format!(
            "a {} response without answers",
            instrument.name()
        )));
    }
    // A response carries no total: items left unanswered are kept as not recorded.
    let result = QuestionnaireResult::recorded(instrument, date, answers, None);
    result
        .score(&ScoringOptions::default())
        .map_err(|e| ctx.invalid("item", e.to_string()))?;
    Ok(Mapped::Entry {
        body: Box::new(EntryBody::Questionnaire(result)),
        status,
        date_path: "authored",
    })
}

fn instrument_of_canonical(canonical: &str) -> Option<Instrument> {
    let id = canonical
        .split('|')
        .next()?
        .strip_prefix(&uris::questionnaire(""))?;
    Instrument::parse(id)
}
