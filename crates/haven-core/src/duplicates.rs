//! Whether two registrations may be the same person: the evidence registration shows before a
//! second record is made, and the administrators' list of possible duplicates reads.
//!
//! Three kinds of evidence count, each on its own: the same NHS number, the same phone number,
//! or the same date of birth with names alike in Latin letters or the person's own script
//! ([`names_alike`]). None proves it: families share phones and twins share birthdays, so a
//! person decides, and Haven remembers a pair someone has said are different people.
//!
//! A phone number on many records is a shared one (a hostel's front desk, a support worker's
//! mobile) and says nothing about who is who; listing everyone who gave it would bury the real
//! warnings, so it is not counted ([`is_shared_phone`]).

use crate::names::{PersonName, names_alike};
use crate::record::Patient;

/// Why two patients may be the same person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DuplicateReason {
    SameNhsNumber,
    SameBirthDateAndName,
    SamePhone,
}

impl DuplicateReason {
    /// How the reason reads in a list, in plain words.
    pub fn label(self) -> &'static str {
        match self {
            Self::SameNhsNumber => "same NHS number",
            Self::SameBirthDateAndName => "same date of birth and a similar name",
            Self::SamePhone => "same phone number",
        }
    }
}

/// The evidence that `a` and `b` are the same person, strongest first; empty when there is none.
pub fn duplicate_reasons(a: &Patient, b: &Patient) -> Vec<DuplicateReason> {
    let mut out = Vec::new();
    if a.nhs_number.is_some() && a.nhs_number == b.nhs_number {
        out.push(DuplicateReason::SameNhsNumber);
    }
    if a.birth_date.is_some() && a.birth_date == b.birth_date && names_alike(&name(a), &name(b)) {
        out.push(DuplicateReason::SameBirthDateAndName);
    }
    let phone = |p: &Patient| p.phone.as_deref().and_then(phone_key);
    if phone(a).is_some() && phone(a) == phone(b) {
        out.push(DuplicateReason::SamePhone);
    }
    out
}

/// More records than this with one phone number make it a shared number.
pub const SHARED_PHONE_RECORDS: usize = 5;

/// Whether a phone number held by `records` patients (counting the one being registered) is a
/// shared number, not evidence: more than [`SHARED_PHONE_RECORDS`].
pub fn is_shared_phone(records: usize) -> bool {
    records > SHARED_PHONE_RECORDS
}

fn name(p: &Patient) -> PersonName<'_> {
    PersonName {
        given: &p.given_name,
        family: &p.family_name,
        native: p.native_name.as_deref(),
    }
}

