//! `POST /fhir`: a batch or transaction Bundle, stored all-or-nothing through the same import
//! path as `haven import` — references may point into the Bundle or at patients Haven holds.
//!
//! A create never overwrites. Every `POST` entry gets a new id whatever id it stated (a
//! Patient `pat-N`, assigned in the write's own transaction; any other resource a v7 uuid), and
//! references in the Bundle to its fullUrl or stated id follow it. A `PUT` keeps its id: a
//! stored patient is updated only when the identity agrees, or when `request.ifMatch` names
//! its current version. A conditional create (`request.ifNoneExist`, by NHS number) that finds
//! a stored patient uses that patient (200, nothing created). No second patient is created
//! with an NHS number already on file.

use std::collections::{HashMap, HashSet};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use haven_fhir::model::{Bundle, BundleEntry, BundleResponse, OperationOutcome, Resource};
use haven_fhir::{Assembler, Assembly, BundleText, PatientGiven, Purpose};
use haven_store::VersionStamp;
use haven_store::api_tokens::ApiScope;

use super::{ApiClient, FhirBody, FhirError, fhir_json, write};
use crate::AppState;

/// One entry of the request, for its response.
struct Label {
    resource_type: &'static str,
    /// The id Haven gave it (a create's new one).
    id: Option<String>,
    create: bool,
    /// Of a resource type Haven does not use: counted, not stored.
    unused: bool,
}

fn not_a_bundle() -> FhirError {
    FhirError::BadRequest("POST /fhir takes a Bundle of type batch or transaction".into())
}

