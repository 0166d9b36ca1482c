//! NDJSON output for bulk export: one resource per line, one file per resource type
//! (`Patient.ndjson`, `Observation.ndjson`, …), as FHIR Bulk Data expects.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Appends one resource as one line.
pub fn write_line<W: Write>(out: &mut W, resource: &Value) -> io::Result<()> {
    serde_json::to_writer(&mut *out, resource)?;
    out.write_all(b"\n")
}

/// The resources as NDJSON text.
pub fn to_ndjson<'a>(resources: impl IntoIterator<Item = &'a Value>) -> String {
    let mut out = Vec::new();
    for r in resources {
        // Writing to a Vec cannot fail.
        let _ = write_line(&mut out, r);
    }
    String::from_utf8(out).unwrap_or_default()
}

/// One file written by [`NdjsonFiles`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NdjsonFile {
    pub resource_type: String,
    pub path: PathBuf,
    pub count: u64,
}

/// Writes resources into `<dir>/<Type>.ndjson`, opening each file when its first resource
/// arrives (so an export never leaves empty files).
pub struct NdjsonFiles {
    dir: PathBuf,
    files: BTreeMap<String, (BufWriter<File>, u64)>,
}

impl NdjsonFiles {
    /// `dir` must exist.
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_owned(),
            files: BTreeMap::new(),
        }
    }

    pub fn file_name(resource_type: &str) -> String {
        format!("{resource_type}.ndjson")
    }

    pub fn write(&mut self, resource_type: &str, resource: &Value) -> io::Result<()> {
        if !self.files.contains_key(resource_type) {
            let file = File::create(self.dir.join(Self::file_name(resource_type)))?;
            self.files
                .insert(resource_type.to_owned(), (BufWriter::new(file), 0));
        }
        let Some((out, count)) = self.files.get_mut(resource_type) else {
            unreachable!("inserted above")
        };
        write_line(out, resource)?;
        *count += 1;
        Ok(())
    }

    /// Flushes every file and lists them by resource type.
    pub fn finish(self) -> io::Result<Vec<NdjsonFile>> {
        let mut out = Vec::new();
        for (resource_type, (mut writer, count)) in self.files {
            writer.flush()?;
            writer
                .into_inner()
                .map_err(|e| e.into_error())?
                .sync_all()?;
            out.push(NdjsonFile {
                path: self.dir.join(Self::file_name(&resource_type)),
                resource_type,
                count,
            });
        }
        Ok(out)
    }
}
