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

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::{Context, Result};
use haven_core::Date;
use haven_core::policy::Policy;
use haven_core::population::{AllActions, Evaluation, Tally};
use haven_core::rules;
use haven_fhir::{
    Assembler, Location, NotRecorded, Position, Purpose, Shared, Skipped, UnusedTypes,
};
use indicatif::ProgressBar;

use super::super::fhir_input::{BLOCK, Input};
use crate::{actions_output, progress};

mod merge;
mod route;

use merge::write_action;
use route::route;

/// Memory held whatever the input: the binary, a block of input and its line cut in two, the
/// parts' write buffers.
const BASE_BYTES: u64 = 160 << 20;
/// Resident memory of a part being evaluated, per byte of its NDJSON (records, maps of ids,
/// actions), measured on the demo export with some room: see BENCHMARKS.md, issue 18.
const MEMORY_PER_INPUT_BYTE: f64 = 1.25;
/// Buffer of each part's file while lines are sent to it.
const PART_BUFFER: usize = 256 << 10;

/// How many parts `input` bytes are read in so that `workers` parts at a time stay under
/// `limit` bytes; 1 when the input fits whole, and is read in one pass.
pub fn parts_for(input: u64, limit: u64, workers: usize) -> usize {
    let room = limit.saturating_sub(BASE_BYTES).max(1) as f64;
    let whole = input as f64 * MEMORY_PER_INPUT_BYTE;
    if whole <= room {
        return 1;
    }
    ((whole * workers as f64 / room).ceil() as usize).max(2)
}

/// The smallest `--memory-limit` taken: below it nothing is left for the records.
pub const MIN_LIMIT: u64 = BASE_BYTES + (64 << 20);

/// What the parts gave, when they could answer exactly as one pass.
pub struct Evaluated {
    pub skipped: Vec<Skipped>,
    pub not_recorded: Vec<NotRecorded>,
    pub unused: UnusedTypes,
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
    let names: Vec<Location> = inputs
        .iter()
        .map(|i| Location::new(&i.name(), Position::Document))
        .collect();
    let total: u64 = inputs.iter().map(Input::len).sum();
    let bar = progress::bytes(total, "1/2 sorting");
    let Some(files) = route(inputs, dir, parts, BLOCK, &bar)? else {
        bar.finish_and_clear();
        tracing::debug!("an input is not NDJSON, or holds a line too long: read in one pass");
        return Ok(None);
    };
    bar.finish_and_clear();
    tracing::debug!("every line sent to one of {parts} parts");
    let written: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .sum();
    let bar = progress::bytes(written, "2/2 evaluating");
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

fn create(path: &Path) -> Result<File> {
    File::create(path).with_context(|| format!("cannot create {}", path.display()))
}

/// The cores to work on, asked of the system once.
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
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
    skipped: Vec<Skipped>,
    not_recorded: Vec<NotRecorded>,
    unused: UnusedTypes,
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
                            // Its lines are read: the disk space goes back at once.
                            std::fs::remove_file(&files[part]).ok();
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
        let mut reader = BufReader::with_capacity(1 << 20, open(lines)?);
        let mut assembler = Assembler::default();
        assembler.read_partial_dates_as_of(self.as_of);
        let mut text = Vec::new();
        let mut head = [0u8; 16];
        loop {
            match reader.read_exact(&mut head) {
                Err(e) if e.kind() == ErrorKind::UnexpectedEof => break,
                other => other.context("cannot read a temporary file")?,
            }
            let file = u32::from_le_bytes(field(&head[0..4])) as usize;
            let line = u64::from_le_bytes(field(&head[4..12])) as usize;
            let len = u32::from_le_bytes(field(&head[12..16])) as usize;
            text.resize(len, 0);
            reader
                .read_exact(&mut text)
                .context("cannot read a temporary file")?;
            let location = self.names[file].at(Position::Line(line));
            if assembler.add_line(location, &text).is_err() {
                return Ok(None);
            }
            self.bar.inc((head.len() + len) as u64);
            if self.failed.load(Ordering::Relaxed) {
                return Ok(None);
            }
        }
        let mut keys = Vec::new();
        assembler.shared_keys(|hash, shared| keys.push((hash, shared)));
        self.keys.add(&keys)?;
        drop(keys);
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
            skipped: assembly.skipped,
            not_recorded: assembly.not_recorded,
            unused: assembly.unused,
            actions: out.to_owned(),
            count: actions.len(),
        }))
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn field<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0; N];
    out.copy_from_slice(bytes);
    out
}

