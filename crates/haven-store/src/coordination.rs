//! Reads for care coordination across the practice: the planned contacts of a few days (the
//! day list) and the records that hold an active entry of some kinds (coded patient lists).
//! Both are ranges of the `entries_kind_date` index (migration 0012).

use haven_core::Date;
use haven_core::record::{Entry, EntryKind, Patient, PatientRecord};

use crate::codec::date_text;
use crate::db::{ReadRow, on};
use crate::{Result, Store, entries, projection};

/// A planned contact with the patient it is for.
#[derive(Clone, Debug, PartialEq)]
pub struct DayContact {
    pub patient: Patient,
    pub entry: Entry,
}

impl Store {
    /// Every active planned contact dated from `first` to `last` inclusive, by date, then
    /// family and given name, then entry id.
    pub async fn planned_contacts(&self, first: Date, last: Date) -> Result<Vec<DayContact>> {
        on!(self.db(), p => {
        let rows = sqlx::query(
            "SELECT e.*, p.data AS patient_data FROM entries e JOIN patients p ON p.id = e.patient_id
             WHERE e.kind = $1 AND e.status = 'active' AND e.entry_date >= $2 AND e.entry_date <= $3
               AND (CAST($4 AS BIGINT) IS NULL OR e.org = $4)
             ORDER BY e.entry_date, p.family_name, p.given_name, e.id",
        )
        .bind(EntryKind::PlannedContact.id())
        .bind(date_text(first))
        .bind(date_text(last))
        .bind(self.org_param())
        .fetch_all(p)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DayContact {
                    patient: crate::codec::from_json(&r.text("patient_data")?)?,
                    entry: entries::entry_from_row(r)?,
                })
            })
            .collect()
        })
    }

    /// The rules' view of every patient with an active entry of one of `kinds` (coded entries
    /// and dates, no free text: see [`projection`]), for the coded patient lists to filter.
    /// Patients whose view is missing or stale are left out here and reported on *Admin ›
    /// Record health* and the worklist, like every population read.
    pub async fn records_with_entries_of(&self, kinds: &[EntryKind]) -> Result<Vec<PatientRecord>> {
        if kinds.is_empty() {
            return Ok(Vec::new());
        }
        let views: Vec<(Vec<u8>,)> = on!(self.db(), p => {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT rules_view FROM patients WHERE rules_view IS NOT NULL AND id IN (SELECT patient_id FROM entries WHERE status = 'active' AND kind IN (",
            );
            let mut list = q.separated(", ");
            for kind in kinds {
                list.push_bind(kind.id());
            }
            list.push_unseparated("))");
            crate::organisations::push_org(&mut q, "org", self.org_param());
            q.push(" ORDER BY family_name, given_name, id");
            q.build_query_as().fetch_all(p).await?
        });
        let mut out = Vec::new();
        for (view,) in views {
            match projection::decode(&view) {
                Ok(record) => out.push(record),
                Err(crate::StoreError::StaleView(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }
}
