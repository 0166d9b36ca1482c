//! Haven's FHIR API driven by a FHIR client nobody here wrote: fhirpy from PyPI, against the
//! real binary serving a real database, SQLite and PostgreSQL (`haven_testdb::both!`).
//! `.ci/run` installs it in a virtual environment and names its Python in
//! `HAVEN_FHIRPY_PYTHON`; without it the test says it was skipped, except under `CI=true`,
//! where it must run.

use std::process::Command;

#[path = "support/server.rs"]
#[allow(dead_code)] // the load test's figures are not read here
mod server;

#[path = "support/database.rs"]
mod database;

use database::TestDb;
use server::Server;

haven_testdb::both! {
    async fn fhirpy_reads_searches_writes_and_understands_haven_s_errors() {
        let Some(python) = haven_testdb::fhirpy_or_skip("fhirpy conformance test") else {
            return;
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let db = TestDb::fresh(dir.path()).await;
        let out = db
            .haven()
            .args(["token", "add", "fhirpy", "--scope", "write"])
            .output()
            .expect("token add");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let printed = String::from_utf8_lossy(&out.stdout);
        let token = printed
            .split_whitespace()
            .find(|w| w.starts_with("hvn_"))
            .expect("the token is printed")
            .to_owned();

        let server = Server::spawn(db.haven());
        let base = server.base.clone();

        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fhir_clients/fhirpy_conformance.py"
        );
        let run = Command::new(&python)
            .args([script, &format!("{base}/fhir"), &token])
            .output()
            .expect("run the fhirpy script");
        drop(server);
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
        eprintln!("{said}");
        assert!(run.status.success(), "fhirpy checks failed:\n{said}");
        assert!(said.contains("fhirpy: all checks passed"), "{said}");
    }
}
