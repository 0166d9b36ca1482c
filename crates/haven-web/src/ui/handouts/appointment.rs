//! The next-appointment letter: the patient's next booked contact from today on, with
//! administrative facts only (the date, whether an interpreter is booked), what to do if they
//! cannot come (§1: a missed appointment never loses them their place) and that the practice
//! is not part of the immigration system. The contact's purpose is never printed.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use haven_core::Date;
use haven_core::record::{ContactStatus, PatientRecord, PlannedContact};

use super::sheet::{LanguageQuery, Languages, Line, LinesPage, PatientHandout};
use crate::AppState;
use crate::auth::{CurrentUser, PATIENT_ROLES};
use crate::error::AppError;
use crate::l10n::{L10nError, long_date};
use crate::ui::page;

const HANDOUT: &str = "Next-appointment letter";

/// The earliest booked contact on or after `today`.
pub fn next_contact(record: &PatientRecord, today: Date) -> Option<&PlannedContact> {
    record
        .active()
        .filter_map(|e| e.body.as_planned_contact())
        .filter(|c| c.status == ContactStatus::Booked && c.date >= today)
        .min_by_key(|c| c.date)
}

fn letter_lines(
    languages: &Languages,
    record: &PatientRecord,
    contact: &PlannedContact,
) -> Result<Vec<Line>, L10nError> {
    let own_date = long_date(languages.locale(), contact.date)?;
    let english_date = long_date(languages.english, contact.date)?;
    let mut lines = vec![languages.line(
        "appointment-when",
        &[("date", &own_date)],
        &[("date", &english_date)],
    )?];
    let language = record
        .patient
        .main_language
        .as_ref()
        .and_then(|t| t.language().map(|l| (l, t.name())));
    match (contact.interpreter_booked, language) {
        (true, Some((language, english_name))) => lines.push(languages.line(
            "appointment-interpreter-booked",
            &[("language", language.native)],
            &[("language", &english_name)],
        )?),
        (true, None) => {}
        (false, _) => lines.push(languages.same_line("appointment-interpreter-ask", &[])?),
    }
    lines.push(languages.same_line("appointment-cannot-come", &[])?);
    lines.push(languages.same_line("appointment-private", &[])?);
    Ok(lines)
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<LanguageQuery>,
) -> Result<Response, AppError> {
    user.require(PATIENT_ROLES)?;
    let h = PatientHandout::load(&state, &user, &id, &query, "appointment").await?;
    let record = &h.ctx.record;
    let contact = next_contact(record, state.today()).ok_or(AppError::NotFound)?;
    let mut notices = vec![format!("The next booked contact is on {}.", contact.date)];
    if record.patient.interpreter_required == Some(true) && !contact.interpreter_booked {
        notices.push(
            "The record says this patient needs an interpreter, and none is booked for this contact yet."
                .to_owned(),
        );
    }
    let page_data = LinesPage {
        layout: h.layout(&user, "Appointment letter"),
        class: "handout__letter",
        lines: letter_lines(&h.languages, record, contact)?,
        sheet: h
            .languages
            .sheet("appointment-title", Some(&record.patient))?,
        staff: h.staff_bar(HANDOUT, &query, notices)?,
    };
    page(&page_data)
}
