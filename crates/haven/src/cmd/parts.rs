//! Reading NDJSON input larger than memory in parts by patient, for `haven evaluate` and
//! `haven import` alike (ARCHITECTURE.md, *Evaluating a population larger than memory*):
//!
//! 1. [`route`] sends each line of every input, as it is read, to the part of its patient (a
//!    hash of the patient id), written length-prefixed with its file and line number.
//! 2. The caller reads one part at a time per core back into an [`Assembler`] of its own
//!    ([`read_part`]: the one-pass reader's code, with the same locations), writes the keys
//!    that could tie parts together to [`Keys`], and does its work with the part's records.
//!
//! Each part notes its first error with when one reader of the whole input would meet it
//! ([`Errors`]); [`Errors::verdict`] then takes the earliest of the parts' errors and of the ids
//! the parts' [`Keys`] show repeated across parts, so that the error named is one pass's own,
//! without reading the input again. Only what the parts cannot answer exactly (a response
//! named across parts, a patient's lines in two parts, input that is not NDJSON) is read again
//! in one pass.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};
use haven_fhir::{Assembler, Location, NotRecorded, Position, Shared, Skipped, UnusedTypes};
use indicatif::ProgressBar;
use tempfile::TempDir;

mod errors;
mod route;

pub use errors::{Errors, Verdict};
pub use route::route;

/// How much memory the input may take.
pub struct Reading {
    /// About the most bytes to hold: input larger than fits is read in parts.
    pub memory_limit: u64,
    /// The parts to read in, whatever the size (tests).
    pub parts: Option<usize>,
}

/// Memory held whatever the input: the binary, a block of input and its line cut in two, the
/// parts' write buffers.
const BASE_BYTES: u64 = 160 << 20;
/// Resident memory of a part being read, per byte of its NDJSON (records, maps of ids,
/// actions), measured on the demo export with some room: see BENCHMARKS.md, issue 18.
const MEMORY_PER_INPUT_BYTE: f64 = 1.25;
/// Buffer of each part's file while lines are sent to it.
pub const PART_BUFFER: usize = 256 << 10;

/// How many parts `input` bytes are read in so that `held` parts at a time stay under `limit`
/// bytes, besides `reserved` bytes the caller needs for itself; 1 when the input fits whole,
/// and is read in one pass.
pub fn parts_for(input: u64, limit: u64, held: usize, reserved: u64) -> usize {
    let room = limit.saturating_sub(BASE_BYTES + reserved).max(1) as f64;
    let whole = input as f64 * MEMORY_PER_INPUT_BYTE;
    if whole <= room {
        return 1;
    }
    ((whole * held as f64 / room).ceil() as usize).max(2)
}

/// The smallest `--memory-limit` taken: below it nothing is left for the records.
pub const MIN_LIMIT: u64 = BASE_BYTES + (64 << 20);

/// A temporary directory for the parts, removed on success and on failure (when dropped) and
/// on Ctrl-C. `what` names the command in its name (`haven-import-…`).
pub fn temporary_dir(what: &str) -> Result<TempDir> {
    let dir = tempfile::Builder::new()
        .prefix(&format!("haven-{what}-"))
        .tempdir()
        .context("cannot make a temporary directory (TMPDIR names where)")?;
    remove_on_ctrl_c(dir.path().to_owned())?;
    Ok(dir)
}

/// Ctrl-C would end the process without running the temporary directory's guard: from now on
/// it removes `dir` and ends the process as the interrupt would have (128 + SIGINT). The handler
/// is in place before this returns, so no Ctrl-C after it is missed. (An import's open
/// transaction is rolled back by the database when the process ends.)
fn remove_on_ctrl_c(dir: PathBuf) -> Result<()> {
    #[cfg(unix)]
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .context("cannot watch for Ctrl-C")?;
    tokio::spawn(async move {
        #[cfg(unix)]
        let interrupted = interrupt.recv().await.is_some();
        #[cfg(not(unix))]
        let interrupted = tokio::signal::ctrl_c().await.is_ok();
        if interrupted {
            // Moved aside first: a worker still making a file in it then fails instead of
            // adding one after the removal has listed the directory.
            let aside = dir.with_extension("removing");
            let doomed = if std::fs::rename(&dir, &aside).is_ok() {
                aside
            } else {
                dir
            };
            let _ = std::fs::remove_dir_all(&doomed);
            std::process::exit(130);
        }
    });
    Ok(())
}

pub fn create(path: &Path) -> Result<File> {
    File::create(path).with_context(|| format!("cannot create {}", path.display()))
}

pub fn open(path: &Path) -> Result<File> {
    File::open(path).with_context(|| format!("cannot read {}", path.display()))
}

