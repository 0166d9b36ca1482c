//! Forms for care given and planned: consultations (with interpreter use and somatic
//! complaints, §2, §7), planned contacts with interpreter booking (§1, §2), the booking of an
//! interpreter for one (§2), outreach after a missed contact (§1), screening (§8), referrals
//! (§4, §5), psychotropic medication (§5), advice and psychological enquiry (§3, §7) and record
//! flags (§9).

use haven_core::LanguageTag;
use haven_core::record::{
    Advice, ContactStatus, Encounter, EntryBody, Flag, InterpreterBooking, InterpreterNeed,
    Medication, Outreach, OutreachMethod, PlannedContact, Referral, Screening, ShareConsent,
};

use super::bind::{Fields, Form};
use super::data::FormData;
use super::fields::Input;
use super::{EntryForm, FormContext, dated_today};
use crate::reference::languages;
use crate::ui::patient_form::{INTERPRETER_GENDERS, gender_id, gender_of};

/// A mention of suicidal thoughts or self-harm calls for a risk review at once.
const REVIEW_AT_ONCE: &str = "A risk review becomes due at once (§6)";

pub static ENCOUNTER: EntryForm =
    EntryForm::new("Record a consultation", encounter).starts(consultation_today);

/// A consultation starts dated today and, when an interpreter was booked for today's
/// appointment, with the language support booked: the clinician changes it if it did not
/// happen that way (a family member came instead, or nobody).
fn consultation_today(ctx: &FormContext<'_>) -> FormData {
    let mut d = super::dated_today(ctx);
    let booked_today = ctx
        .record
        .bodies(EntryBody::as_planned_contact)
        .filter(|c| c.date == ctx.today && c.status != ContactStatus::Cancelled)
        .find_map(|c| c.interpreter.as_ref());
    if let Some(booking) = booked_today {
        d.set("interpreter", booking.mode.interpreter_use().id());
    }
    d
}

fn encounter(form: &mut Form<'_>, entry: Option<&EntryBody>) -> Option<EntryBody> {
    let mut f = form.of(entry.and_then(EntryBody::as_encounter));
    let date = f
        .field("date", "Date of the consultation")
        .date(|e| e.date, "The date of the consultation");
    let interpreter = f
        .field("interpreter", "Language support")
        .hint("How interpretation was actually provided. Family and friends should not interpret; record it when it happened (§2)")
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
        .hint("Book one whenever the person needs an interpreter (§2); say how below")
        .checkbox(|c| c.interpreter_booked);
    let purpose = f
        .field("purpose", "Purpose")
        .hint("Optional, for example “review with Dr Hughes”. Do not write clinical details here: reception staff see it.")
        .text(|c| c.purpose.clone());
    let interpreter = booking(&mut f, Booking::Optional);
    Some(EntryBody::PlannedContact(PlannedContact {
        date: date?,
        status: status?,
        interpreter_booked,
        purpose,
        interpreter: interpreter?,
    }))
}

/// Whether a form must record a booking, or may leave its details out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Booking {
    Required,
    Optional,
}

