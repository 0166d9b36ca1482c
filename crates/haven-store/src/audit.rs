//! The audit log: every read and write of patient data, in the same transaction as the write,
//! chained by SHA-256 so that an edited or removed row is detected by `haven audit verify`.

use sha2::{Digest, Sha256};
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};

use crate::codec::timestamp_text;
use crate::{Actor, Result, Store, now};

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub patient: Option<String>,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuditVerification {
    Intact {
        entries: i64,
    },
    /// The first row whose hash or link does not match.
    Broken {
        seq: i64,
        why: String,
    },
}

fn chain_hash(
    prev: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    patient: Option<&str>,
    detail: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &seq.to_string(),
        at,
        actor,
        action,
        patient.unwrap_or(""),
        detail,
    ] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    hex::encode(h.finalize())
}

/// Appends one audit row inside the caller's transaction. SQLite serialises writers, and every
/// writer begins with `BEGIN IMMEDIATE`, so reading the chain head here cannot race.
pub(crate) async fn append(
    conn: &mut SqliteConnection,
    actor: &Actor,
    action: &str,
    patient: Option<&str>,
    detail: &str,
) -> Result<()> {
    append_many(
        conn,
        actor,
        action,
        std::iter::once((patient, detail.to_owned())),
    )
    .await
}

/// Appends many rows sharing an actor and action (a bulk load), chained in memory and written
/// with multi-row inserts: one round trip per few hundred rows instead of two per row.
pub(crate) async fn append_many<'a>(
    conn: &mut SqliteConnection,
    actor: &Actor,
    action: &str,
    rows: impl IntoIterator<Item = (Option<&'a str>, String)>,
) -> Result<()> {
    let head = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?;
    let (mut seq, mut prev) = match head {
        Some(row) => (
            row.try_get::<i64, _>("seq")?,
            row.try_get::<String, _>("hash")?,
        ),
        None => (0, GENESIS.to_owned()),
    };
    let at = timestamp_text(now());
    let mut chained = Vec::new();
    for (patient, detail) in rows {
        seq += 1;
        let hash = chain_hash(&prev, seq, &at, &actor.0, action, patient, &detail);
        chained.push((
            seq,
            patient,
            detail,
            std::mem::replace(&mut prev, hash.clone()),
            hash,
        ));
    }
    // 8 parameters a row: 500 rows stay far below SQLite's parameter limit.
    for chunk in chained.chunks(500) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO audit_log (seq, at, actor, action, patient_id, detail, prev_hash, hash) ",
        );
        q.push_values(chunk, |mut b, (seq, patient, detail, prev, hash)| {
            b.push_bind(*seq)
                .push_bind(&at)
                .push_bind(&actor.0)
                .push_bind(action)
                .push_bind(*patient)
                .push_bind(detail)
                .push_bind(prev)
                .push_bind(hash);
        });
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

impl Store {
    /// Records a read of patient data (the patient page, an export, a FHIR read).
    pub async fn audit_read(
        &self,
        actor: &Actor,
        action: &str,
        patient: Option<&str>,
        detail: &str,
    ) -> Result<()> {
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        append(&mut tx, actor, action, patient, detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The most recent audit rows, newest first, optionally for one patient.
    pub async fn audit_recent(&self, patient: Option<&str>, limit: i64) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, patient_id, detail FROM audit_log
             WHERE (?1 IS NULL OR patient_id = ?1) ORDER BY seq DESC LIMIT ?2",
        )
        .bind(patient)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(AuditEntry {
                    seq: r.try_get("seq")?,
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    action: r.try_get("action")?,
                    patient: r.try_get("patient_id")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect()
    }

    /// Walks the whole chain in order and reports the first row that does not match.
    pub async fn audit_verify(&self) -> Result<AuditVerification> {
        use futures_util::TryStreamExt;
        let mut rows = sqlx::query("SELECT seq, at, actor, action, patient_id, detail, prev_hash, hash FROM audit_log ORDER BY seq")
            .fetch(self.pool());
        let mut prev = GENESIS.to_owned();
        let mut expected_seq = 1;
        let mut count = 0;
        while let Some(r) = rows.try_next().await? {
            let seq: i64 = r.try_get("seq")?;
            let stored_prev: String = r.try_get("prev_hash")?;
            let stored: String = r.try_get("hash")?;
            if seq != expected_seq {
                return Ok(AuditVerification::Broken {
                    seq,
                    why: format!("entry {expected_seq} is missing"),
                });
            }
            if stored_prev != prev {
                return Ok(AuditVerification::Broken {
                    seq,
                    why: "its link to the previous entry does not match".into(),
                });
            }
            let patient: Option<String> = r.try_get("patient_id")?;
            let computed = chain_hash(
                &prev,
                seq,
                &r.try_get::<String, _>("at")?,
                &r.try_get::<String, _>("actor")?,
                &r.try_get::<String, _>("action")?,
                patient.as_deref(),
                &r.try_get::<String, _>("detail")?,
            );
            if computed != stored {
                return Ok(AuditVerification::Broken {
                    seq,
                    why: "its content does not match its hash".into(),
                });
            }
            prev = stored;
            expected_seq += 1;
            count += 1;
        }
        Ok(AuditVerification::Intact { entries: count })
    }
}
