//! `haven import` of NDJSON larger than its memory limit, in bounded memory, in two passes over
//! temporary files (ARCHITECTURE.md, *Evaluating a population larger than memory*):
//!
//! 1. Every line to the part of its patient ([`route`], the same pass as `haven evaluate`'s).
//! 2. Readers (every core but one) each read a part into an [`Assembler`] of its own and hand
//!    it over; the store's side, in part order, looks up the part's patients already stored,
//!    finishes the records and stores them as one batch of a single [`BulkImport`]
//!    transaction. At most a part per reader and the one being stored are held.
//!
//! Then the parts' keys are compared: only when nothing ties two parts together and no part
//! found an error is the transaction committed. An error rolls it back (the database is
//! exactly as it was) and is named as one pass over the files together names it: the earliest
//! of the parts' first errors and of the ids repeated across parts ([`Errors::verdict`]); after
//! the first, parts are still read to find their errors, but no longer stored. What the parts
//! cannot answer exactly — a record the store refuses (which of several refusals one pass meets
//! first depends on the whole input), a response named across parts, a patient's lines in two
//! parts, input that is not NDJSON — rolls back and returns `None`, for the caller to import in
//! one pass.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use anyhow::{Context, Result};
use haven_fhir::{Assembler, Location, Purpose};
use haven_store::upsert::{BULK_IMPORT_CACHE, BulkImport};
use haven_store::{Actor, Store};
use indicatif::ProgressBar;

use super::super::fhir_input::{BLOCK, Input};
use super::super::parts::{
    Errors, Keys, Notes, Reading, Verdict, cores, locations, parts_for, read_part, route, size_of,
    temporary_dir,
};
use super::{Imported, incoming, names, reason};
use crate::progress;

/// The parts to read `inputs` in: 1 when they fit in memory whole.
pub(super) fn count(inputs: &[Input], reading: &Reading) -> usize {
    reading.parts.unwrap_or_else(|| {
        let total = inputs.iter().map(Input::len).sum();
        // A part per reader and the one being stored; SQLite's page cache besides.
        parts_for(
            total,
            reading.memory_limit,
            readers() + 1,
            BULK_IMPORT_CACHE,
        )
    })
}

/// Cores reading parts: all but the one storing them.
fn readers() -> usize {
    cores().saturating_sub(1).max(1)
}

/// What a reader hands over: a part read whole, or `None` when it stopped at an error (noted
/// in the shared [`Errors`]).
type Handed = Result<Option<Assembler>>;

/// Imports `inputs` read in `parts`; `None`, with nothing stored, when they must be imported
/// in one pass instead (see the module comment). An error is one pass's first, with nothing
/// stored.
pub(super) async fn import(
    store: &Store,
    inputs: &[Input],
    parts: usize,
) -> Result<Option<Imported>> {
    let dir = temporary_dir("import")?;
    let total: u64 = inputs.iter().map(Input::len).sum();
    let bar = progress::bytes(total, "1/2 sorting");
    let routed = tokio::task::block_in_place(|| route(inputs, dir.path(), parts, BLOCK, &bar))?;
    bar.finish_and_clear();
    let Some(files) = routed else {
        tracing::debug!("an input is not NDJSON, or holds a line too long: one pass");
        return Ok(None);
    };
    let bar = progress::bytes(size_of(&files), "2/2 storing");
    let names = Arc::new(locations(inputs));
    let keys = Arc::new(Keys::create(dir.path(), parts, &names)?);
    let errors = Arc::new(Errors::new(&names));
    let stop = Arc::new(AtomicBool::new(false));
    // One channel per reader, without room: a reader waits with its part until it is taken.
    let (senders, receivers): (Vec<SyncSender<Handed>>, Vec<Receiver<Handed>>) =
        (0..readers()).map(|_| sync_channel(0)).unzip();
    let workers: Vec<_> = senders
        .into_iter()
        .enumerate()
        .map(|(reader, tx)| {
            let reader_side = PartReader {
                files: files.clone(),
                names: Arc::clone(&names),
                keys: Arc::clone(&keys),
                errors: Arc::clone(&errors),
                stop: Arc::clone(&stop),
                bar: bar.clone(),
            };
            std::thread::spawn(move || reader_side.every_part(reader, tx))
        })
        .collect();
    // Read before the bulk transaction takes SQLite's write lock.
    let practice = haven_web::fhir_api::filing_practice(store).await?;
    let mut bulk = store.begin_bulk_import().await?;
    let stored = store_parts(
        store, &mut bulk, &practice, inputs, &receivers, &errors, parts,
    )
    .await;
    // The readers stop at their next part, or at once when waiting to hand one over.
    stop.store(true, Ordering::Relaxed);
    drop(receivers);
    for worker in workers {
        worker
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
    }
    bar.finish_and_clear();
    // The keys are compared before anything is committed; an error comparing them rolls back
    // as any other does.
    let errors = Arc::into_inner(errors).context("a reader still holds the errors")?;
    let verdict = match stored {
        Ok(Some(notes)) => errors.verdict(&keys, inputs, &names).map(|v| (notes, v)),
        Ok(None) => Ok((
            Notes::default(),
            Verdict::OnePass("a part was refused by the store"),
        )),
        Err(e) => Err(e),
    };
    let notes = match verdict {
        Ok((notes, Verdict::Agree)) => notes,
        Ok((_, Verdict::Error(e))) => {
            tracing::debug!("a part found the first error: nothing stored");
            bulk.rollback().await?;
            return Err(first_error(inputs, e));
        }
        Ok((_, Verdict::OnePass(why))) => {
            tracing::debug!("{why}: one pass");
            bulk.rollback().await?;
            return Ok(None);
        }
        Err(e) => {
            bulk.rollback().await?;
            return Err(e);
        }
    };
    let summary = bulk.commit().await?;
    let notes = notes.in_input_order(&names);
    notes.report();
    tracing::debug!("imported in {parts} parts");
    Ok(Some(Imported {
        stored: summary,
        unused: notes.unused,
    }))
}

