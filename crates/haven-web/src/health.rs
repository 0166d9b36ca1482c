//! `GET /healthz` for load balancers and monitoring: the version, and whether the database
//! answers. No authentication, no personal data.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::{Value, json};

use crate::AppState;

async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let version = env!("CARGO_PKG_VERSION");
    match state.store.health().await {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({"status": "ok", "version": version, "database": "ok"})),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check: database did not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "error", "version": version, "database": "error"})),
            )
        }
    }
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}
