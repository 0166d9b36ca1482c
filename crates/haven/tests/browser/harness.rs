//! Starts what each browser test needs, all its own: the real `haven` binary on a fresh
//! database of the test's backend (a SQLite file, or a PostgreSQL database: `support/`) and a
//! free port, a chromedriver on a free port, and headless Chromium with a fresh profile.
//! Everything is stopped (and the PostgreSQL database dropped) when the values are dropped.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use tempfile::TempDir;

use crate::database::TestDb;
use crate::webdriver::{Session, http};

/// Every account the tests create signs in with this (Haven requires at least 12 characters).
pub const PASSWORD: &str = "synthetic-test-passphrase";

/// The window every test (and every screenshot) uses.
pub const WINDOW: (u32, u32) = (1280, 900);

/// Where Chromium and chromedriver were found.
#[derive(Debug, PartialEq)]
pub struct Tools {
    chromium: PathBuf,
    chromedriver: PathBuf,
}

pub const SKIPPED: &str = "SKIPPED: chromium/chromedriver not installed";

/// What a test does given the programs found and whether it runs on CI.
#[derive(Debug, PartialEq)]
enum Availability {
    Run(Tools),
    Skip,
    Fail,
}

fn availability(
    chromium: Option<PathBuf>,
    chromedriver: Option<PathBuf>,
    ci: bool,
) -> Availability {
    match (chromium, chromedriver) {
        (Some(chromium), Some(chromedriver)) => Availability::Run(Tools {
            chromium,
            chromedriver,
        }),
        // CI installs Chromium (.ci/run), so its absence there is a fault, not a skip.
        _ if ci => Availability::Fail,
        _ => Availability::Skip,
    }
}

/// A Haven with one user and a browser signed in as them: most browser tests start so.
/// `None` where [`tools_or_skip`] skips (no Chromium outside CI).
pub async fn signed_in(username: &str, role: &str) -> Option<(Haven, Browser)> {
    let tools = tools_or_skip()?;
    let haven = Haven::start(&Setup {
        users: &[(username, role)],
        ..Setup::default()
    })
    .await;
    let browser = Browser::launch(&tools, &haven);
    browser.sign_in(username);
    Some((haven, browser))
}

/// The browser tools, or `None` after saying the test is skipped. On CI (`CI=true`) a missing
/// browser fails the test instead.
pub fn tools_or_skip() -> Option<Tools> {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    match availability(find_program("chromium"), find_program("chromedriver"), ci) {
        Availability::Run(tools) => Some(tools),
        Availability::Fail => {
            panic!("CI=true but chromium/chromedriver are not installed (.ci/run installs them)")
        }
        Availability::Skip => {
            // Straight to stderr: the test harness captures `println!`, and a skip must be seen.
            let _ = writeln!(std::io::stderr(), "{SKIPPED}");
            None
        }
    }
}

/// The program on `PATH` (or in /usr/bin when `PATH` is unset).
fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin".into());
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

#[test]
fn a_missing_browser_skips_locally_and_fails_on_ci() {
    let found = || Some(PathBuf::from("/usr/bin/x"));
    for ci in [false, true] {
        assert!(matches!(
            availability(found(), found(), ci),
            Availability::Run(_)
        ));
    }
    assert_eq!(availability(None, found(), false), Availability::Skip);
    assert_eq!(availability(found(), None, false), Availability::Skip);
    assert_eq!(availability(None, None, true), Availability::Fail);
    assert_eq!(availability(found(), None, true), Availability::Fail);
}

/// A port nobody is listening on right now.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local address").port()
}

