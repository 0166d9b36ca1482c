//! One module per command; `run` dispatches.

mod audit;
mod backup;
mod database;
mod demo;
mod evaluate;
mod export;
mod fhir_input;
mod import;
mod migrate_db;
mod org;
mod parts;
mod policy;
mod report;
mod score;
mod serve;
mod token;
mod user;
mod worklist;

/// The least `--memory-limit` (`haven evaluate`, `haven import`) takes.
pub const MIN_MEMORY_LIMIT: u64 = parts::MIN_LIMIT;

use anyhow::{Context, Result};
use haven_store::{AuditFiles, Clock, Store};

use database::Database;

use crate::cli::{
    AuditCommand, Cli, Command, PolicyCommand, ReportCommand, TokenCommand, UserCommand,
};

/// Opens the database with its audit files on `clock`, with a progress bar while stale rules views are
/// rebuilt, and warns on stderr of any patient the rules cannot see.
async fn open(db: &str, audit: &AuditFiles, clock: Clock) -> Result<Store> {
    let bar = std::sync::OnceLock::new();
    let progress = |done: u64, total: u64| {
        bar.get_or_init(|| crate::progress::bar(total, "rebuilding"))
            .set_position(done);
    };
    let pool = crate::settings::pool_settings()?;
    let store = Store::open_pooled(db, audit, clock, pool, &progress)
        .await
        .with_context(|| format!("cannot open the database {}", haven_store::shown_url(db)))?;
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
    let db = Database::new(&cli, clock);
    let outcome = dispatch(cli, &db).await;
    let closed = db.close().await;
    outcome.and(closed)
}

/// The store confined to the practice `--org` names, or the whole deployment without one
/// (where adding a user, a token or patients then means its only practice, and several
/// practices are refused as ambiguous by the store).
async fn scoped(db: &Database, org: &Option<String>) -> Result<haven_store::Store> {
    let store = db.store().await?;
    Ok(match org {
        Some(which) => store.within(store.practice(which).await?.id),
        None => store.clone(),
    })
}

async fn dispatch(cli: Cli, db: &Database) -> Result<()> {
    if let Some(path) = &cli.policy_file {
        policy::apply_file(db.store().await?, path).await?;
    }
    let org = cli.org.clone();
    match cli.command {
        Command::Migrate => {
            db.store().await?;
            println!("database {} is ready", cli.db);
            Ok(())
        }
        Command::Serve(args) => serve::run(db, args).await,
        Command::Demo(args) => demo::run(&scoped(db, &org).await?, &args).await.map(|_| ()),
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
                &scoped(db, &org).await?,
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
        } => user::passwd(&scoped(db, &org).await?, &name, password_stdin).await,
        Command::User {
            command: UserCommand::List,
        } => user::list(&scoped(db, &org).await?).await,
        Command::Audit {
            command: AuditCommand::Verify { checkpoint },
        } => audit::verify(&scoped(db, &org).await?, &checkpoint).await,
        Command::Audit {
            command: AuditCommand::Checkpoint,
        } => audit::checkpoint(db).await,
        Command::Backup { out } => backup::backup(&scoped(db, &org).await?, &out).await,
        Command::Restore { file, force } => backup::restore(db, &file, force).await,
        Command::MigrateDb(args) => migrate_db::run(db, &args).await,
        Command::Worklist(args) => worklist::run(&scoped(db, &org).await?, &args).await,
        Command::Score(args) => score::run(&args),
        Command::Policy {
            command: PolicyCommand::Show,
        } => policy::show(&scoped(db, &org).await?).await,
        Command::Policy {
            command: PolicyCommand::Set { key, value },
        } => policy::set(&scoped(db, &org).await?, &key, &value).await,
        Command::Import {
            files,
            memory_limit,
            parts,
        } => {
            let reading = parts::Reading {
                memory_limit,
                parts,
            };
            import::run(&scoped(db, &org).await?, &files, reading).await
        }
        Command::Export {
            out,
            include_sensitive,
        } => export::run(&scoped(db, &org).await?, &out, include_sensitive).await,
        Command::Evaluate {
            files,
            as_of,
            json,
            memory_limit,
            parts,
        } => {
            let reading = parts::Reading {
                memory_limit,
                parts,
            };
            evaluate::run(&files, as_of, json, reading, db.clock.today()).await
        }
        Command::Token {
            command:
                TokenCommand::Add {
                    name,
                    scope,
                    sensitive,
                },
        } => token::add(&scoped(db, &org).await?, &name, &scope, sensitive).await,
        Command::Token {
            command: TokenCommand::List,
        } => token::list(&scoped(db, &org).await?).await,
        Command::Token {
            command: TokenCommand::Revoke { id },
        } => token::revoke(&scoped(db, &org).await?, &id).await,
        Command::Report {
            command:
                ReportCommand::Interpreters {
                    from,
                    to,
                    csv,
                    json,
                    by_org,
                },
        } => {
            report::interpreters(
                &scoped(db, &org).await?,
                from,
                to,
                report::Format::new(csv, json),
                by_org,
            )
            .await
        }
        Command::Org { command } => org::run(db.store().await?, command).await,
        Command::Report {
            command:
                ReportCommand::Population {
                    as_of,
                    csv,
                    json,
                    by_org,
                },
        } => {
            report::population(
                &scoped(db, &org).await?,
                as_of,
                report::Format::new(csv, json),
                by_org,
            )
            .await
        }
    }
}
