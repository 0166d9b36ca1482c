//! `haven audit verify`: walk the hash chain and name the first broken entry.

use anyhow::{Result, bail};
use haven_store::{AuditVerification, Store};

pub async fn verify(store: &Store) -> Result<()> {
    match store.audit_verify().await? {
        AuditVerification::Intact { entries } => {
            println!("audit log intact: {entries} entries, hash chain verified end to end");
            Ok(())
        }
        AuditVerification::Broken { seq, why } => bail!("audit log broken at entry {seq}: {why}"),
    }
}
