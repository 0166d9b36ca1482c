//! Questionnaire results as other systems record them: a total only, or the total with only
//! some items (PHQ-9 item 9 above all), items as LOINC answer codes. Kept as recorded, the total
//! never re-derived; refused only when impossible, naming the line and the field. Verified codes
//! come from haven-core's terminology, never literals.

use haven_core::instruments::{Instrument, ScoringOptions};
use haven_core::policy::Policy;
use haven_core::record::{EntryBody, PatientRecord, QuestionnaireResult};
use haven_core::rules::{RuleId, evaluate};
use haven_core::terminology::{LOINC, by_key};
use serde_json::{Value, json};
use time::macros::date;

use crate::support::{TODAY, export_ndjson, import};

const H: &str = "https://haven-health.github.io/fhir";

fn patient() -> Value {
    json!({"resourceType": "Patient", "id": "gp-1", "name": [{"family": "Rahimi"}], "birthDate": "1988-04-02"})
}

fn loinc(key: &str) -> Value {
    json!({"coding": [{"system": LOINC, "code": by_key(key).code}]})
}

/// A PHQ-9 total-score Observation as a GP system sends it, with `extra` fields merged in.
fn phq9(extra: Value) -> Value {
    let mut o = json!({"resourceType": "Observation", "id": "phq-1", "status": "final",
        "subject": {"reference": "Patient/gp-1"},
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey"}]}],
        "code": loinc("phq9.total"), "effectiveDateTime": "2026-11-20"});
    if let (Value::Object(o), Value::Object(extra)) = (&mut o, extra) {
        o.extend(extra);
    }
    o
}

fn item9(value: Value) -> Value {
    let mut c = json!({"code": loinc("phq9.item9")});
    if let (Value::Object(c), Value::Object(v)) = (&mut c, value) {
        c.extend(v);
    }
    c
}

fn lines(resources: &[Value]) -> String {
    resources.iter().map(|r| format!("{r}\n")).collect()
}

fn one_result(resource: Value) -> (PatientRecord, QuestionnaireResult) {
    let records = import(&lines(&[patient(), resource])).expect("accepted");
    let record = records.into_iter().next().expect("one patient");
    let q = record
        .entries
        .iter()
        .find_map(|e| e.body.as_questionnaire().cloned())
        .expect("the result is kept, not skipped");
    (record, q)
}

fn refused(resource: Value) -> String {
    import(&lines(&[patient(), resource]))
        .map(|_| ())
        .expect_err("should be refused")
}

fn fired(record: &PatientRecord) -> Vec<RuleId> {
    evaluate(record, &Policy::default(), TODAY)
        .iter()
        .map(|a| a.rule)
        .collect()
}

#[test]
fn a_total_only_phq9_is_kept_with_its_band_not_skipped() {
    let (record, q) = one_result(phq9(json!({"valueInteger": 14})));
    assert_eq!(
        q,
        QuestionnaireResult::recorded(Instrument::Phq9, date!(2026 - 11 - 20), vec![], Some(14))
    );
    assert!(q.items_missing());
    let score = q.score(&ScoringOptions::default()).expect("valid");
    assert_eq!(
        (score.total(), score.band().map(|b| b.id)),
        (Some(14), Some("moderate"))
    );
    assert!(fired(&record).contains(&RuleId::PsychConsiderReferral));
    assert!(!fired(&record).contains(&RuleId::RiskAssessNow));
    // The total as some systems send it: a whole-number quantity.
    let (_, q) = one_result(phq9(
        json!({"valueQuantity": {"value": 14.0, "unit": "{score}"}}),
    ));
    assert_eq!(q.recorded_total, Some(14));
}

#[test]
fn total_and_item9_alone_is_kept_and_item9_calls_for_a_risk_review() {
    let (record, q) = one_result(phq9(json!({"valueInteger": 6,
        "component": [item9(json!({"valueInteger": 2}))]})));
    let mut answers = vec![None; 9];
    answers[8] = Some(2);
    assert_eq!(
        q,
        QuestionnaireResult::recorded(Instrument::Phq9, date!(2026 - 11 - 20), answers, Some(6))
    );
    let actions = evaluate(&record, &Policy::default(), TODAY);
    let now = actions
        .iter()
        .find(|a| a.rule == RuleId::RiskAssessNow)
        .expect("risk.assess-now fires from item 9 alone");
    assert_eq!(now.due, Some(date!(2026 - 11 - 20)));
    assert!(
        now.reason
            .starts_with("PHQ-9 item 9 answered 2 on 2026-11-20"),
        "{}",
        now.reason
    );
}

