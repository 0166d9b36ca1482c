//! How any entry reads on screen: a one-line summary for tables and a list of labelled details
//! for the history view (the kind's own label is `EntryKind::label`). One function per
//! purpose, one match arm per kind, so a new kind of entry fails to compile here until it has
//! wording.

use haven_core::instruments::ScoringOptions;
use haven_core::record::{
    Coded, ConsentGiver, Entry, EntryBody, EntryStatus, InterpreterGender, InterpreterNeed,
    Referral, ShareConsent,
};

use super::forms::questionnaire::{RECORDED_ELSEWHERE, RECORDED_ELSEWHERE_SOME, recorded_items};

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// A short line for tables. Free-text notes are left out (they are in the details).
pub fn summary(body: &EntryBody) -> String {
    match body {
        EntryBody::Asylum(a) => {
            let uncoded = if a.coded { "" } else { " (not coded)" };
            format!("{}{uncoded}", a.status.label())
        }
        EntryBody::Disclosure(d) => match d.kind {
            Some(k) => k.label().to_owned(),
            None => "Abuse disclosed (free text, not coded)".to_owned(),
        },
        EntryBody::LifeEvent(e) => e.kind.label().to_owned(),
        EntryBody::Problem(p) => match p.resolved {
            Some(end) => format!("{} (resolved {end})", p.kind.label()),
            None => p.kind.label().to_owned(),
        },
        EntryBody::Encounter(e) => {
            let mut s = format!("Interpreter: {}", e.interpreter.label().to_lowercase());
            if !e.somatic_complaints.is_empty() {
                let list: Vec<&str> = e.somatic_complaints.iter().map(|c| c.label()).collect();
                s.push_str(&format!("; complaints: {}", list.join(", ").to_lowercase()));
            }
            if e.suicidal_thoughts_noted {
                s.push_str("; suicidal thoughts noted");
            }
            if e.self_harm_noted {
                s.push_str("; self-harm noted");
            }
            s
        }
        EntryBody::PlannedContact(c) => {
            let booked = match (&c.interpreter, c.interpreter_booked) {
                (Some(b), _) => format!(
                    "{} interpreter booked {}",
                    b.language.name(),
                    b.mode.label().to_lowercase()
                ),
                (None, true) => "interpreter booked".to_owned(),
                (None, false) => "no interpreter booked".to_owned(),
            };
            if c.purpose.is_empty() {
                format!("{} — {booked}", c.status.label())
            } else {
                format!("{}: {} — {booked}", c.status.label(), c.purpose)
            }
        }
        EntryBody::Questionnaire(q) => match q.score(&ScoringOptions::default()) {
            Ok(score) => {
                let name = q.instrument.name();
                let band = score.band().map(|b| b.id.replace('-', " "));
                let mut s = match (score.total(), band) {
                    (Some(total), Some(band)) => format!("{name}: total {total} ({band})"),
                    (None, Some(band)) => format!("{name}: {band}"),
                    (_, None) => format!("{name}: total not recorded"),
                };
                if q.items_missing() {
                    s.push_str(" — recorded elsewhere; item answers not available");
                    let recorded = recorded_items(q.instrument.description(), &q.answers);
                    if !recorded.is_empty() {
                        s.push_str(&format!(" except {}", recorded.join("; ")));
                    }
                }
                s
            }
            Err(_) => format!(
                "{}: the stored answers could not be scored",
                q.instrument.name()
            ),
        },
        EntryBody::RiskReview(r) => {
            let mut s = format!(
                "Suicidal thoughts: {}; plans or intent: {}; recent self-harm: {}",
                r.suicidal_thoughts.label().to_lowercase(),
                yes_no(r.plans_or_intent),
                yes_no(r.recent_self_harm)
            );
            if let Some(next) = r.next_review {
                s.push_str(&format!("; next review {next}"));
            }
            s
        }
        EntryBody::SafetyPlan(_) => "Safety plan agreed".to_owned(),
        EntryBody::Screening(s) => {
            format!("{}: {}", s.test.label(), s.status.label().to_lowercase())
        }
        EntryBody::Referral(r) => {
            let to = if r.organisation.is_empty() {
                String::new()
            } else {
                format!(" to {}", r.organisation)
            };
            format!(
                "{}{to} — {}",
                r.kind.label(),
                r.status.label().to_lowercase()
            )
        }
        EntryBody::Medication(m) => match m.stopped {
            Some(end) => format!("{} (stopped {end})", m.name),
            None => m.name.clone(),
        },
        EntryBody::Advice(a) => {
            if a.topics.is_empty() {
                a.kind.label().to_owned()
            } else {
                let topics: Vec<&str> = a.topics.iter().map(|t| t.label()).collect();
                format!("{}: {}", a.kind.label(), topics.join(", ").to_lowercase())
            }
        }
        EntryBody::Flag(f) => f.kind.label().to_owned(),
        EntryBody::Outreach(o) => format!(
            "Outreach after a missed contact: {} — {}",
            o.method.label().to_lowercase(),
            o.outcome.label().to_lowercase()
        ),
    }
}

