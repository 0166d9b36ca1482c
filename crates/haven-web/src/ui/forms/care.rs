//! Forms for care given and planned: consultations (with interpreter use and somatic
//! complaints, §2, §7), planned contacts with interpreter booking (§1, §2), screening (§8),
//! referrals (§4, §5), psychotropic medication (§5), advice and psychological enquiry (§3, §7)
//! and record flags (§9).

use haven_core::record::{
    Advice, AdviceKind, AdviceTopic, ContactStatus, Encounter, EntryBody, Flag, FlagKind,
    InterpreterUse, Medication, PlannedContact, Referral, ReferralStatus, ReferralType, Screening,
    ScreeningStatus, ScreeningTest, SomaticComplaint,
};

use super::data::{FormData, date_value, yes_no_value};
use super::fields::{Field, Input, options};
use crate::ui::form::FormErrors;

fn tick(d: &mut FormData, name: &str, on: bool) {
    if on {
        d.push(name, yes_no_value(true));
    }
}

pub fn encounter_fields() -> Vec<Field> {
    vec![
        Field::new("date", "Date of the consultation", "", Input::Date),
        Field::new(
            "interpreter",
            "Language support",
            "Family and friends should not interpret; record it when it happened (§2)",
            Input::Radios(options(
                InterpreterUse::ALL,
                InterpreterUse::id,
                InterpreterUse::label,
            )),
        ),
        Field::new(
            "complaints",
            "Somatic complaints",
            "Tick any the person presented with (§7)",
            Input::Checkboxes(options(
                SomaticComplaint::ALL,
                SomaticComplaint::id,
                SomaticComplaint::label,
            )),
        ),
        Field::new(
            "physical_cause",
            "A physical cause was found for these complaints",
            "",
            Input::Checkbox,
        ),
        Field::new(
            "suicidal_thoughts",
            "Suicidal thoughts were mentioned",
            "A risk review becomes due at once (§6)",
            Input::Checkbox,
        ),
        Field::new(
            "self_harm",
            "Self-harm was mentioned",
            "A risk review becomes due at once (§6)",
            Input::Checkbox,
        ),
        Field::new("note", "Note", "Optional", Input::Textarea),
    ]
}

pub fn encounter_parse(data: &FormData, errors: &mut FormErrors) -> Option<EntryBody> {
    let date = data.date("date", errors, "The date of the consultation");
    let interpreter = data.coded(
        "interpreter",
        InterpreterUse::parse,
        errors,
        "Choose how language support was provided, or “Not needed”",
    );
    let complaints = data.coded_list(
        "complaints",
        SomaticComplaint::parse,
        errors,
        "Choose complaints from the list",
    );
    Some(EntryBody::Encounter(Encounter {
        date: date?,
        interpreter: interpreter?,
        somatic_complaints: complaints,
        physical_cause_found: data.ticked("physical_cause"),
        suicidal_thoughts_noted: data.ticked("suicidal_thoughts"),
        self_harm_noted: data.ticked("self_harm"),
        note: data.text("note"),
    }))
}

pub fn encounter_values(body: &EntryBody) -> FormData {
    let mut d = FormData::default();
    if let EntryBody::Encounter(e) = body {
        d.set("date", date_value(e.date));
        d.set("interpreter", e.interpreter.id());
        for c in &e.somatic_complaints {
            d.push("complaints", c.id());
        }
        tick(&mut d, "physical_cause", e.physical_cause_found);
        tick(&mut d, "suicidal_thoughts", e.suicidal_thoughts_noted);
        tick(&mut d, "self_harm", e.self_harm_noted);
        d.set("note", e.note.clone());
    }
    d
}

pub fn planned_contact_fields() -> Vec<Field> {
    vec![
        Field::new(
            "date",
            "Date of the appointment",
            "It may be in the future",
            Input::Date,
        ),
        Field::new(
            "status",
            "Status",
            "",
            Input::Radios(options(
                ContactStatus::ALL,
                ContactStatus::id,
                ContactStatus::label,
            )),
        ),
        Field::new(
            "interpreter_booked",
            "An interpreter is booked for this appointment",
            "Book one whenever the person needs an interpreter (§2)",
            Input::Checkbox,
        ),
        Field::new(
            "purpose",
            "Purpose",
            "Optional, for example “review with Dr Hughes”. Do not write clinical details here: reception staff see it.",
            Input::Text,
        ),
    ]
}

pub fn planned_contact_parse(data: &FormData, errors: &mut FormErrors) -> Option<EntryBody> {
    let date = data.date("date", errors, "The date of the appointment");
    let status = data.coded(
        "status",
        ContactStatus::parse,
        errors,
        "Choose the status of the appointment",
    );
    Some(EntryBody::PlannedContact(PlannedContact {
        date: date?,
        status: status?,
        interpreter_booked: data.ticked("interpreter_booked"),
        purpose: data.text("purpose"),
    }))
}

