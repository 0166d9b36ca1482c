//! FHIR Bulk Data export jobs, kept in the database (migration 0015) so that a job's state,
//! progress and files survive a restart and are the same whichever Haven server on this
//! database is asked. The store keeps the job's record; writing the files is the web layer's.
//!
//! A running job proves it is alive by its heartbeat. A process that dies leaves its job
//! "running" with a heartbeat that stops; [`Store::fail_stalled_exports`] marks such jobs
//! failed, so a client is told to start again rather than polling for ever. Times are Unix
//! seconds of the system's clock, given by the caller (row stamps, not clinical dates).

use crate::db::{ReadRow, exec, on};
use serde::{Deserialize, Serialize};

use crate::codec::{from_json, to_json};
use crate::{Result, Store, StoreError};

/// Where a job is in its life. Only a running job changes; `Expired` is a finished job whose
/// files have been deleted after the retention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportState {
    Running,
    Complete,
    Failed,
    Cancelled,
    Expired,
}

impl ExportState {
    pub fn id(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Complete => "complete",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
        }
    }

    fn parse(id: &str) -> Result<Self> {
        Ok(match id {
            "running" => Self::Running,
            "complete" => Self::Complete,
            "failed" => Self::Failed,
            "cancelled" => Self::Cancelled,
            "expired" => Self::Expired,
            other => return Err(StoreError::Corrupt(format!("export job state {other:?}"))),
        })
    }
}

/// Which resources an export covers: every patient's (`system`, `patient`) or a group's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportKind {
    System,
    Patient,
    Group(String),
}

impl ExportKind {
    fn column(&self) -> (&'static str, Option<&str>) {
        match self {
            Self::System => ("system", None),
            Self::Patient => ("patient", None),
            Self::Group(id) => ("group", Some(id)),
        }
    }
}

/// One file of a finished export.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportOutput {
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The file's name inside the job's directory.
    pub file: String,
    pub count: u64,
}

/// A job as kicked off.
#[derive(Clone, Debug)]
pub struct NewExportJob {
    pub id: String,
    /// The API token that started it: only that token sees it.
    pub owner_token: String,
    pub request_url: String,
    pub transaction_time: String,
    pub kind: ExportKind,
    /// The parsed request, as JSON the web layer writes and reads back.
    pub parameters: String,
    /// How many patients the export will read (for progress).
    pub total: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportJob {
    pub id: String,
    pub owner_token: String,
    pub request_url: String,
    pub transaction_time: String,
    pub kind: ExportKind,
    pub parameters: String,
    pub state: ExportState,
    pub done: u64,
    pub total: u64,
    pub output: Vec<ExportOutput>,
    pub error: Option<String>,
    pub started_at: i64,
    pub heartbeat_at: i64,
    pub finished_at: Option<i64>,
}

impl Store {
    pub async fn create_export_job(&self, job: &NewExportJob, now: i64) -> Result<()> {
        let (kind, group) = job.kind.column();
        exec!(self.db(), c => sqlx::query(
            "INSERT INTO export_jobs (id, owner_token, request_url, transaction_time, kind, group_id, parameters, state, total, started_at, heartbeat_at, org) VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', $8, $9, $10, (SELECT org FROM api_tokens WHERE id = $2))",
        )
        .bind(&job.id)
        .bind(&job.owner_token)
        .bind(&job.request_url)
        .bind(&job.transaction_time)
        .bind(kind)
        .bind(group)
        .bind(&job.parameters)
        .bind(job.total as i64)
        .bind(now)
        .bind(now)
        .execute(c).await)?;
        Ok(())
    }

    pub async fn export_job(&self, id: &str) -> Result<Option<ExportJob>> {
        on!(self.db(), p => sqlx::query("SELECT * FROM export_jobs WHERE id = $1")
            .bind(id)
            .fetch_optional(p)
            .await?
            .as_ref()
            .map(job_from_row)
            .transpose())
    }

    /// Records a running job's progress and that it is alive; `false` once the job is no
    /// longer running (cancelled, or failed as stalled), which tells the writer to stop.
    pub async fn export_heartbeat(&self, id: &str, done: u64, now: i64) -> Result<bool> {
        let changed = exec!(self.db(), c => sqlx::query(
            "UPDATE export_jobs SET done = $1, heartbeat_at = $2 WHERE id = $3 AND state = 'running'",
        )
        .bind(done as i64)
        .bind(now)
        .bind(id)
        .execute(c).await)?;
        Ok(changed == 1)
    }

