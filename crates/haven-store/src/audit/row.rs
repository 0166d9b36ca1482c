//! An audit row as stored: its entry and the two chain columns, read the same way wherever a
//! seal is checked.

use super::AuditEntry;
use super::key::AuditKey;
use super::seal::RowFields;
use crate::Result;
use crate::db::ReadRow;

/// A `SELECT` of every column [`StoredRow::read`] reads.
macro_rules! select_rows {
    ($rest:literal) => {
        concat!(
            "SELECT seq, at, actor, action, patient_id, detail, prev_hash, hash, org FROM audit_log ",
            $rest
        )
    };
}

/// The whole log, oldest first.
pub(crate) const IN_ORDER: &str = select_rows!("ORDER BY seq");
/// The newest row.
pub(crate) const NEWEST: &str = select_rows!("ORDER BY seq DESC LIMIT 1");

pub(crate) struct StoredRow {
    pub entry: AuditEntry,
    pub prev_hash: String,
    pub hash: String,
}

impl StoredRow {
    pub(crate) fn read(r: &impl ReadRow) -> Result<Self> {
        Ok(Self {
            entry: read_entry(r)?,
            prev_hash: r.text("prev_hash")?,
            hash: r.text("hash")?,
        })
    }

    pub(crate) fn fields(&self) -> RowFields<'_> {
        let e = &self.entry;
        RowFields {
            seq: e.seq,
            at: &e.at,
            actor: &e.actor,
            action: &e.action,
            patient: e.patient.as_deref(),
            detail: &e.detail,
        }
    }

    /// Whether the row carries the unkeyed hash of Haven before the audit key.
    pub(crate) fn is_unkeyed(&self) -> bool {
        self.fields().unkeyed_hash(&self.prev_hash) == self.hash
    }

    pub(crate) fn sealed_by(&self, key: &AuditKey) -> bool {
        self.fields().seal(key, &self.prev_hash) == self.hash
    }
}

pub(crate) fn read_entry(r: &impl ReadRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.int("seq")?,
        at: r.text("at")?,
        actor: r.text("actor")?,
        action: r.text("action")?,
        patient: r.opt_text("patient_id")?,
        detail: r.text("detail")?,
        org: r.opt_int("org")?.map(crate::OrgId),
    })
}
