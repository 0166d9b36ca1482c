//! Finding the audit key when a store opens, or introducing one.
//!
//! A database without a key file gets a new key, created while the database's write lock is
//! held. A log already written by an earlier Haven (rows with the unkeyed SHA-256 chain) is then
//! re-anchored: an `audit.key-introduced` row, sealed with the new key, chains to its last hash,
//! so the old rows keep verifying as they are and cannot be changed without breaking that seal.
//! A log whose newest row is keyed never gets a new key: its key is missing, and Haven says so.

use std::path::Path;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};

use super::key::{AuditKey, KeyFileError};
use super::row::{NEWEST, StoredRow};
use super::{AuditFiles, Line, Trail, head, write_rows};
use crate::db::{Conn, Pool, on};
use crate::{Actor, Result, Store, StoreError};

/// The row that starts the keyed chain of a log begun before Haven had an audit key.
const KEY_INTRODUCED: &str = "audit.key-introduced";

impl Trail {
    /// The trail of a database file: its key (created, or introduced, when missing) and its
    /// checkpoint file.
    pub(crate) async fn open(pool: &Pool, files: &AuditFiles) -> Result<Trail> {
        let (key, introduced) = match AuditKey::read(&files.key) {
            Ok(key) => (key, false),
            Err(KeyFileError::Missing) => introduce(pool, &files.key).await?,
            Err(e) => return Err(key_error(&files.key, e)),
        };
        let found = on!(pool, p => {
            let mut conn = p.acquire().await?;
            head(Conn::from(&mut *conn)).await?
        });
        let seq = found.map_or(0, |(seq, _)| seq);
        // A key just introduced is anchored by the next checkpoint, whatever else happens.
        let checkpointed = if introduced { 0 } else { seq };
        Ok(Trail::new(
            key,
            Some(files.checkpoints.clone()),
            checkpointed,
        ))
    }

    /// A trail for a database that lives only as long as the store (in memory), or that is only
    /// inspected, never written: a random key and no checkpoint file.
    pub(crate) fn ephemeral() -> Result<Trail> {
        let key = AuditKey::generate().map_err(|e| StoreError::AuditFile {
            path: "the system's random source".into(),
            why: e.to_string(),
        })?;
        Ok(Trail::new(key, None, 0))
    }
}

