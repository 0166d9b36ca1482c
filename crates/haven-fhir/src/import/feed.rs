//! Reading one input as it arrives, block by block, into an [`Assembler`]: NDJSON is read a
//! run of whole lines at a time on every core, so a file of any size passes through bounded
//! memory; anything else (a resource, a Bundle) is gathered and read whole at the end, exactly
//! as [`parse_input`] reads it.

use super::assemble::Assembler;
use super::error::{ImportError, Location, Position};
use super::parse::{MAX_RESOURCE_BYTES, each_line, joined, looks_like_ndjson, parse_input, runs};

/// Enough of the start of an input to tell NDJSON from a document, if two whole lines have
/// not told already.
const SNIFF_BYTES: usize = 4 << 20;

/// Whether `bytes` holds two whole lines that are not blank: all that [`looks_like_ndjson`]
/// reads.
fn two_lines(bytes: &[u8]) -> bool {
    let mut start = 0;
    let mut whole = 0;
    for end in memchr::memchr_iter(b'\n', bytes) {
        if !bytes[start..end].trim_ascii().is_empty() {
            whole += 1;
            if whole == 2 {
                return true;
            }
        }
        start = end + 1;
    }
    false
}

/// How [`Feed`] reads an input that begins with `start` (its first block, a byte-order mark
/// included): `Some(true)` as NDJSON, `Some(false)` as a document, `None` while it waits for
/// more.
pub fn ndjson_by_its_start(start: &[u8]) -> Option<bool> {
    if start.len() < SNIFF_BYTES && !two_lines(start) {
        return None;
    }
    let start = start
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(start);
    Some(looks_like_ndjson(start))
}

/// How much of `bytes` can be read now: its whole lines, or all of it when it is one line
/// already longer than the limit (read as far as it goes, to be refused by its number).
fn readable(bytes: &[u8]) -> usize {
    match memchr::memrchr(b'\n', bytes) {
        Some(at) => at + 1,
        None if bytes.len() > MAX_RESOURCE_BYTES => bytes.len(),
        None => 0,
    }
}

/// One input being read into an assembler. Errors name the source and line as
/// [`parse_input`] would; the assembler must be dropped after one.
pub struct Feed<'a> {
    assembler: &'a mut Assembler,
    source: Location,
    form: Form,
    /// Bytes not read yet: a part line, or everything while the form is unknown.
    pending: Vec<u8>,
    /// Lines already read.
    lines: usize,
}

#[derive(PartialEq)]
enum Form {
    Unknown,
    Ndjson,
    Document,
}

impl<'a> Feed<'a> {
    pub fn new(assembler: &'a mut Assembler, source: &str) -> Self {
        Self {
            assembler,
            source: Location::new(source, Position::Document),
            form: Form::Unknown,
            pending: Vec::new(),
            lines: 0,
        }
    }

    /// Takes the next bytes of the input, reading every whole line they complete. Once the
    /// input is known to be NDJSON, the lines are read where they lie in `bytes`; only a line
    /// cut by the end of a block is copied, to be completed by the next.
    pub fn push(&mut self, mut bytes: &[u8]) -> Result<(), ImportError> {
        if self.form == Form::Unknown {
            self.pending.extend_from_slice(bytes);
            let Some(ndjson) = ndjson_by_its_start(&self.pending) else {
                return Ok(());
            };
            if let Some(rest) = self.pending.strip_prefix(b"\xEF\xBB\xBF".as_slice()) {
                self.pending = rest.to_vec();
            }
            self.form = if ndjson { Form::Ndjson } else { Form::Document };
            bytes = &[];
        }
        if self.form != Form::Ndjson {
            self.pending.extend_from_slice(bytes);
            return Ok(());
        }
        if !self.pending.is_empty() {
            // Complete the cut line (or, before the first, the sniffed lines) and read it.
            let line_end = memchr::memchr(b'\n', bytes).map_or(bytes.len(), |at| at + 1);
            self.pending.extend_from_slice(&bytes[..line_end]);
            bytes = &bytes[line_end..];
            let end = readable(&self.pending);
            let (lines, pending) = (&mut self.lines, &self.pending[..end]);
            read_lines(self.assembler, &self.source, lines, pending)?;
            self.pending.drain(..end);
        }
        let end = readable(bytes);
        read_lines(self.assembler, &self.source, &mut self.lines, &bytes[..end])?;
        self.pending.extend_from_slice(&bytes[end..]);
        Ok(())
    }

