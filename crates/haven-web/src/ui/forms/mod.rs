//! Entry forms: recording (`/patients/{id}/entries/new/{kind}`) and amending
//! (`/patients/{id}/entries/{entry_id}/amend`) every kind of clinical entry.
//!
//! Each kind is a row of [`KINDS`]: its fields, a parser into the entry body, the reverse (to
//! pre-fill an amendment) and the values a new form starts with. One template draws every
//! form; questionnaires have their own item-by-item form in `ui::assessments`.
//!
//! Every handler: role check → `PatientContext::load` (record, banner) → parse the form into
//! the body collecting `FormErrors` → `validate_entry` → `store.add_entry` /
//! `Entry::amend` + `store.change_entry` (both audited by the store) → 303 redirect. A form
//! with errors is shown again, as typed, with status 422, and nothing is written.
//!
//! Who may record what: clinicians and administrators every kind; receptionists planned
//! contacts only (with their interpreter booking), since every other kind is clinical.

pub mod care;
pub mod data;
pub mod fields;
pub mod history;
pub mod kinds;
pub mod questionnaire;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

use haven_core::Date;
use haven_core::record::{Entry, EntryBody, EntryStatus, PatientRecord, validate_entry};
use haven_store::StoreError;

use self::data::FormData;
use self::fields::{FieldView, add_validation, views};
pub use self::kinds::{KINDS, KindSpec, may_record, new_href, record_links, spec};
use super::form::FormErrors;
use super::layout::Layout;
use super::patient_page::{Banner, PatientContext};
use super::{
    assessments, encode_segment, new_entry_id, page_status, patient_href, risk, see_other,
};
use crate::AppState;
use crate::auth::{CurrentUser, PATIENT_ROLES};
use crate::error::AppError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/patients/{id}/entries/new/{kind}",
            get(new_form).post(create),
        )
        .route(
            "/patients/{id}/entries/{entry_id}/amend",
            get(amend_form).post(amend),
        )
}

/// The amend form for this entry (every kind has one).
pub fn amend_href(entry: &Entry) -> Option<String> {
    Some(format!(
        "{}/entries/{}/amend",
        patient_href(entry.patient.as_str()),
        encode_segment(entry.id.as_str())
    ))
}

/// The print view of this entry, for kinds that have one (the safety plan, given to the person).
pub fn print_href(entry: &Entry) -> Option<String> {
    matches!(entry.body, EntryBody::SafetyPlan(_)).then(|| {
        format!(
            "{}/print",
            entry_href(entry.patient.as_str(), entry.id.as_str())
        )
    })
}

fn entry_href(patient: &str, entry: &str) -> String {
    format!(
        "{}/entries/{}",
        patient_href(patient),
        encode_segment(entry)
    )
}

#[derive(Template)]
#[template(path = "forms/entry.html")]
struct EntryFormPage {
    layout: Layout,
    banner: Banner,
    title: String,
    intro: &'static str,
    /// Facts shown above the form (recent life events for a risk review).
    context_heading: &'static str,
    context: Vec<String>,
    fields: Vec<FieldView>,
    errors: FormErrors,
    action: String,
    cancel_href: String,
    /// `Some(version)` when amending: the reason field is shown and the version sent back.
    amending: Option<u32>,
    reason: String,
}

struct Shown<'a> {
    spec: &'static KindSpec,
    data: &'a FormData,
    errors: FormErrors,
    amending: Option<(u32, &'a str)>,
}

fn render(
    user: &CurrentUser,
    ctx: PatientContext,
    status: StatusCode,
    shown: Shown<'_>,
) -> Result<Response, AppError> {
    let spec = shown.spec;
    let id = ctx.banner.id.clone();
    let (title, action, cancel_href) = match shown.amending {
        None => (
            spec.title.to_owned(),
            format!("{}/entries/new/{}", patient_href(&id), spec.id),
            patient_href(&id),
        ),
        Some((_, entry_id)) => {
            let action = format!("{}/amend", entry_href(&id, entry_id));
            (
                format!("Amend: {}", spec.link.to_lowercase()),
                action,
                entry_href(&id, entry_id),
            )
        }
    };
    let (context_heading, context) = if spec.id == "risk-review" {
        (
            "Negative life events in the last 90 days",
            risk::recent_stressors(&ctx.record, ctx.today),
        )
    } else {
        ("", Vec::new())
    };
    let page = EntryFormPage {
        layout: Layout::new(user, format!("{title} – {}", ctx.banner.name), "/patients"),
        title,
        intro: spec.intro,
        context_heading,
        context,
        fields: views(&(spec.fields)(), shown.data),
        errors: shown.errors,
        action,
        cancel_href,
        amending: shown.amending.map(|(v, _)| v),
        reason: shown.data.get("reason").to_owned(),
        banner: ctx.banner,
    };
    page_status(status, &page)
}

fn allowed_spec(user: &CurrentUser, kind: &str) -> Result<&'static KindSpec, AppError> {
    user.require(PATIENT_ROLES)?;
    let spec = spec(kind).ok_or(AppError::NotFound)?;
    if !may_record(user, kind) {
        return Err(AppError::Forbidden);
    }
    Ok(spec)
}

