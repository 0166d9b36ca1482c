//! Read (`GET /fhir/{type}/{id}`) and search (`GET /fhir/{type}?…`) over Haven's records,
//! exported on the fly with haven-fhir so the API shows exactly what an export would. Every
//! access is audited; sensitive history only with `_includeSensitive=true`. A Patient carries
//! its stored version as `meta.versionId` (and, read alone, as the `ETag` `W/"<version>"`),
//! which an update names in `If-Match`.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use haven_core::record::{PatientRecord, Visibility};
use haven_fhir::model::{Bundle, BundleEntry, BundleLink, BundleSearch, Resource};
use haven_store::api_tokens::ApiScope;
use haven_store::{PatientQuery, RecordStream, Store, StoreError};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{ApiClient, FhirError, SERVED_TYPES, Shared, fhir_json, write};
use crate::AppState;

const DEFAULT_COUNT: usize = 50;
const MAX_COUNT: usize = 500;

pub(super) fn check_type(resource_type: &str) -> Result<(), FhirError> {
    if SERVED_TYPES.contains(&resource_type) {
        Ok(())
    } else {
        Err(FhirError::NotSupported(format!(
            "Haven does not serve {resource_type} resources (see /fhir/metadata)"
        )))
    }
}

/// The query's parameters, repeated ones kept in order.
pub(super) fn params(query: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

pub(super) fn include_sensitive(params: &[(String, String)]) -> bool {
    params
        .iter()
        .any(|(k, v)| k == "_includeSensitive" && v == "true")
}

fn visibility(sensitive: bool) -> Visibility {
    if sensitive {
        Visibility::Sensitive
    } else {
        Visibility::Clinical
    }
}

/// The patient whose record holds resource `resource_type/id`, if any.
async fn owner(store: &Store, resource_type: &str, id: &str) -> Result<Option<String>, StoreError> {
    if resource_type == "Patient" {
        return found(store.patient(id).await.map(|p| p.patient.id.to_string()));
    }
    if let Some(patient) = found(store.entry(id).await.map(|e| e.patient.to_string()))? {
        return Ok(Some(patient));
    }
    if let Some(entry) = id.strip_suffix("-response") {
        return found(store.entry(entry).await.map(|e| e.patient.to_string()));
    }
    if let Some(patient) = id.strip_suffix("-country-of-origin") {
        return found(
            store
                .patient(patient)
                .await
                .map(|p| p.patient.id.to_string()),
        );
    }
    Ok(None)
}

fn found(result: Result<String, StoreError>) -> Result<Option<String>, StoreError> {
    match result {
        Ok(id) => Ok(Some(id)),
        Err(StoreError::PatientNotFound(_) | StoreError::EntryNotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

fn resources_of(record: &PatientRecord, sensitive: bool, resource_type: &str) -> Vec<Resource> {
    haven_fhir::to_typed(record, sensitive)
        .into_iter()
        .filter(|r| r.resource_type() == resource_type)
        .collect()
}

pub(super) async fn read(
    State(state): State<AppState>,
    client: ApiClient,
    Path((resource_type, id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, FhirError> {
    client.require(ApiScope::Read)?;
    check_type(&resource_type)?;
    let sensitive = include_sensitive(&params(query.as_deref()));
    let not_found = || FhirError::NotFound(format!("{resource_type}/{id} is not known"));
    let patient = owner(&state.store, &resource_type, &id)
        .await?
        .ok_or_else(not_found)?;
    let record = state.store.record(&patient, visibility(sensitive)).await?;
    let mut resource = resources_of(&record, sensitive, &resource_type)
        .into_iter()
        .find(|r| r.id() == Some(id.as_str()))
        .ok_or_else(not_found)?;
    let version = if resource_type == "Patient" {
        let version = state.store.patient(&patient).await?.version;
        write::with_version(&mut resource, version);
        Some(version)
    } else {
        None
    };
    state
        .store
        .audit_read(
            &client.actor(),
            "fhir.read",
            Some(&patient),
            &format!(
                "{resource_type}/{id}{}",
                if sensitive {
                    " (sensitive included)"
                } else {
                    ""
                }
            ),
        )
        .await?;
    let response = fhir_json(StatusCode::OK, &resource.to_value());
    Ok(match version {
        Some(version) => write::with_etag(response, version),
        None => response,
    })
}

/// A `_lastUpdated` test: prefix and the instant range its value covers (a date covers the
/// whole day; a dateTime its second).
struct LastUpdated {
    prefix: String,
    low: OffsetDateTime,
    high: OffsetDateTime,
}

impl LastUpdated {
    fn parse(value: &str) -> Result<Self, FhirError> {
        let (prefix, rest) = match value.get(..2) {
            Some(p @ ("eq" | "gt" | "ge" | "lt" | "le")) => (p.to_owned(), &value[2..]),
            _ => ("eq".to_owned(), value),
        };
        let bad = || {
            FhirError::BadRequest(format!(
                "_lastUpdated {value:?} is not a FHIR date or instant (e.g. ge2026-11-01)"
            ))
        };
        let (low, high) = if rest.len() == 10 {
            let date = time::Date::parse(
                rest,
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .map_err(|_| bad())?;
            let low = date.midnight().assume_utc();
            (low, low + time::Duration::days(1))
        } else {
            let at = OffsetDateTime::parse(rest, &Rfc3339).map_err(|_| bad())?;
            (at, at + time::Duration::seconds(1))
        };
        Ok(Self { prefix, low, high })
    }

    fn matches(&self, at: OffsetDateTime) -> bool {
        match self.prefix.as_str() {
            "gt" => at >= self.high,
            "ge" => at >= self.low,
            "lt" => at < self.low,
            "le" => at < self.high,
            _ => self.low <= at && at < self.high,
        }
    }
}

fn last_updated(resource: &Value) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(
        resource.get("meta")?.get("lastUpdated")?.as_str()?,
        &Rfc3339,
    )
    .ok()
}

pub(super) async fn search(
    State(state): State<AppState>,
    Extension(shared): Extension<Arc<Shared>>,
    client: ApiClient,
    Path(resource_type): Path<String>,
    headers: axum::http::HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, FhirError> {
    client.require(ApiScope::Read)?;
    check_type(&resource_type)?;
    let (params, unknown): (Vec<_>, Vec<_>) = params(query.as_deref())
        .into_iter()
        .partition(|(k, _)| super::capability::is_search_parameter(&resource_type, k));
    // Unknown parameters are ignored, and so left out of the links, unless the client asks
    // for strict handling (FHIR R4 §3.1.1.4.4).
    let strict = headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split([';', ',']).any(|p| p.trim() == "handling=strict"));
    if strict && let Some((name, _)) = unknown.first() {
        return Err(FhirError::NotSupported(format!(
            "{name} is not a search parameter of {resource_type} in Haven (see /fhir/metadata)"
        )));
    }
    let sensitive = include_sensitive(&params);
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let number = |name: &str, default: usize| -> Result<usize, FhirError> {
        get(name).map_or(Ok(default), |v| {
            v.parse().map_err(|_| {
                FhirError::BadRequest(format!("{name} must be a whole number, not {v:?}"))
            })
        })
    };
    let count = number("_count", DEFAULT_COUNT)?.clamp(1, MAX_COUNT);
    let offset = number("_offset", 0)?;
    let updated = params
        .iter()
        .filter(|(k, _)| k == "_lastUpdated")
        .map(|(_, v)| LastUpdated::parse(v))
        .collect::<Result<Vec<_>, _>>()?;
    let ids: Vec<&str> = get("_id")
        .map(|v| v.split(',').collect())
        .unwrap_or_default();
    let patient_filter = if resource_type == "Patient" {
        super::patient_search::PatientFilter::parse(&params)?
    } else {
        Default::default()
    };
    let tokens = super::token_search::TokenFilter::parse(&params);
    let dates = super::date_search::DateFilter::parse(&resource_type, &params)?;
    // `_summary=count` or `_count=0`: the number of matches, no resources.
    let count_only = get("_summary") == Some("count") || get("_count") == Some("0");

    let patient = get("patient")
        .or(get("subject"))
        .map(|p| p.rsplit('/').next().unwrap_or(p).to_owned());
    let (resources, patients) = if let Some(patient) = &patient {
        match state.store.record(patient, visibility(sensitive)).await {
            Ok(record) => (
                resources_of(&record, sensitive, &resource_type),
                vec![patient.clone()],
            ),
            Err(StoreError::PatientNotFound(_)) => (Vec::new(), Vec::new()),
            Err(e) => return Err(e.into()),
        }
    } else if resource_type == "Patient"
        && let Some(identifier) = get("identifier")
    {
        let matches = by_identifier(&state.store, identifier).await?;
        let ids = matches.iter().map(|r| r.patient.id.to_string()).collect();
        (
            matches
                .iter()
                .flat_map(|r| resources_of(r, false, "Patient"))
                .collect(),
            ids,
        )
    } else {
        let mut out = Vec::new();
        let mut ids = Vec::new();
        state
            .store
            .scan_records(&RecordStream::default(), visibility(sensitive), |record| {
                let found = resources_of(&record, sensitive, &resource_type);
                if !found.is_empty() {
                    ids.push(record.patient.id.to_string());
                }
                out.extend(found);
            })
            .await?;
        (out, ids)
    };
    let mut matching: Vec<Value> = resources
        .into_iter()
        .filter(|r| ids.is_empty() || r.id().is_some_and(|id| ids.contains(&id)))
        .map(|r| r.to_value())
        .filter(|v| {
            updated.is_empty()
                || last_updated(v).is_some_and(|at| updated.iter().all(|u| u.matches(at)))
        })
        .filter(|v| patient_filter.is_empty() || patient_filter.matches(v))
        .filter(|v| tokens.is_empty() || tokens.matches(v))
        .filter(|v| dates.is_empty() || dates.matches(v))
        .collect();
    if let Some(spec) = get("_sort") {
        super::date_search::sort(&resource_type, spec, &mut matching)?;
    }
    if resource_type == "Patient" {
        add_versions(&state.store, &mut matching, offset, count).await?;
    }
    let detail = format!(
        "{resource_type} search: {} resources from {} patients{}",
        matching.len(),
        patients.len(),
        if sensitive {
            " (sensitive included)"
        } else {
            ""
        }
    );
    let audited_patient = if patients.len() == 1 {
        Some(patients[0].as_str())
    } else {
        None
    };
    state
        .store
        .audit_read(&client.actor(), "fhir.search", audited_patient, &detail)
        .await?;
    let base = shared.base();
    if count_only {
        return Ok(fhir_json(
            StatusCode::OK,
            &serde_json::json!({"resourceType": "Bundle", "type": "searchset", "total": matching.len()}),
        ));
    }
    Ok(fhir_json(
        StatusCode::OK,
        &searchset(base, &resource_type, &params, matching, offset, count),
    ))
}

/// Sets `meta.versionId` on the Patients of the page (`count` from `offset`) to their stored
/// versions, as a read shows them.
async fn add_versions(
    store: &Store,
    patients: &mut [Value],
    offset: usize,
    count: usize,
) -> Result<(), FhirError> {
    let page = patients.iter_mut().skip(offset).take(count);
    let page: Vec<&mut Value> = page.collect();
    let ids: Vec<String> = page
        .iter()
        .filter_map(|v| v.get("id")?.as_str().map(str::to_owned))
        .collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let versions: std::collections::HashMap<String, u32> = store
        .patients(&ids)
        .await?
        .into_iter()
        .map(|s| (s.patient.id.to_string(), s.version))
        .collect();
    for value in page {
        let version = value
            .get("id")
            .and_then(Value::as_str)
            .and_then(|id| versions.get(id));
        if let (Some(version), Some(object)) = (version, value.as_object_mut()) {
            let meta = object
                .entry("meta")
                .or_insert_with(|| Value::Object(serde_json::Map::new()));
            if let Some(meta) = meta.as_object_mut() {
                meta.insert("versionId".into(), Value::String(version.to_string()));
            }
        }
    }
    Ok(())
}

/// Patients whose NHS number or local id matches `system|value` (or a bare value).
async fn by_identifier(store: &Store, identifier: &str) -> Result<Vec<PatientRecord>, FhirError> {
    let (system, value) = match identifier.split_once('|') {
        Some((s, v)) => (Some(s), v),
        None => (None, identifier),
    };
    let query = PatientQuery {
        text: Some(value.to_owned()),
        limit: 500,
        ..PatientQuery::default()
    };
    let (page, _) = store.search_patients(&query).await?;
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    Ok(page
        .into_iter()
        .map(|s| s.patient)
        .filter(|p| {
            let nhs = p.nhs_number.as_ref().is_some_and(|n| n.as_str() == digits);
            let local = p.local_id.as_deref() == Some(value);
            match system {
                Some(haven_fhir::uris::NHS_NUMBER) => nhs,
                Some(s) if s == haven_fhir::uris::local_id_system() => local,
                Some(_) => false,
                None => nhs || local,
            }
        })
        .map(PatientRecord::new)
        .collect())
}

fn searchset(
    base: &str,
    resource_type: &str,
    params: &[(String, String)],
    matching: Vec<Value>,
    offset: usize,
    count: usize,
) -> Value {
    let total = matching.len();
    let page_url = |offset: usize| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (k, v) in params
            .iter()
            .filter(|(k, _)| k != "_offset" && k != "_count")
        {
            query.append_pair(k, v);
        }
        query
            .append_pair("_count", &count.to_string())
            .append_pair("_offset", &offset.to_string());
        format!("{base}/fhir/{resource_type}?{}", query.finish())
    };
    let mut link = vec![BundleLink {
        relation: "self".into(),
        url: page_url(offset),
    }];
    if offset + count < total {
        link.push(BundleLink {
            relation: "next".into(),
            url: page_url(offset + count),
        });
    }
    if offset > 0 {
        link.push(BundleLink {
            relation: "previous".into(),
            url: page_url(offset.saturating_sub(count)),
        });
    }
    let entry = matching
        .into_iter()
        .skip(offset)
        .take(count)
        .map(|resource| BundleEntry {
            full_url: resource
                .get("id")
                .and_then(Value::as_str)
                .map(|id| format!("{base}/fhir/{resource_type}/{id}")),
            resource: Some(resource),
            search: Some(BundleSearch {
                mode: Some("match".into()),
            }),
            ..BundleEntry::default()
        })
        .collect();
    let bundle = Bundle {
        bundle_type: "searchset".into(),
        total: Some(total as u64),
        link,
        entry,
        ..Bundle::default()
    };
    Resource::from(bundle).to_value()
}
