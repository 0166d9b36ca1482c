//! Haven record → FHIR R4 resources, exactly per the mapping table of docs/fhir.md (deviations
//! and additions in MAPPING.md). Pure and deterministic: the same record always gives the
//! same JSON, which is what the round-trip tests and snapshots rely on.

mod entries;
mod partial;
mod patient;
mod practitioner;
mod questionnaire;
mod referral;

pub use practitioner::{Clinician, practitioner};
pub use questionnaire::result_observation;

use haven_core::record::{Entry, EntryBody, EntryStatus, PatientRecord};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;

use crate::Practice;
use crate::model::{Annotation, CodeableConcept, Coding, Extension, Meta, Reference, Resource};
use crate::uris::{self, ext};

/// Every resource for one patient, Patient first, in record order. Sensitive entries (abuse
/// disclosures) are left out unless `include_sensitive`.
pub fn to_resources(record: &PatientRecord, include_sensitive: bool) -> Vec<(&'static str, Value)> {
    to_typed(record, include_sensitive)
        .into_iter()
        .map(|r| (r.resource_type(), r.to_value()))
        .collect()
}

/// The Patient resource of a patient's demographics (the first of [`to_typed`]), naming
/// `practice` as its `managingOrganization` when it has an ODS code.
pub fn to_patient(
    patient: &haven_core::record::Patient,
    practice: Option<&Practice>,
) -> crate::model::Patient {
    let mut out = patient::patient(patient);
    out.managing_organization = practice.and_then(Practice::reference);
    out
}

/// Which version of a patient's demographics Haven holds, and when it stored it: the
/// `meta.versionId` and `meta.lastUpdated` of the Patient and of the resources made from its
/// demographics (the country-of-origin Observation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredVersion {
    pub version: u32,
    pub at: time::OffsetDateTime,
}

/// [`to_resources`] before serialisation.
pub fn to_typed(record: &PatientRecord, include_sensitive: bool) -> Vec<Resource> {
    to_typed_stored(record, include_sensitive, None, None)
}

/// [`to_resources`] with the Patient's stored version (see [`StoredVersion`]), as the FHIR
/// API and exports serve them; without it the demographics' resources carry no version. The
/// Patient names `practice` as its `managingOrganization` when the practice has an ODS code.
pub fn to_resources_stored(
    record: &PatientRecord,
    include_sensitive: bool,
    stored: Option<StoredVersion>,
    practice: Option<&Practice>,
) -> Vec<(&'static str, Value)> {
    to_typed_stored(record, include_sensitive, stored, practice)
        .into_iter()
        .map(|r| (r.resource_type(), r.to_value()))
        .collect()
}

/// [`to_typed`] with the Patient's stored version (see [`StoredVersion`]) and practice.
pub fn to_typed_stored(
    record: &PatientRecord,
    include_sensitive: bool,
    stored: Option<StoredVersion>,
    practice: Option<&Practice>,
) -> Vec<Resource> {
    let demographics_meta = || {
        stored.map(|s| Meta {
            version_id: Some(s.version.to_string()),
            last_updated: Some(instant(s.at)),
            ..Meta::default()
        })
    };
    let mut patient = to_patient(&record.patient, practice);
    patient.meta = Some(Meta {
        profile: vec![uris::UKCORE_PATIENT.into()],
        ..demographics_meta().unwrap_or_default()
    });
    let mut out = vec![Resource::from(patient)];
    if let Some(mut country) = patient::country_of_origin(&record.patient) {
        country.meta = demographics_meta();
        out.push(country.into());
    }
    for entry in &record.entries {
        if matches!(entry.body, EntryBody::Disclosure(_)) && !include_sensitive {
            continue;
        }
        out.extend(
            entries::entry(&record.patient.id, entry)
                .into_iter()
                .map(|mut resource| {
                    partial::keep_partial(&mut resource, entry);
                    resource
                }),
        );
    }
    out
}

/// The FHIR resource type an entry is exported as (its main resource).
pub fn resource_type_of(body: &EntryBody) -> &'static str {
    match body {
        EntryBody::Asylum(_)
        | EntryBody::LifeEvent(_)
        | EntryBody::Questionnaire(_)
        | EntryBody::Screening(_) => "Observation",
        EntryBody::Disclosure(_) | EntryBody::Problem(_) => "Condition",
        EntryBody::Encounter(_) => "Encounter",
        EntryBody::PlannedContact(_) => "Appointment",
        EntryBody::RiskReview(_) => "RiskAssessment",
        EntryBody::SafetyPlan(_) => "CarePlan",
        EntryBody::Referral(_) => "ServiceRequest",
        EntryBody::Medication(_) => "MedicationStatement",
        EntryBody::Advice(_) | EntryBody::Outreach(_) => "Procedure",
        EntryBody::Flag(_) => "Flag",
    }
}

/// The id of the QuestionnaireResponse exported beside a questionnaire result entry.
pub fn response_id(entry_id: &str) -> String {
    format!("{entry_id}-response")
}

/// The id of the country-of-origin Observation made from a patient's demographics.
pub fn country_id(patient_id: &str) -> String {
    format!("{patient_id}-country-of-origin")
}

/// Version, last change and (for disclosures) the Restricted confidentiality label.
fn meta(entry: &Entry) -> Option<Meta> {
    let mut extension = vec![Extension::string(
        uris::extension(ext::CHANGED_BY),
        entry.change.by.as_str(),
    )];
    if !entry.change.reason.is_empty() {
        extension.push(Extension::string(
            uris::extension(ext::CHANGE_REASON),
            &entry.change.reason,
        ));
    }
    let security = match entry.body {
        EntryBody::Disclosure(_) => vec![Coding::new(uris::CONFIDENTIALITY, "R", "restricted")],
        _ => Vec::new(),
    };
    Some(Meta {
        extension,
        version_id: Some(entry.version.to_string()),
        last_updated: Some(instant(entry.change.at)),
        security,
        ..Meta::default()
    })
}

/// A FHIR instant (RFC 3339) of a time Haven stored.
pub fn instant(at: time::OffsetDateTime) -> String {
    // RFC 3339 formatting fails only for years outside 0..=9999, which Haven never stores.
    at.format(&Rfc3339)
        .unwrap_or_else(|_| at.unix_timestamp().to_string())
}

fn subject(patient: &haven_core::PatientId) -> Option<Reference> {
    Some(Reference::to("Patient", patient.as_str()))
}

/// FHIR status for an entry: `active_status` unless it is entered-in-error.
fn status(entry: &Entry, active_status: &str) -> String {
    match entry.status {
        EntryStatus::Active => active_status.to_owned(),
        EntryStatus::EnteredInError => "entered-in-error".to_owned(),
    }
}

fn note(text: &str) -> Vec<Annotation> {
    if text.is_empty() {
        Vec::new()
    } else {
        vec![Annotation {
            text: text.to_owned(),
        }]
    }
}

fn concept(coding: Vec<Coding>) -> CodeableConcept {
    CodeableConcept::of(coding)
}

fn category(system: &str, code: &str, display: &str) -> CodeableConcept {
    concept(vec![Coding::new(system, code, display)])
}
