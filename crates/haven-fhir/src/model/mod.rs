//! Precise serde types for the small FHIR R4 subset Haven exchanges — not a general FHIR
//! model (see `shared/conventions.md`, "Known traps"). [`Resource`] is the tagged union; it is
//! read from JSON one resource at a time so that a structural error names its field path.

mod clinical;
mod datatypes;
mod infra;
mod unread;

pub use clinical::*;
pub use datatypes::*;
pub use infra::*;
pub use unread::{R4_RESOURCE_TYPES, Unread, r4_type};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A structural problem in one resource: the FHIRPath-like location and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShapeError {
    pub path: String,
    pub message: String,
}

/// Why JSON text is not a resource Haven reads.
#[derive(Debug)]
pub enum JsonError {
    Syntax(serde_json::Error),
    Shape(ShapeError),
}

/// Just the `resourceType` of a resource, every other member skipped unparsed.
#[derive(serde::Deserialize)]
struct Tag<'a> {
    #[serde(rename = "resourceType", borrow, default)]
    resource_type: Option<std::borrow::Cow<'a, str>>,
}

macro_rules! resources {
    ($($variant:ident),+ $(,)?) => {
        /// One FHIR resource: of a type Haven reads, or of another R4 type, kept only to be
        /// counted and skipped ([`Unread`]).
        #[derive(Clone, Debug, PartialEq)]
        pub enum Resource {
            $($variant(Box<$variant>),)+
            Unread(Box<Unread>),
        }

        /// Every `resourceType` Haven reads.
        pub const RESOURCE_TYPES: &[&str] = &[$(stringify!($variant),)+];

        impl Resource {
            pub fn resource_type(&self) -> &'static str {
                match self {
                    $(Resource::$variant(_) => stringify!($variant),)+
                    Resource::Unread(r) => r.resource_type,
                }
            }

            /// The JSON form, with `resourceType` (of an unread resource, only its type and id).
            pub fn to_value(&self) -> Value {
                match self {
                    $(Resource::$variant(r) => with_type(stringify!($variant), r.as_ref()),)+
                    Resource::Unread(r) => {
                        let mut map = serde_json::Map::new();
                        map.insert("resourceType".into(), Value::String(r.resource_type.into()));
                        if let Some(id) = &r.id {
                            map.insert("id".into(), Value::String(id.clone()));
                        }
                        Value::Object(map)
                    }
                }
            }

            /// Reads one resource straight from its JSON text: typed parsing with no tree of
            /// values in between (several times faster on bulk input). Only input that fails
            /// is read again through [`Resource::from_value`], so that the error names the
            /// field path exactly as it would have.
            pub fn from_json(bytes: &[u8]) -> Result<Resource, JsonError> {
                // Most writers (Haven's own export among them) put `resourceType` first: then
                // one pass reads the type and hands the rest of the object to it. Text checked
                // as UTF-8 once, whole, is read a third faster than bytes checked string by
                // string; text that is not UTF-8 is left to the slow path to name.
                if type_first(bytes)
                    && let Ok(text) = std::str::from_utf8(bytes)
                {
                    let mut de = serde_json::Deserializer::from_str(text);
                    if let Ok(Some(resource)) = serde::Deserializer::deserialize_map(&mut de, TypeFirst)
                        && de.end().is_ok()
                    {
                        return Ok(resource);
                    }
                }
                if let Ok(Tag { resource_type: Some(kind) }) = serde_json::from_slice::<Tag>(bytes) {
                    let fast = match kind.as_ref() {
                        $(stringify!($variant) => serde_json::from_slice::<$variant>(bytes)
                            .ok()
                            .map(|r| Resource::$variant(Box::new(r))),)+
                        other => r4_type(other).and_then(|resource_type| {
                            serde_json::from_slice::<unread::IdOnly>(bytes).ok().map(|r| {
                                Resource::Unread(Box::new(Unread { resource_type, id: r.id }))
                            })
                        }),
                    };
                    if let Some(resource) = fast {
                        return Ok(resource);
                    }
                }
                let value: Value = serde_json::from_slice(bytes).map_err(JsonError::Syntax)?;
                Resource::from_value(value).map_err(JsonError::Shape)
            }

            /// Reads one resource. Errors name the path inside it, e.g.
            /// `Observation.code.coding[0].system`.
            pub fn from_value(value: Value) -> Result<Resource, ShapeError> {
                let kind = match value.get("resourceType") {
                    Some(Value::String(s)) => s.clone(),
                    Some(_) => return Err(ShapeError { path: "resourceType".into(), message: "must be a string".into() }),
                    None if value.is_object() => return Err(ShapeError { path: "resourceType".into(), message: "missing: this is not a FHIR resource".into() }),
                    None => return Err(ShapeError { path: String::new(), message: "a FHIR resource must be a JSON object".into() }),
                };
                match kind.as_str() {
                    $(stringify!($variant) => typed::<$variant>(stringify!($variant), value).map(|r| Resource::$variant(Box::new(r))),)+
                    other => match r4_type(other) {
                        // Only counted and skipped: an id that is not a string is no concern.
                        Some(resource_type) => Ok(Resource::Unread(Box::new(Unread {
                            resource_type,
                            id: value.get("id").and_then(Value::as_str).map(str::to_owned),
                        }))),
                        None => Err(ShapeError {
                            path: "resourceType".into(),
                            message: format!("unknown resource type {other:?}: not a FHIR R4 resource type"),
                        }),
                    },
                }
            }
        }

        /// Reads an object whose first member is `resourceType`; `None` (or an error, which
        /// the caller treats alike) for any other object.
        pub(crate) struct TypeFirst;

        impl<'de> serde::de::Visitor<'de> for TypeFirst {
            type Value = Option<Resource>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a FHIR resource")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                if map.next_key::<&str>()? != Some("resourceType") {
                    return Ok(None);
                }
                let kind: &str = map.next_value()?;
                Resource::read_rest(kind, map)
            }
        }

        impl Resource {
            /// Reads the members after `resourceType` as a resource of type `kind`; `None`
            /// for a type that is not an R4 resource type.
            pub(crate) fn read_rest<'de, A: serde::de::MapAccess<'de>>(kind: &str, map: A) -> Result<Option<Resource>, A::Error> {
                Ok(match kind {
                    $(stringify!($variant) => {
                        let rest = serde::de::value::MapAccessDeserializer::new(map);
                        Some(Resource::$variant(Box::new(<$variant as serde::Deserialize>::deserialize(rest)?)))
                    })+
                    other => match r4_type(other) {
                        Some(resource_type) => Some(Resource::Unread(Box::new(Unread::read_rest(resource_type, map)?))),
                        None => None,
                    },
                })
            }
        }

        $(impl From<$variant> for Resource {
            fn from(r: $variant) -> Self { Resource::$variant(Box::new(r)) }
        })+
    };
}

