//! Reading input: a single resource, a Bundle (batch, transaction, collection, searchset or
//! document) or NDJSON, detected from the content. Size limits are checked before any parsing.

use serde_json::Value;

use super::error::{ImportError, ImportErrorKind as Kind, Location, Position};
use serde_json::value::RawValue;

use crate::model::{Bundle, BundleRequest, BundleSearch, JsonError, Resource, ShapeError};

/// The largest single resource accepted (an NDJSON line or a one-resource document): 1 MiB.
/// Haven's biggest resources (a PCL-5 result, a full safety plan) are a few kilobytes, so
/// anything near this is not a record but a mistake or an attack.
pub const MAX_RESOURCE_BYTES: usize = 1 << 20;
/// The largest single JSON document (a Bundle) accepted: 64 MiB. Larger populations come as
/// NDJSON, which has no total limit because it is checked line by line.
pub const MAX_DOCUMENT_BYTES: usize = 64 << 20;

/// Bundles that carry resources to read. `history` is not among them (its entries may be
/// deletions), nor `message` (a message is acted on, not filed).
const BUNDLE_TYPES: &[&str] = &[
    "batch",
    "transaction",
    "collection",
    "searchset",
    "document",
];

/// One resource read from the input, with where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedResource {
    pub location: Location,
    /// The Bundle entry's `fullUrl`, which other entries may reference (`urn:uuid:…`).
    pub full_url: Option<String>,
    /// The logical id: `resource.id`, else the uuid of a `urn:uuid:` fullUrl, else the id in
    /// a transaction `PUT Type/id`.
    pub id: Option<String>,
    pub resource: Resource,
    /// The Bundle entry's `request`: what a transaction asks of a server (create or update,
    /// conditions). `None` for a resource read on its own.
    pub request: Option<BundleRequest>,
}

impl ImportedResource {
    /// A resource read on its own (not from a Bundle entry).
    fn single(location: Location, resource: Resource) -> Self {
        Self {
            location,
            full_url: None,
            id: resource.id().map(str::to_owned),
            resource,
            request: None,
        }
    }

    /// Whether the entry asks for a create (`request.method` `POST`).
    pub fn is_create(&self) -> bool {
        self.request.as_ref().is_some_and(|r| r.method == "POST")
    }
}

/// Whether JSON text holds a Patient resource anywhere, found by a byte search without
/// parsing: so that an import can store the files that hold patients first and still read
/// each file only when its turn comes. A stray match only changes the order of files.
pub fn mentions_patients(bytes: &[u8]) -> bool {
    memchr::memmem::find_iter(bytes, b"\"resourceType\"").any(|at| {
        let rest = bytes[at + 14..].trim_ascii_start();
        rest.strip_prefix(b":")
            .is_some_and(|value| value.trim_ascii_start().starts_with(b"\"Patient\""))
    })
}

/// Parses `bytes` from `source_name` into resources. Fails on the first problem, naming the
/// line (NDJSON) or entry (Bundle) and the field.
pub fn parse_input(bytes: &[u8], source_name: &str) -> Result<Vec<ImportedResource>, ImportError> {
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(bytes);
    let whole = Location::new(source_name, Position::Document);
    let out = if looks_like_ndjson(bytes) {
        ndjson(bytes, source_name)?
    } else {
        document(bytes, &whole)?
    };
    if out.is_empty() {
        return Err(ImportError::new(
            Kind::Syntax,
            &whole,
            "",
            "no FHIR resources found",
        ));
    }
    Ok(out)
}

/// NDJSON when there are at least two non-blank lines and the first is a complete JSON object
/// on its own; a pretty-printed document's first line never is.
pub fn looks_like_ndjson(bytes: &[u8]) -> bool {
    let mut lines = bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.trim_ascii().is_empty());
    match (lines.next(), lines.next()) {
        (Some(first), Some(_)) => {
            matches!(serde_json::from_slice::<Value>(first), Ok(Value::Object(_)))
        }
        _ => false,
    }
}

