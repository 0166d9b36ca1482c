//! Transaction requests: a create (`POST`) takes a new id that references follow, a
//! conditional create (`ifNoneExist`) becomes the stored patient it finds, and an update's
//! `ifMatch` travels with its record.

use haven_core::NhsNumber;
use haven_core::record::Patient;
use haven_fhir::{Assembler, Assembly, ImportErrorKind, PatientGiven, Purpose};
use serde_json::{Value, json};

use crate::support::TODAY;

const H: &str = "https://haven-health.github.io/fhir";
const NHS: &str = "https://fhir.nhs.uk/Id/nhs-number";

fn patient(id: &str, family: &str, nhs: &str) -> Value {
    json!({"resourceType": "Patient", "id": id, "name": [{"family": family, "given": ["Amina"]}],
        "birthDate": "1990-05-01", "identifier": [{"system": NHS, "value": nhs}]})
}

fn event(id: &str, subject: &str) -> Value {
    json!({"resourceType": "Observation", "id": id, "status": "final", "subject": {"reference": subject},
        "code": {"coding": [{"system": format!("{H}/CodeSystem/life-event"), "code": "asylum-refused"}]},
        "effectiveDateTime": "2026-11-20"})
}

/// A transaction of `(fullUrl, resource, request)` entries.
fn transaction(entries: &[(&str, Value, Value)]) -> Vec<haven_fhir::ImportedResource> {
    let entry: Vec<Value> = entries
        .iter()
        .map(|(url, resource, request)| json!({"fullUrl": url, "resource": resource, "request": request}))
        .collect();
    let bundle = json!({"resourceType": "Bundle", "type": "transaction", "entry": entry});
    haven_fhir::parse_input(bundle.to_string().as_bytes(), "request body").expect("parse")
}

fn post(url: &str) -> Value {
    json!({"method": "POST", "url": url})
}

fn stored(id: &str, family: &str, nhs: &str) -> Patient {
    let mut p = Patient::new(id.into(), "Stored", family);
    p.nhs_number = NhsNumber::parse(nhs).ok();
    p
}

/// Assembles as a server does: creates renumbered first, stored patients known.
fn assemble(
    mut resources: Vec<haven_fhir::ImportedResource>,
    known: &[Patient],
) -> Result<Assembly, haven_fhir::ImportError> {
    let mut n = 0;
    haven_fhir::assign_new_ids(&mut resources, || {
        n += 1;
        format!("new-{n}")
    });
    let mut assembler = Assembler::default();
    assembler.add_all(resources)?;
    assembler.finish(TODAY, known, Purpose::Store)
}

#[test]
fn a_create_takes_a_new_id_and_references_follow_it() {
    let resources = transaction(&[
        (
            "urn:uuid:0b6e1c5a",
            patient("pat-3", "Haddad", "9434765919"),
            post("Patient"),
        ),
        (
            "urn:uuid:1",
            event("ev-1", "urn:uuid:0b6e1c5a"),
            post("Observation"),
        ),
        (
            "urn:uuid:2",
            event("ev-2", "Patient/pat-3"),
            post("Observation"),
        ),
        (
            "urn:uuid:3",
            event("ev-3", "Patient/pat-9"),
            json!({"method": "PUT", "url": "Observation/ev-3"}),
        ),
    ]);
    let known = [
        stored("pat-3", "Other", "9000000009"),
        stored("pat-9", "Known", "9876543210"),
    ];
    let assembly = assemble(resources, &known).expect("assemble");
    let ids: Vec<&str> = assembly
        .records
        .iter()
        .map(|r| r.patient.id.as_str())
        .collect();
    assert_eq!(ids, ["new-1", "pat-9"], "stored pat-3 is not touched");
    let created = &assembly.records[0];
    assert_eq!(created.patient.family_name, "Haddad");
    let entries: Vec<(&str, &str)> = created
        .entries
        .iter()
        .map(|e| (e.id.as_str(), e.patient.as_str()))
        .collect();
    assert_eq!(entries, [("new-2", "new-1"), ("new-3", "new-1")]);
    assert_eq!(assembly.records[1].entries[0].id.as_str(), "ev-3");
    assert_eq!(
        assembly.given,
        [
            PatientGiven::Resource { if_match: None },
            PatientGiven::Referred
        ]
    );
}

