//! Test helpers for the rules: a record builder, the `check` helper that renders one rule's
//! outcome as a line of text, and the switch-off assertion every section uses.

use time::Duration;
use time::macros::format_description;

use super::{RuleId, evaluate, evaluate_rule};
use crate::instruments::Instrument;
use crate::policy::Policy;
use crate::record::*;
use crate::{Date, LanguageTag};

/// The project date for examples.
pub const TODAY: &str = "2026-11-28";

/// A date from `YYYY-MM-DD`.
pub fn d(text: &str) -> Date {
    Date::parse(text, format_description!("[year]-[month]-[day]")).expect("test date")
}

/// One rule's outcome as `"<due or -> | <reason>"`, or `"none"` when it does not fire.
pub fn check(rule: RuleId, record: &PatientRecord, today: &str) -> String {
    check_with(rule, record, &Policy::default(), today)
}

pub fn check_with(rule: RuleId, record: &PatientRecord, policy: &Policy, today: &str) -> String {
    match evaluate_rule(rule, record, policy, d(today)) {
        None => "none".to_owned(),
        Some(a) => {
            let due = a.due.map_or("-".to_owned(), |d| d.to_string());
            format!("{due} | {}", a.reason)
        }
    }
}

pub fn fires(rule: RuleId, record: &PatientRecord, today: &str) -> bool {
    evaluate_rule(rule, record, &Policy::default(), d(today)).is_some()
}

/// The rule fires in a full evaluation, and disappears when the policy switches it off.
pub fn assert_switch_off(rule: RuleId, record: &PatientRecord, today: &str) {
    let on = evaluate(record, &Policy::default(), d(today));
    assert!(on.iter().any(|a| a.rule == rule), "{rule} should fire");
    let mut policy = Policy::default();
    policy
        .set("rules.disabled", rule.id())
        .expect("known rule id");
    let off = evaluate(record, &policy, d(today));
    assert!(off.iter().all(|a| a.rule != rule), "{rule} is switched off");
    assert_eq!(off.len(), on.len() - 1, "{rule}: only that rule disappears");
    assert_eq!(evaluate_rule(rule, record, &policy, d(today)), None);
}

/// PHQ-9, GAD-7, PCL-5 … answers with this total, filled from item 1 (PHQ-9 item 9 stays 0
/// below a total of 25).
pub fn with_total(instrument: Instrument, total: u8) -> Vec<u8> {
    let mut left = total;
    let description = instrument.description();
    (0..instrument.item_count())
        .map(|i| {
            let max = instrument.item_range(i).map_or(0, |r| *r.end());
            let answer = if description.counts(i) || description.total.is_none() {
                left.min(max)
            } else {
                0
            };
            left -= answer;
            answer
        })
        .collect()
}

/// Builds a synthetic record entry by entry; ids are `e1`, `e2`, … in insertion order.
pub struct Builder {
    record: PatientRecord,
}

impl Builder {
    /// A patient with nothing but a name.
    pub fn new() -> Self {
        Self {
            record: PatientRecord::new(Patient::new("pat-1".into(), "Test", "Patient")),
        }
    }

    /// A record on which no rule fires on [`TODAY`]: clinician named, language known and no
    /// interpreter needed, refugee status granted and coded, seen recently, advised, connected
    /// to support, and tested.
    pub fn quiet() -> Self {
        Self::new()
            .patient(|p| {
                p.named_clinician = Some("dr.lee".into());
                p.main_language = Some(LanguageTag::parse("en").expect("tag"));
                p.interpreter_required = Some(false);
                p.support_contacts = Some("Local refugee drop-in".into());
            })
            .asylum(AsylumStatus::GrantedRefugee, d("2025-01-10"), true)
            .encounter(d("2026-11-20"))
            .advice(AdviceKind::Wellbeing, d("2026-11-20"))
            .screening(
                ScreeningTest::HepatitisB,
                ScreeningStatus::ResultNegative,
                d("2026-02-01"),
            )
            .screening(
                ScreeningTest::HepatitisC,
                ScreeningStatus::ResultNegative,
                d("2026-02-01"),
            )
            .screening(
                ScreeningTest::Hiv,
                ScreeningStatus::ResultNegative,
                d("2026-02-01"),
            )
    }

    pub fn patient(mut self, change: impl FnOnce(&mut Patient)) -> Self {
        change(&mut self.record.patient);
        self
    }

    /// Adds an entry, recorded at noon on its clinical date plus a second per entry so that
    /// same-day entries have a recording order.
    pub fn entry(mut self, body: EntryBody) -> Self {
        let n = self.record.entries.len() + 1;
        let at =
            body.date().midnight().assume_utc() + Duration::hours(12) + Duration::seconds(n as i64);
        self.record.entries.push(Entry::new(
            format!("e{n}").as_str().into(),
            self.record.patient.id.clone(),
            body,
            "dr.test".into(),
            at,
        ));
        self
    }

    /// Marks the last entry added as entered-in-error.
    pub fn in_error(mut self) -> Self {
        let last = self.record.entries.pop().expect("an entry to mark");
        let at = last.change.at + Duration::hours(1);
        let marked = last
            .mark_entered_in_error("dr.test".into(), at, "wrong patient")
            .expect("active entry");
        self.record.entries.push(marked);
        self
    }

    pub fn build(self) -> PatientRecord {
        self.record
    }

    pub fn asylum(self, status: AsylumStatus, since: Date, coded: bool) -> Self {
        self.entry(EntryBody::Asylum(AsylumSituation {
            status,
            since,
            coded,
            note: String::new(),
        }))
    }

