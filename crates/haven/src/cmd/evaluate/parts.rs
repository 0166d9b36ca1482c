//! `haven evaluate` over input larger than its memory limit, in bounded memory, in two passes
//! over temporary files (ARCHITECTURE.md, *Evaluating a population larger than memory*):
//!
//! 1. Each line of every NDJSON input is sent, as it is read, to the part of its patient (a
//!    hash of the patient id), written length-prefixed with its file and line number.
//! 2. One part at a time per core is assembled, checked and evaluated exactly as the one-pass
//!    reader would, and its actions written sorted, each already printed; the parts' keys that
//!    could tie them together (an id, a named QuestionnaireResponse) are written by hash.
//!
//! Then the keys are compared a share at a time, and the sorted actions of every part merged
//! to the output. Anything the parts cannot answer exactly as one pass — any error, a key two
//! parts share, input that is not NDJSON — is answered by reading the input again in one
//! pass, so errors and their order are the one-pass reader's own.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::{Context, Result};
use haven_core::Date;
use haven_core::policy::Policy;
use haven_core::population::{AllActions, Evaluation, Tally};
use haven_core::rules;
use haven_fhir::{Assembler, Location, Purpose};
use indicatif::ProgressBar;

use super::super::fhir_input::{BLOCK, Input};
use super::super::parts::{
    Keys, Notes, PART_BUFFER, cores, create, field, locations, lock, open, read_part, route,
    size_of,
};
use crate::{actions_output, progress};

mod merge;

use merge::write_action;

/// How many parts `input` bytes are read in so that a part per core stays under `limit`.
pub fn parts_for(input: u64, limit: u64, workers: usize) -> usize {
    super::super::parts::parts_for(input, limit, workers, 0)
}

/// What the parts gave, when they could answer exactly as one pass.
pub struct Evaluated {
    pub notes: Notes,
    actions: Vec<PathBuf>,
    count: usize,
}

/// Reads `inputs` in `parts` through files in `dir` (which the caller removes), evaluating
/// each record as of `as_of` and checking its data against `today`. `None` when the input must
/// be read in one pass instead (see the module comment). Each action is printed as
/// `json`/table text for the merge.
pub fn evaluate(
    inputs: &[Input],
    dir: &Path,
    parts: usize,
    as_of: Date,
    today: Date,
    json: bool,
) -> Result<Option<Evaluated>> {
    let names = locations(inputs);
    let total: u64 = inputs.iter().map(Input::len).sum();
    let bar = progress::bytes(total, "1/2 sorting");
    let Some(files) = route(inputs, dir, parts, BLOCK, &bar)? else {
        bar.finish_and_clear();
        tracing::debug!("an input is not NDJSON, or holds a line too long: read in one pass");
        return Ok(None);
    };
    bar.finish_and_clear();
    tracing::debug!("every line sent to one of {parts} parts");
    let bar = progress::bytes(size_of(&files), "2/2 evaluating");
    let keys = Keys::create(dir, parts)?;
    let pass = Pass {
        names: &names,
        keys: &keys,
        as_of,
        today,
        json,
        failed: AtomicBool::new(false),
        bar: &bar,
    };
    let results = pass.run(dir, &files)?;
    bar.finish_and_clear();
    let Some(results) = results else {
        tracing::debug!("a part found an error: read in one pass to name the first");
        return Ok(None);
    };
    if keys.disagree()? {
        tracing::debug!("the parts share an id or a named response: read in one pass");
        return Ok(None);
    }
    tracing::debug!("read in {parts} parts");
    Ok(Some(gather(results, &names)))
}

/// Pass 2, shared by its workers.
struct Pass<'a> {
    /// Each input's name, as the location its lines are read at.
    names: &'a [Location],
    keys: &'a Keys,
    as_of: Date,
    today: Date,
    json: bool,
    /// Set by the first part that cannot be answered apart: the others stop.
    failed: AtomicBool,
    bar: &'a ProgressBar,
}

/// What one part gave besides its actions.
struct PartResult {
    notes: Notes,
    actions: PathBuf,
    count: usize,
}

impl Pass<'_> {
    /// Every part, one per core at a time; `None` as soon as one cannot be answered apart.
    fn run(&self, dir: &Path, files: &[PathBuf]) -> Result<Option<Vec<PartResult>>> {
        let next = AtomicUsize::new(0);
        let workers = cores().min(files.len());
        let done: Mutex<Vec<(usize, PartResult)>> = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    scope.spawn(|| -> Result<()> {
                        loop {
                            let part = next.fetch_add(1, Ordering::Relaxed);
                            if part >= files.len() || self.failed.load(Ordering::Relaxed) {
                                return Ok(());
                            }
                            let out = dir.join(format!("part-{part}.actions"));
                            match self.one(&files[part], &out)? {
                                Some(result) => lock(&done).push((part, result)),
                                None => self.failed.store(true, Ordering::Relaxed),
                            }
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .try_for_each(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
        })?;
        if self.failed.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let mut done = done.into_inner().unwrap_or_else(|p| p.into_inner());
        done.sort_by_key(|(part, _)| *part);
        Ok(Some(done.into_iter().map(|(_, r)| r).collect()))
    }

    /// One part: its lines assembled in input order as the one-pass reader would, its keys
    /// written, its records evaluated and its actions written sorted to `out`.
    fn one(&self, lines: &Path, out: &Path) -> Result<Option<PartResult>> {
        let mut assembler = Assembler::default();
        assembler.read_partial_dates_as_of(self.as_of);
        if !read_part(lines, self.names, &mut assembler, self.bar, &self.failed)? {
            return Ok(None);
        }
        self.keys.add_from(&assembler)?;
        // Data is checked against the real date, the rules look at the record on `as_of`.
        let Ok(assembly) = assembler.finish(self.today.max(self.as_of), &[], Purpose::Evaluate)
        else {
            return Ok(None);
        };
        let policy = Policy::default();
        let mut evaluation = Evaluation::<AllActions>::new(&policy, self.as_of);
        for record in &assembly.records {
            evaluation.add(record);
        }
        let AllActions(mut actions) = evaluation.into_collected();
        rules::sort_population(&mut actions);
        let mut writer = BufWriter::with_capacity(PART_BUFFER, create(out)?);
        for (patient, action) in &actions {
            let printed = if self.json {
                actions_output::json_action(patient, action)
            } else {
                actions_output::table_row(patient, action)
            };
            write_action(&mut writer, patient, action, &printed)?;
        }
        writer.flush().context("cannot write a temporary file")?;
        Ok(Some(PartResult {
            notes: Notes {
                skipped: assembly.skipped,
                not_recorded: assembly.not_recorded,
                unused: assembly.unused,
            },
            actions: out.to_owned(),
            count: actions.len(),
        }))
    }
}

/// The parts' notes in input order, as one pass gives them, and their actions.
fn gather(results: Vec<PartResult>, names: &[Location]) -> Evaluated {
    let mut notes = Notes::default();
    let mut actions = Vec::new();
    let mut count = 0;
    for r in results {
        notes.extend(r.notes);
        actions.push(r.actions);
        count += r.count;
    }
    Evaluated {
        notes: notes.in_input_order(names),
        actions,
        count,
    }
}
