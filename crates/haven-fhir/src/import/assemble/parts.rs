//! Reading an NDJSON population a part at a time (`haven evaluate` in bounded memory): each
//! line goes to the part of its patient, found without building the resource, and each part is
//! assembled by an [`Assembler`] of its own. What parts could share — an id used in two, a
//! QuestionnaireResponse that an Observation in another part names — each assembler gives as
//! hashed [`Shared`] keys, so that the caller can tell, holding only a part of the keys at a
//! time, whether the parts read apart give exactly what one pass over everything would.

use std::borrow::Cow;
use std::hash::BuildHasher;

use foldhash::fast::FixedState;

use super::{Assembler, IdSpace};
use crate::import::error::{ImportError, Location};
use crate::import::parse::one_line;
use crate::import::refs::Resolver;

/// What a hashed key stands for (see [`Assembler::shared_keys`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shared {
    /// An id this part checked (in its id space): two parts holding one is a repeat.
    Id,
    /// A QuestionnaireResponse an Observation here names in `derivedFrom`, not in this part.
    Named,
    /// A QuestionnaireResponse here that no Observation here names. Named in another part, one
    /// pass would have read it from that Observation instead.
    Unnamed,
    /// A patient this part holds a record of: in two parts, some line was sent apart from its
    /// patient, and the parts' records (and errors) may not be one pass's.
    Record,
}

/// The same hash in every process and run: keys are written by one part and compared with
/// another's.
fn hasher() -> FixedState {
    FixedState::with_seed(0x4861_7665_6e00_0018)
}

#[derive(serde::Deserialize)]
struct Head<'a> {
    #[serde(rename = "resourceType", borrow, default)]
    resource_type: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    subject: Option<RefHead<'a>>,
    #[serde(borrow, default)]
    participant: Vec<Participant<'a>>,
}

#[derive(serde::Deserialize)]
struct RefHead<'a> {
    #[serde(borrow, default)]
    reference: Option<Cow<'a, str>>,
}

#[derive(serde::Deserialize)]
struct Participant<'a> {
    #[serde(borrow, default)]
    actor: Option<RefHead<'a>>,
}

/// The patient an NDJSON line belongs to, read without building the resource: a Patient's own
/// id, or the Patient its `subject` (an Appointment's participant) refers to. `None` for a line
/// that names no patient or does not read; it may go to any part, since a line placed apart
/// from its patient only makes that part fail, never read differently.
pub fn patient_of_line(line: &[u8]) -> Option<String> {
    if let Some(skimmed) = skimmed(line) {
        return skimmed;
    }
    let head: Head = serde_json::from_slice(line).ok()?;
    if head.resource_type.as_deref() == Some("Patient") {
        return head.id.map(Cow::into_owned);
    }
    let resolver = Resolver::default();
    let patient = |reference: &Option<RefHead>| {
        let target = resolver.resolve(reference.as_ref()?.reference.as_deref()?)?;
        (target.resource_type == "Patient").then_some(target.id)
    };
    patient(&head.subject).or_else(|| head.participant.iter().find_map(|p| patient(&p.actor)))
}

/// The patient of a line in the common shape, found without reading the JSON (parsing even
/// only the head of every line was a seventh of `haven evaluate`'s time): `resourceType` first,
/// then a Patient's `id`, or the first `"subject":{"reference":"…"}` of any other type, as
/// Haven's export and most servers write them. `None` for any other shape, which the head parse
/// reads. A nested `subject` found first would only misplace the line, which its part refuses.
fn skimmed(line: &[u8]) -> Option<Option<String>> {
    static SUBJECT: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
        std::sync::OnceLock::new();
    let rest = line.strip_prefix(b"{\"resourceType\":\"")?;
    if let Some(rest) = rest.strip_prefix(b"Patient\",\"id\":\"") {
        return Some(Some(plain_string(rest)?.to_owned()));
    }
    let finder =
        SUBJECT.get_or_init(|| memchr::memmem::Finder::new(b"\"subject\":{\"reference\":\""));
    let at = finder.find(rest)?;
    let reference = plain_string(&rest[at + finder.needle().len()..])?;
    let target = Resolver::default().resolve(reference);
    Some(target.and_then(|t| (t.resource_type == "Patient").then_some(t.id)))
}

