//! What seals an audit row to its content and to the row before it.
//!
//! Rows are sealed with HMAC-SHA-256 under the audit key. Rows written before Haven had a key
//! carry an unkeyed SHA-256 of their fields joined by a separator; they still verify that way,
//! and the first keyed row after them (which covers the last one's hash) seals them in turn.

use hmac::Mac;
use sha2::{Digest, Sha256};

use super::key::{AuditKey, HmacSha256};

/// The `prev_hash` of the first row.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One row's fields as the seal covers them.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RowFields<'a> {
    pub seq: i64,
    pub at: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub patient: Option<&'a str>,
    pub detail: &'a str,
}

impl RowFields<'_> {
    /// The unkeyed hash of Haven before the audit key, kept only to verify those rows.
    pub(crate) fn unkeyed_hash(&self, prev: &str) -> String {
        let mut h = Sha256::new();
        for part in [
            prev,
            &self.seq.to_string(),
            self.at,
            self.actor,
            self.action,
            self.patient.unwrap_or(""),
            self.detail,
        ] {
            h.update(part.as_bytes());
            h.update([0x1f]);
        }
        hex::encode(h.finalize())
    }

    /// The row's HMAC-SHA-256. Each field is length-prefixed (a separator byte would let text
    /// move between fields without changing the seal) and a missing patient differs from an
    /// empty one.
    pub(crate) fn seal(&self, key: &AuditKey, prev: &str) -> String {
        let mut mac = key.mac();
        mac.update(b"haven audit row v2");
        field(&mut mac, prev.as_bytes());
        field(&mut mac, self.seq.to_string().as_bytes());
        field(&mut mac, self.at.as_bytes());
        field(&mut mac, self.actor.as_bytes());
        field(&mut mac, self.action.as_bytes());
        match self.patient {
            None => mac.update(&[0]),
            Some(p) => {
                mac.update(&[1]);
                field(&mut mac, p.as_bytes());
            }
        }
        field(&mut mac, self.detail.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// A checkpoint's own HMAC: over the entry it names, that entry's seal and when it was written.
pub(crate) fn checkpoint_seal(key: &AuditKey, seq: i64, head: &str, at: &str) -> String {
    let mut mac = key.mac();
    mac.update(b"haven audit checkpoint v1");
    field(&mut mac, seq.to_string().as_bytes());
    field(&mut mac, head.as_bytes());
    field(&mut mac, at.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn field(mac: &mut HmacSha256, bytes: &[u8]) {
    mac.update(&(bytes.len() as u64).to_be_bytes());
    mac.update(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(detail: &str) -> RowFields<'_> {
        RowFields {
            seq: 7,
            at: "2026-11-02T10:00:00Z",
            actor: "dr.test",
            action: "patient.view",
            patient: Some("pat-1"),
            detail,
        }
    }

    #[test]
    fn the_unkeyed_hash_is_the_one_earlier_versions_wrote() {
        // Pinned: rows written before the audit key must keep verifying.
        assert_eq!(
            row("").unkeyed_hash(GENESIS),
            "164cbf1bd3be7ab21b91ed216936fe53be0fd04b3486abb3c06cadedbd0d1963"
        );
    }

    #[test]
    fn a_seal_depends_on_the_key_every_field_and_where_the_fields_divide() {
        let key = AuditKey::generate().expect("key");
        let other = AuditKey::generate().expect("key");
        let base = row("x").seal(&key, GENESIS);
        assert_eq!(base, row("x").seal(&key, GENESIS));
        assert_ne!(base, row("x").seal(&other, GENESIS));
        assert_ne!(base, row("y").seal(&key, GENESIS));
        assert_ne!(base, row("x").seal(&key, "1"));
        let moved = RowFields {
            actor: "dr.tes",
            action: "tpatient.view",
            ..row("x")
        };
        assert_ne!(base, moved.seal(&key, GENESIS));
        let empty = RowFields {
            patient: Some(""),
            ..row("x")
        };
        let none = RowFields {
            patient: None,
            ..row("x")
        };
        assert_ne!(empty.seal(&key, GENESIS), none.seal(&key, GENESIS));
        assert_ne!(
            checkpoint_seal(&key, 7, &base, "t"),
            checkpoint_seal(&other, 7, &base, "t")
        );
    }
}
