//! `haven backup` / `haven restore`: a consistent online copy (SQLite `VACUUM INTO`) and its
//! careful return.

use std::path::Path;

use anyhow::{Context, Result, bail};
use haven_store::{Actor, Store};

pub async fn backup(store: &Store, out: &Path) -> Result<()> {
    if out.exists() {
        bail!("{} already exists; choose a new file name", out.display());
    }
    store
        .backup_to(&Actor::cli("backup"), out)
        .await
        .with_context(|| format!("backup to {} failed", out.display()))?;
    println!("backup written to {}", out.display());
    Ok(())
}

pub async fn restore(db: &str, file: &Path, force: bool) -> Result<()> {
    Store::restore(db, file, &Actor::cli("restore"), force)
        .await
        .with_context(|| format!("restore of {} failed", file.display()))?;
    println!("restored {} into {db}", file.display());
    Ok(())
}
