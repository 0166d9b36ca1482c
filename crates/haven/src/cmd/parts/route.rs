//! Pass 1 of reading in parts (`haven evaluate`, `haven import`): every NDJSON line to its patient's part, written
//! length-prefixed with its file and line number, in input order.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use haven_fhir::MAX_RESOURCE_BYTES;
use indicatif::ProgressBar;

use super::super::fhir_input::Input;
use super::{PART_BUFFER, cores, create};

/// Pass 1: every line to its patient's part. `None` when an input is not NDJSON or has a line
/// too long to be a resource (both for the one-pass reader to refuse or read).
pub fn route(
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

#[cfg(test)]
mod tests {
    use super::super::field;
    use super::*;

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
            let inputs = [Input::Kept("stdin".into(), text.clone().into_bytes())];
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
            "stdin".into(),
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
        let long = [Input::Kept("stdin".into(), long.into_bytes())];
        assert!(
            route(&long, dir.path(), 2, 4096, &ProgressBar::hidden())
                .expect("route")
                .is_none()
        );
    }
}
