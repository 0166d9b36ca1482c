//! Grouping parsed resources into patient records: ids checked and unique, every subject
//! reference resolved to a Patient in the input (or one already known), each resource mapped,
//! and the result validated against `today` with haven-core's own rules.

use std::collections::{HashMap, HashSet};

use haven_core::record::{
    Entry, EntryStatus, Patient, PatientRecord, ValidationError, validate_entry, validate_patient,
};
use haven_core::{Date, EntryId};

use super::error::{ImportError, ImportErrorKind as Kind, Location};
use super::parse::ImportedResource;
use super::refs::Resolver;
use super::values::{Ctx, change, is_fhir_id};
use super::{Mapped, entries, observation, patient};
use crate::model::{Reference, Resource};

/// A resource that was read but records nothing Haven keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub location: Location,
    /// `Type/id`.
    pub resource: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Assembly {
    /// In the order the patients appear in the input.
    pub records: Vec<PatientRecord>,
    pub skipped: Vec<Skipped>,
}

/// What the records are for, which decides how strictly demographics are checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// To be stored: every haven-core check, including that the patient has a name.
    Store,
    /// To be evaluated and thrown away (`haven evaluate`, CDS Hooks): an EHR's Patient may
    /// come without a name, which the rules never read; every other check still applies.
    Evaluate,
}

/// Groups resources into records for storing; every resource's patient must be in the input.
pub fn assemble(
    resources: Vec<ImportedResource>,
    today: Date,
) -> Result<Vec<PatientRecord>, ImportError> {
    assemble_with(resources, today, &[], Purpose::Store).map(|a| a.records)
}

/// As [`assemble`], for `purpose`, and resources may also refer to `known` patients (already
/// stored); those come back as records holding only the new entries. A known patient that the
/// input also holds keeps its country of origin unless the input has a country Observation.
pub fn assemble_with(
    resources: Vec<ImportedResource>,
    today: Date,
    known: &[Patient],
    purpose: Purpose,
) -> Result<Assembly, ImportError> {
    let resolver = Resolver::new(&resources);
    check_ids(&resources)?;
    let answered = derived_responses(&resources, &resolver);
    let mut records: Vec<Built> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for r in &resources {
        if let Resource::Patient(p) = &r.resource {
            let ctx = Ctx {
                location: &r.location,
                rtype: "Patient",
            };
            let id = r
                .id
                .as_deref()
                .ok_or_else(|| ctx.missing("id", "Haven keeps Patient.id as the patient's id"))?;
            let patient = patient::patient(&ctx, id, p, &|reference| resolver.resolve(reference))?;
            index.insert(id.to_owned(), records.len());
            records.push(Built::new(patient, Some(r.location.clone())));
        }
    }
    let mut skipped = Vec::new();
    for r in &resources {
        let rtype = r.resource.resource_type();
        let ctx = Ctx {
            location: &r.location,
            rtype,
        };
        let label = || format!("{rtype}/{}", r.id.as_deref().unwrap_or("?"));
        let (subject, subject_path) = match subject_of(&r.resource, &resolver) {
            Subject::NotClinical => continue,
            Subject::Unsupported(why) => {
                skipped.push(Skipped {
                    location: r.location.clone(),
                    resource: label(),
                    reason: why.into(),
                });
                continue;
            }
            Subject::Of(reference, path) => (reference, path),
        };
        if matches!(r.resource, Resource::QuestionnaireResponse(_))
            && r.id.as_ref().is_some_and(|id| answered.contains(id))
        {
            continue; // its answers arrive with the result Observation derived from it
        }
        let id =
            r.id.as_deref()
                .ok_or_else(|| ctx.missing("id", "Haven keeps the resource id as the entry id"))?;
        let reference = subject
            .and_then(|s| s.reference.as_deref())
            .ok_or_else(|| ctx.missing(subject_path, "a reference to the Patient"))?;
        let target = resolver.resolve(reference).ok_or_else(|| {
            ImportError::new(
                Kind::Reference,
                &r.location,
                ctx.path(subject_path),
                format!("reference {reference:?} does not resolve to a resource in this input"),
            )
        })?;
        if target.resource_type != "Patient" {
            let message = format!("refers to a {}, not a Patient", target.resource_type);
            return Err(ImportError::new(
                Kind::Reference,
                &r.location,
                ctx.path(subject_path),
                message,
            ));
        }
        let slot = match index.get(&target.id) {
            Some(&i) => i,
            None => match known.iter().find(|p| p.id.as_str() == target.id) {
                Some(p) => {
                    index.insert(target.id.clone(), records.len());
                    records.push(Built::new(p.clone(), None));
                    records.len() - 1
                }
                None => {
                    let message = format!("Patient/{} is not in this input", target.id);
                    return Err(ImportError::new(
                        Kind::Reference,
                        &r.location,
                        ctx.path(subject_path),
                        message,
                    ));
                }
            },
        };
        let record = &mut records[slot];
        match map(&ctx, &r.resource)? {
            Mapped::Entry {
                body,
                status,
                date_path,
            } => {
                let (version, change) = change(&ctx, meta_of(&r.resource), body.date())?;
                let patient_id = record.record.patient.id.clone();
                record.record.entries.push(Entry {
                    id: EntryId::new(id),
                    patient: patient_id,
                    version,
                    status,
                    change,
                    body,
                });
                record.sources.push((r.location.clone(), rtype, date_path));
            }
            Mapped::Country { code, date } => {
                if record
                    .country_date
                    .is_none_or(|d| date.is_none_or(|new| new >= d))
                {
                    record.record.patient.country_of_origin = Some(code);
                    record.country_date = date.or(record.country_date);
                    record.country_source = Some(r.location.clone());
                }
            }
            Mapped::Skip(reason) => skipped.push(Skipped {
                location: r.location.clone(),
                resource: label(),
                reason,
            }),
            Mapped::Duplicate => {}
        }
    }
    for built in &mut records {
        // The country of origin travels in its own Observation: an input holding a Patient
        // but not that Observation (a bulk export's Patient.ndjson alone) keeps the one known.
        if built.patient_source.is_some()
            && built.country_source.is_none()
            && let Some(before) = known.iter().find(|p| p.id == built.record.patient.id)
        {
            built
                .record
                .patient
                .country_of_origin
                .clone_from(&before.country_of_origin);
        }
        built.validate(today, purpose)?;
    }
    Ok(Assembly {
        records: records.into_iter().map(|b| b.record).collect(),
        skipped,
    })
}

