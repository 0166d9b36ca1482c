//! Haven's web layer: the server-rendered clinical UI, the FHIR REST API and the CDS Hooks
//! service, as one axum router over shared [`AppState`].
//!
//! Architecture invariant: handlers are thin — extract the user and the input, parse into
//! domain types, call haven-core / haven-store, render. No care rule lives here.
//!
//! Module map:
//! - [`auth`]: passwords, sessions, CSRF, login throttling, role guard ([`auth::CurrentUser`]);
//! - [`ui`]: the HTML pages, one module per area, with the shared layout and form-error pattern;
//! - [`error`]: [`AppError`], the one error type, rendered as a safe page and logged once;
//! - [`reference`]: country and language tables for forms;
//! - [`l10n`]: Fluent translations of the patient handouts, with their review status;
//! - [`actions_refresh`]: one population refresh of the stored actions at a time, which the
//!   worklist and recall pages wait for only briefly;
//! - [`limits`]: how many heavy requests (FHIR writes, CDS Hooks calls, bulk exports) run at
//!   once, the rest refused at once with 503 and `Retry-After`;
//! - `assets`, `health`, `layers`: the stylesheet, `/healthz`, security headers and tracing;
//! - `bidi`: the `isolate_ltr` template filter, which keeps numbers, dates and Latin text in
//!   order inside right-to-left text;
//! - `dates`: dates as NHS pages write them ("4 April 2026"), and the `nhs` template filter.

pub mod actions_refresh;
pub mod auth;
pub mod cds;
pub mod error;
pub mod fhir_api;
pub mod l10n;
pub mod limits;
pub mod reference;
pub mod state;
pub mod ui;

mod assets;
mod bidi;
mod dates;
mod health;
mod layers;

use std::net::SocketAddr;

use axum::Router;
use axum::middleware::from_fn_with_state;

pub use error::AppError;
pub use state::{AppState, WebConfig, bound_url};

/// The whole application. Serve it with [`serve`] (or
/// `into_make_service_with_connect_info::<SocketAddr>()`), so that login throttling can count
/// attempts per client address.
pub fn router(state: AppState) -> Router {
    let ui = ui::routes().layer(from_fn_with_state(state.clone(), auth::session_layer));
    // The FHIR API and CDS Hooks authenticate with bearer tokens, not the session cookie, so
    // they are merged beside the UI, outside the session layer.
    let app = Router::new()
        .merge(health::routes())
        .merge(assets::routes())
        .merge(fhir_api::router(
            state.config.fhir.clone(),
            &state.config.limits,
        ))
        .merge(cds::router(state.config.cds.clone(), &state.config.limits))
        .merge(ui)
        .fallback(not_found);
    layers::apply(app).with_state(state)
}

/// An address nothing answers: an OperationOutcome under `/fhir`, where clients read FHIR,
/// the HTML page everywhere else.
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    let path = uri.path();
    if path == "/fhir" || path.starts_with("/fhir/") {
        fhir_api::not_found(path).into_response()
    } else {
        AppError::NotFound.into_response()
    }
}

/// Serves the application on `listener` until the future `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