/// The cores to work on, asked of the system once.
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

pub fn field<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0; N];
    out.copy_from_slice(bytes);
    out
}

/// Each input's name, as the location its lines are read at.
pub fn locations(inputs: &[super::fhir_input::Input]) -> Vec<Location> {
    inputs
        .iter()
        .map(|i| Location::new(&i.name(), Position::Document))
        .collect()
}

/// The sum of the parts' sizes, for pass 2's progress.
pub fn size_of(files: &[PathBuf]) -> u64 {
    files
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .sum()
}

/// Where a line was read: its input's place in the argument order, and its line number.
pub type At = (u32, u64);

/// Reads the part at `lines` into `assembler` in input order, as the one-pass reader would,
/// and deletes its file (the disk space goes back at once). `false` when it stopped early: at
/// a line that does not read (noted in `errors`), past a line error another part found (no
/// later error can be the first), or because `stop` was set.
pub fn read_part(
    lines: &Path,
    names: &[Location],
    assembler: &mut Assembler,
    bar: &ProgressBar,
    errors: &Errors,
    stop: &AtomicBool,
) -> Result<bool> {
    let mut reader = BufReader::with_capacity(1 << 20, open(lines)?);
    let mut text = Vec::new();
    let mut head = [0u8; 16];
    let mut complete = true;
    loop {
        match reader.read_exact(&mut head) {
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => break,
            other => other.context("cannot read a temporary file")?,
        }
        let file = u32::from_le_bytes(field(&head[0..4]));
        let line = u64::from_le_bytes(field(&head[4..12]));
        let len = u32::from_le_bytes(field(&head[12..16])) as usize;
        if errors.past((file, line)) || stop.load(Ordering::Relaxed) {
            complete = false;
            break;
        }
        text.resize(len, 0);
        reader
            .read_exact(&mut text)
            .context("cannot read a temporary file")?;
        let location = names[file as usize].at(Position::Line(line as usize));
        if let Err(error) = assembler.add_line(location, &text) {
            errors.line((file, line), error);
            complete = false;
            break;
        }
        bar.inc((head.len() + len) as u64);
    }
    drop(reader);
    std::fs::remove_file(lines).ok();
    Ok(complete)
}

/// Each input's place in the argument order, by the name its locations carry; `None` when two
/// inputs share a name (then a location does not tell which it is).
pub fn places(names: &[Location]) -> Option<HashMap<&str, u32>> {
    let mut places = HashMap::new();
    for (i, l) in names.iter().enumerate() {
        if places.insert(&*l.source, i as u32).is_some() {
            return None;
        }
    }
    Some(places)
}

/// The keys parts could share, written by hash to as many files as there are parts, so that
/// each is compared in a part's share of memory. An id is written with where it was read.
pub struct Keys {
    paths: Vec<PathBuf>,
    files: Mutex<Vec<BufWriter<File>>>,
    /// Each input's place, by its name (see [`places`]).
    places: HashMap<String, u32>,
}

/// A key's bytes: its hash, what it stands for, and (ids) the input and line it was read at.
const KEY_BYTES: usize = 8 + 1 + 4 + 8;

/// What the keys of every part show.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// The earliest line whose id an earlier line of another part holds: (that line, the
    /// earlier one).
    pub first_repeat: Option<(At, At)>,
    /// A response named in one part and held unnamed in another, or a patient's records in two
    /// parts: the parts did not read what one pass reads.
    pub tied: bool,
}

impl Keys {
    pub fn create(dir: &Path, shares: usize, names: &[Location]) -> Result<Keys> {
        let paths: Vec<PathBuf> = (0..shares).map(|s| dir.join(format!("keys-{s}"))).collect();
        let files = paths
            .iter()
            .map(|p| Ok(BufWriter::with_capacity(64 << 10, create(p)?)))
            .collect::<Result<Vec<_>>>()?;
        let places = places(names)
            .unwrap_or_default()
            .into_iter()
            .map(|(name, at)| (name.to_owned(), at))
            .collect();
        Ok(Keys {
            paths,
            files: Mutex::new(files),
            places,
        })
    }

    /// Writes the keys of a part whose lines are all read, or read up to an error (before
    /// `finish`).
    pub fn add_from(&self, assembler: &Assembler) -> Result<()> {
        let mut keys = Vec::new();
        assembler.shared_keys_at(|hash, shared, at| {
            let at = at.map_or((0, 0), |l| self.at(l));
            keys.push((hash, shared, at));
        });
        self.add(&keys)
    }

    /// Where `location` is, in input order.
    pub fn at(&self, location: &Location) -> At {
        at(&self.places, location)
    }

