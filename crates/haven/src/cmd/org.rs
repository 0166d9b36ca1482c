//! `haven org list|add|rename|grant|revoke`: the practices of a deployment (migration 0017), and
//! who may see all of them on the web (migration 0019).

use anyhow::Result;
use haven_store::{Actor, OdsCode, Store};

use crate::cli::OrgCommand;

pub async fn run(store: &Store, command: OrgCommand) -> Result<()> {
    match command {
        OrgCommand::List => {
            for p in store.practices().await? {
                println!(
                    "{:<4} {:<10} {}",
                    p.id,
                    p.ods_code.as_ref().map_or("(none)", |c| c.as_str()),
                    p.name
                );
            }
        }
        OrgCommand::Add { ods, name } => {
            let code = OdsCode::parse(&ods)?;
            let added = store
                .add_practice(&Actor::cli("org add"), &code, &name)
                .await?;
            println!("added practice {}: {}", added.id, added.label());
        }
        OrgCommand::Rename { org, ods, name } => {
            let code = OdsCode::parse(&ods)?;
            let practice = store.practice(&org).await?;
            let renamed = store
                .rename_practice(&Actor::cli("org rename"), practice.id, &code, &name)
                .await?;
            println!("practice {} is now {}", renamed.id, renamed.label());
        }
        OrgCommand::Grant { username } => {
            store
                .set_spans_practices(&Actor::cli("org grant"), &username, true)
                .await?;
            println!(
                "{username} now sees every practice's reports (and manages every practice, if an administrator)"
            );
        }
        OrgCommand::Revoke { username } => {
            store
                .set_spans_practices(&Actor::cli("org revoke"), &username, false)
                .await?;
            println!("{username} now sees their own practice only");
        }
    }
    Ok(())
}
