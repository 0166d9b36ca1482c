//! A synthetic record with every kind of entry and every optional field set, for round trips
//! and snapshots. All data is invented.

use haven_core::instruments::Instrument;
use haven_core::record::*;
use haven_core::{Date, LanguageTag, NhsNumber};
use time::macros::{date, datetime};

pub const TODAY: Date = date!(2026 - 11 - 28);

pub fn full_record() -> PatientRecord {
    let mut p = Patient::new("pat-17".into(), "Amina Noor", "Haddad");
    p.native_name = Some("أمينة حداد".into());
    p.birth_date = Some(date!(1990 - 05 - 01).into());
    p.sex = Some(Sex::Female);
    p.nhs_number = NhsNumber::parse("9000000009").ok();
    p.local_id = Some("EMIS-4411".into());
    p.country_of_origin = Some("SY".into());
    p.main_language = LanguageTag::parse("ar").ok();
    p.other_languages = vec![
        LanguageTag::parse("fr").expect("tag"),
        LanguageTag::parse("ckb").expect("tag"),
    ];
    p.interpreter_required = Some(true);
    p.interpreter_gender = Some(InterpreterGender::Female);
    p.dialect = Some("Levantine".into());
    p.accommodation = Some(Accommodation::DispersalAccommodation);
    p.named_clinician = Some("dr.patel".into());
    p.phone = Some("07700 900123".into());
    p.email = Some("amina@example.invalid".into());
    p.address = Some("1 Example Street, Leeds".into());
    p.support_contacts = Some("Refugee Council caseworker".into());
    let bodies = vec![
        EntryBody::Asylum(AsylumSituation {
            status: AsylumStatus::Refused,
            since: date!(2026 - 11 - 20),
            coded: true,
            note: "Letter seen".into(),
        }),
        EntryBody::Asylum(AsylumSituation {
            status: AsylumStatus::ClaimLodged,
            since: date!(2025 - 01 - 10),
            coded: false,
            note: String::new(),
        }),
        EntryBody::Disclosure(Disclosure {
            kind: Some(AbuseKind::Torture),
            disclosed: date!(2026 - 03 - 02),
            note: "Disclosed at second visit".into(),
        }),
        EntryBody::Disclosure(Disclosure {
            kind: Some(AbuseKind::Trafficking),
            disclosed: date!(2026 - 03 - 02),
            note: String::new(),
        }),
        EntryBody::Disclosure(Disclosure {
            kind: None,
            disclosed: date!(2026 - 04 - 01),
            note: "Free text only".into(),
        }),
        EntryBody::LifeEvent(LifeEvent {
            kind: LifeEventKind::AsylumRefused,
            date: date!(2026 - 11 - 20),
            note: String::new(),
        }),
        EntryBody::Problem(Problem {
            kind: ProblemKind::Ptsd,
            onset: date!(2026 - 04 - 01),
            resolved: None,
            note: String::new(),
        }),
        EntryBody::Problem(Problem {
            kind: ProblemKind::SocialIsolation,
            onset: date!(2026 - 02 - 01),
            resolved: Some(date!(2026 - 06 - 01)),
            note: "Better with group".into(),
        }),
        EntryBody::Encounter(Encounter {
            date: date!(2026 - 11 - 21),
            interpreter: InterpreterUse::ProfessionalTelephone,
            somatic_complaints: vec![
                SomaticComplaint::Headache,
                SomaticComplaint::ChronicBackPain,
            ],
            physical_cause_found: false,
            suicidal_thoughts_noted: true,
            self_harm_noted: false,
            note: "Low mood after refusal".into(),
        }),
        EntryBody::PlannedContact(PlannedContact {
            date: date!(2026 - 12 - 03),
            status: ContactStatus::Booked,
            interpreter_booked: false,
            purpose: "Review".into(),
            interpreter: None,
        }),
        EntryBody::PlannedContact(PlannedContact {
            date: date!(2026 - 10 - 01),
            status: ContactStatus::DidNotAttend,
            interpreter_booked: true,
            purpose: String::new(),
            interpreter: None,
        }),
        EntryBody::Questionnaire(QuestionnaireResult::answered(
            Instrument::Phq9,
            date!(2026 - 11 - 21),
            &[2, 2, 1, 2, 1, 2, 1, 1, 1, 2],
        )),
        EntryBody::Questionnaire(QuestionnaireResult::answered(
            Instrument::Pcl5,
            date!(2026 - 11 - 21),
            &[3, 2, 2, 1, 3, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2, 3, 1, 2, 2, 1],
        )),
        EntryBody::Questionnaire(QuestionnaireResult::answered(
            Instrument::Itq,
            date!(2026 - 10 - 01),
            &[3, 2, 2, 3, 2, 2, 3, 2, 2, 2, 3, 2, 2, 3, 2, 2, 3, 2],
        )),
        EntryBody::Questionnaire(QuestionnaireResult::answered(
            Instrument::Rhs15,
            date!(2026 - 10 - 01),
            &[1, 2, 1, 0, 1, 2, 1, 1, 0, 1, 2, 1, 0, 3, 6],
        )),
        EntryBody::RiskReview(RiskReview {
            date: date!(2026 - 11 - 22),
            suicidal_thoughts: SuicidalThoughts::Passive,
            plans_or_intent: false,
            recent_self_harm: false,
            stressors: "Asylum refusal".into(),
            protective_factors: "Children, faith".into(),
            formulation: "Passive thoughts, no plans".into(),
            next_review: Some(date!(2026 - 11 - 29)),
        }),
        EntryBody::SafetyPlan(SafetyPlan {
            date: date!(2026 - 11 - 22),
            warning_signs: "Not sleeping".into(),
            coping_strategies: "Walks".into(),
            people_and_places: String::new(),
            professionals_and_crisis: "Crisis line".into(),
            safer_surroundings: String::new(),
            reasons_for_living: "Children".into(),
        }),
        EntryBody::Screening(Screening {
            test: ScreeningTest::HepatitisB,
            status: ScreeningStatus::Declined,
            date: date!(2026 - 03 - 02),
        }),
        EntryBody::Referral(Referral {
            organisation: "Leeds Connect".into(),
            ..Referral::new(
                ReferralType::SocialPrescribing,
                ReferralStatus::Declined,
                date!(2026 - 06 - 01),
            )
        }),
        EntryBody::Referral(Referral {
            note: "Waiting list".into(),
            ..Referral::new(
                ReferralType::SpecialistTrauma,
                ReferralStatus::NotTakenUp,
                date!(2026 - 06 - 01),
            )
        }),
        // Made from the directory, every addition of issue 14 set; of a type no rule reads, so
        // the record's actions stay those of the rest.
        EntryBody::Referral(Referral {
            organisation: "Riverside immigration advice".into(),
            note: "Asked for a woman adviser.".into(),
            directory: Some("org-8".into()),
            reason: "Needs advice on her appeal; medical evidence of torture may help.".into(),
            interpreter: Some(InterpreterNeed {
                language: LanguageTag::parse("ar").expect("tag"),
                dialect: "Sudanese".into(),
                gender: Some(InterpreterGender::Female),
            }),
            consent: Some(ShareConsent {
                given_by: ConsentGiver::Representative,
                name: "Legal guardian".into(),
                date: date!(2026 - 11 - 02),
                shares: vec![ShareItem::ContactDetails, ShareItem::SensitiveHistory],
                limits: "Not her husband's name.".into(),
            }),
            ..Referral::new(
                ReferralType::Other,
                ReferralStatus::Drafted,
                date!(2026 - 11 - 01),
            )
            .moved_to(ReferralStatus::Sent, date!(2026 - 11 - 03))
            .moved_to(ReferralStatus::Accepted, date!(2026 - 11 - 20))
        }),
        EntryBody::Medication(Medication {
            name: "Sertraline 50 mg".into(),
            started: date!(2026 - 11 - 22),
            stopped: None,
        }),
        EntryBody::Medication(Medication {
            name: "Mirtazapine".into(),
            started: date!(2026 - 01 - 05),
            stopped: Some(date!(2026 - 03 - 01)),
        }),
        EntryBody::Advice(Advice {
            kind: AdviceKind::Wellbeing,
            date: date!(2026 - 03 - 02),
            topics: vec![AdviceTopic::Sleep, AdviceTopic::SocialContact],
            note: String::new(),
        }),
        EntryBody::Advice(Advice {
            kind: AdviceKind::PsychologicalEnquiry,
            date: date!(2026 - 03 - 02),
            topics: Vec::new(),
            note: "Asked about mood".into(),
        }),
        EntryBody::Flag(Flag {
            kind: FlagKind::InterpreterNeeded,
            date: date!(2025 - 01 - 10),
        }),
        EntryBody::Flag(Flag {
            kind: FlagKind::SensitiveHistory,
            date: date!(2026 - 03 - 02),
        }),
        EntryBody::PlannedContact(PlannedContact {
            date: date!(2026 - 12 - 10),
            status: ContactStatus::Booked,
            interpreter_booked: true,
            purpose: "Medication review".into(),
            interpreter: Some(InterpreterBooking {
                mode: InterpreterMode::InPerson,
                language: LanguageTag::parse("ar").expect("tag"),
                dialect: "Levantine".into(),
                gender: Some(InterpreterGender::Female),
                booked_with: "Example Interpreting".into(),
                reference: "EX-2291".into(),
            }),
        }),
        EntryBody::Outreach(Outreach {
            date: date!(2026 - 10 - 02),
            method: OutreachMethod::PhoneWithInterpreter,
            outcome: OutreachOutcome::ContactMade,
            note: "New appointment agreed".into(),
        }),
    ];
    let mut record = PatientRecord::new(p);
    for (n, body) in bodies.into_iter().enumerate() {
        let entry = Entry::new(
            format!("e{n:02}").as_str().into(),
            "pat-17".into(),
            body,
            "dr.patel".into(),
            datetime!(2026-11-01 10:00 UTC),
        );
        record.entries.push(entry);
    }
    // One amended and one entered-in-error entry, so versions and statuses travel too.
    let amended = record.entries[5]
        .amend(
            record.entries[5].body.clone(),
            "dr.jones".into(),
            datetime!(2026-11-25 09:30:15.5 +01:00),
            "date checked",
        )
        .expect("amend");
    record.entries[5] = amended;
    let wrong = record.entries[10]
        .mark_entered_in_error(
            "dr.jones".into(),
            datetime!(2026-11-26 12:00 UTC),
            "wrong patient",
        )
        .expect("mark");
    record.entries[10] = wrong;
    let wrong = record.entries[19]
        .mark_entered_in_error(
            "dr.jones".into(),
            datetime!(2026-11-26 12:00 UTC),
            "duplicate",
        )
        .expect("mark");
    record.entries[19] = wrong;
    record
}

