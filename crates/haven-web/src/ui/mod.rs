//! The server-rendered clinical UI: one module per area, each exporting `routes()`; this module
//! merges them and provides the small helpers every handler uses.
//!
//! Pages sit on shared layers and never import each other's handlers: [`forms`] (what entry
//! forms are made of) and [`kinds`] (which form records each kind of entry) below
//! [`actions`], below [`patient_context`] (record and banner for every patient-level page),
//! below the pages. [`amend`] is the one place that sends an amendment to its kind's page.
//!
//! Adding an area: create `ui/<area>.rs` with `pub fn routes() -> Router<AppState>`, merge it
//! below, add its templates under `templates/<area>/`, a nav row in [`layout`] if it has a top
//! level page, and rows to the route table in `tests/web/routes.rs`. Every handler starts with
//! `user.require(ROLES)?` (see [`crate::auth`]); a patient-level page loads
//! [`patient_context::PatientContext`]; a form page renders from a [`form::Shown`]; every POST
//! form includes `<input type="hidden" name="csrf" value="{{ layout.csrf }}">` (the session
//! middleware rejects any state-changing request without it).

pub mod actions;
pub mod admin;
pub mod amend;
pub mod api_tokens;
pub mod assessments;
pub mod audit_log;
pub mod break_glass;
pub mod coded_lists;
pub mod day_list;
pub mod directory;
pub mod directory_view;
pub mod due;
pub mod duplicates;
pub mod entries;
pub mod entry_form;
pub mod flash;
pub mod form;
pub mod forms;
pub mod guidance;
pub mod handouts;
pub mod home;
pub mod interpreter_booking;
pub mod kinds;
pub mod layout;
pub mod login;
pub mod outreach;
pub mod patient_context;
pub mod patient_form;
pub mod patient_page;
pub mod patients;
pub mod policy_admin;
pub mod practices_admin;
pub mod recalls;
pub mod record_health;
pub mod referral_letter;
pub mod referrals;
pub mod registration;
pub mod report_chart;
pub mod report_practices;
pub mod reports;
pub mod safety_text;
pub mod step;
pub mod summary;
pub mod trends;
pub mod worklist;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use haven_core::EntryId;

use crate::AppState;
use crate::error::AppError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(login::routes())
        .merge(home::routes())
        .merge(patients::routes())
        .merge(registration::routes())
        .merge(patient_page::routes())
        .merge(entries::routes())
        .merge(admin::routes())
        .merge(api_tokens::routes())
        .merge(audit_log::routes())
        .merge(break_glass::routes())
        .merge(duplicates::routes())
        .merge(entry_form::routes())
        .merge(amend::routes())
        .merge(assessments::routes())
        .merge(handouts::routes())
        .merge(trends::routes())
        .merge(worklist::routes())
        .merge(reports::routes())
        .merge(report_practices::routes())
        .merge(guidance::routes())
        .merge(policy_admin::routes())
        .merge(practices_admin::routes())
        .merge(record_health::routes())
        .merge(interpreter_booking::routes())
        .merge(outreach::routes())
        .merge(day_list::routes())
        .merge(recalls::routes())
        .merge(coded_lists::routes())
        .merge(directory::routes())
        .merge(referrals::routes())
}

/// Renders a page with status 200.
pub fn page(template: &impl Template) -> Result<Response, AppError> {
    page_status(StatusCode::OK, template)
}

/// Renders a page with a chosen status (422 for a form shown again with errors).
pub fn page_status(status: StatusCode, template: &impl Template) -> Result<Response, AppError> {
    Ok((status, Html(template.render()?)).into_response())
}

/// 303 See Other: where a successful POST sends the browser (so reload does not resubmit).
pub fn see_other(location: &str) -> Response {
    Redirect::to(location).into_response()
}

/// A new entry id: a UUIDv7, so ids sort by creation time and are valid FHIR ids.
pub fn new_entry_id() -> EntryId {
    EntryId::new(uuid::Uuid::now_v7().to_string())
}

/// Percent-encodes a path segment (ids are generated, but usernames and imported ids may
/// contain anything).
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-encodes a query-string value.
pub fn encode_query(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The link to a patient's page.
pub fn patient_href(id: &str) -> String {
    format!("/patients/{}", encode_segment(id))
}

/// The link to an entry's history.
pub fn entry_href(patient: &str, entry: &str) -> String {
    format!(
        "{}/entries/{}",
        patient_href(patient),
        encode_segment(entry)
    )
}

/// The form that amends an entry (one URL for every kind; `ui::amend` dispatches it).
pub fn amend_href(patient: &str, entry: &str) -> String {
    format!("{}/amend", entry_href(patient, entry))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(patient_href("pat-17"), "/patients/pat-17");
        assert_eq!(encode_segment("a b/é"), "a%20b%2F%C3%A9");
    }
}
