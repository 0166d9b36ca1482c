//! `haven import` of NDJSON larger than its memory limit, in bounded memory, in two passes over
//! temporary files (ARCHITECTURE.md, *Evaluating a population larger than memory*):
//!
//! 1. Every line to the part of its patient ([`route`], the same pass as `haven evaluate`'s).
//! 2. Readers (every core but one) each read a part into an [`Assembler`] of its own and hand
//!    it over; the store's side, in part order, looks up the part's patients already stored,
//!    finishes the records and stores them as one batch of a single [`BulkImport`]
//!    transaction. At most a part per reader and the one being stored are held.
//!
//! Then the parts' keys are compared: only when no id or named response ties two parts
//! together is the transaction committed. Anything the parts cannot answer exactly as one pass
//! — any error, reading or storing, a key two parts share, input that is not NDJSON — rolls the
//! transaction back (the database is exactly as it was) and returns `None`, for the caller to
//! import in one pass, whose errors name their file and line as they always have.

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
    Keys, Notes, Reading, cores, locations, parts_for, read_part, route, size_of, temporary_dir,
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

/// What a reader hands over: a part read whole, or `None` when it cannot be read apart.
type Handed = Result<Option<Assembler>>;

/// Imports `inputs` read in `parts`; `None`, with nothing stored, when they must be imported
/// in one pass instead (see the module comment).
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
    let keys = Arc::new(Keys::create(dir.path(), parts)?);
    let stop = Arc::new(AtomicBool::new(false));
    let names = Arc::new(locations(inputs));
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
                stop: Arc::clone(&stop),
                bar: bar.clone(),
            };
            std::thread::spawn(move || reader_side.every_part(reader, tx))
        })
        .collect();
    // Read before the bulk transaction takes SQLite's write lock.
    let practice = haven_web::fhir_api::filing_practice(store).await?;
    let mut bulk = store.begin_bulk_import().await?;
    let stored = store_parts(store, &mut bulk, &practice, inputs, &receivers, parts).await;
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
    let stored = match stored {
        Ok(Some(notes)) => keys.disagree().map(|shared| (notes, shared)).map(Some),
        other => other.map(|none| none.map(|notes| (notes, false))),
    };
    let notes = match stored {
        Ok(Some((notes, false))) => notes,
        Ok(Some((_, true))) => {
            tracing::debug!("the parts share an id or a named response: one pass");
            bulk.rollback().await?;
            return Ok(None);
        }
        Ok(None) => {
            tracing::debug!("a part cannot be read or stored apart: one pass, which names why");
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

/// Pass 2's store side: every part in order, as its reader hands it over, finished against the
/// patients already stored and stored as one batch. `None` as soon as one cannot be.
async fn store_parts(
    store: &Store,
    bulk: &mut BulkImport<'_>,
    practice: &haven_fhir::Practice,
    inputs: &[Input],
    receivers: &[Receiver<Handed>],
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
            return Ok(None);
        };
        assembler.files_under(practice.clone());
        let wanted: Vec<&str> = assembler.patient_ids().collect();
        let numbers: Vec<&str> = assembler
            .conditional_nhs_numbers()
            .map(|n| n.as_str())
            .collect();
        let known = bulk.known_patients(&wanted, &numbers).await?;
        drop((wanted, numbers));
        let finished =
            tokio::task::block_in_place(|| assembler.finish(today, &known, Purpose::Store));
        let Ok(assembly) = finished else {
            return Ok(None);
        };
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
    stop: Arc<AtomicBool>,
    bar: ProgressBar,
}

impl PartReader {
    /// Reads parts `reader`, `reader + readers`, … in turn, handing each over read whole.
    fn every_part(self, reader: usize, tx: SyncSender<Handed>) {
        for part in (reader..self.files.len()).step_by(readers()) {
            if self.stop.load(Ordering::Relaxed) {
                return;
            }
            let handed = self.one(part);
            let failed = !matches!(handed, Ok(Some(_)));
            // The store side has stopped taking parts: nothing more to do.
            if tx.send(handed).is_err() || failed {
                return;
            }
        }
    }

    fn one(&self, part: usize) -> Handed {
        let mut assembler = Assembler::default();
        if !read_part(
            &self.files[part],
            &self.names,
            &mut assembler,
            &self.bar,
            &self.stop,
        )
        .with_context(|| format!("part {part}"))?
        {
            return Ok(None);
        }
        self.keys.add_from(&assembler)?;
        Ok(Some(assembler))
    }
}