    fn add(&self, keys: &[(u64, Shared, At)]) -> Result<()> {
        let mut files = lock(&self.files);
        let shares = files.len() as u64;
        let mut bytes = [0u8; KEY_BYTES];
        for &(hash, shared, (file, line)) in keys {
            bytes[..8].copy_from_slice(&hash.to_le_bytes());
            bytes[8] = shared as u8;
            bytes[9..13].copy_from_slice(&file.to_le_bytes());
            bytes[13..].copy_from_slice(&line.to_le_bytes());
            files[(hash % shares) as usize]
                .write_all(&bytes)
                .context("cannot write a temporary file")?;
        }
        Ok(())
    }

    /// Compares the keys of every part, a share at a time.
    pub fn compare(&self) -> Result<Comparison> {
        for file in lock(&self.files).iter_mut() {
            file.flush().context("cannot write a temporary file")?;
        }
        let mut out = Comparison::default();
        for path in &self.paths {
            let mut bytes = Vec::new();
            open(path)?
                .read_to_end(&mut bytes)
                .context("cannot read a temporary file")?;
            let mut keys: Vec<(u64, Shared, At)> = bytes
                .chunks_exact(KEY_BYTES)
                .map(|k| {
                    let shared = match k[8] {
                        0 => Shared::Id,
                        1 => Shared::Named,
                        2 => Shared::Unnamed,
                        _ => Shared::Record,
                    };
                    let at = (
                        u32::from_le_bytes(field(&k[9..13])),
                        u64::from_le_bytes(field(&k[13..])),
                    );
                    (u64::from_le_bytes(field(&k[..8])), shared, at)
                })
                .collect();
            drop(bytes);
            keys.sort_unstable();
            for same in keys.chunk_by(|a, b| a.0 == b.0) {
                let count = |kind: Shared| same.iter().filter(|(_, s, _)| *s == kind).count();
                out.tied |= count(Shared::Record) > 1
                    || (count(Shared::Named) > 0 && count(Shared::Unnamed) > 0);
                // Sorted: the ids of one hash come in input order.
                let ids: Vec<At> = same
                    .iter()
                    .filter(|(_, s, _)| *s == Shared::Id)
                    .map(|&(_, _, at)| at)
                    .collect();
                if let [first, again, ..] = ids[..]
                    && out
                        .first_repeat
                        .is_none_or(|(earliest, _)| again < earliest)
                {
                    out.first_repeat = Some((again, first));
                }
            }
        }
        Ok(out)
    }
}

/// Where `location` is among the inputs `places` names, in input order.
fn at(places: &HashMap<String, u32>, location: &Location) -> At {
    let line = match location.position {
        Position::Line(n) => n as u64,
        Position::Document | Position::Entry(_) => 0,
    };
    (places.get(&*location.source).copied().unwrap_or(0), line)
}

/// What a part's reading noted besides its records.
#[derive(Default)]
pub struct Notes {
    pub skipped: Vec<Skipped>,
    pub not_recorded: Vec<NotRecorded>,
    pub unused: UnusedTypes,
}

impl Notes {
    /// Takes in another part's notes.
    pub fn extend(&mut self, other: Notes) {
        self.skipped.extend(other.skipped);
        self.not_recorded.extend(other.not_recorded);
        self.unused.merge(other.unused);
    }

    /// The notes in input order, as one pass gives them: a resource's notes come where it was
    /// read; QuestionnaireResponses are placed after every other resource, at the end.
    pub fn in_input_order(mut self, names: &[Location]) -> Notes {
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
        // Stable: a resource's several notes keep their order.
        self.skipped.sort_by_key(|s| {
            let late = s.resource.starts_with("QuestionnaireResponse/");
            (late, at(&s.location))
        });
        self.not_recorded.sort_by_key(|n| at(&n.location));
        self
    }

    /// Tells stderr, as the one-pass reader's notes are told.
    pub fn report(&self) {
        for s in &self.skipped {
            eprintln!("note: {}: {} skipped: {}", s.location, s.resource, s.reason);
        }
        for n in &self.not_recorded {
            eprintln!("note: {n}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_that_fits_is_read_whole_and_parts_grow_with_it() {
        let limit = 512 << 20;
        assert_eq!(parts_for(100 << 20, limit, 2, 0), 1);
        let tenk = parts_for(532 << 20, limit, 2, 0);
        let hundredk = parts_for(5_300 << 20, limit, 2, 0);
        assert!(tenk >= 2 && hundredk > 8 * tenk, "{tenk} {hundredk}");
        // More memory, fewer parts; memory reserved for other work, more.
        assert!(parts_for(5_300 << 20, 2 << 30, 2, 0) < hundredk);
        assert!(parts_for(5_300 << 20, limit, 2, 64 << 20) > hundredk);
    }
}
