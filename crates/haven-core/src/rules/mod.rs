//! The care rules engine: the rules of docs/rules.md as pure functions of a patient record, a practice
//! [`Policy`] and the evaluation date, producing [`Action`]s.
//!
//! One implementation serves the summary page, the worklists, the CLI and CDS Hooks.
//! [`evaluate`] builds a per-evaluation context once (entries filtered, questionnaires scored)
//! and runs every enabled rule over it; each rule lives in the file of its guidance section.
//!
//! # How Haven reads the rules
//!
//! Where the catalogue leaves room, these are the readings the code implements.
//!
//! **General**
//! - One action per rule per patient at most. Where a rule could fire for several facts
//!   (several unreviewed events, several appointments without an interpreter) the action takes
//!   its due date from the most pressing one and its reason names it and counts the others.
//! - The rules see active entries only (entered-in-error ones are invisible) and only entries
//!   dated on or before "today"; planned contacts are the exception, since they lie ahead. So
//!   an evaluation `--as-of` a past date sees the record as it stood clinically then.
//! - "In the last N days" means dated on or after `today - N` and not after today.
//! - "Latest" orders entries by clinical date, then recording time, then entry id, so the
//!   result never depends on the order of `record.entries`.
//! - Reasons name facts and dates but never quote free text, and call disclosed abuse only "a
//!   disclosure", since worklists print them; [`RuleInfo::visibility`] says which roles may
//!   see a rule's actions at all.
//! - Rules whose table gives no due date have `due: None`; such actions sort after dated ones
//!   of the same urgency.
//! - A *positive screen* is the latest score of an instrument being positive by
//!   [`crate::instruments::is_positive_screen`], scored with the policy's PCL-5 cut-point. An
//!   old positive score followed by a negative one of the same instrument does not count.
//!   RHS-15 results are ignored when the policy switches RHS-15 off.
//! - A *current* problem has no resolution date, or one after today. A *mental-health
//!   problem* is one for which [`crate::record::ProblemKind::is_mental_health`] holds.
//! - Every medication entry is a psychotropic medication: Haven records medication only for
//!   §5 follow-up (FHIR category `psychotropic`).
//! - *Undecided asylum claim*: the current (latest) asylum situation is not a granted status,
//!   or no asylum situation is recorded at all.
//! - Referral resolution: a referral of the right type started on or after the trigger counts,
//!   at the status it had on the evaluation date. Sent, accepted, seen or completed resolves
//!   the rule for good; declined by the person or not taken up resolves it for the policy's
//!   `referral.reoffer-after-decline-days` (365), after which the rule may fire again; a draft
//!   not yet sent, or a referral the service declined, leaves it open (the reason says which).
//! - `referral.no-response` (Haven's addition, issue 14) fires for a referral whose status is
//!   still `sent` `referral.no-response-days` (28) after it was sent, on that day; the longest
//!   wait names the action and the others are counted.
//!
//! **§1**
//! - A *contact* is an encounter (Haven records only attended encounters).
//! - Review interval, in this order: the agreed `next_review` of the latest
//!   risk review while it is strictly after today; once it is today or past, with no contact
//!   strictly after the review's date, the agreed review is missed ([`ReviewInterval::Missed`]);
//!   otherwise the policy intervals (7 days after a negative event in the event window or when
//!   the latest review recorded active thoughts, plans/intent or recent self-harm; 14 days for
//!   passive thoughts or medication started in the medication window; 28 days while the claim
//!   is undecided; 84 days otherwise). See [`review_interval`].
//! - A contact on the review's own date does not count as "since the review": it is the
//!   consultation the review was part of, and counting it would hide every missed agreed
//!   review recorded at a consultation.
//! - `followup.overdue` fires when the due date (last contact + interval) is on or before
//!   today, so an item shows on the day it falls due. While an agreed date is ahead nothing is
//!   overdue; a missed agreed review is due on the agreed date itself, whatever a policy
//!   interval would give. With no encounter ever, the interval runs from the earliest dated
//!   entry (the first the practice knew of the person); with no dated entry at all, contact is
//!   due today.
//! - `followup.dna-outreach` looks at the latest planned contact, future ones included: a new
//!   booking after a missed appointment means the outreach happened. An encounter on or after
//!   the missed date resolves it, and so does an outreach on or after it that got through to
//!   the person ([`crate::record::OutreachOutcome::contact_made`]: "contact made"); attempts
//!   that did not get through leave it open, and its reason counts them and names the latest.
//!
//! **§2**
//! - `interpreter.book` looks at booked contacts from today to today + window inclusive and
//!   fires as soon as one lacks an interpreter, due `book-days-before` days before the earliest
//!   ([`contacts_needing_interpreter`] lists them, for the booking page).
//!
//! **§3–§5**
//! - `advice.wellbeing-reinforce` needs earlier advice; with none, `advice.wellbeing-not-given`
//!   fires instead. "Older than 90 days" means more than 90 days before today.
//! - `social.support-org` is resolved by a refugee-support referral of any status (a declined
//!   or not-taken-up one for the re-offer interval) or by support contacts written on the
//!   patient's details.
//! - `social.prescribing`: social isolation is a current `social-isolation`, `feeling-lonely`
//!   or `lives-alone` problem; "since" is measured from the latest trigger.
//! - `psych.medication-followup` fires from the start date (due start + 14 days), so the
//!   follow-up can be booked in time; an encounter strictly after the start resolves it, late
//!   or not. Only the latest start matters, since an encounter after it follows every start.
//! - `psych.trauma-focus-timing` is information with no due date; PTSD means a current coded
//!   PTSD-family problem or an ITQ whose latest result is PTSD or CPTSD.
//!
//! **§6**
//! - *Negative life events* are the life-event entries plus the events asylum situations stand
//!   for: `refused` is `asylum-refused` (`appeal-dismissed` when the situation before it, in
//!   date order, was `appeal`), `detained` and `facing-removal` are `facing-return`, each on
//!   the date the situation began. A situation event with a life-event entry of the same type
//!   on the same date, or a second situation entry saying the same, counts once. They are
//!   derived once per evaluation ([`negative_events`]) and every rule reads them from there:
//!   `risk.reassess-after-event`, the §1 review interval and `social.prescribing`.
//! - `risk.reassess-after-event` and `risk.assess-now` count a risk review dated on or after
//!   the triggering fact as resolving it; due dates come from the earliest unresolved trigger.
//! - `risk.possible-relapse` compares the latest two scores of PHQ-9 (rise ≥ 5) and PCL-5
//!   (rise ≥ 10) from [`score_series`]; an encounter strictly after the later score resolves
//!   it (a same-day encounter cannot be shown to have followed the score).
//!
//! **§7–§9**
//! - `somatic.explore-psychological` counts encounters in the window with at least one somatic
//!   complaint and no physical cause found; any PHQ-9, PHQ-15 or psychological enquiry in the
//!   same window resolves it.
//! - Screening: any result resolves for good; otherwise the latest offer, acceptance or decline
//!   decides, and a decline resolves only for `screening.reoffer-after-decline-days`.
//! - `sexual-health.referral` is measured from the latest coded sexual-violence disclosure
//!   (uncoded disclosures raise `coding.abuse-uncoded` first).
//! - `coding.asylum-status-uncoded` looks at the current asylum situation only: that is the one
//!   the code has to describe.