/// NDJSON of more than this is parsed on every core, in contiguous runs of lines.
pub(crate) const PARALLEL_NDJSON_BYTES: usize = 4 << 20;

/// NDJSON read whole, on this thread (input of any size goes through [`crate::Feed`], which
/// reads it on every core).
fn ndjson(bytes: &[u8], source: &str) -> Result<Vec<ImportedResource>, ImportError> {
    let source = Location::new(source, Position::Document);
    let mut out = Vec::new();
    each_line(bytes, &source, 0, |r| {
        out.push(r);
        Ok(())
    })?;
    Ok(out)
}

/// The cores to read on, asked of the system once: the question reads cgroup files, which
/// costs more than a small input's whole reading.
pub(crate) fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// The result of a scoped thread, its panic passed on.
pub(crate) fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// NDJSON cut into one run of whole lines per core (small input is one run), each with the
/// number of lines before it, counting `skipped` lines before `bytes`; and the number of lines
/// after them all.
pub(crate) fn runs(bytes: &[u8], skipped: usize) -> (Vec<(&[u8], usize)>, usize) {
    let workers = if bytes.len() < PARALLEL_NDJSON_BYTES {
        1
    } else {
        cores()
    };
    let mut runs = Vec::with_capacity(workers);
    let (mut start, mut first_line) = (0, skipped);
    for w in 1..=workers {
        let cut = (bytes.len() * w / workers).max(start);
        let end = memchr::memchr(b'\n', &bytes[cut..]).map_or(bytes.len(), |at| cut + at + 1);
        let end = if w == workers { bytes.len() } else { end };
        let run = &bytes[start..end];
        runs.push((run, first_line));
        first_line += memchr::memchr_iter(b'\n', run).count();
        start = end;
    }
    (runs, first_line)
}

/// Reads NDJSON lines one at a time and hands each resource to `visit`; `skipped` lines came
/// before these (for line numbers in errors), and `source` names the input.
pub(crate) fn each_line(
    bytes: &[u8],
    source: &Location,
    skipped: usize,
    mut visit: impl FnMut(ImportedResource) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut start = 0;
    for (index, end) in memchr::memchr_iter(b'\n', bytes)
        .chain((bytes.last() != Some(&b'\n')).then_some(bytes.len()))
        .enumerate()
    {
        let line = &bytes[start..end];
        start = end + 1;
        if line.trim_ascii().is_empty() {
            continue;
        }
        visit(one_line(
            source.at(Position::Line(skipped + index + 1)),
            line,
        )?)?;
    }
    Ok(())
}

/// One non-blank NDJSON line read as a resource, at `location`.
pub(crate) fn one_line(location: Location, line: &[u8]) -> Result<ImportedResource, ImportError> {
    if line.len() > MAX_RESOURCE_BYTES {
        return Err(too_large(
            &location,
            line.len(),
            MAX_RESOURCE_BYTES,
            "a resource",
        ));
    }
    let resource = read_resource(&location, line)?;
    if let Resource::Bundle(_) = resource {
        return Err(ImportError::new(
            Kind::Unsupported,
            &location,
            "Bundle",
            "NDJSON holds one resource per line, not Bundles",
        ));
    }
    Ok(ImportedResource::single(location, resource))
}

fn document(bytes: &[u8], whole: &Location) -> Result<Vec<ImportedResource>, ImportError> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(too_large(
            whole,
            bytes.len(),
            MAX_DOCUMENT_BYTES,
            "a JSON document (use NDJSON for larger populations)",
        ));
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| syntax(whole, &e))?;
    let is_bundle = value.get("resourceType").and_then(Value::as_str) == Some("Bundle");
    if !is_bundle && bytes.len() > MAX_RESOURCE_BYTES {
        return Err(too_large(
            whole,
            bytes.len(),
            MAX_RESOURCE_BYTES,
            "a resource",
        ));
    }
    parse_value(value, &whole.source)
}

