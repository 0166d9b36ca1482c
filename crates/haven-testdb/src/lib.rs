//! Dev-only support for running Haven's tests on both database backends: one implementation,
//! used by the tests of haven-store, haven-web and the haven binary.
//!
//! - [`Scratch`]: a PostgreSQL database of a test's own on the test server, dropped when the
//!   test ends (even when it fails). [`Scratch::migrated`] copies it from a template database
//!   migrated once per test process (`CREATE DATABASE … TEMPLATE`), so a suite of a hundred
//!   tests does not run the migrations a hundred times.
//! - The rule for a missing server ([`reachable`]): without a reachable PostgreSQL the
//!   PostgreSQL tests pass and say once, on stderr, that they were skipped and why; with
//!   `CI=true` they fail instead.
//! - [`both!`]: one test body, two tests (`NAME::sqlite`, `NAME::postgres`); the body asks
//!   [`backend`] which one it is on.
//!
//! The server is `HAVEN_TEST_POSTGRES` (a URL whose user may `CREATE DATABASE`), by default
//! `postgres://postgres@127.0.0.1:5432/postgres`.

use std::future::Future;
use std::io::Write;

use sqlx::Connection;

/// Where the PostgreSQL tests make their databases when `HAVEN_TEST_POSTGRES` is not set.
pub const DEFAULT_SERVER: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Names of the databases this crate makes: `PREFIX<pid>_<uuid>`. The process id lets a later
/// run drop what a killed run left behind (its process is gone), and only that.
const SCRATCH_PREFIX: &str = "haven_test_";
const TEMPLATE_PREFIX: &str = "haven_tpl_";

/// The database backend a test body runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

tokio::task_local! {
    static BACKEND: Backend;
}

/// The backend of the test running now ([`run`] sets it); SQLite outside [`both!`].
pub fn backend() -> Backend {
    BACKEND.try_with(|b| *b).unwrap_or(Backend::Sqlite)
}

/// Runs a test body on `backend`. On PostgreSQL without a reachable server it returns at once
/// (the test passes, [`reachable`] having said why) unless CI requires PostgreSQL.
pub async fn run(backend: Backend, body: impl Future<Output = ()>) {
    if backend == Backend::Postgres && !reachable().await {
        return;
    }
    BACKEND.scope(backend, body).await;
}

