//! CDS Hooks: wire types, Haven's two services (`haven-patient-view`, `haven-appointment-book`)
//! with their prefetch templates, the reading of prefetched FHIR into a record, and cards from
//! rule actions. The same rules engine as the worklist decides what the cards say.

mod cards;
mod wire;

pub use cards::{CardKey, SUMMARY_MAX, cards, indicator};
pub use wire::*;

use std::collections::{BTreeMap, HashSet};

use haven_core::Date;
use haven_core::policy::Policy;
use haven_core::record::{EntryBody, PatientRecord};
use haven_core::rules::{self, Action, RuleId};
use serde_json::value::RawValue;

use crate::import::{
    ImportError, ImportErrorKind, ImportedResource, Location, OnePass, Position, Purpose,
    assemble_with, parse_json, parse_value,
};
use crate::model::{AppointmentParticipant, Reference, Resource};

fn is_patient_reference(reference: &str) -> bool {
    reference.starts_with("Patient/") || reference.contains("/Patient/")
}

pub const PATIENT_VIEW: &str = "haven-patient-view";
pub const APPOINTMENT_BOOK: &str = "haven-appointment-book";

/// Every prefetch key Haven asks for and its FHIR query: everything the rules read.
pub const PREFETCH: &[(&str, &str)] = &[
    ("patient", "Patient/{{context.patientId}}"),
    ("observations", "Observation?patient={{context.patientId}}"),
    ("conditions", "Condition?patient={{context.patientId}}"),
    ("encounters", "Encounter?patient={{context.patientId}}"),
    ("appointments", "Appointment?patient={{context.patientId}}"),
    (
        "serviceRequests",
        "ServiceRequest?patient={{context.patientId}}",
    ),
    (
        "medicationStatements",
        "MedicationStatement?patient={{context.patientId}}",
    ),
    ("procedures", "Procedure?patient={{context.patientId}}"),
    ("flags", "Flag?patient={{context.patientId}}"),
    (
        "riskAssessments",
        "RiskAssessment?patient={{context.patientId}}",
    ),
    ("carePlans", "CarePlan?patient={{context.patientId}}"),
];

fn templates() -> BTreeMap<String, String> {
    PREFETCH
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The discovery document served at `GET /cds-services`.
pub fn discovery() -> Discovery {
    Discovery {
        services: vec![
            ServiceDescriptor {
                hook: "patient-view".into(),
                title: "Haven care rules".into(),
                description: "Tasks and alerts from the care of people seeking asylum who have survived torture and other abuses: follow-up, interpreters, risk after negative events, screening, referrals and coding.".into(),
                id: PATIENT_VIEW.into(),
                prefetch: templates(),
                usage_requirements: Some("Needs read access to the patient's Observation, Condition, Encounter, Appointment, ServiceRequest, MedicationStatement, Procedure, Flag, RiskAssessment and CarePlan resources.".into()),
            },
            ServiceDescriptor {
                hook: "appointment-book".into(),
                title: "Haven interpreter check".into(),
                description: "Warns when a person who needs an interpreter is being booked without one.".into(),
                id: APPOINTMENT_BOOK.into(),
                prefetch: templates(),
                usage_requirements: None,
            },
        ],
    }
}

/// The query for a prefetch key with the patient filled in, for fetching what the EHR did
/// not prefetch.
pub fn prefetch_query(key: &str, patient_id: &str) -> Option<String> {
    PREFETCH
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, q)| q.replace("{{context.patientId}}", patient_id))
}

/// Prefetch keys the request did not send at all (a key sent as `null` means "nothing
/// found" and needs no fetching).
pub fn missing_prefetch<P>(request: &CdsRequest<P>) -> Vec<&'static str> {
    PREFETCH
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| {
            request
                .prefetch
                .as_ref()
                .is_none_or(|p| !p.contains_key(*k))
        })
        .collect()
}

/// A hook call and its prefetched resources read in one pass over the body, when every
/// prefetch key is there and every prefetched resource has `resourceType` first (as Haven's
/// export and most FHIR servers write them); the request comes back without its prefetch.
/// `None` when that is not so: read the body as a [`CdsRequest`], and the prefetch with
/// [`prefetch_resources`], which name any problem exactly.
pub fn read_in_one_pass(
    body: &[u8],
) -> Option<Result<(CdsRequest, Vec<ImportedResource>), ImportError>> {
    // Checked as UTF-8 once, whole: read a third faster than string by string.
    let request: CdsRequest<OnePass> =
        serde_json::from_str(std::str::from_utf8(body).ok()?).ok()?;
    if !missing_prefetch(&request).is_empty() {
        return None;
    }
    let (request, prefetch) = request.take_prefetch();
    let mut resources = Vec::new();
    for (key, value) in prefetch.unwrap_or_default() {
        match value.resources(&format!("prefetch.{key}")) {
            Ok(read) => resources.extend(read),
            Err(e) => return Some(Err(e)),
        }
    }
    Some(Ok((request, resources)))
}