/// Reads already-parsed JSON: one resource or a Bundle (as in CDS Hooks prefetch). Size
/// limits are the caller's (an HTTP body limit, for example).
pub fn parse_value(value: Value, source_name: &str) -> Result<Vec<ImportedResource>, ImportError> {
    let whole = Location::new(source_name, Position::Document);
    if value.get("resourceType").and_then(Value::as_str) == Some("Bundle") {
        return bundle(value, &whole);
    }
    let resource = shape(&whole, value)?;
    Ok(vec![ImportedResource::single(whole, resource)])
}

fn bundle(value: Value, whole: &Location) -> Result<Vec<ImportedResource>, ImportError> {
    let Resource::Bundle(bundle) = shape(whole, value)? else {
        unreachable!("resourceType was checked to be Bundle")
    };
    let Bundle {
        bundle_type, entry, ..
    } = *bundle;
    let entries = entry
        .into_iter()
        .map(|e| (e.full_url, e.resource, e.search, e.request));
    bundle_entries(bundle_type, entries, whole, shape)
}

/// The entries of a Bundle (as parsed values or as JSON text, read by `read`), checked as
/// one: an accepted type, only POST and PUT, a resource in every entry, no nested Bundles.
fn bundle_entries<R>(
    bundle_type: String,
    entries: impl Iterator<
        Item = (
            Option<String>,
            Option<R>,
            Option<BundleSearch>,
            Option<BundleRequest>,
        ),
    >,
    whole: &Location,
    read: impl FnMut(&Location, R) -> Result<Resource, ImportError>,
) -> Result<Vec<ImportedResource>, ImportError> {
    each_entry(bundle_type, entries, whole, read, |r| r)
}

/// [`bundle_entries`], each resource read handed to `keep`, which keeps what it needs of it.
pub(crate) fn each_entry<R, T>(
    bundle_type: String,
    entries: impl Iterator<
        Item = (
            Option<String>,
            Option<R>,
            Option<BundleSearch>,
            Option<BundleRequest>,
        ),
    >,
    whole: &Location,
    mut read: impl FnMut(&Location, R) -> Result<Resource, ImportError>,
    mut keep: impl FnMut(ImportedResource) -> T,
) -> Result<Vec<T>, ImportError> {
    if !BUNDLE_TYPES.contains(&bundle_type.as_str()) {
        return Err(ImportError::new(
            Kind::Unsupported,
            whole,
            "Bundle.type",
            format!(
                "Bundle type {bundle_type:?} is not accepted (use batch, transaction, collection, searchset or document)"
            ),
        ));
    }
    let mut out = Vec::new();
    for (index, (full_url, resource, search, request)) in entries.enumerate() {
        let location = Location::new(&whole.source, Position::Entry(index));
        if let Some(request) = &request
            && !matches!(request.method.as_str(), "POST" | "PUT")
        {
            return Err(ImportError::new(
                Kind::Unsupported,
                &location,
                "request.method",
                format!(
                    "{} is not supported: Haven only adds or updates (POST, PUT) and never deletes",
                    request.method
                ),
            ));
        }
        if search.as_ref().and_then(|s| s.mode.as_deref()) == Some("outcome") {
            continue;
        }
        let Some(raw) = resource else {
            return Err(ImportError::new(
                Kind::Structure,
                &location,
                "resource",
                "the entry has no resource",
            ));
        };
        let resource = read(&location, raw)?;
        if let Resource::Bundle(_) = resource {
            return Err(ImportError::new(
                Kind::Unsupported,
                &location,
                "Bundle",
                "Bundles inside Bundles are not supported",
            ));
        }
        let from_url = full_url
            .as_deref()
            .and_then(|u| u.strip_prefix("urn:uuid:"));
        let from_put = request
            .as_ref()
            .filter(|r| r.method == "PUT")
            .and_then(|r| r.url.split('?').next()?.split('/').nth(1));
        let id = resource.id().or(from_url).or(from_put).map(str::to_owned);
        out.push(keep(ImportedResource {
            location,
            full_url,
            id,
            resource,
            request,
        }));
    }
    Ok(out)
}

