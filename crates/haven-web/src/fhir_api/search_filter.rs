//! One resource type's search parameters parsed once into a [`ResourceFilter`] that tests a
//! resource as JSON: what a search (`GET /fhir/{type}?…`) keeps, and what a Bulk Data
//! `_typeFilter` keeps, so the two can never disagree. It combines `_id`, `_lastUpdated`, the
//! Patient parameters (`patient_search.rs`), `code`/`category` (`token_search.rs`), `date`
//! (`date_search.rs`), `identifier` and `patient`/`subject`.

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::date_search::DateFilter;
use super::patient_search::PatientFilter;
use super::response::FhirError;
use super::token_search::TokenFilter;

/// A `_lastUpdated` test: prefix and the instant range its value covers (a date covers the
/// whole day; a dateTime its second).
pub(super) struct LastUpdated {
    prefix: String,
    low: OffsetDateTime,
    high: OffsetDateTime,
}

impl LastUpdated {
    pub(super) fn parse(value: &str) -> Result<Self, FhirError> {
        let (prefix, rest) = match value.get(..2) {
            Some(p @ ("eq" | "gt" | "ge" | "lt" | "le")) => (p.to_owned(), &value[2..]),
            _ => ("eq".to_owned(), value),
        };
        let bad = || {
            FhirError::BadRequest(format!(
                "_lastUpdated {value:?} is not a FHIR date or instant (e.g. ge2026-11-01)"
            ))
        };
        let (low, high) = if rest.len() == 10 {
            let date = time::Date::parse(
                rest,
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .map_err(|_| bad())?;
            let low = date.midnight().assume_utc();
            (low, low + time::Duration::days(1))
        } else {
            let at = OffsetDateTime::parse(rest, &Rfc3339).map_err(|_| bad())?;
            (at, at + time::Duration::seconds(1))
        };
        Ok(Self { prefix, low, high })
    }

    pub(super) fn matches(&self, at: OffsetDateTime) -> bool {
        match self.prefix.as_str() {
            "gt" => at >= self.high,
            "ge" => at >= self.low,
            "lt" => at < self.low,
            "le" => at < self.high,
            _ => self.low <= at && at < self.high,
        }
    }
}

/// When Haven stored the resource's version (`meta.lastUpdated`).
pub(super) fn last_updated(resource: &Value) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(
        resource.get("meta")?.get("lastUpdated")?.as_str()?,
        &Rfc3339,
    )
    .ok()
}

/// An identifier searched: `(system, value)`, no system meaning either of Haven's.
type Identifier = (Option<String>, String);

#[derive(Default)]
pub(super) struct ResourceFilter {
    ids: Vec<String>,
    updated: Vec<LastUpdated>,
    /// The Patient parameters, which a search also reads to choose the patients it reads.
    pub(super) patient: PatientFilter,
    tokens: TokenFilter,
    dates: DateFilter,
    /// `patient`/`subject`, each occurrence a list of alternatives (patient ids).
    patients: Vec<Vec<String>>,
    identifiers: Vec<Vec<Identifier>>,
}

impl ResourceFilter {
    /// The filter of `params` (already known to be `resource_type`'s); a value that cannot be
    /// read is refused, naming it.
    pub fn parse(resource_type: &str, params: &[(String, String)]) -> Result<Self, FhirError> {
        let values = |name: &'static str| params.iter().filter(move |(k, _)| k == name);
        let alternatives = |v: &str| -> Vec<String> {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let patient = resource_type == "Patient";
        Ok(Self {
            ids: values("_id").flat_map(|(_, v)| alternatives(v)).collect(),
            updated: values("_lastUpdated")
                .map(|(_, v)| LastUpdated::parse(v))
                .collect::<Result<_, _>>()?,
            patient: if patient {
                PatientFilter::parse(params)?
            } else {
                PatientFilter::default()
            },
            tokens: TokenFilter::parse(params),
            dates: DateFilter::parse(resource_type, params)?,
            patients: if patient {
                Vec::new()
            } else {
                params
                    .iter()
                    .filter(|(k, _)| k == "patient" || k == "subject")
                    .map(|(_, v)| {
                        alternatives(v)
                            .into_iter()
                            .map(|p| p.rsplit('/').next().unwrap_or(&p).to_owned())
                            .collect()
                    })
                    .collect()
            },
            identifiers: if patient {
                values("identifier")
                    .map(|(_, v)| {
                        alternatives(v)
                            .into_iter()
                            .map(|token| match token.split_once('|') {
                                Some((s, v)) => (Some(s.to_owned()), v.to_owned()),
                                None => (None, token),
                            })
                            .collect()
                    })
                    .collect()
            } else {
                Vec::new()
            },
        })
    }

    /// Whether no parameter narrows the resources.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
            && self.updated.is_empty()
            && self.patient.is_empty()
            && self.tokens.is_empty()
            && self.dates.is_empty()
            && self.patients.is_empty()
            && self.identifiers.is_empty()
    }