/// Export → NDJSON text.
pub fn export_ndjson(records: &[PatientRecord], include_sensitive: bool) -> String {
    let values: Vec<serde_json::Value> = records
        .iter()
        .flat_map(|r| haven_fhir::to_resources(r, include_sensitive))
        .map(|(_, v)| v)
        .collect();
    haven_fhir::ndjson::to_ndjson(&values)
}

pub fn import(text: &str) -> Result<Vec<PatientRecord>, String> {
    let resources =
        haven_fhir::parse_input(text.as_bytes(), "test.ndjson").map_err(|e| e.to_string())?;
    haven_fhir::assemble(resources, TODAY).map_err(|e| e.to_string())
}

/// JSON text with every object that has a `resourceType` written with it first, as Haven's
/// export and most servers write it (`serde_json` alone orders keys alphabetically).
pub fn type_first(value: &serde_json::Value) -> String {
    fn first(value: &serde_json::Value, out: &mut String) {
        match value {
            serde_json::Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort_by_key(|k| *k != "resourceType");
                out.push('{');
                for (i, k) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::to_string(k).expect("key"));
                    out.push(':');
                    first(&map[k], out);
                }
                out.push('}');
            }
            serde_json::Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    first(item, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut out = String::new();
    first(value, &mut out);
    out
}