mod advice;
mod catalogue;
mod coding;
mod context;
mod events;
mod followup;
mod interpreter;
#[cfg(test)]
mod proptests;
mod psych;
mod referral;
mod risk;
mod screening;
mod social;
mod somatic;
#[cfg(test)]
mod test_support;

use std::cmp::Ordering;

pub use catalogue::{ResolveForm, RuleId, RuleInfo, catalogue};
pub use context::score_series;
pub use events::{EventSource, NegativeEvent, negative_events};
pub use followup::{IntervalBasis, ReviewInterval, review_interval};
pub use interpreter::contacts_needing_interpreter;

use crate::Date;
use crate::policy::Policy;
use crate::record::PatientRecord;
use context::Context;

/// How soon an action needs doing; the order is the worklist order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Urgency {
    Urgent,
    Soon,
    Routine,
    Info,
}

impl Urgency {
    pub const ALL: &'static [Urgency] = &[Self::Urgent, Self::Soon, Self::Routine, Self::Info];

    /// The id used in JSON (`urgent`, `soon`, `routine`, `info`).
    pub fn id(self) -> &'static str {
        match self {
            Self::Urgent => "urgent",
            Self::Soon => "soon",
            Self::Routine => "routine",
            Self::Info => "info",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Urgent => "Urgent",
            Self::Soon => "Soon",
            Self::Routine => "Routine",
            Self::Info => "Information",
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|u| u.id() == id)
    }
}

