//! Terminology as data: the verified SNOMED CT and LOINC codes of `codes.tsv`, compiled into
//! the binary, with typed look-ups by Haven key or by (system, code).
//!
//! Architecture invariant: no SNOMED CT or LOINC code appears anywhere in Haven's code except in
//! `codes.tsv`; everything else asks this module by key, so one file holds every code a
//! clinical safety officer must check.

mod check_digits;

pub use check_digits::{loinc_check_digit_valid, verhoeff_valid};

use std::collections::HashMap;
use std::sync::OnceLock;

pub const SNOMED: &str = "http://snomed.info/sct";
pub const LOINC: &str = "http://loinc.org";
/// Haven's canonical base for its own code systems and extensions.
pub const HAVEN_BASE: &str = "https://haven-health.github.io/fhir";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CodeSystem {
    Snomed,
    Loinc,
    /// LOINC answer-list codes (`LA…`).
    LoincAnswer,
}

impl CodeSystem {
    pub fn uri(self) -> &'static str {
        match self {
            Self::Snomed => SNOMED,
            Self::Loinc | Self::LoincAnswer => LOINC,
        }
    }
}

/// One verified code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code {
    pub system: CodeSystem,
    pub code: &'static str,
    pub key: &'static str,
    pub display: &'static str,
}

const DATA: &str = include_str!("codes.tsv");

/// The table, and where each code is by key and by (system URI, code): import maps every
/// coding it reads through [`lookup`], so a scan of the table per coding would show.
struct Table {
    codes: Vec<Code>,
    by_key: HashMap<&'static str, usize>,
    by_code: HashMap<(&'static str, &'static str), usize>,
}

fn indexed() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let codes = parse(DATA);
        let (mut by_key, mut by_code) = (HashMap::new(), HashMap::new());
        for (at, c) in codes.iter().enumerate() {
            // The first row wins, as a scan from the top would find it.
            by_key.entry(c.key).or_insert(at);
            by_code.entry((c.system.uri(), c.code)).or_insert(at);
        }
        Table {
            codes,
            by_key,
            by_code,
        }
    })
}

fn table() -> &'static [Code] {
    &indexed().codes
}

fn parse(data: &'static str) -> Vec<Code> {
    data.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|line| {
            let mut cols = line.split('\t');
            let mut next = || cols.next().unwrap_or("");
            let system = match next() {
                "snomed" => CodeSystem::Snomed,
                "loinc" => CodeSystem::Loinc,
                "loinc-answer" => CodeSystem::LoincAnswer,
                // The table is compiled in and checked by `every_row_is_well_formed`.
                other => panic!("codes.tsv: unknown system {other:?}"),
            };
            Code {
                system,
                code: next(),
                key: next(),
                display: next(),
            }
        })
        .collect()
}

/// Every verified code.
pub fn all() -> &'static [Code] {
    table()
}

/// The code for a Haven key. Keys are compile-time constants of this crate, and a test checks
/// that every key the crate uses exists, so a missing key is a programming error.
pub fn by_key(key: &str) -> &'static Code {
    find_key(key).unwrap_or_else(|| panic!("terminology key {key:?} is not in codes.tsv"))
}

pub fn find_key(key: &str) -> Option<&'static Code> {
    let table = indexed();
    table.by_key.get(key).map(|&at| &table.codes[at])
}

/// Looks up a code by FHIR system URI and code value.
pub fn lookup(system_uri: &str, code: &str) -> Option<&'static Code> {
    let table = indexed();
    table
        .by_code
        .get(&(system_uri, code))
        .map(|&at| &table.codes[at])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_is_found_by_its_key_and_by_its_system_and_code() {
        for c in all() {
            assert_eq!(find_key(c.key), Some(c));
            assert_eq!(lookup(c.system.uri(), c.code), Some(c));
        }
        assert_eq!(lookup(SNOMED, "no-such-code"), None);
        assert_eq!(find_key("no-such-key"), None);
    }

    #[test]
    fn every_row_is_well_formed_and_unique() {
        let mut keys = HashSet::new();
        let mut codes = HashSet::new();
        for c in all() {
            assert!(
                !c.code.is_empty() && !c.key.is_empty() && !c.display.is_empty(),
                "{c:?}"
            );
            assert!(keys.insert(c.key), "duplicate key {}", c.key);
            assert!(
                codes.insert((c.system, c.code)),
                "duplicate code {}",
                c.code
            );
        }
        assert!(all().len() >= 85);
    }

    #[test]
    fn every_snomed_id_has_a_valid_verhoeff_check_digit() {
        for c in all().iter().filter(|c| c.system == CodeSystem::Snomed) {
            assert!(c.code.len() >= 6 && c.code.len() <= 18, "{}", c.code);
            assert!(
                verhoeff_valid(c.code),
                "SNOMED CT id {} ({}) fails its Verhoeff check",
                c.code,
                c.display
            );
        }
    }

    #[test]
    fn every_loinc_code_has_a_valid_mod10_check_digit() {
        for c in all().iter().filter(|c| c.system == CodeSystem::Loinc) {
            assert!(
                loinc_check_digit_valid(c.code),
                "LOINC {} ({}) fails its mod-10 check",
                c.code,
                c.display
            );
        }
    }

    #[test]
    fn known_invented_codes_are_absent() {
        // codes.md warns these circulate in public repositories with the wrong meaning.
        for bad in ["446874008", "95381002", "902961000000107"] {
            assert!(lookup(SNOMED, bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn look_ups_agree() {
        let c = by_key("interpreter.needed");
        assert_eq!(c.code, "315594003");
        assert_eq!(lookup(SNOMED, "315594003"), Some(c));
        assert_eq!(by_key("phq9.item9").code, "44260-8");
    }
}
