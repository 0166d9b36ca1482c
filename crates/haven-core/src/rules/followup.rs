//! §1 Relationship and follow-up: a named lead clinician, the review interval and overdue
//! contact, and outreach after a missed appointment.

use super::context::{Context, add_days};
use super::{Action, RuleId};
use crate::Date;
use crate::policy::Policy;
use crate::record::{
    ContactStatus, EntryBody, LifeEventKind, Outreach, PatientRecord, SuicidalThoughts,
};

/// How often a patient should be in contact, as docs/rules.md §1 decides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewInterval {
    /// The latest risk review agreed a next review that is still after today.
    Agreed { review: Date, next: Date },
    /// The latest risk review agreed a next review that is today or has passed, with no
    /// contact since the review: follow-up is due on the agreed date, whatever a policy
    /// interval would say.
    Missed { review: Date, next: Date },
    /// A policy interval, and what chose it.
    Policy { days: u32, basis: IntervalBasis },
}

/// Why a policy interval applies; each names the fact and its date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntervalBasis {
    NegativeEvent {
        date: Date,
        kind: LifeEventKind,
    },
    /// Active suicidal thoughts, plans or intent, or recent self-harm in the latest review.
    ActiveRisk {
        review: Date,
    },
    PassiveThoughts {
        review: Date,
    },
    MedicationStarted {
        date: Date,
    },
    AsylumUndecided,
    Settled,
}

impl IntervalBasis {
    /// The clause a reason ends with, e.g. `" while the asylum claim is undecided"`.
    fn clause(self) -> String {
        match self {
            Self::NegativeEvent { date, kind } => {
                format!(
                    " after a negative life event on {date} ({})",
                    kind.label().to_lowercase()
                )
            }
            Self::ActiveRisk { review } => format!(
                " as the risk review on {review} recorded active suicidal thoughts, plans or recent self-harm"
            ),
            Self::PassiveThoughts { review } => {
                format!(" as the risk review on {review} recorded passive suicidal thoughts")
            }
            Self::MedicationStarted { date } => {
                format!(" after psychotropic medication started on {date}")
            }
            Self::AsylumUndecided => " while the asylum claim is undecided".to_owned(),
            Self::Settled => String::new(),
        }
    }
}

/// The review interval for `record` on `today` (for the summary page; the rules use the same
/// function through their context).
pub fn review_interval(record: &PatientRecord, policy: &Policy, today: Date) -> ReviewInterval {
    interval(&Context::new(record, policy, today))
}

pub(super) fn interval(ctx: &Context<'_>) -> ReviewInterval {
    let p = ctx.policy;
    let review = ctx.latest_review;
    if let Some(r) = review
        && let Some(next) = r.next_review
    {
        if ctx.is_ahead(next) {
            return ReviewInterval::Agreed {
                review: r.date,
                next,
            };
        }
        // A contact on the review's own day is the one the review was part of; only a later
        // one is the agreed review taking place.
        if !ctx.encounter_after(r.date) {
            return ReviewInterval::Missed {
                review: r.date,
                next,
            };
        }
    }
    let policy = |days, basis| ReviewInterval::Policy { days, basis };
    let recent_event = ctx
        .negative_events
        .last()
        .filter(|e| ctx.within_last(e.date, p.event_window_days));
    if let Some(e) = recent_event {
        let basis = IntervalBasis::NegativeEvent {
            date: e.date,
            kind: e.kind,
        };
        return policy(p.interval_acute_days, basis);
    }
    if let Some(r) = review {
        if r.suicidal_thoughts == SuicidalThoughts::Active
            || r.plans_or_intent
            || r.recent_self_harm
        {
            return policy(
                p.interval_acute_days,
                IntervalBasis::ActiveRisk { review: r.date },
            );
        }
        if r.suicidal_thoughts == SuicidalThoughts::Passive {
            return policy(
                p.interval_close_days,
                IntervalBasis::PassiveThoughts { review: r.date },
            );
        }
    }
    let started = ctx
        .bodies(EntryBody::as_medication)
        .map(|m| m.started)
        .filter(|&s| ctx.within_last(s, p.medication_window_days))
        .max();
    if let Some(date) = started {
        return policy(
            p.interval_close_days,
            IntervalBasis::MedicationStarted { date },
        );
    }
    if !ctx.asylum_granted() {
        return policy(p.interval_undecided_days, IntervalBasis::AsylumUndecided);
    }
    policy(p.interval_settled_days, IntervalBasis::Settled)
}

