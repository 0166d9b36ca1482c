//! Terminology as data: the verified SNOMED CT and LOINC codes of `codes.tsv`, compiled into
//! the binary, with typed look-ups by Haven key or by (system, code).
//!
//! Architecture invariant: no SNOMED CT or LOINC code appears anywhere in Haven's code except in
//! `codes.tsv`; everything else asks this module by key, so one file holds every code a
//! clinical safety officer must check.

mod check_digits;

pub use check_digits::{loinc_check_digit_valid, verhoeff_valid};

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

fn table() -> &'static [Code] {
    static TABLE: OnceLock<Vec<Code>> = OnceLock::new();
    TABLE.get_or_init(|| parse(DATA))
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
    table().iter().find(|c| c.key == key)
}

/// Looks up a code by FHIR system URI and code value.
pub fn lookup(system_uri: &str, code: &str) -> Option<&'static Code> {
    table()
        .iter()
        .find(|c| c.system.uri() == system_uri && c.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

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
