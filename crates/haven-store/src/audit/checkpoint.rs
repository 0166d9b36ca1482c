//! Checkpoints anchor the audit log's head outside the database: the newest entry's number and
//! seal, signed with the audit key, appended as one line to a file beside the database and
//! written into every backup's manifest. The chain alone cannot show that its newest rows were
//! removed; a checkpoint written before can.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use super::key::{AuditKey, owner_only};
use super::seal::checkpoint_seal;
use crate::codec::timestamp_text;
use crate::{Result, Store, StoreError, now};

/// How a checkpoint line starts, in the checkpoint file and in a backup manifest alike.
const TAG: &str = "audit-checkpoint";

/// The audit log's head at a moment, signed with the audit key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditCheckpoint {
    /// The newest entry's number.
    pub seq: i64,
    /// That entry's seal.
    pub head: String,
    /// When the checkpoint was written (RFC 3339).
    pub at: String,
    seal: String,
}

impl AuditCheckpoint {
    pub(crate) fn sign(key: &AuditKey, seq: i64, head: String) -> Self {
        let at = timestamp_text(now());
        let seal = checkpoint_seal(key, seq, &head, &at);
        Self {
            seq,
            head,
            at,
            seal,
        }
    }

    pub(crate) fn signed_by(&self, key: &AuditKey) -> bool {
        checkpoint_seal(key, self.seq, &self.head, &self.at) == self.seal
    }

    /// `audit-checkpoint SEQ AT HEAD SEAL`: one line, the same wherever it is written.
    pub fn line(&self) -> String {
        format!("{TAG} {} {} {} {}", self.seq, self.at, self.head, self.seal)
    }

    /// Reads a line of [`AuditCheckpoint::line`]'s form; `None` for a line that is not a
    /// checkpoint (a manifest's other fields), `Err` for one that claims to be and is not.
    pub(crate) fn parse(line: &str) -> Option<Result<Self, String>> {
        let rest = line.trim().strip_prefix(TAG)?;
        let parts: Vec<&str> = rest.split_whitespace().collect();
        let [seq, at, head, seal] = parts[..] else {
            return Some(Err("it does not have four fields".into()));
        };
        let seq = match seq.parse::<i64>() {
            Ok(seq) if seq >= 1 => seq,
            _ => return Some(Err(format!("{seq:?} is not an entry number"))),
        };
        Some(Ok(Self {
            seq,
            head: head.to_owned(),
            at: at.to_owned(),
            seal: seal.to_owned(),
        }))
    }
}

/// A checkpoint found in a file, or why a line that claims to be one is not.
pub(crate) struct Listed {
    pub file: PathBuf,
    pub line: usize,
    pub checkpoint: Result<AuditCheckpoint, String>,
}

/// Every checkpoint line of a file (a checkpoint file or a backup manifest).
pub(crate) fn read_file(path: &Path) -> std::io::Result<Vec<Listed>> {
    let text = std::fs::read_to_string(path)?;
    Ok(text
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            AuditCheckpoint::parse(line).map(|checkpoint| Listed {
                file: path.to_owned(),
                line: i + 1,
                checkpoint,
            })
        })
        .collect())
}

/// Appends one line; the file is created owner-only and only ever appended to.
fn append(path: &Path, checkpoint: &AuditCheckpoint) -> std::io::Result<()> {
    let mut file = owner_only().create(true).append(true).open(path)?;
    // One write of a whole line, so lines from two processes never interleave.
    file.write_all(format!("{}\n", checkpoint.line()).as_bytes())?;
    file.sync_data()
}

/// Before a restore: the checkpoints of the log being replaced vouch for entries the restored
/// log never had, so they are kept under another name (evidence of what the restore replaced)
/// and the restored log starts a file of its own.
pub(crate) fn set_aside(path: &Path) -> Result<Option<PathBuf>> {
    if !path.exists() {
        return Ok(None);
    }
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(
        ".before-restore-{}",
        now().unix_timestamp_nanos() / 1_000_000
    ));
    let aside = PathBuf::from(aside);
    std::fs::rename(path, &aside).map_err(|e| file_error(path, e))?;
    Ok(Some(aside))
}

