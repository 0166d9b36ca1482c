//! A named clinician as a FHIR Practitioner (UK Core), so that a Patient's
//! `generalPractitioner` (`Practitioner/<user id>`) resolves. Practitioners are not in any
//! patient's compartment: they are not part of a record, and are made from what Haven knows of
//! its users.

use serde::Serialize;
use serde_json::Value;

use super::{StoredVersion, instant};
use crate::model::{HumanName, Identifier, Meta};
use crate::uris;

/// What Haven knows of a clinician who is, or may be, named as a patient's lead clinician.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clinician {
    /// The Haven user id (or, for a clinician another system named who is not a Haven user,
    /// that system's id as it was imported).
    pub id: String,
    /// The name Haven shows for them; `None` when they are not a Haven user.
    pub name: Option<String>,
    pub active: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Practitioner {
    id: String,
    meta: Meta,
    identifier: Vec<Identifier>,
    active: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    name: Vec<HumanName>,
}

/// The Practitioner for `clinician`, as stored at `stored`.
pub fn practitioner(clinician: &Clinician, stored: StoredVersion) -> Value {
    let resource = Practitioner {
        id: clinician.id.clone(),
        meta: Meta {
            version_id: Some(stored.version.to_string()),
            last_updated: Some(instant(stored.at)),
            profile: vec![uris::UKCORE_PRACTITIONER.into()],
            ..Meta::default()
        },
        identifier: vec![Identifier {
            system: Some(uris::user_id_system()),
            value: Some(clinician.id.clone()),
        }],
        active: clinician.active,
        name: clinician
            .name
            .iter()
            .map(|text| HumanName {
                text: Some(text.clone()),
                ..HumanName::default()
            })
            .collect(),
    };
    let mut value = serde_json::to_value(&resource).expect("FHIR model types always serialise");
    if let Value::Object(map) = &mut value {
        map.insert("resourceType".into(), Value::String("Practitioner".into()));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_clinician_is_a_uk_core_practitioner_named_by_their_haven_id() {
        let stored = StoredVersion {
            version: 2,
            at: datetime!(2026-11-30 09:00 UTC),
        };
        let lee = Clinician {
            id: "dr.lee".into(),
            name: Some("Dr Min Lee".into()),
            active: true,
        };
        let value = practitioner(&lee, stored);
        assert_eq!(value["resourceType"], "Practitioner");
        assert_eq!(value["id"], "dr.lee");
        assert_eq!(value["meta"]["versionId"], "2");
        assert_eq!(value["meta"]["lastUpdated"], "2026-11-30T09:00:00Z");
        assert_eq!(value["meta"]["profile"][0], uris::UKCORE_PRACTITIONER);
        assert_eq!(value["identifier"][0]["system"], uris::user_id_system());
        assert_eq!(value["identifier"][0]["value"], "dr.lee");
        assert_eq!(value["name"][0]["text"], "Dr Min Lee");
        let unknown = Clinician {
            id: "ehr-gp-9".into(),
            name: None,
            active: true,
        };
        assert!(practitioner(&unknown, stored).get("name").is_none());
    }
}
