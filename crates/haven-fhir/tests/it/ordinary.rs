//! Ordinary FHIR from other systems: resource types Haven does not use are counted and
//! skipped, valid FHIR that Haven maps is read whatever form it takes, and what would change
//! a resource's meaning unseen (a modifier extension) refuses it with a message naming it.

use haven_core::record::PatientRecord;
use haven_fhir::cds::{self, CdsRequest};
use haven_fhir::{Assembler, Assembly, Feed, Purpose, assemble_with, parse_input};
use serde_json::{Value, json};

use crate::support::{TODAY, type_first};

const H: &str = "https://haven-health.github.io/fhir";

fn patient() -> Value {
    json!({"resourceType": "Patient", "id": "p1", "name": [{"family": "Test", "given": ["Ana"]}], "birthDate": "1990-01-01"})
}

fn life_event() -> Value {
    json!({"resourceType": "Observation", "id": "o1", "status": "final", "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": format!("{H}/CodeSystem/life-event"), "code": "asylum-refused"}]},
        "effectiveDateTime": "2026-11-20"})
}

/// What another system's record holds besides: four types Haven does not use.
fn others() -> Vec<Value> {
    let of = |resource_type: &str, id: &str| {
        json!({"resourceType": resource_type, "id": id, "status": "active",
            "subject": {"reference": "Patient/p1"}, "patient": {"reference": "Patient/p1"},
            "code": {"text": "something Haven does not use"}})
    };
    vec![
        of("AllergyIntolerance", "a1"),
        of("MedicationRequest", "m1"),
        of("MedicationRequest", "m2"),
        of("Immunization", "i1"),
        of("DiagnosticReport", "d1"),
        of("AllergyIntolerance", "a2"),
        // An id Haven's own resources also use: the types are different resources.
        of("Immunization", "o1"),
    ]
}

const SUMMARY: &str = "7 resources of 4 types Haven does not use were skipped: AllergyIntolerance (2), DiagnosticReport (1), Immunization (2), MedicationRequest (2)";

fn lines(resources: &[Value]) -> String {
    resources.iter().map(|r| format!("{r}\n")).collect()
}

fn read(text: &str) -> Assembly {
    let resources = parse_input(text.as_bytes(), "other.json").expect("parse");
    assemble_with(resources, TODAY, &[], Purpose::Store).expect("assemble")
}

/// The same input streamed block by block, as `haven import` and `haven evaluate` read it.
fn streamed(text: &str, block: usize) -> Assembly {
    let mut assembler = Assembler::default();
    let mut feed = Feed::new(&mut assembler, "other.json");
    for chunk in text.as_bytes().chunks(block) {
        feed.push(chunk).expect("push");
    }
    feed.finish().expect("finish");
    assembler
        .finish(TODAY, &[], Purpose::Store)
        .expect("finish")
}

fn only_record(assembly: &Assembly) -> &PatientRecord {
    assert_eq!(assembly.records.len(), 1);
    &assembly.records[0]
}

#[test]
fn types_haven_does_not_use_are_counted_and_skipped_in_ndjson() {
    let mut resources = vec![patient()];
    resources.extend(others());
    resources.push(life_event());
    let text = lines(&resources);
    let whole = read(&text);
    assert_eq!(only_record(&whole).entries.len(), 1);
    assert_eq!(whole.unused.to_string(), SUMMARY);
    assert!(whole.skipped.is_empty(), "{:?}", whole.skipped);
    for block in [7, 100, text.len()] {
        assert_eq!(streamed(&text, block), whole, "blocks of {block}");
    }
}

