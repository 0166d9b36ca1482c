//! The FHIR R4 REST API under `/fhir`: `metadata`, read, search, batch/transaction `POST`,
//! update of a Patient's demographics (`PUT /fhir/Patient/{id}`), and FHIR Bulk Data
//! `$export`, all as `application/fhir+json` with an OperationOutcome on every error,
//! authenticated by admin-issued bearer API tokens (`read` or `write` scope).
//!
//! Self-contained: [`router`] brings its own state (export jobs, settings) as a request
//! extension, so it merges into the application beside the UI without touching `AppState`.
//! Its settings ([`FhirConfig`]) are given by whoever builds it; it reads no environment.

mod auth;
mod batch;
mod bulk;
mod capability;
pub mod cors;
mod read;
mod response;
mod update;
mod write;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Extension, middleware};

pub use auth::{ApiClient, bearer};
pub use response::{FHIR_JSON, FHIR_NDJSON, FhirError, fhir_json};

use crate::AppState;

/// Resource types the API serves (those Haven's records map to).
pub const SERVED_TYPES: &[&str] = &[
    "Patient",
    "Observation",
    "Condition",
    "RiskAssessment",
    "CarePlan",
    "Appointment",
    "Encounter",
    "ServiceRequest",
    "MedicationStatement",
    "Procedure",
    "Flag",
    "QuestionnaireResponse",
];

#[derive(Clone, Debug)]
pub struct FhirConfig {
    /// The base address clients reach Haven at, e.g. `https://haven.example.org`; without it,
    /// links are made from the request's Host.
    pub public_url: Option<String>,
    /// Where bulk export jobs write their files (each job in a directory of its own).
    pub export_dir: PathBuf,
}

/// State of this API that lives beside `AppState`.
pub(crate) struct Shared {
    config: FhirConfig,
    jobs: bulk::Jobs,
}

pub fn router(config: FhirConfig) -> Router<AppState> {
    let shared = Arc::new(Shared {
        config,
        jobs: bulk::Jobs::default(),
    });
    Router::new()
        .route("/fhir/metadata", get(capability::metadata))
        .route("/fhir/$export", get(bulk::kick_off))
        .route(
            "/fhir/$export-status/{job}",
            get(bulk::status).delete(bulk::cancel),
        )
        .route("/fhir/$export-file/{job}/{file}", get(bulk::file))
        .route(
            "/fhir",
            post(batch::batch).layer(DefaultBodyLimit::max(haven_fhir::MAX_DOCUMENT_BYTES)),
        )
        .route("/fhir/{resource_type}", get(read::search))
        .route(
            "/fhir/{resource_type}/{id}",
            get(read::read).put(update::update),
        )
        .layer(Extension(shared))
        .layer(middleware::from_fn(cors::layer))
}

/// The address links should use: the configured public URL, else this request's host.
pub fn base_url(headers: &HeaderMap, public_url: Option<&str>) -> String {
    if let Some(url) = public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let proto = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| matches!(*p, "http" | "https"))
        .unwrap_or("http");
    format!("{proto}://{host}")
}

impl Shared {
    fn base(&self, headers: &HeaderMap) -> String {
        base_url(headers, self.config.public_url.as_deref())
    }
}
