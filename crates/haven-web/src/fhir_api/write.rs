//! What the FHIR writes share: the stored patients an input needs, each record's
//! [`PatientWrite`] from how the input gave its patient, and a stored Patient served with its
//! version (`meta.versionId`, and the `ETag` header `W/"<version>"`).

use axum::http::{HeaderValue, header};
use axum::response::Response;
use haven_core::NhsNumber;
use haven_core::record::{Patient, PatientRecord};
use haven_fhir::model::{Meta, Resource};
use haven_fhir::{Assembler, PatientGiven};
use haven_store::Store;
use haven_store::upsert::{Incoming, PatientWrite};

use super::FhirError;

/// The stored patients the assembler's input holds or refers to, and those holding the NHS
/// numbers its conditional creates look for: what [`Assembler::finish`] takes as `known`.
pub(super) async fn known(store: &Store, assembler: &Assembler) -> Result<Vec<Patient>, FhirError> {
    let ids: Vec<&str> = assembler.patient_ids().collect();
    let numbers: Vec<&str> = assembler
        .conditional_nhs_numbers()
        .map(NhsNumber::as_str)
        .collect();
    Ok(store.known_patients(&ids, &numbers).await?)
}

/// What storing each record may do to its patient. `is_create` says whether a record's id is
/// that of a created Patient (a `POST` entry's, given by [`haven_fhir::assign_new_ids`]).
pub(super) fn incoming(
    records: Vec<PatientRecord>,
    given: &[PatientGiven],
    is_create: impl Fn(&str) -> bool,
) -> Vec<Incoming> {
    records
        .into_iter()
        .zip(given)
        .map(|(record, given)| {
            let write = match given {
                PatientGiven::Resource {
                    if_match: Some(version),
                } => PatientWrite::UpdateAt(*version),
                PatientGiven::Resource { if_match: None }
                    if is_create(record.patient.id.as_str()) =>
                {
                    PatientWrite::Create
                }
                PatientGiven::Resource { if_match: None } => PatientWrite::Upsert,
                PatientGiven::Referred | PatientGiven::Found { .. } => PatientWrite::Refer,
            };
            Incoming { record, write }
        })
        .collect()
}

/// The FHIR Patient of a stored patient at `version`.
pub(super) fn patient_resource(patient: &Patient, version: u32) -> Resource {
    let mut resource = Resource::from(haven_fhir::to_patient(patient));
    with_version(&mut resource, version);
    resource
}

/// Sets a Patient's `meta.versionId`; other resources are left as they are.
pub(super) fn with_version(resource: &mut Resource, version: u32) {
    if let Resource::Patient(p) = resource {
        p.meta.get_or_insert_with(Meta::default).version_id = Some(version.to_string());
    }
}

/// Adds the `ETag` header of `version`.
pub(super) fn with_etag(mut response: Response, version: u32) -> Response {
    if let Ok(value) = HeaderValue::from_str(&haven_fhir::etag(version)) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}
