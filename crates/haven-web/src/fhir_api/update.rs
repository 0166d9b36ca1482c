//! `PUT /fhir/Patient/{id}`: a FHIR update of a patient's demographics.
//!
//! The body is one Patient whose `id` is the one in the URL. A stored patient is updated only
//! when the incoming identity agrees (the same NHS number where both have one, otherwise the
//! same family name and birth date), or when `If-Match: W/"<version>"` names its current
//! version — the deliberate change of a name or birth date; a stale version gets 412 and a
//! conflicting identity 409, and nothing is written. An id not stored yet is created under
//! that id (FHIR's update-as-create), unless its NHS number is already on file. The response
//! is the Patient as stored, with `meta.versionId` and `meta.lastUpdated`, its `ETag` and
//! `Last-Modified`.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use haven_fhir::{Assembler, Position, Purpose, parse_input};
use haven_store::api_tokens::ApiScope;
use haven_store::upsert::{Incoming, PatientWrite};

use super::{ApiClient, FhirBody, FhirError, Shared, fhir_json, write};
use crate::AppState;

pub(super) async fn update(
    State(state): State<AppState>,
    Extension(shared): Extension<Arc<Shared>>,
    client: ApiClient,
    Path((resource_type, id)): Path<(String, String)>,
    headers: HeaderMap,
    FhirBody(body): FhirBody,
) -> Result<Response, FhirError> {
    client.require(ApiScope::Write)?;
    if resource_type != "Patient" {
        return Err(FhirError::NotSupported(format!(
            "Haven updates only Patient resources with PUT; send {resource_type} resources in a transaction (POST /fhir)"
        )));
    }
    let if_match = match headers.get(header::IF_MATCH) {
        None => None,
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .and_then(haven_fhir::version_of_etag)
                .ok_or_else(|| {
                    FhirError::BadRequest(
                        "If-Match must name the patient's version as its ETag does, e.g. W/\"3\""
                            .into(),
                    )
                })?,
        ),
    };
    let resources = parse_input(&body, "request body")?;
    let [resource] = resources.as_slice() else {
        return Err(FhirError::BadRequest(
            "PUT /fhir/Patient/{id} takes one Patient resource".into(),
        ));
    };
    if resource.location.position != Position::Document
        || resource.resource.resource_type() != "Patient"
    {
        return Err(FhirError::BadRequest(
            "PUT /fhir/Patient/{id} takes one Patient resource".into(),
        ));
    }
    match resource.resource.id() {
        Some(given) if given == id => {}
        Some(given) => {
            return Err(FhirError::BadRequest(format!(
                "Patient.id {given:?} is not the id in the URL ({id:?}); an update cannot move a patient"
            )));
        }
        None => {
            return Err(FhirError::BadRequest(format!(
                "Patient.id is missing; it must be the id in the URL ({id:?})"
            )));
        }
    }
    let mut assembler = Assembler::default();
    assembler.stored_at(time::OffsetDateTime::now_utc());
    // A Patient naming another practice is refused, never filed under this one (H-70).
    let practice = client.practice().await?;
    assembler.files_under(practice.clone());
    assembler.add_all(resources)?;
    let known = write::known(&client.store, &assembler).await?;
    let today = state.today();
    let assembly = assembler.finish(today, &known, Purpose::Store)?;
    let write = match if_match {
        Some(version) => PatientWrite::UpdateAt(version),
        None => PatientWrite::Upsert,
    };
    let incoming = assembly
        .records
        .into_iter()
        .map(|record| Incoming { record, write })
        .collect();
    let upserted = client
        .store
        .upsert_incoming(&client.actor(), incoming, "FHIR API update")
        .await?;
    let gone = || FhirError::NotFound(format!("Patient/{id} is not known"));
    let current = client
        .store
        .patient_stamps(&[id.as_str()])
        .await?
        .remove(&id)
        .ok_or_else(gone)?;
    let (patient, stamp) = client
        .store
        .patient_version(&id, current.version)
        .await?
        .ok_or_else(gone)?;
    let created = upserted.summary.patients_added > 0;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let resource = write::patient_resource(&patient, stamp, &practice).to_value();
    let mut response = write::with_version_headers(fhir_json(status, &resource), &resource);
    if created {
        let location = format!(
            "{}/fhir/Patient/{id}/_history/{}",
            shared.base(),
            stamp.version
        );
        if let Ok(value) = HeaderValue::from_str(&location) {
            response.headers_mut().insert(header::LOCATION, value);
        }
    }
    Ok(response)
}