/// `continuity.no-named-clinician`
pub(super) fn no_named_clinician(ctx: &Context<'_>) -> Option<Action> {
    ctx.record.patient.named_clinician.is_none().then(|| {
        ctx.action(
            RuleId::ContinuityNoNamedClinician,
            None,
            "No named lead clinician is recorded.".to_owned(),
        )
    })
}

/// `followup.overdue`
pub(super) fn overdue(ctx: &Context<'_>) -> Option<Action> {
    let (days, basis) = match interval(ctx) {
        ReviewInterval::Agreed { .. } => return None,
        ReviewInterval::Missed { review, next } => {
            return Some(ctx.action(
                RuleId::FollowupOverdue,
                Some(next),
                format!(
                    "The risk review on {review} agreed the next review for {next}; no contact since the review."
                ),
            ));
        }
        ReviewInterval::Policy { days, basis } => (days, basis),
    };
    let every = format!("contact is due every {days} days{}", basis.clause());
    let (due, reason) = match ctx.last_encounter {
        Some(last) => (
            add_days(last, days),
            format!("Last contact on {last}; {every}."),
        ),
        None => match ctx
            .visible()
            .map(|e| e.body.date())
            .filter(|&d| ctx.has_come(d))
            .min()
        {
            Some(first) => (
                add_days(first, days),
                format!("No contact recorded since the first entry on {first}; {every}."),
            ),
            None => (
                ctx.names_today(),
                format!("No contact recorded yet; {every}."),
            ),
        },
    };
    ctx.has_come(due)
        .then(|| ctx.action(RuleId::FollowupOverdue, Some(due), reason))
}