/// The text up to the closing quote, when it holds no escape (ids and references never do).
fn plain_string(text: &[u8]) -> Option<&str> {
    let end = memchr::memchr2(b'"', b'\\', text)?;
    if text[end] != b'"' {
        return None;
    }
    std::str::from_utf8(&text[..end]).ok()
}

/// Which of `parts` a patient's lines go to.
pub fn part_of(patient: &str, parts: usize) -> usize {
    (hasher().hash_one(patient) % parts as u64) as usize
}

impl Assembler {
    /// Adds one NDJSON line found at `location` (a blank line adds nothing), as
    /// [`crate::Feed`] would.
    pub fn add_line(&mut self, location: Location, line: &[u8]) -> Result<(), ImportError> {
        if line.trim_ascii().is_empty() {
            return Ok(());
        }
        self.add_one(one_line(location, line)?)
    }

    /// Gives every key this assembler shares with others reading the rest of the input (see
    /// [`Shared`]): call it after the last line and before [`Assembler::finish`].
    pub fn shared_keys(&self, mut each: impl FnMut(u64, Shared)) {
        self.shared_keys_at(|hash, shared, _| each(hash, shared));
    }

    /// As [`Assembler::shared_keys`], each id with where it was read, so that a repeat across
    /// parts can be named as one pass names it (see [`crate::repeated_id`]).
    pub fn shared_keys_at(&self, mut each: impl FnMut(u64, Shared, Option<&Location>)) {
        let hash = hasher();
        for (key, (at, _)) in &self.ids {
            each(hash.hash_one(key), Shared::Id, Some(at));
        }
        let record = |patient: &str| hash.hash_one(("record", patient));
        for patient in self.index.keys() {
            each(record(patient), Shared::Record, None);
        }
        let mut late = std::collections::HashSet::new();
        for response in &self.responses {
            if let Ok(Some(read)) = &response.read
                && !self.derived.contains(&response.id)
                && !self.index.contains_key(&read.patient)
                && late.insert(read.patient.as_str())
            {
                each(record(&read.patient), Shared::Record, None);
            }
        }
        let mut each = |hash, shared| each(hash, shared, None);
        for name in &self.derived {
            let held = self
                .ids
                .get(&(IdSpace::Entry, name.as_str().into()))
                .is_some_and(|(_, rtype)| *rtype == "QuestionnaireResponse");
            if !held {
                each(hash.hash_one(name.as_str()), Shared::Named);
            }
        }
        for response in &self.responses {
            if !self.derived.contains(&response.id) {
                each(hash.hash_one(response.id.as_str()), Shared::Unnamed);
            }
        }
    }
}