    pub fn disclosure(self, kind: Option<AbuseKind>, disclosed: Date) -> Self {
        self.entry(EntryBody::Disclosure(Disclosure {
            kind,
            disclosed,
            note: String::new(),
        }))
    }

    pub fn event(self, kind: LifeEventKind, date: Date) -> Self {
        self.entry(EntryBody::LifeEvent(LifeEvent {
            kind,
            date,
            note: String::new(),
        }))
    }

    pub fn problem(self, kind: ProblemKind, onset: Date, resolved: Option<Date>) -> Self {
        self.entry(EntryBody::Problem(Problem {
            kind,
            onset,
            resolved,
            note: String::new(),
        }))
    }

    pub fn encounter(self, date: Date) -> Self {
        self.encounter_with(date, |_| {})
    }

    pub fn encounter_with(self, date: Date, change: impl FnOnce(&mut Encounter)) -> Self {
        let mut e = Encounter {
            date,
            interpreter: InterpreterUse::NotNeeded,
            somatic_complaints: Vec::new(),
            physical_cause_found: false,
            suicidal_thoughts_noted: false,
            self_harm_noted: false,
            note: String::new(),
        };
        change(&mut e);
        self.entry(EntryBody::Encounter(e))
    }

    pub fn somatic(self, date: Date, complaint: SomaticComplaint) -> Self {
        self.encounter_with(date, |e| e.somatic_complaints.push(complaint))
    }

    pub fn planned(self, date: Date, status: ContactStatus, interpreter_booked: bool) -> Self {
        self.entry(EntryBody::PlannedContact(PlannedContact {
            date,
            status,
            interpreter_booked,
            purpose: String::new(),
            interpreter: None,
        }))
    }

    pub fn outreach(
        self,
        date: Date,
        method: crate::record::OutreachMethod,
        outcome: crate::record::OutreachOutcome,
    ) -> Self {
        self.entry(EntryBody::Outreach(crate::record::Outreach {
            date,
            method,
            outcome,
            note: String::new(),
        }))
    }

    pub fn questionnaire(self, instrument: Instrument, date: Date, answers: Vec<u8>) -> Self {
        self.entry(EntryBody::Questionnaire(QuestionnaireResult::answered(
            instrument, date, &answers,
        )))
    }

    /// A result recorded elsewhere: `items` as (item number, answer) pairs, the rest missing.
    pub fn recorded(
        self,
        instrument: Instrument,
        date: Date,
        items: &[(usize, u8)],
        total: Option<u8>,
    ) -> Self {
        let mut answers = vec![None; instrument.max_answers()];
        for &(number, answer) in items {
            answers[number - 1] = Some(answer);
        }
        self.entry(EntryBody::Questionnaire(QuestionnaireResult::recorded(
            instrument, date, answers, total,
        )))
    }

    pub fn scored(self, instrument: Instrument, date: Date, total: u8) -> Self {
        self.questionnaire(instrument, date, with_total(instrument, total))
    }

    /// A risk review recording nothing of concern, changed by `change`.
    pub fn review_with(self, date: Date, change: impl FnOnce(&mut RiskReview)) -> Self {
        let mut r = RiskReview {
            date,
            suicidal_thoughts: SuicidalThoughts::None,
            plans_or_intent: false,
            recent_self_harm: false,
            stressors: String::new(),
            protective_factors: String::new(),
            formulation: String::new(),
            next_review: None,
        };
        change(&mut r);
        self.entry(EntryBody::RiskReview(r))
    }

    pub fn review(self, date: Date) -> Self {
        self.review_with(date, |_| {})
    }

    pub fn safety_plan(self, date: Date) -> Self {
        self.entry(EntryBody::SafetyPlan(SafetyPlan {
            date,
            warning_signs: String::new(),
            coping_strategies: String::new(),
            people_and_places: String::new(),
            professionals_and_crisis: String::new(),
            safer_surroundings: String::new(),
            reasons_for_living: String::new(),
        }))
    }

    pub fn screening(self, test: ScreeningTest, status: ScreeningStatus, date: Date) -> Self {
        self.entry(EntryBody::Screening(Screening { test, status, date }))
    }

    pub fn referral(self, kind: ReferralType, status: ReferralStatus, date: Date) -> Self {
        self.entry(EntryBody::Referral(Referral::new(kind, status, date)))
    }

    /// A referral that reached each status in turn, `(status, date)` oldest first.
    pub fn referral_steps(self, kind: ReferralType, steps: &[(ReferralStatus, Date)]) -> Self {
        let (&(status, date), later) = steps.split_first().expect("a first status");
        let referral = later
            .iter()
            .fold(Referral::new(kind, status, date), |r, &(status, date)| {
                r.moved_to(status, date)
            });
        self.entry(EntryBody::Referral(referral))
    }

    pub fn medication(self, started: Date, stopped: Option<Date>) -> Self {
        self.entry(EntryBody::Medication(Medication {
            name: "sertraline".into(),
            started,
            stopped,
        }))
    }

    pub fn advice(self, kind: AdviceKind, date: Date) -> Self {
        self.entry(EntryBody::Advice(Advice {
            kind,
            date,
            topics: Vec::new(),
            note: String::new(),
        }))
    }

    pub fn flag(self, kind: FlagKind, date: Date) -> Self {
        self.entry(EntryBody::Flag(Flag { kind, date }))
    }
}
