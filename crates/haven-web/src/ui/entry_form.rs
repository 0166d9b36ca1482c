//! The generic entry form: recording (`/patients/{id}/entries/new/{kind}`) and amending every
//! kind of entry that has an [`EntryForm`] (`ui::kinds`); questionnaires have their own
//! item-by-item form in `ui::assessments`, and `ui::amend` sends each amendment to its form.
//!
//! Every handler: role check → `PatientContext::load` (record, banner) → parse the form into
//! the body collecting `FormErrors` → `validate_entry` → `store.add_entry` /
//! `Entry::amend` + `store.change_entry` (both audited by the store) → 303 redirect. A form
//! with errors is shown again, as typed, with status 422, and nothing is written.
//!
//! Who may record what is the kind's (`EntryKind::recorded_by`): clinicians and administrators
//! every kind; receptionists planned contacts only (with their interpreter booking).

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use haven_core::record::{Entry, EntryBody, EntryKind, validate_change, validate_entry};
use haven_store::StoreError;

use super::flash::{Flash, saved};
use super::form::{FormErrors, Shown};
use super::forms::data::FormData;
use super::forms::fields::{FieldView, add_validation, sentence, views};
use super::forms::{EntryForm, FormContext};
use super::kinds::{self, Recording};
use super::layout::Layout;
use super::patient_context::{Banner, PatientContext};
use super::{amend_href, entry_href, new_entry_id, page_status, patient_href, see_other};
use crate::AppState;
use crate::auth::{CurrentUser, PATIENT_ROLES};
use crate::error::AppError;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/patients/{id}/entries/new/{kind}",
        get(new_form).post(create),
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
    context_heading: String,
    context: Vec<String>,
    fields: Vec<FieldView>,
    errors: FormErrors,
    action: String,
    cancel_href: String,
    /// `Some(version)` when amending: the reason field is shown and the version sent back.
    amending: Option<u32>,
    reason: String,
}

/// Which form is drawn: the kind, its description, and the entry being amended if any.
struct Target<'a> {
    kind: EntryKind,
    form: &'static EntryForm,
    /// `Some((version, entry id))` when amending.
    amending: Option<(u32, &'a str)>,
}

fn render(
    user: &CurrentUser,
    ctx: PatientContext,
    target: Target<'_>,
    shown: Shown<&FormData>,
) -> Result<Response, AppError> {
    let Target {
        kind,
        form,
        amending,
    } = target;
    let id = ctx.banner.id.clone();
    let (title, action, cancel_href) = match amending {
        None => (
            form.title.to_owned(),
            kinds::form_href(&id, kind),
            patient_href(&id),
        ),
        Some((_, entry_id)) => (
            format!("Amend: {}", kinds::link(kind).to_lowercase()),
            amend_href(&id, entry_id),
            entry_href(&id, entry_id),
        ),
    };
    let facts = form.facts.map(|facts| {
        facts(&FormContext {
            record: &ctx.record,
            today: ctx.today,
            policy: &ctx.policy,
        })
    });
    let (context_heading, context) = facts.map_or_else(Default::default, |f| (f.heading, f.items));
    let page = EntryFormPage {
        layout: Layout::new(user, format!("{title} – {}", ctx.banner.name), "/patients"),
        title,
        intro: form.intro,
        context_heading,
        context,
        fields: views(&form.fields(&ctx.policy), shown.form),
        errors: shown.errors,
        action,
        cancel_href,
        amending: amending.map(|(v, _)| v),
        reason: shown.form.get("reason").to_owned(),
        banner: ctx.banner,
    };
    page_status(shown.status, &page)
}

async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, kind)): Path<(String, String)>,
) -> Result<Response, AppError> {
    user.require(PATIENT_ROLES)?;
    let kind = EntryKind::parse(&kind).ok_or(AppError::NotFound)?;
    if !user.may_record(kind) {
        return Err(AppError::Forbidden);
    }
    let form = match kinds::recording(kind) {
        // Outreach is a workflow of its own (with the new appointment): go there.
        Recording::Form(_) if kind == EntryKind::Outreach => {
            return Ok(see_other(&kinds::new_href(&id, kind)));
        }
        Recording::Form(form) => form,
        Recording::Questionnaire => return Ok(see_other(&kinds::new_href(&id, kind))),
    };
    new_page(&state, &user, &id, kind, form, |_| {}).await
}

