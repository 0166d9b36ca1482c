//! The groups a Bulk Data client can export (`Group/{id}/$export`) and discover (`GET
//! /fhir/Group`, `GET /fhir/Group/{id}`): `practice`, every patient of the practice, and one
//! group per named clinician, their list. Served as FHIR R4 Group resources (`type` person,
//! `actual` true, `quantity`) without a member list: the members are what the export exports.

use axum::extract::{Path, RawQuery};
use axum::http::StatusCode;
use axum::response::Response;
use haven_store::api_tokens::ApiScope;
use haven_store::{RecordStream, Store};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::super::{ApiClient, FhirError, fhir_json};

pub(super) const PRACTICE: &str = "practice";

/// A group Haven exports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Group {
    pub id: String,
    /// The named clinician (a username) of a clinician's list; `None` for the practice.
    pub clinician: Option<String>,
    pub name: String,
    pub quantity: u64,
}

impl Group {
    /// The records the group's export reads.
    pub fn records(&self) -> RecordStream {
        RecordStream {
            clinician: self.clinician.clone(),
            ..RecordStream::default()
        }
    }
}

/// The FHIR R4 Group, as served.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GroupResource<'a> {
    resource_type: &'static str,
    id: &'a str,
    active: bool,
    #[serde(rename = "type")]
    group_type: &'static str,
    actual: bool,
    name: &'a str,
    quantity: u64,
}

impl Group {
    fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(GroupResource {
            resource_type: "Group",
            id: &self.id,
            active: true,
            group_type: "person",
            actual: true,
            name: &self.name,
            quantity: self.quantity,
        })
        .unwrap_or_default()
    }
}

/// The group id of a named clinician's list: `clinician-<username>`, or, for a username a FHIR
/// id cannot hold (an underscore, or too long), `clinician-` and 16 hex digits of its SHA-256.
fn clinician_id(username: &str) -> String {
    let fits = username.len() <= 54
        && username
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if fits {
        format!("clinician-{username}")
    } else {
        format!(
            "clinician-{}",
            &hex::encode(Sha256::digest(username.as_bytes()))[..16]
        )
    }
}

/// Every group, the practice first.
pub(super) async fn all(store: &Store) -> Result<Vec<Group>, FhirError> {
    let names = store.display_names().await?;
    let mut groups = vec![Group {
        id: PRACTICE.into(),
        clinician: None,
        name: "Every patient of the practice".into(),
        quantity: store.count_patients().await?.max(0) as u64,
    }];
    for (username, count) in store.patients_per_clinician().await? {
        let who = names.get(&username).unwrap_or(&username);
        groups.push(Group {
            id: clinician_id(&username),
            name: format!("Patients whose named clinician is {who}"),
            clinician: Some(username),
            quantity: count.max(0) as u64,
        });
    }
    Ok(groups)
}

pub(super) async fn find(store: &Store, id: &str) -> Result<Group, FhirError> {
    all(store)
        .await?
        .into_iter()
        .find(|g| g.id == id)
        .ok_or_else(|| {
            FhirError::NotFound(format!(
                "Group/{id} is not known: GET /fhir/Group lists the groups Haven exports"
            ))
        })
}

/// `GET /fhir/Group/{id}`.
pub(in super::super) async fn read(
    client: ApiClient,
    Path(id): Path<String>,
) -> Result<Response, FhirError> {
    client.require(ApiScope::Read)?;
    Ok(fhir_json(
        StatusCode::OK,
        &find(&client.store, &id).await?.to_value(),
    ))
}

/// `GET /fhir/Group`, optionally `_id`: every group in one searchset Bundle (there are few).
pub(in super::super) async fn search(
    axum::Extension(shared): axum::Extension<std::sync::Arc<super::super::Shared>>,
    client: ApiClient,
    RawQuery(query): RawQuery,
) -> Result<Response, FhirError> {
    client.require(ApiScope::Read)?;
    let params = super::super::read::params(query.as_deref());
    let ids: Vec<&str> = params
        .iter()
        .filter(|(k, _)| k == "_id")
        .flat_map(|(_, v)| v.split(','))
        .collect();
    let base = shared.base();
    let entry: Vec<serde_json::Value> = all(&client.store)
        .await?
        .into_iter()
        .filter(|g| ids.is_empty() || ids.contains(&g.id.as_str()))
        .map(|g| {
            serde_json::json!({
                "fullUrl": format!("{base}/fhir/Group/{}", g.id),
                "resource": g.to_value(),
                "search": {"mode": "match"},
            })
        })
        .collect();
    Ok(fhir_json(
        StatusCode::OK,
        &serde_json::json!({
            "resourceType": "Bundle",
            "type": "searchset",
            "total": entry.len(),
            "link": [{"relation": "self", "url": format!("{base}/fhir/Group")}],
            "entry": entry,
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clinician_ids_are_valid_fhir_ids() {
        assert_eq!(clinician_id("dr.a"), "clinician-dr.a");
        let odd = clinician_id("dr_a");
        assert!(odd.starts_with("clinician-") && odd.len() == 26, "{odd}");
        assert_ne!(odd, clinician_id("dr-a"));
        assert!(clinician_id(&"a".repeat(64)).len() <= 64);
    }
}