/// A task, alert or information card raised by a rule for one patient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub rule: RuleId,
    /// Guidance section, e.g. `§6`.
    pub section: &'static str,
    pub urgency: Urgency,
    pub due: Option<Date>,
    /// One sentence naming the facts that fired the rule, with their dates.
    pub reason: String,
    /// What to record to clear it.
    pub resolve: &'static str,
}

impl Action {
    pub fn info(&self) -> &'static RuleInfo {
        self.rule.info()
    }

    /// Order within one patient: urgency, then due date (undated last), then rule id.
    pub fn cmp_priority(&self, other: &Action) -> Ordering {
        self.urgency
            .cmp(&other.urgency)
            .then_with(|| cmp_due(self.due, other.due))
            .then_with(|| self.rule.id().cmp(other.rule.id()))
    }
}

fn cmp_due(a: Option<Date>, b: Option<Date>) -> Ordering {
    (a.is_none(), a).cmp(&(b.is_none(), b))
}

/// Sorts a population's actions as docs/rules.md orders them: urgency, due date (undated
/// last), patient, rule id. `P` is whatever names the patient (a [`crate::PatientId`], a FHIR
/// id string, …).
pub fn sort_population<P: Ord>(actions: &mut [(P, Action)]) {
    actions.sort_by(|(pa, a), (pb, b)| {
        a.urgency
            .cmp(&b.urgency)
            .then_with(|| cmp_due(a.due, b.due))
            .then_with(|| pa.cmp(pb))
            .then_with(|| a.rule.id().cmp(b.rule.id()))
    });
}

/// Every enabled rule over one patient's record as of `today`, in priority order.
pub fn evaluate(record: &PatientRecord, policy: &Policy, today: Date) -> Vec<Action> {
    evaluate_until(record, policy, today).0
}

/// [`evaluate`], and the first day after `today` on which the actions could be different with
/// the same record and policy (`None`: never, by the date alone). Every comparison a rule makes
/// with `today` tells the context the day it would answer otherwise (`Context::changes_on`), so
/// the actions are those of every day from `today` until that one: a stored list needs
/// evaluating again only when its day has come (`haven-store`'s incremental refresh).
pub fn evaluate_until(
    record: &PatientRecord,
    policy: &Policy,
    today: Date,
) -> (Vec<Action>, Option<Date>) {
    let ctx = Context::new(record, policy, today);
    let mut actions: Vec<Action> = RuleId::ALL
        .iter()
        .filter(|&&rule| policy.is_enabled(rule))
        .filter_map(|&rule| run(&ctx, rule))
        .collect();
    actions.sort_by(Action::cmp_priority);
    (actions, ctx.horizon())
}

/// One rule over one record; `None` when it does not fire or the policy switches it off.
/// For several rules use [`evaluate`], which scores the questionnaires only once.
pub fn evaluate_rule(
    rule: RuleId,
    record: &PatientRecord,
    policy: &Policy,
    today: Date,
) -> Option<Action> {
    if !policy.is_enabled(rule) {
        return None;
    }
    run(&Context::new(record, policy, today), rule)
}

