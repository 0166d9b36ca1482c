//! Entry forms: recording and amending clinical entries (life events, questionnaires, risk
//! reviews, safety plans, screening, referrals, …). Owned by the clinical-forms work; the
//! skeleton gives it three hooks:
//!
//! - [`routes`] is merged into the UI router: add `.route(...)` / `.merge(kind::routes())` here;
//! - [`amend_href`] tells the entry history page where a kind's amend form lives (the page
//!   shows an "Amend" link when it returns `Some`);
//! - the patient page (`ui::patient_page`) lists entries with `ui::summary::summary`, so a
//!   new form needs no change there.
//!
//! Each handler: `PatientContext::load(&state, &user, &id)` (role check, record, banner),
//! parse the form into the entry body collecting `FormErrors`, `validate_entry`, then
//! `store.add_entry` / `Entry::amend` + `store.change_entry`, and redirect (303) to the patient
//! page. Templates extend `base.html` and include `patients/_banner.html`.

use axum::Router;
use haven_core::record::Entry;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}

/// The amend form for this entry's kind. No kind has an amend form in the skeleton; each
/// form module adds its kind here when it provides one.
pub fn amend_href(entry: &Entry) -> Option<String> {
    // Arms such as `EntryBody::LifeEvent(_) => Some(format!("{}/life-events/{}/amend", ..))`
    // go here as the forms arrive.
    let _ = entry;
    None
}
