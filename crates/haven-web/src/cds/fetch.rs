//! Fetching what an EHR did not prefetch from its `fhirServer`, with the access token it gave
//! in `fhirAuthorization` — the CDS Hooks fallback. Searchset pages are followed (bounded).
//!
//! Only to a server the caller's trusted issuer lists (`fhirServers`), and only pages on that
//! server: a call cannot send Haven, with a bearer token, anywhere else. A server not listed is
//! refused with the same words whatever it is, so the refusal tells nothing about the network.

use std::collections::BTreeMap;
use std::time::Duration;

use haven_fhir::cds::{CdsRequest, prefetch_query};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::fhir_api::{FHIR_JSON, FhirError};

/// Searchset pages followed per query; more than this is not one patient's record.
const MAX_PAGES: usize = 20;

/// Why a page could not be fetched from the EHR's FHIR server.
#[derive(Debug, thiserror::Error)]
enum FetchError {
    /// Without the URL, which may carry the patient's id.
    #[error("the FHIR server could not be reached ({0})")]
    Unreachable(reqwest::Error),
    #[error("the FHIR server answered {0}")]
    Status(reqwest::StatusCode),
    #[error("the FHIR server's answer is not JSON")]
    NotJson,
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default()
}

/// Fetches `keys` for the request's patient from its `fhirServer`, when that is one of
/// `allowed`; 412 (PreconditionFailed) when the request gives no way to, the server is not
/// allowed, or it does not answer.
pub async fn missing(
    http: &reqwest::Client,
    request: &CdsRequest,
    keys: &[&str],
    allowed: &[String],
) -> Result<BTreeMap<String, Box<RawValue>>, FhirError> {
    let precondition = |why: String| {
        FhirError::PreconditionFailed(format!(
            "{why}; prefetch it or give fhirServer and fhirAuthorization"
        ))
    };
    let (Some(server), Some(auth)) = (
        request.fhir_server.as_deref(),
        request.fhir_authorization.as_ref(),
    ) else {
        return Err(precondition(format!("{} not prefetched", keys.join(", "))));
    };
    let server = server.trim_end_matches('/');
    if !allowed.iter().any(|a| a == server) {
        return Err(precondition(format!(
            "{} not prefetched, and fhirServer is not a server Haven is configured to fetch from for this caller",
            keys.join(", ")
        )));
    }
    let on_server = |url: &str| {
        url.strip_prefix(server)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/') || rest.starts_with('?'))
    };
    let patient = request
        .patient_id()
        .ok_or_else(|| FhirError::BadRequest("context.patientId is missing".into()))?;
    let mut out = BTreeMap::new();
    for key in keys {
        let Some(query) = prefetch_query(key, patient) else {
            continue;
        };
        let url = format!("{server}/{query}");
        let mut value = get(http, &url, &auth.access_token)
            .await
            .map_err(|e| precondition(format!("{key}: {e}")))?;
        let mut next = next_link(&value);
        let mut pages = 1;
        while let Some(url) = next.filter(|_| pages < MAX_PAGES) {
            if !on_server(&url) {
                return Err(precondition(format!(
                    "{key}: a page link leads away from fhirServer, and is not followed"
                )));
            }
            let page = get(http, &url, &auth.access_token)
                .await
                .map_err(|e| precondition(format!("{key}: {e}")))?;
            next = next_link(&page);
            if let (Some(all), Some(more)) = (
                value.get_mut("entry").and_then(Value::as_array_mut),
                page.get("entry").and_then(Value::as_array),
            ) {
                all.extend(more.iter().cloned());
            }
            pages += 1;
        }
        let raw = serde_json::value::to_raw_value(&value)
            .map_err(|e| precondition(format!("{key}: {e}")))?;
        out.insert((*key).to_owned(), raw);
    }
    Ok(out)
}

async fn get(http: &reqwest::Client, url: &str, token: &str) -> Result<Value, FetchError> {
    let response = http
        .get(url)
        .bearer_auth(token)
        .header(reqwest::header::ACCEPT, FHIR_JSON)
        .send()
        .await
        .map_err(|e| FetchError::Unreachable(e.without_url()))?;
    let status = response.status();
    if !status.is_success() {
        return Err(FetchError::Status(status));
    }
    response
        .json::<Value>()
        .await
        .map_err(|_| FetchError::NotJson)
}

fn next_link(bundle: &Value) -> Option<String> {
    bundle
        .get("link")?
        .as_array()?
        .iter()
        .find(|l| l.get("relation").and_then(Value::as_str) == Some("next"))?
        .get("url")?
        .as_str()
        .map(str::to_owned)
}
