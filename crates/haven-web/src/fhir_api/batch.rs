//! `POST /fhir`: a transaction Bundle, stored all-or-nothing through the same import path as
//! `haven import` — references may point into the Bundle or at patients Haven holds — or a
//! batch, whose entries are each stored or refused on their own by that same path.
//!
//! A create never overwrites. Every `POST` entry gets a new id whatever id it stated (a
//! Patient `pat-N`, assigned in the write's own transaction; any other resource a v7 uuid), and
//! references in the Bundle to its fullUrl or stated id follow it. A `PUT` keeps its id: a
//! stored patient is updated only when the identity agrees, or when `request.ifMatch` names
//! its current version. A conditional create (`request.ifNoneExist`, by NHS number) that finds
//! a stored patient uses that patient (200, nothing created). No second patient is created
//! with an NHS number already on file.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use haven_fhir::model::{Bundle, BundleEntry, BundleResponse, OperationOutcome, Resource};
use haven_fhir::{Assembler, Assembly, BundleText, PatientGiven, Position, Purpose};
use haven_store::VersionStamp;
use haven_store::api_tokens::ApiScope;
use serde_json::Value;

use super::{ApiClient, FhirBody, FhirError, Shared, fhir_json, write};
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
    let practice = client.practice().await?;
    let (response_type, entry) = match haven_fhir::batch_entries(&body) {
        Some(parts) => {
            drop(body);
            (
                "batch-response",
                each_on_its_own(&state, &client, &practice, parts).await,
            )
        }
        None => (
            "transaction-response",
            apply(&state, &client, &practice, &body).await?,
        ),
    };
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