/// Whether sorted keys from every part show that the parts read apart differ from one pass: an
/// id in two parts, a patient's records in two, or a QuestionnaireResponse one part holds
/// unnamed and another names.
pub fn parts_disagree(sorted: &[(u64, Shared)]) -> bool {
    sorted.chunk_by(|a, b| a.0 == b.0).any(|same| {
        let ids = same.iter().filter(|(_, s)| *s == Shared::Id).count();
        let named = same.iter().any(|(_, s)| *s == Shared::Named);
        let unnamed = same.iter().any(|(_, s)| *s == Shared::Unnamed);
        let records = same.iter().filter(|(_, s)| *s == Shared::Record).count();
        ids > 1 || records > 1 || (named && unnamed)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::error::Position;

    #[test]
    fn a_line_goes_to_its_patient() {
        let patient = br#"{"resourceType":"Patient","id":"p1","birthDate":"1990-01-01"}"#;
        let obs = br#"{"resourceType":"Observation","id":"o","subject":{"reference":"Patient/p1/_history/2"},"status":"final"}"#;
        let obs_first =
            br#"{"subject":{"reference":"Patient/p1"},"id":"o","resourceType":"Observation"}"#;
        let appointment = br#"{"resourceType":"Appointment","id":"a","participant":[{"actor":{"reference":"Practitioner/x"}},{"actor":{"reference":"Patient/p1"}}]}"#;
        for line in [&patient[..], obs, obs_first, appointment] {
            assert_eq!(patient_of_line(line).as_deref(), Some("p1"));
        }
        for line in [
            &br#"{"resourceType":"Practitioner","id":"x"}"#[..],
            br#"{"resourceType":"Observation","subject":{"reference":"Group/g"}}"#,
            br#"not json"#,
        ] {
            assert_eq!(patient_of_line(line), None);
        }
    }

    #[test]
    fn the_skim_finds_what_the_head_parse_finds_or_leaves_the_line_to_it() {
        let head = |line: &[u8]| {
            let start = br#"{"meta":{},"#;
            // The same line with another field first is read by the head parse.
            let moved = [&start[..], &line[1..]].concat();
            assert_eq!(skimmed(&moved), None);
            patient_of_line(&moved)
        };
        for line in [
            &br#"{"resourceType":"Patient","id":"pat-7","birthDate":"1990-01-01"}"#[..],
            br#"{"resourceType":"Condition","status":"x","subject":{"reference":"Patient/pat-7"}}"#,
            br#"{"resourceType":"Flag","subject":{"reference":"https://ehr.example/fhir/Patient/pat-7"}}"#,
        ] {
            assert_eq!(skimmed(line), Some(Some("pat-7".to_owned())));
            assert_eq!(head(line).as_deref(), Some("pat-7"));
        }
        // An escape, or no subject in the skimmed shape: left to the head parse.
        assert_eq!(
            skimmed(br#"{"resourceType":"Patient","id":"p\u0031"}"#),
            None
        );
        assert_eq!(
            patient_of_line(br#"{"resourceType":"Patient","id":"p\u0031"}"#).as_deref(),
            Some("p1")
        );
        assert_eq!(
            skimmed(br#"{"resourceType":"Appointment","participant":[]}"#),
            None
        );
        assert_eq!(
            skimmed(br#"{"resourceType":"Observation","subject":{"reference":"Group/g"}}"#),
            Some(None)
        );
    }

    fn keys(lines: &[&str]) -> Vec<(u64, Shared)> {
        let mut assembler = Assembler::default();
        for (n, line) in lines.iter().enumerate() {
            let location = Location::new("t.ndjson", Position::Line(n + 1));
            assembler.add_line(location, line.as_bytes()).expect("line");
        }
        let mut keys = Vec::new();
        assembler.shared_keys(|h, s| keys.push((h, s)));
        keys
    }

    const P1: &str = r#"{"resourceType":"Patient","id":"p1","birthDate":"1990-01-01"}"#;
    const P2: &str = r#"{"resourceType":"Patient","id":"p2","birthDate":"1990-01-01"}"#;
    const QR: &str = r#"{"resourceType":"QuestionnaireResponse","id":"q1","status":"completed","subject":{"reference":"Patient/p2"},"authored":"2026-01-01","questionnaire":"x"}"#;
    const NAMES_QR: &str = r#"{"resourceType":"Observation","id":"o1","status":"final","subject":{"reference":"Patient/p1"},"derivedFrom":[{"reference":"QuestionnaireResponse/q1"}],"code":{"coding":[{"system":"https://haven-health.github.io/fhir/CodeSystem/life-event","code":"asylum-refused"}]},"effectiveDateTime":"2026-01-01"}"#;

    #[test]
    fn parts_that_share_an_id_or_a_named_response_disagree() {
        let apart = |a: &[&str], b: &[&str]| {
            let mut all = keys(a);
            all.extend(keys(b));
            all.sort_unstable();
            parts_disagree(&all)
        };
        assert!(!apart(&[P1, NAMES_QR], &[P2]));
        // The same Patient id in two parts.
        assert!(apart(&[P1], &[P1]));
        // An Observation in one part names the response held in the other.
        assert!(apart(&[P1, NAMES_QR], &[P2, QR]));
        // Together in one part, the response is read from the Observation: no key to compare.
        let together = keys(&[P1, P2, NAMES_QR, QR]);
        assert!(
            !together
                .iter()
                .any(|(_, s)| !matches!(s, Shared::Id | Shared::Record))
        );
        assert!(!apart(&[P1, P2, NAMES_QR, QR], &[]));
    }

    #[test]
    fn parts_are_spread_and_stable() {
        let counts = (0..1_000).fold([0; 4], |mut c, i| {
            c[part_of(&format!("pat-{i}"), 4)] += 1;
            c
        });
        assert!(counts.iter().all(|&c| c > 150), "{counts:?}");
        assert_eq!(part_of("pat-1", 7), part_of("pat-1", 7));
    }
}
