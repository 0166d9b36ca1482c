//! Patient materials in the patient's language (§2, §3, §6): printable handouts under the
//! patient (`/patients/{id}/handouts/…`) and the safety plan's print view, each in the
//! language chosen by [`crate::l10n::choose`] from the person's main language (or the
//! language staff pick to print in), laid out in its script's direction.
//!
//! - `wellbeing`: wellbeing advice (§3), with "Record that this was given", which stores an
//!   Advice entry through the store like every entry write;
//! - `interpreter_card`: "I need an interpreter" (§2), to show at any NHS service;
//! - `appointment`: the next booked contact, administrative facts only;
//! - `safety_plan`: the plan agreed with the person (§6), headings and crisis box in their
//!   language with English beside for staff;
//! - `overview`: `/handouts`, what exists and each translation's review status.
//!
//! Receptionists print the wellbeing advice, the card and the letter; the safety plan and
//! recording advice are clinical. No handout shows history, assessments or notes.

mod appointment;
mod index;
mod interpreter_card;
mod overview;
pub mod safety_plan;
mod sheet;
mod wellbeing;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub use sheet::LanguageQuery;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/handouts", get(overview::show))
        .route("/handouts/wellbeing", get(wellbeing::preview))
        .route("/patients/{id}/handouts", get(index::show))
        .route("/patients/{id}/handouts/wellbeing", get(wellbeing::show))
        .route(
            "/patients/{id}/handouts/wellbeing/given",
            post(wellbeing::record_given),
        )
        .route(
            "/patients/{id}/handouts/interpreter-card",
            get(interpreter_card::show),
        )
        .route(
            "/patients/{id}/handouts/appointment",
            get(appointment::show),
        )
        .route(
            "/patients/{id}/entries/{entry_id}/print",
            get(safety_plan::print),
        )
}

/// The handouts page of a patient.
pub fn patient_handouts_href(patient: &str) -> String {
    format!("{}/handouts", super::patient_href(patient))
}
