//! Forms for the person's history: asylum situation, disclosure of abuse (§9), negative life
//! events (§6) and coded problems. Each kind has its fields, a parser into the entry body and
//! the reverse, for pre-filling an amendment.

use haven_core::Date;
use haven_core::record::{
    AbuseKind, AsylumSituation, AsylumStatus, Disclosure, EntryBody, LifeEvent, LifeEventKind,
    PatientRecord, Problem, ProblemKind,
};

use super::data::{FormData, date_value, yes_no_value};
use super::fields::{Field, Input, options};
use crate::ui::form::FormErrors;

/// A new form starts with today's date; everything else empty.
pub fn dated_today(_: &PatientRecord, today: Date) -> FormData {
    let mut d = FormData::default();
    d.set("date", date_value(today));
    d
}

/// Said beside the situation, so nobody is surprised by the review it raises (docs/rules.md §6).
pub const ASYLUM_STATUS_HINT: &str = "Claim refused, Detained and Facing removal each count as a negative life event from the date below, so Haven will ask for a suicide and self-harm risk review; there is no need to record the same event again as a life event (§6).";

pub fn asylum_fields() -> Vec<Field> {
    vec![
        Field::new(
            "status",
            "Asylum situation",
            ASYLUM_STATUS_HINT,
            Input::Select(options(
                AsylumStatus::ALL,
                AsylumStatus::id,
                AsylumStatus::label,
            )),
        ),
        Field::new(
            "date",
            "Since",
            "When this situation began, for example the date of the decision letter",
            Input::Date,
        ),
        Field::new(
            "coded",
            "Record the asylum seeker / refugee code on the record (§9)",
            "Untick only when copying an entry that was recorded without the code",
            Input::Checkbox,
        ),
        Field::new("note", "Note", "Optional", Input::Textarea),
    ]
}

pub fn asylum_defaults(record: &PatientRecord, today: Date) -> FormData {
    let mut d = dated_today(record, today);
    d.set("coded", "yes");
    d
}

pub fn asylum_parse(data: &FormData, errors: &mut FormErrors) -> Option<EntryBody> {
    let status = data.coded(
        "status",
        AsylumStatus::parse,
        errors,
        "Choose the asylum situation",
    );
    let since = data.date("date", errors, "The date this situation began");
    Some(EntryBody::Asylum(AsylumSituation {
        status: status?,
        since: since?,
        coded: data.ticked("coded"),
        note: data.text("note"),
    }))
}

pub fn asylum_values(body: &EntryBody) -> FormData {
    let mut d = FormData::default();
    if let EntryBody::Asylum(a) = body {
        d.set("status", a.status.id());
        d.set("date", date_value(a.since));
        if a.coded {
            d.set("coded", yes_no_value(true));
        }
        d.set("note", a.note.clone());
    }
    d
}

pub fn disclosure_fields() -> Vec<Field> {
    let mut kinds = vec![("uncoded", "Not coded — record as free text only")];
    kinds.extend(options(AbuseKind::ALL, AbuseKind::id, AbuseKind::label));
    vec![
        Field::new(
            "kind",
            "What was disclosed",
            "Coding it keeps it visible on the record for the rest of the person’s care (§9). Sensitive: only clinical staff see it.",
            Input::Select(kinds),
        ),
        Field::new("date", "Date disclosed", "", Input::Date),
        Field::new(
            "note",
            "Note",
            "Optional. Record only what the care needs.",
            Input::Textarea,
        ),
    ]
}

pub fn disclosure_parse(data: &FormData, errors: &mut FormErrors) -> Option<EntryBody> {
    let kind = match data.get("kind").trim() {
        "uncoded" => Some(None),
        other => match AbuseKind::parse(other) {
            Some(k) => Some(Some(k)),
            None => {
                errors.add("kind", "Choose what was disclosed, or “Not coded”");
                None
            }
        },
    };
    let disclosed = data.date("date", errors, "The date of the disclosure");
    let note = data.text("note");
    if kind == Some(None) && note.is_empty() {
        errors.add(
            "note",
            "Describe the disclosure in the note when it is not coded",
        );
    }
    Some(EntryBody::Disclosure(Disclosure {
        kind: kind?,
        disclosed: disclosed?,
        note,
    }))
}

pub fn disclosure_values(body: &EntryBody) -> FormData {
    let mut d = FormData::default();
    if let EntryBody::Disclosure(x) = body {
        d.set("kind", x.kind.map_or("uncoded", AbuseKind::id));
        d.set("date", date_value(x.disclosed));
        d.set("note", x.note.clone());
    }
    d
}

