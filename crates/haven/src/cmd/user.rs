//! `haven user add` / `haven user list`.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, Result, bail};
use haven_store::{Actor, Role, Store, User};

/// Minimum password length for accounts that can see clinical records.
pub const MIN_PASSWORD: usize = 12;

pub async fn add(
    store: &Store,
    name: &str,
    role: &str,
    display_name: Option<String>,
    password_stdin: bool,
) -> Result<()> {
    let role = Role::parse(role).with_context(|| format!("unknown role {role:?}"))?;
    validate_username(name)?;
    if store.user(name).await?.is_some() {
        bail!("a user named {name:?} already exists; nothing was changed");
    }
    let password = read_password(password_stdin)?;
    if password.chars().count() < MIN_PASSWORD {
        bail!("the password must have at least {MIN_PASSWORD} characters");
    }
    let hash =
        tokio::task::spawn_blocking(move || haven_web::auth::hash_password(&password)).await??;
    let user = User {
        username: name.to_owned(),
        display_name: display_name.unwrap_or_else(|| name.to_owned()),
        role,
        password_hash: hash,
        active: true,
    };
    store.add_user(&Actor::cli("user add"), &user).await?;
    println!("added {name} as {}", role.id());
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

pub fn validate_username(name: &str) -> Result<()> {
    let ok = (2..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'));
    if !ok {
        bail!("user name {name:?}: use 2–64 letters, digits, '.', '-', '_' or '@'");
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