async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, kind)): Path<(String, String)>,
) -> Result<Response, AppError> {
    if kind == "questionnaire" {
        user.require(crate::auth::CLINICAL_ROLES)?;
        return Ok(see_other(&new_href(&id, &kind)));
    }
    let spec = allowed_spec(&user, &kind)?;
    let ctx = PatientContext::load(&state, &user, &id).await?;
    let data = (spec.defaults)(&ctx.record, state.today());
    render(
        &user,
        ctx,
        StatusCode::OK,
        Shown {
            spec,
            data: &data,
            errors: FormErrors::default(),
            amending: None,
        },
    )
}

/// Parses and validates a submitted form; `None` (with errors) when it cannot be saved.
fn parse_checked(
    spec: &KindSpec,
    record: &PatientRecord,
    today: Date,
    data: &FormData,
    errors: &mut FormErrors,
) -> Option<EntryBody> {
    let body = (spec.parse)(data, errors);
    if let (Some(b), true) = (&body, errors.is_empty())
        && let Err(e) = validate_entry(&record.patient, b, today)
    {
        add_validation(errors, &(spec.fields)(), e.field, &e.message);
    }
    if errors.is_empty() { body } else { None }
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, kind)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let spec = allowed_spec(&user, &kind)?;
    let ctx = PatientContext::load(&state, &user, &id).await?;
    let data = FormData::parse(&body);
    let mut errors = FormErrors::default();
    let Some(entry_body) = parse_checked(spec, &ctx.record, ctx.today, &data, &mut errors) else {
        return render(
            &user,
            ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            Shown {
                spec,
                data: &data,
                errors,
                amending: None,
            },
        );
    };
    let entry = Entry::new(
        new_entry_id(),
        ctx.record.patient.id.clone(),
        entry_body,
        user.user_id(),
        state.now(),
    );
    state.store.add_entry(&user.actor(), &entry).await?;
    tracing::info!(patient = %id, kind = spec.id, "entry recorded");
    Ok(see_other(&patient_href(&id)))
}

/// The current version of an entry, after checking that it belongs to this patient (404
/// otherwise, so ids cannot be probed across patients) and that this user may change it.
async fn changeable_entry(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    entry_id: &str,
) -> Result<Entry, AppError> {
    user.require(PATIENT_ROLES)?;
    let entry = state.store.entry(entry_id).await?;
    if entry.patient.as_str() != id {
        return Err(AppError::NotFound);
    }
    let kind = entry.body.kind_id();
    let allowed = user.may_see(entry.visibility())
        && if kind == "questionnaire" {
            user.is_clinical()
        } else {
            may_record(user, kind)
        };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    Ok(entry)
}

async fn amend_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, entry_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let entry = changeable_entry(&state, &user, &id, &entry_id).await?;
    if entry.status == EntryStatus::EnteredInError {
        return Ok(see_other(&entry_href(&id, &entry_id)));
    }
    if let EntryBody::Questionnaire(_) = entry.body {
        return assessments::amend_page(&state, &user, &id, &entry).await;
    }
    let spec = spec(entry.body.kind_id()).ok_or(AppError::NotFound)?;
    let ctx = PatientContext::load(&state, &user, &id).await?;
    let data = (spec.values)(&entry.body);
    render(
        &user,
        ctx,
        StatusCode::OK,
        Shown {
            spec,
            data: &data,
            errors: FormErrors::default(),
            amending: Some((entry.version, &entry_id)),
        },
    )
}

const CHANGED: &str = "This entry changed after you opened it. Check its history (linked below), then save again if your amendment still applies.";

async fn amend(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, entry_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let entry = changeable_entry(&state, &user, &id, &entry_id).await?;
    if entry.status == EntryStatus::EnteredInError {
        return Ok(see_other(&entry_href(&id, &entry_id)));
    }
    let data = FormData::parse(&body);
    if let EntryBody::Questionnaire(_) = entry.body {
        return assessments::amend_save(&state, &user, &id, &entry, &data).await;
    }
    let spec = spec(entry.body.kind_id()).ok_or(AppError::NotFound)?;
    let ctx = PatientContext::load(&state, &user, &id).await?;
    let mut errors = FormErrors::default();
    let parsed = parse_checked(spec, &ctx.record, ctx.today, &data, &mut errors);
    let reason = errors.required(
        data.get("reason"),
        "reason",
        "Say why the entry is being amended, for example “wrong date recorded”",
    );
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if errors.is_empty() && data.get("version").trim().parse::<u32>().ok() != Some(entry.version) {
        errors.add("reason", CHANGED);
        status = StatusCode::CONFLICT;
    }
    let next = match (parsed, errors.is_empty()) {
        (Some(b), true) => match entry.amend(b, user.user_id(), state.now(), &reason) {
            Ok(next) => Some(next),
            Err(e) => {
                errors.add("reason", fields::sentence(&e.to_string()));
                None
            }
        },
        _ => None,
    };
    if let Some(next) = next {
        match state.store.change_entry(&user.actor(), &next).await {
            Ok(()) => return Ok(see_other(&entry_href(&id, &entry_id))),
            Err(StoreError::VersionConflict { .. }) => {
                errors.add("reason", CHANGED);
                status = StatusCode::CONFLICT;
            }
            Err(e) => return Err(e.into()),
        }
    }
    // Shown again with the version now current, so a deliberate second save goes through.
    let current = state.store.entry(&entry_id).await?.version;
    render(
        &user,
        ctx,
        status,
        Shown {
            spec,
            data: &data,
            errors,
            amending: Some((current, &entry_id)),
        },
    )
}
