//! `haven migrate-db` and `haven backup`/`restore` on PostgreSQL, end to end: the real binary,
//! a real SQLite file and real PostgreSQL databases, one of their own per test (dropped when the
//! test ends). Without a reachable PostgreSQL these tests pass and say once that they were
//! skipped and why; with CI=true they fail instead.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A practice's files (its SQLite database, audit key and checkpoint files) in a directory of
/// its own, and the PostgreSQL databases it moves to.
struct Practice {
    dir: tempfile::TempDir,
}

impl Practice {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn sqlite(&self) -> String {
        self.path("haven.db").to_string_lossy().into_owned()
    }

    /// The audit key every copy of this practice is sealed with (beside the SQLite file).
    fn key(&self) -> PathBuf {
        self.path("haven.db.audit-key")
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_haven"))
            .args(args)
            .env_remove("HAVEN_DB")
            .env_remove("HAVEN_AUDIT_KEY")
            .env_remove("HAVEN_AUDIT_CHECKPOINTS")
            .output()
            .expect("run haven")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "haven {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    }

    /// Runs haven expecting exit 1; returns stderr.
    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "haven {args:?} should exit 1; stdout: {}; stderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stderr).expect("utf-8")
    }

    /// `haven --db URL` with this practice's key and `checkpoints`, then `args`.
    fn on(&self, url: &str, checkpoints: &Path, args: &[&str]) -> Vec<String> {
        let mut all: Vec<String> = vec![
            "--db".into(),
            url.into(),
            "--audit-key".into(),
            self.key().to_string_lossy().into_owned(),
            "--audit-checkpoints".into(),
            checkpoints.to_string_lossy().into_owned(),
        ];
        all.extend(args.iter().map(|a| a.to_string()));
        all
    }

    /// A practice with demo patients, the worklist of which is compared across the move.
    fn with_demo() -> Self {
        let p = Self::new();
        p.ok(&[
            "--db",
            &p.sqlite(),
            "demo",
            "--patients",
            "25",
            "--as-of",
            "2026-11-28",
        ]);
        p
    }

    fn migrate_to(&self, pg: &str) -> Output {
        self.run(&[
            "--audit-key",
            &self.key().to_string_lossy(),
            "migrate-db",
            "--from",
            &self.sqlite(),
            "--to",
            pg,
            "--to-checkpoints",
            &self.path("pg.checkpoints").to_string_lossy(),
        ])
    }

    fn verify_only(&self, pg: &str) -> Output {
        self.run(&[
            "--audit-key",
            &self.key().to_string_lossy(),
            "migrate-db",
            "--verify-only",
            "--from",
            &self.sqlite(),
            "--to",
            pg,
            "--to-checkpoints",
            &self.path("pg.checkpoints").to_string_lossy(),
        ])
    }