pub fn life_event_fields() -> Vec<Field> {
    vec![
        Field::new(
            "kind",
            "What happened",
            "Each of these calls for a suicide and self-harm risk review (§6)",
            Input::Select(options(
                LifeEventKind::ALL,
                LifeEventKind::id,
                LifeEventKind::label,
            )),
        ),
        Field::new(
            "date",
            "Date",
            "When it happened, or when the person heard",
            Input::Date,
        ),
        Field::new("note", "Note", "Optional", Input::Textarea),
    ]
}

pub fn life_event_parse(data: &FormData, errors: &mut FormErrors) -> Option<EntryBody> {
    let kind = data.coded("kind", LifeEventKind::parse, errors, "Choose what happened");
    let date = data.date("date", errors, "The date of the event");
    Some(EntryBody::LifeEvent(LifeEvent {
        kind: kind?,
        date: date?,
        note: data.text("note"),
    }))
}

pub fn life_event_values(body: &EntryBody) -> FormData {
    let mut d = FormData::default();
    if let EntryBody::LifeEvent(e) = body {
        d.set("kind", e.kind.id());
        d.set("date", date_value(e.date));
        d.set("note", e.note.clone());
    }
    d
}

pub fn problem_fields() -> Vec<Field> {
    vec![
        Field::new(
            "kind",
            "Problem",
            "",
            Input::Select(options(
                ProblemKind::ALL,
                ProblemKind::id,
                ProblemKind::label,
            )),
        ),
        Field::new(
            "date",
            "Onset",
            "When it began, or when it was first recorded",
            Input::Date,
        ),
        Field::new(
            "resolved",
            "Resolved",
            "Optional — leave empty while the problem is current",
            Input::Date,
        ),
        Field::new("note", "Note", "Optional", Input::Textarea),
    ]
}

pub fn problem_parse(data: &FormData, errors: &mut FormErrors) -> Option<EntryBody> {
    let kind = data.coded("kind", ProblemKind::parse, errors, "Choose the problem");
    let onset = data.date("date", errors, "The onset date");
    let resolved = data.optional_date("resolved", errors, "The date resolved");
    Some(EntryBody::Problem(Problem {
        kind: kind?,
        onset: onset?,
        resolved,
        note: data.text("note"),
    }))
}

pub fn problem_values(body: &EntryBody) -> FormData {
    let mut d = FormData::default();
    if let EntryBody::Problem(p) = body {
        d.set("kind", p.kind.id());
        d.set("date", date_value(p.onset));
        if let Some(r) = p.resolved {
            d.set("resolved", date_value(r));
        }
        d.set("note", p.note.clone());
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    type Values = fn(&EntryBody) -> FormData;
    type Parse = fn(&FormData, &mut FormErrors) -> Option<EntryBody>;

    #[test]
    fn each_kind_round_trips_through_its_form() {
        let bodies = [
            EntryBody::Asylum(AsylumSituation {
                status: AsylumStatus::Refused,
                since: date!(2026 - 10 - 01),
                coded: true,
                note: "letter seen".into(),
            }),
            EntryBody::Disclosure(Disclosure {
                kind: Some(AbuseKind::Torture),
                disclosed: date!(2026 - 09 - 01),
                note: String::new(),
            }),
            EntryBody::Disclosure(Disclosure {
                kind: None,
                disclosed: date!(2026 - 09 - 01),
                note: "free text".into(),
            }),
            EntryBody::LifeEvent(LifeEvent {
                kind: LifeEventKind::LossOfHope,
                date: date!(2026 - 11 - 20),
                note: String::new(),
            }),
            EntryBody::Problem(Problem {
                kind: ProblemKind::Ptsd,
                onset: date!(2025 - 01 - 01),
                resolved: Some(date!(2026 - 01 - 01)),
                note: String::new(),
            }),
        ];
        for body in bodies {
            let (values, parse): (Values, Parse) = match body {
                EntryBody::Asylum(_) => (asylum_values, asylum_parse),
                EntryBody::Disclosure(_) => (disclosure_values, disclosure_parse),
                EntryBody::LifeEvent(_) => (life_event_values, life_event_parse),
                _ => (problem_values, problem_parse),
            };
            let mut errors = FormErrors::default();
            assert_eq!(parse(&values(&body), &mut errors), Some(body.clone()));
            assert!(errors.is_empty(), "{errors:?}");
        }
    }

    #[test]
    fn missing_values_are_named() {
        let mut errors = FormErrors::default();
        assert_eq!(
            life_event_parse(&FormData::parse(b"kind=&date=2026-02-30"), &mut errors),
            None
        );
        assert_eq!(errors.get("kind"), Some("Choose what happened"));
        assert!(errors.get("date").is_some_and(|m| m.contains("real date")));
        let mut errors = FormErrors::default();
        assert_eq!(
            disclosure_parse(
                &FormData::parse(b"kind=uncoded&date=2026-11-01"),
                &mut errors
            )
            .map(|_| ()),
            Some(())
        );
        assert!(
            errors.has("note"),
            "an uncoded disclosure needs its description"
        );
    }
}
