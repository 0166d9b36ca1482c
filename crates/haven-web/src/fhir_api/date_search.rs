//! The `date` search parameter, on the element FHIR defines it for in each type Haven serves
//! with one (Observation `effective`, Encounter and Flag `period`, Appointment `start`,
//! Procedure `performed`). A date, month or year stands for every day in it, on both sides:
//! `eq` asks for a resource wholly within the value, `ge`/`le` for one reaching into or past
//! it, `gt`/`lt` for one beyond it. Other prefixes are refused, never ignored.

use serde_json::Value;

use super::response::FhirError;

/// Each type's `date` element, as a JSON path.
pub const ELEMENTS: [(&str, &[&str]); 5] = [
    ("Observation", &["effectiveDateTime"]),
    ("Encounter", &["period", "start"]),
    ("Appointment", &["start"]),
    ("Procedure", &["performedDateTime"]),
    ("Flag", &["period", "start"]),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Prefix {
    Eq,
    Gt,
    Lt,
    Ge,
    Le,
}

#[derive(Debug, Default)]
pub struct DateFilter {
    path: Option<&'static [&'static str]>,
    /// Alternatives per occurrence: `(prefix, first day, last day)` as ISO text.
    wanted: Vec<Vec<(Prefix, String, String)>>,
}

/// The first and last day a date, month or year (or the date of a date-time) stands for.
fn range(text: &str) -> Option<(String, String)> {
    let date = text.get(..10).unwrap_or(text);
    let ok = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    match date.len() {
        4 if ok(date) => Some((format!("{date}-01-01"), format!("{date}-12-31"))),
        7 if ok(&date[..4]) && ok(&date[5..]) && &date[4..5] == "-" => {
            // Any day of the month is at most 31: text comparison needs no calendar.
            Some((format!("{date}-01"), format!("{date}-31")))
        }
        10 if ok(&date[..4]) && ok(&date[5..7]) && ok(&date[8..]) => {
            Some((date.to_owned(), date.to_owned()))
        }
        _ => None,
    }
}

impl DateFilter {
    pub fn parse(resource_type: &str, params: &[(String, String)]) -> Result<Self, FhirError> {
        let mut filter = Self {
            path: ELEMENTS
                .iter()
                .find(|(t, _)| *t == resource_type)
                .map(|(_, path)| *path),
            wanted: Vec::new(),
        };
        for (_, value) in params.iter().filter(|(k, _)| k == "date") {
            let Some(_) = filter.path else {
                return Err(FhirError::NotSupported(format!(
                    "date is not a search parameter of {resource_type} in Haven (see /fhir/metadata)"
                )));
            };
            let alternatives = value
                .split(',')
                .map(|v| {
                    let (prefix, rest) = match v.get(..2) {
                        Some("eq") => (Prefix::Eq, &v[2..]),
                        Some("gt") => (Prefix::Gt, &v[2..]),
                        Some("lt") => (Prefix::Lt, &v[2..]),
                        Some("ge") => (Prefix::Ge, &v[2..]),
                        Some("le") => (Prefix::Le, &v[2..]),
                        Some(p) if p.chars().all(|c| c.is_ascii_lowercase()) => {
                            return Err(FhirError::NotSupported(format!(
                                "date prefix {p:?} is not supported (eq, gt, lt, ge, le)"
                            )));
                        }
                        _ => (Prefix::Eq, v),
                    };
                    let (first, last) = range(rest).ok_or_else(|| {
                        FhirError::BadRequest(format!(
                            "date {v:?}: give a date, month or year, such as 2026-04-04, 2026-04 or 2026"
                        ))
                    })?;
                    Ok((prefix, first, last))
                })
                .collect::<Result<_, FhirError>>()?;
            filter.wanted.push(alternatives);
        }
        Ok(filter)
    }

    pub fn is_empty(&self) -> bool {
        self.wanted.is_empty()
    }

    pub fn matches(&self, resource: &Value) -> bool {
        let Some(path) = self.path else {
            return self.wanted.is_empty();
        };
        let found = path
            .iter()
            .try_fold(resource, |v, key| v.get(*key))
            .and_then(Value::as_str)
            .and_then(range);
        let Some((start, end)) = found else {
            return false;
        };
        self.wanted.iter().all(|alternatives| {
            alternatives
                .iter()
                .any(|(prefix, first, last)| match prefix {
                    Prefix::Eq => start >= *first && end <= *last,
                    Prefix::Gt => end > *last,
                    Prefix::Lt => start < *first,
                    Prefix::Ge => end >= *first,
                    Prefix::Le => start <= *last,
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn matches(resource_type: &str, value: &str, resource: &Value) -> bool {
        let params = vec![("date".to_owned(), value.to_owned())];
        DateFilter::parse(resource_type, &params)
            .expect("parsed")
            .matches(resource)
    }

    #[test]
    fn prefixes_compare_whole_days_months_and_years() {
        let seen =
            json!({"resourceType": "Observation", "effectiveDateTime": "2026-04-04T10:30:00Z"});
        for (value, expected) in [
            ("2026-04-04", true),
            ("2026-04", true),
            ("2026", true),
            ("eq2026-04-05", false),
            ("ge2026-04-04", true),
            ("ge2026-04-05", false),
            ("le2026-04", true),
            ("gt2026-03", true),
            ("gt2026-04", false),
            ("lt2026-05-01", true),
            ("lt2026-04-04", false),
            ("2025,2026", true),
        ] {
            assert_eq!(matches("Observation", value, &seen), expected, "{value}");
        }
        let booked = json!({"resourceType": "Appointment", "start": "2026-12-05T09:00:00Z"});
        assert!(matches("Appointment", "ge2026-12-01", &booked));
        let undated = json!({"resourceType": "Observation"});
        assert!(!matches("Observation", "2026", &undated));
    }

    #[test]
    fn unsupported_prefixes_types_and_values_are_refused() {
        let params = |v: &str| vec![("date".to_owned(), v.to_owned())];
        assert!(DateFilter::parse("Observation", &params("sa2026")).is_err());
        assert!(DateFilter::parse("Observation", &params("last-week")).is_err());
        assert!(DateFilter::parse("Condition", &params("2026")).is_err());
        assert!(
            DateFilter::parse("Condition", &[])
                .expect("no date")
                .is_empty()
        );
    }
}
