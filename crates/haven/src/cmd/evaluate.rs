//! `haven evaluate FILE… [--as-of DATE] [--json]`: the care rules over FHIR input, without any
//! database. All files are read together (a bulk export directory's `Patient.ndjson` and
//! `Observation.ndjson` make one population), and the output is `worklist`'s, with `patient`
//! the FHIR `Patient.id`.
//!

use std::io::{ErrorKind, Write};
use std::path::PathBuf;

use anyhow::Result;
use haven_core::Date;
use haven_core::policy::Policy;
use haven_core::population::{AllActions, Evaluation};
use haven_core::record::PatientRecord;
use haven_core::rules::{self, Action};
use haven_fhir::{Assembler, Purpose};

use super::fhir_input::{Input, report_notes};
use super::parts::Reading;
use crate::evaluation;
use crate::{actions_output, output, progress};

mod parts;

/// Evaluates `files` as of `as_of`, or `today` (the application clock's date), in about
/// `reading.memory_limit` bytes at most: input larger than fits is read in parts through
/// temporary files.
pub async fn run(
    files: &[PathBuf],
    as_of: Option<Date>,
    json: bool,
    reading: Reading,
    today: Date,
) -> Result<()> {
    let as_of = as_of.unwrap_or(today);
    let inputs = Input::all(files)?;
    let total = inputs.iter().map(Input::len).sum();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let parts = reading
        .parts
        .unwrap_or_else(|| parts::parts_for(total, reading.memory_limit, cores));
    if parts > 1 && in_parts(&inputs, parts, as_of, today, json)? {
        return Ok(());
    }
    one_pass(&inputs, as_of, json, today)
}

/// The input read in `parts` through a temporary directory, removed on success, on failure
/// and on Ctrl-C; `false` when it must be read in one pass instead (see `parts`).
fn in_parts(inputs: &[Input], parts: usize, as_of: Date, today: Date, json: bool) -> Result<bool> {
    let dir = super::parts::temporary_dir("evaluate")?;
    let Some(evaluated) = parts::evaluate(inputs, dir.path(), parts, as_of, today, json)? else {
        return Ok(false);
    };
    evaluated.notes.report();
    if !evaluated.notes.unused.is_empty() {
        eprintln!("note: {}", evaluated.notes.unused);
    }
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    let written = evaluated
        .write(as_of, json, &mut out)
        .and_then(|()| Ok(out.flush()?));
    match written {
        // A closed pipe (`| head`) ends output quietly, as `output::print` does.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == ErrorKind::BrokenPipe) =>
        {
            Ok(true)
        }
        other => other.map(|()| true),
    }
}

/// All input read together in memory (a bulk export directory's `Patient.ndjson` and
/// `Observation.ndjson` make one population).
fn one_pass(inputs: &[Input], as_of: Date, json: bool, today: Date) -> Result<()> {
    // Each file streams through the assembler, which keeps the records, not the resources.
    let bar = progress::bytes(inputs.iter().map(Input::len).sum(), "reading");
    let mut assembler = Assembler::default();
    assembler.read_partial_dates_as_of(as_of);
    for input in inputs {
        input.feed(&mut assembler, &bar)?;
    }
    bar.finish_and_clear();
    // Data is checked against the real date (nothing recorded in the future), while the rules
    // look at the record as it stood on `as_of`, which may be earlier or later.
    let assembly = assembler.finish(today.max(as_of), &[], Purpose::Evaluate)?;
    report_notes(&assembly);
    if !assembly.unused.is_empty() {
        // Standard error: standard output is the worklist (its JSON stays as docs/rules.md says).
        eprintln!("note: {}", assembly.unused);
    }
    let actions = evaluate(&assembly.records, &Policy::default(), as_of);
    let printed = if json {
        output::print(&actions_output::to_json(as_of, &actions))
    } else {
        output::print(&actions_output::to_table(as_of, &actions))
    };
    // The process ends here: freeing millions of records one by one only delays the exit
    // (about half a second for 100,000 patients); the system takes the memory back whole.
    std::mem::forget((assembly, actions));
    printed
}

/// Every record's actions, evaluated on every core, labelled with the FHIR Patient.id and
/// sorted as docs/rules.md says.
pub fn evaluate(records: &[PatientRecord], policy: &Policy, as_of: Date) -> Vec<(String, Action)> {
    let evaluation =
        evaluation::tally_records(records, || Evaluation::<AllActions>::new(policy, as_of));
    let AllActions(mut actions) = evaluation.into_collected();
    rules::sort_population(&mut actions);
    actions
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const PATIENT: &str = r#"{"resourceType":"Patient","id":"ehr-7","birthDate":"1990-01-01"}"#;

    fn actions_for(text: &str, as_of: Date) -> Vec<(String, Action)> {
        let resources = haven_fhir::parse_input(text.as_bytes(), "t.ndjson").expect("parse");
        let assembly =
            haven_fhir::assemble_with(resources, as_of, &[], Purpose::Evaluate).expect("assemble");
        evaluate(&assembly.records, &Policy::default(), as_of)
    }

    #[test]
    fn the_output_has_the_interfaces_shape_with_the_fhir_patient_id() {
        let event = r#"{"resourceType":"Observation","id":"ev1","status":"final","subject":{"reference":"Patient/ehr-7"},
            "code":{"coding":[{"system":"https://haven-health.github.io/fhir/CodeSystem/life-event","code":"asylum-refused"}]},
            "effectiveDateTime":"2026-11-27"}"#
            .replace('\n', "");
        let as_of = date!(2026 - 11 - 28);
        let actions = actions_for(&format!("{PATIENT}\n{event}\n"), as_of);
        let json: serde_json::Value =
            serde_json::from_str(&actions_output::to_json(as_of, &actions)).expect("valid JSON");
        assert_eq!(json["as_of"], "2026-11-28");
        let first = &json["actions"][0];
        assert_eq!(first["patient"], "ehr-7");
        assert_eq!(first["rule"], "risk.reassess-after-event");
        assert_eq!(
            (
                first["section"].as_str(),
                first["urgency"].as_str(),
                first["due"].as_str()
            ),
            (Some("§6"), Some("urgent"), Some("2026-11-29"))
        );
        assert!(
            first["reason"]
                .as_str()
                .is_some_and(|r| r.contains("2026-11-27"))
        );
        // Every field of the docs/rules.md example is present.
        let example: serde_json::Value = serde_json::from_str(
            r#"{"as_of": "2026-11-28",
 "actions": [{"patient": "pat-17", "rule": "risk.reassess-after-event", "section": "§6",
              "urgency": "urgent", "due": "2026-11-30",
              "reason": "Asylum claim refused on 2026-11-27; no risk assessment since.",
              "resolve": "Record a suicide and self-harm risk assessment."}]}"#,
        )
        .expect("the docs/rules.md example parses");
        let keys =
            |v: &serde_json::Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>());
        assert_eq!(keys(first), keys(&example["actions"][0]));
        assert_eq!(keys(&json), keys(&example));
    }

    #[test]
    fn urgent_actions_come_first() {
        let actions = actions_for(&format!("{PATIENT}\n"), date!(2026 - 11 - 28));
        let urgencies: Vec<_> = actions.iter().map(|(_, a)| a.urgency).collect();
        let mut sorted = urgencies.clone();
        sorted.sort();
        assert_eq!(urgencies, sorted);
        assert!(!actions.is_empty());
    }
}