/// Creates the key under the write lock; when the log already holds rows, they must be the
/// unkeyed chain of an earlier Haven, and a row sealed with the new key re-anchors them. Says
/// whether this process made the key.
async fn introduce(pool: &Pool, path: &Path) -> Result<(AuditKey, bool)> {
    let mut tx = pool.write().await?;
    // Another process may have made it while this one waited for the lock.
    match AuditKey::read(path) {
        Ok(key) => return Ok((key, false)),
        Err(KeyFileError::Missing) => {}
        Err(e) => return Err(key_error(path, e)),
    }
    let last = last_row(tx.conn()).await?;
    if last.as_ref().is_some_and(|row| !row.is_unkeyed()) {
        return Err(StoreError::AuditKeyMissing {
            path: path.display().to_string(),
        });
    }
    let key = AuditKey::create(path).map_err(|e| super::checkpoint::file_error(path, e))?;
    let sealed = async {
        if let Some(last) = &last {
            write_rows(
                tx.conn(),
                &key,
                [Line {
                    org: None,
                    actor: "haven",
                    action: KEY_INTRODUCED,
                    patient: None,
                    detail: introduction(&key, last.entry.seq).into(),
                }],
            )
            .await?;
        }
        tx.commit().await?;
        Ok::<_, StoreError>(())
    };
    if let Err(e) = sealed.await {
        // No row was sealed with it: leave no key that a later start would take as in use.
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    Ok((key, true))
}

fn introduction(key: &AuditKey, earlier: i64) -> String {
    format!(
        "HMAC-SHA-256 key {}; the {earlier} earlier entries keep their SHA-256 chain",
        key.fingerprint()
    )
}

fn key_error(path: &Path, e: KeyFileError) -> StoreError {
    let path = path.display().to_string();
    match e {
        KeyFileError::Missing => StoreError::AuditKeyMissing { path },
        KeyFileError::Unreadable(e) => StoreError::AuditFile {
            path,
            why: e.to_string(),
        },
        KeyFileError::Malformed => StoreError::AuditFile {
            path,
            why: "it is not a Haven audit key (one line of 64 hexadecimal digits)".into(),
        },
    }
}

async fn last_row(conn: impl Into<Conn<'_>>) -> Result<Option<StoredRow>> {
    on!(conn conn.into(), c => sqlx::query(NEWEST)
        .fetch_optional(c)
        .await?
        .map(|r| StoredRow::read(&r))
        .transpose())
}

/// Before a restore replaces anything: the backup's log must be sealed with the key this
/// database uses (or be unkeyed, from before Haven had one), or the restored log could never
/// be verified. The backup is read, never written.
pub(crate) async fn check_backup_key(backup: &Path, files: &AuditFiles) -> Result<()> {
    let options = SqliteConnectOptions::new().filename(backup).read_only(true);
    let mut conn = SqliteConnection::connect_with(&options).await?;
    let last = last_row(&mut conn).await;
    let _ = conn.close().await;
    let Some(last) = last?.filter(|row| !row.is_unkeyed()) else {
        return Ok(());
    };
    let key = AuditKey::read(&files.key).map_err(|e| key_error(&files.key, e))?;
    if last.sealed_by(&key) {
        Ok(())
    } else {
        Err(StoreError::AuditKeyMismatch {
            backup: backup.display().to_string(),
            key: files.key.display().to_string(),
        })
    }
}

impl Store {
    /// After a restore: a log from a backup made before Haven had an audit key is re-anchored
    /// with this database's key, as at first start.
    pub(crate) async fn seal_restored_log(&self) -> Result<()> {
        let mut tx = self.db().write().await?;
        let Some(last) = last_row(tx.conn()).await? else {
            return Ok(());
        };
        if last.is_unkeyed() {
            let detail = introduction(&self.audit().key, last.entry.seq);
            self.audit()
                .append(&mut tx, &Actor::new("haven"), KEY_INTRODUCED, None, &detail)
                .await?;
            tx.commit().await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AuditVerification;
    use crate::audit::seal::{GENESIS, RowFields};

    /// A database as an earlier Haven left it: rows on the unkeyed chain, and no key file.
    async fn earlier_haven_log(dir: &Path, rows: i64) -> (String, AuditFiles) {
        let url = dir.join("haven.db").to_string_lossy().into_owned();
        let files = AuditFiles::beside(&url).expect("files");
        let store = Store::open(&url).await.expect("open");
        let mut prev = GENESIS.to_owned();
        for seq in 1..=rows {
            let detail = format!("read {seq}");
            let fields = RowFields {
                seq,
                at: "2025-01-01T09:00:00Z",
                actor: "dr.earlier",
                action: "patient.view",
                patient: Some("pat-1"),
                detail: &detail,
            };
            let hash = fields.unkeyed_hash(&prev);
            sqlx::query(
                "INSERT INTO audit_log (seq, at, actor, action, patient_id, detail, prev_hash, hash)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(seq)
            .bind(fields.at)
            .bind(fields.actor)
            .bind(fields.action)
            .bind(fields.patient)
            .bind(&detail)
            .bind(&prev)
            .bind(&hash)
            .execute(store.pool())
            .await
            .expect("insert");
            prev = hash;
        }
        store.close().await;
        std::fs::remove_file(&files.key).expect("no key yet");
        (url, files)
    }

    #[tokio::test]
    async fn a_log_from_before_the_key_is_re_anchored_and_keeps_verifying() {
        let dir = tempfile::tempdir().expect("dir");
        let (url, files) = earlier_haven_log(dir.path(), 3).await;
        let store = Store::open(&url).await.expect("open");
        assert!(files.key.exists(), "the key is made at first start");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&files.key)
                .expect("key")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "the key file is its owner's only");
        }
        let introduced = store.audit_recent(None, 1).await.expect("recent");
        assert_eq!(introduced[0].seq, 4);
        assert_eq!(introduced[0].action, KEY_INTRODUCED);
        store
            .audit_read(&Actor::new("dr.now"), "patient.view", Some("pat-1"), "")
            .await
            .expect("read");
        assert_eq!(
            store.audit_verify().await.expect("verify"),
            AuditVerification::Intact {
                entries: 5,
                unkeyed: 3,
                checkpoints: 0
            }
        );
        // Opening again finds the key: no second introduction.
        store.close().await;
        let again = Store::open(&url).await.expect("reopen");
        let rows = again.audit_recent(None, 10).await.expect("recent");
        assert_eq!(
            rows.iter().filter(|r| r.action == KEY_INTRODUCED).count(),
            1
        );
    }

    #[tokio::test]
    async fn a_keyed_log_whose_key_is_missing_is_refused_not_given_a_new_key() {
        let dir = tempfile::tempdir().expect("dir");
        let url = dir.path().join("haven.db").to_string_lossy().into_owned();
        let files = AuditFiles::beside(&url).expect("files");
        let store = Store::open(&url).await.expect("open");
        store
            .audit_read(&Actor::new("dr.now"), "patient.view", Some("pat-1"), "")
            .await
            .expect("read");
        store.close().await;
        std::fs::rename(&files.key, dir.path().join("kept-elsewhere")).expect("move");
        assert!(matches!(
            Store::open(&url).await,
            Err(StoreError::AuditKeyMissing { .. })
        ));
        assert!(!files.key.exists(), "no new key was made");
        let elsewhere = AuditFiles {
            key: dir.path().join("kept-elsewhere"),
            ..files
        };
        let store = Store::open_with(&url, &elsewhere, crate::Clock::system(), &|_, _| {})
            .await
            .expect("open with the key where it is");
        assert!(matches!(
            store.audit_verify().await.expect("verify"),
            AuditVerification::Intact { entries: 1, .. }
        ));
    }
}