/// The interpreter booking's fields (§2): how, language, dialect, gender, with whom, reference.
/// `Some(None)` when an optional booking is left empty; `None` when something is missing.
fn booking(
    f: &mut Fields<'_, '_, PlannedContact>,
    need: Booking,
) -> Option<Option<InterpreterBooking>> {
    let booked = |c: &PlannedContact| c.interpreter.clone();
    let mode = f
        .field("mode", "How the interpreter takes part")
        .hint("Face to face suits mental-health consultations and distressing news; telephone suits short appointments (§2)")
        .optional_radios(
            |c| booked(c).map(|b| b.mode),
            "Choose how the interpreter takes part",
        );
    let language = f.field("language", "Language").language(
        |c| booked(c).map(|b| b.language),
        "Choose the language from the list",
    );
    let dialect = f
        .field("dialect", "Dialect")
        .hint("Optional, for example Sorani or Levantine Arabic")
        .text(|c| booked(c).map(|b| b.dialect).unwrap_or_default());
    let gender = f
        .field("gender", "Interpreter’s gender")
        .hint("Optional: ask the person; some prefer a woman or a man (§2)")
        .optional_radios(
            |c| booked(c).and_then(|b| b.gender),
            "Choose the interpreter’s gender from the list",
        );
    let booked_with = f
        .field("booked_with", "Booked with")
        .hint("The interpreting service or the interpreter, for example the commissioned telephone service")
        .text(|c| booked(c).map(|b| b.booked_with).unwrap_or_default());
    let reference = f
        .field("reference", "Booking reference")
        .hint("Optional, as the service gave it")
        .text(|c| booked(c).map(|b| b.reference).unwrap_or_default());
    let anything = mode.is_some()
        || language.is_some()
        || !dialect.is_empty()
        || gender.is_some()
        || !booked_with.is_empty()
        || !reference.is_empty();
    if need == Booking::Optional && !anything {
        return Some(None);
    }
    if mode.is_none() {
        f.error("mode", "Choose how the interpreter takes part");
    }
    if language.is_none() {
        f.error("language", "Choose the interpreter’s language");
    }
    if booked_with.is_empty() {
        f.error(
            "booked_with",
            "Enter the interpreting service or interpreter booked",
        );
    }
    Some(Some(InterpreterBooking {
        mode: mode?,
        language: language?,
        dialect,
        gender,
        booked_with,
        reference,
    }))
}

/// Booking an interpreter for a planned contact in one step: the booking's fields only; the
/// contact's date, status and purpose are kept as they are, and it is marked interpreter booked.
pub static INTERPRETER_BOOKING: EntryForm =
    EntryForm::new("Book an interpreter", interpreter_booking);

fn interpreter_booking(form: &mut Form<'_>, entry: Option<&EntryBody>) -> Option<EntryBody> {
    let contact = entry.and_then(EntryBody::as_planned_contact);
    let mut f = form.of(contact);
    let booking = booking(&mut f, Booking::Required)?;
    Some(EntryBody::PlannedContact(PlannedContact {
        interpreter_booked: true,
        interpreter: booking,
        ..contact?.clone()
    }))
}

pub static OUTREACH: EntryForm = EntryForm::new("Record outreach after a missed contact", outreach)
    .intro("A missed appointment can mean fear, a move or a crisis (§1). Reach out in a way the person can understand: with an interpreter, or in writing in their language.")
    .starts(outreach_start);

fn outreach(form: &mut Form<'_>, entry: Option<&EntryBody>) -> Option<EntryBody> {
    let mut f = form.of(entry.and_then(EntryBody::as_outreach));
    let date = f
        .field("date", "Date")
        .date(|o| o.date, "The date of the outreach");
    let method = f
        .field("method", "How you reached out")
        .radios(|o| o.method, "Choose how you reached out");
    let outcome = f
        .field("outcome", "What came of it")
        .hint("Until someone speaks with the person, the task stays on the recall list")
        .radios(|o| o.outcome, "Choose what came of it");
    let note = f.note(
        "Optional, for example the number tried. Reception staff see it: no clinical details.",
        |o| o.note.clone(),
    );
    Some(EntryBody::Outreach(Outreach {
        date: date?,
        method: method?,
        outcome: outcome?,
        note,
    }))
}

/// An outreach starts dated today, by telephone with an interpreter when the person needs one.
fn outreach_start(ctx: &FormContext<'_>) -> FormData {
    let mut d = super::dated_today(ctx);
    let method = if ctx.record.patient.interpreter_required == Some(true) {
        OutreachMethod::PhoneWithInterpreter
    } else {
        OutreachMethod::Phone
    };
    d.set("method", method.id());
    d
}

