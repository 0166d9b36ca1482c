//! Haven's storage: one [`Store`] over an embedded SQLite file (the default) or a PostgreSQL
//! database (`postgres://…`) — the clinical record, accounts, sessions, settings and the
//! tamper-evident audit log. Queries are written once for both (`db.rs`); what is not yet
//! ported to PostgreSQL is refused there by name ([`StoreError::NotOnPostgres`]). A whole
//! database moves between the backends through [`copy`] (`haven migrate-db`, PostgreSQL backups).
//!
//! Architecture invariants:
//! - every public write runs in one transaction together with its audit row;
//! - clinical entries, patient history and the audit log are append-only (enforced again by
//!   database triggers, so even a hand-written SQL statement cannot delete history);
//! - a database that is not Haven's, or has a newer schema, is refused and never modified.

mod actions;
pub mod api_tokens;
mod audit;
mod backup;
mod break_glass;
mod cds_jti;
mod clock;
mod codec;
mod coordination;
pub mod copy;
mod db;
mod directory;
mod duplicates;
mod entries;
mod error;
pub mod export_jobs;
mod load_pg;
mod open;
mod open_pg;
mod organisations;
mod patients;
mod population;
pub mod projection;
mod readers;
mod records;
mod search;
mod sessions;
mod settings;
mod throttle;
pub use throttle::STAMP_DIGITS as THROTTLE_STAMP_DIGITS;
pub mod upsert;
mod user_names;
mod users;
mod view_rebuild;

pub use actions::{ActionCounts, ActionQuery, PatientAction, PatientActions};
pub use audit::{
    AuditCheckpoint, AuditEntry, AuditFiles, AuditQuery, AuditVerification, manifest_path,
};
pub use break_glass::BreakGlass;
pub use clock::Clock;
pub use coordination::DayContact;
pub use copy::{Copied, CopyError, Difference, schema_version};
pub use db::Backend;
pub use directory::DirectoryEntry;
pub use duplicates::{DuplicateCandidate, DuplicateOverride, DuplicatePair};
pub use error::StoreError;
pub use open::{PoolSettings, known_schema_version};
pub use open_pg::without_password as shown_url;
pub use organisations::{OdsCode, OdsCodeError, OrgId, Practice, PracticeSummary};
pub use patients::{PatientQuery, PatientSummary, VersionStamp};
pub use records::RecordStream;
pub use sessions::Session;
pub use settings::PolicyChangeError;
pub use user_names::DisplayNames;
pub use users::{NamedClinician, Role, User};
pub use view_rebuild::{ViewFailure, ViewRebuild};

/// The Haven database. Cheap to clone (a connection pool).
#[derive(Clone, Debug)]
pub struct Store {
    /// SQLite or PostgreSQL (`db.rs`).
    db: db::Pool,
    /// The SQLite file, for the population scans' own read-only connections; `None` in memory
    /// and on PostgreSQL.
    path: Option<std::path::PathBuf>,
    /// Read-only connections for point reads on hot paths.
    readers: std::sync::Arc<readers::Readers>,
    /// The audit key and checkpoint file every audit row is sealed and anchored with.
    audit: std::sync::Arc<audit::Trail>,
    /// What the actions refreshed with each write are evaluated as of.
    clock: Clock,
    /// The organisation whose patients this store sees (`Store::within`), or the whole
    /// deployment (`None`: the command line, the server's own jobs, cross-practice reports).
    scope: Option<OrgId>,
    /// Users' display names as last read, for pages (`user_names.rs`).
    names: std::sync::Arc<user_names::NamesKept>,
}

/// Who is acting, for the audit log and the `changed_by` of every write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor(pub String);

impl Actor {
    pub fn new(name: impl Into<String>) -> Self {
        Self(name.into())
    }
    /// The command line acting as the operating-system user who ran it.
    pub fn cli(command: &str) -> Self {
        Self(format!("cli:{command}"))
    }
}

impl Store {
    /// The audit trail, writing rows that name this store's organisation (or, on a store for
    /// the whole deployment, the organisation of the patient a row names).
    pub(crate) fn audit(&self) -> audit::Scoped<'_> {
        audit::Scoped {
            trail: &self.audit,
            org: self.scope,
        }
    }

    /// The database, for queries written once for both backends (`db::on!`).
    pub(crate) fn db(&self) -> &db::Pool {
        &self.db
    }

    /// Which database this store is on.
    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    /// The SQLite pool, for work not yet available on PostgreSQL: there it is refused,
    /// naming `what`, before anything is read or written.
    pub(crate) fn sqlite(&self, what: &'static str) -> Result<&sqlx::SqlitePool> {
        match &self.db {
            db::Pool::Sqlite(pool) => Ok(pool),
            db::Pool::Postgres(_) => Err(db::not_yet(what)),
        }
    }

    /// The SQLite pool of a store a test opened on SQLite.
    #[cfg(test)]
    pub(crate) fn pool(&self) -> &sqlx::SqlitePool {
        self.sqlite("a SQLite-only test")
            .expect("this test opens its store on SQLite")
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The time stamped on rows and audit entries: always the system's (see [`Clock`]).
pub(crate) fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}
