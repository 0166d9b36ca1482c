//! Read (`GET /fhir/{type}/{id}`) and search (`GET /fhir/{type}?…`) over Haven's records,
//! exported on the fly with haven-fhir so the API shows exactly what an export would. Every
//! access is audited; sensitive history only to a token with the `sensitive` permission. Every resource
//! carries the version Haven stored as `meta.versionId` and when it stored it as
//! `meta.lastUpdated` (read alone, also as the `ETag` `W/"<version>"`, which an update names in
//! `If-Match`, and `Last-Modified`); vread (`GET /fhir/{type}/{id}/_history/{vid}`) serves any
//! version from the history Haven keeps.

use std::ops::ControlFlow;
use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, RawQuery};
use axum::http::StatusCode;
use axum::response::Response;
use haven_core::record::{PatientRecord, Visibility};
use haven_fhir::model::{Bundle, BundleEntry, BundleLink, BundleSearch, Resource};
use haven_store::api_tokens::ApiScope;
use haven_store::{PatientQuery, RecordStream, Store, StoreError, VersionStamp};
use serde_json::Value;

use super::paging::{Key, Order};
use super::search_filter::ResourceFilter;
use super::{ApiClient, FhirError, SERVED_TYPES, Shared, fhir_json, write};

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

fn resources_of(
    record: &PatientRecord,
    sensitive: bool,
    resource_type: &str,
    stamp: Option<VersionStamp>,
    practice: &haven_fhir::Practice,
) -> Vec<Resource> {
    haven_fhir::to_typed_stored(record, sensitive, stamp.map(write::stored), Some(practice))
        .into_iter()
        .filter(|r| r.resource_type() == resource_type)
        .collect()
}

/// The search parameters of a query that Haven reads for `resource_type`. Unknown ones are
/// ignored, and so left out of the links, unless the client asks for strict handling
/// (FHIR R4 §3.1.1.4.4): then the first is refused.
pub(super) fn search_parameters(
    resource_type: &str,
    query: Option<&str>,
    headers: &axum::http::HeaderMap,
) -> Result<Vec<(String, String)>, FhirError> {
    let (known, unknown): (Vec<_>, Vec<_>) = params(query)
        .into_iter()
        .partition(|(k, _)| super::capability::is_search_parameter(resource_type, k));
    match unknown.first() {
        Some((name, _)) if super::prefers(headers, "handling=strict") => {
            Err(FhirError::NotSupported(format!(
                "{name} is not a search parameter of {resource_type} in Haven (see /fhir/metadata)"
            )))
        }
        _ => Ok(known),
    }
}

/// `_count`: results per page (default 50, at most 500).
pub(super) fn page_size(params: &[(String, String)]) -> Result<usize, FhirError> {
    match params.iter().find(|(k, _)| k == "_count") {
        None => Ok(DEFAULT_COUNT),
        Some((_, v)) => v
            .parse::<usize>()
            .map(|n| n.clamp(1, MAX_COUNT))
            .map_err(|_| {
                FhirError::BadRequest(format!("_count must be a whole number, not {v:?}"))
            }),
    }
}

/// A patient's record with the stored version of its demographics. The version is read first
/// and the demographics at exactly that version, so a change stored meanwhile never shows under
/// an older version (an update naming it would overwrite what it never saw).
async fn stamped_record(
    store: &Store,
    patient: &str,
    visible: Visibility,
) -> Result<(PatientRecord, VersionStamp), StoreError> {
    let stamp = store
        .patient_stamps(&[patient])
        .await?
        .remove(patient)
        .ok_or_else(|| StoreError::PatientNotFound(patient.to_owned()))?;
    let mut record = store.record(patient, visible).await?;
    let (demographics, stamp) = store
        .patient_version(patient, stamp.version)
        .await?
        .ok_or_else(|| StoreError::PatientNotFound(patient.to_owned()))?;
    record.patient = demographics;
    Ok((record, stamp))
}

