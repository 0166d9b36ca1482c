//! What a Bundle entry's `request` asks beyond its resource: a create (`POST`) is given a new
//! id by the server, a conditional create (`ifNoneExist`) first looks for the patient by NHS
//! number, and an update may name the version it was made to (`ifMatch`, an ETag).

use haven_core::NhsNumber;

use super::error::{ImportError, ImportErrorKind as Kind};
use super::parse::ImportedResource;
use crate::model::Resource;
use crate::uris;

/// FHIR create for a server (`POST /fhir`): every `POST` entry gets a new id from `new_id`,
/// whatever id it stated, so that a create can never land on a resource already stored.
/// References in the same input to its fullUrl, or to the id it stated (`Type/<id>`), follow it
/// to the new id when the input is assembled. Resources Haven does not store keep their ids
/// (a Practitioner's names the user who is a patient's lead clinician). `haven import` does
/// not call this: a load keeps the ids of the system it came from.
pub fn assign_new_ids(resources: &mut [ImportedResource], mut new_id: impl FnMut() -> String) {
    for r in resources
        .iter_mut()
        .filter(|r| r.is_create() && is_stored(&r.resource))
    {
        r.id = Some(new_id());
    }
}

/// Whether Haven stores what the resource holds (a patient or a clinical entry).
pub fn is_stored(resource: &Resource) -> bool {
    !matches!(
        resource,
        Resource::Practitioner(_)
            | Resource::OperationOutcome(_)
            | Resource::CapabilityStatement(_)
            | Resource::Bundle(_)
    )
}

/// The weak ETag of a version, as `ETag` headers and `Bundle.entry.response.etag` carry it.
pub fn etag(version: u32) -> String {
    format!("W/\"{version}\"")
}

/// The version an `If-Match` value names: `W/"3"`, `"3"` or `3`; `None` for anything else.
pub fn version_of_etag(text: &str) -> Option<u32> {
    let text = text.trim();
    let text = text.strip_prefix("W/").unwrap_or(text);
    let text = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    text.parse().ok().filter(|&v| v >= 1)
}

/// Checks an entry's conditions: `ifNoneExist` only on a `POST` of a Patient, `ifMatch` only
/// on a `PUT` of one. Returns the NHS number a conditional create looks for and the version an
/// update names.
pub(crate) fn conditions(
    r: &ImportedResource,
) -> Result<(Option<NhsNumber>, Option<u32>), ImportError> {
    let Some(request) = &r.request else {
        return Ok((None, None));
    };
    let is_patient = r.resource.resource_type() == "Patient";
    let refuse =
        |kind, path: &str, message: String| Err(ImportError::new(kind, &r.location, path, message));
    let nhs = match &request.if_none_exist {
        None => None,
        Some(_) if !(is_patient && request.method == "POST") => {
            return refuse(
                Kind::Unsupported,
                "request.ifNoneExist",
                "Haven honours a conditional create only on a Patient entry with method POST"
                    .into(),
            );
        }
        Some(query) => match if_none_exist(query) {
            Ok(nhs) => Some(nhs),
            Err((kind, message)) => return refuse(kind, "request.ifNoneExist", message),
        },
    };
    let version = match &request.if_match {
        None => None,
        Some(_) if !(is_patient && request.method == "PUT") => {
            return refuse(
                Kind::Unsupported,
                "request.ifMatch",
                "Haven honours ifMatch only on a Patient entry with method PUT".into(),
            );
        }
        Some(tag) => match version_of_etag(tag) {
            Some(v) => Some(v),
            None => {
                return refuse(
                    Kind::Invalid,
                    "request.ifMatch",
                    format!("{tag:?} is not a version ETag such as W/\"3\""),
                );
            }
        },
    };
    Ok((nhs, version))
}

