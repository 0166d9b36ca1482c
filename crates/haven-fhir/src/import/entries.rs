//! The non-Observation clinical resources → Haven entries. A resource of a known type whose
//! codes mean nothing to Haven is skipped (reported), never guessed at; a Haven code that is
//! not in its code system is an error.

use haven_core::record::*;

use super::codes::{
    abuse_from_key, asylum_from_snomed, is_interpreter_need, problem_from_key, somatic_from_key,
};
use super::error::ImportError;
use super::refs::{contained, contained_name};
use super::values::{Ctx, ext_flag, ext_path, ext_string, find, haven_code, notes, verified_keys};
use super::{Mapped, status_of};
use crate::model;
use crate::uris::{self, cs, ext};

pub(super) fn entry(
    body: EntryBody,
    status: EntryStatus,
    date_path: &'static str,
) -> Result<Mapped, ImportError> {
    Ok(Mapped::Entry {
        body: Box::new(body),
        status,
        date_path,
    })
}

pub(crate) fn condition(ctx: &Ctx, c: &model::Condition) -> Result<Mapped, ImportError> {
    let verification = c
        .verification_status
        .as_ref()
        .and_then(|v| v.code_in(uris::CONDITION_VERIFICATION));
    let status = match verification {
        Some("entered-in-error") => EntryStatus::EnteredInError,
        Some("refuted") => return Ok(Mapped::Skip("the condition was refuted".into())),
        _ => EntryStatus::Active,
    };
    let code = c.code.as_slice();
    let keys = verified_keys(code);
    let abuse = match haven_code(code, cs::ABUSE_HISTORY) {
        Some(h) => Some(
            AbuseKind::parse(h)
                .ok_or_else(|| ctx.invalid("code", format!("unknown abuse-history code {h:?}")))?,
        ),
        None => keys.iter().find_map(|k| abuse_from_key(k)),
    };
    let uncoded_disclosure = c
        .category
        .iter()
        .any(|cat| cat.has(&uris::system(cs::HAVEN), "sensitive-history"));
    if abuse.is_some() || (uncoded_disclosure && keys.iter().all(|k| problem_from_key(k).is_none()))
    {
        let (path, text) = match (c.recorded_date.as_deref(), c.onset_date_time.as_deref()) {
            (Some(d), _) => ("recordedDate", Some(d)),
            (None, d) => ("onsetDateTime", d),
        };
        let disclosed = ctx.required_date(path, text, "the date of disclosure (recordedDate)")?;
        return entry(
            EntryBody::Disclosure(Disclosure {
                kind: abuse,
                disclosed,
                note: notes(&c.note),
            }),
            status,
            "recordedDate",
        );
    }
    if let Some(kind) = keys.iter().find_map(|k| problem_from_key(k)) {
        let (path, text) = match (c.onset_date_time.as_deref(), c.recorded_date.as_deref()) {
            (Some(d), _) => ("onsetDateTime", Some(d)),
            (None, d) => ("recordedDate", d),
        };
        let onset = ctx.required_date(path, text, "the onset date (onsetDateTime)")?;
        let resolved =
            ctx.optional_end_date("abatementDateTime", c.abatement_date_time.as_deref())?;
        return entry(
            EntryBody::Problem(Problem {
                kind,
                onset,
                resolved,
                note: notes(&c.note),
            }),
            status,
            "onsetDateTime",
        );
    }
    if let Some(asylum) = keys.iter().find_map(|k| asylum_from_snomed(k)) {
        let text = c.onset_date_time.as_deref().or(c.recorded_date.as_deref());
        let since = ctx.required_date("onsetDateTime", text, "when it began")?;
        return entry(
            EntryBody::Asylum(AsylumSituation {
                status: asylum,
                since,
                coded: true,
                note: notes(&c.note),
            }),
            status,
            "onsetDateTime",
        );
    }
    Ok(Mapped::Skip("its code is not one Haven records".into()))
}

