//! `haven serve`: the web UI, FHIR API and CDS Hooks on one address.

use anyhow::{Context, Result};
use haven_store::{Actor, Role};
use haven_web::AppState;

use crate::cli::{DemoArgs, ServeArgs};

pub async fn run(db: &super::Database, args: ServeArgs) -> Result<()> {
    let store = db.store().await?.clone();
    let mut logins = Vec::new();
    if args.demo {
        if store.is_empty().await? {
            for (username, display, role) in [
                ("demo", "Dr Demo Clinician", Role::Clinician),
                ("demo-admin", "Demo Administrator", Role::Admin),
                ("demo-reception", "Demo Receptionist", Role::Receptionist),
            ] {
                let password = super::demo::random_password();
                super::user::create(
                    &store,
                    &Actor::cli("serve --demo"),
                    username,
                    display,
                    role,
                    &password,
                )
                .await?;
                logins.push((username, role, password));
            }
            super::demo::run(
                &store,
                &DemoArgs {
                    patients: 200,
                    seed: 1,
                    as_of: None,
                },
            )
            .await?;
        } else {
            println!(
                "{} already holds data: --demo loads nothing into it",
                db.url
            );
            print_existing_logins(&store).await?;
        }
    }
    let policy = store.policy().await?;
    let listener = tokio::net::TcpListener::bind(&args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let addr = listener.local_addr()?;
    // Links are made from the public URL, else from this address: never a request's Host.
    let config = crate::settings::web_config(args.secure_cookies, addr)?;
    tracing::info!(
        fhir_writes = config.limits.fhir_writes,
        cds_calls = config.limits.cds_calls,
        exports = config.limits.exports,
        "heavy requests allowed at once"
    );
    // Listen for the signals before saying ready: a SIGTERM sent as soon as the server is
    // ready must stop it gracefully, not kill it the default way.
    let stop = stop_requested()?;
    let state = AppState::new(store, policy, config);
    spawn_policy_reload(state.clone());
    spawn_actions_refresh(state.clone());
    spawn_audit_checkpoints(state.store.clone());
    spawn_export_tidy(state.clone());
    println!("Haven is ready at http://{addr}/");
    for (username, role, password) in &logins {
        println!(
            "  {:<13} user {username:<15} password {password}",
            role.id()
        );
    }
    tracing::info!(%addr, "serving");
    haven_web::serve(listener, state, stop)
        .await
        .context("the server stopped with an error")?;
    tracing::info!("every request in flight answered; closing the database");
    // `Database::close` writes the shutdown checkpoint and closes the pool's connections.
    Ok(())
}

/// Resolves when the process is asked to stop: Ctrl-C (SIGINT), or SIGTERM, which service
/// managers and container runtimes send. The server then takes no new connection, answers
/// every request already received, and returns, so that the database is closed cleanly.
fn stop_requested() -> Result<impl std::future::Future<Output = ()> + Send + 'static> {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("cannot listen for SIGTERM")?;
    Ok(async move {
        #[cfg(unix)]
        let term = async move {
            term.recv().await;
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        let signal = tokio::select! {
            _ = tokio::signal::ctrl_c() => "SIGINT",
            () = term => "SIGTERM",
        };
        tracing::info!(signal, "stopping: finishing the requests in flight");
    })
}

/// Anchors the audit log while serving: a checkpoint every minute when entries were added,
/// and at once after many, so the newest entries cannot be removed unnoticed for long.
fn spawn_audit_checkpoints(store: haven_store::Store) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = store.audit_checkpoint_due() => {}
            }
            if let Err(e) = store.audit_checkpoint_if_moved().await {
                tracing::warn!(error = %e, "audit checkpoint failed; retrying in a minute");
            }
        }
    });
}

/// Keeps Bulk Data exports tidy while serving: at start and then every few minutes, marks
/// failed the exports whose server stopped (their heartbeat is a minute old) and deletes the
/// exports, with their files, finished longer ago than `HAVEN_EXPORT_RETENTION_HOURS`.
fn spawn_export_tidy(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(300));
        loop {
            tick.tick().await;
            if let Err(e) =
                haven_web::fhir_api::tidy_exports(&state.store, &state.config.fhir).await
            {
                tracing::warn!(error = %e, "tidying bulk exports failed; retrying in five minutes");
            }
        }
    });
}

/// On a database that already holds the demo, says how to sign in: the passwords were printed
/// only when the accounts were made, so name the accounts and how to set a new password.
async fn print_existing_logins(store: &haven_store::Store) -> Result<()> {
    let users = store.users().await?;
    let active: Vec<_> = users.iter().filter(|u| u.active).collect();
    if active.is_empty() {
        println!(
            "  no one can sign in yet: add an account with `haven user add NAME --role admin`"
        );
        return Ok(());
    }
    println!("  sign in with an existing account:");
    for u in &active {
        println!("  {:<13} user {}", u.role.id(), u.username);
    }
    println!(
        "  passwords are shown only when an account is made; to set a new one:\n  haven user passwd NAME --password-stdin"
    );
    Ok(())
}

/// How often a server rereads the practice policy, so that a change an admin makes on another
/// server on the same database is followed here within this time.
const POLICY_RELOAD: std::time::Duration = std::time::Duration::from_secs(15);

/// Rereads the stored policy every [`POLICY_RELOAD`].
fn spawn_policy_reload(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(POLICY_RELOAD);
        loop {
            tick.tick().await;
            if let Err(e) = state.reload_policy().await {
                tracing::warn!(error = %e, "rereading the policy failed; keeping the last one read");
            }
        }
    });
}

/// Keeps the stored actions current: at start and then every few minutes, re-evaluates everyone
/// when the date, the policy or a rule's version has changed (a no-op otherwise), so no
/// clinician waits for the first worklist of the day or after an upgrade. Through the pages'
/// refresher, so a page asking meanwhile joins this refresh rather than starting another; the
/// refresher logs how it ended.
fn spawn_actions_refresh(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(300));
        loop {
            tick.tick().await;
            // The stored policy, not this server's copy: evaluating everyone with a policy
            // another server's admin has since changed would undo that server's refresh.
            if let Err(e) = state.reload_policy().await {
                tracing::warn!(error = %e, "reading the policy failed; refreshing with the last one read");
            }
            // A failure is logged by the refresher; the next tick or page view tries again.
            let _ = state
                .refresher
                .refresh(&state.policy(), state.today())
                .await;
        }
    });
}
