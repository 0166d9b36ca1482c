//! Reading FHIR input files for `import` and `evaluate`: a path, or `-` for standard input,
//! parsed by haven-fhir with the file's name as the source in every error.

use std::path::Path;

use anyhow::{Context, Result};
use haven_fhir::{ImportedResource, Skipped, parse_input};
use tokio::io::AsyncReadExt;

/// The name errors use for a path (`stdin` for `-`).
pub fn source_name(path: &Path) -> String {
    if path == Path::new("-") {
        "stdin".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Reads and parses one input. Errors are one sentence naming the file and, for content, the
/// line or Bundle entry and the field.
pub async fn read(path: &Path) -> Result<Vec<ImportedResource>> {
    Ok(parse_input(&read_bytes(path).await?, &source_name(path))?)
}

/// The bytes of one input: a file, or standard input for `-`.
pub async fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    if path == Path::new("-") {
        let mut buf = Vec::new();
        tokio::io::stdin()
            .read_to_end(&mut buf)
            .await
            .context("cannot read standard input")?;
        Ok(buf)
    } else {
        tokio::fs::read(path)
            .await
            .with_context(|| format!("cannot read {}", source_name(path)))
    }
}

/// Tells stderr which resources were read but hold nothing Haven keeps (ids only: no
/// personal data).
pub fn report_skipped(skipped: &[Skipped]) {
    for s in skipped {
        eprintln!("note: {}: {} skipped: {}", s.location, s.resource, s.reason);
    }
}