/// Every field of an entry with a label, for the history view.
pub fn details(body: &EntryBody) -> Vec<(&'static str, String)> {
    let date = |label, d: haven_core::Date| (label, d.to_string());
    let text = |label, t: &str| (label, t.to_owned());
    let mut out = vec![("Summary", summary(body))];
    match body {
        EntryBody::Asylum(a) => out.extend([
            date("Since", a.since),
            text("Coded (asylum seeker / refugee code)", yes_no(a.coded)),
            text("Note", &a.note),
        ]),
        EntryBody::Disclosure(d) => {
            out.extend([date("Disclosed", d.disclosed), text("Note", &d.note)])
        }
        EntryBody::LifeEvent(e) => out.extend([date("Date", e.date), text("Note", &e.note)]),
        EntryBody::Problem(p) => {
            out.push(date("Onset", p.onset));
            out.extend(p.resolved.map(|r| date("Resolved", r)));
            out.push(text("Note", &p.note));
        }
        EntryBody::Encounter(e) => out.extend([
            date("Date", e.date),
            text(
                "Physical cause found for the complaints",
                yes_no(e.physical_cause_found),
            ),
            text("Note", &e.note),
        ]),
        EntryBody::PlannedContact(c) => {
            out.extend([
                date("Date", c.date),
                text("Interpreter booked", yes_no(c.interpreter_booked)),
            ]);
            if let Some(b) = &c.interpreter {
                out.extend([
                    text("Interpreter", b.mode.label()),
                    ("Interpreter’s language", b.language.name()),
                    text("Dialect", &b.dialect),
                    text(
                        "Interpreter’s gender",
                        b.gender.map(Coded::label).unwrap_or_default(),
                    ),
                    text("Booked with", &b.booked_with),
                    text("Booking reference", &b.reference),
                ]);
            }
        }
        EntryBody::Questionnaire(q) => {
            out.push(date("Date", q.date));
            if q.items_missing() {
                let recorded = recorded_items(q.instrument.description(), &q.answers);
                out.extend(
                    q.recorded_total
                        .map(|t| ("Total as recorded", t.to_string())),
                );
                out.push((
                    "Recorded elsewhere",
                    if recorded.is_empty() {
                        RECORDED_ELSEWHERE
                    } else {
                        RECORDED_ELSEWHERE_SOME
                    }
                    .to_owned(),
                ));
                out.push(text("Items recorded", &recorded.join("; ")));
            } else {
                let answers: Vec<String> = q.answers.iter().flatten().map(u8::to_string).collect();
                out.push(("Answers, item by item", answers.join(", ")));
            }
        }
        EntryBody::RiskReview(r) => {
            out.extend([
                date("Date", r.date),
                text("Current stressors", &r.stressors),
                text("Protective factors", &r.protective_factors),
                text("Formulation", &r.formulation),
            ]);
            out.extend(r.next_review.map(|d| date("Next review", d)));
        }
        EntryBody::SafetyPlan(s) => out.extend([
            date("Date", s.date),
            text("Warning signs", &s.warning_signs),
            text("Coping strategies", &s.coping_strategies),
            text("People and places that help", &s.people_and_places),
            text(
                "Professionals and crisis contacts",
                &s.professionals_and_crisis,
            ),
            text("Making surroundings safer", &s.safer_surroundings),
            text("Reasons for living", &s.reasons_for_living),
        ]),
        EntryBody::Screening(s) => out.push(date("Date", s.date)),
        EntryBody::Referral(r) => out.extend([
            date("Date", r.date),
            ("Status history", trail_text(r)),
            text("Reason", &r.reason),
            (
                "Interpreter needed",
                r.interpreter
                    .as_ref()
                    .map(interpreter_text)
                    .unwrap_or_default(),
            ),
            (
                "Consent to share",
                r.consent.as_ref().map(consent_text).unwrap_or_default(),
            ),
            (
                "Not to be shared",
                r.consent
                    .as_ref()
                    .map(|c| c.limits.clone())
                    .unwrap_or_default(),
            ),
            text("Note", &r.note),
        ]),
        EntryBody::Medication(m) => {
            out.push(date("Started", m.started));
            out.extend(m.stopped.map(|d| date("Stopped", d)));
        }
        EntryBody::Advice(a) => out.extend([date("Date", a.date), text("Note", &a.note)]),
        EntryBody::Flag(f) => out.push(date("Since", f.date)),
        EntryBody::Outreach(o) => out.extend([date("Date", o.date), text("Note", &o.note)]),
    }
    out.retain(|(_, v)| !v.is_empty());
    out
}

