//! `haven policy show|set`: the practice's care-rule policy, each change audited.

use anyhow::Result;
use haven_store::{Actor, Store};

pub async fn show(store: &Store) -> Result<()> {
    for e in store.policy().await?.entries() {
        let marker = if e.value == e.default { "" } else { "  (changed)" };
        println!("{} = {}{marker}\n    {} Default: {}.", e.key, e.value, e.description, if e.default.is_empty() { "none" } else { &e.default });
    }
    Ok(())
}

pub async fn set(store: &Store, key: &str, value: &str) -> Result<()> {
    if store.set_policy(&Actor::cli("policy set"), key, value).await? {
        println!("{key} changed");
    } else {
        println!("{key} already has that value; nothing changed");
    }
    Ok(())
}
