//! `haven audit verify`: walk the chain, compare every checkpoint, and name the first broken
//! entry; `haven audit checkpoint`: anchor the log's head now.

use std::path::PathBuf;

use anyhow::{Result, bail};
use haven_store::{AuditVerification, Store};

pub async fn verify(store: &Store, checkpoints: &[PathBuf]) -> Result<()> {
    match store.audit_verify_against(checkpoints).await? {
        AuditVerification::Intact {
            entries,
            unkeyed,
            checkpoints,
        } => {
            let before_key = if unkeyed > 0 {
                format!(" (the first {unkeyed} from before the audit key, on its SHA-256 chain)")
            } else {
                String::new()
            };
            let anchored = match checkpoints {
                0 => "no checkpoint to compare with, so newest entries removed would go unnoticed"
                    .to_owned(),
                1 => "1 checkpoint agrees".to_owned(),
                n => format!("{n} checkpoints agree"),
            };
            println!(
                "audit log intact: {entries} entries, hash chain verified end to end{before_key}; {anchored}"
            );
            Ok(())
        }
        AuditVerification::Broken { seq, why } => bail!("audit log broken at entry {seq}: {why}"),
        AuditVerification::BadCheckpoint { file, line, why } => bail!(
            "audit checkpoint at {} line {line} cannot be trusted: {why}",
            file.display()
        ),
    }
}

pub async fn checkpoint(db: &super::Database) -> Result<()> {
    let store = db.store().await?;
    match store.audit_checkpoint().await? {
        Some(c) => println!(
            "audit checkpoint at entry {} written to {}",
            c.seq,
            db.audit_files()?.checkpoints.display()
        ),
        None => println!("the audit log is empty: nothing to checkpoint"),
    }
    Ok(())
}
