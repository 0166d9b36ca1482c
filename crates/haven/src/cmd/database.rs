//! The database a command works on, with its audit key and checkpoint file: opened at most
//! once, on first use, and closed with an audit checkpoint when the command added entries.

use anyhow::{Context, Result};
use haven_store::{AuditFiles, Clock, Store};
use tokio::sync::OnceCell;

use crate::cli::Cli;

pub struct Database {
    pub url: String,
    /// The one clock every part of Haven reads "today" from.
    pub clock: Clock,
    audit_key: Option<std::path::PathBuf>,
    audit_checkpoints: Option<std::path::PathBuf>,
    store: OnceCell<Store>,
}

impl Database {
    pub fn new(cli: &Cli, clock: Clock) -> Self {
        Self {
            url: cli.db.clone(),
            clock,
            audit_key: cli.audit_key.clone(),
            audit_checkpoints: cli.audit_checkpoints.clone(),
            store: OnceCell::new(),
        }
    }

    /// The audit files as given, each defaulting to its file beside the database (a
    /// PostgreSQL database has no "beside": both must be given).
    pub fn audit_files(&self) -> Result<AuditFiles> {
        if let (Some(key), Some(checkpoints)) = (&self.audit_key, &self.audit_checkpoints) {
            return Ok(AuditFiles {
                key: key.clone(),
                checkpoints: checkpoints.clone(),
            });
        }
        let beside = AuditFiles::beside(&self.url).with_context(|| {
            format!(
                "cannot open the database {}",
                haven_store::shown_url(&self.url)
            )
        })?;
        Ok(AuditFiles {
            key: self.audit_key.clone().unwrap_or(beside.key),
            checkpoints: self.audit_checkpoints.clone().unwrap_or(beside.checkpoints),
        })
    }

    /// The audit key file given with --audit-key, if any.
    pub fn audit_key(&self) -> Option<&std::path::Path> {
        self.audit_key.as_deref()
    }

    pub async fn store(&self) -> Result<&Store> {
        self.store
            .get_or_try_init(|| async {
                super::open(&self.url, &self.audit_files()?, self.clock).await
            })
            .await
    }

    /// Anchors what this command added to the audit log: a checkpoint when it opened the
    /// database and the log has grown since.
    pub async fn close(&self) -> Result<()> {
        if let Some(store) = self.store.get() {
            store
                .audit_checkpoint_if_moved()
                .await
                .context("cannot write the audit checkpoint")?;
            store.close().await;
        }
        Ok(())
    }
}
