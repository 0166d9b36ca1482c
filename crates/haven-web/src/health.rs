//! `GET /healthz` for load balancers and monitoring: the version, which database (`sqlite` or
//! `postgres`), and whether it answers within a few seconds. No authentication, no personal
//! data.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::{Value, json};

use crate::AppState;

async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let version = env!("CARGO_PKG_VERSION");
    let backend = state.store.backend().name();
    match state.store.health().await {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({"status": "ok", "version": version, "database": "ok", "backend": backend})),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check: database did not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(
                    json!({"status": "error", "version": version, "database": "error", "backend": backend}),
                ),
            )
        }
    }
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}