pub(crate) fn encounter(ctx: &Ctx, e: &model::Encounter) -> Result<Mapped, ImportError> {
    let status = match e.status.as_str() {
        "finished" | "in-progress" | "arrived" | "triaged" | "onleave" => EntryStatus::Active,
        "entered-in-error" => EntryStatus::EnteredInError,
        other => {
            return Ok(Mapped::Skip(format!(
                "an encounter that is {other} did not take place"
            )));
        }
    };
    let date = ctx.required_date(
        "period.start",
        e.period.as_ref().and_then(|p| p.start.as_deref()),
        "when it took place",
    )?;
    // Encounters from other systems rarely say how language support was given; Haven reads
    // that as "not needed" rather than inventing unmet need (MAPPING.md).
    let interpreter = ctx
        .ext_code(
            &e.extension,
            ext::INTERPRETER_USE,
            "interpreter-use",
            InterpreterUse::parse,
        )?
        .unwrap_or(InterpreterUse::NotNeeded);
    let somatic_complaints = verified_keys(&e.reason_code)
        .into_iter()
        .filter_map(somatic_from_key)
        .collect();
    let body = haven_core::record::Encounter {
        date,
        interpreter,
        somatic_complaints,
        physical_cause_found: ext_flag(&e.extension, ext::PHYSICAL_CAUSE_FOUND),
        suicidal_thoughts_noted: ext_flag(&e.extension, ext::SUICIDAL_THOUGHTS_NOTED),
        self_harm_noted: ext_flag(&e.extension, ext::SELF_HARM_NOTED),
        note: ext_string(&e.extension, ext::NOTE).unwrap_or_default(),
    };
    entry(EntryBody::Encounter(body), status, "period.start")
}

pub(crate) fn appointment(ctx: &Ctx, a: &model::Appointment) -> Result<Mapped, ImportError> {
    let contact = |s: &str| match s {
        "booked" | "pending" | "proposed" | "waitlist" => Some(ContactStatus::Booked),
        "fulfilled" | "arrived" | "checked-in" => Some(ContactStatus::Attended),
        "noshow" => Some(ContactStatus::DidNotAttend),
        "cancelled" => Some(ContactStatus::Cancelled),
        _ => None,
    };
    let (status, contact_status) = match a.status.as_str() {
        "entered-in-error" => {
            let prior = ctx.ext_code(
                &a.extension,
                ext::PRIOR_STATUS,
                "appointment status",
                ContactStatus::parse,
            )?;
            (
                EntryStatus::EnteredInError,
                prior.unwrap_or(ContactStatus::Booked),
            )
        }
        s => (
            EntryStatus::Active,
            contact(s).ok_or_else(|| {
                ctx.invalid("status", format!("unknown appointment status {s:?}"))
            })?,
        ),
    };
    let date = ctx.required_day("start", a.start.as_deref(), "the appointment date")?;
    let interpreter = interpreter_booking(ctx, &a.extension)?;
    let body = PlannedContact {
        date,
        status: contact_status,
        // A booking means booked, whatever else the flag says.
        interpreter_booked: interpreter.is_some()
            || ext_flag(&a.extension, ext::INTERPRETER_BOOKED),
        purpose: a.description.clone().unwrap_or_default(),
        interpreter,
    };
    entry(EntryBody::PlannedContact(body), status, "start")
}

pub(crate) fn risk_assessment(ctx: &Ctx, r: &model::RiskAssessment) -> Result<Mapped, ImportError> {
    if haven_code(r.code.as_slice(), cs::HAVEN) != Some("suicide-self-harm-review") {
        return Ok(Mapped::Skip(
            "not Haven's suicide and self-harm review".into(),
        ));
    }
    let status = match r.status.as_str() {
        "cancelled" => return Ok(Mapped::Skip("the assessment was cancelled".into())),
        s => status_of(s),
    };
    let x = &r.extension;
    let suicidal_thoughts = ctx
        .ext_code(
            x,
            ext::SUICIDAL_THOUGHTS,
            "suicidal-thoughts",
            SuicidalThoughts::parse,
        )?
        .ok_or_else(|| {
            ctx.missing(
                &ext_path(ext::SUICIDAL_THOUGHTS),
                "Haven needs this answer recorded",
            )
        })?;
    let next_review = match find(x, ext::NEXT_REVIEW) {
        // Not the review's own date: a partial one is read on its first day, so the review
        // comes due no later than agreed.
        Some(e) => {
            let path = ext_path(ext::NEXT_REVIEW);
            let text = e
                .value_date
                .as_deref()
                .ok_or_else(|| ctx.missing(&path, "a valueDate"))?;
            Some(ctx.date(&path, text)?)
        }
        None => None,
    };
    let body = RiskReview {
        date: ctx.required_date(
            "occurrenceDateTime",
            r.occurrence_date_time.as_deref(),
            "the review date",
        )?,
        suicidal_thoughts,
        plans_or_intent: ctx.ext_bool(x, ext::PLANS_OR_INTENT)?,
        recent_self_harm: ctx.ext_bool(x, ext::RECENT_SELF_HARM)?,
        stressors: ext_string(x, ext::STRESSORS).unwrap_or_default(),
        protective_factors: ext_string(x, ext::PROTECTIVE_FACTORS).unwrap_or_default(),
        formulation: notes(&r.note),
        next_review,
    };
    entry(EntryBody::RiskReview(body), status, "occurrenceDateTime")
}

