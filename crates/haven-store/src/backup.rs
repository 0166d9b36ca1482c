//! Backup and restore of the SQLite file.

use std::path::Path;

use crate::open::sqlite_path;
use crate::{Actor, Result, Store, StoreError, audit};

impl Store {
    /// A consistent copy of the live database (`VACUUM INTO`), safe while Haven is serving.
    pub async fn backup_to(&self, actor: &Actor, out: &Path) -> Result<()> {
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        audit::append(&mut tx, actor, "backup", None, &out.display().to_string()).await?;
        tx.commit().await?;
        sqlx::query("VACUUM INTO ?")
            .bind(out.to_string_lossy().into_owned())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Replaces the database at `url` with the backup file. Refuses a database that holds
    /// patients or users unless `force`. Haven must not be serving this database meanwhile.
    pub async fn restore(url: &str, backup: &Path, actor: &Actor, force: bool) -> Result<Store> {
        // Opening checks the backup is Haven's, at a schema this build knows.
        Store::open(&backup.to_string_lossy()).await?.close().await;
        let target = Store::open(url).await?;
        if !force && !target.is_empty().await? {
            return Err(StoreError::RestoreTargetNotEmpty);
        }
        target.close().await;
        let path = sqlite_path(url)?;
        let staging = format!("{path}.restoring");
        std::fs::copy(backup, &staging)
            .map_err(|e| StoreError::Corrupt(format!("cannot copy the backup: {e}")))?;
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
        std::fs::rename(&staging, path)
            .map_err(|e| StoreError::Corrupt(format!("cannot replace the database: {e}")))?;
        let store = Store::open(url).await?;
        store
            .audit_read(actor, "restore", None, &backup.display().to_string())
            .await?;
        Ok(store)
    }
}