#[test]
fn item9_as_a_verified_loinc_answer_code() {
    let answer = |key: &str| json!({"valueCodeableConcept": {"coding": [{"system": LOINC, "code": by_key(key).code}]}});
    let (record, q) = one_result(phq9(
        json!({"valueInteger": 3, "component": [item9(answer("answer.1"))]}),
    ));
    assert_eq!(q.answers.get(8), Some(&Some(1)));
    assert!(fired(&record).contains(&RuleId::RiskAssessNow));
    // Item 9 recorded with no total at all is still kept, and still counts.
    let (record, q) = one_result(phq9(json!({"component": [item9(answer("answer.3"))]})));
    assert_eq!((q.recorded_total, q.answers.get(8)), (None, Some(&Some(3))));
    assert!(fired(&record).contains(&RuleId::RiskAssessNow));
}

#[test]
fn an_answer_code_haven_cannot_read_is_refused_naming_it() {
    let err = refused(phq9(json!({"valueInteger": 3, "component": [item9(json!(
        {"valueCodeableConcept": {"coding": [{"system": LOINC, "code": "an-unverified-answer"}]}}))]})));
    assert_eq!(
        err,
        "test.ndjson: line 2: Observation.component[0].valueCodeableConcept: the answer code \
         http://loinc.org|an-unverified-answer is not one Haven can read as a number for PHQ-9 \
         item 9; give the answer as valueInteger"
    );
    // A PHQ/GAD answer code on an item whose answers are worded differently is not guessed at.
    let difficulty = json!({"code": loinc("phq9.difficulty"),
        "valueCodeableConcept": {"coding": [{"system": LOINC, "code": by_key("answer.0").code}]}});
    let err = refused(phq9(json!({"valueInteger": 3, "component": [difficulty]})));
    assert!(
        err.contains("Observation.component[0].valueCodeableConcept: the answer code"),
        "{err}"
    );
}

#[test]
fn impossible_totals_and_answers_are_refused_naming_line_and_field() {
    let cases = [
        (
            json!({"valueInteger": 28}),
            "test.ndjson: line 2: Observation.valueInteger: 28 is not a possible PHQ-9 total (0–27)",
        ),
        (
            json!({"valueInteger": -1}),
            "test.ndjson: line 2: Observation.valueInteger: -1 is not a possible PHQ-9 total (0–27)",
        ),
        (
            json!({"valueQuantity": {"value": 7.5}}),
            "test.ndjson: line 2: Observation.valueQuantity.value: 7.5 is not a whole-number total",
        ),
        (
            json!({"valueInteger": 2, "component": [item9(json!({"valueInteger": 3}))]}),
            "test.ndjson: line 2: Observation.valueInteger: PHQ-9 total 2 is less than the item answers recorded, which add up to 3",
        ),
        (
            json!({"valueInteger": 26, "component": [item9(json!({"valueInteger": 0}))]}),
            "test.ndjson: line 2: Observation.valueInteger: PHQ-9 total 26 cannot be reached: with the item answers recorded it is at most 24",
        ),
        (
            json!({"valueInteger": 5, "component": [item9(json!({"valueInteger": 4}))]}),
            "test.ndjson: line 2: Observation.component[0].valueInteger: 4 is not a possible answer to PHQ-9 item 9 (0–3)",
        ),
    ];
    for (extra, message) in cases {
        assert_eq!(refused(phq9(extra)), message);
    }
}

#[test]
fn a_result_with_neither_total_nor_items_is_skipped_not_refused() {
    let records = import(&lines(&[patient(), phq9(json!({}))])).expect("accepted");
    assert!(records[0].entries.is_empty());
}