/// One resource from its JSON text (see [`Resource::from_json`]).
pub(crate) fn read_resource(location: &Location, bytes: &[u8]) -> Result<Resource, ImportError> {
    Resource::from_json(bytes).map_err(|e| match e {
        JsonError::Syntax(e) => syntax(location, &e),
        JsonError::Shape(e) => shape_error(location, e),
    })
}

/// A Bundle read with each entry's resource left as text, so that entries go through the same
/// fast path as NDJSON lines.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawBundle<'a> {
    #[serde(rename = "resourceType", borrow, default)]
    pub resource_type: Option<std::borrow::Cow<'a, str>>,
    #[serde(rename = "type", default)]
    pub bundle_type: Option<String>,
    #[serde(default, borrow)]
    pub entry: Vec<RawEntry<'a>>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawEntry<'a> {
    #[serde(default)]
    pub full_url: Option<String>,
    #[serde(default, borrow)]
    pub resource: Option<&'a RawValue>,
    #[serde(default)]
    pub search: Option<BundleSearch>,
    #[serde(default)]
    pub request: Option<BundleRequest>,
}

/// Reads JSON text holding one resource or a Bundle (a document, a CDS Hooks prefetch value).
/// Size limits are the caller's.
pub fn parse_json(bytes: &[u8], source_name: &str) -> Result<Vec<ImportedResource>, ImportError> {
    let whole = Location::new(source_name, Position::Document);
    let resource = match serde_json::from_slice::<RawBundle>(bytes) {
        Ok(RawBundle {
            resource_type: Some(kind),
            bundle_type: Some(bundle_type),
            entry,
        }) if kind == "Bundle" => {
            let entries = entry.into_iter().map(|e| {
                (
                    e.full_url,
                    e.resource.map(|r| r.get().as_bytes()),
                    e.search,
                    e.request,
                )
            });
            return bundle_entries(bundle_type, entries, &whole, read_resource);
        }
        // Not a well-formed Bundle: the general path reports exactly what is wrong.
        _ => read_resource(&whole, bytes)?,
    };
    if let Resource::Bundle(_) = resource {
        return parse_value(resource.to_value(), source_name);
    }
    Ok(vec![ImportedResource::single(whole, resource)])
}

/// JSON holding one resource, a Bundle or `null` (a CDS Hooks prefetch value), read in the
/// same pass as the text around it: possible only when every resource in it has
/// `resourceType` first. Anything else fails to deserialise, and the caller reads the text
/// the general way ([`parse_json`]), which then names any error exactly.
pub enum OnePass {
    Null,
    Resource(Resource),
    Bundle {
        bundle_type: String,
        entries: Vec<OnePassEntry>,
    },
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OnePassEntry {
    #[serde(default)]
    full_url: Option<String>,
    #[serde(default)]
    resource: Option<OnePassResource>,
    #[serde(default)]
    search: Option<BundleSearch>,
    #[serde(default)]
    request: Option<BundleRequest>,
}

struct OnePassResource(Resource);

impl<'de> serde::Deserialize<'de> for OnePassResource {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(crate::model::TypeFirst)?
            .map(OnePassResource)
            .ok_or_else(|| serde::de::Error::custom("resourceType is not first"))
    }
}

impl<'de> serde::Deserialize<'de> for OnePass {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(OnePassVisitor)
    }
}

struct OnePassVisitor;

