//! Everything in a record survives export → import → export unchanged.

use haven_core::UserId;
use haven_core::record::{EntryBody, PatientRecord};
use haven_demo::DemoOptions;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::support::{TODAY, export_ndjson, full_record, import};

fn round_trip(records: &[PatientRecord]) {
    let first = export_ndjson(records, true);
    let back = import(&first).unwrap_or_else(|e| panic!("re-import failed: {e}"));
    assert_eq!(back.len(), records.len());
    for (a, b) in records.iter().zip(&back) {
        assert_eq!(a.patient, b.patient, "patient {}", a.patient.id);
        for (x, y) in a.entries.iter().zip(&b.entries) {
            assert_eq!(x, y, "entry {}", x.id);
        }
        assert_eq!(
            a.entries.len(),
            b.entries.len(),
            "entries of {}",
            a.patient.id
        );
    }
    assert_eq!(
        export_ndjson(&back, true),
        first,
        "the second export differs"
    );
}

#[test]
fn a_record_with_every_kind_of_entry_round_trips() {
    round_trip(&[full_record()]);
}

#[test]
fn sensitive_entries_leave_only_when_asked_and_carry_the_restricted_label() {
    let record = full_record();
    let without = export_ndjson(std::slice::from_ref(&record), false);
    assert!(
        !without.contains("abuse-history"),
        "disclosures must not be exported without the flag"
    );
    let back = import(&without).expect("import");
    let disclosures = |r: &PatientRecord| {
        r.entries
            .iter()
            .filter(|e| matches!(e.body, EntryBody::Disclosure(_)))
            .count()
    };
    assert_eq!((disclosures(&record), disclosures(&back[0])), (3, 0));
    assert_eq!(back[0].entries.len(), record.entries.len() - 3);
    for (kind, value) in haven_fhir::to_resources(&record, true) {
        let restricted = value["meta"]["security"]
            .as_array()
            .is_some_and(|s| s.iter().any(|c| c["code"] == "R"));
        let sensitive =
            kind == "Condition" && value["category"].to_string().contains("sensitive-history");
        assert_eq!(restricted, sensitive, "{value}");
    }
}

/// The same patient as a transaction Bundle with `urn:uuid:` references resolves the same.
#[test]
fn a_transaction_bundle_with_uuid_references_reads_the_same() {
    let record = full_record();
    let resources = haven_fhir::to_resources(&record, true);
    let uuid = |n: usize| format!("urn:uuid:00000000-0000-4000-8000-{n:012}");
    let entries: Vec<Value> = resources
        .iter()
        .enumerate()
        .map(|(n, (kind, value))| {
            let mut value = value.clone();
            let text = value.to_string().replace("\"Patient/pat-17\"", &format!("\"{}\"", uuid(0)));
            value = serde_json::from_str(&text).expect("json");
            json!({"fullUrl": uuid(n), "resource": value, "request": {"method": "PUT", "url": format!("{kind}/{}", value["id"].as_str().unwrap_or(""))}})
        })
        .collect();
    let bundle =
        json!({"resourceType": "Bundle", "type": "transaction", "entry": entries}).to_string();
    let parsed = haven_fhir::parse_input(bundle.as_bytes(), "bundle.json").expect("parse");
    let back = haven_fhir::assemble(parsed, TODAY).expect("assemble");
    assert_eq!(back, vec![record]);
}

pub fn demo(seed: u64, count: u64) -> Vec<PatientRecord> {
    let options = DemoOptions {
        seed,
        today: TODAY,
        clinicians: vec![UserId::new("dr.a"), UserId::new("dr.b")],
    };
    haven_demo::generate(&options, 0..count)
        .enumerate()
        .map(|(i, mut r)| {
            let id = haven_core::PatientId::new(format!("pat-{}", i + 1));
            r.patient.id = id.clone();
            for e in &mut r.entries {
                e.patient = id.clone();
            }
            r
        })
        .collect()
}

#[test]
fn a_demo_population_round_trips() {
    round_trip(&demo(7, 40));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn demo_records_round_trip(seed in any::<u64>()) {
        round_trip(&demo(seed, 3));
    }
}

/// A bulk export comes as one file per type; read in any order, or one file at a time against
/// patients already known, it gives the same entries once each.
#[test]
fn per_type_files_read_back_in_any_order_without_double_counting() {
    let record = full_record();
    let resources = haven_fhir::to_resources(&record, true);
    let mut by_type: std::collections::BTreeMap<&str, Vec<Value>> =
        std::collections::BTreeMap::new();
    for (kind, value) in resources {
        by_type.entry(kind).or_default().push(value);
    }
    let all: Vec<Value> = by_type.values().flatten().cloned().collect();
    let back = import(&haven_fhir::ndjson::to_ndjson(&all)).expect("import");
    assert_eq!(back[0].entries.len(), record.entries.len());
    let responses = haven_fhir::ndjson::to_ndjson(&by_type["QuestionnaireResponse"]);
    let parsed = haven_fhir::parse_input(responses.as_bytes(), "QuestionnaireResponse.ndjson")
        .expect("parse");
    let alone = haven_fhir::assemble_with(
        parsed,
        TODAY,
        std::slice::from_ref(&record.patient),
        haven_fhir::Purpose::Store,
    )
    .expect("assemble");
    assert!(
        alone.records[0].entries.is_empty() && alone.skipped.is_empty(),
        "the answers come with the Observations"
    );
}