#[test]
fn types_haven_does_not_use_are_counted_and_skipped_in_every_kind_of_bundle() {
    for bundle_type in [
        "collection",
        "document",
        "batch",
        "transaction",
        "searchset",
    ] {
        let mut entries = Vec::new();
        if bundle_type == "document" {
            // A document starts with its Composition, another type Haven does not use.
            entries.push(
                json!({"fullUrl": "urn:uuid:0c3b1f4e-9d0a-4a53-8f1e-1a2b3c4d5e6f",
                "resource": {"resourceType": "Composition", "id": "c1", "status": "final",
                    "type": {"text": "Discharge summary"}, "subject": {"reference": "Patient/p1"},
                    "date": "2026-11-20", "title": "Summary", "author": [{"display": "Dr A"}]}}),
            );
        }
        for resource in [patient()]
            .into_iter()
            .chain(others())
            .chain([life_event()])
        {
            let rtype = resource["resourceType"].as_str().expect("type").to_owned();
            let id = resource["id"].as_str().expect("id").to_owned();
            let mut entry = json!({"fullUrl": format!("https://ehr.example/fhir/{rtype}/{id}"), "resource": resource});
            if matches!(bundle_type, "batch" | "transaction") {
                entry["request"] = json!({"method": "PUT", "url": format!("{rtype}/{id}")});
            }
            entries.push(entry);
        }
        let bundle = json!({"resourceType": "Bundle", "type": bundle_type, "entry": entries});
        let assembly = read(&bundle.to_string());
        assert_eq!(only_record(&assembly).entries.len(), 1, "{bundle_type}");
        let expected = if bundle_type == "document" {
            SUMMARY
                .replace("7 resources of 4 types", "8 resources of 5 types")
                .replace(
                    "AllergyIntolerance (2), ",
                    "AllergyIntolerance (2), Composition (1), ",
                )
        } else {
            SUMMARY.to_owned()
        };
        assert_eq!(assembly.unused.to_string(), expected, "{bundle_type}");
    }
}

/// A `patient-view` call, every resource with its type first so that it is read in one pass.
fn hook_call(prefetch: Value) -> String {
    type_first(
        &json!({"hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "hook": "patient-view",
        "context": {"userId": "Practitioner/example", "patientId": "p1"}, "prefetch": prefetch}),
    )
}

#[test]
fn a_cds_hooks_prefetch_passes_over_unused_types_and_reads_partial_dates() {
    let searchset = |resources: Vec<Value>| {
        json!({"resourceType": "Bundle", "type": "searchset",
            "entry": resources.into_iter().map(|r| json!({"resource": r})).collect::<Vec<_>>()})
    };
    let mut prefetch = serde_json::Map::new();
    for (key, _) in cds::PREFETCH {
        prefetch.insert((*key).to_owned(), Value::Null);
    }
    prefetch.insert("patient".into(), patient());
    let mut observations = others();
    observations.push(life_event());
    prefetch.insert("observations".into(), searchset(observations));
    // A contact known only to its month, as read from another system.
    prefetch.insert(
        "encounters".into(),
        searchset(vec![encounter("enc1", "2026-10")]),
    );
    let body = hook_call(Value::Object(prefetch));
    // Read in one pass (every resource has its type first) and the general way: the same.
    let (_, one_pass) = cds::read_in_one_pass(body.as_bytes())
        .expect("one pass")
        .expect("read");
    let mut request: CdsRequest = serde_json::from_str(&body).expect("request");
    let general =
        cds::prefetch_resources(request.prefetch.take().expect("prefetch")).expect("read");
    assert_eq!(one_pass, general);
    let record = cds::record_for("p1", general, TODAY).expect("record");
    let dates: Vec<String> = record.entries.iter().map(|e| e.date_text()).collect();
    assert_eq!(
        dates,
        ["2026-10", "2026-11-20"],
        "prefetch keys are read in order"
    );
    let actions = cds::patient_view(&record, &haven_core::policy::Policy::default(), TODAY);
    assert!(
        actions
            .iter()
            .any(|a| a.rule.id() == "risk.reassess-after-event")
    );
}

