//! Property tests: evaluation is deterministic, independent of the order of entries, blind to
//! entered-in-error entries, and its actions always agree with the catalogue.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use time::Duration;

use super::test_support::{Builder, d};
use super::{Action, evaluate, evaluate_until};
use crate::instruments::Instrument;
use crate::policy::Policy;
use crate::record::*;
use crate::{Date, LanguageTag};

fn base() -> Date {
    d("2025-06-01")
}

fn date() -> impl Strategy<Value = Date> {
    (0i64..540).prop_map(|n| base() + Duration::days(n))
}

fn later(from: Date, days: Option<i64>) -> Option<Date> {
    days.map(|n| from + Duration::days(n))
}

fn answers(instrument: Instrument, raw: Vec<u8>) -> Vec<u8> {
    (0..instrument.item_count())
        .map(|i| {
            let max = instrument.item_range(i).map_or(0, |r| *r.end());
            raw.get(i).copied().unwrap_or(0).min(max)
        })
        .collect()
}

fn situation() -> impl Strategy<Value = EntryBody> {
    prop_oneof![
        (select(AsylumStatus::ALL), date(), any::<bool>()).prop_map(|(status, since, coded)| {
            EntryBody::Asylum(AsylumSituation {
                status,
                since,
                coded,
                note: String::new(),
            })
        }),
        (option::of(select(AbuseKind::ALL)), date()).prop_map(|(kind, disclosed)| {
            EntryBody::Disclosure(Disclosure {
                kind,
                disclosed,
                note: String::new(),
            })
        }),
        (select(LifeEventKind::ALL), date()).prop_map(|(kind, date)| {
            EntryBody::LifeEvent(LifeEvent {
                kind,
                date,
                note: String::new(),
            })
        }),
        (select(ProblemKind::ALL), date(), option::of(0i64..200)).prop_map(|(kind, onset, end)| {
            EntryBody::Problem(Problem {
                kind,
                onset,
                resolved: later(onset, end),
                note: String::new(),
            })
        }),
        (select(FlagKind::ALL), date())
            .prop_map(|(kind, date)| EntryBody::Flag(Flag { kind, date })),
        (select(AdviceKind::ALL), date()).prop_map(|(kind, date)| {
            EntryBody::Advice(Advice {
                kind,
                date,
                topics: Vec::new(),
                note: String::new(),
            })
        }),
    ]
}

fn contact() -> impl Strategy<Value = EntryBody> {
    prop_oneof![
        (
            date(),
            select(InterpreterUse::ALL),
            vec(select(SomaticComplaint::ALL), 0..3),
            any::<(bool, bool, bool)>()
        )
            .prop_map(|(date, interpreter, somatic, (cause, thoughts, harm))| {
                EntryBody::Encounter(Encounter {
                    date,
                    interpreter,
                    somatic_complaints: somatic,
                    physical_cause_found: cause,
                    suicidal_thoughts_noted: thoughts,
                    self_harm_noted: harm,
                    note: String::new(),
                })
            }),
        (date(), select(ContactStatus::ALL), any::<bool>()).prop_map(|(date, status, booked)| {
            EntryBody::PlannedContact(PlannedContact {
                date,
                status,
                interpreter_booked: booked,
                purpose: String::new(),
                interpreter: None,
            })
        }),
        (
            date(),
            select(OutreachMethod::ALL),
            select(OutreachOutcome::ALL)
        )
            .prop_map(|(date, method, outcome)| {
                EntryBody::Outreach(Outreach {
                    date,
                    method,
                    outcome,
                    note: String::new(),
                })
            }),
        (select(Instrument::all()), date(), vec(0u8..=4, 20)).prop_map(|(i, date, raw)| {
            EntryBody::Questionnaire(QuestionnaireResult::answered(i, date, &answers(i, raw)))
        }),
        // Recorded elsewhere: the true total with some items left out.
        (
            select(Instrument::all()),
            date(),
            vec(0u8..=4, 20),
            vec(any::<bool>(), 20)
        )
            .prop_filter("ITQ has no total", |(i, ..)| *i != Instrument::Itq)
            .prop_map(|(i, date, raw, gaps)| {
                let answers = answers(i, raw);
                let total = crate::instruments::score(i, &answers)
                    .ok()
                    .and_then(|s| s.total());
                let items = answers
                    .iter()
                    .zip(gaps)
                    .map(|(&a, gap)| (!gap).then_some(a))
                    .collect();
                EntryBody::Questionnaire(QuestionnaireResult::recorded(i, date, items, total))
            }),
        (
            date(),
            select(SuicidalThoughts::ALL),
            any::<(bool, bool)>(),
            option::of(0i64..60)
        )
            .prop_map(|(date, thoughts, (plans, harm), next)| {
                EntryBody::RiskReview(RiskReview {
                    date,
                    suicidal_thoughts: thoughts,
                    plans_or_intent: plans,
                    recent_self_harm: harm,
                    stressors: String::new(),
                    protective_factors: String::new(),
                    formulation: String::new(),
                    next_review: later(date, next),
                })
            }),
        date().prop_map(|date| EntryBody::SafetyPlan(SafetyPlan {
            date,
            warning_signs: String::new(),
            coping_strategies: String::new(),
            people_and_places: String::new(),
            professionals_and_crisis: String::new(),
            safer_surroundings: String::new(),
            reasons_for_living: String::new(),
        })),
        (
            select(ScreeningTest::ALL),
            select(ScreeningStatus::ALL),
            date()
        )
            .prop_map(|(test, status, date)| EntryBody::Screening(Screening {
                test,
                status,
                date
            })),
        (
            select(ReferralType::ALL),
            select(ReferralStatus::ALL),
            date(),
            option::of((select(ReferralStatus::ALL), 0i64..90))
        )
            .prop_map(|(kind, status, date, next)| {
                // Sometimes a second status, reached some days after the first.
                let first = Referral::new(kind, status, date);
                EntryBody::Referral(match later(date, next.map(|(_, n)| n)) {
                    Some(on) => first.moved_to(next.map_or(status, |(s, _)| s), on),
                    None => first,
                })
            }),
        (date(), option::of(0i64..120)).prop_map(|(started, stop)| {
            EntryBody::Medication(Medication {
                name: "med".into(),
                started,
                stopped: later(started, stop),
            })
        }),
    ]
}

