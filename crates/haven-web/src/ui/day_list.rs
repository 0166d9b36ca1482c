//! The day list (`/day-list`): the practice's planned contacts for a day and the day after,
//! for reception. For each, whether the person needs an interpreter and whether one is booked
//! (with a link to book one), and — for today's and earlier ones still booked — one click to
//! mark it attended or did-not-attend (`POST …/attendance`), which amends the planned contact
//! with a reason written for the user, so a missed contact raises its outreach task at once.
//!
//! Only administrative facts: names, languages, interpreter bookings, appointment purposes
//! (which the forms ask to keep free of clinical detail). Clinicians see the same list.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use haven_core::Date;
use haven_core::record::{
    ContactStatus, Entry, EntryBody, EntryKind, EntryStatus, Patient, PlannedContact,
};
use haven_store::{DayContact, StoreError};
use serde::Deserialize;

use super::flash::{Flash, saved};
use super::form::parse_date;
use super::forms::data::FormData;
use super::interpreter_booking::{booking_href, with_back};
use super::layout::Layout;
use super::patients::NativeName;
use super::step::back_to;
use super::{entry_href, page, patient_href};
use crate::AppState;
use crate::auth::{CurrentUser, PATIENT_ROLES};
use crate::dates;
use crate::error::AppError;
use crate::reference::languages;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/day-list", get(list))
        .route("/patients/{id}/entries/{entry_id}/attendance", post(mark))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DayQuery {
    day: String,
    /// `needed`: only the people who need an interpreter.
    interpreter: String,
}

/// The interpreter column of a row.
pub struct InterpreterCell {
    /// What the desk needs to know, e.g. "Booked: Arabic, by telephone, with …".
    pub text: String,
    /// `booked`, `missing` or `quiet` (also the CSS modifier).
    pub state: &'static str,
    pub book_href: Option<String>,
}

pub struct Row {
    pub patient_href: String,
    pub name: String,
    pub native: Option<NativeName>,
    pub language: String,
    pub interpreter: InterpreterCell,
    pub purpose: String,
    pub status: &'static str,
    /// The form that marks it attended or not, for booked contacts of today or earlier.
    pub mark_action: Option<String>,
    pub version: u32,
    pub history_href: String,
}

pub struct Day {
    pub heading: String,
    pub rows: Vec<Row>,
    /// Contacts of people who need an interpreter, and how many of them have none booked.
    pub needing: usize,
    pub unbooked: usize,
}

#[derive(Template)]
#[template(path = "day_list/list.html")]
struct DayListPage {
    layout: Layout,
    days: Vec<Day>,
    only_needing: bool,
    /// This page's address, to come back to after booking or marking.
    here: String,
    earlier_href: String,
    later_href: String,
    all_href: String,
    needing_href: String,
}

fn href(day: Date, only_needing: bool) -> String {
    let mut h = format!("/day-list?day={day}");
    if only_needing {
        h.push_str("&interpreter=needed");
    }
    h
}

fn interpreter_cell(
    patient: &Patient,
    entry: &Entry,
    contact: &PlannedContact,
    here: &str,
) -> InterpreterCell {
    let quiet = |text: &str| InterpreterCell {
        text: text.to_owned(),
        state: "quiet",
        book_href: None,
    };
    match (patient.interpreter_required, &contact.interpreter) {
        (Some(true), Some(b)) => {
            let mut text = format!(
                "Booked: {}, {}, with {}",
                b.language.name(),
                b.mode.label().to_lowercase(),
                b.booked_with
            );
            if !b.reference.is_empty() {
                text.push_str(&format!(" (ref. {})", b.reference));
            }
            InterpreterCell {
                text,
                state: "booked",
                book_href: None,
            }
        }
        (Some(true), None) if contact.interpreter_booked => InterpreterCell {
            text: "Booked (no details recorded)".to_owned(),
            state: "booked",
            book_href: None,
        },
        (Some(true), None) => InterpreterCell {
            text: "Needed — not booked".to_owned(),
            state: "missing",
            book_href: (contact.status == ContactStatus::Booked)
                .then(|| with_back(&booking_href(patient.id.as_str(), entry.id.as_str()), here)),
        },
        (Some(false), _) => quiet("Not needed"),
        (None, _) => quiet("Need not asked yet"),
    }
}