pub fn planned_contact_values(body: &EntryBody) -> FormData {
    let mut d = FormData::default();
    if let EntryBody::PlannedContact(c) = body {
        d.set("date", date_value(c.date));
        d.set("status", c.status.id());
        tick(&mut d, "interpreter_booked", c.interpreter_booked);
        d.set("purpose", c.purpose.clone());
    }
    d
}

pub fn screening_fields() -> Vec<Field> {
    vec![
        Field::new(
            "test",
            "Test",
            "",
            Input::Radios(options(
                ScreeningTest::ALL,
                ScreeningTest::id,
                ScreeningTest::label,
            )),
        ),
        Field::new(
            "status",
            "What happened",
            "A declined test is offered again after the practice’s re-offer interval (§8)",
            Input::Radios(options(
                ScreeningStatus::ALL,
                ScreeningStatus::id,
                ScreeningStatus::label,
            )),
        ),
        Field::new("date", "Date", "", Input::Date),
    ]
}

pub fn screening_parse(data: &FormData, errors: &mut FormErrors) -> Option<EntryBody> {
    let test = data.coded("test", ScreeningTest::parse, errors, "Choose the test");
    let status = data.coded(
        "status",
        ScreeningStatus::parse,
        errors,
        "Choose what happened",
    );
    let date = data.date("date", errors, "The date");
    Some(EntryBody::Screening(Screening {
        test: test?,
        status: status?,
        date: date?,
    }))
}

pub fn screening_values(body: &EntryBody) -> FormData {
    let mut d = FormData::default();
    if let EntryBody::Screening(s) = body {
        d.set("test", s.test.id());
        d.set("status", s.status.id());
        d.set("date", date_value(s.date));
    }
    d
}

pub fn referral_fields() -> Vec<Field> {
    vec![
        Field::new(
            "kind",
            "Referral to",
            "",
            Input::Select(options(
                ReferralType::ALL,
                ReferralType::id,
                ReferralType::label,
            )),
        ),
        Field::new(
            "status",
            "Status",
            "",
            Input::Radios(options(
                ReferralStatus::ALL,
                ReferralStatus::id,
                ReferralStatus::label,
            )),
        ),
        Field::new("date", "Date", "", Input::Date),
        Field::new(
            "organisation",
            "Organisation",
            "Optional, for example the service’s name",
            Input::Text,
        ),
        Field::new("note", "Note", "Optional", Input::Textarea),
    ]
}

pub fn referral_parse(data: &FormData, errors: &mut FormErrors) -> Option<EntryBody> {
    let kind = data.coded(
        "kind",
        ReferralType::parse,
        errors,
        "Choose where the referral is to",
    );
    let status = data.coded(
        "status",
        ReferralStatus::parse,
        errors,
        "Choose the status of the referral",
    );
    let date = data.date("date", errors, "The date");
    Some(EntryBody::Referral(Referral {
        kind: kind?,
        status: status?,
        date: date?,
        organisation: data.text("organisation"),
        note: data.text("note"),
    }))
}

pub fn referral_values(body: &EntryBody) -> FormData {
    let mut d = FormData::default();
    if let EntryBody::Referral(r) = body {
        d.set("kind", r.kind.id());
        d.set("status", r.status.id());
        d.set("date", date_value(r.date));
        d.set("organisation", r.organisation.clone());
        d.set("note", r.note.clone());
    }
    d
}

pub fn medication_fields() -> Vec<Field> {
    vec![
        Field::new(
            "name",
            "Psychotropic medication",
            "Name and dose as prescribed in the GP system; Haven records it only for follow-up (§5)",
            Input::Text,
        ),
        Field::new("date", "Started", "", Input::Date),
        Field::new(
            "stopped",
            "Stopped",
            "Optional — leave empty while it is taken",
            Input::Date,
        ),
    ]
}

pub fn medication_parse(data: &FormData, errors: &mut FormErrors) -> Option<EntryBody> {
    let name = errors.required(data.get("name"), "name", "Enter the medication’s name");
    let started = data.date("date", errors, "The start date");
    let stopped = data.optional_date("stopped", errors, "The stop date");
    Some(EntryBody::Medication(Medication {
        name,
        started: started?,
        stopped,
    }))
}

pub fn medication_values(body: &EntryBody) -> FormData {
    let mut d = FormData::default();
    if let EntryBody::Medication(m) = body {
        d.set("name", m.name.clone());
        d.set("date", date_value(m.started));
        if let Some(s) = m.stopped {
            d.set("stopped", date_value(s));
        }
    }
    d
}

pub fn advice_fields() -> Vec<Field> {
    vec![
        Field::new(
            "kind",
            "What was done",
            "",
            Input::Radios(options(AdviceKind::ALL, AdviceKind::id, AdviceKind::label)),
        ),
        Field::new("date", "Date", "", Input::Date),
        Field::new(
            "topics",
            "Wellbeing topics covered",
            "For wellbeing advice: tick what was discussed (§3)",
            Input::Checkboxes(options(
                AdviceTopic::ALL,
                AdviceTopic::id,
                AdviceTopic::label,
            )),
        ),
        Field::new(
            "note",
            "Note",
            "Optional, for example the leaflet given and its language",
            Input::Textarea,
        ),
    ]
}

