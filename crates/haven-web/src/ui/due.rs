//! "What is due" for one patient: the care rules (haven-core `rules::evaluate`, the same
//! engine as the worklist, the CLI and CDS Hooks) run on the record as loaded for the page.
//!
//! Only clinical roles see the list: the actions name clinical facts (events, scores, risk).

use haven_core::Date;
use haven_core::record::PatientRecord;
use haven_core::rules;

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
}

pub fn due_items(state: &AppState, user: &CurrentUser, record: &PatientRecord, today: Date) -> Vec<DueItem> {
    if !user.is_clinical() {
        return Vec::new();
    }
    rules::evaluate(record, &state.policy(), today)
        .into_iter()
        .map(|a| DueItem {
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