/// Polls `check` every 50 ms until it is true or `limit` passes.
pub fn wait_until(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    loop {
        if check() {
            return true;
        }
        if start.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A child process killed when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The real `haven` binary serving its own database.
pub struct Haven {
    pub base: String,
    // Declared before the database and its directory so the server stops before they go.
    _server: Process,
    _database: TestDb,
    dir: TempDir,
}

/// How to prepare the database before the server starts.
#[derive(Default)]
pub struct Setup<'a> {
    /// `(username, role)`: each signs in with [`PASSWORD`].
    pub users: &'a [(&'a str, &'a str)],
    /// Synthetic demo patients (`haven demo --patients N`).
    pub demo_patients: Option<u32>,
}

impl Haven {
    /// Prepares a database on the running test's backend and serves it.
    pub async fn start(setup: &Setup<'_>) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = TestDb::fresh(dir.path()).await;
        run_cli(&db, &["migrate"], "");
        for (name, role) in setup.users {
            run_cli(
                &db,
                &["user", "add", name, "--role", role, "--password-stdin"],
                &format!("{PASSWORD}\n"),
            );
        }
        if let Some(n) = setup.demo_patients {
            run_cli(&db, &["demo", "--patients", &n.to_string()], "");
        }
        let log = std::fs::File::create(dir.path().join("server.log")).expect("server log");
        let mut child = haven_command(&db)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("start haven serve");
        let stdout = child.stdout.take().expect("server stdout");
        let server = Process(child);
        let (tx, rx) = std::sync::mpsc::channel();
        // Reads the address from the first line, then keeps draining so the pipe never fills.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("Haven is ready at ") {
                    let _ = tx.send(rest.trim_end_matches('/').to_owned());
                }
            }
        });
        let base = rx
            .recv_timeout(Duration::from_secs(15))
            .expect("haven serve printed \"Haven is ready at http://…\" within 15 s");
        Self {
            base,
            _server: server,
            _database: db,
            dir,
        }
    }

    pub fn temp_dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Haven {
    fn drop(&mut self) {
        // A failing test's server log would go with its temporary directory: show it first.
        if std::thread::panicking() {
            let log =
                std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default();
            let _ = writeln!(std::io::stderr(), "haven serve log:\n{log}");
        }
    }
}

fn haven_command(db: &TestDb) -> Command {
    let mut cmd = db.haven();
    cmd.env_remove("HAVEN_ADDR").env("HAVEN_LOG", "warn");
    cmd
}

fn run_cli(db: &TestDb, args: &[&str], stdin: &str) {
    let mut child = haven_command(db)
        .args(args)
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
    let out = child.wait_with_output().expect("wait for haven");
    assert!(
        out.status.success(),
        "haven {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// chromedriver and one headless Chromium session.
pub struct Browser {
    pub session: Session,
    pub base: String,
    _driver: Process,
    _profile: TempDir,
}

impl Browser {
    pub fn launch(tools: &Tools, haven: &Haven) -> Self {
        let (driver, addr) = start_chromedriver(&tools.chromedriver);
        let profile = tempfile::tempdir().expect("profile dir");
        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--hide-scrollbars".into(),
            format!("--window-size={},{}", WINDOW.0, WINDOW.1),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": tools.chromium.to_string_lossy(),
                "args": args,
            },
        });
        let session = Session::new(addr, caps).expect("start a Chromium session");
        session
            .set_timeouts(Duration::from_secs(15), Duration::from_secs(10))
            .expect("timeouts");
        fit_viewport(&session);
        Self {
            session,
            base: haven.base.clone(),
            _driver: driver,
            _profile: profile,
        }
    }
}

/// Starts chromedriver on a free port and waits until it is ready. The port is free when
/// chosen but another test may take it first, so a driver that never answers is replaced.
fn start_chromedriver(program: &Path) -> (Process, SocketAddr) {
    for _ in 0..3 {
        let port = free_port();
        let mut driver = Process(
            Command::new(program)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start chromedriver"),
        );
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let ready = wait_until(Duration::from_secs(10), || {
            if matches!(driver.0.try_wait(), Ok(Some(_))) {
                return true; // exited: stop waiting, checked below
            }
            http(addr, "GET", "/status", None)
                .is_ok_and(|(_, v)| v["value"]["ready"].as_bool() == Some(true))
        });
        if ready && matches!(driver.0.try_wait(), Ok(None)) {
            return (driver, addr);
        }
    }
    panic!("chromedriver did not start on a free port in three tries");
}

/// Sizes the window so that the page area (what screenshots capture) is exactly [`WINDOW`]:
/// the window size includes the browser's own frame, whose height varies by version.
fn fit_viewport(session: &Session) {
    let (mut width, mut height) = WINDOW;
    for _ in 0..3 {
        session.set_window_size(width, height).expect("window size");
        let inner = session
            .execute("return [window.innerWidth, window.innerHeight];", vec![])
            .expect("viewport size");
        let inner_width = inner[0].as_u64().expect("innerWidth") as u32;
        let inner_height = inner[1].as_u64().expect("innerHeight") as u32;
        if (inner_width, inner_height) == WINDOW {
            return;
        }
        width += WINDOW.0.saturating_sub(inner_width);
        height += WINDOW.1.saturating_sub(inner_height);
    }
    panic!("could not size the page area to {WINDOW:?}");
}