pub(super) async fn batch(
    State(state): State<AppState>,
    client: ApiClient,
    FhirBody(body): FhirBody,
) -> Result<Response, FhirError> {
    client.require(ApiScope::Write)?;
    // Each entry's resource is read from the text when it is assembled and let go: a 64 MiB
    // Bundle never has all its resources parsed in memory at once.
    let mut bundle = BundleText::read(&body, "request body")?.ok_or_else(not_a_bundle)?;
    let response_type = match bundle.bundle_type() {
        "batch" => "batch-response",
        "transaction" => "transaction-response",
        _ => return Err(not_a_bundle()),
    };
    bundle.assign_new_ids(|| uuid::Uuid::now_v7().to_string());
    let labels: Vec<Label> = bundle
        .entries()
        .iter()
        .map(|r| Label {
            resource_type: r.resource_type,
            id: r.id.clone(),
            create: r.is_create() && r.stored,
            unused: r.unread,
        })
        .collect();
    let created_patients: HashSet<&str> = labels
        .iter()
        .filter(|l| l.create && l.resource_type == "Patient")
        .filter_map(|l| l.id.as_deref())
        .collect();
    let mut assembler = Assembler::default();
    // What does not say when its version was stored is stored now.
    assembler.stored_at(time::OffsetDateTime::now_utc());
    bundle.assemble_into(&mut assembler)?;
    drop(bundle);
    drop(body);
    let known = write::known(&state.store, &assembler).await?;
    let today = state.today();
    let Assembly {
        records,
        given,
        skipped,
        unused,
        not_recorded,
    } = assembler.finish(today, &known, Purpose::Store)?;
    // The ids Patients end up with: a create's is assigned by the store, and a conditional
    // create that found a stored patient is that patient.
    let mut patient_ids: HashMap<String, String> = HashMap::new();
    for (record, given) in records.iter().zip(&given) {
        if let PatientGiven::Found { stated } = given {
            patient_ids.insert(stated.clone(), record.patient.id.to_string());
        }
    }
    let found: HashSet<String> = patient_ids.keys().cloned().collect();
    let grouped: Vec<String> = records.iter().map(|r| r.patient.id.to_string()).collect();
    let incoming = write::incoming(records, &given, |id| created_patients.contains(id));
    let upserted = state
        .store
        .upsert_incoming(&client.actor(), incoming, "FHIR API batch")
        .await?;
    patient_ids.extend(
        grouped
            .into_iter()
            .zip(upserted.ids.iter().map(ToString::to_string)),
    );
    let patient_id = |id: &str| patient_ids.get(id).map_or(id, String::as_str).to_owned();
    let stored_ids: Vec<String> = labels
        .iter()
        .filter(|l| l.resource_type == "Patient")
        .filter_map(|l| l.id.as_deref())
        .map(patient_id)
        .collect();
    let stored_ids: Vec<&str> = stored_ids.iter().map(String::as_str).collect();
    let patient_stamps = state.store.patient_stamps(&stored_ids).await?;
    // Entries are stored under their ids; a QuestionnaireResponse under its result's.
    let entry_ids: Vec<&str> = labels
        .iter()
        .filter(|l| l.resource_type != "Patient" && !l.unused)
        .filter_map(|l| l.id.as_deref())
        .map(|id| id.strip_suffix("-response").unwrap_or(id))
        .collect();
    let entry_stamps = state.store.entry_stamps(&entry_ids).await?;
    // The version an entry's resource is stored at: an entry's own, or for the
    // country-of-origin Observation, its patient's demographics'.
    let stamp_of = |resource_type: &str, id: &str| -> Option<VersionStamp> {
        if resource_type == "Patient" {
            return patient_stamps.get(id).copied();
        }
        entry_stamps
            .get(id)
            .or_else(|| entry_stamps.get(id.strip_suffix("-response")?))
            .copied()
            .or_else(|| {
                let patient = id.strip_suffix("-country-of-origin")?;
                patient_stamps
                    .get(&patient_id(patient))
                    .copied()
                    .filter(|_| resource_type == "Observation")
            })
    };
    // Haven applies a batch as one unit as well: every entry succeeded, or none did.
    let note = |text: String| {
        Some(
            Resource::from(OperationOutcome::single(
                "warning",
                "informational",
                text,
                None,
            ))
            .to_value(),
        )
    };
    let entry = labels
        .into_iter()
        .map(|label| {
            let stated = label.id.as_deref().unwrap_or("?");
            let reference = format!("{}/{stated}", label.resource_type);
            let skipped = skipped.iter().find(|s| s.resource == reference);
            let id = match label.resource_type {
                "Patient" => label.id.as_deref().map(patient_id),
                _ => label.id.clone(),
            };
            // A resource of a type Haven does not use is not stored, and has no location to
            // read it back from; its outcome also sums up all such in the Bundle.
            let (location, outcome) = if label.unused {
                let text = format!(
                    "not stored: Haven does not use {} resources ({unused})",
                    label.resource_type
                );
                (None, note(text))
            } else {
                let unrecorded: Vec<String> = not_recorded
                    .iter()
                    .filter(|n| n.resource == reference)
                    .map(|n| format!("{}: {}", n.path, n.reason))
                    .collect();
                let outcome = match skipped {
                    Some(s) => note(format!("not stored: {}", s.reason)),
                    None if !unrecorded.is_empty() => {
                        note(format!("stored without: {}", unrecorded.join("; ")))
                    }
                    None => None,
                };
                let location = id
                    .clone()
                    .filter(|_| !(label.create && skipped.is_some()))
                    .map(|id| format!("{}/{id}", label.resource_type));
                (location, outcome)
            };
            // What was stored is named with its version: `Type/id/_history/n`, its ETag and
            // when it was stored.
            let stamp = id
                .as_deref()
                .filter(|_| !label.unused && skipped.is_none())
                .and_then(|id| stamp_of(label.resource_type, id));
            let location = match (location, stamp) {
                (Some(location), Some(stamp)) => {
                    Some(format!("{location}/_history/{}", stamp.version))
                }
                (location, _) => location,
            };
            let status =
                if label.create && !label.unused && skipped.is_none() && !found.contains(stated) {
                    "201 Created"
                } else {
                    "200 OK"
                };
            BundleEntry {
                response: Some(BundleResponse {
                    status: status.into(),
                    location,
                    etag: stamp.map(|s| haven_fhir::etag(s.version)),
                    last_modified: stamp.map(|s| haven_fhir::instant(s.changed_at)),
                    outcome,
                }),
                ..BundleEntry::default()
            }
        })
        .collect();
    let bundle = Bundle {
        bundle_type: response_type.into(),
        entry,
        ..Bundle::default()
    };
    Ok(fhir_json(
        StatusCode::OK,
        &Resource::from(bundle).to_value(),
    ))
}
