//! One clinical entry → its FHIR resource(s). Verified SNOMED CT / LOINC codings come first,
//! Haven's own coding second; everything without a standard home is a Haven extension.

use haven_core::PatientId;
use haven_core::record::*;
use haven_core::terminology;

use super::{category, concept, meta, note, status, subject};
use crate::model::{
    AppointmentParticipant, CarePlan, CodeableConcept, Coding, Condition, Extension, Observation,
    Period, Procedure, Resource, RiskAssessment,
};
use crate::uris::{self, cs, ext};

pub(super) fn entry(patient: &PatientId, e: &Entry) -> Vec<Resource> {
    let id = Some(e.id.as_str().to_owned());
    let one = |r: Resource| vec![r];
    match &e.body {
        EntryBody::Asylum(a) => one(Observation {
            id,
            meta: meta(e),
            status: status(e, "final"),
            category: vec![social_history()],
            code: concept(vec![uris::haven(
                cs::HAVEN,
                "asylum-status",
                "Asylum status",
            )]),
            subject: subject(patient),
            effective_date_time: Some(a.since.to_string()),
            value_codeable_concept: Some(asylum_value(a)),
            note: note(&a.note),
            ..Observation::default()
        }
        .into()),
        EntryBody::Disclosure(d) => one(Condition {
            id,
            meta: meta(e),
            clinical_status: clinical_status(e, "active"),
            verification_status: verification_status(e),
            category: vec![
                problem_list(),
                concept(vec![uris::haven(
                    cs::HAVEN,
                    "sensitive-history",
                    "Sensitive history",
                )]),
            ],
            code: Some(match d.kind {
                Some(kind) => abuse_code(kind),
                None => CodeableConcept {
                    coding: Vec::new(),
                    text: Some("Human rights abuse disclosed (not coded)".into()),
                },
            }),
            subject: subject(patient),
            recorded_date: Some(d.disclosed.to_string()),
            note: note(&d.note),
            ..Condition::default()
        }
        .into()),
        EntryBody::Problem(p) => one(Condition {
            id,
            meta: meta(e),
            clinical_status: clinical_status(
                e,
                if p.resolved.is_some() {
                    "resolved"
                } else {
                    "active"
                },
            ),
            verification_status: verification_status(e),
            category: vec![problem_list()],
            code: Some(concept(vec![uris::verified(terminology::by_key(
                p.kind.snomed_key(),
            ))])),
            subject: subject(patient),
            onset_date_time: Some(p.onset.to_string()),
            abatement_date_time: p.resolved.map(|d| d.to_string()),
            note: note(&p.note),
            ..Condition::default()
        }
        .into()),
        EntryBody::LifeEvent(l) => one(Observation {
            id,
            meta: meta(e),
            status: status(e, "final"),
            category: vec![social_history()],
            code: concept(vec![uris::haven(
                cs::LIFE_EVENT,
                l.kind.id(),
                l.kind.label(),
            )]),
            subject: subject(patient),
            effective_date_time: Some(l.date.to_string()),
            note: note(&l.note),
            ..Observation::default()
        }
        .into()),
        EntryBody::Encounter(enc) => one(encounter(id, patient, e, enc).into()),
        EntryBody::PlannedContact(c) => one(appointment(id, patient, e, c).into()),
        EntryBody::Questionnaire(q) => super::questionnaire::resources(patient, e, q),
        EntryBody::RiskReview(r) => one(risk_assessment(id, patient, e, r).into()),
        EntryBody::SafetyPlan(s) => one(safety_plan(id, patient, e, s).into()),
        EntryBody::Screening(s) => one(Observation {
            id,
            meta: meta(e),
            status: status(e, "final"),
            code: concept(vec![uris::haven(
                cs::SCREENING,
                s.test.id(),
                s.test.label(),
            )]),
            subject: subject(patient),
            effective_date_time: Some(s.date.to_string()),
            value_codeable_concept: Some(concept(vec![uris::haven(
                cs::SCREENING_STATUS,
                s.status.id(),
                s.status.label(),
            )])),
            ..Observation::default()
        }
        .into()),
        EntryBody::Referral(r) => one(super::referral::service_request(id, patient, e, r).into()),
        EntryBody::Medication(m) => one(crate::model::MedicationStatement {
            contained: Vec::new(),
            modifier_extension: Vec::new(),
            id,
            meta: meta(e),
            extension: Vec::new(),
            status: status(
                e,
                if m.stopped.is_some() {
                    "stopped"
                } else {
                    "active"
                },
            ),
            category: Some(concept(vec![uris::haven(
                cs::HAVEN,
                "psychotropic",
                "Psychotropic medication",
            )])),
            medication_codeable_concept: Some(CodeableConcept {
                coding: Vec::new(),
                text: Some(m.name.clone()),
            }),
            medication_reference: None,
            subject: subject(patient),
            effective_date_time: None,
            effective_period: Some(Period {
                start: Some(m.started.to_string()),
                end: m.stopped.map(|d| d.to_string()),
            }),
        }
        .into()),
        EntryBody::Advice(a) => one(Procedure {
            modifier_extension: Vec::new(),
            id,
            meta: meta(e),
            extension: a
                .topics
                .iter()
                .map(|t| Extension::code(uris::extension(ext::ADVICE_TOPIC), t.id()))
                .collect(),
            status: status(e, "completed"),
            code: Some(concept(vec![uris::haven(
                cs::HAVEN,
                a.kind.id(),
                a.kind.label(),
            )])),
            subject: subject(patient),
            performed_date_time: Some(a.date.to_string()),
            performed_period: None,
            outcome: None,
            note: note(&a.note),
        }
        .into()),
        EntryBody::Outreach(o) => one(outreach(id, patient, e, o).into()),
        EntryBody::Flag(f) => one(crate::model::Flag {
            modifier_extension: Vec::new(),
            id,
            meta: meta(e),
            extension: Vec::new(),
            status: status(e, "active"),
            category: vec![match f.kind {
                FlagKind::InterpreterNeeded => {
                    category(uris::FLAG_CATEGORY, "admin", "Administrative")
                }
                FlagKind::SensitiveHistory => category(uris::FLAG_CATEGORY, "clinical", "Clinical"),
            }],
            code: concept(vec![match f.kind {
                FlagKind::InterpreterNeeded => {
                    uris::verified(terminology::by_key("interpreter.needed"))
                }
                FlagKind::SensitiveHistory => {
                    uris::haven(cs::HAVEN, "sensitive-history", "Sensitive history")
                }
            }]),
            subject: subject(patient),
            period: Some(Period {
                start: Some(f.date.to_string()),
                end: None,
            }),
        }
        .into()),
    }
}