/// Ids of the patients that resources refer to but the input does not hold, in first-seen
/// order: the caller looks them up (for example in the store) and passes them to
/// [`assemble_with`] as `known`.
pub fn unresolved_patients(resources: &[ImportedResource]) -> Vec<String> {
    let resolver = Resolver::new(resources);
    let present: HashSet<&str> = resources
        .iter()
        .filter(|r| matches!(r.resource, Resource::Patient(_)))
        .filter_map(|r| r.id.as_deref())
        .collect();
    let mut out: Vec<String> = Vec::new();
    for r in resources {
        let Subject::Of(Some(reference), _) = subject_of(&r.resource, &resolver) else {
            continue;
        };
        let Some(target) = reference
            .reference
            .as_deref()
            .and_then(|s| resolver.resolve(s))
        else {
            continue;
        };
        if target.resource_type == "Patient"
            && !present.contains(target.id.as_str())
            && !out.contains(&target.id)
        {
            out.push(target.id);
        }
    }
    out
}

/// A record being built, remembering where each part came from for validation messages.
struct Built {
    record: PatientRecord,
    /// `None` for a patient already known (not in the input): not validated again.
    patient_source: Option<Location>,
    country_source: Option<Location>,
    country_date: Option<Date>,
    sources: Vec<(Location, &'static str, &'static str)>,
}

impl Built {
    fn new(patient: Patient, patient_source: Option<Location>) -> Self {
        Self {
            record: PatientRecord::new(patient),
            patient_source,
            country_source: None,
            country_date: None,
            sources: Vec::new(),
        }
    }

