//! Storage errors, each with a sentence a user can act on.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{path} is not a Haven database (it has other tables and no Haven marker); it was left untouched"
    )]
    NotHaven { path: String },
    #[error("{path} is not a SQLite database; it was left untouched")]
    NotSqlite { path: String },
    #[error(
        "{path} has schema version {found}, newer than this Haven understands ({known}); upgrade Haven — the file was left untouched"
    )]
    NewerSchema {
        path: String,
        found: i64,
        known: i64,
    },
    #[error(
        "unsupported database URL {0:?}: use a SQLite path, sqlite://PATH or postgres://USER@HOST/DATABASE"
    )]
    UnsupportedUrl(String),
    #[error(
        "{0} is not available on PostgreSQL yet (issue #17 brings it over); use a SQLite database for it"
    )]
    NotOnPostgres(&'static str),
    #[error(
        "a PostgreSQL database needs its audit key file given with --audit-key (HAVEN_AUDIT_KEY) and its checkpoint file with --audit-checkpoints: they are kept outside the database"
    )]
    AuditFilesNeeded,
    #[error("PostgreSQL did not let Haven in: {0}")]
    Unreachable(String),
    #[error("no patient with id {0}")]
    PatientNotFound(String),
    #[error("a patient ({0}) cannot be marked as a different person from themselves")]
    SamePatient(String),
    #[error("no entry with id {0}")]
    EntryNotFound(String),
    #[error("no organisation with id {0} in the directory")]
    OrganisationNotFound(String),
    #[error("no practice {0:?} in this deployment (give its number or ODS code: haven org list)")]
    PracticeNotFound(String),
    #[error(
        "this deployment has several practices ({0}): say which one with --org (its number or ODS code)"
    )]
    PracticeAmbiguous(String),
    #[error("the ODS code {0} is already another practice's")]
    PracticeCodeTaken(String),
    #[error("a practice needs a name")]
    PracticeName,
    #[error(transparent)]
    OdsCode(#[from] crate::OdsCodeError),
    #[error("the entry was changed by someone else (now version {current}); reload and try again")]
    VersionConflict { current: u32 },
    #[error("a user named {0:?} already exists")]
    DuplicateUser(String),
    #[error("no user named {0:?}")]
    UserNotFound(String),
    #[error("restore refused: the target database already holds data (use --force to overwrite)")]
    RestoreTargetNotEmpty,
    #[error(
        "restore refused: {0} is open in another process (is `haven serve` running on it?); stop it, then restore"
    )]
    RestoreTargetInUse(String),
    #[error(
        "restore --force is refused on PostgreSQL: a restore goes only into an empty database there; drop and create the database, then restore into it"
    )]
    ForceOnPostgres,
    /// Copying between the backends (a PostgreSQL backup or restore) failed or did not verify.
    #[error(transparent)]
    Copy(Box<crate::copy::CopyError>),
    #[error("the audit log of {what} does not verify: {why}")]
    AuditBroken { what: String, why: String },
    #[error(
        "the audit log is sealed with a key that is not at {path}: give its file with --audit-key (HAVEN_AUDIT_KEY), or restore it from its backup; Haven does not make a new key for a log written with another"
    )]
    AuditKeyMissing { path: String },
    #[error(
        "the audit writer stopped before it stored this read's audit row (the server is shutting down): try again"
    )]
    AuditWriterGone,
    #[error(
        "the audit log in {backup} is sealed with another key than the one at {key}: give that backup's key with --audit-key"
    )]
    AuditKeyMismatch { backup: String, key: String },
    #[error("cannot use the audit file {path}: {why}")]
    AuditFile { path: String, why: String },
    #[error("stored data could not be read ({0}); the database may have been edited by hand")]
    Corrupt(String),
    /// A value this build could not write as JSON: a fault in Haven, not in the database.
    #[error("a value could not be written as JSON ({0})")]
    Encode(#[source] serde_json::Error),
    #[error(
        "a patient's rules view is in {} and this build reads format {}; reopen the database to rebuild it",
        .0.map_or("no known format".to_owned(), |v| format!("format {v}")),
        crate::projection::FORMAT_VERSION
    )]
    StaleView(Option<u8>),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("reading the population: {0}")]
    Scan(#[from] rusqlite::Error),
    #[error("population scans need a database file; this store is in memory")]
    NoFile,
    /// A population scan on PostgreSQL was called outside a Tokio runtime: a fault of the build.
    #[error("a population scan on PostgreSQL needs to run inside Haven's async runtime")]
    NoRuntime,
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// PostgreSQL stores at most 1 GiB in one value.
    #[error("a value of {0} bytes is larger than PostgreSQL stores in one field (1 GiB)")]
    ValueTooLarge(usize),
}

impl From<crate::copy::CopyError> for StoreError {
    fn from(e: crate::copy::CopyError) -> Self {
        match e {
            crate::copy::CopyError::Store(e) => e,
            e => StoreError::Copy(Box::new(e)),
        }
    }
}
