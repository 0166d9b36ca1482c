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
//! to the output. An error is named as one pass names it: the earliest of the parts' first
//! errors and of the ids repeated across parts ([`Errors::verdict`]). What the parts cannot
//! answer exactly as one pass — a response named across parts, a patient's lines in two parts,
//! input that is not NDJSON — is answered by reading the input again in one pass.

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
    Errors, Keys, Notes, PART_BUFFER, Verdict, cores, create, field, locations, lock, open,
    read_part, route, size_of,
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
/// be read in one pass instead (see the module comment); an error is one pass's first. Each
/// action is printed as `json`/table text for the merge.
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
    let keys = Keys::create(dir, parts, &names)?;
    let pass = Pass {
        names: &names,
        keys: &keys,
        as_of,
        today,
        json,
        errors: Errors::new(&names),
        never: AtomicBool::new(false),
        bar: &bar,
    };
    let results = pass.run(dir, &files)?;
    bar.finish_and_clear();
    match pass.errors.verdict(&keys, inputs, &names)? {
        Verdict::Agree => {}
        Verdict::Error(e) => {
            tracing::debug!("a part found the first error");
            return Err(e.into());
        }
        Verdict::OnePass(why) => {
            tracing::debug!("{why}: read in one pass");
            return Ok(None);
        }
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
    /// Each part's first error, kept as one pass's first.
    errors: Errors,
    /// Nothing stops evaluating but an error.
    never: AtomicBool,
    bar: &'a ProgressBar,
}

/// What one part gave besides its actions.
struct PartResult {
    notes: Notes,
    actions: PathBuf,
    count: usize,
}

