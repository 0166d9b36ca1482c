//! What a Bulk Data kick-off asks for, read from the query (GET) or a FHIR `Parameters` body
//! (POST) into one [`ExportRequest`]: `_type`, `_since`, `_outputFormat` and `_typeFilter`, each
//! checked before any job starts. A `_typeFilter` uses exactly the search parameters the search
//! API reads for its type; one Haven cannot apply refuses the whole kick-off, never ignored.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::super::search_filter::ResourceFilter;
use super::super::{FhirError, SERVED_TYPES, capability};

/// Exported beside the record types: the named clinicians the exported patients'
/// `generalPractitioner` references, so that no reference dangles. Not filterable.
pub(super) const PRACTITIONER: &str = "Practitioner";

const OUTPUT_FORMATS: &[&str] = &["application/fhir+ndjson", "application/ndjson", "ndjson"];

/// Kick-off parameters Haven reads.
const KNOWN: [&str; 4] = ["_type", "_since", "_outputFormat", "_typeFilter"];

/// Parameters of the specification that would narrow an export, which Haven does not support:
/// ignoring one would export more than was asked, so they are always refused.
const NARROWING: [&str; 3] = ["patient", "_elements", "includeAssociatedData"];

/// A kick-off's parsed request, kept with the job (as JSON) so any server can run or answer it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct ExportRequest {
    /// The types asked for; empty for every type.
    pub types: Vec<String>,
    /// `_since`, as given (a FHIR instant).
    pub since: Option<String>,
    /// `(type, query)` of each `_typeFilter`; several for one type are alternatives.
    pub type_filters: Vec<(String, String)>,
    /// Whether the token that asked sees sensitive history.
    pub sensitive: bool,
}

/// The `(name, value)` pairs of a `Parameters` resource (`valueString`, `valueInstant`,
/// `valueDateTime`, `valueCode`, `valueUri`), repeated names kept in order.
pub(super) fn from_parameters(body: &[u8]) -> Result<Vec<(String, String)>, FhirError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| FhirError::BadRequest(format!("the kick-off body is not JSON: {e}")))?;
    if value.get("resourceType").and_then(Value::as_str) != Some("Parameters") {
        return Err(FhirError::BadRequest(
            "a POST kick-off takes a FHIR Parameters resource".into(),
        ));
    }
    let mut out = Vec::new();
    for (n, p) in value
        .get("parameter")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let name = p.get("name").and_then(Value::as_str).ok_or_else(|| {
            FhirError::BadRequest(format!("Parameters.parameter[{n}] has no name"))
        })?;
        let value = [
            "valueString",
            "valueInstant",
            "valueDateTime",
            "valueCode",
            "valueUri",
        ]
        .iter()
        .find_map(|k| p.get(*k).and_then(Value::as_str))
        .ok_or_else(|| {
            FhirError::BadRequest(format!(
                "Parameters.parameter[{n}] ({name}) has no value Haven reads (valueString, valueInstant, valueDateTime, valueCode or valueUri)"
            ))
        })?;
        out.push((name.to_owned(), value.to_owned()));
    }
    Ok(out)
}

