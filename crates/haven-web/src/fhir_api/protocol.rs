//! What every FHIR client relies on at the HTTP level: every error under `/fhir` is an
//! OperationOutcome in `application/fhir+json` (axum's own 405, 415 and extractor rejections
//! included, their `Allow` and `Retry-After` headers kept), XML is refused with 406 (Haven
//! speaks JSON only) and an XML body with 415, before any handler runs.

use axum::body::to_bytes;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::response::{FHIR_JSON, FhirError};

/// Bodies of non-FHIR error responses read to quote them: axum's rejections are one line.
const QUOTED_LIMIT: usize = 4096;

pub async fn layer(req: Request, next: Next) -> Response {
    if let Some(refusal) = refusal(req.method(), req.uri().query(), req.headers()) {
        return refusal.into_response();
    }
    let response = next.run(req).await;
    as_outcome(response).await
}

/// A request Haven cannot answer in a format it speaks.
fn refusal(method: &Method, query: Option<&str>, headers: &HeaderMap) -> Option<FhirError> {
    let format = query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (key == "_format").then(|| value.to_ascii_lowercase())
        });
    if format.is_some_and(|f| f.contains("xml")) {
        return Some(not_acceptable());
    }
    if let Some(accept) = header_text(headers, header::ACCEPT)
        && !accepts_json(&accept)
    {
        return Some(not_acceptable());
    }
    let has_body = matches!(*method, Method::POST | Method::PUT | Method::PATCH);
    if has_body
        && let Some(kind) = header_text(headers, header::CONTENT_TYPE)
        && !kind.contains("json")
    {
        return Some(FhirError::Protocol {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code: "not-supported",
            message: format!(
                "Haven reads FHIR JSON only: send the body as application/fhir+json, not {kind}"
            ),
        });
    }
    None
}

fn not_acceptable() -> FhirError {
    FhirError::Protocol {
        status: StatusCode::NOT_ACCEPTABLE,
        code: "not-supported",
        message: "Haven answers in FHIR JSON only (application/fhir+json); XML is not served"
            .to_owned(),
    }
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase)
        .filter(|v| !v.trim().is_empty())
}

/// Whether an `Accept` header admits JSON (or NDJSON, for Bulk Data files).
fn accepts_json(accept: &str) -> bool {
    accept.split(',').any(|range| {
        let media = range.split(';').next().unwrap_or_default().trim();
        media.contains("json") || media == "*/*" || media == "application/*"
    })
}

/// An error answered by something other than Haven's FHIR handlers (axum's router or an
/// extractor), rewritten as an OperationOutcome; FHIR responses pass unchanged.
async fn as_outcome(response: Response) -> Response {
    let status = response.status();
    let is_fhir = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(FHIR_JSON) || v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_fhir {
        return response;
    }
    let (parts, body) = response.into_parts();
    let said = to_bytes(body, QUOTED_LIMIT)
        .await
        .ok()
        .and_then(|b| String::from_utf8(b.to_vec()).ok())
        .filter(|t| !t.trim_start().starts_with('<'))
        .map(|t| t.trim().to_owned())
        .unwrap_or_default();
    let allow = parts
        .headers
        .get(header::ALLOW)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (code, message) = match status {
        StatusCode::NOT_FOUND => (
            "not-found",
            "there is no such address in Haven's FHIR API; /fhir/metadata lists what there is"
                .to_owned(),
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "not-supported",
            format!(
                "this method is not allowed here{}",
                allow
                    .as_deref()
                    .map_or_else(String::new, |a| format!("; allowed: {a}"))
            ),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "not-supported",
            "send the body as application/fhir+json".to_owned(),
        ),
        _ if status.is_server_error() => (
            "exception",
            "Haven could not complete the request".to_owned(),
        ),
        _ => ("invalid", "the request could not be read".to_owned()),
    };
    let message = if said.is_empty() || status.is_server_error() {
        message
    } else {
        format!("{message}: {said}")
    };
    let mut rewritten = FhirError::Protocol {
        status,
        code,
        message,
    }
    .into_response();
    // Keep what the client needs from the original answer (Allow, Retry-After, CORS…).
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rewritten.headers_mut().insert(name.clone(), value.clone());
        }
    }
    rewritten
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_headers_admit_json_and_wildcards_not_xml_alone() {
        assert!(accepts_json("application/fhir+json"));
        assert!(accepts_json("application/json, text/plain"));
        assert!(accepts_json("application/fhir+ndjson"));
        assert!(accepts_json("*/*"));
        assert!(accepts_json("application/fhir+xml;q=0.9, */*;q=0.1"));
        assert!(!accepts_json("application/fhir+xml"));
        assert!(!accepts_json("text/html"));
    }

    #[test]
    fn xml_is_refused_by_format_accept_or_body() {
        let none = HeaderMap::new();
        assert!(refusal(&Method::GET, Some("_format=xml"), &none).is_some());
        assert!(
            refusal(
                &Method::GET,
                Some("name=x&_format=application/fhir%2Bxml"),
                &none
            )
            .is_some()
        );
        assert!(refusal(&Method::GET, Some("_format=json"), &none).is_none());
        let mut xml_body = HeaderMap::new();
        xml_body.insert(
            header::CONTENT_TYPE,
            "application/fhir+xml".parse().expect("value"),
        );
        assert!(refusal(&Method::POST, None, &xml_body).is_some());
        assert!(refusal(&Method::GET, None, &xml_body).is_none());
    }
}
