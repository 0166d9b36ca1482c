//! Forms for care given and planned: consultations (with interpreter use and somatic
//! complaints, §2, §7), planned contacts with interpreter booking (§1, §2), screening (§8),
//! referrals (§4, §5), psychotropic medication (§5), advice and psychological enquiry (§3, §7)
//! and record flags (§9).

use haven_core::record::{
    Advice, Encounter, EntryBody, Flag, Medication, PlannedContact, Referral, Screening,
};

use super::EntryForm;
use super::bind::Form;

/// A mention of suicidal thoughts or self-harm calls for a risk review at once.
const REVIEW_AT_ONCE: &str = "A risk review becomes due at once (§6)";

pub static ENCOUNTER: EntryForm = EntryForm::new("Record a consultation", encounter);

fn encounter(form: &mut Form<'_>, entry: Option<&EntryBody>) -> Option<EntryBody> {
    let mut f = form.of(entry.and_then(EntryBody::as_encounter));
    let date = f
        .field("date", "Date of the consultation")
        .date(|e| e.date, "The date of the consultation");
    let interpreter = f
        .field("interpreter", "Language support")
        .hint("Family and friends should not interpret; record it when it happened (§2)")
        .radios(
            |e| e.interpreter,
            "Choose how language support was provided, or “Not needed”",
        );
    let somatic_complaints = f
        .field("complaints", "Somatic complaints")
        .hint("Tick any the person presented with (§7)")
        .checkboxes(
            |e| e.somatic_complaints.clone(),
            "Choose complaints from the list",
        );
    let physical_cause_found = f
        .field(
            "physical_cause",
            "A physical cause was found for these complaints",
        )
        .checkbox(|e| e.physical_cause_found);
    let suicidal_thoughts_noted = f
        .field("suicidal_thoughts", "Suicidal thoughts were mentioned")
        .hint(REVIEW_AT_ONCE)
        .checkbox(|e| e.suicidal_thoughts_noted);
    let self_harm_noted = f
        .field("self_harm", "Self-harm was mentioned")
        .hint(REVIEW_AT_ONCE)
        .checkbox(|e| e.self_harm_noted);
    let note = f.note("Optional", |e| e.note.clone());
    Some(EntryBody::Encounter(Encounter {
        date: date?,
        interpreter: interpreter?,
        somatic_complaints,
        physical_cause_found,
        suicidal_thoughts_noted,
        self_harm_noted,
        note,
    }))
}

pub static PLANNED_CONTACT: EntryForm = EntryForm::new("Record a planned contact", planned_contact);

fn planned_contact(form: &mut Form<'_>, entry: Option<&EntryBody>) -> Option<EntryBody> {
    let mut f = form.of(entry.and_then(EntryBody::as_planned_contact));
    let date = f
        .field("date", "Date of the appointment")
        .hint("It may be in the future")
        .date(|c| c.date, "The date of the appointment");
    let status = f
        .field("status", "Status")
        .radios(|c| c.status, "Choose the status of the appointment");
    let interpreter_booked = f
        .field(
            "interpreter_booked",
            "An interpreter is booked for this appointment",
        )
        .hint("Book one whenever the person needs an interpreter (§2)")
        .checkbox(|c| c.interpreter_booked);
    let purpose = f
        .field("purpose", "Purpose")
        .hint("Optional, for example “review with Dr Hughes”. Do not write clinical details here: reception staff see it.")
        .text(|c| c.purpose.clone());
    Some(EntryBody::PlannedContact(PlannedContact {
        date: date?,
        status: status?,
        interpreter_booked,
        purpose,
    }))
}

pub static SCREENING: EntryForm = EntryForm::new("Record blood-borne virus screening", screening);

fn screening(form: &mut Form<'_>, entry: Option<&EntryBody>) -> Option<EntryBody> {
    let mut f = form.of(entry.and_then(EntryBody::as_screening));
    let test = f
        .field("test", "Test")
        .radios(|s| s.test, "Choose the test");
    let status = f
        .field("status", "What happened")
        .hint("A declined test is offered again after the practice’s re-offer interval (§8)")
        .radios(|s| s.status, "Choose what happened");
    let date = f.field("date", "Date").date(|s| s.date, "The date");
    Some(EntryBody::Screening(Screening {
        test: test?,
        status: status?,
        date: date?,
    }))
}

pub static REFERRAL: EntryForm = EntryForm::new("Record a referral", referral);