    fn worklist(&self, url: &str, checkpoints: &Path) -> String {
        let args = self.on(url, checkpoints, &["worklist", "--as-of", "2026-11-28"]);
        self.ok(&args.iter().map(String::as_str).collect::<Vec<_>>())
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn demo_data_moves_to_postgres_and_verifies() {
    let Some(pg) = scratch::Scratch::create() else {
        return;
    };
    let p = Practice::with_demo();
    let moved = p.migrate_to(&pg.url);
    assert!(moved.status.success(), "{}", text(&moved));
    let said = String::from_utf8_lossy(&moved.stdout);
    assert!(said.contains("copied and verified"), "{said}");
    assert!(said.contains("25 rules views"), "{said}");

    // The comparison alone finds them equal too (before anything reads either: reads are
    // audited, each in its own database).
    let again = p.verify_only(&pg.url);
    assert!(again.status.success(), "{}", text(&again));

    let pg_checkpoints = p.path("pg.checkpoints");
    // The moved practice answers as the old one did, and its audit log verifies there.
    let verify = p.on(&pg.url, &pg_checkpoints, &["audit", "verify"]);
    let verified = p.ok(&verify.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(verified.contains("audit log intact"), "{verified}");
    assert_eq!(
        p.worklist(&pg.url, &pg_checkpoints),
        p.worklist(&p.sqlite(), &p.path("haven.db.audit-checkpoints"))
    );
}

#[test]
fn a_target_holding_data_is_refused_and_left_unchanged() {
    let Some(pg) = scratch::Scratch::create() else {
        return;
    };
    let p = Practice::with_demo();
    let first = p.migrate_to(&pg.url);
    assert!(first.status.success(), "{}", text(&first));
    let before = pg.rows("SELECT COUNT(*) FROM audit_log");

    let err = p.fails(&[
        "--audit-key",
        &p.key().to_string_lossy(),
        "migrate-db",
        "--from",
        &p.sqlite(),
        "--to",
        &pg.url,
        "--to-checkpoints",
        &p.path("pg.checkpoints").to_string_lossy(),
    ]);
    assert!(err.contains("already holds data"), "{err}");
    assert!(err.contains("table "), "names the table: {err}");
    assert!(err.contains("key "), "names the key: {err}");
    assert!(err.contains("left it untouched"), "{err}");
    assert_eq!(pg.rows("SELECT COUNT(*) FROM audit_log"), before);
    let same = p.verify_only(&pg.url);
    assert!(same.status.success(), "{}", text(&same));
}

#[test]
fn a_row_altered_after_the_copy_fails_verification_naming_table_and_key() {
    let Some(pg) = scratch::Scratch::create() else {
        return;
    };
    let p = Practice::with_demo();
    let moved = p.migrate_to(&pg.url);
    assert!(moved.status.success(), "{}", text(&moved));
    pg.execute(
        "UPDATE entries SET entry_date = '1999-01-01' WHERE id = (SELECT MIN(id) FROM entries)",
    );
    let first: String = pg.text("SELECT MIN(id) FROM entries");

    let err = p.fails(&[
        "--audit-key",
        &p.key().to_string_lossy(),
        "migrate-db",
        "--verify-only",
        "--from",
        &p.sqlite(),
        "--to",
        &pg.url,
        "--to-checkpoints",
        &p.path("pg.checkpoints").to_string_lossy(),
    ]);
    assert!(
        err.contains(&format!(
            "table entries, key {first}: column entry_date differs"
        )),
        "{err}"
    );
}

#[test]
fn a_source_at_another_schema_version_is_refused_saying_which() {
    let Some(pg) = scratch::Scratch::create() else {
        return;
    };
    let p = Practice::with_demo();
    {
        let conn = rusqlite::Connection::open(p.sqlite()).expect("open");
        conn.execute(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (9999, 'from the future', 1, x'00', 0)",
            [],
        )
        .expect("a newer schema version");
    }
    let out = p.migrate_to(&pg.url);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the source"), "{err}");
    assert!(err.contains("schema version 9999"), "{err}");
    assert_eq!(
        pg.rows("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'"),
        0
    );
}

#[test]
fn a_postgres_practice_backs_up_to_a_file_and_restores_into_an_empty_postgres() {
    let Some(pg) = scratch::Scratch::create() else {
        return;
    };
    let Some(restored) = scratch::Scratch::create() else {
        return;
    };
    let p = Practice::with_demo();
    let moved = p.migrate_to(&pg.url);
    assert!(moved.status.success(), "{}", text(&moved));
    let pg_checkpoints = p.path("pg.checkpoints");

    let backup = p.path("pg-backup.db");
    let backup_text = backup.to_string_lossy().into_owned();
    let args = p.on(&pg.url, &pg_checkpoints, &["backup", "--out", &backup_text]);
    p.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(backup.exists());

    let restored_checkpoints = p.path("restored.checkpoints");
    let args = p.on(
        &restored.url,
        &restored_checkpoints,
        &["restore", &backup_text],
    );
    p.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let manifest = format!("{backup_text}.manifest");
    let args = p.on(
        &restored.url,
        &restored_checkpoints,
        &["audit", "verify", "--checkpoint", &manifest],
    );
    let verified = p.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(verified.contains("audit log intact"), "{verified}");
    assert_eq!(
        p.worklist(&restored.url, &restored_checkpoints),
        p.worklist(&pg.url, &pg_checkpoints)
    );
    // A second restore over it is refused, and it stays as it was.
    let before = restored.rows("SELECT COUNT(*) FROM audit_log");
    let args = p.on(
        &restored.url,
        &restored_checkpoints,
        &["restore", &backup_text],
    );
    let err = p.fails(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(err.contains("already holds data"), "{err}");
    assert_eq!(restored.rows("SELECT COUNT(*) FROM audit_log"), before);
}

/// The test's scratch PostgreSQL database (`haven_testdb`, with its rule for a missing server),
/// driven from these blocking tests.
mod scratch {
    pub struct Scratch {
        db: haven_testdb::Scratch,
        pub url: String,
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
    }

    impl Scratch {
        pub fn create() -> Option<Scratch> {
            let db = runtime().block_on(haven_testdb::Scratch::empty())?;
            Some(Scratch {
                url: db.url().to_owned(),
                db,
            })
        }

        async fn connect(&self) -> sqlx::PgConnection {
            use sqlx::Connection;
            sqlx::PgConnection::connect(self.db.url())
                .await
                .expect("connect to the scratch database")
        }

        pub fn execute(&self, statement: &str) {
            runtime().block_on(async {
                let mut c = self.connect().await;
                sqlx::query(sqlx::AssertSqlSafe(statement.to_owned()))
                    .execute(&mut c)
                    .await
                    .expect("statement");
            });
        }

        pub fn rows(&self, query: &str) -> i64 {
            runtime().block_on(async {
                let mut c = self.connect().await;
                sqlx::query_scalar(sqlx::AssertSqlSafe(query.to_owned()))
                    .fetch_one(&mut c)
                    .await
                    .expect("query")
            })
        }

        pub fn text(&self, query: &str) -> String {
            runtime().block_on(async {
                let mut c = self.connect().await;
                sqlx::query_scalar(sqlx::AssertSqlSafe(query.to_owned()))
                    .fetch_one(&mut c)
                    .await
                    .expect("query")
            })
        }
    }
}
