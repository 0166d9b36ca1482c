//! A Bundle kept as its JSON text and read into an [`Assembler`] one entry at a time
//! ([`BundleText`]), for the body of a FHIR batch or transaction: peak memory is the text and
//! the records made from it, never every entry's parsed resource at once (which takes about
//! five times the text).
//!
//! The text is read twice. The first reading checks every entry exactly as [`parse_json`]
//! does — the same errors, in the same order — and keeps of each resource only what a server
//! needs before storing: its type and ids, for new ids, references and the response. The
//! second reads each resource again, hands it to the assembler and lets it go.
//!
//! [`parse_json`]: super::parse_json

use super::ImportedResource;
use super::assemble::Assembler;
use super::error::{ImportError, Location, Position};
use super::parse::{RawBundle, each_entry, parse_json, read_resource};
use super::refs::{Named, Resolver};
use super::requests::is_stored;
use crate::model::{BundleRequest, Resource};

/// One entry of a [`BundleText`]: everything but its resource, which stays text.
#[derive(Clone, Debug, PartialEq)]
pub struct EntryHead {
    pub location: Location,
    pub full_url: Option<String>,
    /// The logical id, as [`ImportedResource::id`]; [`BundleText::assign_new_ids`] changes it.
    pub id: Option<String>,
    /// The `id` the resource itself states.
    pub stated_id: Option<String>,
    pub resource_type: &'static str,
    /// Of a resource type Haven does not use (counted, not stored).
    pub unread: bool,
    /// Whether Haven stores what it holds ([`is_stored`]).
    pub stored: bool,
    pub request: Option<BundleRequest>,
}

impl EntryHead {
    /// Whether the entry asks for a create (`request.method` `POST`).
    pub fn is_create(&self) -> bool {
        self.request.as_ref().is_some_and(|r| r.method == "POST")
    }
}

/// A Bundle read from JSON text, its entries' resources left as text until assembled.
pub struct BundleText<'a> {
    bundle_type: String,
    heads: Vec<EntryHead>,
    texts: Vec<&'a [u8]>,
}

impl<'a> BundleText<'a> {
    /// Reads a Bundle from `bytes`, checking every entry. `Ok(None)` when the text is JSON of
    /// a single resource other than a Bundle; errors are those of [`parse_json`].
    pub fn read(bytes: &'a [u8], source_name: &str) -> Result<Option<Self>, ImportError> {
        let bytes = bytes
            .strip_prefix(b"\xEF\xBB\xBF".as_slice())
            .unwrap_or(bytes);
        let raw = match serde_json::from_slice::<RawBundle>(bytes) {
            Ok(RawBundle {
                resource_type: Some(kind),
                bundle_type: Some(bundle_type),
                entry,
            }) if kind == "Bundle" => (bundle_type, entry),
            // Not a well-formed Bundle: the general reading names exactly what is wrong.
            _ => {
                let resources = parse_json(bytes, source_name)?;
                return match resources.as_slice() {
                    [one] if one.location.position == Position::Document => Ok(None),
                    _ => Err(ImportError::new(
                        super::ImportErrorKind::Structure,
                        &Location::new(source_name, Position::Document),
                        "Bundle",
                        "not a Bundle Haven can read",
                    )),
                };
            }
        };
        let (bundle_type, entry) = raw;
        let whole = Location::new(source_name, Position::Document);
        let mut texts = Vec::with_capacity(entry.len());
        let entries = entry.into_iter().map(|e| {
            (
                e.full_url,
                e.resource.map(|r| r.get().as_bytes()),
                e.search,
                e.request,
            )
        });
        let heads = each_entry(
            bundle_type.clone(),
            entries,
            &whole,
            |location, text| {
                let resource = read_resource(location, text)?;
                texts.push(text);
                Ok(resource)
            },
            |r| EntryHead {
                stated_id: r.resource.id().map(str::to_owned),
                resource_type: r.resource.resource_type(),
                unread: matches!(r.resource, Resource::Unread(_)),
                stored: is_stored(&r.resource),
                location: r.location,
                full_url: r.full_url,
                id: r.id,
                request: r.request,
            },
        )?;
        Ok(Some(Self {
            bundle_type,
            heads,
            texts,
        }))
    }

    pub fn bundle_type(&self) -> &str {
        &self.bundle_type
    }