pub(super) async fn read(
    client: ApiClient,
    Path((resource_type, id)): Path<(String, String)>,
) -> Result<Response, FhirError> {
    client.require(ApiScope::Read)?;
    check_type(&resource_type)?;
    let sensitive = client.token.sensitive;
    let (patient, resource) = current(&client, &client.practice().await?, &resource_type, &id)
        .await?
        .ok_or_else(|| FhirError::NotFound(format!("{resource_type}/{id} is not known")))?;
    client
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
    Ok(write::with_version_headers(
        fhir_json(StatusCode::OK, &resource),
        &resource,
    ))
}

/// The current version of `resource_type/id` and the patient whose record holds it, if it is
/// known (and visible).
pub(super) async fn current(
    client: &ApiClient,
    practice: &haven_fhir::Practice,
    resource_type: &str,
    id: &str,
) -> Result<Option<(String, Value)>, FhirError> {
    let (store, sensitive) = (&client.store, client.token.sensitive);
    let Some(patient) = owner(store, resource_type, id).await? else {
        return Ok(None);
    };
    let (record, stamp) = stamped_record(store, &patient, visibility(sensitive)).await?;
    Ok(
        resources_of(&record, sensitive, resource_type, Some(stamp), practice)
            .into_iter()
            .find(|r| r.id() == Some(id))
            .map(|r| (patient, r.to_value())),
    )
}

/// vread: `GET /fhir/{type}/{id}/_history/{vid}`, one version of a resource from the history
/// Haven keeps (`patient_history` for a Patient and what is made from its demographics,
/// `entry_history` for the rest). An entry sensitive in that version or now is served only as
/// a read would serve it (to a token with the `sensitive` permission).
pub(super) async fn vread(
    client: ApiClient,
    Path((resource_type, id, vid)): Path<(String, String, String)>,
) -> Result<Response, FhirError> {
    client.require(ApiScope::Read)?;
    check_type(&resource_type)?;
    let sensitive = client.token.sensitive;
    let visible = visibility(sensitive);
    let unknown = || FhirError::NotFound(format!("{resource_type}/{id} is not known"));
    let no_version = || FhirError::NotFound(format!("{resource_type}/{id} has no version {vid:?}"));
    let patient = owner(&client.store, &resource_type, &id)
        .await?
        .ok_or_else(unknown)?;
    let version: u32 = vid.parse().map_err(|_| no_version())?;
    let demographics = resource_type == "Patient" || id == haven_fhir::country_id(&patient);
    let (record, stamp) = if demographics {
        let (p, stamp) = client
            .store
            .patient_version(&patient, version)
            .await?
            .ok_or_else(no_version)?;
        (PatientRecord::new(p), Some(stamp))
    } else {
        let entry_id = match client.store.entry(&id).await {
            Ok(_) => id.as_str(),
            Err(StoreError::EntryNotFound(_)) => {
                id.strip_suffix("-response").ok_or_else(unknown)?
            }
            Err(e) => return Err(e.into()),
        };
        let history = client.store.entry_history(entry_id).await?;
        if history.iter().any(|e| e.visibility() > visible) {
            return Err(unknown());
        }
        let entry = history
            .into_iter()
            .find(|e| e.version == version)
            .ok_or_else(no_version)?;
        let mut record = PatientRecord::new(client.store.patient(&patient).await?.patient);
        record.entries.push(entry);
        (record, None)
    };
    let practice = client.practice().await?;
    let resource = resources_of(&record, sensitive, &resource_type, stamp, &practice)
        .into_iter()
        .find(|r| r.id() == Some(id.as_str()))
        .ok_or_else(unknown)?;
    client
        .store
        .audit_read(
            &client.actor(),
            "fhir.vread",
            Some(&patient),
            &format!(
                "{resource_type}/{id}/_history/{version}{}",
                if sensitive {
                    " (sensitive included)"
                } else {
                    ""
                }
            ),
        )
        .await?;
    let resource = resource.to_value();
    Ok(write::with_version_headers(
        fhir_json(StatusCode::OK, &resource),
        &resource,
    ))
}