pub(crate) fn care_plan(ctx: &Ctx, c: &model::CarePlan) -> Result<Mapped, ImportError> {
    if !c
        .category
        .iter()
        .any(|cat| cat.has(&uris::system(cs::HAVEN), "safety-plan"))
    {
        return Ok(Mapped::Skip("not a safety plan".into()));
    }
    let sections = find(&c.extension, ext::SAFETY_PLAN)
        .map(|e| e.extension.as_slice())
        .unwrap_or(&[]);
    let section = |name: &str| {
        sections
            .iter()
            .find(|s| s.url == name)
            .and_then(|s| s.value_string.clone())
            .unwrap_or_default()
    };
    let body = SafetyPlan {
        date: ctx.required_date(
            "created",
            c.created.as_deref(),
            "the date the plan was made",
        )?,
        warning_signs: section("warning-signs"),
        coping_strategies: section("coping-strategies"),
        people_and_places: section("people-and-places"),
        professionals_and_crisis: section("professionals-and-crisis"),
        safer_surroundings: section("safer-surroundings"),
        reasons_for_living: section("reasons-for-living"),
    };
    entry(EntryBody::SafetyPlan(body), status_of(&c.status), "created")
}

pub(crate) fn medication_statement(
    ctx: &Ctx,
    m: &model::MedicationStatement,
) -> Result<Mapped, ImportError> {
    if !m
        .category
        .as_ref()
        .is_some_and(|c| c.has(&uris::system(cs::HAVEN), "psychotropic"))
    {
        return Ok(Mapped::Skip("not marked as psychotropic medication".into()));
    }
    if matches!(m.status.as_str(), "not-taken" | "intended") {
        return Ok(Mapped::Skip(format!(
            "the medication is {}, not started",
            m.status
        )));
    }
    let name = m
        .medication_codeable_concept
        .as_ref()
        .and_then(|c| {
            c.text
                .clone()
                .or_else(|| c.coding.iter().find_map(|c| c.display.clone()))
        })
        .or_else(|| {
            let reference = m.medication_reference.as_ref()?;
            reference.display.clone().or_else(|| {
                contained_name(contained(&m.contained, reference.reference.as_deref()?)?)
            })
        })
        .ok_or_else(|| ctx.missing("medicationCodeableConcept.text", "the medication's name"))?;
    let period = m.effective_period.as_ref();
    let (path, start) = match period.and_then(|p| p.start.as_deref()) {
        Some(s) => ("effectivePeriod.start", Some(s)),
        None => ("effectiveDateTime", m.effective_date_time.as_deref()),
    };
    let body = Medication {
        name,
        started: ctx.required_date(path, start, "when it was started")?,
        stopped: ctx
            .optional_end_date("effectivePeriod.end", period.and_then(|p| p.end.as_deref()))?,
    };
    entry(
        EntryBody::Medication(body),
        status_of(&m.status),
        "effectivePeriod.start",
    )
}

