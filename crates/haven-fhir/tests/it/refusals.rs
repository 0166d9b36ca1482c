//! Bad input is refused as a whole, with one message naming the source, the line or entry,
//! and the field.

use serde_json::{Value, json};

use crate::support::import;

const H: &str = "https://haven-health.github.io/fhir";

fn patient() -> Value {
    json!({"resourceType": "Patient", "id": "p1", "name": [{"family": "Test"}], "birthDate": "1990-01-01"})
}

fn lines(resources: &[Value]) -> String {
    resources.iter().map(|r| format!("{r}\n")).collect()
}

fn refused(resources: &[Value]) -> String {
    import(&lines(resources))
        .map(|_| ())
        .expect_err("should be refused")
}

fn asylum(code: &str) -> Value {
    json!({"resourceType": "Observation", "id": "o1", "status": "final", "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": format!("{H}/CodeSystem/haven"), "code": "asylum-status"}]},
        "effectiveDateTime": "2026-01-01",
        "valueCodeableConcept": {"coding": [{"system": format!("{H}/CodeSystem/asylum-status"), "code": code}]}})
}

#[test]
fn an_unknown_code_names_line_path_and_value() {
    let other = json!({"resourceType": "Observation", "id": "o0", "status": "final", "subject": {"reference": "Patient/p1"},
        "code": {"text": "not Haven's"}});
    assert_eq!(
        refused(&[patient(), other, asylum("granted")]),
        "test.ndjson: line 3: Observation.valueCodeableConcept: unknown asylum-status code \"granted\""
    );
    assert!(import(&lines(&[patient(), asylum("granted-refugee")])).is_ok());
}

#[test]
fn malformed_json_and_wrong_shapes() {
    assert!(
        import("{\"resourceType\": \"Patient\"")
            .expect_err("json")
            .starts_with("test.ndjson: not valid JSON at line 1")
    );
    let wrong_type = json!({"resourceType": "Patient", "id": "p1", "birthDate": 19900101});
    assert_eq!(
        refused(&[wrong_type]),
        "test.ndjson: Patient.birthDate: invalid type: integer `19900101`, expected a string"
    );
    let no_status = json!({"resourceType": "Observation", "id": "o1", "code": {}});
    assert!(
        refused(&[patient(), no_status])
            .starts_with("test.ndjson: line 2: Observation: missing field `status`")
    );
}

/// R4 types Haven does not use are skipped (`ordinary.rs`); a name that is not an R4
/// resource type is a mistake, not a resource to pass over, and refuses the input.
#[test]
fn resource_types_that_are_not_fhir_are_refused() {
    let typo = json!({"resourceType": "Pateint", "id": "p2"});
    assert_eq!(
        refused(&[patient(), typo]),
        "test.ndjson: line 2: resourceType: unknown resource type \"Pateint\": not a FHIR R4 resource type"
    );
}

#[test]
fn references_must_resolve_to_a_patient_in_the_input() {
    let mut obs = asylum("refused");
    obs["subject"] = json!({"reference": "Patient/p9"});
    assert_eq!(
        refused(&[patient(), obs.clone()]),
        "test.ndjson: line 2: Observation.subject: Patient/p9 is not in this input"
    );
    obs["subject"] = json!({"reference": "urn:uuid:9f1c0c2e-0000-4000-8000-000000000000"});
    assert!(refused(&[patient(), obs.clone()]).contains("Observation.subject: reference \"urn:uuid:9f1c0c2e-0000-4000-8000-000000000000\" does not resolve"));
    obs["subject"] = json!({"reference": "Group/g1"});
    assert_eq!(
        refused(&[patient(), obs.clone()]),
        "test.ndjson: line 2: Observation.subject: refers to a Group, not a Patient"
    );
    obs.as_object_mut().map(|o| o.remove("subject"));
    assert!(refused(&[patient(), obs]).contains("Observation.subject: missing"));
}

