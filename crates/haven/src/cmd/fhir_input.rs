//! Reading FHIR input files for `import` and `evaluate`: a path, or `-` for standard input,
//! read a block at a time into a haven-fhir [`Assembler`] with the file's name as the source in
//! every error.

use std::io::Read;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use haven_fhir::{Assembler, Assembly, Feed};
use indicatif::ProgressBar;

/// Bytes read and handed on at a time: large enough that every core gets a long run of lines.
pub(super) const BLOCK: u64 = 32 << 20;

/// One input: a file, or standard input, which is read more than once (whether it names a
/// patient, then its lines, perhaps in parts and again in one pass).
pub enum Input {
    File(PathBuf),
    /// Standard input copied once to an unnamed temporary file: held on disk, not in memory,
    /// and gone when Haven exits, however it exits.
    Spooled(std::fs::File),
    /// Bytes given whole, with a name (the tests' inputs).
    #[cfg(test)]
    Kept(String, Vec<u8>),
}

/// Reads a shared file from its start, at an offset of its own (so readers never move each
/// other's position).
struct FromStart<'f> {
    file: &'f std::fs::File,
    at: u64,
}

impl Read for FromStart<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.file.read_at(buf, self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

impl Input {
    /// The inputs for `paths`, reading standard input (`-`) now.
    pub fn all(paths: &[PathBuf]) -> Result<Vec<Input>> {
        paths
            .iter()
            .map(|path| {
                if path == Path::new("-") {
                    let mut spool = tempfile::tempfile()
                        .context("cannot make a temporary file for standard input")?;
                    std::io::copy(&mut std::io::stdin().lock(), &mut spool)
                        .context("cannot read standard input")?;
                    Ok(Input::Spooled(spool))
                } else {
                    Ok(Input::File(path.clone()))
                }
            })
            .collect()
    }

    /// The name errors use (`stdin` for standard input).
    pub fn name(&self) -> String {
        match self {
            Input::File(path) => path.display().to_string(),
            Input::Spooled(_) => "stdin".to_owned(),
            #[cfg(test)]
            Input::Kept(name, _) => name.clone(),
        }
    }

    /// Its size in bytes, for progress (0 when unknown).
    pub fn len(&self) -> u64 {
        match self {
            Input::File(path) => std::fs::metadata(path).map_or(0, |m| m.len()),
            Input::Spooled(file) => file.metadata().map_or(0, |m| m.len()),
            #[cfg(test)]
            Input::Kept(_, bytes) => bytes.len() as u64,
        }
    }

    pub(super) fn open(&self) -> Result<Box<dyn Read + Send + '_>> {
        Ok(match self {
            Input::File(path) => Box::new(
                std::fs::File::open(path)
                    .with_context(|| format!("cannot read {}", self.name()))?,
            ),
            Input::Spooled(file) => Box::new(FromStart { file, at: 0 }),
            #[cfg(test)]
            Input::Kept(_, bytes) => Box::new(bytes.as_slice()),
        })
    }

    /// Whether it holds a Patient resource anywhere (see [`haven_fhir::mentions_patients`]),
    /// read a block at a time; the end of each block is kept with the next, so that a mention
    /// cut by a block boundary is still found.
    pub fn mentions_patients(&self) -> Result<bool> {
        const OVERLAP: usize = 4 << 10;
        let mut reader = self.open()?;
        let mut block = Vec::with_capacity(BLOCK as usize);
        loop {
            let read = (&mut reader)
                .take(BLOCK)
                .read_to_end(&mut block)
                .with_context(|| format!("cannot read {}", self.name()))?;
            if haven_fhir::mentions_patients(&block) {
                return Ok(true);
            }
            if read == 0 {
                return Ok(false);
            }
            block.drain(..block.len().saturating_sub(OVERLAP));
        }
    }

    /// Reads it into `assembler` a block at a time, the next block read from disk while this
    /// one is parsed; `progress` counts the bytes. Errors are one sentence naming the file
    /// and, for content, the line or Bundle entry and the field.
    pub fn feed(&self, assembler: &mut Assembler, progress: &ProgressBar) -> Result<()> {
        let name = self.name();
        let mut reader = self.open()?;
        let (full_tx, full) = std::sync::mpsc::sync_channel::<std::io::Result<Vec<u8>>>(1);
        let (empty_tx, empty) = std::sync::mpsc::channel::<Vec<u8>>();
        for _ in 0..2 {
            let _ = empty_tx.send(Vec::with_capacity(BLOCK as usize));
        }
        // Everything moves in, so that an early return drops both channel ends the reader is
        // waiting on and it stops.
        std::thread::scope(move |scope| {
            scope.spawn(move || {
                // Ends when the input does, on a read error, or when the parser stops asking.
                while let Ok(mut block) = empty.recv() {
                    block.clear();
                    let read = (&mut reader).take(BLOCK).read_to_end(&mut block);
                    let done = !matches!(read, Ok(n) if n > 0);
                    if full_tx.send(read.map(|_| block)).is_err() || done {
                        break;
                    }
                }
            });
            let mut feed = Feed::new(assembler, &name);
            // A closed channel means the reader is done; it always sends the end first.
            while let Ok(block) = full.recv() {
                let block = block.with_context(|| format!("cannot read {name}"))?;
                if block.is_empty() {
                    break;
                }
                feed.push(&block)?;
                progress.inc(block.len() as u64);
                let _ = empty_tx.send(block);
            }
            Ok(feed.finish()?)
        })
    }
}

/// Tells stderr which resources were read but hold nothing Haven keeps, and what stored
/// resources held that Haven could not record (ids and paths; the value named is a code or a
/// language name, never a person's details).
pub fn report_notes(assembly: &Assembly) {
    for s in &assembly.skipped {
        eprintln!("note: {}: {} skipped: {}", s.location, s.resource, s.reason);
    }
    for n in &assembly.not_recorded {
        eprintln!("note: {n}");
    }
}