fn social_history() -> CodeableConcept {
    category(
        uris::OBSERVATION_CATEGORY,
        "social-history",
        "Social History",
    )
}

fn problem_list() -> CodeableConcept {
    category(
        uris::CONDITION_CATEGORY,
        "problem-list-item",
        "Problem List Item",
    )
}

/// Conditions carry entered-in-error in `verificationStatus`; `clinicalStatus` must then be
/// absent (FHIR invariant con-5).
fn clinical_status(e: &Entry, code: &str) -> Option<CodeableConcept> {
    (e.status == EntryStatus::Active).then(|| category(uris::CONDITION_CLINICAL, code, code))
}

fn verification_status(e: &Entry) -> Option<CodeableConcept> {
    match e.status {
        EntryStatus::Active => Some(category(
            uris::CONDITION_VERIFICATION,
            "confirmed",
            "Confirmed",
        )),
        EntryStatus::EnteredInError => Some(category(
            uris::CONDITION_VERIFICATION,
            "entered-in-error",
            "Entered in Error",
        )),
    }
}

fn asylum_value(a: &AsylumSituation) -> CodeableConcept {
    let mut coding = Vec::new();
    if a.coded {
        coding.push(uris::verified(terminology::by_key(a.status.snomed_key())));
    }
    coding.push(uris::haven(
        cs::ASYLUM_STATUS,
        a.status.id(),
        a.status.label(),
    ));
    concept(coding)
}