    fn validate(&self, today: Date, purpose: Purpose) -> Result<(), ImportError> {
        let patient = &self.record.patient;
        let mut checked = patient.clone();
        if purpose == Purpose::Evaluate
            && checked.given_name.trim().is_empty()
            && checked.family_name.trim().is_empty()
        {
            // Stand-in so the remaining checks run; the record itself keeps no name.
            checked.family_name = "(not given)".into();
        }
        if let Some(location) = &self.patient_source
            && let Err(e) = validate_patient(&checked, today)
        {
            let (location, path) = match e.field {
                "birth_date" => (location, "Patient.birthDate"),
                "given_name" => (location, "Patient.name"),
                "interpreter_required" => {
                    (location, "Patient.extension(patient-interpreterRequired)")
                }
                "country_of_origin" => (
                    self.country_source.as_ref().unwrap_or(location),
                    "Observation.valueCodeableConcept",
                ),
                _ => (location, "Patient"),
            };
            return Err(invalid(location, path, &e));
        }
        for (entry, (location, rtype, date_path)) in self.record.entries.iter().zip(&self.sources) {
            // Entries marked in error keep whatever was wrong with them; only live ones must be valid.
            if entry.status == EntryStatus::EnteredInError {
                continue;
            }
            if let Err(e) = validate_entry(patient, &entry.body, today) {
                let element = match e.field {
                    "date" => (*date_path).to_owned(),
                    "next_review" => "extension(next-review)".to_owned(),
                    "resolved" => "abatementDateTime".to_owned(),
                    "stopped" => "effectivePeriod.end".to_owned(),
                    "answers" => "component".to_owned(),
                    other => other.to_owned(),
                };
                return Err(invalid(location, &format!("{rtype}.{element}"), &e));
            }
        }
        Ok(())
    }
}

fn invalid(location: &Location, path: &str, e: &ValidationError) -> ImportError {
    ImportError::new(Kind::Invalid, location, path, e.message.clone())
}

/// Ids are FHIR ids, and no (type, id) — nor any entry id across types — appears twice.
fn check_ids(resources: &[ImportedResource]) -> Result<(), ImportError> {
    let mut seen: HashMap<String, &Location> = HashMap::new();
    for r in resources {
        let Some(id) = r.id.as_deref() else { continue };
        let rtype = r.resource.resource_type();
        if !is_fhir_id(id) {
            let message =
                format!("{id:?} is not a valid FHIR id (1–64 letters, digits, '-' or '.')");
            return Err(ImportError::new(
                Kind::Invalid,
                &r.location,
                format!("{rtype}.id"),
                message,
            ));
        }
        // Entries share one id space whatever their resource type; patients have their own.
        let space = if matches!(r.resource, Resource::Patient(_) | Resource::Practitioner(_)) {
            rtype
        } else {
            "entry"
        };
        if let Some(first) = seen.insert(format!("{space}/{id}"), &r.location) {
            let message = format!("id {id:?} is used twice (first at {first})");
            return Err(ImportError::new(
                Kind::Duplicate,
                &r.location,
                format!("{rtype}.id"),
                message,
            ));
        }
    }
    Ok(())
}

/// Ids of QuestionnaireResponses that a result Observation names in `derivedFrom`.
fn derived_responses(resources: &[ImportedResource], resolver: &Resolver) -> HashSet<String> {
    resources
        .iter()
        .filter_map(|r| match &r.resource {
            Resource::Observation(o) => Some(o.derived_from.iter()),
            _ => None,
        })
        .flatten()
        .filter_map(|reference| resolver.resolve(reference.reference.as_deref()?))
        .filter(|t| t.resource_type == "QuestionnaireResponse")
        .map(|t| t.id)
        .collect()
}

enum Subject<'a> {
    Of(Option<&'a Reference>, &'static str),
    /// Practitioners, outcomes: read for references or ignored.
    NotClinical,
    Unsupported(&'static str),
}

