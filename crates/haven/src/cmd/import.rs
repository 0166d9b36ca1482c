//! `haven import FILE…`: FHIR R4 JSON (a resource, a Bundle or NDJSON; `-` for stdin) into the
//! store. All or nothing per file; importing the same resources again changes nothing, and a
//! changed resource becomes a new version of its entry (nothing is ever deleted).
//!
//! Wiring (cmd/mod.rs): `mod fhir_input; mod import;` and
//! `Command::Import { files } => import::run(&open(&cli.db).await?, &files).await`.

use std::path::PathBuf;

use anyhow::{Result, anyhow};
use haven_fhir::model::Resource;
use haven_fhir::{ImportedResource, Purpose, assemble_with, unresolved_patients};
use haven_store::fhir_import::UpsertSummary;
use haven_store::{Actor, Store};

use super::fhir_input::{read, report_skipped, source_name};
use crate::{output, progress};

/// `pub async fn run(store: &Store, files: &[PathBuf]) -> anyhow::Result<()>`
pub async fn run(store: &Store, files: &[PathBuf]) -> Result<()> {
    // Every file is read and checked first; files holding patients are stored first, so that
    // a bulk export's `Observation.ndjson` finds the patients of `Patient.ndjson` whatever
    // order the shell lists them in.
    let mut inputs = Vec::new();
    let mut failures = Vec::new();
    for path in files {
        match read(path).await {
            Ok(resources) => inputs.push((source_name(path), resources)),
            Err(e) if files.len() == 1 => return Err(e),
            Err(e) => {
                eprintln!("error: {e:#}");
                failures.push(source_name(path));
            }
        }
    }
    inputs.sort_by_key(|(_, resources)| {
        !resources
            .iter()
            .any(|r| matches!(r.resource, Resource::Patient(_)))
    });
    let bar = progress::bar(inputs.len() as u64, "files");
    for (name, resources) in inputs {
        match import_one(store, &name, resources).await {
            Ok(summary) => {
                bar.suspend(|| output::print(&format!("{name}: {}\n", describe(&summary))))?
            }
            Err(e) if files.len() == 1 => {
                bar.finish_and_clear();
                return Err(e);
            }
            Err(e) => {
                bar.suspend(|| eprintln!("error: {e:#}"));
                failures.push(name);
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    match failures.len() {
        0 => Ok(()),
        n => Err(anyhow!(
            "{n} of {} files were not imported and nothing from them was stored: {}",
            files.len(),
            failures.join(", ")
        )),
    }
}

async fn import_one(
    store: &Store,
    name: &str,
    resources: Vec<ImportedResource>,
) -> Result<UpsertSummary> {
    // Resources may add to patients already in Haven (new results for a known patient), and
    // a patient already stored keeps what this file does not carry (see `assemble_with`).
    let present = resources
        .iter()
        .filter(|r| matches!(r.resource, Resource::Patient(_)))
        .filter_map(|r| r.id.clone());
    let wanted: Vec<String> = present.chain(unresolved_patients(&resources)).collect();
    let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
    // Patients not stored are left out: assembly then names the resource whose patient is
    // missing.
    let known: Vec<_> = store
        .patients(&wanted)
        .await?
        .into_iter()
        .map(|s| s.patient)
        .collect();
    let assembly = assemble_with(resources, super::today(), &known, Purpose::Store)?;
    report_skipped(&assembly.skipped);
    let summary = store
        .upsert_records(
            &Actor::cli("import"),
            &assembly.records,
            &format!("FHIR import from {name}"),
        )
        .await?;
    Ok(summary)
}

fn describe(s: &UpsertSummary) -> String {
    format!(
        "{} patients added, {} updated; {} entries added, {} changed, {} unchanged",
        s.patients_added,
        s.patients_updated,
        s.entries_added,
        s.entries_changed,
        s.entries_unchanged
    )
}
