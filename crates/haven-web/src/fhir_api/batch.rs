//! `POST /fhir`: a batch or transaction Bundle, stored all-or-nothing through the same import
//! path as `haven import` — references may point into the Bundle or at patients Haven holds.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use haven_fhir::model::{Bundle, BundleEntry, BundleResponse, OperationOutcome, Resource};
use haven_fhir::{Assembler, Purpose, parse_input};
use haven_store::api_tokens::ApiScope;

use super::{ApiClient, FhirError, fhir_json};
use crate::AppState;

pub(super) async fn batch(
    State(state): State<AppState>,
    client: ApiClient,
    body: Bytes,
) -> Result<Response, FhirError> {
    client.require(ApiScope::Write)?;
    let source = "request body";
    let resources = parse_input(&body, source)?;
    let bundle_type = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_owned));
    let response_type = match bundle_type.as_deref() {
        Some("batch") => "batch-response",
        Some("transaction") => "transaction-response",
        _ => {
            return Err(FhirError::BadRequest(
                "POST /fhir takes a Bundle of type batch or transaction".into(),
            ));
        }
    };
    let labels: Vec<(String, Option<String>, bool)> = resources
        .iter()
        .map(|r| {
            let unused = matches!(r.resource, Resource::Unread(_));
            (r.resource.resource_type().to_owned(), r.id.clone(), unused)
        })
        .collect();
    // Patients the Bundle holds or refers to may already be stored (new results for a known
    // patient); those found are passed on as known.
    let mut assembler = Assembler::default();
    assembler.add_all(resources)?;
    let wanted: Vec<&str> = assembler.patient_ids().collect();
    let known: Vec<_> = state
        .store
        .patients(&wanted)
        .await?
        .into_iter()
        .map(|s| s.patient)
        .collect();
    let today = time::OffsetDateTime::now_utc().date();
    let assembly = assembler.finish(today, &known, Purpose::Store)?;
    let actor = client.actor();
    state
        .store
        .upsert_records(&actor, &assembly.records, "FHIR API batch")
        .await?;
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
        .map(|(resource_type, id, unused)| {
            // A resource of a type Haven does not use is not stored, and has no location to
            // read it back from; its outcome also sums up all such in the Bundle.
            let (location, outcome) = if unused {
                let text = format!(
                    "not stored: Haven does not use {resource_type} resources ({})",
                    assembly.unused
                );
                (None, note(text))
            } else {
                let label = format!("{resource_type}/{}", id.as_deref().unwrap_or("?"));
                let skipped = assembly.skipped.iter().find(|s| s.resource == label);
                let unrecorded: Vec<String> = assembly
                    .not_recorded
                    .iter()
                    .filter(|n| n.resource == label)
                    .map(|n| format!("{}: {}", n.path, n.reason))
                    .collect();
                let outcome = match skipped {
                    Some(s) => note(format!("not stored: {}", s.reason)),
                    None if !unrecorded.is_empty() => {
                        note(format!("stored without: {}", unrecorded.join("; ")))
                    }
                    None => None,
                };
                (id.map(|id| format!("{resource_type}/{id}")), outcome)
            };
            BundleEntry {
                response: Some(BundleResponse {
                    status: "200 OK".into(),
                    location,
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