#[test]
fn a_stated_id_that_another_entry_keeps_is_that_entry_s() {
    // A PUT keeps pat-3, so `Patient/pat-3` means it, not the create that also stated pat-3.
    let resources = transaction(&[
        (
            "urn:uuid:a",
            patient("pat-3", "Haddad", "9434765919"),
            post("Patient"),
        ),
        (
            "https://ehr.example/fhir/Patient/pat-3",
            json!({"resourceType": "Patient", "name": [{"family": "Kept"}]}),
            json!({"method": "PUT", "url": "Patient/pat-3"}),
        ),
        (
            "urn:uuid:b",
            event("ev-1", "Patient/pat-3"),
            post("Observation"),
        ),
    ]);
    let assembly = assemble(resources, &[]).expect("assemble");
    let held: Vec<(&str, usize)> = assembly
        .records
        .iter()
        .map(|r| (r.patient.id.as_str(), r.entries.len()))
        .collect();
    assert_eq!(held, [("new-1", 0), ("pat-3", 1)]);
}

#[test]
fn a_conditional_create_becomes_the_stored_patient_it_finds() {
    let conditional = |nhs: &str| {
        json!({"method": "POST", "url": "Patient",
            "ifNoneExist": format!("identifier={NHS}|{nhs}")})
    };
    let bundle = |nhs: &str| {
        transaction(&[
            (
                "urn:uuid:c",
                patient("their-id", "Haddad", "9434765919"),
                conditional(nhs),
            ),
            (
                "urn:uuid:d",
                event("ev-1", "urn:uuid:c"),
                post("Observation"),
            ),
            (
                "urn:uuid:e",
                event("ev-2", "Patient/pat-1"),
                json!({"method": "PUT", "url": "Observation/ev-2"}),
            ),
        ])
    };
    let on_file = stored("pat-1", "Haddad", "9434765919");
    let mut assembler = Assembler::default();
    assembler.add_all(bundle("9434765919")).expect("read");
    let wanted: Vec<&str> = assembler
        .conditional_nhs_numbers()
        .map(NhsNumber::as_str)
        .collect();
    assert_eq!(wanted, ["9434765919"]);

    // Found: the input's Patient is set aside; both events are the stored patient's.
    let assembly = assemble(bundle("9434765919"), std::slice::from_ref(&on_file)).expect("found");
    assert_eq!(assembly.records.len(), 1);
    assert_eq!(assembly.records[0].patient, on_file);
    let entries: Vec<(&str, &str)> = assembly.records[0]
        .entries
        .iter()
        .map(|e| (e.id.as_str(), e.patient.as_str()))
        .collect();
    assert_eq!(entries, [("ev-2", "pat-1"), ("new-2", "pat-1")]);
    assert_eq!(
        assembly.given,
        [PatientGiven::Found {
            stated: "new-1".into()
        }]
    );

    // Not found: created as any create is.
    let assembly = assemble(bundle("9434765919"), &[]);
    assert!(
        assembly.is_err(),
        "Patient/pat-1 is neither in the input nor known"
    );
    let assembly =
        assemble(bundle("9000000009"), std::slice::from_ref(&on_file)).expect("not found, created");
    assert_eq!(
        assembly.given,
        [
            PatientGiven::Resource { if_match: None },
            PatientGiven::Referred
        ]
    );
    assert_eq!(assembly.records[0].patient.id.as_str(), "new-1");

    // Two stored patients with the number: refused, naming both.
    let twin = stored("pat-2", "Haddad", "9434765919");
    let err = assemble(bundle("9434765919"), &[on_file, twin]).expect_err("ambiguous");
    assert_eq!(err.kind, ImportErrorKind::MultipleMatches);
    assert_eq!(
        err.to_string(),
        "request body: Bundle.entry[0]: request.ifNoneExist: the search matches 2 stored patients (pat-1, pat-2), so Haven cannot tell which one is meant"
    );
}

#[test]
fn an_update_s_if_match_travels_with_its_record() {
    let resources = transaction(&[(
        "https://ehr.example/fhir/Patient/pat-1",
        patient("pat-1", "Haddad", "9434765919"),
        json!({"method": "PUT", "url": "Patient/pat-1", "ifMatch": "W/\"2\""}),
    )]);
    let assembly = assemble(resources, &[]).expect("assemble");
    assert_eq!(
        assembly.given,
        [PatientGiven::Resource { if_match: Some(2) }]
    );
    let refused = transaction(&[(
        "urn:uuid:f",
        event("ev-1", "Patient/pat-1"),
        json!({"method": "POST", "url": "Observation", "ifNoneExist": "identifier=x|1"}),
    )]);
    let err = assemble(refused, &[]).expect_err("not on a Patient");
    assert_eq!(err.kind, ImportErrorKind::Unsupported);
    assert_eq!(err.path, "request.ifNoneExist");
}