impl Pass<'_> {
    /// Every part, one per core at a time: the results of those without an error (the
    /// others' errors are in `errors`).
    fn run(&self, dir: &Path, files: &[PathBuf]) -> Result<Vec<PartResult>> {
        let next = AtomicUsize::new(0);
        let workers = cores().min(files.len());
        let done: Mutex<Vec<(usize, PartResult)>> = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    scope.spawn(|| -> Result<()> {
                        loop {
                            let part = next.fetch_add(1, Ordering::Relaxed);
                            if part >= files.len() {
                                return Ok(());
                            }
                            let out = dir.join(format!("part-{part}.actions"));
                            if let Some(result) = self.one(&files[part], &out)? {
                                lock(&done).push((part, result));
                            }
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .try_for_each(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
        })?;
        let mut done = done.into_inner().unwrap_or_else(|p| p.into_inner());
        done.sort_by_key(|(part, _)| *part);
        Ok(done.into_iter().map(|(_, r)| r).collect())
    }

    /// One part: its lines assembled in input order as the one-pass reader would, its keys
    /// written, its records evaluated and its actions written sorted to `out`. `None` once
    /// any part has found an error (this one's is noted in `errors`): only errors count then.
    fn one(&self, lines: &Path, out: &Path) -> Result<Option<PartResult>> {
        let mut assembler = Assembler::default();
        assembler.read_partial_dates_as_of(self.as_of);
        let read = read_part(
            lines,
            self.names,
            &mut assembler,
            self.bar,
            &self.errors,
            &self.never,
        )?;
        // Written even for a part stopped by an error: an id repeated before it may come first.
        self.keys.add_from(&assembler)?;
        if !read || self.errors.any_line() {
            return Ok(None);
        }
        // Data is checked against the real date, the rules look at the record on `as_of`.
        let assembly =
            match assembler.finish_ranked(self.today.max(self.as_of), &[], Purpose::Evaluate) {
                Ok(assembly) => assembly,
                Err(e) => {
                    self.errors.finish(*e);
                    return Ok(None);
                }
            };
        if self.errors.any() {
            return Ok(None);
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    const AS_OF: Date = date!(2026 - 11 - 28);

    fn patient(p: usize) -> String {
        format!(
            r#"{{"resourceType":"Patient","id":"p{p}","name":[{{"family":"F{p}"}}],"birthDate":"1990-01-01"}}"#
        )
    }

    fn event(e: usize, patient: &str, date: &str) -> String {
        format!(
            r#"{{"resourceType":"Observation","id":"e{e}","status":"final","subject":{{"reference":"Patient/{patient}"}},"code":{{"coding":[{{"system":"https://haven-health.github.io/fhir/CodeSystem/life-event","code":"asylum-refused"}}]}},"effectiveDateTime":"{date}"}}"#
        )
    }

    /// Three files of patients and their events, each line where `spread` puts it.
    fn population(patients: usize, events: usize, spread: u64) -> Vec<Vec<String>> {
        let mut files = vec![Vec::new(), Vec::new(), Vec::new()];
        let mut pick = spread;
        let mut next = |n: usize| {
            pick = pick.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (pick >> 33) as usize % n
        };
        for p in 0..patients {
            files[next(3)].push(patient(p));
        }
        for e in 0..events {
            let owner = format!("p{}", next(patients));
            files[next(3)].push(event(e, &owner, "2026-01-01"));
        }
        files
    }

    /// What can be wrong with a line, each met at a different point of one pass.
    #[derive(Clone, Copy, Debug)]
    enum Fault {
        /// Not JSON: the line does not read.
        Broken,
        /// Not a FHIR id.
        BadId,
        /// The id of another line (often in another part): met at the later of the two.
        Repeat(usize, usize),
        /// Names a patient the input does not hold: met once every line is read.
        Missing,
        /// A date in the future: met when the records are validated.
        Future,
        /// Read as it is found (a subject that is not a Patient, a birth date that is no date).
        Unreadable,
        /// A repeated id and another fault of the line itself: the repeat is met first.
        RepeatAndUnreadable(usize, usize),
    }

    fn fault() -> impl Strategy<Value = Fault> {
        prop_oneof![
            Just(Fault::Broken),
            Just(Fault::BadId),
            (any::<usize>(), any::<usize>()).prop_map(|(f, l)| Fault::Repeat(f, l)),
            Just(Fault::Missing),
            Just(Fault::Future),
            Just(Fault::Unreadable),
            (any::<usize>(), any::<usize>()).prop_map(|(f, l)| Fault::RepeatAndUnreadable(f, l)),
        ]
    }

    fn place(files: &mut [Vec<String>], fault: Fault, file: usize, line: usize) {
        let file = file % files.len();
        if files[file].is_empty() {
            return;
        }
        let line = line % files[file].len();
        if let Fault::RepeatAndUnreadable(from, other) = fault {
            place(files, Fault::Repeat(from, other), file, line);
            place(files, Fault::Unreadable, file, line);
            return;
        }
        let text = files[file][line].clone();
        let is_patient = text.contains(r#""resourceType":"Patient""#);
        files[file][line] = match fault {
            Fault::Broken => "{\"resourceType\":".to_owned(),
            Fault::BadId => text.replacen(r#""id":""#, r#""id":"bad id!"#, 1),
            Fault::Repeat(from, other) => {
                let from = from % files.len();
                if files[from].is_empty() {
                    return;
                }
                let other = &files[from][other % files[from].len()];
                let id = |t: &str| {
                    let v: serde_json::Value = serde_json::from_str(t).ok()?;
                    Some(v["id"].as_str()?.to_owned())
                };
                let (Some(theirs), Some(mine)) = (id(other), id(&text)) else {
                    return;
                };
                text.replacen(
                    &format!(r#""id":"{mine}""#),
                    &format!(r#""id":"{theirs}""#),
                    1,
                )
            }
            Fault::Missing if is_patient => return,
            Fault::Missing => {
                let v: serde_json::Value = serde_json::from_str(&text).expect("json");
                let id = v["id"].as_str().expect("id");
                event(
                    id[1..].parse().expect("number"),
                    &format!("gone{line}"),
                    "2026-01-01",
                )
            }
            Fault::Future if is_patient => text.replace("1990-01-01", "2999-01-01"),
            Fault::Future => text.replace("2026-01-01", "2999-01-01"),
            Fault::Unreadable if is_patient => text.replace("1990-01-01", "1990-13-45"),
            Fault::Unreadable => text.replacen("Patient/", "Group/", 1),
            Fault::RepeatAndUnreadable(..) => return,
        };
    }

    fn inputs(files: &[Vec<String>]) -> Vec<Input> {
        files
            .iter()
            .enumerate()
            .map(|(i, lines)| {
                let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
                Input::Kept(format!("f{i}.ndjson"), text.into_bytes())
            })
            .collect()
    }

    /// One pass's first error, as `haven evaluate` reads the input whole.
    fn one_pass(inputs: &[Input]) -> Option<String> {
        let mut assembler = Assembler::default();
        assembler.read_partial_dates_as_of(AS_OF);
        let bar = ProgressBar::hidden();
        for input in inputs {
            if let Err(e) = input.feed(&mut assembler, &bar) {
                return Some(format!("{e:#}"));
            }
        }
        assembler
            .finish(AS_OF, &[], Purpose::Evaluate)
            .err()
            .map(|e| e.to_string())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Faults anywhere in any of the files: the parts name the first error one pass
        /// names, byte for byte, without reading the input again.
        #[test]
        fn the_first_error_is_one_passes_whichever_part_finds_it(
            spread in any::<u64>(),
            parts in 2usize..12,
            faults in proptest::collection::vec((fault(), any::<usize>(), any::<usize>()), 1..4),
        ) {
            let mut files = population(40, 400, spread);
            for (fault, file, line) in faults {
                place(&mut files, fault, file, line);
            }
            let inputs = inputs(&files);
            let whole = one_pass(&inputs);
            // A file whose first line is broken is a document to one pass, and the parts
            // leave it to one pass.
            let documents = inputs.iter().any(|input| match input {
                Input::Kept(_, bytes) => haven_fhir::ndjson_by_its_start(bytes) != Some(true),
                _ => false,
            });
            let dir = tempfile::tempdir().expect("dir");
            let apart = evaluate(&inputs, dir.path(), parts, AS_OF, AS_OF, true);
            match (whole, apart) {
                (None, Ok(Some(_))) => {}
                (Some(_), Ok(None)) if documents => {}
                (Some(whole), Err(apart)) => prop_assert_eq!(whole, format!("{apart:#}")),
                (whole, apart) => prop_assert!(
                    false,
                    "one pass: {whole:?}; parts: {:?}",
                    apart.map(|a| a.is_some())
                ),
            }
        }
    }
}
