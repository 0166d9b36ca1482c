//! The ceiling for FHIR import speed: plain `serde_json` parsing of the same NDJSON bytes into
//! untyped values, with no mapping and no database. Used by `scripts/bench.sh`.
//!
//! `cargo run --release -p haven --example ndjson_ceiling -- DIR`

use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: ndjson_ceiling DIR"))?;
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "ndjson") {
            files.push(std::fs::read(&path)?);
        }
    }
    let bytes: usize = files.iter().map(Vec::len).sum();
    let started = Instant::now();
    let mut resources = 0u64;
    for file in &files {
        for line in file.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            let value: serde_json::Value = serde_json::from_slice(line)?;
            resources += u64::from(value.is_object());
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{resources} resources, {:.1} MB parsed in {secs:.2} s: {:.0} resources/s",
        bytes as f64 / 1e6,
        resources as f64 / secs
    );
    Ok(())
}
