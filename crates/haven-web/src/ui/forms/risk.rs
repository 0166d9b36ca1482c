//! The suicide and self-harm risk review and the safety plan (§6, NICE NG225), as forms.
//!
//! The review is a structured clinical record, never a score: Haven shows no low / medium /
//! high label anywhere. Current stressors are pre-filled from the negative life events of the
//! practice's stressor window (policy `risk.stressor-window-days`, 90 days unless changed), so
//! the events that prompted the review are in front of the clinician.

use haven_core::Date;
use haven_core::policy::Policy;
use haven_core::record::{EntryBody, PatientRecord, RiskReview, SafetyPlan};
use haven_core::rules::negative_events;

use super::bind::Form;
use super::data::FormData;
use super::{EntryForm, Facts, FormContext, dated_today};

/// Wording chosen so that no risk category is ever named on the form (NICE NG225).
const NG225: &str = "This is a structured record of what the person tells you, not a score or a risk category: NICE NG225 advises against predicting suicide with scales or grading people by risk. Plan for the person’s safety with them.";

pub static RISK_REVIEW: EntryForm =
    EntryForm::new("Record a suicide and self-harm risk review", review)
        .intro(NG225)
        .starts(review_starts)
        .facts(review_facts);

/// Negative life events in the policy's stressor window, newest first, as "Kind (date)": the
/// same events the care rules see, so a refusal recorded only as the asylum situation is there
/// too.
pub fn recent_stressors(record: &PatientRecord, today: Date, policy: &Policy) -> Vec<String> {
    let from = today - time::Duration::days(policy.stressor_window_days().into());
    negative_events(record, today)
        .iter()
        .rev()
        .filter(|e| e.date >= from)
        .map(|e| format!("{} ({})", e.kind.label(), e.date))
        .collect()
}

fn review_facts(ctx: &FormContext<'_>) -> Facts {
    Facts {
        heading: format!(
            "Negative life events in the last {} days",
            ctx.policy.stressor_window_days()
        ),
        items: recent_stressors(ctx.record, ctx.today, ctx.policy),
    }
}

fn review_starts(ctx: &FormContext<'_>) -> FormData {
    let mut d = dated_today(ctx);
    d.set(
        "stressors",
        recent_stressors(ctx.record, ctx.today, ctx.policy).join("\n"),
    );
    d
}

fn review(form: &mut Form<'_>, entry: Option<&EntryBody>) -> Option<EntryBody> {
    let mut f = form.of(entry.and_then(EntryBody::as_risk_review));
    let date = f
        .field("date", "Date of the review")
        .date(|r| r.date, "The date of the review");
    let suicidal_thoughts = f
        .field("suicidal_thoughts", "Current suicidal thoughts")
        .radios(
            |r| r.suicidal_thoughts,
            "Record whether the person has suicidal thoughts now: none, passive or active",
        );
    let plans_or_intent = f
        .field("plans_or_intent", "Plans or intent to act on them")
        .yes_no(
            |r| r.plans_or_intent,
            "Record whether there are plans or intent",
        );
    let recent_self_harm = f.field("recent_self_harm", "Recent self-harm").yes_no(
        |r| r.recent_self_harm,
        "Record whether there has been recent self-harm",
    );
    let stressors = f
        .field("stressors", "Current stressors")
        .hint_from(|policy| {
            format!(
                "Pre-filled with negative life events of the last {} days; add anything else the person describes (§6)",
                policy.stressor_window_days()
            )
        })
        .textarea(|r| r.stressors.clone());
    let protective_factors = f
        .field("protective_factors", "Protective factors")
        .hint("What keeps the person going: people, faith, plans, reasons for living")
        .textarea(|r| r.protective_factors.clone());
    let formulation = f
        .field("formulation", "Formulation")
        .hint("Your understanding of the person’s situation and needs, in your own words")
        .required_textarea(
            |r| r.formulation.clone(),
            "Write a formulation of the person’s situation",
        );
    let next_review = f
        .field("next_review", "Next review agreed with the person")
        .hint("Optional. While this date is ahead, follow-up is due by it; if it passes without a contact, the follow-up shows as overdue from this date (§1)")
        .optional_date(|r| r.next_review, "The next review date");
    Some(EntryBody::RiskReview(RiskReview {
        date: date?,
        suicidal_thoughts: suicidal_thoughts?,
        plans_or_intent: plans_or_intent?,
        recent_self_harm: recent_self_harm?,
        stressors,
        protective_factors,
        formulation,
        next_review,
    }))
}

