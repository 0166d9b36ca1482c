//! Backup and restore. A backup is always a SQLite file with its manifest, whichever backend
//! made it: SQLite's own `VACUUM INTO`, or PostgreSQL's tables copied from one REPEATABLE READ
//! snapshot into a new file and compared with that snapshot (`copy.rs`). A restore into
//! PostgreSQL copies the file back into an empty database and verifies it the same way. The
//! audit key and checkpoints are not in a backup: its manifest holds a checkpoint of its audit
//! log, and a restore needs the same key.

use std::path::{Path, PathBuf};

use sqlx::Connection;

use crate::audit::{AuditFiles, AuditVerification, check_backup_key, set_aside_checkpoints};
use crate::db::Pool;
use crate::open::{PoolSettings, is_postgres, known_schema_version, sqlite_path};
use crate::{Actor, Clock, Result, Store, StoreError, manifest_path};

impl Store {
    /// A consistent copy of the live database, safe while Haven is serving, and its manifest
    /// ([`crate::manifest_path`]), whose path is returned. On SQLite by `VACUUM INTO`; on
    /// PostgreSQL as a SQLite file copied from one snapshot and verified against it.
    pub async fn backup_to(&self, actor: &Actor, out: &Path) -> Result<PathBuf> {
        let mut tx = self.db().write().await?;
        self.audit()
            .append(&mut tx, actor, "backup", None, &out.display().to_string())
            .await?;
        tx.commit().await?;
        match self.db() {
            Pool::Sqlite(pool) => {
                sqlx::query("VACUUM INTO ?")
                    .bind(out.to_string_lossy().into_owned())
                    .execute(pool)
                    .await?;
            }
            Pool::Postgres(_) => self.copy_to_file(out).await?,
        }
        self.write_backup_manifest(out).await
    }

    /// Copies this PostgreSQL database into a new SQLite file at `out`, compares it with the
    /// snapshot it came from, and checks the copied audit chain with this store's key.
    async fn copy_to_file(&self, out: &Path) -> Result<()> {
        if out.exists() {
            return Err(StoreError::AuditFile {
                path: out.display().to_string(),
                why: "a backup never overwrites a file; choose a new name".into(),
            });
        }
        let url = out.to_string_lossy().into_owned();
        let file =
            Store::open_file(&url, None, self.clock, PoolSettings::default(), &|_, _| {}).await?;
        let copied = self.copy_into(&file, &url, None, &|_, _, _| {}).await;
        let checked = match copied {
            Ok(_) => {
                // The chain as copied, checked by its seals under this database's key.
                let sealed = Store {
                    audit: std::sync::Arc::new(self.audit().key_only()),
                    ..file.clone()
                };
                require_intact(sealed.audit_verify().await?, &url)
            }
            Err(e) => Err(e.into()),
        };
        file.close().await;
        if let Err(e) = checked {
            // Half a backup is no backup: leave nothing that could be restored by mistake.
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{url}{suffix}"));
            }
            return Err(e);
        }
        single_file(out)
    }

    /// Replaces the database at `url` with the backup file. Refuses a database that holds
    /// patients or users unless `force` (on PostgreSQL, any data, and `force` is refused), and a
    /// backup whose audit log is sealed with another key than `audit`'s. Haven must not be
    /// serving this database meanwhile.
    pub async fn restore(
        url: &str,
        backup: &Path,
        audit: &AuditFiles,
        clock: Clock,
        actor: &Actor,
        force: bool,
    ) -> Result<Store> {
        if is_postgres(url) && force {
            return Err(StoreError::ForceOnPostgres);
        }
        // Opening checks the backup is Haven's, at a schema this build knows; under a throwaway
        // key, so that nothing about the audit key is written beside the backup.
        let file = Store::open_file(
            &backup.to_string_lossy(),
            None,
            clock,
            PoolSettings::default(),
            &|_, _| {},
        )
        .await?;
        if is_postgres(url) {
            let restored = restore_into_postgres(&file, url, backup, audit, clock).await;
            file.close().await;
            let store = restored?;
            return finish_restore(store, backup, audit, actor).await;
        }
        file.close().await;
        check_backup_key(backup, audit).await?;
        let target = Store::open_with(url, audit, clock, &|_, _| {}).await?;
        if !force && !target.is_empty().await? {
            return Err(StoreError::RestoreTargetNotEmpty);
        }
        target.close().await;
        let path = sqlite_path(url)?;
        // Replacing a file a server has open would leave it writing where nobody reads again.
        if open_elsewhere(path).await? {
            return Err(StoreError::RestoreTargetInUse(url.to_owned()));
        }
        let staging = format!("{path}.restoring");
        std::fs::copy(backup, &staging)
            .map_err(|e| StoreError::Corrupt(format!("cannot copy the backup: {e}")))?;
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
        std::fs::rename(&staging, path)
            .map_err(|e| StoreError::Corrupt(format!("cannot replace the database: {e}")))?;
        let store = Store::open_with(url, audit, clock, &|_, _| {}).await?;
        finish_restore(store, backup, audit, actor).await
    }
}

