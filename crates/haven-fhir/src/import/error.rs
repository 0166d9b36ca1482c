//! Import errors that say where: the source, the NDJSON line or Bundle entry, the FHIR path
//! inside the resource, and what is wrong — one sentence a person can act on.

use std::fmt;
use std::sync::Arc;

/// Where in a source a resource came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Position {
    /// The whole input (a single resource, or the Bundle itself).
    Document,
    /// An NDJSON line, 1-based.
    Line(usize),
    /// `Bundle.entry[i]`, 0-based as in FHIRPath.
    Entry(usize),
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// The file name (or `stdin`, or a request description) given to [`crate::parse_input`];
    /// shared by every location in that source, since each imported entry keeps one.
    pub source: Arc<str>,
    pub position: Position,
}

impl Location {
    pub fn new(source: &str, position: Position) -> Self {
        Self {
            source: source.into(),
            position,
        }
    }

    /// Another position in the same source.
    pub fn at(&self, position: Position) -> Self {
        Self {
            source: Arc::clone(&self.source),
            position,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)?;
        match self.position {
            Position::Document => Ok(()),
            Position::Line(n) => write!(f, ": line {n}"),
            Position::Entry(i) => write!(f, ": Bundle.entry[{i}]"),
        }
    }
}

/// What kind of problem, so that HTTP can choose a status and an OperationOutcome code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportErrorKind {
    /// Not JSON, or not NDJSON.
    Syntax,
    /// Over a size limit ([`crate::MAX_RESOURCE_BYTES`], [`crate::MAX_DOCUMENT_BYTES`]).
    TooLarge,
    /// A resource type, Bundle type or request method Haven does not take.
    Unsupported,
    /// Valid JSON of the wrong shape (a string where an object belongs, a required element
    /// missing).
    Structure,
    /// A value Haven cannot accept (unknown code, bad NHS number, impossible date).
    Invalid,
    /// A reference that does not resolve.
    Reference,
    /// The same resource or entry id twice.
    Duplicate,
    /// A conditional create whose search found more than one stored patient.
    MultipleMatches,
}

impl ImportErrorKind {
    /// The FHIR issue-type code for an OperationOutcome.
    pub fn issue_code(self) -> &'static str {
        match self {
            Self::Syntax | Self::Structure => "structure",
            Self::TooLarge => "too-long",
            Self::Unsupported => "not-supported",
            Self::Invalid | Self::Reference => "invalid",
            Self::Duplicate => "duplicate",
            Self::MultipleMatches => "multiple-matches",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ImportError {
    pub kind: ImportErrorKind,
    pub location: Location,
    /// FHIRPath-like element path, e.g. `Observation.valueCodeableConcept`; empty when the
    /// problem is the input as a whole.
    pub path: String,
    pub message: String,
}

impl ImportError {
    pub fn new(
        kind: ImportErrorKind,
        location: &Location,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            location: location.clone(),
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.location)?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}