impl ExportRequest {
    /// Reads the kick-off's parameters. An unknown parameter is ignored, or refused under
    /// `strict` (`Prefer: handling=strict`); one that would narrow the export is always refused.
    pub fn parse(
        params: &[(String, String)],
        strict: bool,
        sensitive: bool,
    ) -> Result<Self, FhirError> {
        if let Some((name, _)) = params.iter().find(|(k, _)| NARROWING.contains(&k.as_str())) {
            return Err(FhirError::NotSupported(format!(
                "the export parameter {name} is not supported by Haven; nothing was exported"
            )));
        }
        if strict && let Some((name, _)) = params.iter().find(|(k, _)| !KNOWN.contains(&k.as_str()))
        {
            return Err(FhirError::NotSupported(format!(
                "{name} is not an export parameter Haven reads (_type, _since, _outputFormat, _typeFilter)"
            )));
        }
        let values = |name: &'static str| {
            params
                .iter()
                .filter(move |(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        for format in values("_outputFormat") {
            if !OUTPUT_FORMATS.contains(&format) {
                return Err(FhirError::BadRequest(format!(
                    "_outputFormat {format:?} is not supported: Haven writes application/fhir+ndjson"
                )));
            }
        }
        let types: Vec<String> = values("_type")
            .flat_map(|t| t.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if let Some(bad) = types
            .iter()
            .find(|t| !SERVED_TYPES.contains(&t.as_str()) && *t != PRACTITIONER)
        {
            return Err(FhirError::BadRequest(format!(
                "_type {bad:?} is not a resource type Haven exports"
            )));
        }
        let mut since = None;
        for s in values("_since") {
            OffsetDateTime::parse(s, &Rfc3339).map_err(|_| {
                FhirError::BadRequest(format!("_since {s:?} is not a FHIR instant"))
            })?;
            since = Some(s.to_owned());
        }
        let mut type_filters = Vec::new();
        for filter in values("_typeFilter") {
            let (resource_type, query) = filter.split_once('?').ok_or_else(|| {
                FhirError::BadRequest(format!(
                    "_typeFilter {filter:?} must be a type and a search, e.g. Observation?code=http://loinc.org|44261-6"
                ))
            })?;
            if resource_type == PRACTITIONER {
                return Err(FhirError::NotSupported(format!(
                    "_typeFilter {filter:?}: Haven exports the named clinicians of the patients exported and does not filter them; use _type to leave them out"
                )));
            }
            if !SERVED_TYPES.contains(&resource_type) {
                return Err(FhirError::BadRequest(format!(
                    "_typeFilter {filter:?}: {resource_type:?} is not a resource type Haven exports"
                )));
            }
            if !types.is_empty() && !types.iter().any(|t| t == resource_type) {
                return Err(FhirError::BadRequest(format!(
                    "_typeFilter {filter:?} filters {resource_type}, which _type does not ask for"
                )));
            }
            check_filter(resource_type, query)
                .map_err(|e| FhirError::BadRequest(format!("_typeFilter {filter:?}: {e}")))?;
            type_filters.push((resource_type.to_owned(), query.to_owned()));
        }
        Ok(Self {
            types,
            since,
            type_filters,
            sensitive,
        })
    }

    /// Whether the export includes resources of `resource_type`.
    pub fn wants(&self, resource_type: &str) -> bool {
        self.types.is_empty() || self.types.iter().any(|t| t == resource_type)
    }

    pub fn since(&self) -> Option<OffsetDateTime> {
        self.since
            .as_deref()
            .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
    }

    /// Each type's filters, parsed (they were checked at kick-off).
    pub fn filters(&self) -> Result<Vec<(String, ResourceFilter)>, FhirError> {
        self.type_filters
            .iter()
            .map(|(t, q)| Ok((t.clone(), check_filter(t, q)?)))
            .collect()
    }
}

/// A `_typeFilter` query for `resource_type`: every parameter must be one the search API reads
/// for the type, with a value it can read.
fn check_filter(resource_type: &str, query: &str) -> Result<ResourceFilter, FhirError> {
    let params = super::super::read::params(Some(query));
    if params.is_empty() {
        return Err(FhirError::BadRequest("the search is empty".into()));
    }
    if let Some((name, _)) = params
        .iter()
        .find(|(k, _)| !capability::is_filter_parameter(resource_type, k))
    {
        return Err(FhirError::NotSupported(format!(
            "{name} is not a search parameter Haven supports for {resource_type} (see /fhir/metadata); nothing was exported"
        )));
    }
    ResourceFilter::parse(resource_type, &params)
}

/// Whether `resource` of patient `patient` passes the filters of its type (any one of them);
/// a type without filters passes whole.
pub(super) fn passes(
    filters: &[(String, ResourceFilter)],
    resource_type: &str,
    resource: &Value,
    patient: &str,
) -> bool {
    let mut of_type = filters
        .iter()
        .filter(|(t, _)| t == resource_type)
        .peekable();
    of_type.peek().is_none() || of_type.any(|(_, f)| f.matches(resource, Some(patient)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)], strict: bool) -> Result<ExportRequest, String> {
        let params: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        ExportRequest::parse(&params, strict, false).map_err(|e| e.to_string())
    }

    #[test]
    fn supported_type_filters_are_kept_and_the_rest_refused_by_name() {
        let ok = parse(
            &[
                ("_type", "Observation,Patient"),
                (
                    "_typeFilter",
                    "Observation?code=http://loinc.org|44261-6&date=ge2026",
                ),
                ("_typeFilter", "Patient?birthdate=1990"),
            ],
            false,
        )
        .expect("supported");
        assert_eq!(ok.type_filters.len(), 2);
        for (filter, names) in [
            ("Observation?value-quantity=5", "value-quantity"),
            ("Patient?code=x", "code"),
            ("Observation?_count=5", "_count"),
            ("Observation?_includeSensitive=true", "_includeSensitive"),
        ] {
            let error = parse(&[("_typeFilter", filter)], false).expect_err(filter);
            assert!(error.contains(names), "{error}");
        }
        for bad in [
            "Observation",
            "Group?_id=1",
            "Observation?date=sa2026",
            "Practitioner?_id=dr.a",
        ] {
            assert!(parse(&[("_typeFilter", bad)], false).is_err(), "{bad}");
        }
        let error = parse(
            &[("_type", "Patient"), ("_typeFilter", "Observation?code=x")],
            false,
        )
        .expect_err("a type not asked for");
        assert!(error.contains("_type does not ask for"), "{error}");
    }

    #[test]
    fn unknown_parameters_are_ignored_unless_strict_and_narrowing_ones_refused() {
        assert!(parse(&[("_includeSensitive", "true")], false).is_ok());
        let error = parse(&[("_includeSensitive", "true")], true).expect_err("strict");
        assert!(error.contains("_includeSensitive"), "{error}");
        assert!(parse(&[("patient", "Patient/pat-1")], false).is_err());
        assert!(parse(&[("_since", "yesterday")], false).is_err());
        assert!(parse(&[("_outputFormat", "text/csv")], false).is_err());
    }

    #[test]
    fn a_parameters_body_reads_like_a_query() {
        let body = serde_json::json!({"resourceType": "Parameters", "parameter": [
            {"name": "_type", "valueString": "Observation"},
            {"name": "_since", "valueInstant": "2026-11-01T00:00:00Z"},
            {"name": "_typeFilter", "valueString": "Observation?code=44261-6"},
            {"name": "_typeFilter", "valueString": "Observation?code=70274-6"}]});
        let params = from_parameters(body.to_string().as_bytes()).expect("read");
        let request = ExportRequest::parse(&params, true, false).expect("parsed");
        assert_eq!(request.types, ["Observation"]);
        assert_eq!(request.since.as_deref(), Some("2026-11-01T00:00:00Z"));
        assert_eq!(request.type_filters.len(), 2);
        assert!(from_parameters(br#"{"resourceType": "Bundle"}"#).is_err());
        assert!(
            from_parameters(br#"{"resourceType": "Parameters", "parameter": [{"name": "_type"}]}"#)
                .is_err()
        );
    }
}