fn open(path: &Path) -> Result<File> {
    File::open(path).with_context(|| format!("cannot read {}", path.display()))
}

/// The keys parts could share, written by hash to as many files as there are parts, so that
/// each is compared in a part's share of memory.
struct Keys {
    paths: Vec<PathBuf>,
    files: Mutex<Vec<BufWriter<File>>>,
}

impl Keys {
    fn create(dir: &Path, shares: usize) -> Result<Keys> {
        let paths: Vec<PathBuf> = (0..shares).map(|s| dir.join(format!("keys-{s}"))).collect();
        let files = paths
            .iter()
            .map(|p| Ok(BufWriter::with_capacity(64 << 10, create(p)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Keys {
            paths,
            files: Mutex::new(files),
        })
    }

    fn add(&self, keys: &[(u64, Shared)]) -> Result<()> {
        let mut files = lock(&self.files);
        let shares = files.len() as u64;
        for &(hash, shared) in keys {
            let file = &mut files[(hash % shares) as usize];
            file.write_all(&hash.to_le_bytes())
                .and_then(|()| file.write_all(&[shared as u8]))
                .context("cannot write a temporary file")?;
        }
        Ok(())
    }

    /// Whether any key ties two parts together (see [`haven_fhir::parts_disagree`]).
    fn disagree(&self) -> Result<bool> {
        for file in lock(&self.files).iter_mut() {
            file.flush().context("cannot write a temporary file")?;
        }
        for path in &self.paths {
            let mut bytes = Vec::new();
            open(path)?
                .read_to_end(&mut bytes)
                .context("cannot read a temporary file")?;
            let mut keys: Vec<(u64, Shared)> = bytes
                .chunks_exact(9)
                .map(|k| {
                    let shared = match k[8] {
                        0 => Shared::Id,
                        1 => Shared::Named,
                        _ => Shared::Unnamed,
                    };
                    (u64::from_le_bytes(field(&k[..8])), shared)
                })
                .collect();
            drop(bytes);
            keys.sort_unstable();
            if haven_fhir::parts_disagree(&keys) {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// The parts' notes in input order, as one pass gives them: a resource's notes come where it
/// was read; QuestionnaireResponses are placed after every other resource, at the end.
fn gather(results: Vec<PartResult>, names: &[Location]) -> Evaluated {
    let index: HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, l)| (&*l.source, i))
        .collect();
    let at = |l: &Location| {
        let line = match l.position {
            Position::Line(n) => n,
            Position::Document | Position::Entry(_) => 0,
        };
        (index.get(&*l.source).copied().unwrap_or(0), line)
    };
    let mut skipped = Vec::new();
    let mut not_recorded = Vec::new();
    let mut unused = UnusedTypes::default();
    let mut actions = Vec::new();
    let mut count = 0;
    for r in results {
        skipped.extend(r.skipped);
        not_recorded.extend(r.not_recorded);
        unused.merge(r.unused);
        actions.push(r.actions);
        count += r.count;
    }
    // Stable: a resource's several notes keep their order.
    skipped.sort_by_key(|s| {
        let late = s.resource.starts_with("QuestionnaireResponse/");
        (late, at(&s.location))
    });
    not_recorded.sort_by_key(|n| at(&n.location));
    Evaluated {
        skipped,
        not_recorded,
        unused,
        actions,
        count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_that_fits_is_read_whole_and_parts_grow_with_it() {
        let limit = 512 << 20;
        assert_eq!(parts_for(100 << 20, limit, 2), 1);
        let tenk = parts_for(532 << 20, limit, 2);
        let hundredk = parts_for(5_300 << 20, limit, 2);
        assert!(tenk >= 2 && hundredk > 8 * tenk, "{tenk} {hundredk}");
        // More memory, fewer parts.
        assert!(parts_for(5_300 << 20, 2 << 30, 2) < hundredk);
    }
}