fn subject_of<'a>(resource: &'a Resource, resolver: &Resolver) -> Subject<'a> {
    match resource {
        Resource::Observation(r) => Subject::Of(r.subject.as_ref(), "subject"),
        Resource::Condition(r) => Subject::Of(r.subject.as_ref(), "subject"),
        Resource::RiskAssessment(r) => Subject::Of(r.subject.as_ref(), "subject"),
        Resource::CarePlan(r) => Subject::Of(r.subject.as_ref(), "subject"),
        Resource::Encounter(r) => Subject::Of(r.subject.as_ref(), "subject"),
        Resource::ServiceRequest(r) => Subject::Of(r.subject.as_ref(), "subject"),
        Resource::MedicationStatement(r) => Subject::Of(r.subject.as_ref(), "subject"),
        Resource::Procedure(r) => Subject::Of(r.subject.as_ref(), "subject"),
        Resource::Flag(r) => Subject::Of(r.subject.as_ref(), "subject"),
        Resource::QuestionnaireResponse(r) => Subject::Of(r.subject.as_ref(), "subject"),
        Resource::Appointment(r) => {
            // The patient is one participant among practitioners and locations; an actor that
            // does not resolve at all is kept so that the error names it.
            let actors: Vec<&Reference> = r
                .participant
                .iter()
                .filter_map(|p| p.actor.as_ref())
                .filter(|a| a.reference.is_some())
                .collect();
            let resolves_to = |a: &Reference| {
                a.reference
                    .as_deref()
                    .and_then(|s| resolver.resolve(s))
                    .map(|t| t.resource_type)
            };
            let patient = actors
                .iter()
                .find(|a| resolves_to(a).as_deref() == Some("Patient"))
                .or_else(|| actors.iter().find(|a| resolves_to(a).is_none()))
                .copied();
            Subject::Of(patient, "participant.actor")
        }
        Resource::Patient(_) | Resource::Practitioner(_) | Resource::OperationOutcome(_) => {
            Subject::NotClinical
        }
        Resource::CapabilityStatement(_) | Resource::Bundle(_) => {
            Subject::Unsupported("not patient data")
        }
    }
}

fn map(ctx: &Ctx, resource: &Resource) -> Result<Mapped, ImportError> {
    match resource {
        Resource::Observation(r) => observation::observation(ctx, r),
        Resource::QuestionnaireResponse(r) => observation::questionnaire_response(ctx, r),
        Resource::Condition(r) => entries::condition(ctx, r),
        Resource::Encounter(r) => entries::encounter(ctx, r),
        Resource::Appointment(r) => entries::appointment(ctx, r),
        Resource::RiskAssessment(r) => entries::risk_assessment(ctx, r),
        Resource::CarePlan(r) => entries::care_plan(ctx, r),
        Resource::ServiceRequest(r) => entries::service_request(ctx, r),
        Resource::MedicationStatement(r) => entries::medication_statement(ctx, r),
        Resource::Procedure(r) => entries::procedure(ctx, r),
        Resource::Flag(r) => entries::flag(ctx, r),
        Resource::Patient(_)
        | Resource::Practitioner(_)
        | Resource::OperationOutcome(_)
        | Resource::CapabilityStatement(_)
        | Resource::Bundle(_) => Ok(Mapped::Skip("not patient data".into())),
    }
}

fn meta_of(resource: &Resource) -> Option<&crate::model::Meta> {
    match resource {
        Resource::Observation(r) => r.meta.as_ref(),
        Resource::Condition(r) => r.meta.as_ref(),
        Resource::RiskAssessment(r) => r.meta.as_ref(),
        Resource::CarePlan(r) => r.meta.as_ref(),
        Resource::Appointment(r) => r.meta.as_ref(),
        Resource::Encounter(r) => r.meta.as_ref(),
        Resource::ServiceRequest(r) => r.meta.as_ref(),
        Resource::MedicationStatement(r) => r.meta.as_ref(),
        Resource::Procedure(r) => r.meta.as_ref(),
        Resource::Flag(r) => r.meta.as_ref(),
        Resource::QuestionnaireResponse(r) => r.meta.as_ref(),
        Resource::Patient(r) => r.meta.as_ref(),
        Resource::Bundle(r) => r.meta.as_ref(),
        Resource::Practitioner(_)
        | Resource::OperationOutcome(_)
        | Resource::CapabilityStatement(_) => None,
    }
}