#[test]
fn bundle_errors_name_the_entry() {
    let bundle = json!({"resourceType": "Bundle", "type": "collection", "entry": [{"resource": patient()}, {"resource": asylum("nope")}]});
    let err = haven_fhir::parse_input(bundle.to_string().as_bytes(), "b.json")
        .and_then(|r| haven_fhir::assemble(r, crate::support::TODAY))
        .expect_err("refused");
    assert_eq!(
        err.to_string(),
        "b.json: Bundle.entry[1]: Observation.valueCodeableConcept: unknown asylum-status code \"nope\""
    );
    assert_eq!(err.kind, haven_fhir::ImportErrorKind::Invalid);
}

#[test]
fn values_are_validated_through_haven_core() {
    let mut p = patient();
    p["identifier"] =
        json!([{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9000000008"}]);
    assert!(refused(&[p]).starts_with("test.ndjson: Patient.identifier[0].value: NHS number \"9000000008\": the check digit does not match"));
    let mut future = asylum("refused");
    future["effectiveDateTime"] = json!("2027-01-01");
    assert_eq!(
        refused(&[patient(), future]),
        "test.ndjson: line 2: Observation.effectiveDateTime: 2027-01-01 is in the future"
    );
    let mut before_birth = asylum("refused");
    before_birth["effectiveDateTime"] = json!("1980-01-01");
    assert!(refused(&[patient(), before_birth]).contains("is before the date of birth"));
    let mut p = patient();
    p["birthDate"] = json!("2030-01-01");
    assert_eq!(
        refused(&[p]),
        "test.ndjson: Patient.birthDate: date of birth 2030-01-01 is in the future"
    );
}

#[test]
fn questionnaire_totals_and_items_are_checked_against_each_other() {
    let item = |n: usize, v: i64| json!({"code": {"coding": [{"system": format!("{H}/CodeSystem/haven"), "code": format!("gad7-item-{n}")}]}, "valueInteger": v});
    let gad7 = |items: Vec<Value>, total: i64| {
        json!({"resourceType": "Observation", "id": "g1", "status": "final", "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": format!("{H}/CodeSystem/haven"), "code": "gad7-total"}]}, "effectiveDateTime": "2026-11-01",
        "valueInteger": total, "component": items})
    };
    // Six items and the total are kept as recorded (item 7 was 0); a total the six items
    // already exceed is impossible.
    let six: Vec<Value> = (1..=6).map(|n| item(n, 1)).collect();
    assert!(import(&lines(&[patient(), gad7(six.clone(), 6)])).is_ok());
    assert_eq!(
        refused(&[patient(), gad7(six, 5)]),
        "test.ndjson: line 2: Observation.valueInteger: GAD-7 total 5 is less than the item answers recorded, which add up to 6"
    );
    let seven: Vec<Value> = (1..=7).map(|n| item(n, 1)).collect();
    assert_eq!(
        refused(&[patient(), gad7(seven.clone(), 9)]),
        "test.ndjson: line 2: Observation.valueInteger: GAD-7 total 9 does not match the item answers, which add up to 7"
    );
    let mut out_of_range = seven;
    out_of_range[2] = item(3, 4);
    assert_eq!(
        refused(&[patient(), gad7(out_of_range, 7)]),
        "test.ndjson: line 2: Observation.component[2].valueInteger: 4 is not a possible answer to GAD-7 item 3 (0–3)",
        "names the answer"
    );
}

#[test]
fn duplicate_ids_and_bad_ids_are_refused() {
    let mut second = asylum("refused");
    second["resourceType"] = json!("Observation");
    let err = refused(&[patient(), asylum("refused"), second]);
    assert_eq!(
        err,
        "test.ndjson: line 3: Observation.id: id \"o1\" is used twice (first at test.ndjson: line 2)"
    );
    let mut bad = asylum("refused");
    bad["id"] = json!("has space");
    assert!(
        refused(&[patient(), bad]).contains("Observation.id: \"has space\" is not a valid FHIR id")
    );
}

#[test]
fn oversized_resources_are_refused() {
    let mut big = patient();
    big["name"][0]["family"] = json!("x".repeat(haven_fhir::MAX_RESOURCE_BYTES));
    let err = refused(&[patient(), big]);
    assert!(
        err.starts_with("test.ndjson: line 2: ") && err.contains("over the 1 MiB limit"),
        "{err}"
    );
}