/// Whether another connection has the SQLite file at `path` open (a running `haven serve`, a
/// command), asked on a connection of its own once this process has closed its others: the
/// attempt to leave WAL mode is the test, undone at once. Sound only because Haven keeps
/// SQLite's locks on its files (hazard H-74).
async fn open_elsewhere(path: &str) -> Result<bool> {
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
    let mut conn = sqlx::SqliteConnection::connect_with(&options).await?;
    let alone = crate::records::leave_wal_if_alone(&mut conn).await?;
    if alone {
        sqlx::query("PRAGMA journal_mode = WAL")
            .execute(&mut conn)
            .await?;
    }
    conn.close().await?;
    Ok(!alone)
}

/// Copies the opened backup `file` into the empty PostgreSQL database at `url` and verifies
/// the copy (tables, rules views); refuses a database at another schema version, or holding
/// data, before writing anything.
async fn restore_into_postgres(
    file: &Store,
    url: &str,
    backup: &Path,
    audit: &AuditFiles,
    clock: Clock,
) -> Result<Store> {
    check_backup_key(backup, audit).await?;
    if let Some(found) = crate::copy::schema_version(url).await?
        && found != known_schema_version()
    {
        return Err(crate::copy::CopyError::SchemaVersion {
            side: "target",
            url: crate::open_pg::without_password(url),
            found,
            known: known_schema_version(),
        }
        .into());
    }
    let target = Store::open_with(url, audit, clock, &|_, _| {}).await?;
    if let Err(e) = file.copy_into(&target, url, None, &|_, _, _| {}).await {
        target.close().await;
        return Err(e.into());
    }
    Ok(target)
}

/// What every restore ends with: the replaced log's checkpoints set aside, an unkeyed log
/// re-anchored, the chain verified against the backup's manifest, the restore audited and
/// checkpointed.
async fn finish_restore(
    store: Store,
    backup: &Path,
    audit: &AuditFiles,
    actor: &Actor,
) -> Result<Store> {
    let aside = set_aside_checkpoints(&audit.checkpoints)?;
    store.seal_restored_log().await?;
    let manifest = manifest_path(backup);
    if store.backend() == crate::Backend::Postgres {
        let anchors: Vec<PathBuf> = if manifest.exists() {
            vec![manifest.clone()]
        } else {
            Vec::new()
        };
        require_intact(
            store.audit_verify_against(&anchors).await?,
            &crate::open_pg::without_password(&backup.display().to_string()),
        )?;
    }
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

/// An intact verification, or the first fault as an error naming `what` was checked.
pub(crate) fn require_intact(verification: AuditVerification, what: &str) -> Result<()> {
    match verification {
        AuditVerification::Intact { .. } => Ok(()),
        AuditVerification::Broken { seq, why } => Err(StoreError::AuditBroken {
            what: what.to_owned(),
            why: format!("entry {seq}: {why}"),
        }),
        AuditVerification::BadCheckpoint { file, line, why } => Err(StoreError::AuditBroken {
            what: what.to_owned(),
            why: format!("checkpoint {} line {line}: {why}", file.display()),
        }),
    }
}

/// A backup is one file: its write-ahead log folded in and switched off.
fn single_file(out: &Path) -> Result<()> {
    let conn = rusqlite::Connection::open(out)?;
    conn.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
    Ok(())
}