fn row(user: &CurrentUser, c: &DayContact, here: &str, today: Date) -> Option<Row> {
    let contact = c.entry.body.as_planned_contact()?;
    let (patient, entry) = (&c.patient, &c.entry);
    let id = patient.id.as_str();
    let markable = contact.status == ContactStatus::Booked
        && contact.date <= today
        && user.may_record(EntryKind::PlannedContact);
    Some(Row {
        patient_href: patient_href(id),
        name: patient.display_name(),
        native: NativeName::of(patient),
        language: languages::main_of(patient),
        interpreter: interpreter_cell(patient, entry, contact, here),
        purpose: contact.purpose.clone(),
        status: contact.status.label(),
        mark_action: markable.then(|| format!("{}/attendance", entry_href(id, entry.id.as_str()))),
        version: entry.version,
        history_href: entry_href(id, entry.id.as_str()),
    })
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<DayQuery>,
) -> Result<Response, AppError> {
    user.require(PATIENT_ROLES)?;
    let today = state.today();
    let first = parse_date(&q.day).unwrap_or(today);
    let second = first.next_day().unwrap_or(first);
    let only_needing = q.interpreter == "needed";
    let here = href(first, only_needing);
    let contacts = user.store.planned_contacts(first, second).await?;
    user.store
        .audit_read(
            &user.actor(),
            "day-list.view",
            None,
            &format!("{first} to {second}: {} planned contacts", contacts.len()),
        )
        .await?;
    let days = [first, second]
        .into_iter()
        .map(|day| {
            let of_day: Vec<&DayContact> = contacts
                .iter()
                .filter(|c| c.entry.body.date() == day)
                .filter(|c| !only_needing || c.patient.interpreter_required == Some(true))
                .collect();
            let rows: Vec<Row> = of_day
                .iter()
                .filter_map(|c| row(&user, c, &here, today))
                .collect();
            let needing: Vec<&Row> = rows
                .iter()
                .filter(|r| r.interpreter.state != "quiet")
                .collect();
            let when = match (day - today).whole_days() {
                0 => "Today, ",
                1 => "Tomorrow, ",
                -1 => "Yesterday, ",
                _ => "",
            };
            Day {
                heading: format!("{when}{}", dates::long(day)),
                unbooked: needing
                    .iter()
                    .filter(|r| r.interpreter.state == "missing")
                    .count(),
                needing: needing.len(),
                rows,
            }
        })
        .collect();
    let page_data = DayListPage {
        layout: Layout::new(&user, "Day list", "/day-list"),
        days,
        only_needing,
        earlier_href: href(first.previous_day().unwrap_or(first), only_needing),
        later_href: href(second, only_needing),
        all_href: href(first, false),
        needing_href: href(first, true),
        here,
    };
    page(&page_data)
}

/// Marks a booked contact attended or not, in one click: an amendment whose reason says so.
async fn mark(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, entry_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    user.require(PATIENT_ROLES)?;
    if !user.may_record(EntryKind::PlannedContact) {
        return Err(AppError::Forbidden);
    }
    let form = FormData::parse(&body);
    let entry = user.store.entry(&entry_id).await?;
    let Some(contact) = entry.body.as_planned_contact() else {
        return Err(AppError::NotFound);
    };
    if entry.patient.as_str() != id {
        return Err(AppError::NotFound);
    }
    let (status, flash, reason) = match form.get("status") {
        "fulfilled" => (
            ContactStatus::Attended,
            Flash::Attended(contact.date),
            "Marked attended from the day list",
        ),
        "noshow" => (
            ContactStatus::DidNotAttend,
            Flash::DidNotAttend(contact.date),
            "Marked did not attend from the day list",
        ),
        _ => return Err(AppError::BadRequest("choose attended or did not attend")),
    };
    if entry.status == EntryStatus::EnteredInError || contact.status != ContactStatus::Booked {
        return Err(AppError::BadRequest(
            "this appointment is no longer booked; reload the day list",
        ));
    }
    if contact.date > state.today() {
        return Err(AppError::BadRequest(
            "an appointment can be marked attended or missed on its day or later",
        ));
    }
    if form.get("version").trim().parse::<u32>().ok() != Some(entry.version) {
        return Err(AppError::BadRequest(
            "this appointment changed since the list was shown; reload the day list",
        ));
    }
    let next = entry
        .amend(
            EntryBody::PlannedContact(PlannedContact {
                status,
                ..contact.clone()
            }),
            user.user_id(),
            state.now(),
            reason,
        )
        .map_err(|_| AppError::BadRequest("this entry can no longer be changed"))?;
    match user.store.change_entry(&user.actor(), &next).await {
        Ok(()) => {}
        Err(StoreError::VersionConflict { .. }) => {
            return Err(AppError::BadRequest(
                "this appointment changed since the list was shown; reload the day list",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    tracing::info!(patient = %id, entry = %entry_id, status = status.id(), "attendance marked");
    let back = back_to(form.get("back"), &patient_href(&id));
    Ok(saved(&state, &back, flash))
}