    /// Marks a running job complete with its files; `false` if it was no longer running.
    pub async fn complete_export_job(
        &self,
        id: &str,
        output: &[ExportOutput],
        now: i64,
    ) -> Result<bool> {
        self.finish(
            id,
            "UPDATE export_jobs SET state = 'complete', done = total, output = $1, finished_at = $2 WHERE id = $3 AND state = 'running'",
            &to_json(output)?,
            now,
        )
        .await
    }

    /// Marks a running job failed with a message for the client (no personal data).
    pub async fn fail_export_job(&self, id: &str, message: &str, now: i64) -> Result<bool> {
        self.finish(
            id,
            "UPDATE export_jobs SET state = 'failed', error = $1, finished_at = $2 WHERE id = $3 AND state = 'running'",
            message,
            now,
        )
        .await
    }

    /// Cancels a job of `owner` that is running or finished (its files are the caller's to
    /// delete); `false` when the token has no such job.
    pub async fn cancel_export_job(&self, id: &str, owner: &str, now: i64) -> Result<bool> {
        let changed = exec!(self.db(), c => sqlx::query(
            "UPDATE export_jobs SET state = 'cancelled', output = '[]', finished_at = COALESCE(finished_at, $1) WHERE id = $2 AND owner_token = $3 AND state IN ('running', 'complete', 'failed')",
        )
        .bind(now)
        .bind(id)
        .bind(owner)
        .execute(c).await)?;
        Ok(changed == 1)
    }

    async fn finish(&self, id: &str, sql: &'static str, value: &str, now: i64) -> Result<bool> {
        let changed = exec!(self.db(), c => sqlx::query(sql)
            .bind(value)
            .bind(now)
            .bind(id)
            .execute(c).await)?;
        Ok(changed == 1)
    }

    /// Marks failed, with `message`, every running job whose heartbeat is older than
    /// `heartbeat_before`: its process died (a restart, a crash). Returns their ids.
    pub async fn fail_stalled_exports(
        &self,
        heartbeat_before: i64,
        message: &str,
        now: i64,
    ) -> Result<Vec<String>> {
        Ok(on!(self.db(), c => sqlx::query_scalar(
            "UPDATE export_jobs SET state = 'failed', error = $1, finished_at = $2 WHERE state = 'running' AND heartbeat_at < $3 RETURNING id",
        )
        .bind(message)
        .bind(now)
        .bind(heartbeat_before)
        .fetch_all(c).await)?)
    }

