//! `haven import FILE…`: FHIR R4 JSON (a resource, a Bundle or NDJSON; `-` for stdin) into the
//! store. All or nothing per file; importing the same resources again changes nothing, and a
//! changed resource becomes a new version of its entry (nothing is ever deleted).
//!
//! The files are read together, streaming through one assembler, and stored in one
//! transaction, so each patient's record is built and evaluated once whatever number of files
//! it spans. If that fails, the files are imported one at a time instead, so that the error
//! names its file and every good file is still stored.
//!
//! NDJSON larger than `--memory-limit` is read in parts by patient instead (`import/parts.rs`,
//! ARCHITECTURE.md *Evaluating a population larger than memory*), each part's records stored
//! as a batch of one transaction; input the parts cannot answer exactly as this one pass does
//! (any error, an id two parts share) is imported by this one pass after all.
//!
//! An import keeps the ids of the system it came from, so an id may equal a stored patient's
//! by chance: a Patient updates the stored one only when the identity agrees (or its Bundle
//! entry's `ifMatch` names the stored version), a new Patient with an NHS number already on
//! file is refused, and a conditional create (`ifNoneExist`) that finds a stored patient adds
//! to that patient. A refusal names both ids and stores nothing of the file.

use std::path::PathBuf;

use anyhow::{Result, anyhow};
use haven_core::NhsNumber;
use haven_core::record::PatientRecord;
use haven_fhir::{Assembler, PatientGiven, Purpose, UnusedTypes};
use haven_store::upsert::{Incoming, PatientWrite, UpsertSummary};
use haven_store::{Actor, Store};

use super::fhir_input::{Input, report_notes};
use super::parts::Reading;
use crate::{output, progress};

mod parts;

/// Imports `files`, in about `reading.memory_limit` bytes when they are NDJSON.
pub async fn run(store: &Store, files: &[PathBuf], reading: Reading) -> Result<()> {
    let inputs = Input::all(files)?;
    let count = parts::count(&inputs, &reading);
    if count > 1
        && let Some(done) = parts::import(store, &inputs, count).await?
    {
        let what = match &inputs[..] {
            [one] => one.name(),
            _ => format!("{} files", inputs.len()),
        };
        return output::print(&format!("{what}: {}\n", describe(&done)));
    }
    if inputs.len() > 1 {
        let bar = progress::bytes(inputs.iter().map(Input::len).sum(), "reading");
        let together = import(store, &inputs, &bar).await;
        bar.finish_and_clear();
        match together {
            Ok(done) => {
                return output::print(&format!("{} files: {}\n", inputs.len(), describe(&done)));
            }
            Err(e) => tracing::debug!("importing the files together failed ({e:#}); one at a time"),
        }
    }
    one_at_a_time(store, inputs).await
}

/// Each file in its own transaction, those holding patients first, so that a bulk export's
/// `Observation.ndjson` finds the patients of `Patient.ndjson` whatever order the shell lists
/// them in.
async fn one_at_a_time(store: &Store, inputs: Vec<Input>) -> Result<()> {
    let count = inputs.len();
    let mut failures = Vec::new();
    let mut ordered = Vec::new();
    for input in inputs {
        let patients = if count == 1 {
            Ok(true)
        } else {
            input.mentions_patients()
        };
        match patients {
            Ok(patients) => ordered.push((!patients, input)),
            Err(e) if count == 1 => return Err(e),
            Err(e) => {
                eprintln!("error: {e:#}");
                failures.push(input.name());
            }
        }
    }
    ordered.sort_by_key(|(patients_later, _)| *patients_later);
    let bar = progress::bytes(ordered.iter().map(|(_, i)| i.len()).sum(), "reading");
    for (_, input) in ordered {
        let name = input.name();
        match import(store, std::slice::from_ref(&input), &bar).await {
            Ok(done) => bar.suspend(|| output::print(&format!("{name}: {}\n", describe(&done))))?,
            Err(e) if count == 1 => {
                bar.finish_and_clear();
                return Err(e);
            }
            Err(e) => {
                bar.suspend(|| eprintln!("error: {e:#}"));
                failures.push(name);
            }
        }
    }
    bar.finish_and_clear();
    match failures.len() {
        0 => Ok(()),
        n => Err(anyhow!(
            "{n} of {count} files were not imported and nothing from them was stored: {}",
            failures.join(", ")
        )),
    }
}

/// What one import stored, and what it passed over.
pub(super) struct Imported {
    stored: UpsertSummary,
    unused: UnusedTypes,
}

/// Reads `inputs` into records and stores them in one transaction.
async fn import(store: &Store, inputs: &[Input], bar: &indicatif::ProgressBar) -> Result<Imported> {
    let mut assembler = Assembler::default();
    assembler.files_under(haven_web::fhir_api::filing_practice(store).await?);
    bar.set_message("reading");
    for input in inputs {
        input.feed(&mut assembler, bar)?;
    }
    bar.set_message("storing");
    // Resources may add to patients already in Haven (new results for a known patient), and
    // a patient already stored keeps what this input does not carry (see `Assembler::finish`);
    // conditional creates look for their NHS numbers among those stored.
    let wanted: Vec<&str> = assembler.patient_ids().collect();
    let numbers: Vec<&str> = assembler
        .conditional_nhs_numbers()
        .map(NhsNumber::as_str)
        .collect();
    let known = store.known_patients(&wanted, &numbers).await?;
    let assembly = assembler.finish(store.clock().today(), &known, Purpose::Store)?;
    report_notes(&assembly);
    let unused = assembly.unused;
    let incoming = incoming(assembly.records, &assembly.given);
    let names = names(inputs);
    let upserted = store
        .bulk_upsert_incoming(&Actor::cli("import"), incoming, &reason(&names))
        .await
        .map_err(|e| anyhow!("{names}: {e}"))?;
    Ok(Imported {
        stored: upserted.summary,
        unused,
    })
}

/// What each record may do to its patient, as the input gave the patient.
fn incoming(records: Vec<PatientRecord>, given: &[PatientGiven]) -> Vec<Incoming> {
    records
        .into_iter()
        .zip(given)
        .map(|(record, given)| Incoming {
            record,
            write: match given {
                PatientGiven::Resource {
                    if_match: Some(version),
                } => PatientWrite::UpdateAt(*version),
                PatientGiven::Resource { if_match: None } => PatientWrite::Upsert,
                PatientGiven::Referred | PatientGiven::Found { .. } => PatientWrite::Refer,
            },
        })
        .collect()
}

/// The inputs' names, as errors and the audit log give them.
fn names(inputs: &[Input]) -> String {
    inputs
        .iter()
        .map(Input::name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why the entries changed, in the audit log and each changed entry's history.
fn reason(names: &str) -> String {
    format!("FHIR import from {names}")
}

/// One line: what was stored, then what was skipped for its type (`…; 37 resources of 4
/// types Haven does not use were skipped: AllergyIntolerance (12), …`).
fn describe(done: &Imported) -> String {
    let s = &done.stored;
    let mut line = format!(
        "{} patients added, {} updated; {} entries added, {} changed, {} unchanged",
        s.patients_added,
        s.patients_updated,
        s.entries_added,
        s.entries_changed,
        s.entries_unchanged
    );
    if !done.unused.is_empty() {
        line.push_str(&format!("; {}", done.unused));
    }
    line
}
