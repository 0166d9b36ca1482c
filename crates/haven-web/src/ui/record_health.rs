//! Record health (`/admin/record-health`, administrators only): the patients the care rules
//! cannot see because their stored record could not be rebuilt into the rules' view when the
//! store opened. They are missing from every worklist until mended, so they are listed here
//! (and counted on the worklist) rather than dropped without a word.

use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;
use haven_store::ViewFailure;

use super::layout::Layout;
use super::{page, patient_href};
use crate::AppState;
use crate::auth::{ADMIN_ROLES, CurrentUser};
use crate::error::AppError;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/record-health", get(show))
}

pub struct FailureRow {
    pub failure: ViewFailure,
    pub href: String,
}

#[derive(Template)]
#[template(path = "admin/record_health.html")]
struct RecordHealthPage {
    layout: Layout,
    failures: Vec<FailureRow>,
}

async fn show(user: CurrentUser) -> Result<Response, AppError> {
    user.require(ADMIN_ROLES)?;
    let failures = user.store.rule_view_failures().await?;
    user.store
        .audit_read(
            &user.actor(),
            "record-health.view",
            None,
            &format!("{} patients not evaluated", failures.len()),
        )
        .await?;
    page(&RecordHealthPage {
        layout: Layout::new(&user, "Record health", "/admin/record-health"),
        failures: failures
            .into_iter()
            .map(|failure| FailureRow {
                href: patient_href(&failure.patient_id),
                failure,
            })
            .collect(),
    })
}