/// The error of input read together, as the one-pass import gives it: for several files, each
/// file's error is told and then that none was stored; here every file was read together, so
/// the first error is told, and that nothing of any file was stored.
fn first_error(inputs: &[Input], e: haven_fhir::ImportError) -> anyhow::Error {
    if inputs.len() == 1 {
        return e.into();
    }
    eprintln!("error: {e}");
    anyhow::anyhow!(
        "{n} of {n} files were not imported and nothing from them was stored: {}",
        names(inputs),
        n = inputs.len()
    )
}

/// Pass 2's store side: every part in order, as its reader hands it over, finished against the
/// patients already stored and stored as one batch. Once a part has an error (noted in
/// `errors`) the rest are still finished, for theirs, but not stored. `None` when the store
/// refuses a part.
async fn store_parts(
    store: &Store,
    bulk: &mut BulkImport<'_>,
    practice: &haven_fhir::Practice,
    inputs: &[Input],
    receivers: &[Receiver<Handed>],
    errors: &Errors,
    parts: usize,
) -> Result<Option<Notes>> {
    let actor = Actor::cli("import");
    let reason = reason(&names(inputs));
    let today = store.clock().today();
    let mut notes = Notes::default();
    for part in 0..parts {
        let from = &receivers[part % receivers.len()];
        // A reader ends early only after handing over what stopped it.
        let handed = tokio::task::block_in_place(|| from.recv())
            .with_context(|| format!("the reader of part {part} ended without it"))?;
        let Some(mut assembler) = handed? else {
            continue;
        };
        if errors.any_line() {
            // No error of finishing can come before a line's.
            continue;
        }
        assembler.files_under(practice.clone());
        let wanted: Vec<&str> = assembler.patient_ids().collect();
        let numbers: Vec<&str> = assembler
            .conditional_nhs_numbers()
            .map(|n| n.as_str())
            .collect();
        let known = bulk.known_patients(&wanted, &numbers).await?;
        drop((wanted, numbers));
        let finished =
            tokio::task::block_in_place(|| assembler.finish_ranked(today, &known, Purpose::Store));
        let assembly = match finished {
            Ok(assembly) => assembly,
            Err(e) => {
                errors.finish(*e);
                continue;
            }
        };
        if errors.any() {
            continue;
        }
        let batch = incoming(assembly.records, &assembly.given);
        if let Err(e) = bulk.add(&actor, batch, &reason).await {
            tracing::debug!("part {part} was not stored ({e})");
            return Ok(None);
        }
        notes.extend(Notes {
            skipped: assembly.skipped,
            not_recorded: assembly.not_recorded,
            unused: assembly.unused,
        });
    }
    Ok(Some(notes))
}

/// What a reader needs, owned, on its own thread.
struct PartReader {
    files: Vec<PathBuf>,
    names: Arc<Vec<Location>>,
    keys: Arc<Keys>,
    errors: Arc<Errors>,
    stop: Arc<AtomicBool>,
    bar: ProgressBar,
}

impl PartReader {
    /// Reads parts `reader`, `reader + readers`, … in turn, handing each over read whole (or
    /// as `None`, stopped at an error: the parts after it are still read, for theirs).
    fn every_part(self, reader: usize, tx: SyncSender<Handed>) {
        for part in (reader..self.files.len()).step_by(readers()) {
            if self.stop.load(Ordering::Relaxed) {
                return;
            }
            let handed = self.one(part);
            let failed = handed.is_err();
            // The store side has stopped taking parts: nothing more to do.
            if tx.send(handed).is_err() || failed {
                return;
            }
        }
    }

    fn one(&self, part: usize) -> Handed {
        let mut assembler = Assembler::default();
        let read = read_part(
            &self.files[part],
            &self.names,
            &mut assembler,
            &self.bar,
            &self.errors,
            &self.stop,
        )
        .with_context(|| format!("part {part}"))?;
        // Written even for a part stopped by an error: an id repeated before it may come first.
        self.keys.add_from(&assembler)?;
        Ok(read.then_some(assembler))
    }
}