pub(crate) fn file_error(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::AuditFile {
        path: path.display().to_string(),
        why: e.to_string(),
    }
}

impl Store {
    /// Signs the log's current head and appends it to the checkpoint file: `haven audit
    /// checkpoint`. `None` when the log is empty or the store has no checkpoint file (in memory).
    pub async fn audit_checkpoint(&self) -> Result<Option<AuditCheckpoint>> {
        self.checkpoint(false).await
    }

    /// [`Store::audit_checkpoint`] only when entries were added since this process's last
    /// checkpoint (or since it opened the database): at the end of a command and at shutdown.
    pub async fn audit_checkpoint_if_moved(&self) -> Result<Option<AuditCheckpoint>> {
        self.checkpoint(true).await
    }

    /// Resolves once many rows were written since the last checkpoint, so a serving Haven
    /// writes one without waiting for its timer.
    pub async fn audit_checkpoint_due(&self) {
        self.audit().due.notified().await;
    }

    async fn checkpoint(&self, only_if_moved: bool) -> Result<Option<AuditCheckpoint>> {
        let trail = self.audit();
        if trail.checkpoints.is_none() {
            return Ok(None);
        }
        let found = crate::db::on!(self.db(), p => {
            let mut conn = p.acquire().await?;
            super::head(crate::db::Conn::from(&mut *conn)).await?
        });
        let Some((seq, head)) = found else {
            return Ok(None);
        };
        if only_if_moved && seq <= trail.checkpointed.load(Ordering::Relaxed) {
            return Ok(None);
        }
        trail.since_checkpoint.store(0, Ordering::Relaxed);
        self.sign_and_keep(seq, head).await.map(Some)
    }

    /// Signs a head (this log's, or a backup's, which is an earlier head of the same log) and
    /// appends it to the checkpoint file. Every commit it names is on disk already: SQLite
    /// commits with `synchronous = FULL` (the WAL is flushed before a commit returns) and
    /// PostgreSQL with a durable `COMMIT`, so nothing is flushed here. Above all the database
    /// file is never opened here: SQLite's locks on it are POSIX locks, which closing any other
    /// descriptor of the file in this process releases (hazard H-74).
    pub(crate) async fn sign_and_keep(&self, seq: i64, head: String) -> Result<AuditCheckpoint> {
        let trail = self.audit();
        let checkpoint = AuditCheckpoint::sign(&trail.key, seq, head);
        let Some(file) = trail.checkpoints.clone() else {
            return Ok(checkpoint);
        };
        let line = checkpoint.clone();
        tokio::task::spawn_blocking(move || append(&file, &line).map_err(|e| file_error(&file, e)))
            .await
            .map_err(|e| StoreError::Corrupt(format!("writing an audit checkpoint: {e}")))??;
        trail.checkpointed.fetch_max(seq, Ordering::Relaxed);
        Ok(checkpoint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_reads_back_and_its_signature_holds_only_for_its_key() {
        let key = AuditKey::generate().expect("key");
        let written = AuditCheckpoint::sign(&key, 57, "ab".repeat(32));
        let read = AuditCheckpoint::parse(&written.line())
            .expect("a checkpoint line")
            .expect("well formed");
        assert_eq!(read, written);
        assert!(read.signed_by(&key));
        assert!(!read.signed_by(&AuditKey::generate().expect("key")));
        let moved = AuditCheckpoint { seq: 58, ..read };
        assert!(!moved.signed_by(&key));
        assert!(AuditCheckpoint::parse("backup: haven.db").is_none());
        assert!(matches!(
            AuditCheckpoint::parse("audit-checkpoint 0 t h s"),
            Some(Err(_))
        ));
        assert!(matches!(
            AuditCheckpoint::parse("audit-checkpoint 5 t h"),
            Some(Err(_))
        ));
    }
}
