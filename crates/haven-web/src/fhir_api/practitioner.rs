//! `GET /fhir/Practitioner/{id}` and `GET /fhir/Practitioner?…`: the clinicians a patient's
//! `generalPractitioner` may name (Haven's clinician users, any user named as a lead
//! clinician, and ids another system named), so that the reference resolves. Read-only: they
//! are Haven's users, managed in Haven. They are no patient's data, and are not audited as such.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, RawQuery};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use haven_fhir::{Clinician, StoredVersion};
use haven_store::NamedClinician;
use haven_store::api_tokens::ApiScope;
use serde_json::Value;

use super::paging::{Key, Order};
use super::read::{Page, page_size, search_parameters, searchset};
use super::search_filter::{LastUpdated, last_updated};
use super::{ApiClient, FhirError, Shared, fhir_json, write};

pub(super) fn resource(c: NamedClinician) -> Value {
    haven_fhir::practitioner(
        &Clinician {
            id: c.id,
            name: c.name,
            active: c.active,
        },
        StoredVersion {
            version: c.stamp.version,
            at: c.stamp.changed_at,
        },
    )
}

pub(super) async fn read(client: ApiClient, Path(id): Path<String>) -> Result<Response, FhirError> {
    client.require(ApiScope::Read)?;
    let clinician = current(&client.store, &id).await?;
    let value = resource(clinician);
    Ok(write::with_version_headers(
        fhir_json(StatusCode::OK, &value),
        &value,
    ))
}

/// vread: Haven keeps no history of its users, so only the current version is served.
pub(super) async fn vread(
    client: ApiClient,
    Path((id, vid)): Path<(String, String)>,
) -> Result<Response, FhirError> {
    client.require(ApiScope::Read)?;
    let clinician = current(&client.store, &id).await?;
    if vid != clinician.stamp.version.to_string() {
        return Err(FhirError::NotFound(format!(
            "Practitioner/{id} is at version {}; Haven keeps no earlier ones",
            clinician.stamp.version
        )));
    }
    let value = resource(clinician);
    Ok(write::with_version_headers(
        fhir_json(StatusCode::OK, &value),
        &value,
    ))
}

async fn current(store: &haven_store::Store, id: &str) -> Result<NamedClinician, FhirError> {
    store
        .named_clinicians(Some(id))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| FhirError::NotFound(format!("Practitioner/{id} is not known")))
}

/// What a Practitioner search asks.
struct Filter {
    ids: Vec<String>,
    identifier: Option<String>,
    name: Option<String>,
    active: Option<bool>,
    updated: Vec<LastUpdated>,
}

impl Filter {
    fn parse(params: &[(String, String)]) -> Result<Self, FhirError> {
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let identifier = get("identifier").map(|v| {
            // A system other than Haven's user ids matches nothing.
            match v.split_once('|') {
                Some((system, value)) if system == haven_fhir::uris::user_id_system() => {
                    value.to_owned()
                }
                Some(_) => String::new(),
                None => v.to_owned(),
            }
        });
        let active = get("active")
            .map(|v| match v {
                "true" => Ok(true),
                "false" => Ok(false),
                other => Err(FhirError::BadRequest(format!(
                    "active must be true or false, not {other:?}"
                ))),
            })
            .transpose()?;
        Ok(Self {
            ids: get("_id")
                .map(|v| v.split(',').map(str::to_owned).collect())
                .unwrap_or_default(),
            identifier,
            name: get("name").map(str::to_lowercase),
            active,
            updated: params
                .iter()
                .filter(|(k, _)| k == "_lastUpdated")
                .map(|(_, v)| LastUpdated::parse(v))
                .collect::<Result<_, _>>()?,
        })
    }

    fn matches(&self, c: &NamedClinician, value: &Value) -> bool {
        (self.ids.is_empty() || self.ids.contains(&c.id))
            && self.identifier.as_ref().is_none_or(|i| *i == c.id)
            && self.active.is_none_or(|a| a == c.active)
            && self.name.as_ref().is_none_or(|n| {
                // A name part starting with the value, ignoring case.
                c.name.as_deref().is_some_and(|name| {
                    name.split_whitespace()
                        .any(|part| part.to_lowercase().starts_with(n.as_str()))
                })
            })
            && (self.updated.is_empty()
                || last_updated(value).is_some_and(|at| self.updated.iter().all(|u| u.matches(at))))
    }
}

pub(super) async fn search(
    Extension(shared): Extension<Arc<Shared>>,
    client: ApiClient,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, FhirError> {
    client.require(ApiScope::Read)?;
    let params = search_parameters("Practitioner", query.as_deref(), &headers)?;
    let filter = Filter::parse(&params)?;
    let count = page_size(&params)?;
    let order = Order::default();
    let after: Option<Key> = params
        .iter()
        .find(|(k, _)| k == "_cursor")
        .map(|(_, c)| order.parse_cursor(c))
        .transpose()?;
    let count_only = params
        .iter()
        .any(|(k, v)| (k == "_summary" && v == "count") || (k == "_count" && v == "0"));
    // In id order, as the store gives them.
    let mut matching: Vec<(Key, Value)> = client
        .store
        .named_clinicians(None)
        .await?
        .into_iter()
        .filter_map(|c| {
            let value = resource(c.clone());
            filter
                .matches(&c, &value)
                .then(|| (order.key(&value, ""), value))
        })
        .collect();
    let total = matching.len();
    if count_only {
        return Ok(fhir_json(
            StatusCode::OK,
            &serde_json::json!({"resourceType": "Bundle", "type": "searchset", "total": total}),
        ));
    }
    if let Some(after) = &after {
        matching.retain(|(key, _)| order.compare(key, after).is_gt());
    }
    let more = matching.len() > count;
    matching.truncate(count);
    let next = more
        .then(|| matching.last().map(|(key, _)| Order::cursor(key)))
        .flatten();
    let page = Page {
        resources: matching.into_iter().map(|(_, v)| v).collect(),
        total: Some(total),
        count,
        next,
    };
    Ok(fhir_json(
        StatusCode::OK,
        &searchset(shared.base(), "Practitioner", &params, page),
    ))
}
