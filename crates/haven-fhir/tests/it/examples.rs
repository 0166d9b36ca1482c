//! Resources written by hand the way another system would send them, one per row of the
//! docs/fhir.md mapping table, read into the Haven values the table promises. Verified codes
//! come from haven-core's terminology, never literals.

use haven_core::instruments::Instrument;
use haven_core::record::*;
use haven_core::terminology::by_key;
use serde_json::{Value, json};
use time::macros::date;

use crate::support::TODAY;

const H: &str = "https://haven-health.github.io/fhir";
const SNOMED: &str = "http://snomed.info/sct";
const LOINC: &str = "http://loinc.org";

fn snomed(key: &str) -> Value {
    json!({"system": SNOMED, "code": by_key(key).code})
}

fn subject() -> Value {
    json!({"reference": "Patient/ehr-1"})
}

fn patient() -> Value {
    json!({
        "resourceType": "Patient", "id": "ehr-1",
        "meta": {"profile": ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"]},
        "identifier": [
            {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9000000009"},
            {"system": "https://ehr.example/id", "value": "X1"}
        ],
        "name": [{"use": "official", "family": "Tesfaye", "given": ["Selam"]}],
        "gender": "female", "birthDate": "1994-02-11",
        "communication": [{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "ti"}]}, "preferred": true}],
        "extension": [
            {"url": "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired", "valueBoolean": true},
            {"url": format!("{H}/StructureDefinition/interpreter-gender"), "valueCode": "female"},
            {"url": format!("{H}/StructureDefinition/dialect"), "valueString": "Asmara"}
        ],
        "generalPractitioner": [{"reference": "Organization/Y12345"}, {"reference": "Practitioner/dr.tekle"}]
    })
}

