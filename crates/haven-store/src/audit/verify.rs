//! `haven audit verify`: the whole chain in order, each row's seal and link, and every
//! checkpoint against the row it names. The first problem by entry number is reported.

use std::path::{Path, PathBuf};

use futures_util::TryStreamExt;

use super::checkpoint::{AuditCheckpoint, Listed, file_error, read_file};
use super::row::{IN_ORDER, StoredRow};
use super::seal::GENESIS;
use crate::db::on;
use crate::{Result, Store};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuditVerification {
    Intact {
        entries: i64,
        /// Entries from before the audit key, on the unkeyed chain, sealed by the first keyed row.
        unkeyed: i64,
        /// Checkpoints compared (each distinct entry number and seal once).
        checkpoints: usize,
    },
    /// The first entry that is missing, or whose seal, link or checkpoint does not match.
    Broken { seq: i64, why: String },
    /// A checkpoint line that is malformed or not signed with this database's audit key.
    BadCheckpoint {
        file: PathBuf,
        line: usize,
        why: String,
    },
}

/// A checkpoint to compare, with where it was read.
struct Anchor {
    checkpoint: AuditCheckpoint,
    source: String,
}

impl Store {
    /// Verifies the chain and the checkpoints in this store's own checkpoint file.
    pub async fn audit_verify(&self) -> Result<AuditVerification> {
        self.audit_verify_against(&[]).await
    }

    /// [`Store::audit_verify`], also against the checkpoints in `files` (checkpoint files kept
    /// elsewhere, or backup manifests).
    pub async fn audit_verify_against(&self, files: &[PathBuf]) -> Result<AuditVerification> {
        let anchors = match self.anchors(files)? {
            Ok(anchors) => anchors,
            Err(bad) => return Ok(bad),
        };
        let key = &self.audit().key;
        let mut pending = anchors.iter().peekable();
        let mut prev = GENESIS.to_owned();
        let mut last = 0;
        let mut unkeyed = 0;
        let mut keyed = false;
        // Streamed, one row at a time, on either backend: the log may hold millions.
        let walked = on!(self.db(), p => {
            let mut rows = sqlx::query(IN_ORDER).fetch(p);
            let mut outcome = None;
            while let Some(r) = rows.try_next().await? {
                let row = StoredRow::read(&r)?;
                let seq = row.entry.seq;
                let expected = last + 1;
                let fault = if seq != expected {
                    Some(broken(expected, format!("entry {expected} is missing")))
                } else if row.prev_hash != prev {
                    Some(broken(seq, "its link to the previous entry does not match".into()))
                } else if !keyed && row.is_unkeyed() {
                    // Unkeyed rows may only precede the keyed ones: after the first keyed row,
                    // every row must carry the key's seal.
                    unkeyed += 1;
                    None
                } else if row.sealed_by(key) {
                    keyed = true;
                    None
                } else {
                    Some(broken(
                        seq,
                        "its content does not match its seal (HMAC-SHA-256 with the audit key)"
                            .into(),
                    ))
                };
                let fault = fault.or_else(|| {
                    let mut differs = None;
                    while let Some(anchor) = pending.next_if(|a| a.checkpoint.seq == seq) {
                        if differs.is_none() && anchor.checkpoint.head != row.hash {
                            differs = Some(broken(
                                seq,
                                format!(
                                    "it differs from the checkpoint written at {} ({})",
                                    anchor.checkpoint.at, anchor.source
                                ),
                            ));
                        }
                    }
                    differs
                });
                if fault.is_some() {
                    outcome = fault;
                    break;
                }
                prev = row.hash;
                last = seq;
            }
            outcome
        });
        if let Some(fault) = walked {
            return Ok(fault);
        }
        // The newest checkpoint beyond the end says how much is gone.
        if let Some(anchor) = pending.last() {
            return Ok(broken(
                last + 1,
                format!(
                    "entry {} is missing: the log ends at entry {last}, but the checkpoint written at {} ({}) vouches for {} entries",
                    last + 1,
                    anchor.checkpoint.at,
                    anchor.source,
                    anchor.checkpoint.seq
                ),
            ));
        }
        if last > 0 && !keyed {
            return Ok(broken(
                last + 1,
                format!(
                    "no entry is sealed with the audit key: the log was rewritten, or its newest entries from {} on were removed",
                    last + 1
                ),
            ));
        }
        Ok(AuditVerification::Intact {
            entries: last,
            unkeyed,
            checkpoints: anchors.len(),
        })
    }

    /// Every signed checkpoint of the store's file and of `files`, by entry number, each
    /// distinct one once; or the first line that is not a checkpoint signed with this key.
    fn anchors(&self, files: &[PathBuf]) -> Result<Result<Vec<Anchor>, AuditVerification>> {
        let mut listed = Vec::new();
        if let Some(own) = &self.audit().checkpoints {
            match read_file(own) {
                Ok(found) => listed.extend(found),
                // None written yet: a new database, or one from before checkpoints.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(file_error(own, e)),
            }
        }
        for file in files {
            listed.extend(read_file(file).map_err(|e| file_error(file, e))?);
        }
        let mut anchors = Vec::new();
        for Listed {
            file,
            line,
            checkpoint,
        } in listed
        {
            let bad = |why: String| AuditVerification::BadCheckpoint {
                file: file.clone(),
                line,
                why,
            };
            let checkpoint = match checkpoint {
                Ok(c) if c.signed_by(&self.audit().key) => c,
                Ok(_) => {
                    return Ok(Err(bad(
                        "it is not signed with this database's audit key (was the key replaced, or the line edited?)".into(),
                    )));
                }
                Err(why) => return Ok(Err(bad(why))),
            };
            anchors.push(Anchor {
                source: source(&file, line),
                checkpoint,
            });
        }
        anchors.sort_by(|a, b| {
            (a.checkpoint.seq, &a.checkpoint.head).cmp(&(b.checkpoint.seq, &b.checkpoint.head))
        });
        anchors.dedup_by(|a, b| {
            a.checkpoint.seq == b.checkpoint.seq && a.checkpoint.head == b.checkpoint.head
        });
        Ok(Ok(anchors))
    }
}

fn broken(seq: i64, why: String) -> AuditVerification {
    AuditVerification::Broken { seq, why }
}

fn source(file: &Path, line: usize) -> String {
    format!("{} line {line}", file.display())
}