pub fn advice_parse(data: &FormData, errors: &mut FormErrors) -> Option<EntryBody> {
    let kind = data.coded(
        "kind",
        AdviceKind::parse,
        errors,
        "Choose wellbeing advice or psychological enquiry",
    );
    let date = data.date("date", errors, "The date");
    let topics = data.coded_list(
        "topics",
        AdviceTopic::parse,
        errors,
        "Choose topics from the list",
    );
    Some(EntryBody::Advice(Advice {
        kind: kind?,
        date: date?,
        topics,
        note: data.text("note"),
    }))
}

pub fn advice_values(body: &EntryBody) -> FormData {
    let mut d = FormData::default();
    if let EntryBody::Advice(a) = body {
        d.set("kind", a.kind.id());
        d.set("date", date_value(a.date));
        for t in &a.topics {
            d.push("topics", t.id());
        }
        d.set("note", a.note.clone());
    }
    d
}

pub fn flag_fields() -> Vec<Field> {
    vec![
        Field::new(
            "kind",
            "Flag",
            "Flags show on the banner for everyone who opens the record (§9)",
            Input::Radios(options(FlagKind::ALL, FlagKind::id, FlagKind::label)),
        ),
        Field::new("date", "Since", "", Input::Date),
    ]
}

pub fn flag_parse(data: &FormData, errors: &mut FormErrors) -> Option<EntryBody> {
    let kind = data.coded("kind", FlagKind::parse, errors, "Choose the flag");
    let date = data.date("date", errors, "The date");
    Some(EntryBody::Flag(Flag {
        kind: kind?,
        date: date?,
    }))
}

pub fn flag_values(body: &EntryBody) -> FormData {
    let mut d = FormData::default();
    if let EntryBody::Flag(f) = body {
        d.set("kind", f.kind.id());
        d.set("date", date_value(f.date));
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    type Pair = (
        fn(&EntryBody) -> FormData,
        fn(&FormData, &mut FormErrors) -> Option<EntryBody>,
    );

    fn pair(body: &EntryBody) -> Pair {
        match body {
            EntryBody::Encounter(_) => (encounter_values, encounter_parse),
            EntryBody::PlannedContact(_) => (planned_contact_values, planned_contact_parse),
            EntryBody::Screening(_) => (screening_values, screening_parse),
            EntryBody::Referral(_) => (referral_values, referral_parse),
            EntryBody::Medication(_) => (medication_values, medication_parse),
            EntryBody::Advice(_) => (advice_values, advice_parse),
            _ => (flag_values, flag_parse),
        }
    }

    #[test]
    fn each_kind_round_trips_through_its_form() {
        let d = date!(2026 - 11 - 02);
        let bodies = [
            EntryBody::Encounter(Encounter {
                date: d,
                interpreter: InterpreterUse::FamilyOrFriend,
                somatic_complaints: vec![SomaticComplaint::Headache, SomaticComplaint::BackPain],
                physical_cause_found: false,
                suicidal_thoughts_noted: true,
                self_harm_noted: false,
                note: "n".into(),
            }),
            EntryBody::PlannedContact(PlannedContact {
                date: d,
                status: ContactStatus::DidNotAttend,
                interpreter_booked: true,
                purpose: "review".into(),
            }),
            EntryBody::Screening(Screening {
                test: ScreeningTest::Hiv,
                status: ScreeningStatus::Declined,
                date: d,
            }),
            EntryBody::Referral(Referral {
                kind: ReferralType::SexualHealth,
                status: ReferralStatus::Sent,
                date: d,
                organisation: "Clinic".into(),
                note: String::new(),
            }),
            EntryBody::Medication(Medication {
                name: "sertraline 50 mg".into(),
                started: d,
                stopped: None,
            }),
            EntryBody::Advice(Advice {
                kind: AdviceKind::Wellbeing,
                date: d,
                topics: vec![AdviceTopic::Sleep],
                note: String::new(),
            }),
            EntryBody::Flag(Flag {
                kind: FlagKind::InterpreterNeeded,
                date: d,
            }),
        ];
        for body in bodies {
            let (values, parse) = pair(&body);
            let mut errors = FormErrors::default();
            assert_eq!(parse(&values(&body), &mut errors), Some(body.clone()));
            assert!(errors.is_empty(), "{errors:?}");
        }
    }

    #[test]
    fn a_consultation_needs_its_language_support_recorded() {
        let mut errors = FormErrors::default();
        assert_eq!(
            encounter_parse(
                &FormData::parse(b"date=2026-11-01&complaints=nonsense"),
                &mut errors
            ),
            None
        );
        assert!(errors.has("interpreter"));
        assert!(errors.has("complaints"));
        let mut errors = FormErrors::default();
        medication_parse(&FormData::parse(b"name=+&date=2026-11-01"), &mut errors);
        assert_eq!(errors.get("name"), Some("Enter the medication’s name"));
    }
}
