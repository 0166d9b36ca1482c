//! The suicide and self-harm risk review and the safety plan (§6, NICE NG225): their forms.
//! The safety plan's print view is a handout (`ui::handouts::safety_plan`).
//!
//! The review is a structured clinical record, never a score: Haven shows no low / medium /
//! high label anywhere. Current stressors are pre-filled from the negative life events of the
//! last 90 days, so the events that prompted the review are in front of the clinician.

use haven_core::Date;
use haven_core::record::{EntryBody, PatientRecord, RiskReview, SafetyPlan, SuicidalThoughts};
use haven_core::rules::negative_events;

use super::forms::data::{FormData, date_value, yes_no_value};
use super::forms::fields::{Field, Input, options, yes_no};
use crate::ui::form::FormErrors;

/// Life events this many days back are offered as current stressors.
pub const STRESSOR_WINDOW_DAYS: i64 = 90;

/// Negative life events in the stressor window, newest first, as "Kind (date)": the same
/// events the care rules see, so a refusal recorded only as the asylum situation is there too.
pub fn recent_stressors(record: &PatientRecord, today: Date) -> Vec<String> {
    let from = today - time::Duration::days(STRESSOR_WINDOW_DAYS);
    negative_events(record, today)
        .iter()
        .rev()
        .filter(|e| e.date >= from)
        .map(|e| format!("{} ({})", e.kind.label(), e.date))
        .collect()
}

pub fn review_fields() -> Vec<Field> {
    vec![
        Field::new("date", "Date of the review", "", Input::Date),
        Field::new(
            "suicidal_thoughts",
            "Current suicidal thoughts",
            "",
            Input::Radios(options(
                SuicidalThoughts::ALL,
                SuicidalThoughts::id,
                SuicidalThoughts::label,
            )),
        ),
        Field::new(
            "plans_or_intent",
            "Plans or intent to act on them",
            "",
            Input::Radios(yes_no()),
        ),
        Field::new(
            "recent_self_harm",
            "Recent self-harm",
            "",
            Input::Radios(yes_no()),
        ),
        Field::new(
            "stressors",
            "Current stressors",
            "Pre-filled with negative life events of the last 90 days; add anything else the person describes (§6)",
            Input::Textarea,
        ),
        Field::new(
            "protective_factors",
            "Protective factors",
            "What keeps the person going: people, faith, plans, reasons for living",
            Input::Textarea,
        ),
        Field::new(
            "formulation",
            "Formulation",
            "Your understanding of the person’s situation and needs, in your own words",
            Input::Textarea,
        ),
        Field::new(
            "next_review",
            "Next review agreed with the person",
            "Optional. While this date is ahead, follow-up is due by it; if it passes without a contact, the follow-up shows as overdue from this date (§1)",
            Input::Date,
        ),
    ]
}

pub fn review_defaults(record: &PatientRecord, today: Date) -> FormData {
    let mut d = FormData::default();
    d.set("date", date_value(today));
    d.set("stressors", recent_stressors(record, today).join("\n"));
    d
}

pub fn review_parse(data: &FormData, errors: &mut FormErrors) -> Option<EntryBody> {
    let date = data.date("date", errors, "The date of the review");
    let thoughts = data.coded(
        "suicidal_thoughts",
        SuicidalThoughts::parse,
        errors,
        "Record whether the person has suicidal thoughts now: none, passive or active",
    );
    let plans = data.yes_no(
        "plans_or_intent",
        errors,
        "Record whether there are plans or intent",
    );
    let self_harm = data.yes_no(
        "recent_self_harm",
        errors,
        "Record whether there has been recent self-harm",
    );
    let formulation = errors.required(
        data.get("formulation"),
        "formulation",
        "Write a formulation of the person’s situation",
    );
    let next_review = data.optional_date("next_review", errors, "The next review date");
    Some(EntryBody::RiskReview(RiskReview {
        date: date?,
        suicidal_thoughts: thoughts?,
        plans_or_intent: plans?,
        recent_self_harm: self_harm?,
        stressors: data.text("stressors"),
        protective_factors: data.text("protective_factors"),
        formulation,
        next_review,
    }))
}

pub fn review_values(body: &EntryBody) -> FormData {
    let mut d = FormData::default();
    if let EntryBody::RiskReview(r) = body {
        d.set("date", date_value(r.date));
        d.set("suicidal_thoughts", r.suicidal_thoughts.id());
        d.set("plans_or_intent", yes_no_value(r.plans_or_intent));
        d.set("recent_self_harm", yes_no_value(r.recent_self_harm));
        d.set("stressors", r.stressors.clone());
        d.set("protective_factors", r.protective_factors.clone());
        d.set("formulation", r.formulation.clone());
        if let Some(n) = r.next_review {
            d.set("next_review", date_value(n));
        }
    }
    d
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

pub fn plan_fields() -> Vec<Field> {
    let mut f = vec![Field::new("date", "Date agreed", "", Input::Date)];
    f.extend(PLAN_PARTS.iter().map(|&(name, label)| {
        Field::new(
            name,
            label,
            "In the person’s own words where possible",
            Input::Textarea,
        )
    }));
    f
}

pub fn plan_parse(data: &FormData, errors: &mut FormErrors) -> Option<EntryBody> {
    let date = data.date("date", errors, "The date the plan was agreed");
    let parts = PLAN_PARTS.map(|(name, _)| data.text(name));
    if parts.iter().all(String::is_empty) {
        errors.add("warning_signs", "Write at least one part of the plan");
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

pub fn plan_values(body: &EntryBody) -> FormData {
    let mut d = FormData::default();
    if let EntryBody::SafetyPlan(p) = body {
        d.set("date", date_value(p.date));
        for ((name, _), text) in PLAN_PARTS.iter().zip(plan_texts(p)) {
            d.set(name, text);
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use haven_core::record::{Entry, LifeEvent, LifeEventKind, Patient};
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
        let r = record_with_events(&[
            (LifeEventKind::AsylumRefused, date!(2026 - 11 - 27)),
            (LifeEventKind::BadNewsFromHome, date!(2026 - 08 - 01)),
            (LifeEventKind::LossOfHope, date!(2026 - 10 - 01)),
        ]);
        assert_eq!(
            recent_stressors(&r, today),
            [
                "Asylum claim refused (2026-11-27)",
                "Loss of hope (2026-10-01)"
            ]
        );
        let d = review_defaults(&r, today);
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
            recent_stressors(&r, today),
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
            review_parse(&review_values(&review), &mut errors),
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
        assert_eq!(plan_parse(&plan_values(&plan), &mut errors), Some(plan));
        assert!(errors.is_empty());
        let words: Vec<String> = review_fields()
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
            review_parse(&FormData::parse(b"date=2026-11-28"), &mut errors),
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
        plan_parse(&FormData::parse(b"date=2026-11-28"), &mut errors);
        assert!(errors.has("warning_signs"));
    }
}