#[test]
fn recorded_results_export_as_recorded_and_round_trip() {
    let mut item9_only = vec![None; 9];
    item9_only[8] = Some(1);
    let mut gad_some = vec![None; 7];
    gad_some[0] = Some(3);
    gad_some[1] = Some(2);
    let input = [
        patient(),
        phq9(json!({"valueInteger": 14})),
        phq9(
            json!({"id": "phq-2", "effectiveDateTime": "2026-11-21", "valueInteger": 6,
            "component": [item9(json!({"valueInteger": 1}))]}),
        ),
        phq9(json!({"id": "phq-3", "effectiveDateTime": "2026-11-22",
            "component": [item9(json!({"valueInteger": 1}))]})),
        json!({"resourceType": "Observation", "id": "gad-1", "status": "final",
            "subject": {"reference": "Patient/gp-1"}, "code": loinc("gad7.total"),
            "effectiveDateTime": "2026-11-20", "valueInteger": 12,
            "component": [
                {"code": loinc("gad7.item1"), "valueInteger": 3},
                {"code": loinc("gad7.item2"), "valueInteger": 2}]}),
    ];
    let first = import(&lines(&input)).expect("accepted");
    let bodies: Vec<EntryBody> = first[0].entries.iter().map(|e| e.body.clone()).collect();
    let recorded = |i, d, a, t| EntryBody::Questionnaire(QuestionnaireResult::recorded(i, d, a, t));
    assert_eq!(
        bodies,
        [
            recorded(Instrument::Phq9, date!(2026 - 11 - 20), vec![], Some(14)),
            recorded(
                Instrument::Phq9,
                date!(2026 - 11 - 21),
                item9_only.clone(),
                Some(6)
            ),
            recorded(Instrument::Phq9, date!(2026 - 11 - 22), item9_only, None),
            recorded(Instrument::Gad7, date!(2026 - 11 - 20), gad_some, Some(12)),
        ]
    );
    let exported = export_ndjson(&first, true);
    let resources: Vec<Value> = exported
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let observations: Vec<&Value> = resources
        .iter()
        .filter(|r| r["resourceType"] == "Observation")
        .collect();
    assert_eq!(observations.len(), 4);
    assert!(
        resources
            .iter()
            .all(|r| r["resourceType"] != "QuestionnaireResponse"),
        "a result not entered item by item has no response"
    );
    let total_only = observations[0];
    assert_eq!(total_only["valueInteger"], 14);
    assert!(total_only.get("component").is_none() && total_only.get("derivedFrom").is_none());
    assert_eq!(
        total_only["interpretation"][0]["coding"][0]["code"],
        "moderate"
    );
    assert_eq!(
        observations[1]["component"].as_array().map(Vec::len),
        Some(1)
    );
    assert!(
        observations[2].get("valueInteger").is_none(),
        "no total is invented"
    );
    let back = import(&exported).expect("re-import");
    let again: Vec<EntryBody> = back[0].entries.iter().map(|e| e.body.clone()).collect();
    assert_eq!(again, bodies);
    assert_eq!(
        export_ndjson(&back, true),
        exported,
        "the second export differs"
    );
}

#[test]
fn a_partial_questionnaire_response_keeps_the_items_it_has() {
    let items: Vec<Value> = [1, 2, 9]
        .iter()
        .map(|n| json!({"linkId": n.to_string(), "answer": [{"valueInteger": 1}]}))
        .collect();
    let (record, q) = one_result(json!({"resourceType": "QuestionnaireResponse", "id": "qr1",
        "status": "completed", "subject": {"reference": "Patient/gp-1"},
        "questionnaire": format!("{H}/Questionnaire/phq9"), "authored": "2026-11-01", "item": items}));
    assert_eq!(
        q.answers,
        [
            Some(1),
            Some(1),
            None,
            None,
            None,
            None,
            None,
            None,
            Some(1)
        ]
    );
    assert_eq!(q.recorded_total, None);
    assert!(fired(&record).contains(&RuleId::RiskAssessNow));
}

#[test]
fn item9_recorded_as_an_observation_of_its_own_is_kept_and_counts() {
    let lone = |value: Value| {
        let mut o = json!({"resourceType": "Observation", "id": "item9-1", "status": "final",
            "subject": {"reference": "Patient/gp-1"}, "code": loinc("phq9.item9"),
            "effectiveDateTime": "2026-11-20"});
        if let (Value::Object(o), Value::Object(v)) = (&mut o, value) {
            o.extend(v);
        }
        o
    };
    let answer = json!({"valueCodeableConcept": {"coding": [{"system": LOINC, "code": by_key("answer.1").code}]}});
    let (record, q) = one_result(lone(answer));
    let mut item9 = vec![None; 9];
    item9[8] = Some(1);
    assert_eq!(
        q,
        QuestionnaireResult::recorded(Instrument::Phq9, date!(2026 - 11 - 20), item9, None)
    );
    assert!(fired(&record).contains(&RuleId::RiskAssessNow));
    assert_eq!(
        refused(lone(json!({"valueInteger": 7}))),
        "test.ndjson: line 2: Observation.valueInteger: 7 is not a possible answer to PHQ-9 item 9 (0–3)"
    );
    let back = import(&export_ndjson(std::slice::from_ref(&record), true)).expect("re-import");
    assert_eq!(
        back[0].entries, record.entries,
        "exported and read back the same"
    );
}