/// A new form's values for booking an interpreter: the contact's booking when it has one,
/// otherwise the person's language, dialect and preferred gender.
pub fn booking_start(ctx: &FormContext<'_>, contact: &EntryBody) -> FormData {
    let mut d = INTERPRETER_BOOKING.values(contact);
    let p = &ctx.record.patient;
    if d.get("language").is_empty()
        && let Some(language) = &p.main_language
    {
        d.set("language", language.as_str());
    }
    if d.get("dialect").is_empty()
        && let Some(dialect) = &p.dialect
    {
        d.set("dialect", dialect.as_str());
    }
    if d.get("gender").is_empty()
        && let Some(gender) = p.interpreter_gender
    {
        d.set("gender", haven_core::record::Coded::id(gender));
    }
    d
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

pub static REFERRAL: EntryForm = EntryForm::new("Record a referral", referral)
    .intro("To refer to an organisation in the directory, choose it there (Refer): its name and the person’s interpreter need come with it, and the letter can be printed afterwards.")
    .starts(referral_starts)
    .keeps(keep_referral_trail);

/// The id of the "no interpreter needed" choice.
const NO_INTERPRETER: &str = "none";

fn referral(form: &mut Form<'_>, entry: Option<&EntryBody>) -> Option<EntryBody> {
    let mut f = form.of(entry.and_then(EntryBody::as_referral));
    let organisation = f
        .field("organisation", "Organisation")
        .hint("Optional, for example the service’s name; the letter is addressed to it")
        .text(|r| r.organisation.clone());
    let directory = f.field("directory", "Directory entry").hidden(|r| {
        r.directory
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default()
    });
    let kind = f
        .field("kind", "Referral to")
        .hint("The kind of service: the care rules read it (§4, §5, §8)")
        .select(|r| r.kind, "Choose where the referral is to");
    let reason = f
        .field("referral_reason", "Reason for referral")
        .hint("Optional; printed on the letter")
        .textarea(|r| r.reason.clone());
    let status = f
        .field("status", "Status")
        .hint("A referral can be marked sent only with the person’s consent to share, below")
        .radios(|r| r.status, "Choose the status of the referral");
    let date = f
        .field("date", "Date of this status")
        .date(|r| r.date, "The date");
    let interpreter = interpreter_need(&mut f);
    let consent = share_consent(&mut f);
    let note = f.note("Optional", |r| r.note.clone());
    Some(EntryBody::Referral(Referral {
        kind: kind?,
        status: status?,
        date: date?,
        organisation,
        note,
        earlier: Vec::new(),
        directory: (!directory.is_empty()).then(|| directory.as_str().into()),
        reason,
        interpreter: interpreter?,
        consent: consent?,
    }))
}

fn need(r: &Referral) -> Option<&InterpreterNeed> {
    r.interpreter.as_ref()
}

fn given(r: &Referral) -> Option<&ShareConsent> {
    r.consent.as_ref()
}

/// The interpreter the person needs at the service (§2): a language, or none.
fn interpreter_need(f: &mut Fields<'_, '_, Referral>) -> Option<Option<InterpreterNeed>> {
    let language = f
        .field("interpreter_language", "Interpreter needed at the service")
        .hint("Filled in from the person’s record; the letter asks the service to book one")
        .choice_or_none(
            Input::Select,
            (NO_INTERPRETER, "No interpreter needed"),
            || languages::choices().collect(),
            |r| need(r).map(|n| n.language.as_str()),
            |id| LanguageTag::parse(id).ok(),
            "Choose a language from the list, or “No interpreter needed”",
        );
    let dialect = f
        .field("interpreter_dialect", "Dialect")
        .hint("Optional")
        .text(|r| need(r).map(|n| n.dialect.clone()).unwrap_or_default());
    let gender = f
        .field("interpreter_gender", "Interpreter preferred")
        .choice_or_none(
            Input::Radios,
            ("", "Not recorded"),
            || INTERPRETER_GENDERS.to_vec(),
            |r| need(r).and_then(|n| n.gender).map(gender_id),
            gender_of,
            "Choose an interpreter preference from the list",
        );
    match (language?, gender?) {
        (Some(language), gender) => Some(Some(InterpreterNeed {
            language,
            dialect,
            gender,
        })),
        (None, None) if dialect.is_empty() => Some(None),
        (None, _) => {
            f.error(
                "interpreter_language",
                "Choose the interpreter’s language, or clear the dialect and preference",
            );
            None
        }
    }
}

/// The person's consent to share: who gave it, when, and what else may go with the referral.
fn share_consent(f: &mut Fields<'_, '_, Referral>) -> Option<Option<ShareConsent>> {
    let given_by = f
        .field("consent_given_by", "Consent to share given by")
        .hint("Required before the referral is marked sent. Ask with an interpreter where one is needed (§2). The name, date of birth, NHS number, reason and interpreter need always go with the referral.")
        .radios_or_none(
            ("", "Not given yet"),
            |r| given(r).map(|c| c.given_by),
            "Choose who gave consent",
        );
    let name = f
        .field("consent_name", "Their name")
        .hint("When someone else gave consent for the person")
        .text(|r| given(r).map(|c| c.name.clone()).unwrap_or_default());
    let date = f
        .field("consent_date", "Date consent was given")
        .optional_date(|r| given(r).map(|c| c.date), "The date consent was given");
    let shares = f
        .field("consent_shares", "They agreed the service may also receive")
        .checkboxes(
            |r| given(r).map(|c| c.shares.clone()).unwrap_or_default(),
            "Choose from the list",
        );
    let limits = f
        .field("consent_limits", "Anything they asked not to be shared")
        .hint("Optional, in their words; printed on the letter")
        .textarea(|r| given(r).map(|c| c.limits.clone()).unwrap_or_default());
    match (given_by?, date) {
        (Some(given_by), Some(date)) => Some(Some(ShareConsent {
            given_by,
            name,
            date,
            shares,
            limits,
        })),
        (None, None) if shares.is_empty() && name.is_empty() && limits.is_empty() => Some(None),
        (Some(_), None) => {
            f.error("consent_date", "Enter the date consent was given");
            None
        }
        (None, _) => {
            f.error(
                "consent_given_by",
                "Choose who gave consent, or clear the consent details",
            );
            None
        }
    }
}

/// A new referral starts dated today with the person's own interpreter need.
fn referral_starts(ctx: &FormContext<'_>) -> FormData {
    let mut d = dated_today(ctx);
    let p = &ctx.record.patient;
    match (&p.main_language, p.interpreter_required) {
        (Some(language), Some(true)) => {
            d.set("interpreter_language", language.as_str());
            d.set("interpreter_dialect", p.dialect.clone().unwrap_or_default());
            d.set(
                "interpreter_gender",
                p.interpreter_gender.map(gender_id).unwrap_or_default(),
            );
        }
        _ => d.set("interpreter_language", NO_INTERPRETER),
    }
    d
}

/// The status trail is not on the form: an amendment keeps the one it amends.
fn keep_referral_trail(previous: &EntryBody, next: &mut EntryBody) {
    if let (EntryBody::Referral(before), EntryBody::Referral(after)) = (previous, next) {
        after.keep_trail_of(before);
    }
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
    use haven_core::LanguageTag;
    use haven_core::record::{
        AdviceKind, AdviceTopic, ConsentGiver, FlagKind, InterpreterGender, InterpreterMode,
        InterpreterUse, OutreachOutcome, ReferralStatus, ReferralType, ScreeningStatus,
        ScreeningTest, ShareItem, SomaticComplaint,
    };
    use time::macros::date;

    fn booked() -> InterpreterBooking {
        InterpreterBooking {
            mode: InterpreterMode::Video,
            language: LanguageTag::parse("ckb").expect("tag"),
            dialect: "Sorani".into(),
            gender: Some(InterpreterGender::Male),
            booked_with: "Interpreting service".into(),
            reference: "R-12".into(),
        }
    }

    #[test]
    fn booking_an_interpreter_keeps_the_contact_and_marks_it_booked() {
        let contact = EntryBody::PlannedContact(PlannedContact {
            date: date!(2026 - 12 - 03),
            status: ContactStatus::Booked,
            interpreter_booked: false,
            purpose: "review".into(),
            interpreter: None,
        });
        let fields: Vec<&str> = INTERPRETER_BOOKING
            .fields(&haven_core::policy::Policy::default())
            .iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(
            fields,
            [
                "mode",
                "language",
                "dialect",
                "gender",
                "booked_with",
                "reference"
            ],
            "one step: the booking only"
        );
        let submitted = FormData::parse(
            b"mode=video&language=ckb&dialect=Sorani&gender=male&booked_with=Interpreting+service&reference=R-12",
        );
        let mut errors = FormErrors::default();
        let booked_contact = super::super::bind::parse_onto(
            INTERPRETER_BOOKING.describe,
            &submitted,
            &mut errors,
            &contact,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            booked_contact,
            Some(EntryBody::PlannedContact(PlannedContact {
                date: date!(2026 - 12 - 03),
                status: ContactStatus::Booked,
                interpreter_booked: true,
                purpose: "review".into(),
                interpreter: Some(booked()),
            }))
        );
        let mut errors = FormErrors::default();
        let nothing = FormData::parse(b"dialect=x");
        assert_eq!(
            super::super::bind::parse_onto(
                INTERPRETER_BOOKING.describe,
                &nothing,
                &mut errors,
                &contact
            ),
            None
        );
        for field in ["mode", "language", "booked_with"] {
            assert!(errors.has(field), "{field}: {errors:?}");
        }
        // On the planned contact's own form the booking may be left out, but not half given.
        let mut errors = FormErrors::default();
        let half =
            FormData::parse(b"date=2026-12-03&status=booked&interpreter_booked=yes&mode=telephone");
        assert_eq!(PLANNED_CONTACT.parse(&half, &mut errors), None);
        assert!(
            errors.has("language") && errors.has("booked_with"),
            "{errors:?}"
        );
    }

    fn form(body: &EntryBody) -> &'static EntryForm {
        match body {
            EntryBody::Encounter(_) => &ENCOUNTER,
            EntryBody::PlannedContact(_) => &PLANNED_CONTACT,
            EntryBody::Screening(_) => &SCREENING,
            EntryBody::Referral(_) => &REFERRAL,
            EntryBody::Medication(_) => &MEDICATION,
            EntryBody::Advice(_) => &ADVICE,
            EntryBody::Outreach(_) => &OUTREACH,
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
                interpreter: None,
            }),
            EntryBody::PlannedContact(PlannedContact {
                date: d,
                status: ContactStatus::Booked,
                interpreter_booked: true,
                purpose: String::new(),
                interpreter: Some(booked()),
            }),
            EntryBody::Outreach(Outreach {
                date: d,
                method: OutreachMethod::Letter,
                outcome: OutreachOutcome::MessageLeft,
                note: "sent to the new address".into(),
            }),
            EntryBody::Screening(Screening {
                test: ScreeningTest::Hiv,
                status: ScreeningStatus::Declined,
                date: d,
            }),
            EntryBody::Referral(Referral {
                organisation: "Clinic".into(),
                ..Referral::new(ReferralType::SexualHealth, ReferralStatus::Sent, d)
            }),
            EntryBody::Referral(Referral {
                organisation: "Trauma service".into(),
                note: "n".into(),
                directory: Some("org-1".into()),
                reason: "PTSD".into(),
                interpreter: Some(InterpreterNeed {
                    language: LanguageTag::parse("ar-SD").expect("tag"),
                    dialect: "Sudanese".into(),
                    gender: Some(haven_core::record::InterpreterGender::Female),
                }),
                consent: Some(ShareConsent {
                    given_by: ConsentGiver::Representative,
                    name: "Guardian".into(),
                    date: d,
                    shares: vec![ShareItem::RelevantHistory],
                    limits: "Not the family".into(),
                }),
                ..Referral::new(ReferralType::SpecialistTrauma, ReferralStatus::Accepted, d)
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
