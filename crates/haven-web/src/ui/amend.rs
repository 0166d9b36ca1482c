//! Amending an entry (`/patients/{id}/entries/{entry_id}/amend`): one URL for every kind,
//! checked here once — the entry is this patient's, and this user may see and record its kind
//! — and then handed, by the entry's kind (`ui::kinds::recording`), to the form that records
//! it: the generic entry form or the questionnaire's.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use haven_core::record::{Entry, EntryStatus};

use super::forms::data::FormData;
use super::kinds::{Recording, recording};
use super::{assessments, entry_form, entry_href, see_other};
use crate::AppState;
use crate::auth::{CurrentUser, PATIENT_ROLES};
use crate::error::AppError;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/patients/{id}/entries/{entry_id}/amend",
        get(amend_form).post(amend),
    )
}

/// The current version of an entry, after checking that it belongs to this patient (404
/// otherwise, so ids cannot be probed across patients) and that this user may change it.
async fn changeable_entry(user: &CurrentUser, id: &str, entry_id: &str) -> Result<Entry, AppError> {
    user.require(PATIENT_ROLES)?;
    let entry = user.store.entry(entry_id).await?;
    if entry.patient.as_str() != id {
        return Err(AppError::NotFound);
    }
    if !(user.may_see(entry.visibility()) && user.may_record(entry.body.kind())) {
        return Err(AppError::Forbidden);
    }
    Ok(entry)
}

async fn amend_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, entry_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let entry = changeable_entry(&user, &id, &entry_id).await?;
    if entry.status == EntryStatus::EnteredInError {
        return Ok(see_other(&entry_href(&id, &entry_id)));
    }
    match recording(entry.body.kind()) {
        Recording::Form(form) => entry_form::amend_page(&state, &user, &id, &entry, form).await,
        Recording::Questionnaire => assessments::amend_page(&state, &user, &id, &entry).await,
    }
}

async fn amend(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, entry_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let entry = changeable_entry(&user, &id, &entry_id).await?;
    if entry.status == EntryStatus::EnteredInError {
        return Ok(see_other(&entry_href(&id, &entry_id)));
    }
    let data = FormData::parse(&body);
    match recording(entry.body.kind()) {
        Recording::Form(form) => {
            entry_form::amend_save(&state, &user, &id, &entry, form, &data).await
        }
        Recording::Questionnaire => {
            assessments::amend_save(&state, &user, &id, &entry, &data).await
        }
    }
}
