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
    #[error("unsupported database URL {0:?}: use a SQLite path or sqlite://PATH")]
    UnsupportedUrl(String),
    #[error("no patient with id {0}")]
    PatientNotFound(String),
    #[error("a patient ({0}) cannot be marked as a different person from themselves")]
    SamePatient(String),
    #[error("no entry with id {0}")]
    EntryNotFound(String),
    #[error("no organisation with id {0} in the directory")]
    OrganisationNotFound(String),
    #[error("the entry was changed by someone else (now version {current}); reload and try again")]
    VersionConflict { current: u32 },
    #[error("a user named {0:?} already exists")]
    DuplicateUser(String),
    #[error("no user named {0:?}")]
    UserNotFound(String),
    #[error("restore refused: the target database already holds data (use --force to overwrite)")]
    RestoreTargetNotEmpty,
    #[error("stored data could not be read ({0}); the database may have been edited by hand")]
    Corrupt(String),
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
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        Self::Corrupt(e.to_string())
    }
}