/// `POST /fhir/{type}`: FHIR's create, stored as a transaction of that one `POST` entry would
/// be (a new id, whatever the body states); `If-None-Exist` makes a Patient create conditional
/// as `request.ifNoneExist` does. Answers `201 Created` with `Location`, `ETag`,
/// `Last-Modified` and the resource as stored (`200` when a conditional create found the
/// patient); a resource Haven would not store is refused with 422 saying why.
pub(super) async fn create(
    State(state): State<AppState>,
    Extension(shared): Extension<Arc<Shared>>,
    client: ApiClient,
    Path(resource_type): Path<String>,
    headers: HeaderMap,
    FhirBody(body): FhirBody,
) -> Result<Response, FhirError> {
    client.require(ApiScope::Write)?;
    super::read::check_type(&resource_type)?;
    #[derive(serde::Deserialize)]
    struct Kind {
        #[serde(rename = "resourceType")]
        resource_type: Option<String>,
    }
    let stated = serde_json::from_slice::<Kind>(&body)
        .ok()
        .and_then(|k| k.resource_type);
    if stated.as_deref() != Some(resource_type.as_str()) {
        return Err(FhirError::BadRequest(format!(
            "POST /fhir/{resource_type} takes one {resource_type} resource as JSON"
        )));
    }
    let mut request = serde_json::json!({"method": "POST", "url": resource_type});
    if let Some(condition) = headers.get("if-none-exist").and_then(|v| v.to_str().ok()) {
        request["ifNoneExist"] = condition.into();
    }
    let text = String::from_utf8_lossy(&body);
    let bundle = format!(
        r#"{{"resourceType":"Bundle","type":"transaction","entry":[{{"resource":{text},"request":{request}}}]}}"#
    );
    drop(body);
    let practice = client.practice().await?;
    let answer = apply(&state, &client, &practice, bundle.as_bytes())
        .await
        .map_err(|error| match error {
            // The error is about the body itself, not an entry of a Bundle the client never sent.
            FhirError::Import(mut e) if e.location.position == Position::Entry(0) => {
                e.location.position = Position::Document;
                FhirError::Import(e)
            }
            other => other,
        })?
        .into_iter()
        .next()
        .and_then(|e| e.response)
        .ok_or_else(|| FhirError::Internal("a create was answered with no entry".into()))?;
    let Some(location) = answer.location else {
        let outcome = answer.outcome.unwrap_or_default();
        return Ok(fhir_json(StatusCode::UNPROCESSABLE_ENTITY, &outcome));
    };
    let id = location.split('/').nth(1).unwrap_or_default().to_owned();
    let status = if answer.status.starts_with("201") {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    // The resource as stored, as this token may read it: sensitive history it may not read is
    // stored all the same, and the answer says so instead of showing it.
    let stored = super::read::current(&client, &practice, &resource_type, &id).await?;
    let mut response = match stored {
        Some((_, resource)) => write::with_version_headers(fhir_json(status, &resource), &resource),
        None => {
            let note = OperationOutcome::single(
                "information",
                "informational",
                format!(
                    "{location} was stored; it is sensitive history, which this token may not read back"
                ),
                None,
            );
            let mut response = fhir_json(status, &Resource::from(note).to_value());
            let modified = answer.last_modified.as_deref().and_then(|at| {
                time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
                    .ok()
                    .map(write::http_date)
            });
            for (name, value) in [
                (header::ETAG, answer.etag),
                (header::LAST_MODIFIED, modified),
            ] {
                if let Some(value) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
                    response.headers_mut().insert(name, value);
                }
            }
            response
        }
    };
    if let Ok(value) = HeaderValue::from_str(&format!("{}/fhir/{location}", shared.base())) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// A batch: each entry is stored or refused on its own, in order, and answered with its own
/// status (and OperationOutcome when refused). A reference to an earlier entry's `fullUrl`
/// (or `Type/id` as stated) follows it to where it was stored; one to an entry that was
/// refused is left as it is, and so is refused in turn unless it names a stored resource.
async fn each_on_its_own(
    state: &AppState,
    client: &ApiClient,
    practice: &haven_fhir::Practice,
    parts: Vec<String>,
) -> Vec<BundleEntry> {
    let mut stored: HashMap<String, String> = HashMap::new();
    let mut answers = Vec::with_capacity(parts.len());
    for (index, part) in parts.into_iter().enumerate() {
        let (part, names) = follow_references(&part, &stored);
        match apply(state, client, practice, part.as_bytes()).await {
            Ok(entries) => {
                let at = entries
                    .iter()
                    .filter_map(|e| e.response.as_ref()?.location.as_deref())
                    .map(|l| l.split('/').take(2).collect::<Vec<_>>().join("/"))
                    .next();
                if let Some(at) = at {
                    for name in names {
                        stored.insert(name, at.clone());
                    }
                }
                // An entry with nothing to store (an outcome) is still answered.
                answers.extend(entries.into_iter().take(1));
                if answers.len() == index {
                    answers.push(answer("200 OK".into(), None, None));
                }
            }
            Err(error) => answers.push(refused(error, index)),
        }
    }
    answers
}

/// One entry's Bundle with references to earlier stored entries rewritten, and the names later
/// entries may use for this one (its `fullUrl`, `Type/id` as stated).
fn follow_references(part: &str, stored: &HashMap<String, String>) -> (String, Vec<String>) {
    let Ok(mut bundle) = serde_json::from_str::<Value>(part) else {
        return (part.to_owned(), Vec::new());
    };
    let entry = &mut bundle["entry"][0];
    let mut names: Vec<String> = entry
        .get("fullUrl")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .into_iter()
        .collect();
    let resource = &entry["resource"];
    if let (Some(kind), Some(id)) = (
        resource.get("resourceType").and_then(Value::as_str),
        resource.get("id").and_then(Value::as_str),
    ) {
        names.push(format!("{kind}/{id}"));
    }
    if stored.is_empty() {
        return (part.to_owned(), names);
    }
    rewrite_references(&mut entry["resource"], stored);
    (bundle.to_string(), names)
}

fn rewrite_references(value: &mut Value, stored: &HashMap<String, String>) {
    match value {
        Value::Object(fields) => {
            for (key, field) in fields.iter_mut() {
                match field {
                    Value::String(text) if key == "reference" => {
                        if let Some(at) = stored.get(text.as_str()) {
                            *text = at.clone();
                        }
                    }
                    _ => rewrite_references(field, stored),
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| rewrite_references(item, stored)),
        _ => {}
    }
}

/// The answer to a batch entry that was refused; an error about the entry names its place in
/// the request, not in the one-entry Bundle it was read from.
fn refused(error: FhirError, index: usize) -> BundleEntry {
    let error = match error {
        FhirError::Import(mut e) if e.location.position == Position::Entry(0) => {
            e.location.position = Position::Entry(index);
            FhirError::Import(e)
        }
        other => other,
    };
    let status = error.status();
    answer(
        format!(
            "{} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or_default()
        ),
        None,
        Some(error.outcome()),
    )
}

fn answer(status: String, location: Option<String>, outcome: Option<Value>) -> BundleEntry {
    BundleEntry {
        response: Some(BundleResponse {
            status,
            location,
            outcome,
            ..BundleResponse::default()
        }),
        ..BundleEntry::default()
    }
}

/// Stores a Bundle's entries all together, or none of them; the answer to each entry in order.
async fn apply(
    state: &AppState,
    client: &ApiClient,
    practice: &haven_fhir::Practice,
    body: &[u8],
) -> Result<Vec<BundleEntry>, FhirError> {
    // Each entry's resource is read from the text when it is assembled and let go: a 64 MiB
    // Bundle never has all its resources parsed in memory at once.
    let mut bundle = BundleText::read(body, "request body")?.ok_or_else(not_a_bundle)?;
    if !matches!(bundle.bundle_type(), "batch" | "transaction") {
        return Err(not_a_bundle());
    }
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
    // A Patient naming another practice is refused, never filed under this one (H-70).
    assembler.files_under(practice.clone());
    bundle.assemble_into(&mut assembler)?;
    drop(bundle);
    let known = write::known(&client.store, &assembler).await?;
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
    let upserted = client
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
    let patient_stamps = client.store.patient_stamps(&stored_ids).await?;
    // Entries are stored under their ids; a QuestionnaireResponse under its result's.
    let entry_ids: Vec<&str> = labels
        .iter()
        .filter(|l| l.resource_type != "Patient" && !l.unused)
        .filter_map(|l| l.id.as_deref())
        .map(|id| id.strip_suffix("-response").unwrap_or(id))
        .collect();
    let entry_stamps = client.store.entry_stamps(&entry_ids).await?;
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
    let entry: Vec<BundleEntry> = labels
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
    Ok(entry)
}
