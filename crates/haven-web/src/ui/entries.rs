//! One entry's history (`/patients/{id}/entries/{entry_id}`): every version with who changed
//! it, when and why — and marking an entry entered-in-error, which keeps it (struck through)
//! and removes it from the rules. Entries are never deleted.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use haven_core::record::{Entry, EntryStatus};
use haven_store::StoreError;
use serde::Deserialize;

use super::flash::{Flash, saved};
use super::form::{FormErrors, Shown};
use super::kinds::{follow_href, print_href};
use super::layout::Layout;
use super::patient_context::{Banner, PatientContext, record_access};
use super::summary::entry_details;
use super::{amend_href, entry_href, page_status};
use crate::AppState;
use crate::auth::{CurrentUser, PATIENT_ROLES};
use crate::error::AppError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/patients/{id}/entries/{entry_id}", get(history))
        .route(
            "/patients/{id}/entries/{entry_id}/error",
            post(mark_in_error),
        )
}

pub struct VersionView {
    pub version: u32,
    pub in_error: bool,
    pub at: String,
    pub by: String,
    pub reason: String,
    pub details: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "patients/entry.html")]
struct HistoryPage {
    layout: Layout,
    banner: Banner,
    kind: &'static str,
    /// Newest first.
    versions: Vec<VersionView>,
    /// Whether the current version may still be changed (not already entered-in-error).
    can_change: bool,
    amend_href: Option<String>,
    /// The print view, for kinds that have one (safety plans).
    print_href: Option<String>,
    /// The page that follows the entry on, for kinds that have one (a referral's status and
    /// letter).
    follow_href: Option<String>,
    error_action: String,
    current_version: u32,
    reason: String,
    errors: FormErrors,
}

/// The entry's versions, after checking it belongs to this patient and that the user may see
/// it. A receptionist asking for a clinical entry is refused, not shown an empty page.
async fn load_versions(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    entry_id: &str,
) -> Result<Vec<Entry>, AppError> {
    user.require(PATIENT_ROLES)?;
    let versions = user.store.entry_history(entry_id).await?;
    let current = versions.last().ok_or(AppError::NotFound)?;
    if current.patient.as_str() != id {
        return Err(AppError::NotFound);
    }
    let (visibility, _) = record_access(state, user, id).await?;
    if current.visibility() > visibility {
        return Err(AppError::Forbidden);
    }
    Ok(versions)
}

/// The history page, with the entered-in-error form holding `shown` (its reason).
async fn render(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    versions: Vec<Entry>,
    shown: Shown<String>,
) -> Result<Response, AppError> {
    let ctx = PatientContext::load(state, user, id).await?;
    let current = versions.last().ok_or(AppError::NotFound)?;
    let kind = current.body.kind().label();
    let active = current.status == EntryStatus::Active;
    // Only a role that may record the kind may amend it or mark it in error: a receptionist
    // sees the flags but may not withdraw the sensitive-history one.
    let can_change = active && user.may_record(current.body.kind());
    let amend_href = can_change.then(|| amend_href(id, current.id.as_str()));
    let print_href = if active { print_href(current) } else { None };
    let follow_href = if can_change && user.is_clinical() {
        follow_href(current)
    } else {
        None
    };
    let error_action = format!("{}/error", entry_href(id, current.id.as_str()));
    let current_version = current.version;
    let versions = versions
        .iter()
        .rev()
        .map(|v| VersionView {
            version: v.version,
            in_error: v.status == EntryStatus::EnteredInError,
            at: crate::dates::moment(v.change.at),
            by: ctx
                .names
                .get(v.change.by.as_str())
                .cloned()
                .unwrap_or_else(|| v.change.by.to_string()),
            reason: v.change.reason.clone(),
            details: entry_details(v),
        })
        .collect();
    let page = HistoryPage {
        layout: Layout::new(user, format!("{kind} – history"), "/patients"),
        banner: ctx.banner,
        kind,
        versions,
        can_change,
        amend_href,
        print_href,
        follow_href,
        error_action,
        current_version,
        reason: shown.form,
        errors: shown.errors,
    };
    page_status(shown.status, &page)
}

async fn history(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, entry_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let versions = load_versions(&state, &user, &id, &entry_id).await?;
    user.store
        .audit_read(&user.actor(), "entry.view", Some(&id), &entry_id)
        .await?;
    render(&state, &user, &id, versions, Shown::new(String::new())).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ErrorForm {
    reason: String,
    version: String,
}

async fn mark_in_error(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, entry_id)): Path<(String, String)>,
    Form(form): Form<ErrorForm>,
) -> Result<Response, AppError> {
    let versions = load_versions(&state, &user, &id, &entry_id).await?;
    let current = versions.last().ok_or(AppError::NotFound)?;
    if !user.may_record(current.body.kind()) {
        return Err(AppError::Forbidden);
    }
    let mut errors = FormErrors::default();
    let reason = errors.required(
        &form.reason,
        "reason",
        "Say why this entry is wrong, for example “recorded for the wrong patient”",
    );
    let seen: Option<u32> = form.version.trim().parse().ok();
    if errors.is_empty() && seen != Some(current.version) {
        errors.add("reason", "This entry changed after you opened it. Check the latest version below, then mark it again if it is still wrong.");
    }
    if !errors.is_empty() {
        let status = if errors
            .get("reason")
            .is_some_and(|m| m.starts_with("This entry changed"))
        {
            StatusCode::CONFLICT
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let shown = Shown::with_status(status, form.reason, errors);
        return render(&state, &user, &id, versions, shown).await;
    }
    let next = match current.mark_entered_in_error(user.user_id(), state.now(), &reason) {
        Ok(next) => next,
        Err(e) => {
            errors.add("reason", e.to_string());
            let shown = Shown::with_status(StatusCode::CONFLICT, form.reason, errors);
            return render(&state, &user, &id, versions, shown).await;
        }
    };
    match user.store.change_entry(&user.actor(), &next).await {
        Ok(()) => Ok(saved(
            &state,
            &entry_href(&id, &entry_id),
            Flash::EnteredInError(next.body.kind()),
        )),
        Err(StoreError::VersionConflict { .. }) => {
            errors.add("reason", "This entry changed after you opened it. Check the latest version below, then mark it again if it is still wrong.");
            let versions = load_versions(&state, &user, &id, &entry_id).await?;
            let shown = Shown::with_status(StatusCode::CONFLICT, form.reason, errors);
            render(&state, &user, &id, versions, shown).await
        }
        Err(e) => Err(e.into()),
    }
}
