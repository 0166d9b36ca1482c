//! Backup and restore of the SQLite file. The audit key and checkpoints are not in it: a
//! backup's manifest holds a checkpoint of its audit log, and a restore needs the same key.

use std::path::{Path, PathBuf};

use crate::audit::{AuditFiles, check_backup_key, set_aside_checkpoints};
use crate::open::sqlite_path;
use crate::{Actor, Clock, Result, Store, StoreError};

impl Store {
    /// A consistent copy of the live database (`VACUUM INTO`), safe while Haven is serving,
    /// and its manifest ([`crate::manifest_path`]), whose path is returned.
    pub async fn backup_to(&self, actor: &Actor, out: &Path) -> Result<PathBuf> {
        let mut tx = self
            .sqlite("haven backup (on PostgreSQL, pg_dump meanwhile)")?
            .begin_with("BEGIN IMMEDIATE")
            .await?;
        self.audit()
            .append(&mut tx, actor, "backup", None, &out.display().to_string())
            .await?;
        tx.commit().await?;
        sqlx::query("VACUUM INTO ?")
            .bind(out.to_string_lossy().into_owned())
            .execute(self.sqlite("haven backup (on PostgreSQL, pg_dump meanwhile)")?)
            .await?;
        self.write_backup_manifest(out).await
    }

    /// Replaces the database at `url` with the backup file. Refuses a database that holds
    /// patients or users unless `force`, and a backup whose audit log is sealed with another
    /// key than `audit`'s. Haven must not be serving this database meanwhile.
    pub async fn restore(
        url: &str,
        backup: &Path,
        audit: &AuditFiles,
        clock: Clock,
        actor: &Actor,
        force: bool,
    ) -> Result<Store> {
        if crate::open::is_postgres(url) {
            // Refused before anything is opened: not even the target's schema is touched.
            return Err(crate::db::not_yet(
                "haven restore (on PostgreSQL, pg_restore meanwhile)",
            ));
        }
        // Opening checks the backup is Haven's, at a schema this build knows; under a throwaway
        // key, so that nothing about the audit key is written beside the backup.
        Store::open_file(
            &backup.to_string_lossy(),
            None,
            clock,
            crate::open::PoolSettings::default(),
            &|_, _| {},
        )
        .await?
        .close()
        .await;
        check_backup_key(backup, audit).await?;
        let target = Store::open_with(url, audit, clock, &|_, _| {}).await?;
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
        let aside = set_aside_checkpoints(&audit.checkpoints)?;
        let store = Store::open_with(url, audit, clock, &|_, _| {}).await?;
        store.seal_restored_log().await?;
        let mut detail = backup.display().to_string();
        if let Some(aside) = aside {
            detail.push_str(&format!(
                "; the replaced log's checkpoints were moved to {}",
                aside.display()
            ));
        }
        store.audit_read(actor, "restore", None, &detail).await?;
        store.audit_checkpoint().await?;
        Ok(store)
    }
}