fn import(resources: &[Value]) -> PatientRecord {
    let text: String = resources.iter().map(|r| format!("{r}\n")).collect();
    let mut records = crate::support::import(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(records.len(), 1);
    records.remove(0)
}

fn only_entry(resource: Value) -> Entry {
    let mut record = import(&[patient(), resource]);
    assert_eq!(record.entries.len(), 1, "{:?}", record.entries);
    record.entries.remove(0)
}

#[test]
fn patient_demographics_languages_and_interpreter_need() {
    let r = import(&[patient()]);
    let p = &r.patient;
    assert_eq!(
        (p.id.as_str(), p.given_name.as_str(), p.family_name.as_str()),
        ("ehr-1", "Selam", "Tesfaye")
    );
    assert_eq!(
        p.nhs_number.as_ref().map(|n| n.as_str()),
        Some("9000000009")
    );
    assert_eq!(p.main_language.as_ref().map(|l| l.as_str()), Some("ti"));
    assert_eq!(p.interpreter_required, Some(true));
    assert_eq!(p.interpreter_gender, Some(InterpreterGender::Female));
    assert_eq!(p.dialect.as_deref(), Some("Asmara"));
    assert_eq!(
        p.named_clinician.as_ref().map(|c| c.as_str()),
        Some("dr.tekle"),
        "the Organization is skipped"
    );
    assert_eq!(p.birth_date, Some(date!(1994 - 02 - 11).into()));
}

#[test]
fn country_of_origin_fills_the_demographic_field() {
    let obs = json!({"resourceType": "Observation", "id": "c1", "status": "final", "subject": subject(),
        "code": {"coding": [{"system": format!("{H}/CodeSystem/haven"), "code": "country-of-origin"}]},
        "valueCodeableConcept": {"coding": [{"system": "urn:iso:std:iso:3166", "code": "ER"}]}});
    let r = import(&[patient(), obs]);
    assert_eq!(r.patient.country_of_origin.as_deref(), Some("ER"));
    assert!(r.entries.is_empty());
}

#[test]
fn asylum_status_from_the_snomed_code_alone() {
    let e = only_entry(
        json!({"resourceType": "Observation", "id": "a1", "status": "final", "subject": subject(),
        "code": {"coding": [{"system": format!("{H}/CodeSystem/haven"), "code": "asylum-status"}]},
        "effectiveDateTime": "2026-10-02",
        "valueCodeableConcept": {"coding": [snomed("asylum.refused")]}}),
    );
    assert_eq!(
        e.body,
        EntryBody::Asylum(AsylumSituation {
            status: AsylumStatus::Refused,
            since: date!(2026 - 10 - 02),
            coded: true,
            note: String::new()
        })
    );
    // The EHR style: the SNOMED CT asylum concept as the code of a problem.
    let e = only_entry(
        json!({"resourceType": "Condition", "id": "a2", "subject": subject(),
        "code": {"coding": [snomed("asylum.seeker")]}, "onsetDateTime": "2025-06-01"}),
    );
    assert!(matches!(
        e.body,
        EntryBody::Asylum(AsylumSituation {
            status: AsylumStatus::AwaitingDecision,
            coded: true,
            ..
        })
    ));
}

#[test]
fn abuse_disclosure_by_verified_snomed_code() {
    let e = only_entry(
        json!({"resourceType": "Condition", "id": "d1", "subject": subject(),
        "meta": {"security": [{"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R"}]},
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-category", "code": "problem-list-item"}]}],
        "code": {"coding": [snomed("abuse.trafficking")]}, "recordedDate": "2026-04-01"}),
    );
    assert_eq!(
        e.body,
        EntryBody::Disclosure(Disclosure {
            kind: Some(AbuseKind::Trafficking),
            disclosed: date!(2026 - 04 - 01),
            note: String::new()
        })
    );
    assert_eq!(e.visibility(), Visibility::Sensitive);
}

#[test]
fn life_event_and_screening() {
    let e = only_entry(
        json!({"resourceType": "Observation", "id": "l1", "status": "final", "subject": subject(),
        "code": {"coding": [{"system": format!("{H}/CodeSystem/life-event"), "code": "bad-news-from-home"}]},
        "effectiveDateTime": "2026-11-02T10:00:00Z"}),
    );
    assert!(matches!(
        e.body,
        EntryBody::LifeEvent(LifeEvent {
            kind: LifeEventKind::BadNewsFromHome,
            ..
        })
    ));
    let e = only_entry(
        json!({"resourceType": "Observation", "id": "s1", "status": "final", "subject": subject(),
        "code": {"coding": [{"system": format!("{H}/CodeSystem/screening"), "code": "hiv"}]},
        "valueCodeableConcept": {"coding": [{"system": format!("{H}/CodeSystem/screening-status"), "code": "result-negative"}]},
        "effectiveDateTime": "2026-05-05"}),
    );
    assert_eq!(
        e.body,
        EntryBody::Screening(Screening {
            test: ScreeningTest::Hiv,
            status: ScreeningStatus::ResultNegative,
            date: date!(2026 - 05 - 05)
        })
    );
}

#[test]
fn phq9_with_loinc_items_and_answer_codes() {
    let answers = [1u8, 2, 0, 3, 1, 1, 0, 2, 1];
    let components: Vec<Value> = answers
        .iter()
        .enumerate()
        .map(|(i, &a)| {
            let answer = by_key(&format!("answer.{a}"));
            json!({"code": {"coding": [{"system": LOINC, "code": by_key(&format!("phq9.item{}", i + 1)).code}]},
                   "valueCodeableConcept": {"coding": [{"system": LOINC, "code": answer.code}]}})
        })
        .collect();
    let e = only_entry(
        json!({"resourceType": "Observation", "id": "q1", "status": "final", "subject": subject(),
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey"}]}],
        "code": {"coding": [{"system": LOINC, "code": by_key("phq9.total").code}]},
        "effectiveDateTime": "2026-11-20", "valueInteger": 11, "component": components}),
    );
    assert_eq!(
        e.body,
        EntryBody::Questionnaire(QuestionnaireResult::answered(
            Instrument::Phq9,
            date!(2026 - 11 - 20),
            &answers,
        ))
    );
}

#[test]
fn gad7_as_a_standalone_questionnaire_response() {
    let items: Vec<Value> = (1..=7)
        .map(|n| json!({"linkId": n.to_string(), "answer": [{"valueInteger": 2}]}))
        .collect();
    let e = only_entry(
        json!({"resourceType": "QuestionnaireResponse", "id": "qr1", "status": "completed", "subject": subject(),
        "questionnaire": format!("{H}/Questionnaire/gad7"), "authored": "2026-11-01", "item": items}),
    );
    assert_eq!(
        e.body,
        EntryBody::Questionnaire(QuestionnaireResult::answered(
            Instrument::Gad7,
            date!(2026 - 11 - 01),
            &[2; 7],
        ))
    );
}

#[test]
fn risk_review_safety_plan_and_appointment() {
    let ext = |name: &str, value: Value| {
        let mut e = json!({"url": format!("{H}/StructureDefinition/{name}")});
        if let (Value::Object(e), Value::Object(v)) = (&mut e, value) {
            e.extend(v);
        }
        e
    };
    let e = only_entry(
        json!({"resourceType": "RiskAssessment", "id": "r1", "status": "final", "subject": subject(),
        "code": {"coding": [{"system": format!("{H}/CodeSystem/haven"), "code": "suicide-self-harm-review"}]},
        "occurrenceDateTime": "2026-11-21", "note": [{"text": "No plans"}],
        "extension": [ext("suicidal-thoughts", json!({"valueCode": "active"})), ext("plans-or-intent", json!({"valueBoolean": false})),
                      ext("recent-self-harm", json!({"valueBoolean": true})), ext("next-review", json!({"valueDate": "2026-11-28"}))]}),
    );
    let EntryBody::RiskReview(r) = e.body else {
        panic!("risk review expected")
    };
    assert_eq!(
        (r.suicidal_thoughts, r.plans_or_intent, r.recent_self_harm),
        (SuicidalThoughts::Active, false, true)
    );
    assert_eq!(
        (r.next_review, r.formulation.as_str()),
        (Some(date!(2026 - 11 - 28)), "No plans")
    );
    let e = only_entry(
        json!({"resourceType": "CarePlan", "id": "sp1", "status": "active", "intent": "plan", "subject": subject(),
        "category": [{"coding": [{"system": format!("{H}/CodeSystem/haven"), "code": "safety-plan"}]}], "created": "2026-11-21"}),
    );
    assert!(
        matches!(e.body, EntryBody::SafetyPlan(SafetyPlan { date, .. }) if date == date!(2026 - 11 - 21))
    );
    let e = only_entry(
        json!({"resourceType": "Appointment", "id": "ap1", "status": "booked", "start": "2026-12-02T14:30:00Z",
        "participant": [{"actor": {"reference": "Practitioner/dr.tekle"}, "status": "accepted"}, {"actor": subject(), "status": "accepted"}],
        "extension": [ext("interpreter-booked", json!({"valueBoolean": true}))]}),
    );
    assert_eq!(
        e.body,
        EntryBody::PlannedContact(PlannedContact {
            date: date!(2026 - 12 - 02),
            status: ContactStatus::Booked,
            interpreter_booked: true,
            purpose: String::new(),
            interpreter: None,
        })
    );
}

#[test]
fn encounter_referral_medication_advice_and_flag() {
    let e = only_entry(
        json!({"resourceType": "Encounter", "id": "en1", "status": "finished", "subject": subject(),
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
        "period": {"start": "2026-11-10T09:00:00Z", "end": "2026-11-10T09:20:00Z"},
        "reasonCode": [{"coding": [snomed("somatic.low-back-pain")]}, {"coding": [{"system": "http://example.org/local", "code": "X"}]}],
        "extension": [{"url": format!("{H}/StructureDefinition/interpreter-use"), "valueCode": "family-or-friend"}]}),
    );
    let EntryBody::Encounter(enc) = e.body else {
        panic!("encounter expected")
    };
    assert_eq!(
        (enc.interpreter, enc.somatic_complaints),
        (
            InterpreterUse::FamilyOrFriend,
            vec![SomaticComplaint::BackPain]
        )
    );
    let e = only_entry(
        json!({"resourceType": "ServiceRequest", "id": "sr1", "status": "active", "intent": "order", "subject": subject(),
        "category": [{"coding": [snomed("referral.psychologist")]}], "authoredOn": "2026-09-09"}),
    );
    assert!(matches!(
        e.body,
        EntryBody::Referral(Referral {
            kind: ReferralType::PsychologicalTherapy,
            status: ReferralStatus::Sent,
            ..
        })
    ));
    // A draft elsewhere is a draft here: it has not gone out, so it resolves nothing.
    let e = only_entry(
        json!({"resourceType": "ServiceRequest", "id": "sr2", "status": "draft", "intent": "order", "subject": subject(),
        "category": [{"coding": [snomed("referral.social-prescribing")]}], "authoredOn": "2026-09-09",
        "performer": [{"display": "Link worker", "identifier": {"system": "https://elsewhere.example/orgs", "value": "7"}}]}),
    );
    let EntryBody::Referral(draft) = e.body else {
        panic!("referral expected")
    };
    assert_eq!(
        (draft.status, draft.organisation.as_str(), draft.directory),
        (ReferralStatus::Drafted, "Link worker", None),
        "another system's organisation id is not a directory entry"
    );
    let e = only_entry(
        json!({"resourceType": "MedicationStatement", "id": "m1", "status": "active", "subject": subject(),
        "category": {"coding": [{"system": format!("{H}/CodeSystem/haven"), "code": "psychotropic"}]},
        "medicationCodeableConcept": {"coding": [{"system": "https://dmd.example", "code": "1", "display": "Sertraline 50mg tablets"}]},
        "effectivePeriod": {"start": "2026-11-01"}}),
    );
    assert_eq!(
        e.body,
        EntryBody::Medication(Medication {
            name: "Sertraline 50mg tablets".into(),
            started: date!(2026 - 11 - 01),
            stopped: None
        })
    );
    let e = only_entry(
        json!({"resourceType": "Procedure", "id": "p1", "status": "completed", "subject": subject(),
        "code": {"coding": [{"system": format!("{H}/CodeSystem/haven"), "code": "psychological-enquiry"}]}, "performedDateTime": "2026-11-10"}),
    );
    assert!(matches!(
        e.body,
        EntryBody::Advice(Advice {
            kind: AdviceKind::PsychologicalEnquiry,
            ..
        })
    ));
    let e = only_entry(
        json!({"resourceType": "Flag", "id": "f1", "status": "active", "subject": subject(),
        "code": {"coding": [snomed("interpreter.needed.ti")]}, "period": {"start": "2025-01-01"}}),
    );
    assert_eq!(
        e.body,
        EntryBody::Flag(Flag {
            kind: FlagKind::InterpreterNeeded,
            date: date!(2025 - 01 - 01)
        })
    );
}

#[test]
fn unrelated_resources_are_skipped_and_reported() {
    let bp = json!({"resourceType": "Observation", "id": "bp", "status": "final", "subject": subject(),
        "code": {"coding": [{"system": "http://example.org/local", "code": "BP"}]}, "effectiveDateTime": "2026-11-01"});
    let text = format!("{}\n{bp}\n", patient());
    let resources = haven_fhir::parse_input(text.as_bytes(), "ehr.ndjson").expect("parse");
    let assembly = haven_fhir::assemble_with(resources, TODAY, &[], haven_fhir::Purpose::Store)
        .expect("assemble");
    assert!(assembly.records[0].entries.is_empty());
    assert_eq!(assembly.skipped.len(), 1);
    assert_eq!(assembly.skipped[0].resource, "Observation/bp");
    assert_eq!(
        assembly.skipped[0].location.to_string(),
        "ehr.ndjson: line 2"
    );
}

#[test]
fn entered_in_error_travels_both_ways() {
    let e = only_entry(
        json!({"resourceType": "Condition", "id": "x1", "subject": subject(),
        "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "entered-in-error"}]},
        "code": {"coding": [snomed("problem.depression")]}, "onsetDateTime": "2030-01-01"}),
    );
    // Invalid (future) content is kept as it was: the entry is void anyway.
    assert_eq!(e.status, EntryStatus::EnteredInError);
}

#[test]
fn an_interpreter_booking_and_an_outreach_read_as_haven_records_them() {
    let booking = json!({"url": format!("{H}/StructureDefinition/interpreter-booking"), "extension": [
        {"url": "mode", "valueCode": "telephone"}, {"url": "language", "valueCode": "ti"},
        {"url": "gender", "valueCode": "female"}, {"url": "bookedWith", "valueString": "Example Interpreting"}]});
    let e = only_entry(
        json!({"resourceType": "Appointment", "id": "ap2", "status": "booked", "start": "2026-12-04T10:00:00Z",
        "participant": [{"actor": subject(), "status": "accepted"}], "extension": [booking]}),
    );
    assert_eq!(
        e.body,
        EntryBody::PlannedContact(PlannedContact {
            date: date!(2026 - 12 - 04),
            status: ContactStatus::Booked,
            interpreter_booked: true,
            purpose: String::new(),
            interpreter: Some(InterpreterBooking {
                mode: InterpreterMode::Telephone,
                language: haven_core::LanguageTag::parse("ti").expect("tag"),
                dialect: String::new(),
                gender: Some(InterpreterGender::Female),
                booked_with: "Example Interpreting".into(),
                reference: String::new(),
            }),
        }),
        "a booking means booked even without the interpreter-booked flag"
    );
    let e = only_entry(
        json!({"resourceType": "Procedure", "id": "pr9", "status": "completed", "subject": subject(),
        "code": {"coding": [{"system": format!("{H}/CodeSystem/haven"), "code": "dna-outreach"}]},
        "performedDateTime": "2026-11-26",
        "extension": [{"url": format!("{H}/StructureDefinition/outreach-method"), "valueCode": "text-message"}],
        "outcome": {"coding": [{"system": format!("{H}/CodeSystem/outreach-outcome"), "code": "no-answer"}]}}),
    );
    assert_eq!(
        e.body,
        EntryBody::Outreach(Outreach {
            date: date!(2026 - 11 - 26),
            method: OutreachMethod::TextMessage,
            outcome: OutreachOutcome::NoAnswer,
            note: String::new(),
        })
    );
}
