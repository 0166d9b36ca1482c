//! NDJSON output for bulk export: one resource per line, one file per resource type
//! (`Patient.ndjson`, `Observation.ndjson`, …), as FHIR Bulk Data expects.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Appends one resource as one line, `resourceType` first as most FHIR servers write it (a
/// reader can then take the type before the rest, as Haven's does), the rest in key order.
pub fn write_line<W: Write>(out: &mut W, resource: &Value) -> io::Result<()> {
    match resource {
        Value::Object(map) if map.get("resourceType").is_some_and(Value::is_string) => {
            out.write_all(b"{\"resourceType\":")?;
            serde_json::to_writer(&mut *out, &map["resourceType"])?;
            for (key, value) in map.iter().filter(|(k, _)| *k != "resourceType") {
                out.write_all(b",")?;
                serde_json::to_writer(&mut *out, key)?;
                out.write_all(b":")?;
                serde_json::to_writer(&mut *out, value)?;
            }
            out.write_all(b"}")?;
        }
        other => serde_json::to_writer(&mut *out, other)?,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_start_with_the_resource_type_and_read_back_the_same() {
        let resource = serde_json::json!({"id": "p\"1", "name": [{"family": "Ó"}], "resourceType": "Patient", "active": true});
        let text = to_ndjson([&resource]);
        assert_eq!(
            text,
            "{\"resourceType\":\"Patient\",\"active\":true,\"id\":\"p\\\"1\",\"name\":[{\"family\":\"Ó\"}]}\n"
        );
        assert_eq!(
            serde_json::from_str::<Value>(&text).expect("json"),
            resource
        );
        assert_eq!(to_ndjson([&serde_json::json!([1])]), "[1]\n");
    }
}