#[test]
fn resources_may_refer_to_patients_already_known() {
    let text = lines(&[asylum("refused")]);
    let resources = haven_fhir::parse_input(text.as_bytes(), "more.ndjson").expect("parse");
    let mut assembler = haven_fhir::Assembler::default();
    assembler.add_all(resources).expect("read");
    assert_eq!(assembler.patient_ids().collect::<Vec<_>>(), vec!["p1"]);
    let known = haven_core::record::Patient::new("p1".into(), "Known", "Person");
    let assembly = assembler
        .finish(
            crate::support::TODAY,
            std::slice::from_ref(&known),
            haven_fhir::Purpose::Store,
        )
        .expect("assemble");
    assert_eq!(assembly.records.len(), 1);
    assert_eq!(
        (
            assembly.records[0].patient.clone(),
            assembly.records[0].entries.len()
        ),
        (known, 1)
    );
}

#[test]
fn a_patient_without_its_country_observation_keeps_the_known_country() {
    let mut known = haven_core::record::Patient::new("p1".into(), "Known", "Person");
    known.country_of_origin = Some("ER".into());
    let parse =
        |text: &str| haven_fhir::parse_input(text.as_bytes(), "Patient.ndjson").expect("parse");
    let records = |text: &str| {
        haven_fhir::assemble_with(
            parse(text),
            crate::support::TODAY,
            std::slice::from_ref(&known),
            haven_fhir::Purpose::Store,
        )
        .expect("assemble")
        .records
    };
    assert_eq!(
        records(&lines(&[patient()]))[0]
            .patient
            .country_of_origin
            .as_deref(),
        Some("ER")
    );
    let country = json!({"resourceType": "Observation", "id": "p1-country-of-origin", "status": "final", "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": format!("{H}/CodeSystem/haven"), "code": "country-of-origin"}]},
        "valueCodeableConcept": {"coding": [{"system": "urn:iso:std:iso:3166", "code": "SD"}]}});
    assert_eq!(
        records(&lines(&[patient(), country]))[0]
            .patient
            .country_of_origin
            .as_deref(),
        Some("SD")
    );
}

/// A modifier extension changes what its element means; Haven knows none, so a resource it
/// would read that carries one is refused with the extension named (FHIR forbids reading
/// past it). One on a resource Haven passes over anyway refuses nothing.
#[test]
fn an_unknown_modifier_extension_refuses_the_resource_naming_it() {
    let modifier = json!([{"url": "https://ehr.example/fhir/StructureDefinition/not-the-patient", "valueBoolean": true}]);
    let mut event = asylum("refused");
    event["modifierExtension"] = modifier.clone();
    assert_eq!(
        refused(&[patient(), event]),
        "test.ndjson: line 2: Observation.modifierExtension[0]: the modifier extension \"https://ehr.example/fhir/StructureDefinition/not-the-patient\" changes what this Observation means, and Haven does not know it, so the resource cannot be read safely"
    );
    let mut p = patient();
    p["communication"] = json!([{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "ar"}]}},
        {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "fr"}]}, "modifierExtension": modifier}]);
    assert!(refused(&[p]).starts_with(
        "test.ndjson: Patient.communication[1].modifierExtension[0]: the modifier extension"
    ));
    let mut phq = json!({"resourceType": "QuestionnaireResponse", "id": "q1", "status": "completed",
        "subject": {"reference": "Patient/p1"}, "authored": "2026-11-01",
        "questionnaire": format!("{H}/Questionnaire/phq-9"),
        "item": [{"linkId": "1", "answer": [{"valueInteger": 1}]}, {"linkId": "2", "answer": [{"valueInteger": 1, "modifierExtension": modifier}]}]});
    assert!(refused(&[patient(), phq.clone()]).starts_with(
        "test.ndjson: line 2: QuestionnaireResponse.item[1].answer[0].modifierExtension[0]: "
    ));
    // Passed over all the same (a blood pressure means nothing to Haven, modifier or not).
    phq = json!({"resourceType": "Observation", "id": "bp", "status": "final", "subject": {"reference": "Patient/p1"},
        "code": {"text": "Blood pressure"}, "modifierExtension": modifier});
    assert!(import(&lines(&[patient(), phq])).is_ok());
}