pub(crate) fn procedure(ctx: &Ctx, p: &model::Procedure) -> Result<Mapped, ImportError> {
    let code = haven_code(p.code.as_slice(), cs::HAVEN);
    let outreach = code == Some(uris::OUTREACH_CODE);
    let Some(kind) = code.and_then(AdviceKind::parse) else {
        if outreach && p.status != "not-done" {
            return outreach_of(ctx, p);
        }
        return Ok(Mapped::Skip(
            "not advice, a psychological enquiry or an outreach".into(),
        ));
    };
    if p.status == "not-done" {
        return Ok(Mapped::Skip("the procedure was not done".into()));
    }
    let text = performed(p);
    let url = uris::extension(ext::ADVICE_TOPIC);
    let topics = p
        .extension
        .iter()
        .filter(|e| e.url == url)
        .map(|e| {
            let code = e.value_code.as_deref().unwrap_or_default();
            AdviceTopic::parse(code).ok_or_else(|| {
                ctx.invalid(
                    &ext_path(ext::ADVICE_TOPIC),
                    format!("unknown advice-topic code {code:?}"),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let body = Advice {
        kind,
        date: ctx.required_date("performedDateTime", text, "when it was given")?,
        topics,
        note: notes(&p.note),
    };
    entry(
        EntryBody::Advice(body),
        status_of(&p.status),
        "performedDateTime",
    )
}

fn performed(p: &model::Procedure) -> Option<&str> {
    p.performed_date_time
        .as_deref()
        .or(p.performed_period.as_ref().and_then(|x| x.start.as_deref()))
}

/// Outreach after a missed contact: its method and outcome are Haven's codes and both needed.
fn outreach_of(ctx: &Ctx, p: &model::Procedure) -> Result<Mapped, ImportError> {
    let method = ctx
        .ext_code(
            &p.extension,
            ext::OUTREACH_METHOD,
            "outreach-method",
            OutreachMethod::parse,
        )?
        .ok_or_else(|| {
            ctx.missing(
                &ext_path(ext::OUTREACH_METHOD),
                "how the person was contacted",
            )
        })?;
    let outcome = match haven_code(p.outcome.as_slice(), cs::OUTREACH_OUTCOME) {
        Some(code) => OutreachOutcome::parse(code).ok_or_else(|| {
            ctx.invalid("outcome", format!("unknown outreach-outcome code {code:?}"))
        })?,
        None => return Err(ctx.missing("outcome", "what came of the outreach")),
    };
    let body = Outreach {
        date: ctx.required_date("performedDateTime", performed(p), "when it was done")?,
        method,
        outcome,
        note: notes(&p.note),
    };
    entry(
        EntryBody::Outreach(body),
        status_of(&p.status),
        "performedDateTime",
    )
}

/// The interpreter booked for an appointment, from its `interpreter-booking` extension.
fn interpreter_booking(
    ctx: &Ctx,
    extensions: &[model::Extension],
) -> Result<Option<InterpreterBooking>, ImportError> {
    use uris::booking;
    let Some(e) = find(extensions, ext::INTERPRETER_BOOKING) else {
        return Ok(None);
    };
    let path = |part: &str| format!("{}.extension({part})", ext_path(ext::INTERPRETER_BOOKING));
    let part = |name: &str| e.extension.iter().find(|p| p.url == name);
    let text = |name: &str| {
        part(name)
            .and_then(|p| p.value_string.clone())
            .unwrap_or_default()
    };
    let code = |name: &str| {
        part(name).map(|p| {
            p.value_code
                .as_deref()
                .ok_or_else(|| ctx.invalid(&path(name), "must be a valueCode"))
        })
    };
    let mode = code(booking::MODE)
        .ok_or_else(|| ctx.missing(&path(booking::MODE), "how the interpreter takes part"))??;
    let mode = InterpreterMode::parse(mode).ok_or_else(|| {
        ctx.invalid(
            &path(booking::MODE),
            format!("unknown interpreter-mode code {mode:?}"),
        )
    })?;
    let language = code(booking::LANGUAGE)
        .ok_or_else(|| ctx.missing(&path(booking::LANGUAGE), "the interpreter's language"))??;
    let language = haven_core::LanguageTag::parse(language)
        .map_err(|e| ctx.invalid(&path(booking::LANGUAGE), e.to_string()))?;
    let gender = code(booking::GENDER)
        .transpose()?
        .map(|g| {
            super::patient::serde_code::<InterpreterGender>(g).ok_or_else(|| {
                ctx.invalid(
                    &path(booking::GENDER),
                    format!("unknown interpreter gender {g:?}"),
                )
            })
        })
        .transpose()?;
    Ok(Some(InterpreterBooking {
        mode,
        language,
        dialect: text(booking::DIALECT),
        gender,
        booked_with: text(booking::BOOKED_WITH),
        reference: text(booking::REFERENCE),
    }))
}

pub(crate) fn flag(ctx: &Ctx, f: &model::Flag) -> Result<Mapped, ImportError> {
    let code = std::slice::from_ref(&f.code);
    let kind = if haven_code(code, cs::HAVEN) == Some("sensitive-history") {
        FlagKind::SensitiveHistory
    } else if verified_keys(code).into_iter().any(is_interpreter_need) {
        FlagKind::InterpreterNeeded
    } else {
        return Ok(Mapped::Skip("not a flag Haven shows".into()));
    };
    let status = match f.status.as_str() {
        "active" => EntryStatus::Active,
        "entered-in-error" => EntryStatus::EnteredInError,
        other => return Ok(Mapped::Skip(format!("the flag is {other}"))),
    };
    let date = ctx.required_date(
        "period.start",
        f.period.as_ref().and_then(|p| p.start.as_deref()),
        "when the flag was raised",
    )?;
    entry(
        EntryBody::Flag(haven_core::record::Flag { kind, date }),
        status,
        "period.start",
    )
}
