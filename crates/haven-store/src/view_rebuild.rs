//! Making every patient's rules view current when the store opens, so that no patient silently
//! leaves the worklist: a view that is missing, or written in another format
//! (`projection::FORMAT_VERSION`), is rebuilt from the patient's entries, and the patient's
//! actions with it. A patient whose view cannot be rebuilt is logged, kept in
//! `rules_view_failures` and shown to administrators and on the worklist, never dropped without a
//! word.

use sqlx::Row;

use crate::codec::date_text;
use crate::db::{Conn, exec, on};
use crate::{Result, Store, actions, projection, settings};

/// The `settings` key holding the format every stored view is in, once all have been rebuilt.
const FORMAT_KEY: &str = "rules-view.format";
/// Patients per rebuild transaction.
const CHUNK: usize = 500;

/// What a rebuild did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ViewRebuild {
    pub rebuilt: u64,
    pub failed: u64,
}

/// A patient whose rules view could not be rebuilt, and so whom the rules cannot see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewFailure {
    pub patient_id: String,
    pub reason: String,
    pub at: String,
}

impl Store {
    /// Rebuilds every rules view that is missing or in another format; `progress(done, total)`
    /// is called after each chunk. Cheap when all are current: one indexed look-up.
    pub async fn rebuild_stale_rule_views(
        &self,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<ViewRebuild> {
        let current = projection::FORMAT_VERSION.to_string();
        let all_stale = self.setting(FORMAT_KEY).await?.as_deref() != Some(current.as_str());
        let sql = if all_stale {
            "SELECT id FROM patients ORDER BY seq"
        } else {
            "SELECT id FROM patients WHERE rules_view IS NULL"
        };
        let ids: Vec<String> = on!(self.db(), p => sqlx::query_scalar(sql).fetch_all(p).await)?;
        let total = ids.len() as u64;
        let mut done = ViewRebuild::default();
        for chunk in ids.chunks(CHUNK) {
            let chunk: Vec<&str> = chunk.iter().map(String::as_str).collect();
            if self.rebuild(&chunk).await.is_ok() {
                done.rebuilt += chunk.len() as u64;
            } else {
                // One patient spoils the chunk's transaction: find which, one at a time.
                for id in chunk {
                    match self.rebuild(&[id]).await {
                        Ok(()) => done.rebuilt += 1,
                        Err(e) => {
                            self.record_failure(id, &e).await?;
                            done.failed += 1;
                        }
                    }
                }
            }
            progress(done.rebuilt + done.failed, total);
        }
        if all_stale {
            exec!(self.db(), p => sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind(FORMAT_KEY)
                .bind(&current)
                .execute(p)
                .await)?;
        }
        Ok(done)
    }

    /// The patients (of the store's practice) whose rules view could not be rebuilt, oldest
    /// failure first.
    pub async fn rule_view_failures(&self) -> Result<Vec<ViewFailure>> {
        on!(self.db(), p => {
            let rows = sqlx::query(
                "SELECT patient_id, reason, at FROM rules_view_failures
                 WHERE CAST($1 AS BIGINT) IS NULL OR org = $1 ORDER BY at, patient_id",
            )
            .bind(self.org_param())
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(ViewFailure {
                        patient_id: r.try_get("patient_id")?,
                        reason: r.try_get("reason")?,
                        at: r.try_get("at")?,
                    })
                })
                .collect()
        })
    }

    /// Rebuilds these patients' views and actions in one transaction, clearing any failure
    /// recorded for them.
    async fn rebuild(&self, ids: &[&str]) -> Result<()> {
        let mut tx = self.db().write().await?;
        let records = projection::refresh_many(&mut tx, ids).await?;
        let policy = settings::load_policy(&mut tx).await?;
        let batch = actions::evaluated(records, &policy, self.clock.today());
        actions::replace_many(&mut tx, &batch).await?;
        forget_failures(tx.conn(), ids).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Leaves the patient without a view (so no stale one is misread), and says so loudly.
    async fn record_failure(&self, id: &str, error: &crate::StoreError) -> Result<()> {
        tracing::error!(
            patient = %id,
            "the rules view of a patient could not be rebuilt; the patient is missing from worklists until it is mended (Admin, Record health)"
        );
        let mut tx = self.db().write().await?;
        exec!(conn tx.conn(), c => sqlx::query("UPDATE patients SET rules_view = NULL WHERE id = $1")
            .bind(id)
            .execute(c)
            .await)?;
        exec!(conn tx.conn(), c => sqlx::query(
            "INSERT INTO rules_view_failures (patient_id, reason, at, org)
             VALUES ($1, $2, $3, (SELECT org FROM patients WHERE id = $1))
             ON CONFLICT (patient_id) DO UPDATE SET reason = excluded.reason, at = excluded.at",
        )
        .bind(id)
        .bind(without_quoted_values(&error.to_string()))
        .bind(date_text(crate::now().date()))
        .execute(c)
        .await)?;
        tx.commit().await?;
        Ok(())
    }
}

async fn forget_failures(conn: Conn<'_>, ids: &[&str]) -> Result<()> {
    exec!(conn conn, c => {
        let mut q =
            crate::codec::in_list("DELETE FROM rules_view_failures WHERE patient_id IN (", ids);
        q.build().execute(c).await
    })?;
    Ok(())
}

/// A decoding error may quote the value it could not read (a name, a note); the reason shown to
/// administrators keeps the error's shape and drops what it quoted.
fn without_quoted_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        if c == '"' {
            if !quoted {
                out.push_str("\"…\"");
            }
            quoted = !quoted;
        } else if !quoted {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_reason_keeps_no_quoted_value() {
        assert_eq!(
            without_quoted_values(r#"invalid type: string "Amira Haddad", expected u32 at line 1"#),
            r#"invalid type: string "…", expected u32 at line 1"#
        );
        assert_eq!(without_quoted_values("no quotes"), "no quotes");
    }
}