    /// Marks expired every job that finished before `finished_before` and is not already
    /// expired, forgetting its files; returns their ids so the caller deletes the files. The
    /// row stays, so a status request can say the export expired.
    pub async fn expire_exports(&self, finished_before: i64) -> Result<Vec<String>> {
        Ok(on!(self.db(), c => sqlx::query_scalar(
            "UPDATE export_jobs SET state = 'expired', output = '[]' WHERE state IN ('complete', 'failed', 'cancelled') AND finished_at < $1 RETURNING id",
        )
        .bind(finished_before)
        .fetch_all(c).await)?)
    }
}

fn job_from_row(row: &impl ReadRow) -> Result<ExportJob> {
    let kind =
        match row.text("kind")?.as_str() {
            "system" => ExportKind::System,
            "patient" => ExportKind::Patient,
            "group" => ExportKind::Group(row.opt_text("group_id")?.ok_or_else(|| {
                StoreError::Corrupt("a group export job without its group".into())
            })?),
            other => return Err(StoreError::Corrupt(format!("export job kind {other:?}"))),
        };
    Ok(ExportJob {
        id: row.text("id")?,
        owner_token: row.text("owner_token")?,
        request_url: row.text("request_url")?,
        transaction_time: row.text("transaction_time")?,
        kind,
        parameters: row.text("parameters")?,
        state: ExportState::parse(&row.text("state")?)?,
        done: row.int("done")?.max(0) as u64,
        total: row.int("total")?.max(0) as u64,
        output: from_json(&row.text("output")?)?,
        error: row.opt_text("error")?,
        started_at: row.int("started_at")?,
        heartbeat_at: row.int("heartbeat_at")?,
        finished_at: row.opt_int("finished_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Actor;
    use crate::api_tokens::ApiScope;

    async fn job(store: &Store, kind: ExportKind, now: i64) -> NewExportJob {
        let (token, _) = store
            .create_api_token(&Actor::new("admin"), "bulk", ApiScope::Read, false)
            .await
            .expect("token");
        let job = NewExportJob {
            id: format!("job-{now}"),
            owner_token: token.id,
            request_url: "https://haven.example/fhir/$export".into(),
            transaction_time: "2026-12-06T10:00:00Z".into(),
            kind,
            parameters: "{}".into(),
            total: 3,
        };
        store.create_export_job(&job, now).await.expect("create");
        job
    }

    fn output() -> Vec<ExportOutput> {
        vec![ExportOutput {
            resource_type: "Patient".into(),
            file: "Patient.ndjson".into(),
            count: 3,
        }]
    }

    #[tokio::test]
    async fn a_job_runs_completes_and_is_read_back_whole() {
        let store = Store::open_in_memory().await.expect("store");
        let new = job(&store, ExportKind::Group("practice".into()), 100).await;
        assert!(store.export_heartbeat(&new.id, 2, 105).await.expect("beat"));
        let running = store.export_job(&new.id).await.expect("read").expect("job");
        assert_eq!(
            (running.state, running.done, running.heartbeat_at),
            (ExportState::Running, 2, 105)
        );
        assert!(
            store
                .complete_export_job(&new.id, &output(), 110)
                .await
                .expect("complete")
        );
        let done = store.export_job(&new.id).await.expect("read").expect("job");
        assert_eq!(done.state, ExportState::Complete);
        assert_eq!(done.kind, ExportKind::Group("practice".into()));
        assert_eq!(
            (done.output, done.done, done.finished_at),
            (output(), 3, Some(110))
        );
        // A finished job changes no more.
        assert!(!store.export_heartbeat(&new.id, 1, 111).await.expect("beat"));
        assert!(
            !store
                .fail_export_job(&new.id, "late", 111)
                .await
                .expect("fail")
        );
        assert_eq!(store.export_job("job-unknown").await.expect("read"), None);
    }

    /// A process that dies leaves its job running with a heartbeat that stops: the job is
    /// marked failed, a fresh one is left alone, and the writer of a failed job is told to stop.
    #[tokio::test]
    async fn a_job_left_running_by_a_dead_process_is_failed_after_a_restart() {
        let dir = tempfile::tempdir().expect("dir");
        let url = dir.path().join("haven.db").display().to_string();
        let store = Store::open(&url).await.expect("open");
        let stalled = job(&store, ExportKind::System, 100).await;
        let alive = job(&store, ExportKind::Patient, 200).await;
        store.close().await;
        let store = Store::open(&url).await.expect("reopen");
        let failed = store
            .fail_stalled_exports(150, "interrupted by a restart", 210)
            .await
            .expect("sweep");
        assert_eq!(failed, std::slice::from_ref(&stalled.id));
        let read = store
            .export_job(&stalled.id)
            .await
            .expect("read")
            .expect("job");
        assert_eq!(read.state, ExportState::Failed);
        assert_eq!(read.error.as_deref(), Some("interrupted by a restart"));
        assert!(
            !store
                .export_heartbeat(&stalled.id, 3, 211)
                .await
                .expect("beat")
        );
        let read = store
            .export_job(&alive.id)
            .await
            .expect("read")
            .expect("job");
        assert_eq!(read.state, ExportState::Running);
    }

    #[tokio::test]
    async fn finished_jobs_expire_after_the_retention_and_running_ones_never() {
        let store = Store::open_in_memory().await.expect("store");
        let old = job(&store, ExportKind::System, 100).await;
        let recent = job(&store, ExportKind::System, 200).await;
        let running = job(&store, ExportKind::System, 300).await;
        let cancelled = job(&store, ExportKind::System, 400).await;
        store
            .complete_export_job(&old.id, &output(), 110)
            .await
            .expect("complete");
        store
            .complete_export_job(&recent.id, &output(), 1_000)
            .await
            .expect("complete");
        assert!(
            store
                .cancel_export_job(&cancelled.id, &cancelled.owner_token, 120)
                .await
                .expect("cancel")
        );
        assert!(
            !store
                .cancel_export_job(&running.id, &old.owner_token, 120)
                .await
                .expect("another token's job"),
        );
        let mut expired = store.expire_exports(500).await.expect("expire");
        expired.sort();
        assert_eq!(expired, [old.id.clone(), cancelled.id.clone()]);
        let read = store.export_job(&old.id).await.expect("read").expect("job");
        assert_eq!((read.state, read.output), (ExportState::Expired, vec![]));
        for (id, state) in [
            (&recent.id, ExportState::Complete),
            (&running.id, ExportState::Running),
        ] {
            let read = store.export_job(id).await.expect("read").expect("job");
            assert_eq!(read.state, state);
        }
        assert!(store.expire_exports(500).await.expect("again").is_empty());
    }
}