/// Resources held inside others (`contained`) and named by `#id`: the practice a Patient is
/// registered with, a medication's name, the service a referral went to.
#[test]
fn contained_resources_named_by_local_references_are_read() {
    let mut p = patient();
    p["contained"] = json!([
        {"resourceType": "Organization", "id": "gp1", "name": "Hillside Surgery"},
        {"resourceType": "Practitioner", "id": "pr1", "name": [{"family": "Okafor"}]}
    ]);
    p["generalPractitioner"] = json!([{"reference": "#gp1"}, {"reference": "#pr1"}]);
    let medication = json!({"resourceType": "MedicationStatement", "id": "m1", "status": "active",
        "contained": [{"resourceType": "Medication", "id": "med", "code": {"coding": [{"display": "Sertraline 50mg tablets"}]}}],
        "category": {"coding": [{"system": format!("{H}/CodeSystem/haven"), "code": "psychotropic"}]},
        "medicationReference": {"reference": "#med"}, "subject": {"reference": "Patient/p1"},
        "effectivePeriod": {"start": "2026-10-01"}});
    let referral = json!({"resourceType": "ServiceRequest", "id": "r1", "status": "active", "intent": "order",
        "contained": [{"resourceType": "Organization", "id": "svc", "name": "Freedom from Torture"}],
        "category": [{"coding": [{"system": format!("{H}/CodeSystem/referral-type"), "code": "specialist-trauma"}]}],
        "performer": [{"reference": "#svc"}], "subject": {"reference": "Patient/p1"}, "authoredOn": "2026-10-02"});
    let assembly = read(&lines(&[p.clone(), medication, referral]));
    let record = only_record(&assembly);
    // A clinician held inside the Patient is the other system's, not a Haven user.
    assert_eq!(record.patient.named_clinician, None);
    let names: Vec<String> = record
        .entries
        .iter()
        .map(|e| match &e.body {
            haven_core::record::EntryBody::Medication(m) => m.name.clone(),
            haven_core::record::EntryBody::Referral(r) => r.organisation.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(names, ["Sertraline 50mg tablets", "Freedom from Torture"]);
    // A local reference that names nothing held is refused, naming it.
    p["generalPractitioner"] = json!([{"reference": "#gp9"}]);
    let resources = parse_input(lines(&[p]).as_bytes(), "other.ndjson").expect("parse");
    assert_eq!(
        assemble_with(resources, TODAY, &[], Purpose::Store)
            .map(|_| ())
            .expect_err("dangling")
            .to_string(),
        "other.ndjson: Patient.generalPractitioner[0]: \"#gp9\" names no resource in Patient.contained"
    );
}

fn with_languages(communication: Value) -> Value {
    let mut p = patient();
    p["communication"] = communication;
    p
}

/// `communication.language` as other systems send it: as text only, with the UK Core or
/// ISO 639 code systems, or as a SNOMED CT "main spoken language" concept.
#[test]
fn languages_are_read_as_text_and_from_other_code_systems() {
    let main_spoken_arabic = haven_core::terminology::by_key("language.main.ar");
    let p = with_languages(json!([
        {"language": {"text": "Tigrinya"}, "preferred": true},
        {"language": {"coding": [{"system": "https://fhir.hl7.org.uk/CodeSystem/UKCore-HumanLanguage", "code": "am", "display": "Amharic"}]}},
        {"language": {"coding": [{"system": "https://fhir.hl7.org.uk/CodeSystem/UKCore-HumanLanguage", "code": "q4", "display": "British Sign Language"}]}},
        {"language": {"coding": [{"system": "urn:iso:std:iso:639-2", "code": "per"}]}},
        {"language": {"coding": [{"system": main_spoken_arabic.system.uri(), "code": main_spoken_arabic.code}]}},
        {"language": {"coding": [{"system": "https://ehr.example/languages", "code": "17", "display": "Sorani"}]}},
    ]));
    let assembly = read(&lines(&[p]));
    let patient = &only_record(&assembly).patient;
    let tag = |t: &Option<haven_core::LanguageTag>| t.as_ref().map(|t| t.to_string());
    assert_eq!(tag(&patient.main_language), Some("ti".into()));
    let others: Vec<String> = patient
        .other_languages
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(others, ["am", "bfi", "fa", "ar", "ckb"]);
    assert!(assembly.not_recorded.is_empty());
}

/// A language Haven cannot record is left out and said so; it keeps its place, so that an
/// unknown main language is not replaced by a language the person only also speaks.
#[test]
fn a_language_haven_cannot_record_is_left_out_and_said() {
    let p = with_languages(json!([
        {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "en"}]}, "preferred": false},
        {"language": {"text": "Eritrean"}, "preferred": true},
        {"language": {"coding": [{"system": "https://fhir.hl7.org.uk/CodeSystem/UKCore-HumanLanguage", "code": "q5", "display": "Makaton"}]}, "preferred": false},
    ]));
    let assembly = read(&lines(&[p]));
    let patient = &only_record(&assembly).patient;
    assert_eq!(patient.main_language, None);
    assert_eq!(
        patient.other_languages,
        [haven_core::LanguageTag::parse("en").expect("tag")]
    );
    let notes: Vec<String> = assembly
        .not_recorded
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        notes,
        [
            "other.json: Patient/p1: Patient.communication[1].language: \"Eritrean\" is not a language Haven can record; it was left out",
            "other.json: Patient/p1: Patient.communication[2].language: \"Makaton\" is not a language Haven can record; it was left out",
        ]
    );
    // An invalid BCP-47 code is still refused: it claims to be a tag and is not one.
    let bad = with_languages(
        json!([{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "arabic"}]}}]),
    );
    let resources = parse_input(lines(&[bad]).as_bytes(), "other.json").expect("parse");
    assert!(
        assemble_with(resources, TODAY, &[], Purpose::Store)
            .map(|_| ())
            .expect_err("not a tag")
            .to_string()
            .starts_with(
                "other.json: Patient.communication[0].language: \"arabic\" is not a BCP-47"
            )
    );
}