    /// The entries, in order (those with a resource to read: `search.mode` `outcome` entries
    /// are left out, as [`parse_json`] leaves them out).
    pub fn entries(&self) -> &[EntryHead] {
        &self.heads
    }

    /// As [`super::assign_new_ids`]: every `POST` entry Haven stores gets a new id.
    pub fn assign_new_ids(&mut self, mut new_id: impl FnMut() -> String) {
        for head in self.heads.iter_mut().filter(|h| h.is_create() && h.stored) {
            head.id = Some(new_id());
        }
    }

    /// Reads every entry's resource into `assembler`, one at a time, as
    /// [`Assembler::add_all`] would the resources [`parse_json`] gives; references resolve
    /// among the entries.
    pub fn assemble_into(&self, assembler: &mut Assembler) -> Result<(), ImportError> {
        let named: Vec<Named> = self
            .heads
            .iter()
            .map(|h| Named {
                full_url: h.full_url.as_deref(),
                resource_type: h.resource_type,
                stated: h.stated_id.as_deref(),
                id: h.id.as_deref(),
            })
            .collect();
        let resolver = Resolver::of(&named);
        for (head, text) in self.heads.iter().zip(&self.texts) {
            let resource = read_resource(&head.location, text)?;
            assembler.add_resolved(
                ImportedResource {
                    location: head.location.clone(),
                    full_url: head.full_url.clone(),
                    id: head.id.clone(),
                    resource,
                    request: head.request.clone(),
                },
                &resolver,
            )?;
        }
        Ok(())
    }
}

