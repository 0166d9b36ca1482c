//! How care-rule actions are shown to each role, in one place for the patient page, the banner
//! and the worklists: which rules a role may see, the guidance link, and the link to the form
//! that resolves an action.
//!
//! Rules are always evaluated on the whole record (sensitive entries included), because a
//! rule evaluated on part of a record gives wrong answers; what a role sees is filtered
//! afterwards by the rule's catalogue visibility. So receptionists see the administrative
//! rules only — `continuity.no-named-clinician`, `followup.dna-outreach` and the
//! `interpreter.*` rules — and clinical roles see everything. `followup.overdue` stays
//! clinical: its interval reveals risk reviews and life events.

use haven_core::Date;
use haven_core::policy::Policy;
use haven_core::record::{EntryKind, PatientRecord};
use haven_core::rules::{self, Action, ResolveForm, RuleId, RuleInfo, Urgency};

use super::guidance::section_href;
use super::kinds::{choose_service_href, new_href, referrals_href};
use super::patient_href;
use crate::auth::CurrentUser;

/// Whether this user may see actions of `rule` for individual patients.
pub fn rule_visible(user: &CurrentUser, rule: RuleId) -> bool {
    user.may_see(rule.info().visibility)
}

/// The form that resolves an action of this rule for `patient`, when this user may use it:
/// the demographics page for `patient`, the questionnaire chooser, an entry form, the
/// booking of an interpreter for the appointment the action names (`ui::interpreter_booking`),
/// the directory narrowed to the help the rule asks for, or the patient's referrals.
pub fn resolve_href(user: &CurrentUser, patient: &str, info: &RuleInfo) -> Option<String> {
    match info.resolve_form {
        ResolveForm::PatientDetails => Some(format!("{}/edit", patient_href(patient))),
        ResolveForm::Entry(EntryKind::Referral) => user
            .may_record(EntryKind::Referral)
            .then(|| choose_service_href(patient, Some(info.id))),
        ResolveForm::Entry(kind) => user.may_record(kind).then(|| new_href(patient, kind)),
        ResolveForm::InterpreterBooking => user
            .may_record(EntryKind::PlannedContact)
            .then(|| format!("{}/interpreter", patient_href(patient))),
        ResolveForm::Referrals => user
            .may_record(EntryKind::Referral)
            .then(|| referrals_href(patient)),
    }
}

/// An urgent action for the banner of every patient-level page.
#[derive(Clone, Debug)]
pub struct UrgentAction {
    pub title: &'static str,
    pub rule: &'static str,
    pub due: String,
    pub href: Option<String>,
}

/// The urgent actions this user may see, evaluated at view time. Only clinical roles load the
/// whole record with every page, and every urgent rule is clinical, so others get none.
pub fn urgent_actions(
    user: &CurrentUser,
    record: &PatientRecord,
    policy: &Policy,
    today: Date,
) -> Vec<UrgentAction> {
    if !user.is_clinical() {
        return Vec::new();
    }
    let patient = record.patient.id.as_str();
    rules::evaluate(record, policy, today)
        .into_iter()
        .filter(|a| a.urgency == Urgency::Urgent && rule_visible(user, a.rule))
        .map(|a: Action| UrgentAction {
            title: a.info().title,
            rule: a.rule.id(),
            due: a.due.map(|d| d.to_string()).unwrap_or_default(),
            href: resolve_href(user, patient, a.info()),
        })
        .collect()
}

/// The guidance page of an action's section (`/guidance/6`).
pub fn guidance_href(section: &str) -> String {
    section_href(section).unwrap_or_else(|| "/guidance".to_owned())
}
