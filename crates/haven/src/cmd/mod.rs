//! One module per command; `run` dispatches.

mod audit;
mod backup;
mod demo;
mod evaluate;
mod export;
mod fhir_input;
mod import;
mod policy;
mod report;
mod score;
mod serve;
mod token;
mod user;
mod worklist;

use anyhow::{Context, Result};
use haven_store::Store;
use time::Date;

use crate::cli::{
    AuditCommand, Cli, Command, PolicyCommand, ReportCommand, TokenCommand, UserCommand,
};

/// Today's date in UTC: the only place the binary reads the calendar for the domain.
pub fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

/// Opens the database, with a progress bar while stale rules views are rebuilt, and warns on
/// stderr of any patient the rules cannot see.
pub async fn open(db: &str) -> Result<Store> {
    let bar = std::sync::OnceLock::new();
    let progress = |done: u64, total: u64| {
        bar.get_or_init(|| crate::progress::bar(total, "rebuilding"))
            .set_position(done);
    };
    let store = Store::open_with_progress(db, &progress)
        .await
        .with_context(|| format!("cannot open the database {db}"))?;
    if let Some(bar) = bar.get() {
        bar.finish_and_clear();
    }
    let failures = store.rule_view_failures().await?;
    if !failures.is_empty() {
        eprintln!(
            "warning: {} patient(s) could not be evaluated and are missing from worklists: {} (see Admin, Record health)",
            failures.len(),
            failures
                .iter()
                .map(|f| f.patient_id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(store)
}

pub async fn run(cli: Cli) -> Result<()> {
    if let Some(path) = &cli.policy_file {
        policy::apply_file(&open(&cli.db).await?, path).await?;
    }
    match cli.command {
        Command::Migrate => {
            open(&cli.db).await?;
            println!("database {} is ready", cli.db);
            Ok(())
        }
        Command::Serve(args) => serve::run(&cli.db, args).await,
        Command::Demo(args) => demo::run(&open(&cli.db).await?, &args).await.map(|_| ()),
        Command::User {
            command:
                UserCommand::Add {
                    name,
                    role,
                    display_name,
                    password_stdin,
                },
        } => {
            user::add(
                &open(&cli.db).await?,
                &name,
                &role,
                display_name,
                password_stdin,
            )
            .await
        }
        Command::User {
            command:
                UserCommand::Passwd {
                    name,
                    password_stdin,
                },
        } => user::passwd(&open(&cli.db).await?, &name, password_stdin).await,
        Command::User {
            command: UserCommand::List,
        } => user::list(&open(&cli.db).await?).await,
        Command::Audit {
            command: AuditCommand::Verify,
        } => audit::verify(&open(&cli.db).await?).await,
        Command::Backup { out } => backup::backup(&open(&cli.db).await?, &out).await,
        Command::Restore { file, force } => backup::restore(&cli.db, &file, force).await,
        Command::Worklist(args) => worklist::run(&open(&cli.db).await?, &args).await,
        Command::Score(args) => score::run(&args),
        Command::Policy {
            command: PolicyCommand::Show,
        } => policy::show(&open(&cli.db).await?).await,
        Command::Policy {
            command: PolicyCommand::Set { key, value },
        } => policy::set(&open(&cli.db).await?, &key, &value).await,
        Command::Import { files } => import::run(&open(&cli.db).await?, &files).await,
        Command::Export {
            out,
            include_sensitive,
        } => export::run(&open(&cli.db).await?, &out, include_sensitive).await,
        Command::Evaluate { files, as_of, json } => evaluate::run(&files, as_of, json).await,
        Command::Token {
            command: TokenCommand::Add { name, scope },
        } => token::add(&open(&cli.db).await?, &name, &scope).await,
        Command::Token {
            command: TokenCommand::List,
        } => token::list(&open(&cli.db).await?).await,
        Command::Token {
            command: TokenCommand::Revoke { id },
        } => token::revoke(&open(&cli.db).await?, &id).await,
        Command::Report {
            command:
                ReportCommand::Interpreters {
                    from,
                    to,
                    csv,
                    json,
                },
        } => report::interpreters(&open(&cli.db).await?, from, to, csv, json).await,
    }
}