fn abuse_code(kind: AbuseKind) -> CodeableConcept {
    let mut coding: Vec<Coding> = kind
        .snomed_key()
        .map(|k| uris::verified(terminology::by_key(k)))
        .into_iter()
        .collect();
    coding.push(uris::haven(cs::ABUSE_HISTORY, kind.id(), kind.label()));
    concept(coding)
}

fn flag_ext(name: &str, value: bool) -> Option<Extension> {
    value.then(|| Extension::boolean(uris::extension(name), true))
}

fn encounter(
    id: Option<String>,
    patient: &PatientId,
    e: &Entry,
    enc: &haven_core::record::Encounter,
) -> crate::model::Encounter {
    let mut extension = vec![Extension::code(
        uris::extension(ext::INTERPRETER_USE),
        enc.interpreter.id(),
    )];
    extension.extend(flag_ext(
        ext::PHYSICAL_CAUSE_FOUND,
        enc.physical_cause_found,
    ));
    extension.extend(flag_ext(
        ext::SUICIDAL_THOUGHTS_NOTED,
        enc.suicidal_thoughts_noted,
    ));
    extension.extend(flag_ext(ext::SELF_HARM_NOTED, enc.self_harm_noted));
    if !enc.note.is_empty() {
        // R4 Encounter has no note element.
        extension.push(Extension::string(uris::extension(ext::NOTE), &enc.note));
    }
    crate::model::Encounter {
        modifier_extension: Vec::new(),
        id,
        meta: meta(e),
        extension,
        status: status(e, "finished"),
        class: Some(Coding::new(uris::ACT_CODE, "AMB", "ambulatory")),
        subject: subject(patient),
        period: Some(Period {
            start: Some(enc.date.to_string()),
            end: None,
        }),
        reason_code: enc
            .somatic_complaints
            .iter()
            .map(|c| concept(vec![uris::verified(terminology::by_key(c.snomed_key()))]))
            .collect(),
    }
}

fn appointment(
    id: Option<String>,
    patient: &PatientId,
    e: &Entry,
    c: &PlannedContact,
) -> crate::model::Appointment {
    let mut extension = vec![Extension::boolean(
        uris::extension(ext::INTERPRETER_BOOKED),
        c.interpreter_booked,
    )];
    extension.extend(c.interpreter.as_ref().map(interpreter_booking));
    if e.status == EntryStatus::EnteredInError {
        extension.push(Extension::code(
            uris::extension(ext::PRIOR_STATUS),
            c.status.id(),
        ));
    }
    // Haven plans contacts by day; FHIR needs an instant, so the day starts at 00:00 UTC and
    // import reads the day back from the text as written.
    let start = format!("{}T00:00:00Z", c.date);
    crate::model::Appointment {
        modifier_extension: Vec::new(),
        id,
        meta: meta(e),
        extension,
        status: status(e, c.status.id()),
        description: (!c.purpose.is_empty()).then(|| c.purpose.clone()),
        start: Some(start.clone()),
        end: Some(start),
        participant: vec![AppointmentParticipant {
            modifier_extension: Vec::new(),
            actor: subject(patient),
            status: "accepted".into(),
        }],
    }
}

/// The interpreter booked for an appointment, as one complex extension; empty text parts are
/// left out.
fn interpreter_booking(b: &InterpreterBooking) -> Extension {
    use uris::booking;
    let mut parts = vec![
        Extension::code(booking::MODE, b.mode.id()),
        Extension::code(booking::LANGUAGE, b.language.as_str()),
    ];
    if let Some(gender) = b.gender {
        parts.push(Extension::code(
            booking::GENDER,
            super::patient::code_of(&gender),
        ));
    }
    for (name, text) in [
        (booking::DIALECT, &b.dialect),
        (booking::BOOKED_WITH, &b.booked_with),
        (booking::REFERENCE, &b.reference),
    ] {
        if !text.is_empty() {
            parts.push(Extension::string(name, text));
        }
    }
    Extension::complex(uris::extension(ext::INTERPRETER_BOOKING), parts)
}

