//! Following up a missed contact (§1) as one step (`/patients/{id}/outreach`): how the practice
//! reached out, what came of it, and the new appointment if one was agreed, saved together
//! (`Store::add_entries`). Reaching the person, or booking again, resolves
//! `followup.dna-outreach`; an attempt that did not get through is kept and named on the recall
//! list until someone does. When the person needs an interpreter, saving a new appointment
//! goes straight on to booking one for it.
//!
//! Receptionists do this as much as clinicians: outreach and planned contacts are
//! administrative entries, and the page shows nothing clinical.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use haven_core::Date;
use haven_core::record::{
    ContactStatus, Entry, EntryBody, EntryKind, PlannedContact, validate_entry,
};
use serde::Deserialize;

use super::flash::{Flash, saved};
use super::form::FormErrors;
use super::forms::FormContext;
use super::forms::care::OUTREACH;
use super::forms::data::FormData;
use super::forms::fields::{Field, Input, add_validation, views};
use super::interpreter_booking::{booking_href, with_back};
use super::layout::Layout;
use super::patient_context::PatientContext;
use super::step::{StepPage, back_to};
use super::{new_entry_id, patient_href};
use crate::AppState;
use crate::auth::{CurrentUser, PATIENT_ROLES};
use crate::dates;
use crate::error::AppError;

pub fn routes() -> Router<AppState> {
    Router::new().route("/patients/{id}/outreach", get(form).post(save))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Back {
    back: String,
}

/// The new appointment's fields, below the outreach's own.
fn next_fields() -> Vec<Field> {
    vec![
        Field::new(
            "next_date",
            "Date of the new appointment",
            "Optional: leave empty if none was agreed yet",
            Input::Date,
        ),
        Field::new(
            "next_purpose",
            "Purpose",
            "Optional, for example “review with Dr Hughes”. Reception staff see it: no clinical details.",
            Input::Text,
        ),
    ]
}

fn check_role(user: &CurrentUser) -> Result<(), AppError> {
    user.require(PATIENT_ROLES)?;
    if user.may_record(EntryKind::Outreach) && user.may_record(EntryKind::PlannedContact) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The missed appointment this follows up, and the outreach since it.
fn facts(ctx: &PatientContext) -> Vec<(&'static str, String)> {
    let today = ctx.today;
    let mut contacts: Vec<&PlannedContact> = ctx
        .record
        .bodies(EntryBody::as_planned_contact)
        .filter(|c| c.status == ContactStatus::DidNotAttend && c.date <= today)
        .collect();
    contacts.sort_by_key(|c| c.date);
    let Some(missed) = contacts.last() else {
        return Vec::new();
    };
    let mut facts = vec![("Missed appointment", {
        let mut text = dates::long(missed.date);
        if !missed.purpose.is_empty() {
            text.push_str(&format!(" ({})", missed.purpose));
        }
        text
    })];
    let mut since: Vec<_> = ctx
        .record
        .bodies(EntryBody::as_outreach)
        .filter(|o| o.date >= missed.date)
        .collect();
    since.sort_by_key(|o| o.date);
    for o in since {
        facts.push((
            "Outreach since",
            format!(
                "{}: {} — {}",
                dates::long(o.date),
                o.method.label().to_lowercase(),
                o.outcome.label().to_lowercase()
            ),
        ));
    }
    facts
}

fn render(
    user: &CurrentUser,
    ctx: PatientContext,
    data: &FormData,
    errors: FormErrors,
    status: StatusCode,
    back: &str,
) -> Result<Response, AppError> {
    let id = ctx.banner.id.clone();
    let cancel_href = back_to(back, &patient_href(&id));
    let page = StepPage {
        layout: Layout::new(user, format!("Outreach – {}", ctx.banner.name), "/patients"),
        title: OUTREACH.title.to_owned(),
        intro: OUTREACH.intro,
        facts_heading: "What this follows up",
        facts: facts(&ctx),
        nothing_to_do: None,
        errors,
        action: format!("{}/outreach", patient_href(&id)),
        hidden: vec![("back", cancel_href.clone())],
        fields: views(&OUTREACH.fields(&ctx.policy), data),
        more_heading: "The next appointment",
        more_intro: "If a new appointment was agreed, book it here: it is saved with the outreach.",
        more_fields: views(&next_fields(), data),
        submit: "Save",
        cancel_href,
        banner: ctx.banner,
    };
    page.render(status)
}

async fn form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(back): Query<Back>,
) -> Result<Response, AppError> {
    check_role(&user)?;
    let ctx = PatientContext::load(&state, &user, &id).await?;
    let data = (OUTREACH.starts)(&FormContext {
        record: &ctx.record,
        today: ctx.today,
        policy: &ctx.policy,
    });
    render(
        &user,
        ctx,
        &data,
        FormErrors::default(),
        StatusCode::OK,
        &back.back,
    )
}

/// The new appointment, if a date was given: booked, today or later.
fn next_contact(data: &FormData, errors: &mut FormErrors, today: Date) -> Option<PlannedContact> {
    let date: Date = data.optional_date("next_date", errors, "The date of the new appointment")?;
    if date < today {
        errors.add(
            "next_date",
            "The new appointment must be today or later; record a past contact on its own form",
        );
        return None;
    }
    Some(PlannedContact {
        date,
        status: ContactStatus::Booked,
        interpreter_booked: false,
        purpose: data.text("next_purpose"),
        interpreter: None,
    })
}

async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    check_role(&user)?;
    let ctx = PatientContext::load(&state, &user, &id).await?;
    let data = FormData::parse(&body);
    let back = data.get("back").to_owned();
    let mut errors = FormErrors::default();
    data.refuse_control_characters(&mut errors);
    let outreach = OUTREACH.parse(&data, &mut errors);
    let next = next_contact(&data, &mut errors, ctx.today).map(EntryBody::PlannedContact);
    let patient = &ctx.record.patient;
    for body in outreach.iter().chain(&next) {
        if errors.is_empty()
            && let Err(e) = validate_entry(patient, body, ctx.today)
        {
            let fields = if body.kind() == EntryKind::Outreach {
                OUTREACH.fields(&ctx.policy)
            } else {
                next_fields()
            };
            add_validation(&mut errors, &fields, e.field, &e.message);
        }
    }
    let Some(outreach) = outreach.filter(|_| errors.is_empty()) else {
        return render(
            &user,
            ctx,
            &data,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
            &back,
        );
    };
    let entry = |body| {
        Entry::new(
            new_entry_id(),
            patient.id.clone(),
            body,
            user.user_id(),
            state.now(),
        )
    };
    let mut entries = vec![entry(outreach)];
    entries.extend(next.map(entry));
    user.store.add_entries(&user.actor(), &entries).await?;
    tracing::info!(patient = %id, booked = entries.len() > 1, "outreach recorded");
    let booked = entries.get(1);
    let flash = Flash::Outreach(booked.map(|e| e.body.date()));
    let back = back_to(&back, &patient_href(&id));
    // A new appointment for someone who needs an interpreter: book one now, in the same flow.
    let next_page = match booked {
        Some(e) if patient.interpreter_required == Some(true) => {
            with_back(&booking_href(&id, e.id.as_str()), &back)
        }
        _ => back,
    };
    Ok(saved(&state, &next_page, flash))
}
