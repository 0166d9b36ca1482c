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

use std::collections::{BinaryHeap, HashMap};
use std::fs::File;
use std::io::{self, BufReader, BufWriter, ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::{Context, Result};
use haven_core::Date;
use haven_core::policy::Policy;
use haven_core::population::{AllActions, Evaluation, Tally};
use haven_core::rules::{self, Action, Urgency};
use haven_fhir::{
    Assembler, Location, MAX_RESOURCE_BYTES, NotRecorded, Position, Purpose, Shared, Skipped,
    UnusedTypes,
};
use indicatif::ProgressBar;

use super::super::fhir_input::{BLOCK, Input};
use crate::{actions_output, progress};

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

/// Pass 1: every line to its patient's part. `None` when an input is not NDJSON or has a line
/// too long to be a resource (both for the one-pass reader to refuse or read).
fn route(
    inputs: &[Input],
    dir: &Path,
    parts: usize,
    block_size: u64,
    bar: &ProgressBar,
) -> Result<Option<Vec<PathBuf>>> {
    let paths: Vec<PathBuf> = (0..parts)
        .map(|p| dir.join(format!("part-{p}.lines")))
        .collect();
    let mut writers = paths
        .iter()
        .map(|p| Ok(BufWriter::with_capacity(PART_BUFFER, create(p)?)))
        .collect::<Result<Vec<_>>>()?;
    for (file, input) in inputs.iter().enumerate() {
        let name = input.name();
        let mut reader = input.open()?;
        // A line cut by the end of a block, completed by the next; the others are read
        // where they lie.
        let mut cut_line: Vec<u8> = Vec::new();
        let mut block = Vec::with_capacity(block_size as usize);
        let mut line = 0usize;
        // What was read before the input was known to be NDJSON.
        let mut sniffed = Some(Vec::new());
        loop {
            block.clear();
            let read = (&mut reader)
                .take(block_size)
                .read_to_end(&mut block)
                .with_context(|| format!("cannot read {name}"))?;
            bar.inc(read as u64);
            if let Some(mut start) = sniffed.take() {
                // Decided as the one-pass reader decides; anything it would read otherwise
                // is left to it.
                start.extend_from_slice(&block);
                match haven_fhir::ndjson_by_its_start(&start) {
                    Some(true) => {
                        let bom = if start.starts_with(b"\xEF\xBB\xBF") {
                            3
                        } else {
                            0
                        };
                        start.drain(..bom);
                        block = start;
                    }
                    None if read > 0 => {
                        sniffed = Some(start);
                        continue;
                    }
                    Some(false) | None => return Ok(None),
                }
            }
            let mut rest = &block[..];
            if !cut_line.is_empty() {
                let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |at| at + 1);
                cut_line.extend_from_slice(&rest[..end]);
                rest = &rest[end..];
                if cut_line.ends_with(b"\n") {
                    line = send(&cut_line, file, line, parts, &mut writers)?;
                    cut_line.clear();
                }
            }
            let whole = memchr::memrchr(b'\n', rest).map_or(0, |at| at + 1);
            line = send(&rest[..whole], file, line, parts, &mut writers)?;
            cut_line.extend_from_slice(&rest[whole..]);
            if read == 0 {
                // The end of the input: the last line may lack its newline.
                send(&cut_line, file, line, parts, &mut writers)?;
                break;
            }
            if cut_line.len() > MAX_RESOURCE_BYTES {
                return Ok(None);
            }
        }
    }
    for writer in &mut writers {
        writer.flush().context("cannot write a temporary file")?;
    }
    Ok(Some(paths))
}