/// The entries of a `batch` Bundle, each as a `batch` Bundle holding only that entry, so each
/// is stored or refused on its own (a batch's entries are independent; a transaction's are
/// not). `None` when `bytes` is not a well-formed batch Bundle: [`BundleText::read`] then names
/// what is wrong with it.
pub fn batch_entries(bytes: &[u8]) -> Option<Vec<String>> {
    #[derive(serde::Deserialize)]
    struct Entries<'a> {
        #[serde(rename = "resourceType", borrow)]
        resource_type: std::borrow::Cow<'a, str>,
        #[serde(rename = "type")]
        bundle_type: String,
        #[serde(default, borrow)]
        entry: Vec<&'a serde_json::value::RawValue>,
    }
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(bytes);
    let whole: Entries = serde_json::from_slice(bytes).ok()?;
    (whole.resource_type == "Bundle" && whole.bundle_type == "batch").then(|| {
        whole
            .entry
            .iter()
            .map(|e| {
                format!(
                    r#"{{"resourceType":"Bundle","type":"batch","entry":[{}]}}"#,
                    e.get()
                )
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{Purpose, assign_new_ids};
    use time::macros::date;

    /// A transaction with a created patient referred to by fullUrl, a PUT entry, a type
    /// Haven does not use and an outcome entry.
    const BUNDLE: &str = r#"{"resourceType":"Bundle","type":"transaction","entry":[
      {"fullUrl":"urn:uuid:6f0c1a52-8d0b-4a59-9a43-2b8e53a1f001",
       "resource":{"resourceType":"Patient","id":"theirs","name":[{"family":"Haddad"}],"birthDate":"1990-05-01"},
       "request":{"method":"POST","url":"Patient"}},
      {"resource":{"resourceType":"Observation","id":"o1","status":"final",
         "subject":{"reference":"urn:uuid:6f0c1a52-8d0b-4a59-9a43-2b8e53a1f001"},
         "code":{"coding":[{"system":"https://haven-health.github.io/fhir/CodeSystem/life-event","code":"asylum-refused"}]},
         "effectiveDateTime":"2026-01-01"},
       "request":{"method":"PUT","url":"Observation/o1"}},
      {"resource":{"resourceType":"Observation","id":"o2","status":"final",
         "subject":{"reference":"Patient/theirs"},
         "code":{"coding":[{"system":"https://haven-health.github.io/fhir/CodeSystem/life-event","code":"appeal-dismissed"}]},
         "effectiveDateTime":"2026-02-01"},
       "request":{"method":"PUT","url":"Observation/o2"}},
      {"resource":{"resourceType":"Organization","id":"org1"},"request":{"method":"PUT","url":"Organization/org1"}},
      {"resource":{"resourceType":"OperationOutcome"},"search":{"mode":"outcome"}}
    ]}"#;

    #[test]
    fn a_bundle_read_from_its_text_assembles_as_the_whole_reading_does() {
        let today = date!(2026 - 11 - 28);
        let mut n = 0;
        let mut new_id = || {
            n += 1;
            format!("new-{n}")
        };
        let mut whole = parse_json(BUNDLE.as_bytes(), "body").expect("parse");
        assign_new_ids(&mut whole, &mut new_id);
        let mut n = 0;
        let mut text = BundleText::read(BUNDLE.as_bytes(), "body")
            .expect("read")
            .expect("a Bundle");
        text.assign_new_ids(|| {
            n += 1;
            format!("new-{n}")
        });
        assert_eq!(text.bundle_type(), "transaction");
        assert_eq!(text.entries().len(), whole.len());
        for (head, r) in text.entries().iter().zip(&whole) {
            assert_eq!(
                (&head.location, &head.full_url, &head.id, &head.request),
                (&r.location, &r.full_url, &r.id, &r.request)
            );
            assert_eq!(head.resource_type, r.resource.resource_type());
            assert_eq!(head.is_create(), r.is_create());
        }
        assert_eq!(text.entries()[0].id.as_deref(), Some("new-1"));
        assert!(text.entries()[3].unread);
        let mut from_whole = Assembler::default();
        from_whole.add_all(whole).expect("add");
        let mut from_text = Assembler::default();
        text.assemble_into(&mut from_text).expect("add");
        let (a, b) = (
            from_whole
                .finish(today, &[], Purpose::Store)
                .expect("finish"),
            from_text
                .finish(today, &[], Purpose::Store)
                .expect("finish"),
        );
        assert_eq!(a, b);
        assert_eq!(b.records.len(), 1);
        assert_eq!(b.records[0].patient.id.as_str(), "new-1");
        assert_eq!(b.records[0].entries.len(), 2, "both references followed");
    }

    #[test]
    fn errors_are_those_of_the_whole_reading_and_a_single_resource_is_no_bundle() {
        let cases = [
            r#"{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient","birthDate":"soon"}},{"request":{"method":"DELETE","url":"Patient/x"}}]}"#,
            r#"{"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"DELETE","url":"Patient/x"}}]}"#,
            r#"{"resourceType":"Bundle","type":"history","entry":[]}"#,
            r#"{"resourceType":"Bundle","type":"batch","entry":[{"resource":{"resourceType":"Bundle","type":"batch"}}]}"#,
            r#"{"resourceType":"Bundle","entry":[]}"#,
            r#"{"resourceType":"Bundle","type":"batch","entry":[{"resource":{"resourceType":"Patient"}}"#,
            "not json",
        ];
        for case in cases {
            let whole = parse_json(case.as_bytes(), "body").expect_err(case);
            let text = BundleText::read(case.as_bytes(), "body")
                .err()
                .unwrap_or_else(|| panic!("{case} was read"));
            assert_eq!(text, whole, "{case}");
        }
        let patient = r#"{"resourceType":"Patient","id":"p1"}"#;
        assert!(
            BundleText::read(patient.as_bytes(), "body")
                .expect("read")
                .is_none()
        );
    }

    #[test]
    fn a_batch_splits_into_one_bundle_per_entry_and_a_transaction_does_not() {
        let batch = r#"{"resourceType":"Bundle","type":"batch","entry":[
          {"resource":{"resourceType":"Patient","birthDate":"soon"},"request":{"method":"POST","url":"Patient"}},
          {"request":{"method":"DELETE","url":"Patient/x"}}]}"#;
        let parts = batch_entries(batch.as_bytes()).expect("a batch");
        assert_eq!(parts.len(), 2);
        // Each part is a batch of one.
        for part in &parts {
            let value: serde_json::Value = serde_json::from_str(part).expect("json");
            assert_eq!(value["type"], "batch");
            assert_eq!(value["entry"].as_array().map(Vec::len), Some(1));
        }
        // The entry Haven cannot take is refused on its own; the other still reads.
        assert!(BundleText::read(parts[0].as_bytes(), "body").is_ok());
        assert!(BundleText::read(parts[1].as_bytes(), "body").is_err());
        assert!(parts[0].contains(r#""birthDate":"soon""#));
        assert!(batch_entries(BUNDLE.as_bytes()).is_none(), "a transaction");
        assert!(batch_entries(b"not json").is_none());
        assert!(batch_entries(br#"{"resourceType":"Patient","type":"batch"}"#).is_none());
    }
}