/// Export names every language from haven-core's one table: no "Other language" for the
/// languages the issue found so written.
#[test]
fn exported_languages_carry_their_names_from_the_one_table() {
    let mut record =
        PatientRecord::new(haven_core::record::Patient::new("p1".into(), "Ana", "Test"));
    let tags = ["it", "el", "yo", "sn", "ha", "ig", "nd", "ln"];
    record.patient.main_language = haven_core::LanguageTag::parse("it").ok();
    record.patient.other_languages = tags[1..]
        .iter()
        .map(|t| haven_core::LanguageTag::parse(t).expect("tag"))
        .collect();
    record
        .patient
        .other_languages
        .push(haven_core::LanguageTag::parse("xx").expect("tag"));
    let (_, patient) = haven_fhir::to_resources(&record, false)
        .into_iter()
        .find(|(kind, _)| *kind == "Patient")
        .expect("patient");
    let displays: Vec<Option<&str>> = patient["communication"]
        .as_array()
        .expect("communication")
        .iter()
        .map(|c| c["language"]["coding"][0]["display"].as_str())
        .collect();
    assert_eq!(
        displays,
        [
            Some("Italian"),
            Some("Greek"),
            Some("Yoruba"),
            Some("Shona"),
            Some("Hausa"),
            Some("Igbo"),
            Some("Ndebele (North)"),
            Some("Lingala"),
            None
        ]
    );
}

fn observation(id: &str, code_system: &str, code: &str, effective: &str) -> Value {
    json!({"resourceType": "Observation", "id": id, "status": "final", "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": format!("{H}/CodeSystem/{code_system}"), "code": code}]},
        "effectiveDateTime": effective})
}

fn encounter(id: &str, start: &str) -> Value {
    json!({"resourceType": "Encounter", "id": id, "status": "finished", "class": {"code": "AMB"},
        "subject": {"reference": "Patient/p1"}, "period": {"start": start}})
}

fn review(id: &str, date: &str) -> Value {
    json!({"resourceType": "RiskAssessment", "id": id, "status": "final", "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": format!("{H}/CodeSystem/haven"), "code": "suicide-self-harm-review"}]},
        "occurrenceDateTime": date,
        "extension": [
            {"url": format!("{H}/StructureDefinition/suicidal-thoughts"), "valueCode": "none"},
            {"url": format!("{H}/StructureDefinition/plans-or-intent"), "valueBoolean": false},
            {"url": format!("{H}/StructureDefinition/recent-self-harm"), "valueBoolean": false}]})
}

