//! The first error of input read in parts, as one reader of the whole input names it, without
//! reading the input again.
//!
//! One reader meets errors in this order: a line that does not read, or whose id an earlier
//! line holds, stops it at that line; only when every line reads does
//! [`haven_fhir::Assembler::finish`] meet its own, ranked by [`haven_fhir::Rank`]. So each part
//! notes its first error with its place in that order, the parts' keys add the ids repeated
//! across parts (a repeat at a line comes before any other error of that line: the id is
//! checked first), and the earliest of all is one pass's first error.

use std::collections::HashMap;
use std::io::Read;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result};
use haven_fhir::{FinishError, ImportError, Location, Position, Stage};

use super::super::fhir_input::{BLOCK, Input};
use super::{At, Keys, lock, places};

/// When one reader meets an error; the derived order is that reader's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum When {
    /// At a line: a repeated id before any other error of the same line.
    Line { at: At, check: Check },
    /// In `finish`, once every line has read.
    Finish { stage: Stage, late: bool, at: At },
}

/// What of a line is checked, in the order one reader checks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Check {
    /// Its id against the ids before it.
    Id,
    /// Everything else.
    Rest,
}

/// What the parts could tell.
pub enum Verdict {
    /// No error: the parts' answer is one pass's.
    Agree,
    /// One pass's first error.
    Error(ImportError),
    /// The parts cannot tell (see the module comment of `parts.rs`): read in one pass. Says
    /// why, for the debug log.
    OnePass(&'static str),
}

/// The first error each part met, kept as the earliest of them all; shared by the parts.
pub struct Errors {
    first: Mutex<Option<(When, ImportError)>>,
    /// The earliest line error yet, packed by [`pack`]: a part reads no line after it.
    earliest_line: AtomicU64,
    places: Option<HashMap<String, u32>>,
}

/// A line's place as one number, ordered as its (input, line): 24 bits of input, 40 of line.
fn pack((file, line): At) -> u64 {
    (u64::from(file).min((1 << 24) - 1) << 40) | line.min((1 << 40) - 1)
}

impl Errors {
    pub fn new(names: &[Location]) -> Errors {
        let places = places(names).map(|p| {
            p.into_iter()
                .map(|(name, at)| (name.to_owned(), at))
                .collect()
        });
        Errors {
            first: Mutex::new(None),
            earliest_line: AtomicU64::new(u64::MAX),
            places,
        }
    }

    fn note(&self, when: When, error: ImportError) {
        let mut first = lock(&self.first);
        if first.as_ref().is_none_or(|(earlier, _)| when < *earlier) {
            *first = Some((when, error));
        }
    }

    /// A part's line at `at` does not read.
    pub fn line(&self, at: At, error: ImportError) {
        self.earliest_line.fetch_min(pack(at), Ordering::Relaxed);
        self.note(
            When::Line {
                at,
                check: Check::Rest,
            },
            error,
        );
    }

    /// A part whose lines all read failed to finish.
    pub fn finish(&self, e: FinishError) {
        let at = super::at(self.places.as_ref().unwrap_or(&HashMap::new()), &e.rank.at);
        let when = When::Finish {
            stage: e.rank.stage,
            late: e.rank.late,
            at,
        };
        self.note(when, e.error);
    }

    /// Whether a line error before `at` is known: nothing at or after `at` can be first.
    pub fn past(&self, at: At) -> bool {
        pack(at) > self.earliest_line.load(Ordering::Relaxed)
    }

    /// Whether any part has met an error (its work beyond finding errors is wasted).
    pub fn any(&self) -> bool {
        lock(&self.first).is_some()
    }

    /// Whether a line error is known: then no error of `finish` can be first.
    pub fn any_line(&self) -> bool {
        self.earliest_line.load(Ordering::Relaxed) != u64::MAX
    }