/// Resources from prefetch values (single resources or searchset Bundles). A resource that
/// two keys both return is kept once by [`record_for`].
pub fn prefetch_resources(
    prefetch: BTreeMap<String, Box<RawValue>>,
) -> Result<Vec<ImportedResource>, ImportError> {
    let mut out = Vec::new();
    for (key, value) in prefetch {
        if value.get() == "null" {
            continue;
        }
        out.extend(parse_json(
            value.get().as_bytes(),
            &format!("prefetch.{key}"),
        )?);
    }
    Ok(dedupe(out))
}

/// Keeps the first of resources with the same type and id.
fn dedupe(resources: Vec<ImportedResource>) -> Vec<ImportedResource> {
    let mut seen = HashSet::new();
    let keep: Vec<bool> = resources
        .iter()
        .map(|r| {
            r.id.as_deref()
                .is_none_or(|id| seen.insert((r.resource.resource_type(), id)))
        })
        .collect();
    resources
        .into_iter()
        .zip(keep)
        .filter_map(|(r, keep)| keep.then_some(r))
        .collect()
}

/// The record of `patient_id` from the request's FHIR data (prefetch, fetched and draft
/// resources together; one that arrives twice is read once).
pub fn record_for(
    patient_id: &str,
    resources: Vec<ImportedResource>,
    today: Date,
) -> Result<PatientRecord, ImportError> {
    let records = assemble_with(dedupe(resources), today, &[], Purpose::Evaluate)?.records;
    records
        .into_iter()
        .find(|r| r.patient.id.as_str() == patient_id)
        .ok_or_else(|| {
            let location = Location::new("prefetch.patient", Position::Document);
            ImportError::new(
                ImportErrorKind::Reference,
                &location,
                "Patient",
                format!("no Patient resource with id {patient_id:?} (context.patientId)"),
            )
        })
}

/// `patient-view`: every rule, as the worklist would show them.
pub fn patient_view(record: &PatientRecord, policy: &Policy, today: Date) -> Vec<Action> {
    rules::evaluate(record, policy, today)
}

/// The appointments being booked (`context.appointments`), as resources to add to the
/// patient's data. Drafts without an id get `draft-<n>`.
pub fn draft_appointments(request: &CdsRequest) -> Result<Vec<ImportedResource>, ImportError> {
    let Some(value) = request.appointments().filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let mut drafts = parse_value(value.clone(), "context.appointments")?;
    let patient = Reference::to("Patient", request.patient_id().unwrap_or_default());
    for (n, d) in drafts.iter_mut().enumerate() {
        d.id.get_or_insert_with(|| format!("draft-{n}"));
        // The appointments being booked are the context patient's by definition of the hook,
        // whatever id their own patient participant carries (the specification's example
        // itself names another).
        if let Resource::Appointment(a) = &mut d.resource {
            a.participant.retain(|p| {
                !p.actor
                    .as_ref()
                    .and_then(|r| r.reference.as_deref())
                    .is_some_and(is_patient_reference)
            });
            a.participant.insert(
                0,
                AppointmentParticipant {
                    modifier_extension: Vec::new(),
                    actor: Some(patient.clone()),
                    status: "accepted".into(),
                },
            );
        }
    }
    Ok(drafts)
}

/// `appointment-book`: `interpreter.book` over the record with the drafts added, its window
/// widened to reach the furthest draft, because at booking time every appointment being made
/// needs its interpreter, however far ahead it is.
pub fn appointment_book(
    record: &PatientRecord,
    draft_ids: &[String],
    policy: &Policy,
    today: Date,
) -> Vec<Action> {
    let furthest = record
        .entries
        .iter()
        .filter(|e| draft_ids.iter().any(|d| d == e.id.as_str()))
        .filter_map(|e| match &e.body {
            EntryBody::PlannedContact(c) => Some(c.date),
            _ => None,
        })
        .max();
    let mut policy = policy.clone();
    if let Some(furthest) = furthest {
        let days = (furthest - today).whole_days().max(0);
        policy.widen_booking_window(u32::try_from(days).unwrap_or(u32::MAX));
    }
    rules::evaluate_rule(RuleId::InterpreterBook, record, &policy, today)
        .into_iter()
        .collect()
}