/// A random record: some demographics and up to 30 entries, some entered-in-error.
fn record() -> impl Strategy<Value = PatientRecord> {
    let patient = any::<(bool, bool, Option<bool>, bool)>();
    let entries = vec(
        (prop_oneof![situation(), contact()], any::<bool>(), 0u8..8),
        0..30,
    );
    (patient, entries).prop_map(|((named, lang, need, support), entries)| {
        let mut b = Builder::new().patient(|p| {
            p.named_clinician = named.then(|| "dr.lee".into());
            p.main_language = lang.then(|| LanguageTag::parse("ar").expect("tag"));
            p.interpreter_required = need;
            p.support_contacts = support.then(|| "drop-in".into());
        });
        for (body, _, error_roll) in entries {
            b = b.entry(body);
            if error_roll == 0 {
                b = b.in_error();
            }
        }
        b.build()
    })
}

fn record_and_shuffle() -> impl Strategy<Value = (PatientRecord, Vec<usize>)> {
    record().prop_flat_map(|rec| {
        let order: Vec<usize> = (0..rec.entries.len()).collect();
        (Just(rec), Just(order).prop_shuffle())
    })
}

fn today() -> impl Strategy<Value = Date> {
    (0i64..600).prop_map(|n| base() + Duration::days(n))
}

fn check_against_catalogue(actions: &[Action]) -> Result<(), TestCaseError> {
    for a in actions {
        let info = a.info();
        prop_assert_eq!(a.section, info.section);
        prop_assert_eq!(a.urgency, info.urgency);
        prop_assert_eq!(a.resolve, info.resolve);
        prop_assert!(a.reason.ends_with('.'), "{}: {}", a.rule, a.reason);
    }
    for w in actions.windows(2) {
        prop_assert!(w[0].cmp_priority(&w[1]).is_lt(), "sorted, one per rule");
    }
    Ok(())
}

proptest! {
    #[test]
    fn evaluation_is_independent_of_entry_order((rec, order) in record_and_shuffle(), today in today()) {
        let policy = Policy::default();
        let first = evaluate(&rec, &policy, today);
        prop_assert_eq!(&first, &evaluate(&rec, &policy, today), "deterministic");
        let mut shuffled = rec.clone();
        shuffled.entries = order.iter().map(|&i| rec.entries[i].clone()).collect();
        prop_assert_eq!(&first, &evaluate(&shuffled, &policy, today));
        check_against_catalogue(&first)?;
    }

    #[test]
    fn entered_in_error_entries_change_nothing(rec in record(), today in today()) {
        let policy = Policy::default();
        let mut clean = rec.clone();
        clean.entries.retain(|e| e.status == crate::record::EntryStatus::Active);
        prop_assert_eq!(evaluate(&rec, &policy, today), evaluate(&clean, &policy, today));
    }

    #[test]
    fn switching_a_rule_off_removes_only_that_rule(rec in record(), today in today(), pick in 0usize..25) {
        let rule = super::RuleId::ALL[pick];
        let on = evaluate(&rec, &Policy::default(), today);
        let mut policy = Policy::default();
        policy.set_enabled(rule, false);
        let expected: Vec<Action> = on.into_iter().filter(|a| a.rule != rule).collect();
        prop_assert_eq!(evaluate(&rec, &policy, today), expected);
    }

    /// The horizon is never late: on every day from the evaluation up to the day before the
    /// horizon, the rules give exactly the same actions (hazard H-65: a stored list left
    /// stale because its day was missed).
    #[test]
    fn actions_stand_until_their_horizon(rec in record(), today in today()) {
        let policy = Policy::default();
        let (actions, until) = evaluate_until(&rec, &policy, today);
        prop_assert_eq!(&actions, &evaluate(&rec, &policy, today));
        if let Some(until) = until {
            prop_assert!(until > today, "the horizon lies ahead");
        }
        // Past the last date the generator makes, plus the longest policy window.
        let last = base() + Duration::days(600 + 800);
        let end = until.unwrap_or(last).min(last);
        let mut day = today;
        while day < end {
            prop_assert_eq!(&evaluate(&rec, &policy, day), &actions, "on {} (horizon {:?})", day, until);
            day = day.next_day().expect("a real day");
        }
    }
}
