//! `haven migrate-db --from URL --to URL`: moves a practice between SQLite and PostgreSQL.
//! The copy and its verification live in haven-store (`copy.rs`); this command checks the
//! schema versions, opens both sides with the one audit key, shows progress, checks the
//! copied audit chain against the source's checkpoints, and reports.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result, bail};
use haven_store::copy::{Progress, Step};
use haven_store::{
    Actor, AuditFiles, AuditVerification, Clock, Copied, CopyError, Store, known_schema_version,
    schema_version, shown_url,
};
use indicatif::ProgressBar;

use crate::cli::MigrateDbArgs;

fn postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

pub async fn run(db: &super::Database, args: &MigrateDbArgs) -> Result<()> {
    let (from, to) = (args.from.as_str(), args.to.as_str());
    if postgres(from) == postgres(to) {
        bail!(
            "--from {} and --to {} are on the same backend: migrate-db copies from SQLite to PostgreSQL or back",
            shown_url(from),
            shown_url(to)
        );
    }
    let sqlite_side = if postgres(from) { to } else { from };
    let key = match db.audit_key() {
        Some(key) => key.to_owned(),
        None => AuditFiles::beside(sqlite_side)?.key,
    };
    let from_files = audit_files(from, &key, args.from_checkpoints.as_deref(), "--from")?;
    let to_files = audit_files(to, &key, args.to_checkpoints.as_deref(), "--to")?;

    let known = known_schema_version();
    match schema_version(from).await? {
        None => return Err(CopyError::NoSource(shown_url(from)).into()),
        Some(found) if found != known => {
            return Err(CopyError::SchemaVersion {
                side: "source",
                url: shown_url(from),
                found,
                known,
            }
            .into());
        }
        Some(_) => {}
    }
    if let Some(found) = schema_version(to).await?
        && found != known
    {
        return Err(CopyError::SchemaVersion {
            side: "target",
            url: shown_url(to),
            found,
            known,
        }
        .into());
    }

    let source = open(from, &from_files, db.clock).await?;
    let target = match open(to, &to_files, db.clock).await {
        Ok(target) => target,
        Err(e) => {
            source.close().await;
            return Err(e);
        }
    };
    let outcome = copy_and_verify(&source, &target, args, &from_files).await;
    source.close().await;
    target.close().await;
    let copied = outcome?;
    report(&copied, args);
    Ok(())
}

/// The audit files of one side: the shared key, and its checkpoint file (beside a SQLite
/// database unless given).
fn audit_files(url: &str, key: &Path, given: Option<&Path>, flag: &str) -> Result<AuditFiles> {
    let checkpoints = match given {
        Some(file) => file.to_owned(),
        None if postgres(url) => bail!(
            "{flag} {} is PostgreSQL: give its audit checkpoint file with {flag}-checkpoints (it is kept outside the database)",
            shown_url(url)
        ),
        None => AuditFiles::beside(url)?.checkpoints,
    };
    Ok(AuditFiles {
        key: key.to_owned(),
        checkpoints,
    })
}

async fn open(url: &str, files: &AuditFiles, clock: Clock) -> Result<Store> {
    Store::open_with(url, files, clock, &|_, _| {})
        .await
        .with_context(|| format!("cannot open the database {}", shown_url(url)))
}

async fn copy_and_verify(
    source: &Store,
    target: &Store,
    args: &MigrateDbArgs,
    from_files: &AuditFiles,
) -> Result<Copied> {
    let bars = Bars::default();
    let progress: Progress<'_> = &|step, done, total| bars.show(step, done, total);
    let copied = if args.verify_only {
        source.compare_with(target, progress).await
    } else {
        source
            .copy_into(target, &args.to, Some(&Actor::cli("migrate-db")), progress)
            .await
    };
    bars.finish();
    let copied = copied?;

    // The copied chain verifies under the key, against every checkpoint the source had, and
    // ends at the source's head.
    let anchors: Vec<PathBuf> = [from_files.checkpoints.clone()]
        .into_iter()
        .filter(|f| f.exists())
        .collect();
    match target.audit_verify_against(&anchors).await? {
        AuditVerification::Intact { .. } => {}
        AuditVerification::Broken { seq, why } => {
            bail!("the copied audit log does not verify at entry {seq}: {why}")
        }
        AuditVerification::BadCheckpoint { file, line, why } => bail!(
            "the source's audit checkpoint at {} line {line} cannot be trusted: {why}",
            file.display()
        ),
    }
    let (ours, theirs) = (source.audit_head().await?, target.audit_head().await?);
    if ours != theirs {
        bail!(
            "the copied audit log ends at entry {}, the source's at entry {}",
            theirs.map_or(0, |(seq, _)| seq),
            ours.map_or(0, |(seq, _)| seq)
        );
    }
    if !args.verify_only {
        target
            .audit_checkpoint()
            .await
            .context("cannot write the target's audit checkpoint")?;
    }
    Ok(copied)
}

fn report(copied: &Copied, args: &MigrateDbArgs) {
    let verb = if args.verify_only {
        "compared"
    } else {
        "copied and verified"
    };
    println!(
        "{verb}: {} rows in {} tables, {} rules views rebuilt and equal, audit chain intact with the same head",
        copied.rows(),
        copied.tables.len(),
        copied.views
    );
    for (table, rows) in &copied.tables {
        println!("  {table:<24} {rows:>10}");
    }
    if !args.verify_only {
        println!(
            "{} now holds the practice; point Haven at it with --db (and the same --audit-key)",
            shown_url(&args.to)
        );
    }
}

/// One progress bar per step, replaced when the step changes.
#[derive(Default)]
struct Bars(Mutex<Option<(Step, ProgressBar)>>);

impl Bars {
    fn show(&self, step: Step, done: u64, total: u64) {
        let Ok(mut current) = self.0.lock() else {
            return;
        };
        if current.as_ref().is_none_or(|(s, _)| *s != step) {
            if let Some((_, bar)) = current.take() {
                bar.finish_and_clear();
            }
            *current = Some((step, crate::progress::bar(total, step.label())));
        }
        if let Some((_, bar)) = current.as_ref() {
            bar.set_length(total);
            bar.set_position(done);
        }
    }

    fn finish(&self) {
        if let Ok(mut current) = self.0.lock()
            && let Some((_, bar)) = current.take()
        {
            bar.finish_and_clear();
        }
    }
}