impl<'de> serde::de::Visitor<'de> for OnePassVisitor {
    type Value = OnePass;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a FHIR resource or Bundle with resourceType first, or null")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<OnePass, E> {
        Ok(OnePass::Null)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<OnePass, A::Error> {
        use serde::de::Error;
        if map.next_key::<&str>()? != Some("resourceType") {
            return Err(A::Error::custom("resourceType is not first"));
        }
        let kind: &str = map.next_value()?;
        if kind != "Bundle" {
            return Resource::read_rest(kind, map)?
                .map(OnePass::Resource)
                .ok_or_else(|| A::Error::custom("not a resource type Haven reads"));
        }
        let (mut bundle_type, mut entries) = (None, Vec::new());
        while let Some(key) = map.next_key::<&str>()? {
            match key {
                "type" => bundle_type = Some(map.next_value()?),
                "entry" => entries = map.next_value()?,
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        let bundle_type = bundle_type.ok_or_else(|| A::Error::custom("Bundle.type missing"))?;
        Ok(OnePass::Bundle {
            bundle_type,
            entries,
        })
    }
}

impl OnePass {
    /// The resources, checked as [`parse_json`] checks them; `source` names the value.
    pub fn resources(self, source_name: &str) -> Result<Vec<ImportedResource>, ImportError> {
        let whole = Location::new(source_name, Position::Document);
        match self {
            OnePass::Null => Ok(Vec::new()),
            OnePass::Resource(resource) => Ok(vec![ImportedResource::single(whole, resource)]),
            OnePass::Bundle {
                bundle_type,
                entries,
            } => {
                let entries = entries
                    .into_iter()
                    .map(|e| (e.full_url, e.resource.map(|r| r.0), e.search, e.request));
                bundle_entries(bundle_type, entries, &whole, |_, r| Ok(r))
            }
        }
    }
}

fn shape_error(location: &Location, e: ShapeError) -> ImportError {
    let kind = if e.path == "resourceType" && e.message.starts_with("unknown resource type") {
        Kind::Unsupported
    } else {
        Kind::Structure
    };
    ImportError::new(kind, location, e.path, e.message)
}

fn shape(location: &Location, value: Value) -> Result<Resource, ImportError> {
    Resource::from_value(value).map_err(|e| shape_error(location, e))
}

fn syntax(location: &Location, e: &serde_json::Error) -> ImportError {
    let message = match location.position {
        // Inside one NDJSON line only the column matters.
        Position::Line(_) => format!(
            "not valid JSON at column {}: {}",
            e.column(),
            strip_position(e)
        ),
        _ => format!(
            "not valid JSON at line {}, column {}: {}",
            e.line(),
            e.column(),
            strip_position(e)
        ),
    };
    ImportError::new(Kind::Syntax, location, "", message)
}

fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

fn too_large(location: &Location, size: usize, limit: usize, what: &str) -> ImportError {
    ImportError::new(
        Kind::TooLarge,
        location,
        "",
        format!(
            "{size} bytes is over the {} MiB limit for {what}",
            limit >> 20
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(input: &str) -> String {
        parse_input(input.as_bytes(), "in.json")
            .map(|_| ())
            .expect_err("should fail")
            .to_string()
    }

    #[test]
    fn detects_the_three_forms() {
        let one = r#"{"resourceType":"Patient","id":"p1"}"#;
        assert_eq!(parse_input(one.as_bytes(), "a").map(|r| r.len()), Ok(1));
        let pretty = "{\n  \"resourceType\": \"Patient\",\n  \"id\": \"p1\"\n}\n";
        assert_eq!(parse_input(pretty.as_bytes(), "a").map(|r| r.len()), Ok(1));
        let lines = format!("{one}\n\n{}\n", r#"{"resourceType":"Patient","id":"p2"}"#);
        let parsed = parse_input(lines.as_bytes(), "a").expect("ndjson");
        assert_eq!(parsed[1].location.position, Position::Line(3));
        let bundle = r#"{"resourceType":"Bundle","type":"transaction","entry":[
            {"fullUrl":"urn:uuid:4f6a","resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}}]}"#;
        let parsed = parse_input(bundle.as_bytes(), "b").expect("bundle");
        assert_eq!(parsed[0].id.as_deref(), Some("4f6a"));
    }

    #[test]
    fn refusals_name_where_and_why() {
        assert_eq!(
            err("{\"resourceType\": \"Patient\","),
            "in.json: not valid JSON at line 1, column 27: EOF while parsing a value"
        );
        let ndjson =
            "{\"resourceType\":\"Patient\",\"id\":\"a\"}\n{\"resourceType\":\"Patient\",\"id\":}\n";
        assert!(
            err(ndjson).starts_with("in.json: line 2: not valid JSON at column 32"),
            "{}",
            err(ndjson)
        );
        assert!(err(r#"{"resourceType":"Pateint"}"#).contains(
            "resourceType: unknown resource type \"Pateint\": not a FHIR R4 resource type"
        ));
        let history = r#"{"resourceType":"Bundle","type":"history","entry":[]}"#;
        assert!(err(history).contains("Bundle.type: Bundle type \"history\" is not accepted"));
        let delete = r#"{"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"DELETE","url":"Patient/1"}}]}"#;
        assert!(
            err(delete)
                .starts_with("in.json: Bundle.entry[0]: request.method: DELETE is not supported")
        );
        assert_eq!(
            err("  \n"),
            "in.json: not valid JSON at line 2, column 0: EOF while parsing a value"
        );
    }

    /// Text is read as UTF-8 checked once, whole; a byte that is not UTF-8 (here Latin-1 "é")
    /// is still refused with its line and column.
    #[test]
    fn text_that_is_not_utf8_is_refused_where_it_is() {
        let mut ndjson = b"{\"resourceType\":\"Patient\",\"id\":\"a\"}\n".to_vec();
        ndjson.extend_from_slice(
            b"{\"resourceType\":\"Patient\",\"id\":\"b\",\"name\":[{\"family\":\"Ren\xe9\"}]}\n",
        );
        let error = parse_input(&ndjson, "in.ndjson").expect_err("not UTF-8");
        assert_eq!(
            error.to_string(),
            "in.ndjson: line 2: not valid JSON at column 58: invalid unicode code point"
        );
    }

    #[test]
    fn large_ndjson_errors_name_the_true_line() {
        let line = |i: usize| {
            format!(
                r#"{{"resourceType":"Patient","id":"p{i}","name":[{{"family":"Family{i}","given":["Given"]}}],"birthDate":"1990-01-01"}}"#
            )
        };
        let count = PARALLEL_NDJSON_BYTES / 100 + 1_000;
        let mut text: String = (0..count).map(|i| line(i) + "\n").collect();
        let read = parse_input(text.as_bytes(), "big.ndjson").expect("parse");
        assert_eq!(read.len(), count);
        assert_eq!(
            read[count - 1].id.as_deref(),
            Some(format!("p{}", count - 1).as_str())
        );
        assert_eq!(read[count - 1].location.position, Position::Line(count));
        // A broken line near the end is named by its real number.
        text.push_str("{\"resourceType\":\"Patient\",\"birthDate\":7}\n");
        text.push_str(&line(0));
        let e = parse_input(text.as_bytes(), "big.ndjson").expect_err("bad line");
        assert!(
            e.to_string().starts_with(&format!(
                "big.ndjson: line {}: Patient.birthDate",
                count + 1
            )),
            "{e}"
        );
    }

    #[test]
    fn patients_are_found_without_parsing() {
        assert!(mentions_patients(
            br#"{"id":"1","resourceType" : "Patient"}"#
        ));
        assert!(mentions_patients(
            b"{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\n  \"resourceType\":\n \"Patient\"}}]}"
        ));
        assert!(!mentions_patients(
            br#"{"resourceType":"Observation","subject":{"reference":"Patient/1"}}"#
        ));
        assert!(!mentions_patients(br#"{"note":"resourceType Patient"}"#));
    }

    #[test]
    fn oversized_input_is_refused_before_parsing() {
        let big = format!(
            "{{\"resourceType\":\"Patient\",\"id\":\"p\",\"x\":\"{}\"}}",
            "a".repeat(MAX_RESOURCE_BYTES)
        );
        assert!(err(&big).contains("over the 1 MiB limit for a resource"));
        let two = format!("{big}\n{big}\n");
        assert!(err(&two).starts_with("in.json: line 1: "));
    }
}