    /// Whether `resource` (of patient `patient`, when known) matches every parameter.
    pub fn matches(&self, resource: &Value, patient: Option<&str>) -> bool {
        let id = resource.get("id").and_then(Value::as_str);
        (self.ids.is_empty() || id.is_some_and(|id| self.ids.iter().any(|w| w == id)))
            && (self.updated.is_empty()
                || last_updated(resource)
                    .is_some_and(|at| self.updated.iter().all(|u| u.matches(at))))
            && (self.patient.is_empty() || self.patient.matches(resource))
            && (self.tokens.is_empty() || self.tokens.matches(resource))
            && (self.dates.is_empty() || self.dates.matches(resource))
            && patient.is_none_or(|p| {
                self.patients
                    .iter()
                    .all(|alternatives| alternatives.iter().any(|a| a == p))
            })
            && self
                .identifiers
                .iter()
                .all(|alternatives| alternatives.iter().any(|i| has_identifier(resource, i)))
    }
}

/// Whether a Patient carries the identifier: an NHS number compared by its digits, the
/// practice's local id exactly; without a system, either.
fn has_identifier(resource: &Value, (system, value): &Identifier) -> bool {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let local = haven_fhir::uris::local_id_system();
    resource
        .get("identifier")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|i| {
            let (Some(have_system), Some(have)) = (
                i.get("system").and_then(Value::as_str),
                i.get("value").and_then(Value::as_str),
            ) else {
                return false;
            };
            let nhs = have_system == haven_fhir::uris::NHS_NUMBER
                && !digits(value).is_empty()
                && digits(have) == digits(value);
            let local_id = have_system == local && have == value;
            match system.as_deref() {
                Some(haven_fhir::uris::NHS_NUMBER) => nhs,
                Some(s) if s == local => local_id,
                Some(_) => false,
                None => nhs || local_id,
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn filter(resource_type: &str, pairs: &[(&str, &str)]) -> ResourceFilter {
        let params: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        ResourceFilter::parse(resource_type, &params).expect("parsed")
    }

    #[test]
    fn every_parameter_must_match() {
        let obs = json!({"resourceType": "Observation", "id": "o1",
            "meta": {"lastUpdated": "2026-11-02T10:00:00Z"},
            "code": {"coding": [{"system": "http://loinc.org", "code": "44261-6"}]},
            "effectiveDateTime": "2026-11-01"});
        let check = |pairs: &[(&str, &str)], patient: Option<&str>| {
            filter("Observation", pairs).matches(&obs, patient)
        };
        assert!(check(&[], Some("pat-1")));
        assert!(check(&[("_id", "o2,o1")], None));
        assert!(!check(&[("_id", "o2")], None));
        assert!(check(&[("_lastUpdated", "ge2026-11-02")], None));
        assert!(!check(&[("_lastUpdated", "gt2026-11-02")], None));
        assert!(check(&[("code", "44261-6"), ("date", "2026-11")], None));
        assert!(!check(&[("code", "44261-6"), ("date", "2026-10")], None));
        assert!(check(&[("patient", "Patient/pat-1")], Some("pat-1")));
        assert!(!check(&[("subject", "pat-2")], Some("pat-1")));
    }

    #[test]
    fn a_patient_is_found_by_its_identifiers() {
        let p = json!({"resourceType": "Patient", "id": "pat-1", "identifier": [
            {"system": haven_fhir::uris::NHS_NUMBER, "value": "9000000009"},
            {"system": haven_fhir::uris::local_id_system(), "value": "A-7"}]});
        let nhs = format!("{}|900 000 0009", haven_fhir::uris::NHS_NUMBER);
        let local = format!("{}|A-7", haven_fhir::uris::local_id_system());
        for (value, found) in [
            (nhs.as_str(), true),
            (local.as_str(), true),
            ("9000000009", true),
            ("A-7", true),
            ("http://other|9000000009", false),
            ("9000000017", false),
        ] {
            assert_eq!(
                filter("Patient", &[("identifier", value)]).matches(&p, None),
                found,
                "{value}"
            );
        }
    }
}
