//! `haven backup` / `haven restore`: a consistent online copy with its manifest, and its careful
//! return. On both backends a backup is a Haven SQLite file (SQLite's `VACUUM INTO`, or
//! PostgreSQL's snapshot copied and verified: haven-store `backup.rs`).

use std::path::Path;

use anyhow::{Context, Result, bail};
use haven_store::{Actor, Store, manifest_path};

pub async fn backup(store: &Store, out: &Path) -> Result<()> {
    for file in [out.to_owned(), manifest_path(out)] {
        if file.exists() {
            bail!("{} already exists; choose a new file name", file.display());
        }
    }
    let manifest = store
        .backup_to(&Actor::cli("backup"), out)
        .await
        .with_context(|| format!("backup to {} failed", out.display()))?;
    println!("backup written to {}", out.display());
    println!(
        "its manifest, with an audit checkpoint, written to {} (the audit key is not in the backup: back it up separately)",
        manifest.display()
    );
    Ok(())
}

pub async fn restore(db: &super::Database, file: &Path, force: bool) -> Result<()> {
    Store::restore(
        &db.url,
        file,
        &db.audit_files()?,
        db.clock,
        &Actor::cli("restore"),
        force,
    )
    .await
    .with_context(|| format!("restore of {} failed", file.display()))?
    .close()
    .await;
    println!("restored {} into {}", file.display(), db.url);
    Ok(())
}
