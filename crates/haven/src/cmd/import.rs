//! `haven import FILE…`: FHIR R4 JSON (a resource, a Bundle or NDJSON; `-` for stdin) into the
//! store, one file at a time. All or nothing per file; importing the same resources again changes nothing, and a
//! changed resource becomes a new version of its entry (nothing is ever deleted).
//!
//! Wiring (cmd/mod.rs): `mod fhir_input; mod import;` and
//! `Command::Import { files } => import::run(&open(&cli.db).await?, &files).await`.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use haven_fhir::model::Resource;
use haven_fhir::{
    ImportedResource, Purpose, assemble_with, mentions_patients, parse_input, unresolved_patients,
};
use haven_store::fhir_import::UpsertSummary;
use haven_store::{Actor, Store};

use super::fhir_input::{read_bytes, report_skipped, source_name};
use crate::{output, progress};

/// `pub async fn run(store: &Store, files: &[PathBuf]) -> anyhow::Result<()>`
pub async fn run(store: &Store, files: &[PathBuf]) -> Result<()> {
    // Files holding patients are stored first, so that a bulk export's `Observation.ndjson`
    // finds the patients of `Patient.ndjson` whatever order the shell lists them in. Each file
    // is parsed only when its turn comes and dropped after, so memory holds one file's
    // resources at a time (standard input, readable once, is kept as bytes).
    let mut inputs = Vec::new();
    let mut failures = Vec::new();
    for path in files {
        match read_bytes(path).await {
            Ok(bytes) => {
                let patients = mentions_patients(&bytes);
                let kept = (path == Path::new("-")).then_some(bytes);
                inputs.push((patients, path, kept));
            }
            Err(e) if files.len() == 1 => return Err(e),
            Err(e) => {
                eprintln!("error: {e:#}");
                failures.push(source_name(path));
            }
        }
    }
    inputs.sort_by_key(|(patients, _, _)| !patients);
    let bar = progress::bar(inputs.len() as u64, "files");
    for (_, path, kept) in inputs {
        let name = source_name(path);
        let stored = async {
            let bytes = match kept {
                Some(bytes) => bytes,
                None => read_bytes(path).await?,
            };
            let resources = parse_input(&bytes, &name)?;
            drop(bytes);
            import_one(store, &name, resources).await
        };
        match stored.await {
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