    /// The first error of one pass over `inputs`, once every part is read and `keys` holds
    /// them all; or that there is none, or that the parts cannot tell.
    pub fn verdict(self, keys: &Keys, inputs: &[Input], names: &[Location]) -> Result<Verdict> {
        let compared = keys.compare()?;
        let first = self.first.into_inner().unwrap_or_else(|p| p.into_inner());
        let repeat = compared.first_repeat.map(|(again, first)| {
            let when = When::Line {
                at: again,
                check: Check::Id,
            };
            (when, first)
        });
        if (first.is_some() || repeat.is_some()) && self.places.is_none() {
            return Ok(Verdict::OnePass("two inputs share a name"));
        }
        match (first, repeat) {
            (first, Some((when, earlier))) if first.as_ref().is_none_or(|(w, _)| when < *w) => {
                let When::Line { at: again, .. } = when else {
                    unreachable!("a repeat is at a line")
                };
                let line_at = |(file, line): At| {
                    let text = line_of(&inputs[file as usize], line)?;
                    let location = names[file as usize].at(Position::Line(line as usize));
                    Ok::<_, anyhow::Error>((text, location))
                };
                let (earlier, again) = (line_at(earlier)?, line_at(again)?);
                Ok(
                    haven_fhir::repeated_id((&earlier.0, earlier.1), (&again.0, again.1))
                        .map_or(Verdict::OnePass("two ids' keys collided"), Verdict::Error),
                )
            }
            (Some((When::Line { .. }, error)), _) => Ok(Verdict::Error(error)),
            _ if compared.tied => Ok(Verdict::OnePass(
                "the parts share a named response or a patient",
            )),
            (Some((_, error)), _) => Ok(Verdict::Error(error)),
            (None, _) => Ok(Verdict::Agree),
        }
    }
}

/// The text of line `number` (from 1) of `input`, as the parts read it (after a byte-order
/// mark, without its newline), read a block at a time.
fn line_of(input: &Input, number: u64) -> Result<Vec<u8>> {
    let name = input.name();
    let mut reader = input.open()?;
    let mut block = Vec::with_capacity(BLOCK as usize);
    let mut line = Vec::new();
    let mut at = 1u64;
    let mut first = true;
    loop {
        block.clear();
        let read = (&mut reader)
            .take(BLOCK)
            .read_to_end(&mut block)
            .with_context(|| format!("cannot read {name}"))?;
        let mut rest = &block[..];
        if first {
            rest = rest.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(rest);
            first = false;
        }
        while !rest.is_empty() {
            let end = memchr::memchr(b'\n', rest);
            if at == number {
                line.extend_from_slice(&rest[..end.unwrap_or(rest.len())]);
                if end.is_some() {
                    return Ok(line);
                }
            }
            match end {
                Some(end) => {
                    at += 1;
                    rest = &rest[end + 1..];
                }
                None => rest = &[],
            }
        }
        if read == 0 {
            return Ok(line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_found_by_its_number_across_blocks_and_a_byte_order_mark() {
        let input = Input::Kept("stdin".into(), b"\xEF\xBB\xBFone\ntwo\n\nfour".to_vec());
        assert_eq!(line_of(&input, 1).expect("line"), b"one");
        assert_eq!(line_of(&input, 2).expect("line"), b"two");
        assert_eq!(line_of(&input, 3).expect("line"), b"");
        assert_eq!(line_of(&input, 4).expect("line"), b"four");
    }

    #[test]
    fn a_repeat_comes_before_the_other_error_of_its_line_and_lines_before_finishing() {
        let line = |file, line, check| When::Line {
            at: (file, line),
            check,
        };
        assert!(line(0, 5, Check::Id) < line(0, 5, Check::Rest));
        assert!(line(0, 5, Check::Rest) < line(0, 6, Check::Id));
        assert!(line(0, 9, Check::Rest) < line(1, 1, Check::Rest));
        let finish = When::Finish {
            stage: Stage::Responses,
            late: false,
            at: (0, 1),
        };
        assert!(line(9, 9, Check::Rest) < finish);
        assert!(pack((0, 9)) < pack((1, 1)));
    }
}
