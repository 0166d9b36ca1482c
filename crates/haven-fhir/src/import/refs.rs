//! Reference resolution inside one input: `urn:uuid:` (or any) Bundle fullUrls, relative
//! `Type/id`, and absolute `…/Type/id[/_history/n]` URLs all resolve to a (type, id).

use std::collections::{HashMap, HashSet};

use super::parse::ImportedResource;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Target {
    pub resource_type: String,
    pub id: String,
}

#[derive(Default)]
pub(crate) struct Resolver {
    by_full_url: HashMap<String, Target>,
    /// Resources given a new id by a create ([`super::assign_new_ids`]), by the id they
    /// stated: `Type/<stated id>` in the same input means the new one.
    renamed: HashMap<Target, String>,
}

/// What resolution needs of one resource: its fullUrl, type, the id it stated and the id it
/// has (a create's new one).
pub(crate) struct Named<'a> {
    pub full_url: Option<&'a str>,
    pub resource_type: &'a str,
    pub stated: Option<&'a str>,
    pub id: Option<&'a str>,
}

impl Resolver {
    pub fn new(resources: &[ImportedResource]) -> Self {
        let named: Vec<Named> = resources
            .iter()
            .map(|r| Named {
                full_url: r.full_url.as_deref(),
                resource_type: r.resource.resource_type(),
                stated: r.resource.id(),
                id: r.id.as_deref(),
            })
            .collect();
        Self::of(&named)
    }

    pub fn of(resources: &[Named]) -> Self {
        let target = |r: &Named, id: &str| Target {
            resource_type: r.resource_type.to_owned(),
            id: id.to_owned(),
        };
        let by_full_url = resources
            .iter()
            .filter_map(|r| Some((r.full_url?.to_owned(), target(r, r.id?))))
            .collect();
        fn renamed<'a>(r: &Named<'a>) -> Option<(&'a str, &'a str)> {
            match (r.stated, r.id) {
                (Some(stated), Some(id)) if stated != id => Some((stated, id)),
                _ => None,
            }
        }
        let renamed = if resources.iter().any(|r| renamed(r).is_some()) {
            let kept: HashSet<Target> = resources
                .iter()
                .filter_map(|r| Some(target(r, r.id?)))
                .collect();
            // A stated id that another resource of the input keeps is that resource's.
            resources
                .iter()
                .filter_map(|r| {
                    let (stated, id) = renamed(r)?;
                    let old = target(r, stated);
                    (!kept.contains(&old)).then(|| (old, id.to_owned()))
                })
                .collect()
        } else {
            HashMap::new()
        };
        Self {
            by_full_url,
            renamed,
        }
    }

    /// The target of `reference`, or `None` when it cannot be read (an unknown `urn:uuid:`,
    /// a contained `#ref`, a malformed string).
    pub fn resolve(&self, reference: &str) -> Option<Target> {
        if let Some(t) = self.by_full_url.get(reference) {
            return Some(t.clone());
        }
        if reference.starts_with("urn:") || reference.starts_with('#') {
            return None;
        }
        let path = match reference.find("/_history/") {
            Some(at) => &reference[..at],
            None => reference,
        };
        let mut parts = path.rsplit('/');
        let id = parts.next()?;
        let resource_type = parts.next()?;
        let type_ok = resource_type
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase())
            && resource_type.chars().all(|c| c.is_ascii_alphabetic());
        if !(type_ok && super::values::is_fhir_id(id)) {
            return None;
        }
        let mut target = Target {
            resource_type: resource_type.to_owned(),
            id: id.to_owned(),
        };
        if let Some(new) = self.renamed.get(&target) {
            target.id.clone_from(new);
        }
        Some(target)
    }
}

/// The contained resource a local reference (`#gp1`) names, among `contained`; `None` for
/// any other reference, or a `#id` that none of them has.
pub(crate) fn contained<'a>(
    contained: &'a [serde_json::Value],
    reference: &str,
) -> Option<&'a serde_json::Value> {
    let id = reference.strip_prefix('#')?;
    contained
        .iter()
        .find(|r| r.get("id").and_then(serde_json::Value::as_str) == Some(id))
}

/// A name to show for a contained resource: its `name` (an Organization's), or its `code`'s
/// text or first display (a Medication's).
pub(crate) fn contained_name(resource: &serde_json::Value) -> Option<String> {
    let text = |v: &serde_json::Value| v.as_str().map(str::to_owned);
    if let Some(name) = resource.get("name").and_then(text) {
        return Some(name);
    }
    let code = resource.get("code")?;
    code.get("text").and_then(text).or_else(|| {
        code.get("coding")?
            .as_array()?
            .iter()
            .find_map(|c| c.get("display").and_then(text))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::error::{Location, Position};
    use crate::model::{Patient, Resource};

    #[test]
    fn resolves_every_reference_form() {
        let patient = ImportedResource {
            location: Location::new("t", Position::Entry(0)),
            full_url: Some("urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a".into()),
            id: Some("61ebe359-bfdc-4613-8bf2-c5e300945f0a".into()),
            resource: Resource::from(Patient::default()),
            request: None,
        };
        let r = Resolver::new(&[patient]);
        let target = |id: &str| {
            Some(Target {
                resource_type: "Patient".into(),
                id: id.into(),
            })
        };
        assert_eq!(
            r.resolve("urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a"),
            target("61ebe359-bfdc-4613-8bf2-c5e300945f0a")
        );
        assert_eq!(r.resolve("Patient/pat-1"), target("pat-1"));
        assert_eq!(
            r.resolve("https://ehr.example/fhir/Patient/pat-1/_history/3"),
            target("pat-1")
        );
        assert_eq!(
            r.resolve("urn:uuid:00000000-0000-0000-0000-000000000000"),
            None
        );
        assert_eq!(r.resolve("#contained"), None);
        assert_eq!(r.resolve("pat-1"), None);
    }

    #[test]
    fn local_references_find_contained_resources_and_their_names() {
        let held = [
            serde_json::json!({"resourceType": "Organization", "id": "gp1", "name": "Hillside Surgery"}),
            serde_json::json!({"resourceType": "Medication", "id": "m1", "code": {"coding": [{"display": "Sertraline 50mg tablets"}]}}),
        ];
        let gp = contained(&held, "#gp1").expect("gp1");
        assert_eq!(contained_name(gp).as_deref(), Some("Hillside Surgery"));
        let med = contained(&held, "#m1").expect("m1");
        assert_eq!(
            contained_name(med).as_deref(),
            Some("Sertraline 50mg tablets")
        );
        assert_eq!(contained(&held, "#gp2"), None);
        assert_eq!(contained(&held, "Organization/gp1"), None);
    }
}
