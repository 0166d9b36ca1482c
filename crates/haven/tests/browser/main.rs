//! Haven's web UI in a real browser: headless Chromium driven over WebDriver against the real
//! `haven` binary, one server, database and browser per test; each test runs on SQLite and on
//! PostgreSQL (`haven_testdb::both!`, whose rule applies when PostgreSQL is absent).
//!
//! Needs `chromium` and `chromedriver` (Debian packages `chromium`, `chromium-driver`). Without
//! them each test prints "SKIPPED: chromium/chromedriver not installed" and passes, except when
//! `CI=true`, where a missing browser fails. The handout tests also need Debian's
//! `fonts-noto-core`, the fonts the handouts' print style sheet names, and fail without them.
//! `HAVEN_SCREENSHOTS=1` also writes the screenshots in `docs/screenshots/` (see its README).

mod accessibility;
mod assessments;
mod bidi;
mod clinician;
mod coordination;
#[path = "../support/database.rs"]
mod database;
mod flows;
mod fonts;
mod handouts;
mod harness;
mod pages;
mod reception;
mod referrals;
mod reports;
mod screenshots;
#[allow(dead_code)] // the harness starts its own server; it takes the binary's command from here
#[path = "../support/server.rs"]
mod server;
mod validation;
mod webdriver;
