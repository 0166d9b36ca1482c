//! Booking an interpreter for a planned contact in one step (§2): how the interpreter takes
//! part, language, dialect, gender, with whom, reference. Saving amends the planned contact
//! (the earlier version stays in its history) with a reason written for the user, and marks it
//! interpreter booked, which resolves `interpreter.book`.
//!
//! `/patients/{id}/interpreter` is where that action's link goes: it offers the appointment the
//! action names (`haven_core::rules::contacts_needing_interpreter`, the rule's own list), so
//! the link books that appointment and never creates another. Each planned contact also has
//! its own `/patients/{id}/entries/{entry}/interpreter`, linked from the patient page and the
//! day list. Receptionists may use both: planned contacts are theirs to record.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use haven_core::record::{ContactStatus, Entry, EntryKind, EntryStatus, PlannedContact};
use haven_core::rules::contacts_needing_interpreter;
use haven_store::StoreError;
use serde::Deserialize;

use super::flash::{Flash, saved};
use super::form::FormErrors;
use super::forms::FormContext;
use super::forms::bind::parse_onto;
use super::forms::care::{INTERPRETER_BOOKING, booking_start};
use super::forms::data::FormData;
use super::forms::fields::{add_validation, views};
use super::layout::Layout;
use super::patient_context::PatientContext;
use super::step::{StepPage, back_to};
use super::{entry_href, patient_href};
use crate::AppState;
use crate::auth::{CurrentUser, PATIENT_ROLES};
use crate::dates;
use crate::error::AppError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/patients/{id}/interpreter", get(next_needed))
        .route(
            "/patients/{id}/entries/{entry_id}/interpreter",
            get(form).post(save),
        )
}

/// The booking page of one planned contact.
pub fn booking_href(patient: &str, entry: &str) -> String {
    format!("{}/interpreter", entry_href(patient, entry))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Back {
    back: String,
}

fn check_role(user: &CurrentUser) -> Result<(), AppError> {
    user.require(PATIENT_ROLES)?;
    if user.may_record(EntryKind::PlannedContact) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The facts about the appointment being booked for.
fn about(contact: &PlannedContact) -> Vec<(&'static str, String)> {
    let mut facts = vec![
        ("Appointment", dates::long(contact.date)),
        ("Status", contact.status.label().to_owned()),
    ];
    if !contact.purpose.is_empty() {
        facts.push(("Purpose", contact.purpose.clone()));
    }
    facts
}

struct Shown<'a> {
    entry: &'a Entry,
    data: &'a FormData,
    errors: FormErrors,
    status: StatusCode,
    back: String,
    /// Other appointments soon that still need one, when opened from the action.
    others: Vec<String>,
}

fn render(user: &CurrentUser, ctx: PatientContext, shown: Shown<'_>) -> Result<Response, AppError> {
    let id = ctx.banner.id.clone();
    let contact = shown
        .entry
        .body
        .as_planned_contact()
        .ok_or(AppError::NotFound)?;
    let mut facts = about(contact);
    if !shown.others.is_empty() {
        facts.push(("Also without an interpreter soon", shown.others.join(", ")));
    }
    let cancel_href = back_to(&shown.back, &patient_href(&id));
    let page = StepPage {
        layout: Layout::new(
            user,
            format!("Book an interpreter – {}", ctx.banner.name),
            "/patients",
        ),
        title: format!("Book an interpreter for {}", dates::long(contact.date)),
        intro: "Record the booking once it is made with the interpreting service. The appointment is kept and marked interpreter booked.",
        facts_heading: "The appointment",
        facts,
        nothing_to_do: None,
        errors: shown.errors,
        action: booking_href(&id, shown.entry.id.as_str()),
        hidden: vec![
            ("version", shown.entry.version.to_string()),
            ("back", cancel_href.clone()),
        ],
        fields: views(&INTERPRETER_BOOKING.fields(&ctx.policy), shown.data),
        more_heading: "",
        more_intro: "",
        more_fields: Vec::new(),
        submit: "Save the booking",
        cancel_href,
        banner: ctx.banner,
    };
    page.render(shown.status)
}

/// The booking form of the first appointment `interpreter.book` is about.
async fn next_needed(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(back): Query<Back>,
) -> Result<Response, AppError> {
    check_role(&user)?;
    let ctx = PatientContext::load(&state, &user, &id).await?;
    let needing = contacts_needing_interpreter(&ctx.record, &ctx.policy, ctx.today);
    let Some((first, rest)) = needing.split_first() else {
        let window = ctx
            .policy
            .get("interpreter.booking-window-days")
            .unwrap_or_default();
        let cancel_href = back_to(&back.back, &patient_href(&id));
        let page = StepPage {
            layout: Layout::new(
                &user,
                format!("Book an interpreter – {}", ctx.banner.name),
                "/patients",
            ),
            title: "Book an interpreter".to_owned(),
            intro: "",
            facts_heading: "",
            facts: Vec::new(),
            nothing_to_do: Some(format!(
                "No booked appointment in the next {window} days is waiting for an interpreter."
            )),
            errors: FormErrors::default(),
            action: String::new(),
            hidden: Vec::new(),
            fields: Vec::new(),
            more_heading: "",
            more_intro: "",
            more_fields: Vec::new(),
            submit: "",
            cancel_href,
            banner: ctx.banner,
        };
        return page.render(StatusCode::OK);
    };
    let entry = (*first).clone();
    let others = rest.iter().map(|e| dates::long(e.body.date())).collect();
    let data = booking_start(&form_context(&ctx), &entry.body);
    render(
        &user,
        ctx,
        Shown {
            entry: &entry,
            data: &data,
            errors: FormErrors::default(),
            status: StatusCode::OK,
            back: back.back,
            others,
        },
    )
}

fn form_context(ctx: &PatientContext) -> FormContext<'_> {
    FormContext {
        record: &ctx.record,
        today: ctx.today,
        policy: &ctx.policy,
    }
}

