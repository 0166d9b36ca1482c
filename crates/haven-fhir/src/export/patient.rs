//! Patient demographics → FHIR `Patient` (UK Core style), plus the country-of-origin
//! `Observation` the mapping table asks for.

use haven_core::record::{Patient, Sex};

use super::{category, concept, subject};
use crate::model::{
    Address, CodeableConcept, Coding, ContactPoint, Extension, HumanName, Identifier, Observation,
    PatientCommunication, Reference,
};
use crate::uris::{self, cs, ext};

pub(super) fn patient(p: &Patient) -> crate::model::Patient {
    let mut extension = Vec::new();
    if let Some(required) = p.interpreter_required {
        extension.push(Extension::boolean(uris::INTERPRETER_REQUIRED, required));
    }
    if let Some(gender) = p.interpreter_gender {
        extension.push(Extension::code(
            uris::extension(ext::INTERPRETER_GENDER),
            code_of(&gender),
        ));
    }
    if let Some(dialect) = &p.dialect {
        extension.push(Extension::string(uris::extension(ext::DIALECT), dialect));
    }
    if let Some(accommodation) = p.accommodation {
        extension.push(Extension::code(
            uris::extension(ext::ACCOMMODATION),
            code_of(&accommodation),
        ));
    }
    if let Some(contacts) = &p.support_contacts {
        extension.push(Extension::string(
            uris::extension(ext::SUPPORT_CONTACTS),
            contacts,
        ));
    }
    let mut identifier = Vec::new();
    if let Some(nhs) = &p.nhs_number {
        identifier.push(Identifier {
            system: Some(uris::NHS_NUMBER.into()),
            value: Some(nhs.as_str().into()),
        });
    }
    if let Some(local) = &p.local_id {
        identifier.push(Identifier {
            system: Some(uris::local_id_system()),
            value: Some(local.clone()),
        });
    }
    let mut name = vec![HumanName {
        use_: Some("official".into()),
        family: non_empty(&p.family_name),
        given: non_empty(&p.given_name).into_iter().collect(),
        ..HumanName::default()
    }];
    if let Some(native) = &p.native_name {
        name.push(HumanName {
            extension: vec![Extension::boolean(uris::extension(ext::NATIVE_NAME), true)],
            use_: Some("usual".into()),
            text: Some(native.clone()),
            ..HumanName::default()
        });
    }
    let mut telecom = Vec::new();
    if let Some(phone) = &p.phone {
        telecom.push(ContactPoint {
            system: Some("phone".into()),
            value: Some(phone.clone()),
        });
    }
    if let Some(email) = &p.email {
        telecom.push(ContactPoint {
            system: Some("email".into()),
            value: Some(email.clone()),
        });
    }
    let language = |tag: &haven_core::LanguageTag, preferred: bool| PatientCommunication {
        modifier_extension: Vec::new(),
        // A language Haven does not know by name goes without a display rather than with
        // a made-up one.
        language: CodeableConcept::of(vec![Coding {
            system: Some(uris::BCP47.into()),
            code: Some(tag.as_str().into()),
            display: tag.language().map(|_| tag.name()),
        }]),
        preferred: Some(preferred),
    };
    let communication = p
        .main_language
        .iter()
        .map(|t| language(t, true))
        .chain(p.other_languages.iter().map(|t| language(t, false)))
        .collect();
    crate::model::Patient {
        contained: Vec::new(),
        modifier_extension: Vec::new(),
        id: Some(p.id.as_str().into()),
        meta: None,
        extension,
        identifier,
        name,
        telecom,
        gender: p.sex.map(|s| gender(s).into()),
        birth_date: p.birth_date.map(|d| d.to_string()),
        address: p
            .address
            .iter()
            .map(|a| Address {
                text: Some(a.clone()),
                ..Address::default()
            })
            .collect(),
        communication,
        general_practitioner: p
            .named_clinician
            .iter()
            .map(|c| Reference::to("Practitioner", c.as_str()))
            .collect(),
        // The practice is not part of the demographics: `to_typed_stored` names it.
        managing_organization: None,
    }
}

pub(super) fn country_of_origin(p: &Patient) -> Option<Observation> {
    let country = p.country_of_origin.as_ref()?;
    Some(Observation {
        id: Some(super::country_id(p.id.as_str())),
        status: "final".into(),
        category: vec![category(
            uris::OBSERVATION_CATEGORY,
            "social-history",
            "Social History",
        )],
        code: concept(vec![uris::haven(
            cs::HAVEN,
            "country-of-origin",
            "Country of origin",
        )]),
        subject: subject(&p.id),
        value_codeable_concept: Some(CodeableConcept::of(vec![Coding {
            system: Some(uris::ISO3166.into()),
            code: Some(country.clone()),
            display: None,
        }])),
        ..Observation::default()
    })
}

pub(crate) fn gender(sex: Sex) -> &'static str {
    match sex {
        Sex::Female => "female",
        Sex::Male => "male",
        Sex::Other => "other",
        Sex::Unknown => "unknown",
    }
}

/// The kebab-case id that Haven's storage also uses for these enums (their serde form).
pub(crate) fn code_of<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}