/// Partial dates where FHIR allows them: a birth year is kept as a year and shown and
/// exported as one, and an entry's year or month likewise, while the rules read it on the day
/// that hides no due action (MAPPING.md, "Partial dates").
#[test]
fn partial_dates_are_kept_as_given_and_read_so_as_to_hide_no_due_action() {
    let mut p = patient();
    p["birthDate"] = json!("1988");
    let resources = vec![
        p,
        // Refused in October, a review on 15 October: which came first is unknown, so the
        // event is read on the last day of October and the review does not settle it.
        observation("ev1", "life-event", "asylum-refused", "2026-10"),
        review("rr1", "2026-10-15"),
        encounter("enc1", "2026-10"),
    ];
    let text = lines(&resources);
    let assembly = read(&text);
    for block in [11, 300, text.len()] {
        assert_eq!(streamed(&text, block), assembly, "blocks of {block}");
    }
    let record = only_record(&assembly);
    assert_eq!(
        record.patient.birth_date.map(|d| d.to_string()),
        Some("1988".into())
    );
    let dates: Vec<(String, String)> = record
        .entries
        .iter()
        .map(|e| (e.date_text(), e.body.date().to_string()))
        .collect();
    assert_eq!(
        dates,
        [
            ("2026-10".into(), "2026-10-31".into()),
            ("2026-10-15".into(), "2026-10-15".into()),
            ("2026-10".into(), "2026-10-01".into()),
        ]
    );
    let actions =
        haven_core::rules::evaluate(record, &haven_core::policy::Policy::default(), TODAY);
    assert!(
        actions
            .iter()
            .any(|a| a.rule.id() == "risk.reassess-after-event"),
        "{actions:?}"
    );
    // Exported as given, and read back the same.
    let exported = crate::support::export_ndjson(&assembly.records, true);
    assert!(exported.contains(r#""birthDate":"1988""#), "{exported}");
    assert!(exported.contains(r#""effectiveDateTime":"2026-10""#));
    assert!(
        exported.contains(r#""period":{"start":"2026-10"}"#),
        "{exported}"
    );
    let again = read(&exported);
    assert_eq!(again.records, assembly.records);
    assert_eq!(
        crate::support::export_ndjson(&again.records, true),
        exported
    );
}

/// A period that includes today is read no later than today (a date in the future would be
/// outside the record the rules look at); and `haven evaluate --as-of` reads it as of then.
#[test]
fn a_partial_date_of_this_month_is_read_no_later_than_today() {
    let event = observation("ev1", "life-event", "asylum-refused", "2026-11");
    let assembly = read(&lines(&[patient(), event.clone()]));
    let record = only_record(&assembly);
    assert_eq!(record.entries[0].body.date(), TODAY);
    let actions =
        haven_core::rules::evaluate(record, &haven_core::policy::Policy::default(), TODAY);
    let reassess = actions
        .iter()
        .find(|a| a.rule.id() == "risk.reassess-after-event")
        .expect("fires");
    assert_eq!(reassess.due, Some(time::macros::date!(2026 - 11 - 30)));
    let as_of = time::macros::date!(2026 - 11 - 10);
    let resources = parse_input(lines(&[patient(), event]).as_bytes(), "t").expect("parse");
    let mut assembler = Assembler::default();
    assembler.read_partial_dates_as_of(as_of);
    assembler.add_all(resources).expect("add");
    let assembly = assembler
        .finish(TODAY, &[], Purpose::Evaluate)
        .expect("finish");
    assert_eq!(assembly.records[0].entries[0].body.date(), as_of);
}

/// Where the FHIR type does not allow a partial date (an appointment's start is an
/// `instant`), one is refused, naming the element.
#[test]
fn a_partial_instant_is_refused() {
    let appointment = json!({"resourceType": "Appointment", "id": "ap1", "status": "booked", "start": "2026-12",
        "participant": [{"actor": {"reference": "Patient/p1"}, "status": "accepted"}]});
    let resources =
        parse_input(lines(&[patient(), appointment]).as_bytes(), "t.ndjson").expect("parse");
    assert_eq!(
        assemble_with(resources, TODAY, &[], Purpose::Store)
            .map(|_| ())
            .expect_err("instant")
            .to_string(),
        "t.ndjson: line 2: Appointment.start: \"2026-12\": a FHIR instant is a whole date and time"
    );
}