/// Outreach after a missed contact: a Procedure coded `haven#dna-outreach`, its method an
/// extension and what came of it the `outcome`.
fn outreach(id: Option<String>, patient: &PatientId, e: &Entry, o: &Outreach) -> Procedure {
    Procedure {
        modifier_extension: Vec::new(),
        id,
        meta: meta(e),
        extension: vec![Extension::code(
            uris::extension(ext::OUTREACH_METHOD),
            o.method.id(),
        )],
        status: status(e, "completed"),
        code: Some(concept(vec![uris::haven(
            cs::HAVEN,
            uris::OUTREACH_CODE,
            "Outreach after a missed contact",
        )])),
        subject: subject(patient),
        performed_date_time: Some(o.date.to_string()),
        performed_period: None,
        outcome: Some(concept(vec![uris::haven(
            cs::OUTREACH_OUTCOME,
            o.outcome.id(),
            o.outcome.label(),
        )])),
        note: note(&o.note),
    }
}

fn risk_assessment(
    id: Option<String>,
    patient: &PatientId,
    e: &Entry,
    r: &RiskReview,
) -> RiskAssessment {
    let mut extension = vec![
        Extension::code(
            uris::extension(ext::SUICIDAL_THOUGHTS),
            r.suicidal_thoughts.id(),
        ),
        Extension::boolean(uris::extension(ext::PLANS_OR_INTENT), r.plans_or_intent),
        Extension::boolean(uris::extension(ext::RECENT_SELF_HARM), r.recent_self_harm),
    ];
    if let Some(next) = r.next_review {
        extension.push(Extension::date(
            uris::extension(ext::NEXT_REVIEW),
            next.to_string(),
        ));
    }
    if !r.stressors.is_empty() {
        extension.push(Extension::string(
            uris::extension(ext::STRESSORS),
            &r.stressors,
        ));
    }
    if !r.protective_factors.is_empty() {
        extension.push(Extension::string(
            uris::extension(ext::PROTECTIVE_FACTORS),
            &r.protective_factors,
        ));
    }
    RiskAssessment {
        modifier_extension: Vec::new(),
        id,
        meta: meta(e),
        extension,
        status: status(e, "final"),
        code: Some(concept(vec![uris::haven(
            cs::HAVEN,
            "suicide-self-harm-review",
            "Suicide and self-harm review",
        )])),
        subject: subject(patient),
        occurrence_date_time: Some(r.date.to_string()),
        note: note(&r.formulation),
    }
}

/// The sections of a safety plan, as sub-extension names of `safety-plan`.
pub(crate) fn safety_plan_sections(s: &SafetyPlan) -> [(&'static str, &String); 6] {
    [
        ("warning-signs", &s.warning_signs),
        ("coping-strategies", &s.coping_strategies),
        ("people-and-places", &s.people_and_places),
        ("professionals-and-crisis", &s.professionals_and_crisis),
        ("safer-surroundings", &s.safer_surroundings),
        ("reasons-for-living", &s.reasons_for_living),
    ]
}

fn safety_plan(id: Option<String>, patient: &PatientId, e: &Entry, s: &SafetyPlan) -> CarePlan {
    let parts: Vec<Extension> = safety_plan_sections(s)
        .into_iter()
        .filter(|(_, text)| !text.is_empty())
        .map(|(name, text)| Extension::string(name, text.as_str()))
        .collect();
    CarePlan {
        modifier_extension: Vec::new(),
        id,
        meta: meta(e),
        extension: vec![Extension::complex(uris::extension(ext::SAFETY_PLAN), parts)],
        status: status(e, "active"),
        intent: "plan".into(),
        category: vec![concept(vec![uris::haven(
            cs::HAVEN,
            "safety-plan",
            "Safety plan",
        )])],
        title: None,
        subject: subject(patient),
        created: Some(s.date.to_string()),
    }
}