/// `followup.dna-outreach`
pub(super) fn dna_outreach(ctx: &Context<'_>) -> Option<Action> {
    let (_, latest) = ctx.latest(EntryBody::as_planned_contact)?;
    let missed = latest.date;
    if latest.status != ContactStatus::DidNotAttend
        || ctx.is_ahead(missed)
        || ctx.encounter_since(missed)
    {
        return None;
    }
    // Outreach since the missed day, oldest first; getting through to the person resolves it.
    let attempts: Vec<&Outreach> = ctx
        .bodies(EntryBody::as_outreach)
        .filter(|o| o.date >= missed)
        .collect();
    if attempts.iter().any(|o| o.outcome.contact_made()) {
        return None;
    }
    let tried = match attempts.as_slice() {
        [] => String::new(),
        [.., last] => format!(
            "; {} without reaching the person, the latest on {} ({})",
            match attempts.len() {
                1 => "1 outreach".to_owned(),
                n => format!("{n} outreach attempts"),
            },
            last.date,
            last.outcome.label().to_lowercase()
        ),
    };
    Some(ctx.action(
        RuleId::FollowupDnaOutreach,
        Some(add_days(missed, ctx.policy.dna_outreach_days)),
        format!("The appointment on {missed} was not attended; no contact since{tried}."),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{AsylumStatus, ContactStatus::*, LifeEventKind::*};
    use crate::rules::test_support::{Builder, TODAY, assert_switch_off, check, d, fires};

    const OVERDUE: RuleId = RuleId::FollowupOverdue;
    const DNA: RuleId = RuleId::FollowupDnaOutreach;

    fn interval_on(b: Builder, today: &str) -> ReviewInterval {
        review_interval(&b.build(), &Policy::default(), d(today))
    }

    fn days(b: Builder, today: &str) -> u32 {
        match interval_on(b, today) {
            ReviewInterval::Policy { days, .. } => days,
            ReviewInterval::Agreed { .. } | ReviewInterval::Missed { .. } => 0,
        }
    }

    #[test]
    fn named_clinician() {
        let rule = RuleId::ContinuityNoNamedClinician;
        let bare = Builder::new().build();
        assert_eq!(
            check(rule, &bare, TODAY),
            "- | No named lead clinician is recorded."
        );
        let named = Builder::new().patient(|p| p.named_clinician = Some("dr.lee".into()));
        assert_eq!(check(rule, &named.build(), TODAY), "none");
        assert_switch_off(rule, &bare, TODAY);
    }

    #[test]
    fn interval_follows_the_rules_md_order() {
        let granted = || Builder::new().asylum(AsylumStatus::GrantedRefugee, d("2025-01-01"), true);
        assert_eq!(days(granted(), TODAY), 84);
        assert_eq!(
            days(Builder::new(), TODAY),
            28,
            "no asylum entry counts as undecided"
        );
        let refused = Builder::new().asylum(AsylumStatus::Refused, d("2026-01-01"), true);
        assert_eq!(days(refused, TODAY), 28);
        assert_eq!(days(granted().medication(d("2026-11-01"), None), TODAY), 14);
        let passive = granted().review_with(d("2026-06-01"), |r| {
            r.suicidal_thoughts = SuicidalThoughts::Passive;
        });
        assert_eq!(days(passive, TODAY), 14);
        for change in [
            |r: &mut crate::record::RiskReview| r.suicidal_thoughts = SuicidalThoughts::Active,
            |r: &mut crate::record::RiskReview| r.plans_or_intent = true,
            |r: &mut crate::record::RiskReview| r.recent_self_harm = true,
        ] {
            assert_eq!(
                days(granted().review_with(d("2026-06-01"), change), TODAY),
                7
            );
        }
        let event = granted().event(BadNewsFromHome, d("2026-11-10"));
        assert_eq!(
            interval_on(event, TODAY),
            ReviewInterval::Policy {
                days: 7,
                basis: IntervalBasis::NegativeEvent {
                    date: d("2026-11-10"),
                    kind: BadNewsFromHome
                }
            }
        );
    }

    #[test]
    fn a_recent_refusal_or_detention_recorded_as_the_situation_shortens_the_interval() {
        for (status, kind) in [
            (AsylumStatus::Refused, AsylumRefused),
            (AsylumStatus::Detained, FacingReturn),
            (AsylumStatus::FacingRemoval, FacingReturn),
        ] {
            let b = Builder::new()
                .asylum(AsylumStatus::AwaitingDecision, d("2026-01-01"), true)
                .asylum(status, d("2026-11-20"), true);
            assert_eq!(
                interval_on(b, TODAY),
                ReviewInterval::Policy {
                    days: 7,
                    basis: IntervalBasis::NegativeEvent {
                        date: d("2026-11-20"),
                        kind
                    }
                },
                "{status:?}"
            );
        }
        let dismissed = Builder::new()
            .asylum(AsylumStatus::Appeal, d("2026-06-01"), true)
            .asylum(AsylumStatus::Refused, d("2026-11-20"), true)
            .encounter(d("2026-11-01"))
            .build();
        assert_eq!(
            check(OVERDUE, &dismissed, TODAY),
            "2026-11-08 | Last contact on 2026-11-01; contact is due every 7 days after a negative life event on 2026-11-20 (appeal dismissed)."
        );
        // Outside the 28-day window the claim is simply undecided.
        let old = Builder::new().asylum(AsylumStatus::Detained, d("2026-10-30"), true);
        assert_eq!(days(old, TODAY), 28);
    }

    #[test]
    fn interval_windows_include_their_first_day() {
        let granted = || Builder::new().asylum(AsylumStatus::GrantedOther, d("2025-01-01"), true);
        // 2026-10-31 is 28 days before 2026-11-28.
        assert_eq!(days(granted().event(LossOfHope, d("2026-10-31")), TODAY), 7);
        assert_eq!(
            days(granted().event(LossOfHope, d("2026-10-30")), TODAY),
            84
        );
        assert_eq!(days(granted().medication(d("2026-10-31"), None), TODAY), 14);
        assert_eq!(days(granted().medication(d("2026-10-30"), None), TODAY), 84);
        assert_eq!(
            days(
                granted().event(LossOfHope, d("2026-11-20")).in_error(),
                TODAY
            ),
            84,
            "entered-in-error events are ignored"
        );
    }

    #[test]
    fn agreed_next_review_applies_only_while_ahead() {
        let with_next = |next: &'static str| {
            Builder::new().review_with(d("2026-11-01"), move |r| {
                r.suicidal_thoughts = SuicidalThoughts::Passive;
                r.next_review = Some(d(next));
            })
        };
        assert_eq!(
            interval_on(with_next("2026-11-29"), TODAY),
            ReviewInterval::Agreed {
                review: d("2026-11-01"),
                next: d("2026-11-29")
            }
        );
        // A long-overdue contact is not flagged while the agreed date is ahead.
        let rec = with_next("2026-12-05").encounter(d("2026-08-01")).build();
        assert_eq!(check(OVERDUE, &rec, TODAY), "none");
        // On the agreed day it is no longer ahead: with no contact since the review, the
        // agreed review is due that day.
        assert_eq!(
            interval_on(with_next("2026-11-28"), TODAY),
            ReviewInterval::Missed {
                review: d("2026-11-01"),
                next: d("2026-11-28")
            }
        );
        // After it, a contact since the review hands over to the policy interval (passive
        // thoughts: 14 days from that contact).
        let seen = with_next("2026-11-20").encounter(d("2026-11-10"));
        assert_eq!(days(seen, TODAY), 14);
        let rec = with_next("2026-11-20").encounter(d("2026-11-10")).build();
        assert_eq!(
            check(OVERDUE, &rec, TODAY),
            "2026-11-24 | Last contact on 2026-11-10; contact is due every 14 days as the risk review on 2026-11-01 recorded passive suicidal thoughts."
        );
    }

    #[test]
    fn a_passed_agreed_review_with_no_contact_since_is_overdue_from_the_agreed_date() {
        let with_next = |next: &'static str| {
            Builder::new().review_with(d("2026-11-01"), move |r| {
                r.next_review = Some(d(next));
            })
        };
        let expected = "2026-11-20 | The risk review on 2026-11-01 agreed the next review for 2026-11-20; no contact since the review.";
        // The policy interval (28 days, undecided claim) from the contact on the review's day
        // would not be due until 2026-11-29: the agreed date is not hidden behind it.
        let rec = with_next("2026-11-20").encounter(d("2026-11-01")).build();
        assert_eq!(check(OVERDUE, &rec, TODAY), expected);
        // A longer settled interval (84 days) hides nothing either.
        let settled = with_next("2026-11-20")
            .asylum(AsylumStatus::GrantedRefugee, d("2025-01-01"), true)
            .encounter(d("2026-11-01"))
            .build();
        assert_eq!(check(OVERDUE, &settled, TODAY), expected);
        // Nor does a shorter one move the due date: it is the date the person agreed to.
        let after_event = with_next("2026-11-20")
            .encounter(d("2026-10-01"))
            .event(LossOfHope, d("2026-10-20"))
            .build();
        assert_eq!(check(OVERDUE, &after_event, TODAY), expected);
        // No contact at all since the review, not even on its day.
        assert_eq!(
            check(OVERDUE, &with_next("2026-11-20").build(), TODAY),
            expected
        );
        // Due on the agreed day itself, not before.
        assert_eq!(
            check(OVERDUE, &with_next("2026-11-28").build(), TODAY),
            "2026-11-28 | The risk review on 2026-11-01 agreed the next review for 2026-11-28; no contact since the review."
        );
        assert_eq!(
            check(OVERDUE, &with_next("2026-11-28").build(), "2026-11-27"),
            "none"
        );
        // A contact after the review, before or on the agreed date, resolves it.
        for seen in ["2026-11-02", "2026-11-20"] {
            let rec = with_next("2026-11-20").encounter(d(seen)).build();
            assert_eq!(check(OVERDUE, &rec, TODAY), "none", "seen on {seen}");
        }
        // A contact entered in error does not.
        let in_error = with_next("2026-11-20")
            .encounter(d("2026-11-25"))
            .in_error()
            .build();
        assert_eq!(check(OVERDUE, &in_error, TODAY), expected);
        // Only the latest review's agreement counts: a later review without a date returns
        // to the policy interval.
        let later_review = with_next("2026-11-20")
            .encounter(d("2026-11-01"))
            .review(d("2026-11-05"))
            .build();
        assert_eq!(check(OVERDUE, &later_review, TODAY), "none");
        assert_switch_off(OVERDUE, &rec, TODAY);
    }

    #[test]
    fn overdue_fires_on_and_after_the_due_date() {
        // Undecided claim: 28 days; contact on 2026-10-31 is due again on 2026-11-28.
        let b = || Builder::new().asylum(AsylumStatus::AwaitingDecision, d("2026-01-01"), true);
        let rec = b().encounter(d("2026-10-31")).build();
        assert_eq!(
            check(OVERDUE, &rec, "2026-11-28"),
            "2026-11-28 | Last contact on 2026-10-31; contact is due every 28 days while the asylum claim is undecided."
        );
        assert!(fires(OVERDUE, &rec, "2026-11-29"));
        assert!(!fires(OVERDUE, &rec, "2026-11-27"));
        let seen = b()
            .encounter(d("2026-10-31"))
            .encounter(d("2026-11-28"))
            .build();
        assert_eq!(check(OVERDUE, &seen, TODAY), "none");
        let in_error = b()
            .encounter(d("2026-10-31"))
            .encounter(d("2026-11-28"))
            .in_error()
            .build();
        assert!(fires(OVERDUE, &in_error, TODAY));
        assert_switch_off(OVERDUE, &rec, TODAY);
    }

    #[test]
    fn overdue_after_an_event_names_it() {
        let rec = Builder::new()
            .encounter(d("2026-11-01"))
            .event(AsylumRefused, d("2026-11-20"))
            .build();
        assert_eq!(
            check(OVERDUE, &rec, TODAY),
            "2026-11-08 | Last contact on 2026-11-01; contact is due every 7 days after a negative life event on 2026-11-20 (asylum claim refused)."
        );
    }

    #[test]
    fn overdue_without_any_contact() {
        let rec = Builder::new().disclosure(None, d("2026-10-01")).build();
        assert_eq!(
            check(OVERDUE, &rec, TODAY),
            "2026-10-29 | No contact recorded since the first entry on 2026-10-01; contact is due every 28 days while the asylum claim is undecided."
        );
        let recent = Builder::new().disclosure(None, d("2026-11-20")).build();
        assert_eq!(check(OVERDUE, &recent, TODAY), "none");
        assert_eq!(
            check(OVERDUE, &Builder::new().build(), TODAY),
            "2026-11-28 | No contact recorded yet; contact is due every 28 days while the asylum claim is undecided."
        );
        // A booked appointment ahead is not a first entry to count from.
        let booked = Builder::new()
            .planned(d("2026-12-01"), Booked, false)
            .build();
        assert_eq!(check(OVERDUE, &booked, TODAY).get(..10), Some("2026-11-28"));
    }

    #[test]
    fn dna_outreach() {
        let b = || Builder::new().planned(d("2026-11-25"), DidNotAttend, false);
        assert_eq!(
            check(DNA, &b().build(), TODAY),
            "2026-11-28 | The appointment on 2026-11-25 was not attended; no contact since."
        );
        assert_eq!(
            check(DNA, &b().encounter(d("2026-11-25")).build(), TODAY),
            "none"
        );
        assert!(fires(DNA, &b().encounter(d("2026-11-24")).build(), TODAY));
        assert_eq!(
            check(
                DNA,
                &b().planned(d("2026-12-02"), Booked, false).build(),
                TODAY
            ),
            "none"
        );
        assert!(!fires(DNA, &b().in_error().build(), TODAY));
        let cancelled = Builder::new()
            .planned(d("2026-11-25"), Cancelled, false)
            .build();
        assert!(!fires(DNA, &cancelled, TODAY));
        // Evaluated before the missed date, the appointment has not been missed yet.
        assert!(!fires(DNA, &b().build(), "2026-11-24"));
        assert_switch_off(DNA, &b().build(), TODAY);
    }

    #[test]
    fn dna_outreach_is_resolved_by_getting_through_not_by_trying() {
        use crate::record::{OutreachMethod, OutreachOutcome};
        let missed = || Builder::new().planned(d("2026-11-25"), DidNotAttend, false);
        let tried =
            |b: Builder, date, outcome| b.outreach(d(date), OutreachMethod::Letter, outcome);
        // Each outcome that reached the person clears the action; the others leave it open,
        // naming the attempts.
        for &outcome in OutreachOutcome::ALL {
            let rec = tried(missed(), "2026-11-26", outcome).build();
            assert_eq!(
                fires(DNA, &rec, TODAY),
                !outcome.contact_made(),
                "{outcome:?}"
            );
        }
        let rec = tried(missed(), "2026-11-26", OutreachOutcome::NoAnswer);
        let rec = tried(rec, "2026-11-27", OutreachOutcome::MessageLeft).build();
        assert_eq!(
            check(DNA, &rec, TODAY),
            "2026-11-28 | The appointment on 2026-11-25 was not attended; no contact since; 2 outreach attempts without reaching the person, the latest on 2026-11-27 (message left or sent, no reply yet)."
        );
        let once = tried(missed(), "2026-11-25", OutreachOutcome::NoAnswer).build();
        assert!(check(DNA, &once, TODAY).ends_with(
            "no contact since; 1 outreach without reaching the person, the latest on 2026-11-25 (no answer)."
        ));
        // Contact made before the missed appointment is not outreach after it.
        let before = tried(Builder::new(), "2026-11-20", OutreachOutcome::ContactMade)
            .planned(d("2026-11-25"), DidNotAttend, false)
            .build();
        assert!(fires(DNA, &before, TODAY));
        // Nor does an outreach entered in error count.
        let in_error = tried(missed(), "2026-11-26", OutreachOutcome::ContactMade)
            .in_error()
            .build();
        assert!(fires(DNA, &in_error, TODAY));
        // Evaluated as of a day before the outreach, it has not happened yet.
        let later = tried(missed(), "2026-11-27", OutreachOutcome::ContactMade).build();
        assert!(fires(DNA, &later, "2026-11-26"));
        assert!(!fires(DNA, &later, "2026-11-27"));
    }

    #[test]
    fn dna_outreach_days_follow_the_policy() {
        let rec = Builder::new()
            .planned(d("2026-11-25"), DidNotAttend, false)
            .build();
        let mut policy = Policy::default();
        policy
            .set("followup.dna-outreach-days", "0")
            .expect("valid");
        let a = crate::rules::evaluate_rule(DNA, &rec, &policy, d(TODAY));
        assert_eq!(a.and_then(|a| a.due), Some(d("2026-11-25")));
    }
}