/// The six parts of a safety plan: `(field, heading on the form and the printout)`.
pub const PLAN_PARTS: [(&str, &str); 6] = [
    (
        "warning_signs",
        "Warning signs that a crisis may be starting",
    ),
    ("coping_strategies", "Things I can do to help myself"),
    ("people_and_places", "People and places that help"),
    (
        "professionals_and_crisis",
        "Professionals and crisis contacts",
    ),
    ("safer_surroundings", "Making my surroundings safer"),
    ("reasons_for_living", "My reasons for living"),
];

/// A plan's six parts in [`PLAN_PARTS`] order.
pub fn plan_texts(p: &SafetyPlan) -> [&str; 6] {
    [
        &p.warning_signs,
        &p.coping_strategies,
        &p.people_and_places,
        &p.professionals_and_crisis,
        &p.safer_surroundings,
        &p.reasons_for_living,
    ]
}

pub static SAFETY_PLAN: EntryForm = EntryForm::new("Record a safety plan", plan)
    .intro("Agree the plan with the person, in their words, and give them a printed copy in their language.");

fn plan(form: &mut Form<'_>, entry: Option<&EntryBody>) -> Option<EntryBody> {
    let mut f = form.of(entry.and_then(EntryBody::as_safety_plan));
    let date = f
        .field("date", "Date agreed")
        .date(|p| p.date, "The date the plan was agreed");
    let parts = std::array::from_fn::<_, 6, _>(|i| {
        let (name, label) = PLAN_PARTS[i];
        f.field(name, label)
            .hint("In the person’s own words where possible")
            .textarea(|p| plan_texts(p)[i].to_owned())
    });
    if parts.iter().all(String::is_empty) {
        f.error("warning_signs", "Write at least one part of the plan");
    }
    let [
        warning_signs,
        coping_strategies,
        people_and_places,
        professionals_and_crisis,
        safer_surroundings,
        reasons_for_living,
    ] = parts;
    Some(EntryBody::SafetyPlan(SafetyPlan {
        date: date?,
        warning_signs,
        coping_strategies,
        people_and_places,
        professionals_and_crisis,
        safer_surroundings,
        reasons_for_living,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::form::FormErrors;
    use haven_core::record::{Entry, LifeEvent, LifeEventKind, Patient, SuicidalThoughts};
    use time::macros::{date, datetime};

    fn record_with_events(events: &[(LifeEventKind, Date)]) -> PatientRecord {
        let mut r = PatientRecord::new(Patient::new("pat-1".into(), "A", "B"));
        for (i, &(kind, date)) in events.iter().enumerate() {
            let body = EntryBody::LifeEvent(LifeEvent {
                kind,
                date,
                note: "private words".into(),
            });
            r.entries.push(Entry::new(
                format!("e{i}").as_str().into(),
                "pat-1".into(),
                body,
                "dr.a".into(),
                datetime!(2026-11-01 9:00 UTC),
            ));
        }
        r
    }

    #[test]
    fn stressors_are_the_last_ninety_days_of_events_newest_first() {
        let today = date!(2026 - 11 - 28);
        let policy = Policy::default();
        let r = record_with_events(&[
            (LifeEventKind::AsylumRefused, date!(2026 - 11 - 27)),
            (LifeEventKind::BadNewsFromHome, date!(2026 - 08 - 01)),
            (LifeEventKind::LossOfHope, date!(2026 - 10 - 01)),
        ]);
        assert_eq!(
            recent_stressors(&r, today, &policy),
            [
                "Asylum claim refused (2026-11-27)",
                "Loss of hope (2026-10-01)"
            ]
        );
        let d = review_starts(&FormContext {
            record: &r,
            today,
            policy: &policy,
        });
        assert_eq!(
            d.get("stressors"),
            "Asylum claim refused (2026-11-27)\nLoss of hope (2026-10-01)"
        );
        assert!(
            !d.get("stressors").contains("private words"),
            "notes are not copied"
        );
    }

    #[test]
    fn the_stressor_window_is_the_practice_policy() {
        let today = date!(2026 - 11 - 28);
        let r = record_with_events(&[
            (LifeEventKind::AsylumRefused, date!(2026 - 11 - 27)),
            (LifeEventKind::LossOfHope, date!(2026 - 10 - 01)),
        ]);
        let mut policy = Policy::default();
        policy
            .set("risk.stressor-window-days", "30")
            .expect("valid");
        let ctx = FormContext {
            record: &r,
            today,
            policy: &policy,
        };
        let facts = review_facts(&ctx);
        assert_eq!(facts.heading, "Negative life events in the last 30 days");
        assert_eq!(facts.items, ["Asylum claim refused (2026-11-27)"]);
        let hint = RISK_REVIEW
            .fields(&policy)
            .into_iter()
            .find(|f| f.name == "stressors")
            .map(|f| f.hint.into_owned());
        assert!(hint.is_some_and(|h| h.contains("of the last 30 days")));
    }

    #[test]
    fn stressors_include_a_refusal_recorded_as_the_asylum_situation() {
        use haven_core::record::{AsylumSituation, AsylumStatus};
        let today = date!(2026 - 11 - 28);
        let mut r = record_with_events(&[(LifeEventKind::LossOfHope, date!(2026 - 11 - 01))]);
        for (i, (status, since)) in [
            (AsylumStatus::Appeal, date!(2026 - 06 - 01)),
            (AsylumStatus::Refused, date!(2026 - 11 - 20)),
        ]
        .into_iter()
        .enumerate()
        {
            let body = EntryBody::Asylum(AsylumSituation {
                status,
                since,
                coded: true,
                note: String::new(),
            });
            r.entries.push(Entry::new(
                format!("a{i}").as_str().into(),
                "pat-1".into(),
                body,
                "dr.a".into(),
                datetime!(2026-11-20 9:00 UTC),
            ));
        }
        assert_eq!(
            recent_stressors(&r, today, &Policy::default()),
            ["Appeal dismissed (2026-11-20)", "Loss of hope (2026-11-01)"]
        );
    }

    #[test]
    fn review_and_plan_round_trip_and_never_grade_risk() {
        let review = EntryBody::RiskReview(RiskReview {
            date: date!(2026 - 11 - 28),
            suicidal_thoughts: SuicidalThoughts::Passive,
            plans_or_intent: false,
            recent_self_harm: true,
            stressors: "s".into(),
            protective_factors: "p".into(),
            formulation: "f".into(),
            next_review: Some(date!(2026 - 12 - 05)),
        });
        let mut errors = FormErrors::default();
        assert_eq!(
            RISK_REVIEW.parse(&RISK_REVIEW.values(&review), &mut errors),
            Some(review)
        );
        let plan = EntryBody::SafetyPlan(SafetyPlan {
            date: date!(2026 - 11 - 28),
            warning_signs: "w".into(),
            coping_strategies: String::new(),
            people_and_places: "p".into(),
            professionals_and_crisis: "c".into(),
            safer_surroundings: String::new(),
            reasons_for_living: "r".into(),
        });
        assert_eq!(
            SAFETY_PLAN.parse(&SAFETY_PLAN.values(&plan), &mut errors),
            Some(plan)
        );
        assert!(errors.is_empty());
        let words: Vec<String> = RISK_REVIEW
            .fields(&Policy::default())
            .iter()
            .flat_map(|f| [f.label.to_lowercase(), f.hint.to_lowercase()])
            .collect();
        for w in &words {
            for banned in [
                "low risk",
                "medium risk",
                "high risk",
                "risk level",
                "risk score",
            ] {
                assert!(!w.contains(banned), "{w}");
            }
        }
    }

    #[test]
    fn a_review_needs_each_answer() {
        let mut errors = FormErrors::default();
        assert_eq!(
            RISK_REVIEW.parse(&FormData::parse(b"date=2026-11-28"), &mut errors),
            None
        );
        for f in [
            "suicidal_thoughts",
            "plans_or_intent",
            "recent_self_harm",
            "formulation",
        ] {
            assert!(errors.has(f), "{f}");
        }
        let mut errors = FormErrors::default();
        SAFETY_PLAN.parse(&FormData::parse(b"date=2026-11-28"), &mut errors);
        assert!(errors.has("warning_signs"));
    }
}
