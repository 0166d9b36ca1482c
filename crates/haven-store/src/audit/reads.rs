//! Reads' audit rows, committed in groups.
//!
//! Every page view, FHIR read and export appends an audit row, and an append holds the write
//! lock across a durable commit: one at a time, each reader would wait for every earlier one's
//! flush (at 100 connections on PostgreSQL, 866 patient pages a second; grouped, 1,833:
//! BENCHMARKS.md). Instead each process hands its reads' rows to one writer task, which
//! appends whatever has queued while it was busy in one transaction — one lock, one head read,
//! one commit. The chain is the same as if they had been appended one by one, and a reader
//! still waits until its own row is committed before it is shown anything.
//!
//! The task is spawned on the first read (and again if the runtime it ran on has gone); it ends
//! when the store's last handle is dropped.

use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{mpsc, oneshot};

use super::{Line, Trail, write_rows};
use crate::db::Pool;
use crate::{Actor, OrgId, Result};

/// The most rows one group commits; more wait for the next.
const MOST_IN_GROUP: usize = 1000;

/// One read's row, waiting for its group's commit.
pub(super) struct Pending {
    db: Pool,
    trail: Arc<Trail>,
    org: Option<OrgId>,
    actor: Actor,
    action: String,
    patient: Option<String>,
    detail: String,
    done: oneshot::Sender<Result<()>>,
}

impl Pending {
    fn line(&self) -> Line<'_> {
        Line {
            org: self.org,
            actor: &self.actor.0,
            action: &self.action,
            patient: self.patient.as_deref(),
            detail: self.detail.as_str().into(),
        }
    }
}

/// Where a process's reads are queued for the writer task.
#[derive(Debug, Default)]
pub(crate) struct ReadQueue {
    sender: Mutex<Option<mpsc::UnboundedSender<Pending>>>,
}

/// Appends one read's row in the next group and waits until that group has committed.
pub(super) async fn append(
    db: &Pool,
    trail: &Arc<Trail>,
    org: Option<OrgId>,
    actor: &Actor,
    action: &str,
    patient: Option<&str>,
    detail: &str,
) -> Result<()> {
    let (done, committed) = oneshot::channel();
    trail.reads.submit(Pending {
        db: db.clone(),
        trail: Arc::clone(trail),
        org,
        actor: actor.clone(),
        action: action.to_owned(),
        patient: patient.map(str::to_owned),
        detail: detail.to_owned(),
        done,
    });
    match committed.await {
        Ok(outcome) => outcome,
        // The writer went with its runtime before answering: the row may not be stored.
        Err(_) => Err(crate::StoreError::AuditWriterGone),
    }
}

impl ReadQueue {
    fn submit(&self, pending: Pending) {
        let mut sender = self.sender.lock().unwrap_or_else(PoisonError::into_inner);
        let pending = match sender.as_ref() {
            Some(s) => match s.send(pending) {
                Ok(()) => return,
                Err(mpsc::error::SendError(pending)) => pending,
            },
            None => pending,
        };
        // No writer yet, or its runtime has shut down: start one on this runtime.
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(write_groups(rx));
        // The receiver was made just now and is held by the task: this send cannot fail, and
        // if it somehow did the reader would be told (its `done` is dropped with it).
        let _ = tx.send(pending);
        *sender = Some(tx);
    }
}

/// The writer task: takes what has queued, commits it as one group, answers each reader.
async fn write_groups(mut queue: mpsc::UnboundedReceiver<Pending>) {
    while let Some(first) = queue.recv().await {
        let mut group = vec![first];
        while group.len() < MOST_IN_GROUP
            && let Ok(next) = queue.try_recv()
        {
            group.push(next);
        }
        commit_group(group).await;
    }
}

async fn commit_group(group: Vec<Pending>) {
    // Handles of one process share one database and key; a store opened twice in a process
    // has its own trail and so its own queue.
    let (db, trail) = (group[0].db.clone(), Arc::clone(&group[0].trail));
    match write(&db, &trail, &group).await {
        Ok(()) => {
            for p in group {
                let _ = p.done.send(Ok(()));
            }
        }
        // One row's fault (a detail the database refuses) must not cost the others theirs:
        // each is tried alone, and each reader is told its own outcome.
        Err(e) if group.len() == 1 => {
            let _ = group.into_iter().next().map(|p| p.done.send(Err(e)));
        }
        Err(_) => {
            for p in group {
                let outcome = write(&db, &trail, std::slice::from_ref(&p)).await;
                let _ = p.done.send(outcome);
            }
        }
    }
}

async fn write(db: &Pool, trail: &Trail, group: &[Pending]) -> Result<()> {
    let mut tx = db.write().await?;
    let written = write_rows(tx.conn(), &trail.key, group.iter().map(Pending::line)).await?;
    tx.commit().await?;
    trail.count(written);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::{Actor, AuditVerification, Store};

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
    }

    #[test]
    fn a_store_used_again_on_a_new_runtime_starts_a_new_writer() {
        let dir = tempfile::tempdir().expect("dir");
        let url = dir.path().join("haven.db").to_string_lossy().into_owned();
        let read = |store: &Store, n: usize| {
            let store = store.clone();
            async move {
                store
                    .audit_read(&Actor::new("dr.now"), "patient.view", None, &n.to_string())
                    .await
            }
        };
        // The first writer is spawned on a runtime that is then shut down, taking it along.
        let store = runtime().block_on(async {
            let store = Store::open(&url).await.expect("open");
            read(&store, 1).await.expect("first read");
            store
        });
        let later = runtime();
        later
            .block_on(read(&store, 2))
            .expect("a read on the new runtime");
        assert!(matches!(
            later.block_on(store.audit_verify()).expect("verify"),
            AuditVerification::Intact { entries: 2, .. }
        ));
    }
}