/// A referral's statuses with their dates, oldest first — empty when it has had only one.
pub fn trail_text(r: &Referral) -> String {
    if r.earlier.is_empty() {
        return String::new();
    }
    r.steps()
        .map(|s| format!("{} {}", s.status.label(), s.date))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The interpreter a referral asks for: "Tigrinya (dialect: Asmara), female interpreter".
pub fn interpreter_text(need: &InterpreterNeed) -> String {
    let mut out = need.language.name();
    if !need.dialect.is_empty() {
        out.push_str(&format!(" (dialect: {})", need.dialect));
    }
    match need.gender {
        Some(InterpreterGender::Female) => out.push_str(", female interpreter"),
        Some(InterpreterGender::Male) => out.push_str(", male interpreter"),
        Some(InterpreterGender::Any) | None => {}
    }
    out
}

/// Who agreed to share what, and when.
pub fn consent_text(c: &ShareConsent) -> String {
    let who = match c.given_by {
        ConsentGiver::Person => "the person".to_owned(),
        other if c.name.is_empty() => other.label().to_lowercase(),
        other => format!("{} ({})", other.label().to_lowercase(), c.name),
    };
    let extra: Vec<String> = c.shares.iter().map(|s| s.label().to_lowercase()).collect();
    let also = if extra.is_empty() {
        "the referral only".to_owned()
    } else {
        format!("the referral and {}", extra.join(", "))
    };
    format!("Given by {who} on {}: {also}", c.date)
}

/// [`details`] of one version of an entry, its own date as recorded: a date known only to
/// the year or month shows as such (`2019`), never as the day the rules read for it.
pub fn entry_details(entry: &Entry) -> Vec<(&'static str, String)> {
    let mut out = details(&entry.body);
    if entry.partial_date.is_some() {
        let day = entry.body.date().to_string();
        if let Some(row) = out.iter_mut().skip(1).find(|(_, v)| *v == day) {
            row.1 = entry.date_text();
        }
    }
    out
}

/// An entry as a row of a patient-page table.
#[derive(Clone, Debug)]
pub struct EntryRow {
    pub href: String,
    pub date: String,
    pub summary: String,
    pub in_error: bool,
    /// Why it was marked entered-in-error (empty otherwise).
    pub error_reason: String,
    /// `true` when the entry has been amended (version > 1).
    pub amended: bool,
    /// For a booked appointment: its interpreter booking page, and the link's words.
    pub booking: Option<(String, &'static str)>,
}

impl EntryRow {
    pub fn of(entry: &Entry) -> Self {
        let in_error = entry.status == EntryStatus::EnteredInError;
        Self {
            // A referral is followed on its own page; other entries open their history.
            href: super::kinds::follow_href(entry)
                .unwrap_or_else(|| super::entry_href(entry.patient.as_str(), entry.id.as_str())),
            date: entry.date_text(),
            summary: summary(&entry.body),
            in_error,
            error_reason: if in_error {
                entry.change.reason.clone()
            } else {
                String::new()
            },
            amended: entry.version > 1 && !in_error,
            booking: entry
                .body
                .as_planned_contact()
                .filter(|c| !in_error && c.status == haven_core::record::ContactStatus::Booked)
                .map(|c| {
                    (
                        super::interpreter_booking::booking_href(
                            entry.patient.as_str(),
                            entry.id.as_str(),
                        ),
                        if c.interpreter_booked {
                            "Change the interpreter booking"
                        } else {
                            "Book an interpreter"
                        },
                    )
                }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use haven_core::instruments::Instrument;
    use haven_core::record::{AsylumSituation, AsylumStatus, QuestionnaireResult};
    use time::macros::date;

    #[test]
    fn summaries_read_naturally() {
        let asylum = EntryBody::Asylum(AsylumSituation {
            status: AsylumStatus::AwaitingDecision,
            since: date!(2026 - 03 - 01),
            coded: false,
            note: String::new(),
        });
        assert_eq!(summary(&asylum), "Awaiting decision (not coded)");
        let phq = EntryBody::Questionnaire(QuestionnaireResult::answered(
            Instrument::Phq9,
            date!(2026 - 11 - 01),
            &[2, 2, 2, 1, 1, 1, 2, 1, 1],
        ));
        assert!(
            summary(&phq).starts_with("PHQ-9: total 13"),
            "{}",
            summary(&phq)
        );
        let d = details(&phq);
        assert!(
            d.iter()
                .any(|(l, v)| *l == "Answers, item by item" && v == "2, 2, 2, 1, 1, 1, 2, 1, 1")
        );
        assert!(
            !d.iter().any(|(l, _)| *l == "Note"),
            "empty values are left out"
        );
    }

    #[test]
    fn results_recorded_elsewhere_say_so_with_their_total_and_items() {
        let mut item9 = vec![None; 9];
        item9[8] = Some(2);
        let on = date!(2026 - 11 - 01);
        let partial = EntryBody::Questionnaire(QuestionnaireResult::recorded(
            Instrument::Phq9,
            on,
            item9.clone(),
            Some(14),
        ));
        assert_eq!(
            summary(&partial),
            "PHQ-9: total 14 (moderate) — recorded elsewhere; item answers not available except Item 9 — thoughts of death or self-harm: 2"
        );
        let d = details(&partial);
        assert!(d.contains(&("Total as recorded", "14".to_owned())));
        assert!(d.contains(&("Recorded elsewhere", RECORDED_ELSEWHERE_SOME.to_owned())));
        let total_only = EntryBody::Questionnaire(QuestionnaireResult::recorded(
            Instrument::Gad7,
            on,
            vec![],
            Some(9),
        ));
        assert_eq!(
            summary(&total_only),
            "GAD-7: total 9 (mild) — recorded elsewhere; item answers not available"
        );
        assert!(
            !details(&total_only)
                .iter()
                .any(|(l, _)| *l == "Items recorded"),
            "empty values are left out"
        );
        let no_total = EntryBody::Questionnaire(QuestionnaireResult::recorded(
            Instrument::Phq9,
            on,
            item9,
            None,
        ));
        assert!(summary(&no_total).starts_with("PHQ-9: total not recorded — recorded elsewhere"));
    }
}
