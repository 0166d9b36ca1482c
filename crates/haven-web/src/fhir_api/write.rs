//! What the FHIR writes share: the stored patients an input needs, each record's
//! [`PatientWrite`] from how the input gave its patient, and a stored resource served with its
//! version (`meta.versionId` and `meta.lastUpdated`, and the `ETag` header `W/"<version>"` and
//! `Last-Modified` that say the same).

use axum::http::{HeaderValue, header};
use axum::response::Response;
use haven_core::NhsNumber;
use haven_core::record::{Patient, PatientRecord};
use haven_fhir::model::{Meta, Resource};
use haven_fhir::{Assembler, PatientGiven};
use haven_store::upsert::{Incoming, PatientWrite};
use haven_store::{Store, VersionStamp};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

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

/// The FHIR Patient of a stored patient at the version `stamp` names.
pub(super) fn patient_resource(
    patient: &Patient,
    stamp: VersionStamp,
    practice: &haven_fhir::Practice,
) -> Resource {
    let mut patient = haven_fhir::to_patient(patient, Some(practice));
    patient.meta = Some(Meta {
        version_id: Some(stamp.version.to_string()),
        last_updated: Some(haven_fhir::instant(stamp.changed_at)),
        ..Meta::default()
    });
    Resource::from(patient)
}

/// The version of a stored patient's demographics, as the export states it.
pub(super) fn stored(stamp: VersionStamp) -> haven_fhir::StoredVersion {
    haven_fhir::StoredVersion {
        version: stamp.version,
        at: stamp.changed_at,
    }
}

/// Adds the `ETag` (`W/"<versionId>"`) and `Last-Modified` (HTTP date of `lastUpdated`)
/// headers of a resource's `meta`, so the headers always say what the body does.
pub(super) fn with_version_headers(mut response: Response, resource: &Value) -> Response {
    let meta = resource.get("meta");
    let version = meta
        .and_then(|m| m.get("versionId"))
        .and_then(Value::as_str)
        .and_then(|v| v.parse::<u32>().ok());
    if let Some(value) = version.and_then(|v| HeaderValue::from_str(&haven_fhir::etag(v)).ok()) {
        response.headers_mut().insert(header::ETAG, value);
    }
    let modified = meta
        .and_then(|m| m.get("lastUpdated"))
        .and_then(Value::as_str)
        .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
        .and_then(|at| HeaderValue::from_str(&http_date(at)).ok());
    if let Some(value) = modified {
        response.headers_mut().insert(header::LAST_MODIFIED, value);
    }
    response
}

/// An HTTP date (RFC 9110 IMF-fixdate), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
pub(super) fn http_date(at: OffsetDateTime) -> String {
    let utc = at.to_offset(time::UtcOffset::UTC);
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    utc.format(&format)
        .unwrap_or_else(|_| utc.unix_timestamp().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_are_imf_fixdates_in_gmt() {
        let at = OffsetDateTime::parse("1994-11-06T09:49:37+01:00", &Rfc3339).expect("instant");
        assert_eq!(http_date(at), "Sun, 06 Nov 1994 08:49:37 GMT");
    }
}
