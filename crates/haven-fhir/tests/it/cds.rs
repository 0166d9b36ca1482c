//! CDS Hooks requests as the specification's examples write them, evaluated into cards.

use haven_core::policy::Policy;
use haven_core::rules::{self, Urgency};
use haven_fhir::cds::{self, CdsRequest};
use serde_json::json;
use time::macros::date;

use crate::support::{TODAY, full_record};

static KEY: std::sync::LazyLock<cds::CardKey> =
    std::sync::LazyLock::new(|| cds::CardKey::new([3; 32]));

/// The `patient-view` request example of the CDS Hooks 2.0 specification.
fn spec_patient_view() -> serde_json::Value {
    json!({
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "fhirServer": "http://hooks.smarthealthit.org:9080",
        "hook": "patient-view",
        "fhirAuthorization": {
            "access_token": "some-opaque-fhir-access-token",
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "user/Patient.read user/Observation.read",
            "subject": "cds-service4"
        },
        "context": {"userId": "Practitioner/example", "patientId": "1288992", "encounterId": "89284"},
        "prefetch": {
            "patientToGreet": {"resourceType": "Patient", "gender": "male", "birthDate": "1925-12-23", "id": "1288992", "active": true}
        }
    })
}

#[test]
fn the_specification_patient_view_example_gives_cards() {
    let request: CdsRequest = serde_json::from_value(spec_patient_view()).expect("request");
    assert_eq!(request.patient_id(), Some("1288992"));
    assert!(
        format!("{:?}", request.fhir_authorization).contains("Bearer")
            && !format!("{request:?}").contains("some-opaque")
    );
    // None of Haven's own keys were prefetched, so they would be fetched from fhirServer.
    assert_eq!(cds::missing_prefetch(&request).len(), cds::PREFETCH.len());
    let resources =
        cds::prefetch_resources(request.prefetch.clone().expect("prefetch")).expect("resources");
    let record = cds::record_for("1288992", resources, TODAY).expect("record");
    let actions = cds::patient_view(&record, &Policy::default(), TODAY);
    let ids: Vec<&str> = actions.iter().map(|a| a.rule.id()).collect();
    assert!(
        ids.contains(&"interpreter.need-unknown") && ids.contains(&"continuity.no-named-clinician"),
        "{ids:?}"
    );
    let cards = cds::cards(&actions, "https://haven.example.org", &KEY);
    assert_eq!(cards.len(), actions.len());
    for (card, action) in cards.iter().zip(&actions) {
        assert!(card.summary.chars().count() <= cds::SUMMARY_MAX);
        assert_eq!(card.indicator, cds::indicator(action.urgency));
        assert!(
            card.source.label.starts_with("Haven") && card.source.label.contains(action.section),
            "{}",
            card.source.label
        );
        let n = action.section.trim_start_matches('§');
        assert_eq!(
            card.links[0].url,
            format!("https://haven.example.org/guidance/{n}")
        );
    }
}

#[test]
fn urgent_actions_become_critical_cards() {
    let mut record = full_record();
    let event = haven_core::record::EntryBody::LifeEvent(haven_core::record::LifeEvent {
        kind: haven_core::record::LifeEventKind::FacingReturn,
        date: date!(2026 - 11 - 27),
        note: String::new(),
    });
    let at = time::macros::datetime!(2026-11-27 10:00 UTC);
    record.entries.push(haven_core::record::Entry::new(
        "e99".into(),
        "pat-17".into(),
        event,
        "dr.patel".into(),
        at,
    ));
    let actions = rules::evaluate(&record, &Policy::default(), TODAY);
    let cards = cds::cards(&actions, "https://haven.example.org", &KEY);
    let urgent = actions
        .iter()
        .position(|a| a.urgency == Urgency::Urgent)
        .expect("the full record has an urgent action");
    assert_eq!(cards[urgent].indicator, "critical");
    assert_eq!(
        cds::cards(&actions, "https://haven.example.org", &KEY),
        cards,
        "uuids are stable"
    );
}

#[test]
fn a_missing_patient_is_an_error_naming_the_context() {
    let err = cds::record_for("nobody", Vec::new(), TODAY).expect_err("no patient");
    assert!(
        err.to_string()
            .contains("no Patient resource with id \"nobody\"")
    );
}