/// A phone number reduced to its digits for comparison, international numbers written with `+`
/// (`0033…` is `+33…`) and UK numbers in their national form (`+44 7700 900123`, `0044 7700
/// 900123` and `07700 900123` are one number). `None` when fewer than seven digits remain: too
/// few to say two numbers are the same.
pub fn phone_key(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let international = if phone.trim_start().starts_with('+') {
        Some(digits.as_str())
    } else {
        digits.strip_prefix("00")
    };
    let key = match international {
        Some(number) => match number.strip_prefix("44") {
            Some(uk) => format!("0{}", uk.strip_prefix('0').unwrap_or(uk)),
            None => format!("+{number}"),
        },
        None => digits.clone(),
    };
    (key.trim_start_matches('+').len() >= 7).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{NhsNumber, PatientId};
    use proptest::prelude::*;
    use time::macros::date;

    fn person(given: &str, family: &str) -> Patient {
        Patient::new(PatientId::new(""), given, family)
    }

    #[test]
    fn uk_numbers_in_any_format_are_one_number() {
        let key = phone_key("07700 900123");
        assert_eq!(key.as_deref(), Some("07700900123"));
        for same in [
            "+44 7700 900123",
            "+44 (0)7700 900123",
            "0044 7700 900 123",
            "07700-900-123",
        ] {
            assert_eq!(phone_key(same), key, "{same}");
        }
        assert_eq!(
            phone_key("+33 6 12 34 56 78").as_deref(),
            Some("+33612345678")
        );
        assert_eq!(phone_key("0033 6 12 34 56 78"), phone_key("+33612345678"));
        assert_ne!(phone_key("+33 6 12 34 56 78"), phone_key("06 12 34 56 78"));
        assert_eq!(phone_key("116 123"), None, "too short to compare");
        assert_eq!(phone_key("none"), None);
    }

    #[test]
    fn each_kind_of_evidence_counts_on_its_own() {
        let mut a = person("Mahmoud", "Abdelrahman");
        let mut b = person("Mahmud", "Abd al-Rahman");
        assert!(
            duplicate_reasons(&a, &b).is_empty(),
            "a name alone is not evidence"
        );

        a.birth_date = Some(date!(1994 - 06 - 19).into());
        b.birth_date = Some(date!(1994 - 06 - 19).into());
        assert_eq!(
            duplicate_reasons(&a, &b),
            vec![DuplicateReason::SameBirthDateAndName]
        );

        let mut c = person("Amina", "Haddad");
        c.nhs_number = NhsNumber::parse("9434765919").ok();
        c.phone = Some("+44 7700 900123".into());
        let mut d = person("Other", "Person");
        d.nhs_number = NhsNumber::parse("943 476 5919").ok();
        d.phone = Some("07700 900123".into());
        assert_eq!(
            duplicate_reasons(&c, &d),
            vec![DuplicateReason::SameNhsNumber, DuplicateReason::SamePhone]
        );
    }

    #[test]
    fn a_number_on_many_records_is_shared() {
        assert!(!is_shared_phone(2), "a couple");
        assert!(!is_shared_phone(SHARED_PHONE_RECORDS), "a family");
        assert!(is_shared_phone(SHARED_PHONE_RECORDS + 1), "a hostel");
    }

    #[test]
    fn missing_values_are_never_evidence() {
        let a = person("Amina", "Haddad");
        let b = person("Amina", "Haddad");
        assert!(
            duplicate_reasons(&a, &b).is_empty(),
            "no date, NHS number or phone"
        );
        let mut twin = person("Hassan", "Rahimi");
        let mut brother = person("Ali", "Rahimi");
        twin.birth_date = Some(date!(2001 - 01 - 01).into());
        brother.birth_date = twin.birth_date;
        assert!(
            duplicate_reasons(&twin, &brother).is_empty(),
            "a different given name in the same family is a different person"
        );
    }

    proptest! {
        #[test]
        fn reasons_are_symmetric(
            ga in "[A-Z][a-z]{1,6}", gb in "[A-Z][a-z]{1,6}",
            fa in "[A-Z][a-z]{1,6}", fb in "[A-Z][a-z]{1,6}",
            same_date in any::<bool>(),
            pa in proptest::option::of("0[0-9]{10}"), pb in proptest::option::of("0[0-9]{10}"),
        ) {
            let mut a = person(&ga, &fa);
            let mut b = person(&gb, &fb);
            a.birth_date = Some(date!(1990 - 01 - 01).into());
            b.birth_date = Some(if same_date { date!(1990 - 01 - 01).into() } else { date!(1991 - 01 - 01).into() });
            a.phone = pa;
            b.phone = pb;
            prop_assert_eq!(duplicate_reasons(&a, &b), duplicate_reasons(&b, &a));
            prop_assert!(duplicate_reasons(&a, &a).contains(&DuplicateReason::SameBirthDateAndName));
        }

        #[test]
        fn a_phone_key_ignores_spacing_and_punctuation(digits in "0[1-9][0-9]{9}", cut in 1usize..10) {
            let spaced = format!("({}) {}-", &digits[..cut], &digits[cut..]);
            prop_assert_eq!(phone_key(&spaced), Some(digits.clone()));
            prop_assert_eq!(phone_key(&format!("+44 {}", &digits[1..])), Some(digits));
        }
    }
}
