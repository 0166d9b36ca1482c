//! Reading NDJSON input larger than memory in parts by patient, for `haven evaluate` and
//! `haven import` alike (ARCHITECTURE.md, *Evaluating a population larger than memory*):
//!
//! 1. [`route`] sends each line of every input, as it is read, to the part of its patient (a
//!    hash of the patient id), written length-prefixed with its file and line number.
//! 2. The caller reads one part at a time per core back into an [`Assembler`] of its own
//!    ([`read_part`]: the one-pass reader's code, with the same locations), writes the keys
//!    that could tie parts together to [`Keys`], and does its work with the part's records.
//!
//! [`Keys::disagree`] then tells whether the parts read apart give what one pass would; when
//! they cannot (any error, a shared key, input that is not NDJSON) the caller reads the input
//! again in one pass, so errors and their order are the one-pass reader's own.

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

mod route;

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

/// Reads the part at `lines` into `assembler` in input order, as the one-pass reader would,
/// and deletes its file (the disk space goes back at once). `false` when a line does not read
/// or `stop` was set meanwhile: the caller then answers in one pass.
pub fn read_part(
    lines: &Path,
    names: &[Location],
    assembler: &mut Assembler,
    bar: &ProgressBar,
    stop: &AtomicBool,
) -> Result<bool> {
    let mut reader = BufReader::with_capacity(1 << 20, open(lines)?);
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
        let location = names[file].at(Position::Line(line));
        if assembler.add_line(location, &text).is_err() {
            return Ok(false);
        }
        bar.inc((head.len() + len) as u64);
        if stop.load(Ordering::Relaxed) {
            return Ok(false);
        }
    }
    drop(reader);
    std::fs::remove_file(lines).ok();
    Ok(true)
}

/// The keys parts could share, written by hash to as many files as there are parts, so that
/// each is compared in a part's share of memory.
pub struct Keys {
    paths: Vec<PathBuf>,
    files: Mutex<Vec<BufWriter<File>>>,
}

impl Keys {
    pub fn create(dir: &Path, shares: usize) -> Result<Keys> {
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

    /// Writes the keys of a part whose lines are all read (before `finish`).
    pub fn add_from(&self, assembler: &Assembler) -> Result<()> {
        let mut keys = Vec::new();
        assembler.shared_keys(|hash, shared| keys.push((hash, shared)));
        self.add(&keys)
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
    pub fn disagree(&self) -> Result<bool> {
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
