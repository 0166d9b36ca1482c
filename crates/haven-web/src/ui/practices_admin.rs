//! The practices of the deployment (`/admin/practices`, administrators only): each practice's
//! ODS code, name and counts of patients and user accounts; add a practice; rename one. The
//! codes are checked and refused exactly as `haven org add|rename` does (the store's
//! `OdsCode` and its messages); every change is audited by the store.
//!
//! **Who sees what** (ARCHITECTURE.md, *Several practices*): an administrator belongs to one
//! practice and, by default, sees and renames that practice only — another practice is not
//! listed, and renaming it is 404, as for a practice that does not exist. Only an administrator
//! the deployment has granted every practice (`haven org grant`, migration 0019) sees all of
//! them, adds practices and renames any. No page grants that: the command line does.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use haven_store::{OdsCode, OrgId, PracticeSummary, Store, StoreError};
use serde::Deserialize;

use super::form::{FormErrors, capitalise};
use super::layout::Layout;
use super::{page_status, see_other};
use crate::AppState;
use crate::auth::{ADMIN_ROLES, CurrentUser};
use crate::error::AppError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/practices", get(list).post(add))
        .route("/admin/practices/{id}", post(rename))
}

/// The store an administrator manages practices through: the whole deployment's when the
/// deployment granted them every practice, else their own practice's (which lists, counts and
/// renames that practice only).
async fn managed(state: &AppState, user: &CurrentUser) -> Result<(Store, bool), AppError> {
    user.require(ADMIN_ROLES)?;
    if state.store.spans_practices(&user.username).await? {
        Ok((state.store.clone(), true))
    } else {
        Ok((user.store.clone(), false))
    }
}

pub struct PracticeRow {
    pub id: i64,
    pub ods_code: String,
    pub name: String,
    pub patients: i64,
    pub users: i64,
    pub own: bool,
    pub action: String,
    /// The ids of this row's inputs (also the keys of their messages).
    pub ods_field: String,
    pub name_field: String,
    /// What the row's inputs hold: as typed when its rename was refused, else as stored.
    pub ods_value: String,
    pub name_value: String,
}

#[derive(Template)]
#[template(path = "admin/practices.html")]
struct PracticesPage {
    layout: Layout,
    practices: Vec<PracticeRow>,
    all: bool,
    form: PracticeForm,
    errors: FormErrors,
    notice: &'static str,
}

#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
struct PracticeForm {
    ods: String,
    name: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Done {
    done: String,
}

fn notice(done: &str) -> &'static str {
    match done {
        "added" => "The practice was added.",
        "renamed" => "The practice's code and name were saved.",
        _ => "",
    }
}

/// What was refused of a form, as the page shows it: the add form's, or one row's rename.
enum Refused {
    Nothing,
    Add(PracticeForm),
    Rename(OrgId, PracticeForm),
}

fn ods_field(id: OrgId) -> String {
    format!("ods-{id}")
}

fn name_field(id: OrgId) -> String {
    format!("name-{id}")
}

async fn render(
    user: &CurrentUser,
    store: &Store,
    all: bool,
    refused: Refused,
    errors: FormErrors,
    notice: &'static str,
) -> Result<Response, AppError> {
    // A refused form comes back as 422, with what was typed and the messages beside it.
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let own = user.store.scope();
    let rows = store
        .practice_summaries()
        .await?
        .into_iter()
        .map(|s: PracticeSummary| {
            let p = s.practice;
            let ods_code = p
                .ods_code
                .as_ref()
                .map(|c| c.to_string())
                .unwrap_or_default();
            let (ods_value, name_value) = match &refused {
                Refused::Rename(id, form) if *id == p.id => (form.ods.clone(), form.name.clone()),
                _ => (ods_code.clone(), p.name.clone()),
            };
            PracticeRow {
                id: p.id.0,
                own: Some(p.id) == own,
                action: format!("/admin/practices/{}", p.id),
                ods_field: ods_field(p.id),
                name_field: name_field(p.id),
                ods_code,
                name: p.name,
                patients: s.patients,
                users: s.users,
                ods_value,
                name_value,
            }
        })
        .collect();
    let form = match refused {
        Refused::Add(form) => form,
        _ => PracticeForm::default(),
    };
    let page = PracticesPage {
        layout: Layout::new(user, "Practices", "/admin/practices"),
        practices: rows,
        all,
        form,
        errors,
        notice,
    };
    page_status(status, &page)
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let (store, all) = managed(&state, &user).await?;
    render(
        &user,
        &store,
        all,
        Refused::Nothing,
        FormErrors::default(),
        notice(&done.done),
    )
    .await
}

/// The code and name typed, checked as the command line checks them; messages under the
/// given field ids.
fn checked(form: &PracticeForm, ods: &str, name: &str, errors: &mut FormErrors) -> Option<OdsCode> {
    let code = match OdsCode::parse(&form.ods) {
        Ok(code) => Some(code),
        Err(e) => {
            errors.add(ods, capitalise(&e.to_string()));
            None
        }
    };
    if form.name.trim().is_empty() {
        errors.add(name, capitalise(&StoreError::PracticeName.to_string()));
    }
    code.filter(|_| errors.is_empty())
}

/// A store refusal that belongs beside a field: the code taken, or no name.
fn field_error(e: &StoreError, ods: &str, name: &str, errors: &mut FormErrors) -> bool {
    match e {
        StoreError::PracticeCodeTaken(_) => errors.add(ods, capitalise(&e.to_string())),
        StoreError::PracticeName => errors.add(name, capitalise(&e.to_string())),
        _ => return false,
    }
    true
}

async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<PracticeForm>,
) -> Result<Response, AppError> {
    let (store, all) = managed(&state, &user).await?;
    if !all {
        // Adding a practice widens the deployment: the grant decides, never a practice's admin.
        return Err(AppError::Forbidden);
    }
    let mut errors = FormErrors::default();
    let Some(code) = checked(&form, "ods", "name", &mut errors) else {
        return render(&user, &store, all, Refused::Add(form), errors, "").await;
    };
    match store.add_practice(&user.actor(), &code, &form.name).await {
        Ok(_) => Ok(see_other("/admin/practices?done=added")),
        Err(e) if field_error(&e, "ods", "name", &mut errors) => {
            render(&user, &store, all, Refused::Add(form), errors, "").await
        }
        Err(e) => Err(e.into()),
    }
}

async fn rename(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<PracticeForm>,
) -> Result<Response, AppError> {
    let (store, all) = managed(&state, &user).await?;
    let org = OrgId(id);
    // Another practice is not found, as one that does not exist: its number tells nothing.
    if !store
        .practices_in_scope()
        .await?
        .iter()
        .any(|p| p.id == org)
    {
        return Err(AppError::NotFound);
    }
    let (ods, name) = (ods_field(org), name_field(org));
    let mut errors = FormErrors::default();
    let Some(code) = checked(&form, &ods, &name, &mut errors) else {
        return render(&user, &store, all, Refused::Rename(org, form), errors, "").await;
    };
    match store
        .rename_practice(&user.actor(), org, &code, &form.name)
        .await
    {
        Ok(_) => Ok(see_other("/admin/practices?done=renamed")),
        Err(StoreError::PracticeNotFound(_)) => Err(AppError::NotFound),
        Err(e) if field_error(&e, &ods, &name, &mut errors) => {
            render(&user, &store, all, Refused::Rename(org, form), errors, "").await
        }
        Err(e) => Err(e.into()),
    }
}
