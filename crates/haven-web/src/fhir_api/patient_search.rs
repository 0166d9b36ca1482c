//! The Patient search parameters integrators use beyond ids: `family`, `given`, `name` (string
//! search: starts with, ignoring case and accents, as FHIR defines it) and `birthdate` (a date,
//! or a year or month standing for every day in it). Commas give alternatives; a parameter
//! repeated must match each time.

use haven_core::text::fold;
use serde_json::Value;

use super::response::FhirError;

/// The parameters this module reads.
pub const PARAMETERS: [&str; 4] = ["family", "given", "name", "birthdate"];

#[derive(Debug, Default)]
pub struct PatientFilter {
    /// `(parameter, alternatives)`, string values folded.
    strings: Vec<(&'static str, Vec<String>)>,
    birthdates: Vec<Vec<String>>,
}

impl PatientFilter {
    pub fn parse(params: &[(String, String)]) -> Result<Self, FhirError> {
        let mut filter = Self::default();
        for (key, value) in params {
            let alternatives = value.split(',').map(str::trim).filter(|v| !v.is_empty());
            match key.as_str() {
                "family" | "given" | "name" => {
                    let name = PARAMETERS
                        .iter()
                        .find(|p| **p == key.as_str())
                        .copied()
                        .unwrap_or("name");
                    filter
                        .strings
                        .push((name, alternatives.map(fold).collect()));
                }
                "birthdate" => {
                    let dates = alternatives
                        .map(|d| {
                            let d = d.strip_prefix("eq").unwrap_or(d);
                            if d.len() >= 4 && d.chars().all(|c| c.is_ascii_digit() || c == '-') {
                                Ok(d.to_owned())
                            } else {
                                Err(FhirError::NotSupported(format!(
                                    "birthdate {d:?}: Haven searches a date, year or month (with or without eq); other comparisons are not supported"
                                )))
                            }
                        })
                        .collect::<Result<_, _>>()?;
                    filter.birthdates.push(dates);
                }
                _ => {}
            }
        }
        Ok(filter)
    }

    /// The texts a matching patient's names must start with, for one of the name parameters
    /// (any of them, all alternatives): what a name index can narrow the patients to before
    /// [`PatientFilter::matches`] settles each.
    pub fn name_texts(&self) -> Option<&[String]> {
        self.strings.first().map(|(_, texts)| texts.as_slice())
    }

    pub fn is_empty(&self) -> bool {
        self.strings.is_empty() && self.birthdates.is_empty()
    }

    /// Whether a Patient resource matches every parameter given.
    pub fn matches(&self, patient: &Value) -> bool {
        let names = patient.get("name").and_then(Value::as_array);
        let parts = |part: &str| -> Vec<String> {
            names
                .into_iter()
                .flatten()
                .flat_map(|n| match n.get(part) {
                    Some(Value::String(s)) => vec![fold(s)],
                    Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(fold).collect(),
                    _ => Vec::new(),
                })
                .collect()
        };
        let strings = self.strings.iter().all(|(param, wanted)| {
            let have: Vec<String> = match *param {
                "family" => parts("family"),
                "given" => parts("given"),
                _ => ["family", "given", "text", "prefix"]
                    .into_iter()
                    .flat_map(parts)
                    .collect(),
            };
            wanted
                .iter()
                .any(|w| have.iter().any(|h| h.starts_with(w.as_str())))
        });
        let born = patient.get("birthDate").and_then(Value::as_str);
        let birthdates = self.birthdates.iter().all(|wanted| {
            born.is_some_and(|b| {
                wanted.iter().any(|d| {
                    b == d
                        || b.strip_prefix(d.as_str())
                            .is_some_and(|r| r.starts_with('-'))
                })
            })
        });
        strings && birthdates
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn filter(pairs: &[(&str, &str)]) -> PatientFilter {
        let params: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        PatientFilter::parse(&params).expect("parsed")
    }

    #[test]
    fn names_match_from_the_start_ignoring_case_and_accents() {
        let laleh = json!({"resourceType": "Patient", "name": [{"family": "Karimi", "given": ["Laleh", "Zoë"]}], "birthDate": "1991-02-03"});
        assert!(filter(&[("family", "kar")]).matches(&laleh));
        assert!(!filter(&[("family", "rimi")]).matches(&laleh));
        assert!(filter(&[("given", "zoe")]).matches(&laleh));
        assert!(filter(&[("name", "LAL")]).matches(&laleh));
        assert!(filter(&[("family", "haddad,karimi")]).matches(&laleh));
        assert!(!filter(&[("family", "karimi"), ("given", "amina")]).matches(&laleh));
    }

    #[test]
    fn a_birthdate_matches_its_day_month_or_year() {
        let laleh = json!({"resourceType": "Patient", "birthDate": "1991-02-03"});
        for d in ["1991", "1991-02", "1991-02-03", "eq1991-02-03"] {
            assert!(filter(&[("birthdate", d)]).matches(&laleh), "{d}");
        }
        for d in ["1992", "1991-03", "1991-02-04", "199"] {
            let params = vec![("birthdate".to_owned(), d.to_owned())];
            if let Ok(f) = PatientFilter::parse(&params) {
                assert!(!f.matches(&laleh), "{d}");
            }
        }
        let params = vec![("birthdate".to_owned(), "ge1991".to_owned())];
        assert!(
            PatientFilter::parse(&params).is_err(),
            "comparisons are refused, not ignored"
        );
    }
}