    /// The end of the input: reads what is left.
    pub fn finish(mut self) -> Result<(), ImportError> {
        if self.form == Form::Ndjson {
            return read_lines(self.assembler, &self.source, &mut self.lines, &self.pending);
        }
        let resources = parse_input(&self.pending, &self.source.source)?;
        self.assembler.add_all(resources)
    }
}

/// Reads whole lines into `assembler`: the first run on this thread straight into it, the
/// others beside it into parts merged after, in input order so that the error reported is the
/// first in the input. `lines` counts the lines read before, and after.
fn read_lines(
    assembler: &mut Assembler,
    source: &Location,
    lines: &mut usize,
    bytes: &[u8],
) -> Result<(), ImportError> {
    if bytes.is_empty() {
        return Ok(());
    }
    let (runs, after) = runs(bytes, *lines);
    *lines = after;
    if let [(run, skipped)] = runs[..] {
        return each_line(run, source, skipped, |r| assembler.add_one(r));
    }
    let (first, parts) = std::thread::scope(|scope| {
        let handles: Vec<_> = runs[1..]
            .iter()
            .map(|&(run, skipped)| {
                scope.spawn(move || {
                    let mut part = Assembler::default();
                    let read = each_line(run, source, skipped, |r| part.add_one(r));
                    (part, read)
                })
            })
            .collect();
        let (run, skipped) = runs[0];
        let first = each_line(run, source, skipped, |r| assembler.add_one(r));
        (first, handles.into_iter().map(joined).collect::<Vec<_>>())
    });
    first?;
    // A run that stopped at an error is merged as far as it read first: an id it repeats from
    // an earlier run, on an earlier line, is the error one reader would have met first.
    parts.into_iter().try_for_each(|(part, read)| {
        assembler.merge(part)?;
        read
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::parse::PARALLEL_NDJSON_BYTES;
    use crate::import::{Purpose, assemble_with};
    use time::macros::date;

    /// Big enough to be read on every core: parts cut mid-population, merged back in order.
    #[test]
    fn input_read_on_every_core_gives_the_records_of_one_pass() {
        let mut text = String::new();
        for p in 0..2_000 {
            text.push_str(&format!(
                r#"{{"resourceType":"Patient","id":"p{p}","name":[{{"family":"F{p}"}}],"birthDate":"1990-01-01"}}"#
            ));
            text.push('\n');
        }
        for e in 0..24_000 {
            text.push_str(&format!(
                r#"{{"resourceType":"Observation","id":"e{e}","status":"final","subject":{{"reference":"Patient/p{}"}},"code":{{"coding":[{{"system":"https://haven-health.github.io/fhir/CodeSystem/life-event","code":"asylum-refused"}}]}},"effectiveDateTime":"2026-01-01"}}"#,
                (e * 7) % 2_000
            ));
            text.push('\n');
        }
        assert!(text.len() > PARALLEL_NDJSON_BYTES + (1 << 20));
        let today = date!(2026 - 11 - 28);
        let whole = parse_input(text.as_bytes(), "big.ndjson").expect("parse");
        let whole = assemble_with(whole, today, &[], Purpose::Store).expect("assemble");
        for block in [text.len(), PARALLEL_NDJSON_BYTES + 1_000] {
            let mut assembler = Assembler::default();
            let mut feed = Feed::new(&mut assembler, "big.ndjson");
            for chunk in text.as_bytes().chunks(block) {
                feed.push(chunk).expect("push");
            }
            feed.finish().expect("finish");
            let streamed = assembler
                .finish(today, &[], Purpose::Store)
                .expect("finish");
            assert_eq!(streamed, whole, "blocks of {block}");
        }
        // A repeat in the second half is named with its true line and the first use.
        let repeat = text.lines().nth(5_000).expect("line").to_owned();
        text.push_str(&repeat);
        let mut assembler = Assembler::default();
        let mut feed = Feed::new(&mut assembler, "big.ndjson");
        let err = feed
            .push(text.as_bytes())
            .and_then(|()| feed.finish())
            .expect_err("repeat");
        assert_eq!(
            err.to_string(),
            "big.ndjson: line 26001: Observation.id: id \"e3000\" is used twice (first at big.ndjson: line 5001)"
        );
        // A broken line after the repeat, in the same later run: the repeat is still met first,
        // as one reader meets it.
        text.push_str("\n{\"resourceType\":\n");
        let mut assembler = Assembler::default();
        let mut feed = Feed::new(&mut assembler, "big.ndjson");
        let err = feed
            .push(text.as_bytes())
            .and_then(|()| feed.finish())
            .expect_err("repeat");
        assert!(
            err.to_string()
                .starts_with("big.ndjson: line 26001: Observation.id: id \"e3000\""),
            "{err}"
        );
    }
}