resources!(
    Patient,
    Practitioner,
    Observation,
    Condition,
    RiskAssessment,
    CarePlan,
    Appointment,
    Encounter,
    ServiceRequest,
    MedicationStatement,
    Procedure,
    Flag,
    QuestionnaireResponse,
    Bundle,
    OperationOutcome,
    CapabilityStatement,
);

/// Whether JSON text is an object whose first member is `resourceType`, by its first bytes
/// (so that other input goes straight to the skim, without a failed attempt first).
fn type_first(bytes: &[u8]) -> bool {
    bytes
        .trim_ascii_start()
        .strip_prefix(b"{")
        .is_some_and(|rest| rest.trim_ascii_start().starts_with(b"\"resourceType\""))
}

fn with_type<T: Serialize>(resource_type: &str, resource: &T) -> Value {
    // These types have only string keys and plain values: serialising cannot fail.
    let mut value = serde_json::to_value(resource).expect("FHIR model types always serialise");
    if let Value::Object(map) = &mut value {
        map.insert("resourceType".into(), Value::String(resource_type.into()));
    }
    value
}

fn typed<T: DeserializeOwned>(resource_type: &str, value: Value) -> Result<T, ShapeError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let inner = e.path().to_string();
        let path = if inner == "." || inner.is_empty() {
            resource_type.to_owned()
        } else {
            format!("{resource_type}.{inner}")
        };
        ShapeError {
            path,
            message: e.into_inner().to_string(),
        }
    })
}