/// Defines each test twice, `NAME::sqlite` and `NAME::postgres`; in the body
/// [`backend()`](crate::backend) says which.
///
/// ```ignore
/// haven_testdb::both! {
///     /// What the test shows.
///     async fn signs_in() {
///         let app = spawn_app().await; // opens a database on `haven_testdb::backend()`
///     }
/// }
/// ```
///
/// A body that needs another runtime than Tokio's default names it first, in the words of
/// `#[tokio::test(…)]`: `both! { tokio(flavor = "multi_thread", worker_threads = 4) async fn … }`.
#[macro_export]
macro_rules! both {
    (tokio $runtime:tt $($(#[$meta:meta])* async fn $name:ident() $body:block)*) => {$(
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn test_body() $body

            #[::tokio::test $runtime]
            async fn sqlite() {
                $crate::run($crate::Backend::Sqlite, test_body()).await;
            }

            #[::tokio::test $runtime]
            async fn postgres() {
                $crate::run($crate::Backend::Postgres, test_body()).await;
            }
        }
    )*};
    ($($(#[$meta:meta])* async fn $name:ident() $body:block)*) => {
        $crate::both! { tokio() $($(#[$meta])* async fn $name() $body)* }
    };
}

/// The test server's URL.
pub fn server() -> String {
    std::env::var("HAVEN_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_SERVER.into())
}

mod fhirpy;
pub use fhirpy::fhirpy_or_skip;

/// Whether CI requires the PostgreSQL tests to run (`CI=true`).
pub fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Whether the test server answers. Asked once per process: when it does not, says so once
/// on stderr (past the test harness's capture) and answers `false`; under `CI=true` it panics,
/// since there the PostgreSQL tests must run.
pub async fn reachable() -> bool {
    static ANSWER: tokio::sync::OnceCell<Result<(), String>> = tokio::sync::OnceCell::const_new();
    let answer = ANSWER
        .get_or_init(|| async {
            match sqlx::PgConnection::connect(&server()).await {
                Ok(c) => {
                    let _ = c.close().await;
                    Ok(())
                }
                Err(e) => Err(e.to_string()),
            }
        })
        .await;
    let Err(error) = answer else {
        return true;
    };
    let server = server();
    if required() {
        panic!(
            "CI=true and PostgreSQL is unreachable at {server} ({error}): the PostgreSQL tests must run in CI"
        );
    }
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        let _ = writeln!(
            std::io::stderr(),
            "{}: the PostgreSQL tests were SKIPPED: no PostgreSQL at {server} ({error}). \
             Start one, or set HAVEN_TEST_POSTGRES to a server URL; CI=true makes them required.",
            test_binary()
        );
    });
    false
}

/// The running test executable's name, for messages.
fn test_binary() -> String {
    std::env::args()
        .next()
        .and_then(|a| {
            std::path::Path::new(&a)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "tests".into())
}

/// A database of its own on the test server, dropped with this value.
#[derive(Debug)]
pub struct Scratch {
    name: String,
    url: String,
}

impl Scratch {
    /// An empty database (for tests of what opening does to one); `None` when the server is
    /// not reachable and the test may be skipped ([`reachable`]).
    pub async fn empty() -> Option<Scratch> {
        Self::copy_of(None).await
    }

    /// A database copied from a template that `prepare` (given the template's URL) migrated,
    /// once for this test process; `None` as for [`Scratch::empty`]. `prepare` must leave no
    /// connection open (close its pool) and nothing tied to files of its own (an audit row
    /// sealed with a key it then throws away), since every copy starts from what it left.
    pub async fn migrated<F, Fut>(prepare: F) -> Option<Scratch>
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = ()>,
    {
        static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
        if !reachable().await {
            return None;
        }
        let template = TEMPLATE
            .get_or_init(|| async {
                let template = create(TEMPLATE_PREFIX, None).await;
                prepare(template.url.clone()).await;
                // The template lives as long as the process; a later run drops it.
                std::mem::ManuallyDrop::new(template).name.clone()
            })
            .await;
        Self::copy_of(Some(template)).await
    }

    async fn copy_of(template: Option<&str>) -> Option<Scratch> {
        if !reachable().await {
            return None;
        }
        Some(create(SCRATCH_PREFIX, template).await)
    }

    /// The database's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Makes a database named `prefix<pid>_<uuid>` (from `template`, else the server's default),
/// after dropping the databases of earlier, finished test processes.
async fn create(prefix: &str, template: Option<&str>) -> Scratch {
    let server = server();
    let mut admin = sqlx::PgConnection::connect(&server)
        .await
        .expect("connect to the test server");
    drop_leftovers(&mut admin).await;
    let name = format!(
        "{prefix}{}_{}",
        std::process::id(),
        uuid::Uuid::now_v7().simple()
    );
    let from = template.map_or(String::new(), |t| format!(" TEMPLATE {t}"));
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}{from}")))
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("cannot create the test database {name}{from}: {e}"));
    // A test database outlives no test: its commits need not wait for the disk, which on a
    // small shared machine is most of a PostgreSQL test's time.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "ALTER DATABASE {name} SET synchronous_commit = off"
    )))
    .execute(&mut admin)
    .await
    .unwrap_or_else(|e| panic!("cannot configure the test database {name}: {e}"));
    let _ = admin.close().await;
    let (base, _) = server
        .rsplit_once('/')
        .expect("a server URL ends in /DATABASE");
    Scratch {
        url: format!("{base}/{name}"),
        name,
    }
}

/// Drops, once per process, the test databases whose process has ended (a run killed before its
/// databases could be dropped, and every earlier run's template). Only where the process table
/// can be read (`/proc`); elsewhere they stay.
async fn drop_leftovers(admin: &mut sqlx::PgConnection) {
    static ONCE: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    ONCE.get_or_init(|| async {
        if !std::path::Path::new("/proc/self").exists() {
            return;
        }
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT datname::text FROM pg_database WHERE datname LIKE 'haven\\_test\\_%' OR datname LIKE 'haven\\_tpl\\_%'",
        )
        .fetch_all(&mut *admin)
        .await
        .unwrap_or_default();
        for name in names {
            let pid = name
                .strip_prefix(SCRATCH_PREFIX)
                .or_else(|| name.strip_prefix(TEMPLATE_PREFIX))
                .and_then(|rest| rest.split_once('_'))
                .and_then(|(pid, _)| pid.parse::<u32>().ok());
            // Names without a process id are some other tool's (or an older Haven's): left.
            let Some(pid) = pid else { continue };
            if pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists()
            {
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut *admin)
                .await;
            }
        }
    })
    .await;
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Drop runs outside async code (and while unwinding from a failed test): a thread of
        // its own with its own runtime, joined, so the database is gone when the test ends.
        let (server, name) = (server(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&server).await?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut admin)
                .await
                .map(|_| ())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            let _ = writeln!(
                std::io::stderr(),
                "{}: could not drop the test database {}",
                test_binary(),
                self.name
            );
        }
    }
}