fn referral(form: &mut Form<'_>, entry: Option<&EntryBody>) -> Option<EntryBody> {
    let mut f = form.of(entry.and_then(EntryBody::as_referral));
    let kind = f
        .field("kind", "Referral to")
        .select(|r| r.kind, "Choose where the referral is to");
    let status = f
        .field("status", "Status")
        .radios(|r| r.status, "Choose the status of the referral");
    let date = f.field("date", "Date").date(|r| r.date, "The date");
    let organisation = f
        .field("organisation", "Organisation")
        .hint("Optional, for example the service’s name")
        .text(|r| r.organisation.clone());
    let note = f.note("Optional", |r| r.note.clone());
    Some(EntryBody::Referral(Referral {
        kind: kind?,
        status: status?,
        date: date?,
        organisation,
        note,
    }))
}

pub static MEDICATION: EntryForm = EntryForm::new("Record psychotropic medication", medication);

fn medication(form: &mut Form<'_>, entry: Option<&EntryBody>) -> Option<EntryBody> {
    let mut f = form.of(entry.and_then(EntryBody::as_medication));
    let name = f
        .field("name", "Psychotropic medication")
        .hint("Name and dose as prescribed in the GP system; Haven records it only for follow-up (§5)")
        .required_text(|m| m.name.clone(), "Enter the medication’s name");
    let started = f
        .field("date", "Started")
        .date(|m| m.started, "The start date");
    let stopped = f
        .field("stopped", "Stopped")
        .hint("Optional — leave empty while it is taken")
        .optional_date(|m| m.stopped, "The stop date");
    Some(EntryBody::Medication(Medication {
        name,
        started: started?,
        stopped,
    }))
}

pub static ADVICE: EntryForm = EntryForm::new("Record advice or a psychological enquiry", advice);

fn advice(form: &mut Form<'_>, entry: Option<&EntryBody>) -> Option<EntryBody> {
    let mut f = form.of(entry.and_then(EntryBody::as_advice));
    let kind = f.field("kind", "What was done").radios(
        |a| a.kind,
        "Choose wellbeing advice or psychological enquiry",
    );
    let date = f.field("date", "Date").date(|a| a.date, "The date");
    let topics = f
        .field("topics", "Wellbeing topics covered")
        .hint("For wellbeing advice: tick what was discussed (§3)")
        .checkboxes(|a| a.topics.clone(), "Choose topics from the list");
    let note = f.note(
        "Optional, for example the leaflet given and its language",
        |a| a.note.clone(),
    );
    Some(EntryBody::Advice(Advice {
        kind: kind?,
        date: date?,
        topics,
        note,
    }))
}

pub static FLAG: EntryForm = EntryForm::new("Add a flag", flag);

fn flag(form: &mut Form<'_>, entry: Option<&EntryBody>) -> Option<EntryBody> {
    let mut f = form.of(entry.and_then(EntryBody::as_flag));
    let kind = f
        .field("kind", "Flag")
        .hint("Flags show on the banner for everyone who opens the record (§9)")
        .radios(|x| x.kind, "Choose the flag");
    let date = f.field("date", "Since").date(|x| x.date, "The date");
    Some(EntryBody::Flag(Flag {
        kind: kind?,
        date: date?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::form::FormErrors;
    use crate::ui::forms::data::FormData;
    use haven_core::record::{
        AdviceKind, AdviceTopic, ContactStatus, FlagKind, InterpreterUse, ReferralStatus,
        ReferralType, ScreeningStatus, ScreeningTest, SomaticComplaint,
    };
    use time::macros::date;

    fn form(body: &EntryBody) -> &'static EntryForm {
        match body {
            EntryBody::Encounter(_) => &ENCOUNTER,
            EntryBody::PlannedContact(_) => &PLANNED_CONTACT,
            EntryBody::Screening(_) => &SCREENING,
            EntryBody::Referral(_) => &REFERRAL,
            EntryBody::Medication(_) => &MEDICATION,
            EntryBody::Advice(_) => &ADVICE,
            _ => &FLAG,
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
            let form = form(&body);
            let mut errors = FormErrors::default();
            assert_eq!(
                form.parse(&form.values(&body), &mut errors),
                Some(body.clone())
            );
            assert!(errors.is_empty(), "{errors:?}");
        }
    }

    #[test]
    fn a_consultation_needs_its_language_support_recorded() {
        let mut errors = FormErrors::default();
        assert_eq!(
            ENCOUNTER.parse(
                &FormData::parse(b"date=2026-11-01&complaints=nonsense"),
                &mut errors
            ),
            None
        );
        assert!(errors.has("interpreter"));
        assert!(errors.has("complaints"));
        let mut errors = FormErrors::default();
        MEDICATION.parse(&FormData::parse(b"name=+&date=2026-11-01"), &mut errors);
        assert_eq!(errors.get("name"), Some("Enter the medication’s name"));
    }
}
