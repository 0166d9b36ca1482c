//! The FHIR R4 REST API under `/fhir`: `metadata`, read, vread, search, batch/transaction `POST`,
//! update of a Patient's demographics (`PUT /fhir/Patient/{id}`), and FHIR Bulk Data
//! `$export` (system, Patient and Group, with the Groups it exports), all as
//! `application/fhir+json` with an OperationOutcome on every error, authenticated by
//! admin-issued bearer API tokens (`read` or `write` scope; sensitive history only to a token
//! made with the `sensitive` permission).
//!
//! Self-contained: [`router`] brings its own state (settings, the export limit) as a request
//! extension, so it merges into the application beside the UI without touching `AppState`.
//! Its settings ([`FhirConfig`]) are given by whoever builds it; it reads no environment.
//!
//! Writes and exports are admitted up to their [`Limits`]; one more is refused at once, before
//! its body is read, with 503, `Retry-After` and an OperationOutcome saying nothing was stored.
//! Every link the API writes (Location, Bundle links and fullUrls, the export manifest) is made
//! from the configured public URL, never from the request's `Host`.

mod auth;
pub use auth::{fhir_practice, filing_practice, practice_of};
mod batch;
mod body;
mod bulk;
mod capability;
pub mod cors;
mod date_search;
mod paging;
mod patient_search;
mod practitioner;
mod protocol;
mod read;
mod response;
mod search_filter;
mod token_search;
mod update;
mod write;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, middleware};

pub use auth::{ApiClient, bearer};
pub use body::FhirBody;
pub use bulk::tidy as tidy_exports;
pub use response::{FHIR_JSON, FHIR_NDJSON, FhirError, fhir_json};

use crate::AppState;
use crate::limits::{Gate, Limits};

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
    /// The base address clients reach Haven at, e.g. `https://haven.example.org` (no trailing
    /// slash): every link the API writes starts with it.
    pub public_url: String,
    /// Where bulk export jobs write their files (each job in a directory of its own). Servers
    /// sharing a database must share this directory too.
    pub export_dir: PathBuf,
    /// How long a finished export and its files are kept before they are deleted.
    pub export_retention: Duration,
}

/// The default [`FhirConfig::export_retention`]: a day.
pub const DEFAULT_EXPORT_RETENTION: Duration = Duration::from_secs(24 * 3600);

/// State of this API that lives beside `AppState`.
pub(crate) struct Shared {
    config: FhirConfig,
    /// Bulk exports running here; a job holds its place until it ends.
    exports: Gate,
}

pub fn router(config: FhirConfig, limits: &Limits) -> Router<AppState> {
    let shared = Arc::new(Shared {
        config,
        exports: Gate::new(limits.exports),
    });
    let writes = middleware::from_fn_with_state(Gate::new(limits.fhir_writes), admit_write);
    Router::new()
        .route("/fhir/metadata", get(capability::metadata))
        .route(
            "/fhir/$export",
            get(bulk::kick_off_request).post(bulk::kick_off_request),
        )
        .route(
            "/fhir/Patient/$export",
            get(bulk::kick_off_request).post(bulk::kick_off_request),
        )
        .route(
            "/fhir/Group/{id}/$export",
            get(bulk::kick_off_request).post(bulk::kick_off_request),
        )
        .route("/fhir/Group", get(bulk::group_search))
        .route("/fhir/Group/{id}", get(bulk::group_read))
        .route(
            "/fhir/$export-status/{job}",
            get(bulk::status).delete(bulk::cancel),
        )
        .route("/fhir/$export-file/{job}/{file}", get(bulk::file))
        .route("/fhir", post(batch::batch.layer(writes.clone())))
        // The base with a trailing slash is where common clients send transactions.
        .route("/fhir/", post(batch::batch.layer(writes.clone())))
        .route("/fhir/Practitioner", get(practitioner::search))
        .route("/fhir/Practitioner/{id}", get(practitioner::read))
        .route(
            "/fhir/Practitioner/{id}/_history/{vid}",
            get(practitioner::vread),
        )
        .route(
            "/fhir/{resource_type}",
            get(read::search).post(batch::create.layer(writes.clone())),
        )
        .route(
            "/fhir/{resource_type}/{id}",
            get(read::read).put(update::update.layer(writes)),
        )
        .route(
            "/fhir/{resource_type}/{id}/_history/{vid}",
            get(read::vread),
        )
        .layer(Extension(shared))
        .layer(middleware::from_fn(protocol::layer))
        .layer(middleware::from_fn(cors::layer))
}

/// The answer to an address under `/fhir` that Haven does not serve.
pub(crate) fn not_found(path: &str) -> FhirError {
    FhirError::Protocol {
        status: axum::http::StatusCode::NOT_FOUND,
        code: "not-found",
        message: format!(
            "there is no {path} in Haven's FHIR API; /fhir/metadata lists what there is"
        ),
    }
}

/// Whether the client's `Prefer` headers ask for `preference` (`respond-async`,
/// `handling=strict`).
pub(crate) fn prefers(headers: &axum::http::HeaderMap, preference: &str) -> bool {
    headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split([',', ';']).any(|p| p.trim() == preference))
}

/// Admits a write if fewer than the limit are running; otherwise refuses it at once.
async fn admit_write(State(gate): State<Gate>, req: Request, next: Next) -> Response {
    gate.run_or_refuse(
        "FHIR writes",
        "nothing in this request was stored",
        req,
        next,
    )
    .await
}

impl Shared {
    /// The address every link starts with: the configured public URL.
    fn base(&self) -> &str {
        &self.config.public_url
    }
}
