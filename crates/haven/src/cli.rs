//! Command-line arguments, parsed and validated before any work starts.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use haven_core::instruments::Instrument;
use time::Date;

#[derive(Debug, Parser)]
#[command(
    name = "haven",
    version,
    about = "Haven: care for people seeking asylum who have lived through torture and other human rights abuses"
)]
pub struct Cli {
    /// Database: a SQLite path, sqlite://PATH, or postgres://… (default ./haven.db).
    #[arg(long, global = true, env = "HAVEN_DB", default_value = "haven.db")]
    pub db: String,
    /// Practice policy file (`key = value` lines; see docs/policy.md). Its values are applied
    /// to the database at start, each change audited.
    #[arg(long, global = true, env = "HAVEN_POLICY_FILE")]
    pub policy_file: Option<PathBuf>,
    /// The audit key file, kept outside the database and its backups (default: the database's
    /// path with `.audit-key` added; created owner-only at first start). Required, with
    /// --audit-checkpoints, for a PostgreSQL database.
    #[arg(long, global = true, env = "HAVEN_AUDIT_KEY", value_name = "FILE")]
    pub audit_key: Option<PathBuf>,
    /// Where audit checkpoints are appended (default: the database's path with
    /// `.audit-checkpoints` added).
    #[arg(
        long,
        global = true,
        env = "HAVEN_AUDIT_CHECKPOINTS",
        value_name = "FILE"
    )]
    pub audit_checkpoints: Option<PathBuf>,
    /// The practice the command acts for, by number or ODS code (see `haven org list`): users
    /// and tokens are added to it, imports and demo patients filed under it, and worklists,
    /// exports and reports cover its patients only. Needed for those commands when the
    /// deployment has several practices; with one, that one.
    #[arg(long, global = true, env = "HAVEN_ORG", value_name = "ORG")]
    pub org: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database or bring its schema up to date.
    Migrate,
    /// Start the web UI, FHIR API and CDS Hooks service.
    Serve(ServeArgs),
    /// Add deterministic synthetic demo patients.
    Demo(DemoArgs),
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The care rules over the stored population.
    Worklist(WorklistArgs),
    /// Score one questionnaire.
    Score(ScoreArgs),
    /// Import FHIR R4 JSON: a resource, a Bundle or NDJSON (`-` for stdin).
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// About the most memory to use (`512M`, `2G`): NDJSON input larger than fits is read
        /// in parts by patient through temporary files (in `TMPDIR`), still stored in one
        /// transaction.
        #[arg(long, value_parser = parse_size, default_value = "512M")]
        memory_limit: u64,
        /// Read the input in this many parts whatever its size (for tests).
        #[arg(long, hide = true)]
        parts: Option<usize>,
    },
    /// Bulk NDJSON export, one file per resource type.
    Export {
        #[arg(long)]
        out: PathBuf,
        /// Include sensitive history (abuse disclosures).
        #[arg(long)]
        include_sensitive: bool,
    },
    /// Evaluate the care rules on FHIR input without touching any database.
    Evaluate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
        #[arg(long)]
        json: bool,
        /// About the most memory to use (`512M`, `2G`): input larger than fits is read in
        /// parts through temporary files (in `TMPDIR`).
        #[arg(long, value_parser = parse_size, default_value = "512M")]
        memory_limit: u64,
        /// Read the input in this many parts whatever its size (for tests).
        #[arg(long, hide = true)]
        parts: Option<usize>,
    },
    /// Reports for commissioners.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Practice policy for the care rules (intervals, thresholds, rules switched off).
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// Bearer API tokens for the FHIR API and CDS Hooks.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// The practices (organisations, by ODS code) of this deployment.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Consistent online backup to a file.
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup into the database; refuses a non-empty database without --force.
    Restore {
        file: PathBuf,
        #[arg(long)]
        force: bool,
    },
    /// Move a practice between SQLite and PostgreSQL: copy every table into an empty database
    /// in one transaction, then verify the copy (every row, every patient's rules view, the
    /// audit chain). Exits 1 naming the first difference. Stop Haven on the source first.
    MigrateDb(MigrateDbArgs),
}