pub(super) async fn search(
    Extension(shared): Extension<Arc<Shared>>,
    client: ApiClient,
    Path(resource_type): Path<String>,
    headers: axum::http::HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, FhirError> {
    client.require(ApiScope::Read)?;
    check_type(&resource_type)?;
    let params = search_parameters(&resource_type, query.as_deref(), &headers)?;
    let sensitive = client.token.sensitive;
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let count = page_size(&params)?;
    let order = Order::parse(&resource_type, get("_sort"))?;
    let after = get("_cursor").map(|c| order.parse_cursor(c)).transpose()?;
    let filter = ResourceFilter::parse(&resource_type, &params)?;
    // `_summary=count` or `_count=0`: the number of matches, no resources.
    let count_only = get("_summary") == Some("count") || get("_count") == Some("0");
    let practice = client.practice().await?;
    let mut found = Found::new(&order, after.as_ref(), &filter, &practice);

    let patient = get("patient")
        .or(get("subject"))
        .map(|p| p.rsplit('/').next().unwrap_or(p).to_owned());
    if let Some(patient) = &patient {
        match stamped_record(&client.store, patient, visibility(sensitive)).await {
            Ok((record, stamp)) => found.add(&record, sensitive, &resource_type, stamp),
            Err(StoreError::PatientNotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
    } else if resource_type == "Patient"
        && let Some(identifier) = get("identifier")
    {
        for id in by_identifier(&client.store, identifier).await? {
            match stamped_record(&client.store, &id, Visibility::Clinical).await {
                Ok((record, stamp)) => found.add(&record, false, "Patient", stamp),
                Err(StoreError::PatientNotFound(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
    } else if count_only && resource_type == "Patient" && filter.is_empty() {
        // Every patient is one Patient resource: counted, not read.
        found.matched = usize::try_from(client.store.count_patients().await?).unwrap_or(0);
    } else if let Some(named) = match filter.patient.name_texts() {
        Some(texts) if resource_type == "Patient" => {
            client.store.patients_with_names_holding(texts).await?
        }
        _ => None,
    } {
        // A name search reads only the patients the name index finds.
        for (patient, stamp) in named {
            found.add(&PatientRecord::new(patient), false, "Patient", stamp);
        }
    } else {
        // In patient order, a page needs only the records from the cursor's patient on, up to
        // the first past the page; a total (or another order) needs them all.
        let stop_early = order.is_by_patient() && !count_only && get("_total") != Some("accurate");
        let stream = RecordStream {
            from: order.first_patient(after.as_ref()).map(str::to_owned),
            demographics_only: resource_type == "Patient",
            ..RecordStream::default()
        };
        client
            .store
            .scan_stamped_records_until(&stream, visibility(sensitive), |record, stamp| {
                found.add(&record, sensitive, &resource_type, stamp);
                if stop_early && found.page.len() > count {
                    found.complete = false;
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
            .await?;
    }
    let Found {
        mut page,
        matched,
        complete,
        ..
    } = found;
    page.sort_by(|a, b| order.compare(&a.0, &b.0));
    let more = page.len() > count;
    page.truncate(count);
    let mut patients: Vec<&str> = page.iter().map(|(k, _)| k[k.len() - 2].as_str()).collect();
    patients.dedup();
    let detail = format!(
        "{resource_type} search: {} resources from {} patients{}",
        if count_only { matched } else { page.len() },
        patients.len(),
        if sensitive {
            " (sensitive included)"
        } else {
            ""
        }
    );
    let audited_patient = match (patients.as_slice(), &patient) {
        ([one], _) => Some(*one),
        ([], Some(asked)) => Some(asked.as_str()),
        _ => None,
    };
    client
        .store
        .audit_read(&client.actor(), "fhir.search", audited_patient, &detail)
        .await?;
    if count_only {
        return Ok(fhir_json(
            StatusCode::OK,
            &serde_json::json!({"resourceType": "Bundle", "type": "searchset", "total": matched}),
        ));
    }
    let next = more
        .then(|| page.last().map(|(key, _)| Order::cursor(key)))
        .flatten();
    let page = Page {
        resources: page.into_iter().map(|(_, v)| v).collect(),
        total: complete.then_some(matched),
        count,
        next,
    };
    Ok(fhir_json(
        StatusCode::OK,
        &searchset(shared.base(), &resource_type, &params, page),
    ))
}

/// The results a search has found so far: how many match in all, and those after the cursor
/// with their keys.
struct Found<'a> {
    order: &'a Order,
    after: Option<&'a Key>,
    filter: &'a ResourceFilter,
    practice: &'a haven_fhir::Practice,
    page: Vec<(Key, Value)>,
    matched: usize,
    /// Whether every record was looked at, so `matched` is the total.
    complete: bool,
}

impl<'a> Found<'a> {
    fn new(
        order: &'a Order,
        after: Option<&'a Key>,
        filter: &'a ResourceFilter,
        practice: &'a haven_fhir::Practice,
    ) -> Self {
        Self {
            order,
            after,
            filter,
            practice,
            page: Vec::new(),
            matched: 0,
            complete: true,
        }
    }

    fn add(
        &mut self,
        record: &PatientRecord,
        sensitive: bool,
        resource_type: &str,
        stamp: VersionStamp,
    ) {
        let patient = record.patient.id.as_str();
        for resource in resources_of(record, sensitive, resource_type, Some(stamp), self.practice) {
            let value = resource.to_value();
            // The patient, or the identifier, chose the records read; the filter tests the rest.
            if !self.filter.matches(&value, None) {
                continue;
            }
            self.matched += 1;
            let key = self.order.key(&value, patient);
            if self
                .after
                .is_none_or(|after| self.order.compare(&key, after).is_gt())
            {
                self.page.push((key, value));
            }
        }
    }
}

/// The ids of the patients whose NHS number or local id matches `system|value` (or a bare
/// value).
async fn by_identifier(store: &Store, identifier: &str) -> Result<Vec<String>, FhirError> {
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
        .map(|p| p.id.to_string())
        .collect())
}

/// One page of results.
pub(super) struct Page {
    pub resources: Vec<Value>,
    /// The number of matches in all, when every record was looked at.
    pub total: Option<usize>,
    pub count: usize,
    /// The `_cursor` of the next page, if there are more.
    pub next: Option<String>,
}

pub(super) fn searchset(
    base: &str,
    resource_type: &str,
    params: &[(String, String)],
    page: Page,
) -> Value {
    let url = |cursor: Option<&str>| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (k, v) in params
            .iter()
            .filter(|(k, _)| k != "_cursor" && k != "_count")
        {
            query.append_pair(k, v);
        }
        query.append_pair("_count", &page.count.to_string());
        if let Some(cursor) = cursor {
            query.append_pair("_cursor", cursor);
        }
        format!("{base}/fhir/{resource_type}?{}", query.finish())
    };
    let this = params
        .iter()
        .find(|(k, _)| k == "_cursor")
        .map(|(_, v)| v.as_str());
    let mut link = vec![BundleLink {
        relation: "self".into(),
        url: url(this),
    }];
    if let Some(next) = &page.next {
        link.push(BundleLink {
            relation: "next".into(),
            url: url(Some(next)),
        });
    }
    let entry = page
        .resources
        .into_iter()
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
        total: page.total.map(|t| t as u64),
        link,
        entry,
        ..Bundle::default()
    };
    Resource::from(bundle).to_value()
}
