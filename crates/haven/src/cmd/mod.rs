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
use haven_store::{Clock, Store};

use crate::cli::{
    AuditCommand, Cli, Command, PolicyCommand, ReportCommand, TokenCommand, UserCommand,
};

/// Opens the database on `clock`, with a progress bar while stale rules views are rebuilt, and
/// warns on stderr of any patient the rules cannot see.
pub async fn open(db: &str, clock: Clock) -> Result<Store> {
    let bar = std::sync::OnceLock::new();
    let progress = |done: u64, total: u64| {
        bar.get_or_init(|| crate::progress::bar(total, "rebuilding"))
            .set_position(done);
    };
    let store = Store::open_with(db, clock, &progress)
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

/// Runs the command; `clock` is the one every part of Haven reads "today" from.
pub async fn run(cli: Cli, clock: Clock) -> Result<()> {
    if let Some(path) = &cli.policy_file {
        policy::apply_file(&open(&cli.db, clock).await?, path).await?;
    }
    match cli.command {
        Command::Migrate => {
            open(&cli.db, clock).await?;
            println!("database {} is ready", cli.db);
            Ok(())
        }
        Command::Serve(args) => serve::run(&cli.db, clock, args).await,
        Command::Demo(args) => demo::run(&open(&cli.db, clock).await?, &args)
            .await
            .map(|_| ()),
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
                &open(&cli.db, clock).await?,
                &name,
                &role,
                display_name,
                password_stdin,
            )
            .await
        }
        Command::User {
            command: UserCommand::List,
        } => user::list(&open(&cli.db, clock).await?).await,
        Command::Audit {
            command: AuditCommand::Verify,
        } => audit::verify(&open(&cli.db, clock).await?).await,
        Command::Backup { out } => backup::backup(&open(&cli.db, clock).await?, &out).await,
        Command::Restore { file, force } => backup::restore(&cli.db, &file, force).await,
        Command::Worklist(args) => worklist::run(&open(&cli.db, clock).await?, &args).await,
        Command::Score(args) => score::run(&args),
        Command::Policy {
            command: PolicyCommand::Show,
        } => policy::show(&open(&cli.db, clock).await?).await,
        Command::Policy {
            command: PolicyCommand::Set { key, value },
        } => policy::set(&open(&cli.db, clock).await?, &key, &value).await,
        Command::Import { files } => import::run(&open(&cli.db, clock).await?, &files).await,
        Command::Export {
            out,
            include_sensitive,
        } => export::run(&open(&cli.db, clock).await?, &out, include_sensitive).await,
        Command::Evaluate { files, as_of, json } => {
            evaluate::run(&files, as_of, json, clock.today()).await
        }
        Command::Token {
            command: TokenCommand::Add { name, scope },
        } => token::add(&open(&cli.db, clock).await?, &name, &scope).await,
        Command::Token {
            command: TokenCommand::List,
        } => token::list(&open(&cli.db, clock).await?).await,
        Command::Token {
            command: TokenCommand::Revoke { id },
        } => token::revoke(&open(&cli.db, clock).await?, &id).await,
        Command::Report {
            command:
                ReportCommand::Interpreters {
                    from,
                    to,
                    csv,
                    json,
                },
        } => report::interpreters(&open(&cli.db, clock).await?, from, to, csv, json).await,
    }
}
