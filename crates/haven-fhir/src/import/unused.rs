//! The count of resources skipped because Haven does not use their type, by type, for the
//! one-line summary every import and evaluation gives (`37 resources of 4 types Haven does not
//! use were skipped: …`). Counting, not listing: a bulk export may hold millions.

use std::collections::BTreeMap;
use std::fmt;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnusedTypes(BTreeMap<&'static str, u64>);

impl UnusedTypes {
    pub(crate) fn count(&mut self, resource_type: &'static str) {
        *self.0.entry(resource_type).or_default() += 1;
    }

    /// Adds the counts of another part of the input.
    pub fn merge(&mut self, later: UnusedTypes) {
        for (resource_type, n) in later.0 {
            *self.0.entry(resource_type).or_default() += n;
        }
    }

    /// How many resources were skipped.
    pub fn total(&self) -> u64 {
        self.0.values().sum()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Each type with its count, in alphabetical order.
    pub fn types(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        self.0.iter().map(|(t, n)| (*t, *n))
    }

    /// How many of `resource_type` were skipped.
    pub fn of(&self, resource_type: &str) -> u64 {
        self.0.get(resource_type).copied().unwrap_or(0)
    }
}

/// `37 resources of 4 types Haven does not use were skipped: AllergyIntolerance (12), …`; the
/// summary of nothing skipped is empty, so callers print it only when there is one.
impl fmt::Display for UnusedTypes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return Ok(());
        }
        let total = self.total();
        let types = self.0.len();
        write!(
            f,
            "{total} {} of {types} {} Haven does not use {} skipped: ",
            if total == 1 { "resource" } else { "resources" },
            if types == 1 { "type" } else { "types" },
            if total == 1 { "was" } else { "were" },
        )?;
        for (i, (resource_type, n)) in self.types().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{resource_type} ({n})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_merge_and_read_as_one_sentence() {
        let mut a = UnusedTypes::default();
        assert_eq!(a.to_string(), "");
        a.count("Immunization");
        assert_eq!(
            a.to_string(),
            "1 resource of 1 type Haven does not use was skipped: Immunization (1)"
        );
        let mut b = UnusedTypes::default();
        b.count("AllergyIntolerance");
        b.count("Immunization");
        a.merge(b);
        assert_eq!(
            a.to_string(),
            "3 resources of 2 types Haven does not use were skipped: AllergyIntolerance (1), Immunization (2)"
        );
        assert_eq!((a.total(), a.of("Immunization"), a.of("Task")), (3, 2, 0));
    }
}