/// The new-entry form of `kind`, its starting values changed by `fill` (a referral made from a
/// directory entry starts with the organisation).
pub async fn new_page(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    kind: EntryKind,
    form: &'static EntryForm,
    fill: impl FnOnce(&mut FormData),
) -> Result<Response, AppError> {
    let ctx = PatientContext::load(state, user, id).await?;
    let mut data = (form.starts)(&FormContext {
        record: &ctx.record,
        today: state.today(),
        policy: &ctx.policy,
    });
    fill(&mut data);
    let target = Target {
        kind,
        form,
        amending: None,
    };
    render(user, ctx, target, Shown::new(&data))
}

/// Parses and validates a submitted form — a new entry, or an amendment of `previous`, which
/// keeps what the form does not show; `None` (with errors) when it cannot be saved.
fn parse_checked(
    form: &EntryForm,
    ctx: &PatientContext,
    data: &FormData,
    previous: Option<&EntryBody>,
    errors: &mut FormErrors,
) -> Option<EntryBody> {
    data.refuse_control_characters(errors);
    let mut body = form.parse(data, errors);
    if let (Some(b), Some(before), Some(keep)) = (&mut body, previous, form.keeps) {
        keep(before, b);
    }
    if let (Some(b), true) = (&body, errors.is_empty())
        && let Err(e) = validate_entry(&ctx.record.patient, b, ctx.today)
            .and_then(|()| validate_change(previous, b))
    {
        add_validation(errors, &form.fields(&ctx.policy), e.field, &e.message);
    }
    if errors.is_empty() { body } else { None }
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, kind)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    user.require(PATIENT_ROLES)?;
    let kind = EntryKind::parse(&kind).ok_or(AppError::NotFound)?;
    // Questionnaires are posted to their own pages.
    let Recording::Form(form) = kinds::recording(kind) else {
        return Err(AppError::NotFound);
    };
    if !user.may_record(kind) {
        return Err(AppError::Forbidden);
    }
    let ctx = PatientContext::load(&state, &user, &id).await?;
    let data = FormData::parse(&body);
    let mut errors = FormErrors::default();
    let Some(entry_body) = parse_checked(form, &ctx, &data, None, &mut errors) else {
        let target = Target {
            kind,
            form,
            amending: None,
        };
        return render(&user, ctx, target, Shown::invalid(&data, errors));
    };
    let entry = Entry::new(
        new_entry_id(),
        ctx.record.patient.id.clone(),
        entry_body,
        user.user_id(),
        state.now(),
    );
    user.store.add_entry(&user.actor(), &entry).await?;
    tracing::info!(patient = %id, kind = kind.id(), "entry recorded");
    // A referral goes on to its own page, where its letter is printed and its answer recorded.
    if let Some(href) = kinds::follow_href(&entry) {
        return Ok(see_other(&format!("{href}?saved=referral")));
    }
    Ok(saved(&state, &patient_href(&id), Flash::Recorded(kind)))
}

/// The amend form of an entry recorded on this form (`ui::amend` has checked who may).
pub async fn amend_page(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    entry: &Entry,
    form: &'static EntryForm,
) -> Result<Response, AppError> {
    let ctx = PatientContext::load(state, user, id).await?;
    let data = form.values(&entry.body);
    let target = Target {
        kind: entry.body.kind(),
        form,
        amending: Some((entry.version, entry.id.as_str())),
    };
    render(user, ctx, target, Shown::new(&data))
}

const CHANGED: &str = "This entry changed after you opened it. Check its history (linked below), then save again if your amendment still applies.";

/// Saves an amendment, or shows the form again with what is wrong.
pub async fn amend_save(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    entry: &Entry,
    form: &'static EntryForm,
    data: &FormData,
) -> Result<Response, AppError> {
    let entry_id = entry.id.as_str();
    let ctx = PatientContext::load(state, user, id).await?;
    let mut errors = FormErrors::default();
    let parsed = parse_checked(form, &ctx, data, Some(&entry.body), &mut errors);
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
                errors.add("reason", sentence(&e.to_string()));
                None
            }
        },
        _ => None,
    };
    if let Some(next) = next {
        match user.store.change_entry(&user.actor(), &next).await {
            Ok(()) => {
                return Ok(saved(
                    state,
                    &entry_href(id, entry_id),
                    Flash::Amended(next.body.kind()),
                ));
            }
            Err(StoreError::VersionConflict { .. }) => {
                errors.add("reason", CHANGED);
                status = StatusCode::CONFLICT;
            }
            Err(e) => return Err(e.into()),
        }
    }
    // Shown again with the version now current, so a deliberate second save goes through.
    let current = user.store.entry(entry_id).await?.version;
    let target = Target {
        kind: entry.body.kind(),
        form,
        amending: Some((current, entry_id)),
    };
    render(user, ctx, target, Shown::with_status(status, data, errors))
}
