//! `haven serve`: the web UI, FHIR API and CDS Hooks on one address.

use anyhow::{Context, Result};
use haven_store::Role;
use haven_web::{AppState, WebConfig};

use crate::cli::{DemoArgs, ServeArgs};

pub async fn run(db: &str, args: ServeArgs) -> Result<()> {
    let store = super::open(db).await?;
    let mut logins = Vec::new();
    if args.demo {
        if store.is_empty().await? {
            for (username, display, role) in [
                ("demo", "Dr Demo Clinician", Role::Clinician),
                ("demo-admin", "Demo Administrator", Role::Admin),
                ("demo-reception", "Demo Receptionist", Role::Receptionist),
            ] {
                let password = super::demo::random_password();
                super::demo::create_user(&store, username, display, role, &password).await?;
                logins.push((username, role, password));
            }
            super::demo::run(&store, &DemoArgs { patients: 200, seed: 1, as_of: None }).await?;
        } else {
            println!("{db} already holds data: --demo loads nothing into it");
        }
    }
    let policy = store.policy().await?;
    let state = AppState::new(store, policy, WebConfig { secure_cookies: args.secure_cookies, ..WebConfig::default() });
    let listener = tokio::net::TcpListener::bind(&args.addr).await.with_context(|| format!("cannot listen on {}", args.addr))?;
    let addr = listener.local_addr()?;
    println!("Haven is ready at http://{addr}/");
    for (username, role, password) in &logins {
        println!("  {:<13} user {username:<15} password {password}", role.id());
    }
    tracing::info!(%addr, "serving");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    haven_web::serve(listener, state, shutdown).await.context("the server stopped with an error")
}
