//! `haven export --out DIR [--include-sensitive]`: the whole population as bulk NDJSON, one
//! file per resource type (`Patient.ndjson`, `Observation.ndjson`, …). Sensitive history
//! (abuse disclosures) only with the flag. Every export is written to the audit log before any
//! data leaves, so even an interrupted export is on record.
//!
//! A migration format: `haven import` of it gives back a store whose export is byte-identical.
//! Entries carry their versions (an import keeps them); Patients do not, since an import
//! stores each patient as a new version 1 (the FHIR API's reads and Bulk `$export` do carry the
//! Patient's stored version). Each Patient names its practice by ODS code
//! (`managingOrganization`), which `haven import` checks against the practice it files under.
//!
//! Wiring (cmd/mod.rs): `mod export;` and
//! `Command::Export { out, include_sensitive } => export::run(&open(&cli.db).await?, &out, include_sensitive).await`.

use std::path::Path;

use anyhow::{Context, Result, bail};
use haven_core::record::Visibility;
use haven_fhir::ndjson::{NdjsonFile, NdjsonFiles};
use haven_store::{Actor, RecordStream, Store};

use crate::{output, progress};

/// `pub async fn run(store: &Store, out: &Path, include_sensitive: bool) -> anyhow::Result<()>`
pub async fn run(store: &Store, out: &Path, include_sensitive: bool) -> Result<()> {
    prepare(out)?;
    let sensitive = if include_sensitive { "with" } else { "without" };
    let detail = format!(
        "bulk NDJSON export to {} {sensitive} sensitive history",
        out.display()
    );
    store
        .audit_read(&Actor::cli("export"), "export", None, &detail)
        .await?;
    let files = write(store, out, include_sensitive).await?;
    let mut text = String::new();
    for f in &files {
        text.push_str(&format!(
            "{:<32} {:>8}\n",
            NdjsonFiles::file_name(&f.resource_type),
            f.count
        ));
    }
    let total: u64 = files.iter().map(|f| f.count).sum();
    text.push_str(&format!("{total} resources written to {}\n", out.display()));
    output::print(&text)
}

/// Streams every record into the files, one record in memory at a time.
pub async fn write(store: &Store, out: &Path, include_sensitive: bool) -> Result<Vec<NdjsonFile>> {
    let visible = if include_sensitive {
        Visibility::Sensitive
    } else {
        Visibility::Clinical
    };
    let bar = progress::bar(store.count_patients().await?.max(0) as u64, "patients");
    let mut files = NdjsonFiles::new(out);
    let mut failure: Option<std::io::Error> = None;
    // Practice by practice, so that each Patient names its own (`managingOrganization`).
    for practice in store.practices_in_scope().await? {
        if failure.is_some() {
            break;
        }
        let named = haven_web::fhir_api::fhir_practice(&practice);
        store
            .within(practice.id)
            .scan_records(&RecordStream::default(), visible, |record| {
                bar.inc(1);
                if failure.is_some() {
                    return;
                }
                for (resource_type, value) in
                    haven_fhir::to_resources_stored(&record, include_sensitive, None, Some(&named))
                {
                    if let Err(e) = files.write(resource_type, &value) {
                        failure = Some(e);
                        return;
                    }
                }
            })
            .await?;
    }
    bar.finish_and_clear();
    if let Some(e) = failure {
        return Err(e).with_context(|| format!("cannot write the export into {}", out.display()));
    }
    files
        .finish()
        .with_context(|| format!("cannot finish the export files in {}", out.display()))
}

/// Creates `out` if needed and refuses one that already holds an export, so that files of an
/// older export can never be mistaken for part of this one.
fn prepare(out: &Path) -> Result<()> {
    std::fs::create_dir_all(out)
        .with_context(|| format!("cannot create the directory {}", out.display()))?;
    let existing = std::fs::read_dir(out)
        .with_context(|| format!("cannot read the directory {}", out.display()))?
        .filter_map(|e| e.ok())
        .any(|e| e.path().extension().is_some_and(|x| x == "ndjson"));
    if existing {
        bail!(
            "{} already holds NDJSON files: export into an empty directory",
            out.display()
        );
    }
    Ok(())
}
