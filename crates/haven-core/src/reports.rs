//! Reports for commissioners (§2, §9), computed from records so every figure can be reproduced
//! from the command line.

use std::collections::BTreeMap;

use crate::Date;
use crate::population::Tally;
use crate::record::{InterpreterUse, PatientRecord};

/// Interpreter demand and unmet need for one main language over a period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InterpreterRow {
    /// BCP-47 primary subtag, or `unknown` when no main language is recorded.
    pub language: String,
    /// People with at least one encounter in the period who need an interpreter.
    pub patients_needing: u64,
    pub encounters: u64,
    /// Encounters where an interpreter was needed (the person needs one, or one was used).
    pub encounters_needing: u64,
    /// Of those, encounters with a professional interpreter (telephone, video or in person).
    pub professional: u64,
    /// Of those, encounters with no interpreter or a family member or friend interpreting.
    pub unmet: u64,
}

/// The interpreter report, built by adding records one at a time (streaming).
#[derive(Clone, Debug)]
pub struct InterpreterReport {
    pub from: Date,
    pub to: Date,
    rows: BTreeMap<String, InterpreterRow>,
}

impl InterpreterReport {
    pub fn new(from: Date, to: Date) -> Self {
        Self {
            from,
            to,
            rows: BTreeMap::new(),
        }
    }

    /// Rows by language, busiest first.
    pub fn rows(&self) -> Vec<&InterpreterRow> {
        let mut rows: Vec<_> = self.rows.values().collect();
        rows.sort_by(|a, b| {
            b.encounters_needing
                .cmp(&a.encounters_needing)
                .then_with(|| a.language.cmp(&b.language))
        });
        rows
    }
}

impl Tally for InterpreterReport {
    fn add(&mut self, record: &PatientRecord) {
        let needs = record.patient.interpreter_required == Some(true);
        let language = record
            .patient
            .main_language
            .as_ref()
            .map_or_else(|| "unknown".to_owned(), |l| l.primary().to_owned());
        let mut seen = false;
        for e in record
            .bodies(|b| b.as_encounter())
            .filter(|e| e.date >= self.from && e.date <= self.to)
        {
            let row = self
                .rows
                .entry(language.clone())
                .or_insert_with(|| InterpreterRow {
                    language: language.clone(),
                    ..Default::default()
                });
            row.encounters += 1;
            let used = e.interpreter;
            if needs || used.is_professional() || used == InterpreterUse::FamilyOrFriend {
                row.encounters_needing += 1;
                if used.is_professional() {
                    row.professional += 1;
                } else if matches!(
                    used,
                    InterpreterUse::FamilyOrFriend | InterpreterUse::NoInterpreter
                ) {
                    row.unmet += 1;
                }
            }
            seen = true;
        }
        if seen
            && needs
            && let Some(row) = self.rows.get_mut(&language)
        {
            row.patients_needing += 1;
        }
    }

    fn merge(&mut self, other: Self) {
        for (k, v) in other.rows {
            let row = self.rows.entry(k).or_insert_with(|| InterpreterRow {
                language: v.language.clone(),
                ..Default::default()
            });
            row.patients_needing += v.patients_needing;
            row.encounters += v.encounters;
            row.encounters_needing += v.encounters_needing;
            row.professional += v.professional;
            row.unmet += v.unmet;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Encounter, Entry, EntryBody, Patient};
    use crate::{LanguageTag, PatientId};
    use time::macros::{date, datetime};

    fn record(lang: &str, needs: bool, uses: &[(Date, InterpreterUse)]) -> PatientRecord {
        let mut p = Patient::new(PatientId::new("p"), "A", "B");
        p.main_language = LanguageTag::parse(lang).ok();
        p.interpreter_required = Some(needs);
        let mut r = PatientRecord::new(p);
        for (i, (date, use_)) in uses.iter().enumerate() {
            let body = EntryBody::Encounter(Encounter {
                date: *date,
                interpreter: *use_,
                somatic_complaints: vec![],
                physical_cause_found: false,
                suicidal_thoughts_noted: false,
                self_harm_noted: false,
                note: String::new(),
            });
            r.entries.push(Entry::new(
                format!("e{i}").as_str().into(),
                "p".into(),
                body,
                "x".into(),
                datetime!(2026-01-01 0:00 UTC),
            ));
        }
        r
    }

    #[test]
    fn counts_demand_professional_and_unmet_need_within_the_period() {
        let mut report = InterpreterReport::new(date!(2026 - 01 - 01), date!(2026 - 06 - 30));
        report.add(&record(
            "ar",
            true,
            &[
                (date!(2026 - 02 - 01), InterpreterUse::ProfessionalTelephone),
                (date!(2026 - 03 - 01), InterpreterUse::FamilyOrFriend),
                (date!(2026 - 04 - 01), InterpreterUse::NoInterpreter),
                (date!(2025 - 12 - 31), InterpreterUse::NoInterpreter),
            ],
        ));
        report.add(&record(
            "en",
            false,
            &[(date!(2026 - 02 - 01), InterpreterUse::NotNeeded)],
        ));
        let rows = report.rows();
        assert_eq!(
            rows[0],
            &InterpreterRow {
                language: "ar".into(),
                patients_needing: 1,
                encounters: 3,
                encounters_needing: 3,
                professional: 1,
                unmet: 2
            }
        );
        assert_eq!(rows[1].encounters_needing, 0);
    }
}