/// The planned contact `entry_id`, checked to be this patient's and still active.
async fn contact(store: &haven_store::Store, id: &str, entry_id: &str) -> Result<Entry, AppError> {
    let entry = store.entry(entry_id).await?;
    if entry.patient.as_str() != id || entry.body.as_planned_contact().is_none() {
        return Err(AppError::NotFound);
    }
    Ok(entry)
}

async fn form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, entry_id)): Path<(String, String)>,
    Query(back): Query<Back>,
) -> Result<Response, AppError> {
    check_role(&user)?;
    let entry = contact(&user.store, &id, &entry_id).await?;
    let ctx = PatientContext::load(&state, &user, &id).await?;
    let data = booking_start(&form_context(&ctx), &entry.body);
    render(
        &user,
        ctx,
        Shown {
            entry: &entry,
            data: &data,
            errors: FormErrors::default(),
            status: StatusCode::OK,
            back: back.back,
            others: Vec::new(),
        },
    )
}

const CHANGED: &str = "This appointment changed after you opened it (someone else may have booked the interpreter). Check it below, then save again if your booking still applies.";

async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, entry_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    check_role(&user)?;
    let entry = contact(&user.store, &id, &entry_id).await?;
    let ctx = PatientContext::load(&state, &user, &id).await?;
    let data = FormData::parse(&body);
    let back = data.get("back").to_owned();
    let mut errors = FormErrors::default();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    data.refuse_control_characters(&mut errors);
    let booked = parse_onto(
        INTERPRETER_BOOKING.describe,
        &data,
        &mut errors,
        &entry.body,
    );
    let current = entry.body.as_planned_contact().map(|c| c.status);
    if entry.status == EntryStatus::EnteredInError || current != Some(ContactStatus::Booked) {
        errors.add(
            "mode",
            "This appointment is no longer booked (see its history): book the interpreter for the appointment that replaced it",
        );
    }
    if let (Some(b), true) = (&booked, errors.is_empty())
        && let Err(e) = haven_core::record::validate_entry(&ctx.record.patient, b, ctx.today)
    {
        add_validation(
            &mut errors,
            &INTERPRETER_BOOKING.fields(&ctx.policy),
            e.field,
            &e.message,
        );
    }
    if errors.is_empty() && data.get("version").trim().parse::<u32>().ok() != Some(entry.version) {
        errors.add("mode", CHANGED);
        status = StatusCode::CONFLICT;
    }
    if let (Some(body), true) = (booked, errors.is_empty()) {
        let reason = reason(&body);
        let next = entry
            .amend(body, user.user_id(), state.now(), &reason)
            .map_err(|_| AppError::BadRequest("this entry can no longer be changed"))?;
        match user.store.change_entry(&user.actor(), &next).await {
            Ok(()) => {
                tracing::info!(patient = %id, entry = %entry_id, "interpreter booked");
                let date = next.body.date();
                return Ok(saved(
                    &state,
                    &back_to(&back, &patient_href(&id)),
                    Flash::InterpreterBooked(date),
                ));
            }
            Err(StoreError::VersionConflict { .. }) => {
                errors.add("mode", CHANGED);
                status = StatusCode::CONFLICT;
            }
            Err(e) => return Err(e.into()),
        }
    }
    // Shown again at the version now current, so a deliberate second save goes through.
    let latest = user.store.entry(&entry_id).await?;
    render(
        &user,
        ctx,
        Shown {
            entry: &latest,
            data: &data,
            errors,
            status,
            back,
            others: Vec::new(),
        },
    )
}

/// The amendment's reason, written for the user: what was booked.
fn reason(body: &haven_core::record::EntryBody) -> String {
    match body
        .as_planned_contact()
        .and_then(|c| c.interpreter.as_ref())
    {
        Some(b) => format!(
            "Interpreter booked: {}, {}, with {}",
            b.language.name(),
            b.mode.label().to_lowercase(),
            b.booked_with
        ),
        None => "Interpreter booked".to_owned(),
    }
}

/// `?back=` for links to a booking page from another page.
pub fn with_back(href: &str, back: &str) -> String {
    format!("{href}?back={}", super::encode_query(back))
}
