//! The real `haven` binary for the binary's own end-to-end tests: a command on a database,
//! and `haven serve` on a free port. Shared by `resilience.rs` and `fhir_clients.rs`
//! (`#[path]`-included, so each test crate takes what it uses).

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

/// The binary under test on the database `db` (a SQLite file or a `postgres://` URL): this
/// build's, or `HAVEN_LOAD_BIN` (a release build, for the figures in BENCHMARKS.md). Settings
/// from the caller's environment are left out.
pub fn haven(db: impl AsRef<OsStr>) -> Command {
    let bin = std::env::var_os("HAVEN_LOAD_BIN")
        .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_haven")), PathBuf::from);
    let mut cmd = Command::new(bin);
    cmd.arg("--db").arg(db);
    for name in [
        "HAVEN_DB",
        "HAVEN_AUDIT_KEY",
        "HAVEN_AUDIT_CHECKPOINTS",
        "HAVEN_ORG",
        "HAVEN_POLICY_FILE",
        "HAVEN_CDS_ISSUERS",
        "HAVEN_PUBLIC_URL",
    ] {
        cmd.env_remove(name);
    }
    cmd
}

/// Runs `cmd` to completion with `stdin` written to it; its stdout, or the test fails with its
/// output.
#[allow(dead_code)] // not every test crate including this runs commands this way
pub fn succeed(mut cmd: Command, stdin: &str) -> String {
    use std::io::Write;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run haven");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("haven output");
    assert!(
        out.status.success(),
        "haven {:?} failed:\n{}{}",
        cmd.get_args().collect::<Vec<_>>(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `haven serve` on a free port, killed (SIGKILL) when dropped unless stopped first.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    /// `haven serve` on a free port, run as `command` (from [`haven`], with any global
    /// arguments and settings of the test's own).
    pub fn spawn(mut command: Command) -> Self {
        let mut child = command
            .args(["serve", "--addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start haven serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("Haven is ready at ") {
                    let _ = tx.send(rest.trim_end_matches('/').to_owned());
                }
            }
        });
        let base = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("haven serve became ready");
        Self { child, base }
    }

    /// The server's peak resident memory so far, in MiB (Linux).
    pub fn peak_mib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024)
    }

    /// The server's process id.
    #[allow(dead_code)]
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Asks the server to stop with SIGTERM, as a service manager does.
    #[allow(dead_code)]
    pub fn terminate(&self) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "SIGTERM sent to haven serve");
    }

    /// Waits for the server to exit (after [`Server::terminate`]), at most `limit`.
    #[allow(dead_code)]
    pub fn wait_for_exit(&mut self, limit: Duration) -> ExitStatus {
        let until = std::time::Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for haven serve") {
                return status;
            }
            assert!(
                std::time::Instant::now() < until,
                "haven serve did not exit within {limit:?} of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL: no shutdown hook runs, as in a crash or a power cut of the process.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