/// Sends whole lines (the last may lack its newline at the end of the input) to their parts:
/// each core finds the patients of a run of them, and they are written in input order.
/// Returns the number of lines read so far, `line` being those before `bytes`.
fn send(
    bytes: &[u8],
    file: usize,
    line: usize,
    parts: usize,
    writers: &mut [BufWriter<File>],
) -> Result<usize> {
    if bytes.is_empty() {
        return Ok(line);
    }
    // A short run (a line completed across blocks) is not worth a thread.
    let runs = cut(bytes, if bytes.len() < 1 << 20 { 1 } else { cores() });
    let routed: Vec<Vec<(usize, usize, usize, usize)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .iter()
            .map(|&(start, end)| scope.spawn(move || parts_of_lines(bytes, start, end, parts)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut line = line;
    for (&(start, end), run) in runs.iter().zip(routed) {
        for (part, from, to, newlines_before) in run {
            write_line(
                &mut writers[part],
                file,
                line + newlines_before + 1,
                &bytes[from..to],
            )?;
        }
        line += memchr::memchr_iter(b'\n', &bytes[start..end]).count();
    }
    Ok(line)
}

/// `bytes` cut into `n` runs of whole lines.
fn cut(bytes: &[u8], n: usize) -> Vec<(usize, usize)> {
    let mut runs = Vec::with_capacity(n);
    let mut start = 0;
    for w in 1..=n {
        let at = (bytes.len() * w / n).max(start);
        let end = if w == n {
            bytes.len()
        } else {
            memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i + 1)
        };
        runs.push((start, end));
        start = end;
    }
    runs
}

/// Each non-blank line of `bytes[start..end]`: its part, where it lies, and the newlines
/// before it in the run.
fn parts_of_lines(
    bytes: &[u8],
    start: usize,
    end: usize,
    parts: usize,
) -> Vec<(usize, usize, usize, usize)> {
    let run = &bytes[start..end];
    let mut out = Vec::new();
    let mut from = 0;
    let ends =
        memchr::memchr_iter(b'\n', run).chain((run.last() != Some(&b'\n')).then_some(run.len()));
    for (index, to) in ends.enumerate() {
        let text = &run[from..to];
        if !text.trim_ascii().is_empty() {
            let part = haven_fhir::patient_of_line(text)
                .map_or(index % parts, |p| haven_fhir::part_of(&p, parts));
            out.push((part, start + from, start + to, index));
        }
        from = to + 1;
    }
    out
}

fn write_line(out: &mut impl Write, file: usize, line: usize, text: &[u8]) -> Result<()> {
    out.write_all(&(file as u32).to_le_bytes())
        .and_then(|()| out.write_all(&(line as u64).to_le_bytes()))
        .and_then(|()| out.write_all(&(text.len() as u32).to_le_bytes()))
        .and_then(|()| out.write_all(text))
        .context("cannot write a temporary file")
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

/// An action's place in the population's order (`rules::sort_population`): urgency, due date
/// (undated last), patient, rule id.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Order {
    urgency: u8,
    undated: bool,
    due: i32,
    patient: Vec<u8>,
    rule: Vec<u8>,
}

fn write_action(out: &mut impl Write, patient: &str, a: &Action, printed: &str) -> Result<()> {
    let urgency = Urgency::ALL
        .iter()
        .position(|u| *u == a.urgency)
        .unwrap_or(0) as u8;
    let due = a.due.map_or(0, |d| d.to_julian_day());
    let rule = a.rule.id();
    let write = |out: &mut dyn Write| -> io::Result<()> {
        out.write_all(&[urgency, u8::from(a.due.is_none())])?;
        out.write_all(&due.to_le_bytes())?;
        for text in [patient, rule, printed] {
            out.write_all(&(text.len() as u32).to_le_bytes())?;
            out.write_all(text.as_bytes())?;
        }
        Ok(())
    };
    write(out).context("cannot write a temporary file")
}

/// The next action of a part's sorted file, `None` at its end.
fn read_action(input: &mut impl Read) -> Result<Option<(Order, Vec<u8>)>> {
    let mut head = [0u8; 6];
    match input.read_exact(&mut head) {
        Err(e) if e.kind() == ErrorKind::UnexpectedEof => return Ok(None),
        other => other.context("cannot read a temporary file")?,
    }
    let mut text = || -> Result<Vec<u8>> {
        let mut len = [0u8; 4];
        input
            .read_exact(&mut len)
            .context("cannot read a temporary file")?;
        let mut out = vec![0; u32::from_le_bytes(len) as usize];
        input
            .read_exact(&mut out)
            .context("cannot read a temporary file")?;
        Ok(out)
    };
    let (patient, rule, printed) = (text()?, text()?, text()?);
    let order = Order {
        urgency: head[0],
        undated: head[1] == 1,
        due: i32::from_le_bytes(field(&head[2..6])),
        patient,
        rule,
    };
    Ok(Some((order, printed)))
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

impl Evaluated {
    /// Writes the actions of every part to `out` in the population's order, `json` or as the
    /// table, exactly as `actions_output` prints the whole list.
    pub fn write(&self, as_of: Date, json: bool, out: &mut impl Write) -> Result<()> {
        let mut readers = self
            .actions
            .iter()
            .map(|p| Ok(BufReader::with_capacity(64 << 10, open(p)?)))
            .collect::<Result<Vec<_>>>()?;
        let mut heap = BinaryHeap::new();
        for (part, reader) in readers.iter_mut().enumerate() {
            if let Some((order, printed)) = read_action(reader)? {
                heap.push(std::cmp::Reverse((order, part, printed)));
            }
        }
        let head = if json {
            actions_output::json_head(as_of)
        } else {
            actions_output::table_head(as_of, self.count)
        };
        out.write_all(head.as_bytes())?;
        let mut first = true;
        while let Some(std::cmp::Reverse((_, part, printed))) = heap.pop() {
            if json && !first {
                out.write_all(&[actions_output::JSON_BETWEEN as u8])?;
            }
            first = false;
            out.write_all(&printed)?;
            if let Some((order, printed)) = read_action(&mut readers[part])? {
                heap.push(std::cmp::Reverse((order, part, printed)));
            }
        }
        if json {
            out.write_all(actions_output::JSON_TAIL.as_bytes())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use haven_core::rules::RuleId;
    use time::macros::date;

    /// Every line read back from the parts: (file, line, text), in input order.
    fn read_back(files: &[PathBuf]) -> Vec<(usize, usize, String)> {
        let mut out = Vec::new();
        for path in files {
            let bytes = std::fs::read(path).expect("part");
            let mut at = 0;
            while at < bytes.len() {
                let file = u32::from_le_bytes(field(&bytes[at..at + 4])) as usize;
                let line = u64::from_le_bytes(field(&bytes[at + 4..at + 12])) as usize;
                let len = u32::from_le_bytes(field(&bytes[at + 12..at + 16])) as usize;
                let text =
                    String::from_utf8(bytes[at + 16..at + 16 + len].to_vec()).expect("utf-8");
                out.push((file, line, text));
                at += 16 + len;
            }
        }
        out.sort();
        out
    }

    #[test]
    fn every_line_reaches_one_part_with_its_true_number_wherever_blocks_cut() {
        let patient = |id: &str| format!(r#"{{"resourceType":"Patient","id":"{id}"}}"#);
        let event = |id: &str| {
            format!(r#"{{"resourceType":"Observation","subject":{{"reference":"Patient/{id}"}}}}"#)
        };
        // A byte-order mark, blank lines, a last line without its newline.
        let text = format!(
            "\u{feff}{}\n{}\n\n  \n{}\n{}\n{}",
            patient("a"),
            patient("b"),
            event("a"),
            event("b"),
            event("a")
        );
        let expected: Vec<(usize, usize, String)> = [
            (1, patient("a")),
            (2, patient("b")),
            (5, event("a")),
            (6, event("b")),
            (7, event("a")),
        ]
        .into_iter()
        .map(|(line, text)| (0, line, text))
        .collect();
        for block in [3, 17, 64, 4096] {
            let dir = tempfile::tempdir().expect("dir");
            let inputs = [Input::Kept(text.clone().into_bytes())];
            let files = route(&inputs, dir.path(), 3, block, &ProgressBar::hidden())
                .expect("route")
                .expect("NDJSON");
            assert_eq!(read_back(&files), expected, "blocks of {block}");
            // A patient's lines share a part.
            let part_of = |text: &str| {
                files.iter().position(|f| {
                    String::from_utf8_lossy(&std::fs::read(f).expect("part")).contains(text)
                })
            };
            assert_eq!(part_of(&patient("a")), part_of(&event("a")));
        }
        // Not NDJSON, or a line too long to be a resource (cut across blocks; one inside a block
        // is refused by its part): left to the one-pass reader.
        let dir = tempfile::tempdir().expect("dir");
        let document = [Input::Kept(
            br#"{"resourceType":"Bundle","type":"collection"}"#.to_vec(),
        )];
        assert!(
            route(&document, dir.path(), 2, 64, &ProgressBar::hidden())
                .expect("route")
                .is_none()
        );
        let long = format!(
            "{}\n{}\n{}\n",
            patient("a"),
            patient("b"),
            "x".repeat(2 * MAX_RESOURCE_BYTES)
        );
        let long = [Input::Kept(long.into_bytes())];
        assert!(
            route(&long, dir.path(), 2, 4096, &ProgressBar::hidden())
                .expect("route")
                .is_none()
        );
    }

    #[test]
    fn parts_merged_give_the_populations_order() {
        let action = |urgency: Urgency, due: Option<Date>, rule: RuleId| Action {
            rule,
            section: "§1",
            urgency,
            due,
            reason: format!("because {rule:?}"),
            resolve: "do it",
        };
        let mut all = Vec::new();
        for (i, patient) in ["p-1", "p-10", "p-2", "p-3", "q"].iter().enumerate() {
            for (j, urgency) in Urgency::ALL.iter().enumerate() {
                let due = (i + j) % 3 != 0;
                let due = due
                    .then(|| date!(2026 - 11 - 28) + time::Duration::days((i * 7 % 5) as i64 - 2));
                let rule = RuleId::ALL[(i + j * 3) % RuleId::ALL.len()];
                all.push(((*patient).to_owned(), action(*urgency, due, rule)));
            }
        }
        let dir = tempfile::tempdir().expect("dir");
        for json in [true, false] {
            let mut paths = Vec::new();
            for part in 0..3 {
                let mut mine: Vec<(String, Action)> = all
                    .iter()
                    .filter(|(p, _)| haven_fhir::part_of(p, 3) == part)
                    .cloned()
                    .collect();
                rules::sort_population(&mut mine);
                let path = dir.path().join(format!("{part}-{json}"));
                let mut out = create(&path).expect("create");
                for (p, a) in &mine {
                    let printed = if json {
                        actions_output::json_action(p, a)
                    } else {
                        actions_output::table_row(p, a)
                    };
                    write_action(&mut out, p, a, &printed).expect("write");
                }
                paths.push(path);
            }
            let evaluated = Evaluated {
                skipped: Vec::new(),
                not_recorded: Vec::new(),
                unused: UnusedTypes::default(),
                actions: paths,
                count: all.len(),
            };
            let mut merged = Vec::new();
            evaluated
                .write(date!(2026 - 11 - 28), json, &mut merged)
                .expect("merge");
            let mut sorted = all.clone();
            rules::sort_population(&mut sorted);
            let whole = if json {
                actions_output::to_json(date!(2026 - 11 - 28), &sorted)
            } else {
                actions_output::to_table(date!(2026 - 11 - 28), &sorted)
            };
            assert_eq!(String::from_utf8(merged).expect("utf-8"), whole);
        }
    }

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
