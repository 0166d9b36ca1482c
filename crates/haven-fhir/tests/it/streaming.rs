//! Input read as it arrives ([`haven_fhir::Feed`] into an [`haven_fhir::Assembler`]) gives
//! exactly what reading it whole gives: the same records, and the same first error with its
//! true line number, wherever the blocks are cut.

use haven_core::record::PatientRecord;
use haven_fhir::{Assembler, Feed, Purpose};
use proptest::prelude::*;
use serde_json::json;

use crate::round_trip::demo;
use crate::support::{TODAY, export_ndjson, import};

const H: &str = "https://haven-health.github.io/fhir";

/// Reads `inputs` (name, text) through feeds, handing over `block` bytes at a time.
fn streamed(inputs: &[(&str, &str)], block: usize) -> Result<Vec<PatientRecord>, String> {
    let mut assembler = Assembler::default();
    for (name, text) in inputs {
        let mut feed = Feed::new(&mut assembler, name);
        for chunk in text.as_bytes().chunks(block.max(1)) {
            feed.push(chunk).map_err(|e| e.to_string())?;
        }
        feed.finish().map_err(|e| e.to_string())?;
    }
    assembler
        .finish(TODAY, &[], Purpose::Store)
        .map(|a| a.records)
        .map_err(|e| e.to_string())
}

fn sorted(mut records: Vec<PatientRecord>) -> Vec<PatientRecord> {
    records.sort_by(|a, b| a.patient.id.cmp(&b.patient.id));
    for r in &mut records {
        r.entries.sort_by(|a, b| a.id.cmp(&b.id));
    }
    records
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn any_cut_gives_the_records_of_the_whole(seed in any::<u64>(), block in 1usize..4_000) {
        let text = export_ndjson(&demo(seed, 4), true);
        prop_assert_eq!(streamed(&[("all.ndjson", &text)], block), import(&text));
    }

    /// One file per type, in any order (the Patients last, say): the same records.
    #[test]
    fn per_type_files_in_any_order_give_the_same_records(seed in any::<u64>(), block in 64usize..20_000) {
        let text = export_ndjson(&demo(seed, 4), true);
        let mut by_type: std::collections::BTreeMap<String, String> = Default::default();
        for line in text.lines() {
            let kind = serde_json::from_str::<serde_json::Value>(line).expect("json")["resourceType"]
                .as_str()
                .expect("type")
                .to_owned();
            by_type.entry(kind).or_default().push_str(&format!("{line}\n"));
        }
        let files: Vec<(&str, &str)> = by_type.iter().rev().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        prop_assert_eq!(streamed(&files, block).map(sorted), import(&text).map(sorted));
    }
}

/// Lines sent to the part of their patient and each part assembled alone (`haven evaluate` in
/// bounded memory): the parts' records together are the whole input's, and no key ties two
/// parts together.
fn in_parts(text: &str, parts: usize) -> Result<Vec<PatientRecord>, String> {
    let mut assemblers: Vec<Assembler> = (0..parts).map(|_| Assembler::default()).collect();
    for (n, line) in text.lines().enumerate() {
        let part = haven_fhir::patient_of_line(line.as_bytes())
            .map_or(n % parts, |p| haven_fhir::part_of(&p, parts));
        let location = haven_fhir::Location::new("all.ndjson", haven_fhir::Position::Line(n + 1));
        assemblers[part]
            .add_line(location, line.as_bytes())
            .map_err(|e| e.to_string())?;
    }
    let mut keys = Vec::new();
    let mut records = Vec::new();
    for assembler in assemblers {
        assembler.shared_keys(|hash, shared| keys.push((hash, shared)));
        let assembly = assembler
            .finish(TODAY, &[], Purpose::Store)
            .map_err(|e| e.to_string())?;
        records.extend(assembly.records);
    }
    keys.sort_unstable();
    if haven_fhir::parts_disagree(&keys) {
        return Err("the parts disagree".into());
    }
    Ok(records)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]
    #[test]
    fn parts_by_patient_give_the_records_of_the_whole(seed in any::<u64>(), parts in 1usize..9) {
        let text = export_ndjson(&demo(seed, 12), true);
        prop_assert_eq!(in_parts(&text, parts).map(sorted), import(&text).map(sorted));
    }
}

#[test]
fn errors_are_the_whole_inputs_whatever_the_blocks() {
    let patient = json!({"resourceType": "Patient", "id": "p1", "name": [{"family": "Test"}], "birthDate": "1990-01-01"});
    let event = |id: &str, subject: &str| {
        json!({"resourceType": "Observation", "id": id, "status": "final", "subject": {"reference": subject},
            "code": {"coding": [{"system": format!("{H}/CodeSystem/life-event"), "code": "asylum-refused"}]},
            "effectiveDateTime": "2026-01-01"})
    };
    let many: Vec<String> = (0..40)
        .map(|i| event(&format!("e{i}"), "Patient/p1").to_string())
        .collect();
    let cases = [
        // A repeated id far from its first use.
        format!(
            "{patient}\n{}\n{}\n",
            many.join("\n"),
            event("e3", "Patient/p1")
        ),
        // Broken JSON on line 30.
        format!(
            "{patient}\n{}\n{{\"resourceType\":\n{}\n",
            many[..28].join("\n"),
            many[30]
        ),
        // A patient named but never given, first named on line 2.
        format!(
            "{patient}\n{}\n{}\n",
            event("x1", "Patient/p9"),
            many.join("\n")
        ),
    ];
    for text in &cases {
        let whole = import(text).expect_err("refused whole");
        for block in [1, 7, 100, 1_000, 100_000] {
            assert_eq!(
                streamed(&[("test.ndjson", text)], block).expect_err("refused in blocks"),
                whole,
                "block {block}"
            );
        }
    }
    assert!(import(&cases[0]).expect_err("twice").contains(
        "line 42: Observation.id: id \"e3\" is used twice (first at test.ndjson: line 5)"
    ));
    assert!(
        import(&cases[1])
            .expect_err("syntax")
            .starts_with("test.ndjson: line 30: ")
    );
    assert!(
        import(&cases[2]).expect_err("missing").starts_with(
            "test.ndjson: line 2: Observation.subject: Patient/p9 is not in this input"
        )
    );
}

/// A QuestionnaireResponse that its result Observation names is read once, from the
/// Observation, whichever of the two arrives first; one that nothing names is read itself.
#[test]
fn a_response_is_read_once_whichever_comes_first() {
    let text = export_ndjson(&demo(11, 6), true);
    let (responses, rest): (Vec<&str>, Vec<&str>) = text
        .lines()
        .partition(|l| l.contains("\"resourceType\":\"QuestionnaireResponse\""));
    assert!(!responses.is_empty(), "the demo has questionnaires");
    let responses_first = format!("{}\n{}\n", responses.join("\n"), rest.join("\n"));
    assert_eq!(
        sorted(streamed(&[("r.ndjson", &responses_first)], 500).expect("read")),
        sorted(import(&text).expect("read"))
    );
}