impl Resource {
    /// The logical id, where the resource has one.
    pub fn id(&self) -> Option<&str> {
        match self {
            Resource::Patient(r) => r.id.as_deref(),
            Resource::Practitioner(r) => r.id.as_deref(),
            Resource::Observation(r) => r.id.as_deref(),
            Resource::Condition(r) => r.id.as_deref(),
            Resource::RiskAssessment(r) => r.id.as_deref(),
            Resource::CarePlan(r) => r.id.as_deref(),
            Resource::Appointment(r) => r.id.as_deref(),
            Resource::Encounter(r) => r.id.as_deref(),
            Resource::ServiceRequest(r) => r.id.as_deref(),
            Resource::MedicationStatement(r) => r.id.as_deref(),
            Resource::Procedure(r) => r.id.as_deref(),
            Resource::Flag(r) => r.id.as_deref(),
            Resource::QuestionnaireResponse(r) => r.id.as_deref(),
            Resource::Bundle(r) => r.id.as_deref(),
            Resource::OperationOutcome(r) => r.id.as_deref(),
            Resource::CapabilityStatement(_) => None,
            Resource::Unread(r) => r.id.as_deref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_fields_are_tolerated_and_types_checked_with_a_path() {
        let ok = Resource::from_value(json!({
            "resourceType": "Observation", "status": "final", "code": {"text": "x"},
            "somethingNew": [1, 2], "_status": {"extension": []}
        }));
        assert!(matches!(ok, Ok(Resource::Observation(_))), "{ok:?}");
        let bad = Resource::from_value(json!({
            "resourceType": "Observation", "status": "final",
            "code": {"coding": [{"system": 7}]}
        }));
        assert_eq!(
            bad.map_err(|e| e.path),
            Err("Observation.code.coding[0].system".to_owned())
        );
    }

    #[test]
    fn json_text_reads_as_the_value_path_does_and_fails_with_the_same_path() {
        let text =
            r#"{"status":"final","code":{"text":"x"},"resourceType":"Observation","new":[1]}"#;
        let value: Value = serde_json::from_str(text).expect("json");
        assert_eq!(
            Resource::from_json(text.as_bytes()).expect("fast"),
            Resource::from_value(value).expect("tree")
        );
        // Broken with the type first (read in one pass) or later (skimmed for): the same path.
        for bad in [
            r#"{"resourceType":"Observation","status":"final","code":{"coding":[{"system":7}]}}"#,
            r#"{"status":"final","code":{"coding":[{"system":7}]},"resourceType":"Observation"}"#,
        ] {
            match Resource::from_json(bad.as_bytes()) {
                Err(JsonError::Shape(e)) => {
                    assert_eq!(e.path, "Observation.code.coding[0].system")
                }
                other => panic!("{other:?}"),
            }
        }
        assert!(matches!(
            Resource::from_json(br#"{"resourceType":"Foo"}"#),
            Err(JsonError::Shape(e)) if e.message.contains("unknown resource type")
        ));
        // With the type first the same resource as with it later.
        let first =
            r#"{"resourceType":"Observation","status":"final","code":{"text":"x"},"new":[1]}"#;
        assert_eq!(
            Resource::from_json(first.as_bytes()).expect("type first"),
            Resource::from_json(text.as_bytes()).expect("type later")
        );
        assert!(matches!(
            Resource::from_json(br#"{"resourceType":"Patient","id":"p"} trailing"#),
            Err(JsonError::Syntax(_))
        ));
        assert!(matches!(
            Resource::from_json(b"{\"resourceType\":"),
            Err(JsonError::Syntax(_))
        ));
    }

    #[test]
    fn unknown_resource_types_are_named() {
        let err = Resource::from_value(json!({"resourceType": "Foo"})).expect_err("unknown");
        assert!(
            err.message.contains("unknown resource type \"Foo\""),
            "{}",
            err.message
        );
        assert!(Resource::from_value(json!([1])).is_err());
    }

    /// An R4 type Haven does not read comes back as its type and id, whichever way it is
    /// read; a name that is no R4 type is refused on every path.
    #[test]
    fn other_r4_types_are_read_as_type_and_id_only() {
        let unread = Resource::Unread(Box::new(Unread {
            resource_type: "AllergyIntolerance",
            id: Some("a1".into()),
        }));
        for text in [
            r#"{"resourceType":"AllergyIntolerance","id":"a1","code":{"text":"penicillin"},"patient":{"reference":"Patient/p1"}}"#,
            r#"{"code":{"text":"penicillin"},"id":"a1","resourceType":"AllergyIntolerance"}"#,
        ] {
            assert_eq!(Resource::from_json(text.as_bytes()).expect("read"), unread);
            let value: Value = serde_json::from_str(text).expect("json");
            assert_eq!(Resource::from_value(value).expect("tree"), unread);
        }
        assert_eq!(unread.resource_type(), "AllergyIntolerance");
        assert_eq!(unread.id(), Some("a1"));
        assert_eq!(
            unread.to_value(),
            json!({"resourceType": "AllergyIntolerance", "id": "a1"})
        );
        for text in [
            r#"{"resourceType":"Pateint","id":"p"}"#,
            r#"{"id":"p","resourceType":"Pateint"}"#,
        ] {
            assert!(matches!(
                Resource::from_json(text.as_bytes()),
                Err(JsonError::Shape(e)) if e.message.contains("not a FHIR R4 resource type")
            ));
        }
    }

    #[test]
    fn serialising_adds_the_resource_type() {
        let r = Resource::from(Flag {
            status: "active".into(),
            ..Flag::default()
        });
        assert_eq!(r.to_value()["resourceType"], "Flag");
    }
}