/// The NHS number of `identifier=https://fhir.nhs.uk/Id/nhs-number|<number>` (percent-encoded
/// or not, with or without a leading `Patient?`).
fn if_none_exist(query: &str) -> Result<NhsNumber, (Kind, String)> {
    let unsupported = || {
        (
            Kind::Unsupported,
            format!(
                "{query:?} is not a search Haven can run for a conditional create; use identifier={}|<NHS number>",
                uris::NHS_NUMBER
            ),
        )
    };
    let query = query.trim();
    let query = query.strip_prefix("Patient").unwrap_or(query);
    let query = query.strip_prefix('?').unwrap_or(query);
    let params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let [(name, value)] = params.as_slice() else {
        return Err(unsupported());
    };
    let Some((uris::NHS_NUMBER, number)) = value.split_once('|') else {
        return Err(unsupported());
    };
    if name != "identifier" {
        return Err(unsupported());
    }
    NhsNumber::parse(number).map_err(|e| (Kind::Invalid, format!("NHS number {number:?}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::parse_input;

    fn entry(request: &str) -> ImportedResource {
        let bundle = format!(
            r#"{{"resourceType":"Bundle","type":"transaction","entry":[
            {{"fullUrl":"urn:uuid:4f6a","resource":{{"resourceType":"Patient","id":"pat-3"}},"request":{request}}}]}}"#
        );
        parse_input(bundle.as_bytes(), "t.json")
            .expect("bundle")
            .remove(0)
    }

    fn check(request: &str, expect: Result<(Option<&str>, Option<u32>), &str>) {
        let got = conditions(&entry(request))
            .map(|(nhs, v)| (nhs.map(|n| n.as_str().to_owned()), v))
            .map_err(|e| e.to_string());
        let expect = expect
            .map(|(nhs, v)| (nhs.map(str::to_owned), v))
            .map_err(str::to_owned);
        assert_eq!(got, expect, "{request}");
    }

    #[test]
    fn creates_get_new_ids_and_updates_keep_theirs() {
        let practitioner = r#"{"resourceType":"Bundle","type":"transaction","entry":[
            {"resource":{"resourceType":"Practitioner","id":"dr.patel"},"request":{"method":"POST","url":"Practitioner"}}]}"#;
        let mut resources = vec![
            entry(r#"{"method":"POST","url":"Patient"}"#),
            entry(r#"{"method":"PUT","url":"Patient/pat-3"}"#),
            parse_input(practitioner.as_bytes(), "t.json")
                .expect("bundle")
                .remove(0),
        ];
        let mut n = 0;
        assign_new_ids(&mut resources, || {
            n += 1;
            format!("new-{n}")
        });
        assert_eq!(resources[0].id.as_deref(), Some("new-1"));
        assert_eq!(resources[1].id.as_deref(), Some("pat-3"));
        assert_eq!(
            resources[2].id.as_deref(),
            Some("dr.patel"),
            "not stored: kept"
        );
    }

    #[test]
    fn conditions_are_read_or_refused_by_name() {
        check(r#"{"method":"POST","url":"Patient"}"#, Ok((None, None)));
        check(
            r#"{"method":"POST","url":"Patient","ifNoneExist":"identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919"}"#,
            Ok((Some("9434765919"), None)),
        );
        check(
            r#"{"method":"POST","url":"Patient","ifNoneExist":"Patient?identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C9434765919"}"#,
            Ok((Some("9434765919"), None)),
        );
        check(
            r#"{"method":"PUT","url":"Patient/pat-3","ifMatch":"W/\"4\""}"#,
            Ok((None, Some(4))),
        );
        check(
            r#"{"method":"POST","url":"Patient","ifNoneExist":"name=Haddad"}"#,
            Err(
                "t.json: Bundle.entry[0]: request.ifNoneExist: \"name=Haddad\" is not a search Haven can run for a conditional create; use identifier=https://fhir.nhs.uk/Id/nhs-number|<NHS number>",
            ),
        );
        check(
            r#"{"method":"POST","url":"Patient","ifNoneExist":"identifier=https://fhir.nhs.uk/Id/nhs-number|9434765918"}"#,
            Err(
                "t.json: Bundle.entry[0]: request.ifNoneExist: NHS number \"9434765918\": the check digit does not match: this is not a valid NHS number",
            ),
        );
        check(
            r#"{"method":"PUT","url":"Patient/pat-3","ifNoneExist":"identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919"}"#,
            Err(
                "t.json: Bundle.entry[0]: request.ifNoneExist: Haven honours a conditional create only on a Patient entry with method POST",
            ),
        );
        check(
            r#"{"method":"PUT","url":"Patient/pat-3","ifMatch":"soon"}"#,
            Err(
                "t.json: Bundle.entry[0]: request.ifMatch: \"soon\" is not a version ETag such as W/\"3\"",
            ),
        );
    }

    #[test]
    fn etags_name_versions() {
        assert_eq!(etag(3), "W/\"3\"");
        for text in ["W/\"3\"", "\"3\"", " 3 "] {
            assert_eq!(version_of_etag(text), Some(3), "{text}");
        }
        for text in ["W/\"0\"", "W/3x", "", "*"] {
            assert_eq!(version_of_etag(text), None, "{text}");
        }
    }
}
