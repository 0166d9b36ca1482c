//! `haven policy show|set`: the practice's care-rule policy, each change audited.

use std::path::Path;

use anyhow::{Context, Result, bail};
use haven_core::policy::Policy;
use haven_store::{Actor, Store};

pub async fn show(store: &Store) -> Result<()> {
    for e in store.policy().await?.entries() {
        let marker = if e.value == e.default {
            ""
        } else {
            "  (changed)"
        };
        println!(
            "{} = {}{marker}\n    {} Default: {}. Allowed: {}.",
            e.key,
            e.value,
            e.description,
            if e.default.is_empty() {
                "none"
            } else {
                &e.default
            },
            e.allowed
        );
    }
    Ok(())
}

pub async fn set(store: &Store, key: &str, value: &str) -> Result<()> {
    if store
        .set_policy(&Actor::cli("policy set"), key, value)
        .await?
    {
        println!("{key} changed");
    } else {
        println!("{key} already has that value; nothing changed");
    }
    Ok(())
}

/// Applies a policy file: every line is checked first (all or nothing), then each value that
/// differs from the stored one is saved and audited as a change by the file.
pub async fn apply_file(store: &Store, path: &Path) -> Result<()> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the policy file {}", path.display()))?;
    let settings = parse_file(&text).with_context(|| format!("policy file {}", path.display()))?;
    let actor = Actor::new(format!("policy-file:{}", path.display()));
    for (key, value) in &settings {
        store.set_policy(&actor, key, value).await?;
    }
    Ok(())
}

/// `key = value` lines; `#` starts a comment; values may be quoted.
fn parse_file(text: &str) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut check = Policy::default();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with('[') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            bail!("line {}: expected `key = value`", n + 1);
        };
        let (key, value) = (key.trim(), value.trim().trim_matches('"'));
        check
            .set(key, value)
            .map_err(|e| anyhow::anyhow!("line {}: {e}", n + 1))?;
        out.push((key.to_owned(), value.to_owned()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::parse_file;

    #[test]
    fn parses_and_names_the_bad_line() {
        let ok = parse_file("# practice policy\n[policy]\npcl5.cutoff = 32\nrules.disabled = \"advice.wellbeing-not-given\"\n").expect("valid");
        assert_eq!(ok.len(), 2);
        let err = parse_file("pcl5.cutoff = 32\npcl5.cutoff = 99\n").expect_err("out of range");
        assert!(err.to_string().starts_with("line 2:"), "{err}");
        assert!(
            parse_file("nonsense\n")
                .expect_err("no =")
                .to_string()
                .contains("line 1")
        );
    }
}
