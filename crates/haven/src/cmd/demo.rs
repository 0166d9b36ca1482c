//! `haven demo`: deterministic synthetic patients, generated on one thread while the other
//! writes them, in one transaction.

use anyhow::Result;
use haven_core::UserId;
use haven_demo::DemoOptions;
use haven_store::{Actor, Role, Store};
use rand::Rng;
use rand::distr::Alphanumeric;

use crate::cli::DemoArgs;
use crate::progress;

/// Patients generated per batch handed from the generator thread to the writer.
const BATCH: u64 = 1_000;

/// Clinicians the demo population is shared between, created when the practice has none.
const DEMO_CLINICIANS: [(&str, &str); 3] = [
    ("dr.hughes", "Dr Sarah Hughes"),
    ("dr.rahman", "Dr Idris Rahman"),
    ("nurse.okoro", "Nurse Grace Okoro"),
];

pub async fn run(store: &Store, args: &DemoArgs) -> Result<Vec<String>> {
    let today = args.as_of.unwrap_or_else(|| store.clock().today());
    let clinicians = ensure_clinicians(store).await?;
    let first = u64::try_from(store.next_patient_seq().await? - 1).unwrap_or(0);
    let options = DemoOptions {
        seed: args.seed,
        today,
        clinicians,
    };
    let end = first + args.patients;
    let (sender, receiver) = std::sync::mpsc::sync_channel(4);
    let generator = std::thread::spawn(move || {
        let mut start = first;
        while start < end {
            let stop = (start + BATCH).min(end);
            if sender
                .send(haven_demo::generate(&options, start..stop).collect::<Vec<_>>())
                .is_err()
            {
                break;
            }
            start = stop;
        }
    });
    let bar = progress::bar(args.patients, "patients");
    // block_in_place: the writer waits for the generator thread without stalling the runtime.
    let batches = std::iter::from_fn(|| tokio::task::block_in_place(|| receiver.recv().ok()));
    let ids = store
        .insert_records(&Actor::cli("demo"), "demo.create", batches, |n| {
            bar.set_position(n)
        })
        .await?;
    bar.finish_and_clear();
    generator
        .join()
        .map_err(|_| anyhow::anyhow!("the demo generator thread failed"))?;
    println!(
        "added {} demo patients (seed {}, as of {today})",
        ids.len(),
        args.seed
    );
    Ok(ids)
}

/// Active clinicians' user names (of the practice the demo is for); creates the demo clinicians
/// (with unusable random passwords) when there are none.
async fn ensure_clinicians(store: &Store) -> Result<Vec<UserId>> {
    let mut names: Vec<UserId> = store
        .users()
        .await?
        .into_iter()
        .filter(|u| u.active && u.role == Role::Clinician)
        .map(|u| UserId::new(u.username))
        .collect();
    if names.is_empty() {
        for (username, display) in DEMO_CLINICIANS {
            // A second practice's demo (`--org`) gets clinicians of its own: user names are
            // the deployment's, so the practice's number tells them apart.
            let username = match store.user(username).await? {
                None => username.to_owned(),
                Some(_) => format!("{username}.{}", store.acting_org().await?),
            };
            super::user::create(
                store,
                &Actor::cli("demo"),
                &username,
                display,
                Role::Clinician,
                &random_password(),
            )
            .await?;
            names.push(UserId::new(username));
        }
    }
    Ok(names)
}

pub fn random_password() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(16)
        .map(char::from)
        .collect()
}
