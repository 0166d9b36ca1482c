//! Token search on a resource's `code` and `category` (`system|code`, `|code` for no system,
//! `code` in any system, `system|` for any code of a system), as integrators look for one kind
//! of Observation or Condition. Commas give alternatives; a parameter repeated must match each
//! time.

use serde_json::Value;

/// The token parameters this module reads, and the element each reads.
pub const PARAMETERS: [&str; 2] = ["code", "category"];

/// Types whose resources carry both elements, for the CapabilityStatement.
pub const TYPES: [&str; 2] = ["Observation", "Condition"];

/// One token as searched: `None` for "any system" or "any code".
type Token = (Option<String>, Option<String>);

#[derive(Debug, Default)]
pub struct TokenFilter {
    /// `(element, alternatives)`.
    wanted: Vec<(&'static str, Vec<Token>)>,
}

impl TokenFilter {
    pub fn parse(params: &[(String, String)]) -> Self {
        let mut filter = Self::default();
        for (key, value) in params {
            let Some(element) = PARAMETERS.iter().find(|p| **p == key.as_str()) else {
                continue;
            };
            let alternatives = value
                .split(',')
                .filter(|v| !v.is_empty())
                .map(|token| match token.split_once('|') {
                    // `|code`: a code with no system; `system|`: any code of the system.
                    Some((system, code)) => (
                        Some(system.to_owned()),
                        (!code.is_empty()).then(|| code.to_owned()),
                    ),
                    None => (None, Some(token.to_owned())),
                })
                .collect();
            filter.wanted.push((element, alternatives));
        }
        filter
    }

    pub fn is_empty(&self) -> bool {
        self.wanted.is_empty()
    }

    pub fn matches(&self, resource: &Value) -> bool {
        self.wanted.iter().all(|(element, alternatives)| {
            let concepts: Vec<&Value> = match resource.get(*element) {
                Some(Value::Array(list)) => list.iter().collect(),
                Some(one @ Value::Object(_)) => vec![one],
                _ => Vec::new(),
            };
            let codings = concepts
                .into_iter()
                .filter_map(|c| c.get("coding").and_then(Value::as_array))
                .flatten();
            codings.into_iter().any(|coding| {
                let system = coding.get("system").and_then(Value::as_str);
                let code = coding.get("code").and_then(Value::as_str);
                alternatives.iter().any(|(want_system, want_code)| {
                    let system_ok = match want_system.as_deref() {
                        None => true,
                        Some("") => system.is_none(),
                        Some(s) => system == Some(s),
                    };
                    system_ok && want_code.as_deref().is_none_or(|c| code == Some(c))
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn filter(pairs: &[(&str, &str)]) -> TokenFilter {
        let params: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        TokenFilter::parse(&params)
    }

    #[test]
    fn tokens_match_by_system_and_code_in_every_form() {
        let phq9 = json!({"resourceType": "Observation",
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey"}]}],
            "code": {"coding": [{"system": "http://loinc.org", "code": "44261-6"}]}});
        assert!(filter(&[("code", "http://loinc.org|44261-6")]).matches(&phq9));
        assert!(filter(&[("code", "44261-6")]).matches(&phq9));
        assert!(filter(&[("code", "http://loinc.org|")]).matches(&phq9));
        assert!(
            !filter(&[("code", "|44261-6")]).matches(&phq9),
            "it has a system"
        );
        assert!(!filter(&[("code", "http://snomed.info/sct|44261-6")]).matches(&phq9));
        assert!(filter(&[("code", "x,44261-6"), ("category", "survey")]).matches(&phq9));
        assert!(!filter(&[("code", "44261-6"), ("category", "laboratory")]).matches(&phq9));
    }
}