/// The `appointment-book` example of the specification, for a patient who needs an
/// interpreter: booking without one raises the §2 card, however far ahead the appointment is.
#[test]
fn appointment_book_warns_when_no_interpreter_is_booked() {
    let request: CdsRequest = serde_json::from_value(json!({
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "fhirServer": "http://fhir.example.org",
        "hook": "appointment-book",
        "context": {
            "userId": "PractitionerRole/A2340113",
            "patientId": "1288992",
            "encounterId": "456",
            "appointments": {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {
                "resourceType": "Appointment", "id": "apt1", "status": "proposed",
                "description": "Discussion on the results of your recent MRI",
                "start": "2015-03-10T09:00:00Z", "end": "2015-03-10T10:00:00Z", "created": "2015-03-10",
                "participant": [
                    {"actor": {"reference": "Patient/example", "display": "Peter James Chalmers"}, "required": "required", "status": "tentative"},
                    {"actor": {"reference": "Practitioner/example", "display": "Dr Adam Careful"}, "required": "required", "status": "accepted"},
                    {"actor": {"reference": "Location/1", "display": "South Wing, second floor"}, "required": "required", "status": "accepted"}
                ]}}]}
        },
        "prefetch": {"patient": {"resourceType": "Patient", "id": "1288992", "birthDate": "1960-01-01",
            "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired", "valueBoolean": true}],
            "communication": [{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "fa"}]}, "preferred": true}]}}
    }))
    .expect("request");
    let today = date!(2015 - 01 - 05);
    let drafts = cds::draft_appointments(&request).expect("drafts");
    let ids: Vec<String> = drafts.iter().filter_map(|d| d.id.clone()).collect();
    let mut resources =
        cds::prefetch_resources(request.prefetch.clone().expect("prefetch")).expect("prefetch");
    resources.extend(drafts);
    let record = cds::record_for("1288992", resources, today).expect("record");
    let actions = cds::appointment_book(&record, &ids, &Policy::default(), today);
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0].rule.id(), "interpreter.book");
    assert!(
        actions[0].reason.contains("2015-03-10") && actions[0].reason.contains("Farsi"),
        "{}",
        actions[0].reason
    );
    let cards = cds::cards(&actions, "https://haven.example.org", &KEY);
    assert_eq!(cards[0].indicator, "warning");
    // Nothing is said when the interpreter is booked.
    let mut booked = record.clone();
    for e in &mut booked.entries {
        if let haven_core::record::EntryBody::PlannedContact(c) = &mut e.body {
            c.interpreter_booked = true;
        }
    }
    assert!(cds::appointment_book(&booked, &ids, &Policy::default(), today).is_empty());
}

/// A full-prefetch call built from a record's export: every key Haven asks for, each
/// resource's members in the order `first` gives (`resourceType` first or alphabetical).
fn full_prefetch_body(type_first: bool) -> String {
    let record = full_record();
    let mut prefetch = serde_json::Map::new();
    for (key, query) in cds::PREFETCH {
        let kind = query.split(['/', '?']).next().expect("type");
        let resources: Vec<serde_json::Value> = haven_fhir::to_resources(&record, true)
            .into_iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, v)| v)
            .collect();
        let value = if *key == "patient" {
            resources[0].clone()
        } else {
            let entries: Vec<_> = resources
                .into_iter()
                .map(|r| json!({"resource": r}))
                .collect();
            json!({"resourceType": "Bundle", "type": "searchset", "entry": entries})
        };
        prefetch.insert((*key).to_owned(), value);
    }
    let body = json!({"hook": "patient-view", "hookInstance": "h1",
        "context": {"patientId": "pat-17", "userId": "Practitioner/1"}, "prefetch": prefetch});
    if !type_first {
        return body.to_string();
    }
    crate::support::type_first(&body)
}

/// The one-pass reading of a call gives what the general reading gives, and steps aside
/// (for the general reading to name the problem) whenever it cannot be sure.
#[test]
fn a_call_read_in_one_pass_reads_as_the_general_way() {
    let general = |body: &str| {
        let mut request: CdsRequest = serde_json::from_str(body).expect("request");
        cds::prefetch_resources(request.prefetch.take().expect("prefetch")).expect("resources")
    };
    let body = full_prefetch_body(true);
    let (request, resources) = cds::read_in_one_pass(body.as_bytes())
        .expect("read in one pass")
        .expect("no error");
    assert_eq!(request.patient_id(), Some("pat-17"));
    assert!(request.prefetch.is_none());
    assert_eq!(resources, general(&body));
    assert!(resources.len() > 10);
    // Members in alphabetical order, or a key not prefetched: the general way.
    assert!(cds::read_in_one_pass(full_prefetch_body(false).as_bytes()).is_none());
    let mut partial: serde_json::Value = serde_json::from_str(&body).expect("json");
    partial["prefetch"]
        .as_object_mut()
        .expect("prefetch")
        .remove("flags");
    assert!(cds::read_in_one_pass(partial.to_string().as_bytes()).is_none());
    // Text that is not UTF-8 (a Latin-1 "é" in the hook instance): the general way.
    let mut latin1 = body
        .replacen("\"hookInstance\":\"", "\"hookInstance\":\"Ren", 1)
        .into_bytes();
    let at = latin1
        .windows(3)
        .position(|w| w == b"Ren")
        .expect("inserted")
        + 3;
    latin1.insert(at, 0xE9);
    assert!(cds::read_in_one_pass(&latin1).is_none());
    // A refused Bundle is refused with the general way's words.
    let refused = body.replacen("\"type\":\"searchset\"", "\"type\":\"history\"", 1);
    let one_pass = cds::read_in_one_pass(refused.as_bytes())
        .expect("read")
        .map(|_| ())
        .expect_err("history Bundle");
    let mut request: CdsRequest = serde_json::from_str(&refused).expect("request");
    let general_error = cds::prefetch_resources(request.prefetch.take().expect("prefetch"))
        .map(|_| ())
        .expect_err("history Bundle");
    assert_eq!(one_pass.to_string(), general_error.to_string());
}
