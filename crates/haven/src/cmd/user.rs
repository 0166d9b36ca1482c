//! `haven user add` / `haven user passwd` / `haven user list`.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, Result, bail};
use haven_store::{Actor, Role, Store, User};

pub async fn add(
    store: &Store,
    name: &str,
    role: &str,
    display_name: Option<String>,
    password_stdin: bool,
) -> Result<()> {
    let role = Role::parse(role).with_context(|| format!("unknown role {role:?}"))?;
    if !haven_web::auth::valid_username(name) {
        bail!("user name {name:?}: use 2–64 lower-case letters, digits, '.', '-' or '_'");
    }
    if store.user(name).await?.is_some() {
        bail!("a user named {name:?} already exists; nothing was changed");
    }
    let password = read_password(password_stdin)?;
    haven_web::auth::check_new_password(&password)?;
    let display = display_name.unwrap_or_else(|| name.to_owned());
    create(
        store,
        &Actor::cli("user add"),
        name,
        &display,
        role,
        &password,
    )
    .await?;
    println!("added {name} as {}", role.id());
    Ok(())
}

/// Sets a new password; the store then ends every session of the account.
pub async fn passwd(store: &Store, name: &str, password_stdin: bool) -> Result<()> {
    if store.user(name).await?.is_none() {
        bail!("no user named {name:?}; nothing was changed (see `haven user list`)");
    }
    let password = read_password(password_stdin)?;
    haven_web::auth::check_new_password(&password)?;
    let hash = hash(password).await?;
    store
        .set_password_hash(&Actor::cli("user passwd"), name, &hash)
        .await?;
    println!("new password set for {name}; their sessions have ended");
    Ok(())
}

async fn hash(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || haven_web::auth::hash_password(&password))
        .await?
        .context("cannot hash the password")
}

/// Hashes the password (argon2id, off the async threads) and stores the new account.
pub async fn create(
    store: &Store,
    actor: &Actor,
    username: &str,
    display: &str,
    role: Role,
    password: &str,
) -> Result<()> {
    let hash = hash(password.to_owned()).await?;
    let user = User {
        username: username.to_owned(),
        display_name: display.to_owned(),
        role,
        password_hash: hash,
        active: true,
    };
    store.add_user(actor, &user).await?;
    Ok(())
}

pub async fn list(store: &Store) -> Result<()> {
    for u in store.users().await? {
        println!(
            "{:<24} {:<13} {}{}",
            u.username,
            u.role.id(),
            u.display_name,
            if u.active { "" } else { " (deactivated)" }
        );
    }
    Ok(())
}

fn read_password(from_stdin: bool) -> Result<String> {
    let stdin = std::io::stdin();
    if !from_stdin {
        if !stdin.is_terminal() {
            bail!("no terminal to ask for a password: use --password-stdin");
        }
        eprint!("password: ");
        std::io::stderr().flush()?;
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
