//! Every kind of entry as the web records it: the form it is recorded on, its link on the
//! patient page and where that link goes. Who may record a kind, and who sees it, is the
//! kind's own business (`haven_core::record::EntryKind`); each match here is exhaustive, so a
//! new kind fails to compile until it has a form and a link.

use haven_core::record::{Entry, EntryKind};

use haven_core::rules::RuleId;

use super::forms::{EntryForm, care, history, risk};
use super::{encode_segment, entry_href, patient_href};
use crate::auth::CurrentUser;

/// Where a kind of entry is recorded.
#[derive(Clone, Copy)]
pub enum Recording {
    /// On the generic entry form (`ui::entry_form`), drawn from this description.
    Form(&'static EntryForm),
    /// Item by item on the questionnaire pages (`ui::assessments`).
    Questionnaire,
}

pub fn recording(kind: EntryKind) -> Recording {
    use Recording::Form;
    match kind {
        EntryKind::Asylum => Form(&history::ASYLUM),
        EntryKind::Disclosure => Form(&history::DISCLOSURE),
        EntryKind::LifeEvent => Form(&history::LIFE_EVENT),
        EntryKind::Problem => Form(&history::PROBLEM),
        EntryKind::Encounter => Form(&care::ENCOUNTER),
        EntryKind::PlannedContact => Form(&care::PLANNED_CONTACT),
        EntryKind::Questionnaire => Recording::Questionnaire,
        EntryKind::RiskReview => Form(&risk::RISK_REVIEW),
        EntryKind::SafetyPlan => Form(&risk::SAFETY_PLAN),
        EntryKind::Screening => Form(&care::SCREENING),
        EntryKind::Referral => Form(&care::REFERRAL),
        EntryKind::Medication => Form(&care::MEDICATION),
        EntryKind::Advice => Form(&care::ADVICE),
        EntryKind::Flag => Form(&care::FLAG),
        EntryKind::Outreach => Form(&care::OUTREACH),
    }
}

/// The link text on the patient page (lower-cased, it names the kind in "Amend: …").
pub fn link(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Asylum => "Asylum situation",
        EntryKind::Disclosure => "Disclosure of abuse",
        EntryKind::LifeEvent => "Life event",
        EntryKind::Problem => "Problem",
        EntryKind::Encounter => "Consultation",
        EntryKind::PlannedContact => "Planned contact",
        EntryKind::Questionnaire => "Questionnaire",
        EntryKind::RiskReview => "Risk review",
        EntryKind::SafetyPlan => "Safety plan",
        EntryKind::Screening => "Screening",
        EntryKind::Referral => "Referral",
        EntryKind::Medication => "Medication",
        EntryKind::Advice => "Advice or enquiry",
        EntryKind::Flag => "Flag",
        EntryKind::Outreach => "Outreach after a missed contact",
    }
}

/// The order the patient page offers the forms in: the most used first.
const OFFERED: [EntryKind; 15] = [
    EntryKind::Encounter,
    EntryKind::Questionnaire,
    EntryKind::PlannedContact,
    EntryKind::LifeEvent,
    EntryKind::RiskReview,
    EntryKind::SafetyPlan,
    EntryKind::Asylum,
    EntryKind::Disclosure,
    EntryKind::Problem,
    EntryKind::Screening,
    EntryKind::Referral,
    EntryKind::Medication,
    EntryKind::Advice,
    EntryKind::Flag,
    EntryKind::Outreach,
];

const _: () = assert!(
    OFFERED.len() == EntryKind::ALL.len(),
    "the patient page offers every kind of entry"
);

/// The page that records a new entry of `kind` for a patient: the questionnaire chooser; for
/// a referral the directory (a referral names the organisation it goes to); for outreach the
/// page that records it with the appointment it books (`ui::outreach`).
pub fn new_href(patient: &str, kind: EntryKind) -> String {
    match (recording(kind), kind) {
        (_, EntryKind::Outreach) => format!("{}/outreach", patient_href(patient)),
        (Recording::Questionnaire, _) => format!("{}/assessments", patient_href(patient)),
        (Recording::Form(_), EntryKind::Referral) => choose_service_href(patient, None),
        (Recording::Form(_), _) => form_href(patient, kind),
    }
}

/// The generic entry form of `kind` (`ui::entry_form`), where its new entries are posted.
pub fn form_href(patient: &str, kind: EntryKind) -> String {
    format!("{}/entries/new/{}", patient_href(patient), kind.id())
}

/// The patient's referrals, where a service's answer is recorded.
pub fn referrals_href(patient: &str) -> String {
    format!("{}/referrals", patient_href(patient))
}

/// One referral: its trail, the form for its next status, and its letter.
pub fn referral_href(patient: &str, entry: &str) -> String {
    format!("{}/{}", referrals_href(patient), encode_segment(entry))
}

/// The directory, to choose a service for this patient; `rule` narrows it to the help that
/// answers that rule's action.
pub fn choose_service_href(patient: &str, rule: Option<RuleId>) -> String {
    let base = format!("{}/choose", referrals_href(patient));
    match rule {
        Some(rule) => format!("{base}?for={}", rule.id()),
        None => base,
    }
}

/// Links to every form this user may use, for the patient page: `(href, label)`.
pub fn record_links(user: &CurrentUser, patient: &str) -> Vec<(String, &'static str)> {
    OFFERED
        .iter()
        .filter(|&&kind| user.may_record(kind))
        .map(|&kind| (new_href(patient, kind), link(kind)))
        .collect()
}

/// The print view of this entry, for kinds that have one (the safety plan, given to the
/// person).
pub fn print_href(entry: &Entry) -> Option<String> {
    (entry.body.kind() == EntryKind::SafetyPlan).then(|| {
        format!(
            "{}/print",
            entry_href(entry.patient.as_str(), entry.id.as_str())
        )
    })
}

/// The page that follows this entry on, for kinds that have one: a referral's status and
/// letter.
pub fn follow_href(entry: &Entry) -> Option<String> {
    (entry.body.kind() == EntryKind::Referral)
        .then(|| referral_href(entry.patient.as_str(), entry.id.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use haven_core::policy::Policy;
    use haven_core::record::Visibility;

    #[test]
    fn every_kind_but_questionnaires_has_a_generic_form() {
        for &kind in EntryKind::ALL {
            assert!(OFFERED.contains(&kind), "{kind:?} is offered");
            let form = match recording(kind) {
                Recording::Form(form) => form,
                Recording::Questionnaire => {
                    assert_eq!(kind, EntryKind::Questionnaire);
                    continue;
                }
            };
            let fields = form.fields(&Policy::default());
            assert!(
                fields.iter().any(|f| f.name == "date"),
                "{kind:?}: validation messages about the date need a date field"
            );
            assert!(
                !fields
                    .iter()
                    .any(|f| f.name == "reason" || f.name == "version" || f.name == "csrf"),
                "{kind:?}"
            );
        }
        assert_eq!(
            EntryKind::ALL
                .iter()
                .filter(|k| k.recorded_by() == Visibility::Administrative)
                .map(|k| k.id())
                .collect::<Vec<_>>(),
            ["planned-contact", "outreach"]
        );
    }
}
