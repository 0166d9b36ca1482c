//! `haven token add NAME --scope read|write [--sensitive]`, `haven token list`, `haven token
//! revoke ID`: bearer API tokens for the FHIR API and CDS Hooks, issued by an admin at the
//! command line. The secret is printed once and only its hash is stored. `--sensitive` lets
//! the token see sensitive history; without it, the token never does.
//!
//! Wiring (cli.rs / cmd/mod.rs), suggested:
//! `Token { #[command(subcommand)] command: TokenCommand }` with
//! `TokenCommand::Add { name: String, #[arg(long, default_value = "read")] scope: String }`,
//! `TokenCommand::List`, `TokenCommand::Revoke { id: String }`, dispatched to
//! `token::add(&store, &name, &scope)`, `token::list(&store)`, `token::revoke(&store, &id)`.

use anyhow::{Result, bail};
use haven_store::api_tokens::ApiScope;
use haven_store::{Actor, Store};

use crate::output;

/// `pub async fn add(store: &Store, name: &str, scope: &str, sensitive: bool) -> anyhow::Result<()>`
pub async fn add(store: &Store, name: &str, scope: &str, sensitive: bool) -> Result<()> {
    let Some(scope) = ApiScope::parse(scope) else {
        bail!("scope {scope:?} is not read or write");
    };
    if name.trim().is_empty() {
        bail!("give the token a name that says what it is for, e.g. \"EMIS integration\"");
    }
    let (token, secret) = store
        .create_api_token(&Actor::cli("token"), name.trim(), scope, sensitive)
        .await?;
    let warning = if sensitive {
        "\nWARNING: this token sees sensitive history (disclosures of torture, sexual violence and trafficking) in every FHIR read, search and export. Give it only to a clinical service that needs it; revoke it when it no longer does.\n"
    } else {
        ""
    };
    output::print(&format!(
        "API token {} ({}{}) for {:?}:\n\n    {secret}\n\nSend it as 'Authorization: Bearer <token>'. It is shown only now: Haven keeps only its hash.\n{warning}",
        token.id,
        scope.id(),
        if sensitive { ", sensitive" } else { "" },
        token.name
    ))
}

/// `pub async fn list(store: &Store) -> anyhow::Result<()>`
pub async fn list(store: &Store) -> Result<()> {
    let tokens = store.list_api_tokens().await?;
    let mut text = format!(
        "{:<18} {:<6} {:<9} {:<8} {:<26} NAME\n",
        "ID", "SCOPE", "SENSITIVE", "STATE", "CREATED"
    );
    for t in tokens {
        let state = if t.revoked { "revoked" } else { "active" };
        text.push_str(&format!(
            "{:<18} {:<6} {:<9} {:<8} {:<26} {}\n",
            t.id,
            t.scope.id(),
            if t.sensitive { "yes" } else { "no" },
            state,
            t.created_at,
            t.name
        ));
    }
    output::print(&text)
}

/// `pub async fn revoke(store: &Store, id: &str) -> anyhow::Result<()>`
pub async fn revoke(store: &Store, id: &str) -> Result<()> {
    if !store.revoke_api_token(&Actor::cli("token"), id).await? {
        bail!("there is no active API token {id} (see 'haven token list')");
    }
    output::print(&format!("API token {id} revoked\n"))
}
