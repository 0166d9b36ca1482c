//! Whether demographics that arrive for a stored patient's id are that same person's.
//!
//! Another system's id can equal one of Haven's by chance (`1`, `pat-3`), so an update that
//! arrives by id alone (`haven import`, a FHIR `PUT`) is applied only when the identity agrees:
//! the same NHS number where both sides have one; otherwise the same family name and the same
//! birth date. A deliberate change of name or birth date goes through the patient form or a FHIR
//! update naming the version it changes, never through this check.

use super::Patient;
use crate::text;

/// The part of an identity that differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdentityField {
    NhsNumber,
    FamilyName,
    BirthDate,
}

impl IdentityField {
    /// The field as a sentence names it ("the NHS number differs").
    pub fn label(self) -> &'static str {
        match self {
            Self::NhsNumber => "NHS number",
            Self::FamilyName => "family name",
            Self::BirthDate => "birth date",
        }
    }
}

/// `Ok` when `incoming` describes the same person as `stored`; otherwise the field that
/// differs. Family names are compared after [`text::fold`] (case, accents, Arabic letter
/// variants); a birth date present on one side only is a difference.
pub fn same_identity(stored: &Patient, incoming: &Patient) -> Result<(), IdentityField> {
    if let (Some(a), Some(b)) = (&stored.nhs_number, &incoming.nhs_number) {
        return if a == b {
            Ok(())
        } else {
            Err(IdentityField::NhsNumber)
        };
    }
    if text::fold(&stored.family_name) != text::fold(&incoming.family_name) {
        return Err(IdentityField::FamilyName);
    }
    if stored.birth_date != incoming.birth_date {
        return Err(IdentityField::BirthDate);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NhsNumber;
    use time::macros::date;

    fn person(family: &str, nhs: Option<&str>, born: Option<crate::Date>) -> Patient {
        let mut p = Patient::new("pat-3".into(), "Amina", family);
        p.nhs_number = nhs.map(|n| NhsNumber::parse(n).expect("valid NHS number"));
        p.birth_date = born.map(Into::into);
        p
    }

    fn check(stored: &Patient, incoming: &Patient, expect: Result<(), IdentityField>) {
        assert_eq!(same_identity(stored, incoming), expect);
    }

    #[test]
    fn the_nhs_number_decides_where_both_have_one() {
        let stored = person("Haddad", Some("9000000009"), Some(date!(1990 - 05 - 01)));
        // The same number: a change of name or birth date is still the same person.
        check(
            &stored,
            &person("Hadad", Some("9000000009"), Some(date!(1991 - 05 - 01))),
            Ok(()),
        );
        check(
            &stored,
            &person("Haddad", Some("9434765919"), Some(date!(1990 - 05 - 01))),
            Err(IdentityField::NhsNumber),
        );
    }

    #[test]
    fn otherwise_family_name_and_birth_date_decide_after_folding() {
        let stored = person("Çelik", Some("9000000009"), Some(date!(1990 - 05 - 01)));
        check(
            &stored,
            &person("  CELIK ", None, Some(date!(1990 - 05 - 01))),
            Ok(()),
        );
        check(
            &person("أحمد", None, None),
            &person("احمد", None, None),
            Ok(()),
        );
        check(
            &stored,
            &person("Kaya", None, Some(date!(1990 - 05 - 01))),
            Err(IdentityField::FamilyName),
        );
        check(
            &stored,
            &person("Celik", None, Some(date!(1990 - 05 - 02))),
            Err(IdentityField::BirthDate),
        );
        check(
            &stored,
            &person("Celik", None, None),
            Err(IdentityField::BirthDate),
        );
        assert_eq!(IdentityField::BirthDate.label(), "birth date");
    }
}
