//! "What is due" for one patient: the care rules (haven-core `rules::evaluate`, the same
//! engine as the worklist, the CLI and CDS Hooks), evaluated when the page is viewed.
//!
//! The rules always run on the whole record (the caller passes it loaded with sensitive
//! entries); each role then sees the actions its catalogue visibility allows (`ui::actions`):
//! receptionists the administrative ones, clinical roles all. Each item links to its guidance
//! section and, where this user may use it, to the form that resolves it.

use haven_core::Date;
use haven_core::record::PatientRecord;
use haven_core::rules;

use super::actions;
use crate::AppState;
use crate::auth::CurrentUser;

/// One action as shown on the patient page.
#[derive(Clone, Debug)]
pub struct DueItem {
    pub rule: &'static str,
    pub title: &'static str,
    /// Guidance section, e.g. `§6`.
    pub section: &'static str,
    /// `urgent`, `soon`, `routine` or `info` (also the CSS modifier).
    pub urgency: &'static str,
    pub urgency_label: &'static str,
    pub due: String,
    pub reason: String,
    pub resolve: &'static str,
    /// `/guidance/{n}` for the section.
    pub section_href: String,
    /// The form that resolves the action, when this user may use it.
    pub resolve_href: Option<String>,
}

pub fn due_items(
    state: &AppState,
    user: &CurrentUser,
    record: &PatientRecord,
    today: Date,
) -> Vec<DueItem> {
    let patient = record.patient.id.as_str();
    rules::evaluate(record, &state.policy(), today)
        .into_iter()
        .filter(|a| actions::rule_visible(user, a.rule))
        .map(|a| DueItem {
            section_href: actions::guidance_href(a.section),
            resolve_href: actions::resolve_href(user, patient, a.info()),
            rule: a.rule.id(),
            title: a.info().title,
            section: a.section,
            urgency: a.urgency.id(),
            urgency_label: a.urgency.label(),
            due: a.due.map(|d| d.to_string()).unwrap_or_default(),
            reason: a.reason,
            resolve: a.resolve,
        })
        .collect()
}