#[test]
fn a_booking_or_outreach_without_what_haven_needs_is_refused_naming_it() {
    let appointment = |parts: Value| {
        json!({"resourceType": "Appointment", "id": "a1", "status": "booked", "start": "2026-12-04T10:00:00Z",
            "participant": [{"actor": {"reference": "Patient/p1"}, "status": "accepted"}],
            "extension": [{"url": format!("{H}/StructureDefinition/interpreter-booking"), "extension": parts}]})
    };
    assert_eq!(
        refused(&[
            patient(),
            appointment(json!([{"url": "language", "valueCode": "ar"}]))
        ]),
        "test.ndjson: line 2: Appointment.extension(interpreter-booking).extension(mode): missing: how the interpreter takes part"
    );
    assert_eq!(
        refused(&[
            patient(),
            appointment(
                json!([{"url": "mode", "valueCode": "pigeon"}, {"url": "language", "valueCode": "ar"}])
            )
        ]),
        "test.ndjson: line 2: Appointment.extension(interpreter-booking).extension(mode): unknown interpreter-mode code \"pigeon\""
    );
    let outreach = json!({"resourceType": "Procedure", "id": "pr1", "status": "completed", "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": format!("{H}/CodeSystem/haven"), "code": "dna-outreach"}]},
        "performedDateTime": "2026-11-26",
        "extension": [{"url": format!("{H}/StructureDefinition/outreach-method"), "valueCode": "letter"}]});
    assert_eq!(
        refused(&[patient(), outreach]),
        "test.ndjson: line 2: Procedure.outcome: missing: what came of the outreach"
    );
}

#[test]
fn a_referral_trail_is_read_whole_or_refused_naming_what_is_wrong() {
    let referral = |extension: Value| {
        json!({"resourceType": "ServiceRequest", "id": "r1", "status": "active", "intent": "order",
        "subject": {"reference": "Patient/p1"}, "authoredOn": "2026-10-01",
        "category": [{"coding": [{"system": format!("{H}/CodeSystem/referral-type"), "code": "sexual-health"}]}],
        "extension": extension})
    };
    let step = |status: &str, date: &str| {
        json!({"url": format!("{H}/StructureDefinition/referral-step"),
            "extension": [{"url": "status", "valueCode": status}, {"url": "date", "valueDate": date}]})
    };
    let status =
        json!({"url": format!("{H}/StructureDefinition/referral-status"), "valueCode": "accepted"});
    let on = |date: &str| json!({"url": format!("{H}/StructureDefinition/referral-status-date"), "valueDate": date});
    assert!(
        import(&lines(&[
            patient(),
            referral(json!([
                status,
                on("2026-10-20"),
                step("sent", "2026-10-01")
            ]))
        ]))
        .is_ok()
    );
    assert_eq!(
        refused(&[
            patient(),
            referral(json!([status, step("sent", "2026-10-01")]))
        ]),
        "test.ndjson: line 2: ServiceRequest.extension(referral-status-date): missing: the date of the current status, since earlier ones are given"
    );
    assert_eq!(
        refused(&[
            patient(),
            referral(json!([
                status,
                on("2026-09-20"),
                step("sent", "2026-10-01")
            ]))
        ]),
        "test.ndjson: line 2: ServiceRequest.authoredOn: “Accepted by the service” on 2026-09-20 is before the earlier status “Sent” on 2026-10-01"
    );
    let consent = json!({"url": format!("{H}/StructureDefinition/consent-to-share"),
        "extension": [{"url": "given-by", "valueCode": "neighbour"}, {"url": "date", "valueDate": "2026-10-01"}]});
    assert_eq!(
        refused(&[patient(), referral(json!([consent]))]),
        "test.ndjson: line 2: ServiceRequest.extension(consent-to-share): unknown consent-given-by code \"neighbour\""
    );
}