/// The one place each rule id meets its function; the match is exhaustive, so a rule cannot be
/// in the catalogue without an implementation.
fn run(ctx: &Context<'_>, rule: RuleId) -> Option<Action> {
    match rule {
        RuleId::ContinuityNoNamedClinician => followup::no_named_clinician(ctx),
        RuleId::FollowupOverdue => followup::overdue(ctx),
        RuleId::FollowupDnaOutreach => followup::dna_outreach(ctx),
        RuleId::InterpreterNeedUnknown => interpreter::need_unknown(ctx),
        RuleId::InterpreterBook => interpreter::book(ctx),
        RuleId::InterpreterFlagMissing => interpreter::flag_missing(ctx),
        RuleId::AdviceWellbeingNotGiven => advice::wellbeing_not_given(ctx),
        RuleId::AdviceWellbeingReinforce => advice::wellbeing_reinforce(ctx),
        RuleId::SocialSupportOrg => social::support_org(ctx),
        RuleId::SocialPrescribing => social::prescribing(ctx),
        RuleId::ReferralNoResponse => referral::no_response(ctx),
        RuleId::PsychConsiderReferral => psych::consider_referral(ctx),
        RuleId::PsychTraumaFocusTiming => psych::trauma_focus_timing(ctx),
        RuleId::PsychMedicationFollowup => psych::medication_followup(ctx),
        RuleId::PsychMedicationWithoutTherapy => psych::medication_without_therapy(ctx),
        RuleId::RiskReassessAfterEvent => risk::reassess_after_event(ctx),
        RuleId::RiskAssessNow => risk::assess_now(ctx),
        RuleId::RiskSafetyPlan => risk::safety_plan(ctx),
        RuleId::RiskPossibleRelapse => risk::possible_relapse(ctx),
        RuleId::SomaticExplorePsychological => somatic::explore_psychological(ctx),
        RuleId::ScreeningHepatitisB => screening::hepatitis_b(ctx),
        RuleId::ScreeningHepatitisC => screening::hepatitis_c(ctx),
        RuleId::ScreeningHiv => screening::hiv(ctx),
        RuleId::SexualHealthReferral => screening::sexual_health_referral(ctx),
        RuleId::CodingAbuseUncoded => coding::abuse_uncoded(ctx),
        RuleId::CodingAsylumStatusUncoded => coding::asylum_status_uncoded(ctx),
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{Builder, d};
    use super::*;

    fn action(rule: RuleId, due: Option<&str>) -> Action {
        let info = rule.info();
        Action {
            rule,
            section: info.section,
            urgency: info.urgency,
            due: due.map(d),
            reason: String::new(),
            resolve: info.resolve,
        }
    }

    #[test]
    fn urgency_ids_round_trip_in_worklist_order() {
        let ids: Vec<&str> = Urgency::ALL.iter().map(|u| u.id()).collect();
        assert_eq!(ids, ["urgent", "soon", "routine", "info"]);
        for &u in Urgency::ALL {
            assert_eq!(Urgency::parse(u.id()), Some(u));
        }
        assert!(Urgency::Urgent < Urgency::Info);
    }

    #[test]
    fn population_sort_is_urgency_due_patient_rule() {
        let mut list = vec![
            ("pat-2", action(RuleId::ScreeningHiv, None)),
            ("pat-1", action(RuleId::FollowupOverdue, Some("2026-11-30"))),
            ("pat-3", action(RuleId::RiskAssessNow, Some("2026-11-28"))),
            ("pat-1", action(RuleId::ScreeningHiv, None)),
            ("pat-1", action(RuleId::ScreeningHepatitisB, None)),
            (
                "pat-2",
                action(RuleId::FollowupDnaOutreach, Some("2026-11-30")),
            ),
            ("pat-9", action(RuleId::InterpreterBook, Some("2026-11-29"))),
        ];
        sort_population(&mut list);
        let got: Vec<(&str, &str)> = list.iter().map(|(p, a)| (*p, a.rule.id())).collect();
        assert_eq!(
            got,
            [
                ("pat-3", "risk.assess-now"),
                ("pat-9", "interpreter.book"),
                ("pat-1", "followup.overdue"),
                ("pat-2", "followup.dna-outreach"),
                ("pat-1", "screening.hepatitis-b"),
                ("pat-1", "screening.hiv"),
                ("pat-2", "screening.hiv"),
            ]
        );
    }

    #[test]
    fn a_quiet_record_raises_nothing() {
        let rec = Builder::quiet().build();
        assert_eq!(evaluate(&rec, &Policy::default(), d("2026-11-28")), []);
    }

    #[test]
    fn evaluate_sorts_and_respects_the_policy() {
        // A bare record: no clinician, language, advice or screening — many routine actions.
        let rec = Builder::new()
            .event(crate::record::LifeEventKind::AsylumRefused, d("2026-11-27"))
            .build();
        let policy = Policy::default();
        let actions = evaluate(&rec, &policy, d("2026-11-28"));
        assert_eq!(actions[0].rule, RuleId::RiskReassessAfterEvent);
        assert!(actions.windows(2).all(|w| w[0].cmp_priority(&w[1]).is_le()));
        for a in &actions {
            assert_eq!(a.section, a.info().section);
            assert_eq!(a.urgency, a.info().urgency);
            assert!(a.reason.ends_with('.'), "{}: {}", a.rule, a.reason);
        }
        let mut off = Policy::default();
        off.set_enabled(RuleId::RiskReassessAfterEvent, false);
        let fewer = evaluate(&rec, &off, d("2026-11-28"));
        assert_eq!(fewer.len(), actions.len() - 1);
        assert!(
            fewer
                .iter()
                .all(|a| a.rule != RuleId::RiskReassessAfterEvent)
        );
    }
}