#[derive(Debug, Args)]
pub struct MigrateDbArgs {
    /// The database to copy from: sqlite://PATH (or a path) or postgres://…. It is read, and
    /// gains one audit row naming the copy (before the snapshot, so the copy holds it too).
    #[arg(long, value_name = "URL")]
    pub from: String,
    /// The database to copy into, on the other backend: new or empty.
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// The source's audit checkpoint file (default: beside a SQLite source; required for a
    /// PostgreSQL source). The copy's audit chain is verified against it.
    #[arg(long, value_name = "FILE")]
    pub from_checkpoints: Option<PathBuf>,
    /// The target's audit checkpoint file (default: beside a SQLite target; required for a
    /// PostgreSQL target, and given to every `haven serve` on it as --audit-checkpoints).
    #[arg(long, value_name = "FILE")]
    pub to_checkpoints: Option<PathBuf>,
    /// Compare the two databases only, as after a copy, changing neither.
    #[arg(long)]
    pub verify_only: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[arg(long, env = "HAVEN_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Load demo patients and demo logins into an empty database first.
    #[arg(long)]
    pub demo: bool,
    /// Mark cookies Secure (set when Haven is served over TLS, e.g. behind a TLS proxy).
    #[arg(long, env = "HAVEN_SECURE_COOKIES")]
    pub secure_cookies: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[arg(long, default_value_t = 200)]
    pub patients: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The date the demo history is written relative to (default today).
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<Date>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from stdin with --password-stdin, else prompted.
    Add {
        name: String,
        #[arg(long, value_parser = ["admin", "clinician", "receptionist", "analyst"])]
        role: String,
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password for a user (ending their sessions); read from stdin with
    /// --password-stdin, else prompted.
    Passwd {
        name: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List,
}

#[derive(Debug, Args)]
pub struct WorklistArgs {
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<Date>,
    #[arg(long)]
    pub json: bool,
    /// Only patients whose named clinician is this user.
    #[arg(long)]
    pub clinician: Option<String>,
    #[arg(long)]
    pub patient: Option<String>,
    /// Print counts by urgency and rule instead of the list (any population size).
    #[arg(long)]
    pub counts: bool,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    #[arg(help = Instrument::ids_listed())]
    pub instrument: String,
    /// Item answers in published order, comma-separated.
    #[arg(long, allow_hyphen_values = true)]
    pub answers: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Interpreter need by language, mode and month, unmet need and planned contacts without
    /// a booking (counts of 1 to 4 shown as <5).
    Interpreters {
        #[arg(long, value_parser = parse_date)]
        from: Date,
        #[arg(long, value_parser = parse_date)]
        to: Date,
        #[arg(long, conflicts_with = "json")]
        csv: bool,
        #[arg(long)]
        json: bool,
        /// Each practice's tables (small numbers suppressed in each), then the tables across
        /// practices, added up from the figures shown for each (text or JSON).
        #[arg(long, conflicts_with = "csv")]
        by_org: bool,
    },
    /// Open actions by rule and urgency, screening uptake, referrals, asylum situations and
    /// languages: aggregates only, counts of 1 to 4 shown as <5.
    Population {
        /// The date the care rules are evaluated on (default: today).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
        #[arg(long, conflicts_with = "json")]
        csv: bool,
        #[arg(long)]
        json: bool,
        /// Each practice's tables (small numbers suppressed in each), then the tables across
        /// practices, added up from the figures shown for each (text or JSON).
        #[arg(long, conflicts_with = "csv")]
        by_org: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Issue a token; the secret is printed once.
    Add {
        /// What the token is for, e.g. "EMIS integration".
        name: String,
        #[arg(long, default_value = "read", value_parser = ["read", "write"])]
        scope: String,
        /// Let the token see sensitive history (disclosures of torture, sexual violence,
        /// trafficking) in FHIR read, search and export. Only for a clinical service that
        /// needs it; the grant is audited and cannot be changed later.
        #[arg(long)]
        sensitive: bool,
    },
    /// List tokens (never their secrets).
    List,
    /// Revoke a token by id.
    Revoke { id: String },
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// List the practices with their numbers, ODS codes and names.
    List,
    /// Add a practice.
    Add {
        /// Its ODS code (e.g. A81001).
        #[arg(long)]
        ods: String,
        /// Its name as staff know it.
        #[arg(long)]
        name: String,
    },
    /// Give a practice its ODS code and name (the practice a single-practice database was
    /// migrated into has none until then), or correct them.
    Rename {
        /// The practice's number or current ODS code.
        org: String,
        #[arg(long)]
        ods: String,
        #[arg(long)]
        name: String,
    },
    /// Grant a user the whole deployment: an administrator then sees and manages every
    /// practice on the web (/admin/practices), an analyst or administrator sees the reports
    /// across practices (/reports/practices). Patient records stay their own practice's.
    Grant {
        /// The user's username.
        username: String,
    },
    /// Withdraw that grant: the user sees their own practice only again.
    Revoke { username: String },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the audit log's chain end to end, and against every checkpoint.
    Verify {
        /// More checkpoints to compare (a checkpoint file kept elsewhere, a backup's manifest).
        #[arg(long, value_name = "FILE")]
        checkpoint: Vec<PathBuf>,
    },
    /// Sign the log's newest entry and append it to the checkpoint file.
    Checkpoint,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Show every policy setting with its value and default.
    Show,
    /// Change one setting (audited).
    Set { key: String, value: String },
}

pub fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text, &time::format_description::well_known::Iso8601::DATE)
        .map_err(|_| format!("{text:?} is not a date in the form YYYY-MM-DD"))
}

/// A size in bytes: a whole number with `K`, `M` or `G` (binary multiples, as memory is sold),
/// at least what `haven evaluate` needs besides its records.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let (number, unit) = match trimmed.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => trimmed.split_at(at),
        None => (trimmed, ""),
    };
    let shift = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        _ => return Err(format!("{text:?} is not a size such as 512M or 2G")),
    };
    let bytes = number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .ok_or_else(|| format!("{text:?} is not a size such as 512M or 2G"))?;
    let least = crate::cmd::MIN_MEMORY_LIMIT;
    if bytes < least {
        return Err(format!(
            "{text:?} is too little: at least {}M is needed",
            least >> 20
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod size_tests {
    use super::parse_size;

    #[test]
    fn sizes_read_in_binary_multiples_and_too_little_is_refused() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("1048576k"), Ok(1 << 30));
        assert!(parse_size("1M").unwrap_err().contains("too little"));
        assert!(parse_size("lots").unwrap_err().contains("not a size"));
        assert!(parse_size("1.5G").unwrap_err().contains("not a size"));
    }
}
