//! Conditional creates (`request.ifNoneExist`) met at the end of assembly: a Patient whose NHS
//! number a stored patient has is set aside, and its record becomes that patient's.

use haven_core::record::Patient;
use haven_core::{NhsNumber, PatientId};

use super::{Assembler, Built};
use crate::import::error::{ImportError, ImportErrorKind as Kind, Location};

/// A Patient sent as a conditional create: used only if no stored patient has `nhs`.
pub(super) struct Condition {
    pub(super) patient: String,
    pub(super) nhs: NhsNumber,
    pub(super) location: Location,
}

impl Assembler {
    /// Conditional creates whose NHS number a stored patient has: the input's Patient is set
    /// aside and its record becomes that patient's, merged with any record of theirs that the
    /// input holds already.
    pub(super) fn apply_conditions(&mut self, known: &[Patient]) -> Result<(), ImportError> {
        let mut vacated = Vec::new();
        for condition in std::mem::take(&mut self.conditions) {
            let mut found: Vec<&PatientId> = known
                .iter()
                .filter(|p| p.nhs_number.as_ref() == Some(&condition.nhs))
                .map(|p| &p.id)
                .collect();
            found.sort();
            found.dedup();
            let target = match found[..] {
                [] => continue,
                [one] => one.clone(),
                ref many => {
                    let ids: Vec<&str> = many.iter().map(|id| id.as_str()).collect();
                    return Err(ImportError::new(
                        Kind::MultipleMatches,
                        &condition.location,
                        "request.ifNoneExist",
                        format!(
                            "the search matches {} stored patients ({}), so Haven cannot tell which one is meant",
                            ids.len(),
                            ids.join(", ")
                        ),
                    ));
                }
            };
            let Some(slot) = self.index.remove(condition.patient.as_str()) else {
                unreachable!("a condition is recorded with its Patient's record")
            };
            let built = &mut self.records[slot];
            built.patient_source = None;
            built.if_match = None;
            built.found = Some(condition.patient);
            built.record.patient = Patient::new(target.clone(), "", "");
            for entry in &mut built.record.entries {
                entry.patient = target.clone();
            }
            match self.index.get(target.as_str()) {
                Some(&other) => {
                    let moved = std::mem::replace(&mut self.records[slot], Built::new("", None));
                    self.records[other].absorb(moved);
                    vacated.push(slot);
                }
                None => {
                    self.index.insert(target.as_str().to_owned(), slot);
                }
            }
        }
        if !vacated.is_empty() {
            let mut slot = 0;
            self.records.retain(|_| {
                slot += 1;
                !vacated.contains(&(slot - 1))
            });
            self.index = self
                .records
                .iter()
                .enumerate()
                .map(|(slot, b)| (b.record.patient.id.as_str().to_owned(), slot))
                .collect();
        }
        Ok(())
    }
}
