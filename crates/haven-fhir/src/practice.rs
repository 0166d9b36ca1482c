//! The practice a patient belongs to, both ways (MAPPING.md, *Practices*). A Patient is
//! exported with `managingOrganization` naming its practice by ODS code; on import, a Patient
//! naming another practice than the one the import files under is refused (hazard H-70): one
//! practice's import must not file another practice's patients, nor quietly drop what the
//! input says about whose patient it is.

use crate::model::{Identifier, Reference};
use crate::uris;

/// A practice as FHIR names it: its ODS code (none for the practice a single-practice
/// database was migrated into, until an administrator gives it one) and its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Practice {
    pub ods_code: Option<String>,
    pub name: String,
}

impl Practice {
    /// `managingOrganization`: an identifier reference by ODS code, with the name as its
    /// display. `None` for a practice without a code: a display alone names nothing a
    /// receiving system could match.
    pub(crate) fn reference(&self) -> Option<Reference> {
        let code = self.ods_code.as_ref()?;
        Some(Reference {
            reference: None,
            identifier: Some(Identifier {
                system: Some(uris::ODS_ORGANIZATION_CODE.into()),
                value: Some(code.clone()),
            }),
            display: Some(self.name.clone()),
        })
    }

    /// How messages name it.
    pub(crate) fn label(&self) -> String {
        match &self.ods_code {
            Some(code) => format!("{} ({code})", self.name),
            None => self.name.clone(),
        }
    }
}

/// What a Patient's `managingOrganization` says about its practice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Named {
    /// No `managingOrganization`: the patient is the importing practice's, as always.
    Nothing,
    /// An ODS code, in capitals.
    Ods(String),
    /// A reference Haven cannot read as a practice (a literal reference, a display alone, an
    /// identifier of another system): noted as not recorded, never silently.
    Unreadable,
}

pub(crate) fn named(reference: Option<&Reference>) -> Named {
    let Some(reference) = reference else {
        return Named::Nothing;
    };
    match &reference.identifier {
        Some(Identifier {
            system: Some(system),
            value: Some(value),
        }) if system == uris::ODS_ORGANIZATION_CODE && !value.trim().is_empty() => {
            Named::Ods(value.trim().to_ascii_uppercase())
        }
        _ => Named::Unreadable,
    }
}

/// Why a Patient naming practice `code` may not be filed under `filing` (`None`: the import
/// was not told which practice it files under); `None` when it may.
pub(crate) fn refusal(code: &str, filing: Option<&Practice>) -> Option<String> {
    match filing {
        Some(Practice {
            ods_code: Some(own),
            ..
        }) if own.eq_ignore_ascii_case(code) => None,
        Some(
            p @ Practice {
                ods_code: Some(_), ..
            },
        ) => Some(format!(
            "names practice {code}, but this import files patients under {}: import it into practice {code} (haven --org {code} import), or remove managingOrganization to file it here",
            p.label()
        )),
        Some(p) => Some(format!(
            "names practice {code}, but this import files patients under {}, which has no ODS code yet: if it is practice {code}, give it its code first (haven org rename)",
            p.label()
        )),
        None => Some(format!(
            "names practice {code}, and this import was not told which practice it files under, so it cannot check that {code} is that practice"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn practice(code: Option<&str>) -> Practice {
        Practice {
            ods_code: code.map(str::to_owned),
            name: "Riverside".into(),
        }
    }

    #[test]
    fn a_practice_with_a_code_is_named_by_it_and_read_back() {
        let reference = practice(Some("Y01234")).reference().unwrap();
        assert_eq!(named(Some(&reference)), Named::Ods("Y01234".into()));
        assert_eq!(practice(None).reference(), None);
        assert_eq!(named(None), Named::Nothing);
        assert_eq!(
            named(Some(&Reference::to("Organization", "x"))),
            Named::Unreadable
        );
    }

    #[test]
    fn only_the_filing_practices_own_code_is_accepted() {
        assert_eq!(refusal("y01234", Some(&practice(Some("Y01234")))), None);
        let other = refusal("Y05678", Some(&practice(Some("Y01234")))).unwrap();
        assert!(other.contains("Y05678") && other.contains("Riverside (Y01234)"));
        assert!(
            refusal("Y05678", Some(&practice(None)))
                .unwrap()
                .contains("no ODS code")
        );
        assert!(refusal("Y05678", None).unwrap().contains("not told"));
    }
}
