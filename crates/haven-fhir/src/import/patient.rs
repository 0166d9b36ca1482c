//! FHIR `Patient` → Haven demographics, validating through haven-core's parsers (NHS number
//! check digit, BCP-47 tags). Reads the retired UK Core NHSCommunication extension too.

use haven_core::language::{self, LanguageTag};
use haven_core::record::{Patient, Sex};
use haven_core::{NhsNumber, terminology};

use super::error::ImportError;
use super::refs::{Target, contained};
use super::values::{Ctx, ext_string};
use crate::model::{CodeableConcept, Extension};
use crate::uris::{self, ext};

/// The Patient's demographics; what it holds that Haven cannot record is noted in
/// `unrecorded` as (path, reason).
pub(crate) fn patient(
    ctx: &Ctx,
    id: &str,
    p: &crate::model::Patient,
    resolve: &dyn Fn(&str) -> Option<Target>,
    unrecorded: &mut Vec<(String, String)>,
) -> Result<Patient, ImportError> {
    let native_marker = uris::extension(ext::NATIVE_NAME);
    let is_native =
        |n: &crate::model::HumanName| n.extension.iter().any(|e| e.url == native_marker);
    let official = p
        .name
        .iter()
        .find(|n| !is_native(n) && n.use_.as_deref() == Some("official"))
        .or_else(|| p.name.iter().find(|n| !is_native(n)));
    let (mut given, family) = match official {
        Some(n) => (n.given.join(" "), n.family.clone().unwrap_or_default()),
        None => (String::new(), String::new()),
    };
    if given.is_empty()
        && family.is_empty()
        && let Some(text) = official.and_then(|n| n.text.clone())
    {
        given = text;
    }
    let mut out = Patient::new(id.into(), given, family);
    out.native_name = p
        .name
        .iter()
        .find(|n| is_native(n))
        .and_then(|n| n.text.clone());
    out.birth_date = p
        .birth_date
        .as_deref()
        .map(|text| ctx.partial_date("birthDate", text))
        .transpose()?;
    out.sex = match p.gender.as_deref() {
        None => None,
        Some("female") => Some(Sex::Female),
        Some("male") => Some(Sex::Male),
        Some("other") => Some(Sex::Other),
        Some("unknown") => Some(Sex::Unknown),
        Some(other) => {
            return Err(ctx.invalid("gender", format!("unknown administrative gender {other:?}")));
        }
    };
    let local_system = uris::local_id_system();
    for (i, identifier) in p.identifier.iter().enumerate() {
        let Some(value) = identifier.value.as_deref() else {
            continue;
        };
        match identifier.system.as_deref() {
            Some(uris::NHS_NUMBER) => {
                let nhs = NhsNumber::parse(value).map_err(|e| {
                    ctx.invalid(
                        &format!("identifier[{i}].value"),
                        format!("NHS number {value:?}: {e}"),
                    )
                })?;
                out.nhs_number = Some(nhs);
            }
            Some(s) if s == local_system => out.local_id = Some(value.to_owned()),
            _ => {}
        }
    }
    out.phone = p
        .telecom
        .iter()
        .find(|t| t.system.as_deref() == Some("phone"))
        .and_then(|t| t.value.clone());
    out.email = p
        .telecom
        .iter()
        .find(|t| t.system.as_deref() == Some("email"))
        .and_then(|t| t.value.clone());
    out.address = p.address.first().and_then(|a| {
        a.text.clone().or_else(|| {
            let parts: Vec<&str> = a
                .line
                .iter()
                .map(String::as_str)
                .chain(a.city.as_deref())
                .chain(a.postal_code.as_deref())
                .collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        })
    });
    languages(ctx, p, &mut out, unrecorded)?;
    interpreter(ctx, &p.extension, &mut out)?;
    out.dialect = ext_string(&p.extension, ext::DIALECT);
    out.support_contacts = ext_string(&p.extension, ext::SUPPORT_CONTACTS);
    out.interpreter_gender = ctx.ext_code(
        &p.extension,
        ext::INTERPRETER_GENDER,
        "interpreter-gender",
        serde_code,
    )?;
    out.accommodation = ctx.ext_code(
        &p.extension,
        ext::ACCOMMODATION,
        "accommodation",
        serde_code,
    )?;
    for (i, gp) in p.general_practitioner.iter().enumerate() {
        let Some(reference) = gp.reference.as_deref() else {
            continue;
        };
        if reference.starts_with('#') {
            // A practice or clinician held inside the Patient: its id is the other system's,
            // never a Haven user, so it names no lead clinician here.
            if contained(&p.contained, reference).is_none() {
                return Err(ctx.invalid(
                    &format!("generalPractitioner[{i}]"),
                    format!("{reference:?} names no resource in Patient.contained"),
                ));
            }
            continue;
        }
        match resolve(reference) {
            Some(t) if t.resource_type == "Practitioner" => {
                out.named_clinician = Some(t.id.as_str().into());
                break;
            }
            // The GP practice (an Organization) is not a named clinician.
            Some(_) => {}
            None => {
                return Err(ctx.invalid(
                    &format!("generalPractitioner[{i}]"),
                    format!("reference {reference:?} does not resolve"),
                ));
            }
        }
    }
    Ok(out)
}

/// `communication[]`: the first `preferred: true` is the main language; if none is marked,
/// the first without an explicit `preferred: false` is. Falls back to the retired UK Core
/// NHSCommunication extension when there is no `communication`. A language Haven cannot
/// record keeps its place (an unknown main language is not replaced by another) and is
/// noted in `unrecorded`.
fn languages(
    ctx: &Ctx,
    p: &crate::model::Patient,
    out: &mut Patient,
    unrecorded: &mut Vec<(String, String)>,
) -> Result<(), ImportError> {
    let mut tags = Vec::new();
    for (i, c) in p.communication.iter().enumerate() {
        let path = format!("communication[{i}].language");
        tags.push((
            language_tag(ctx, &path, &c.language, unrecorded)?,
            c.preferred,
        ));
    }
    if tags.is_empty() {
        for e in uk_core_communication(&p.extension) {
            if let Some(cc) = e
                .extension
                .iter()
                .find(|s| s.url == "language")
                .and_then(|s| s.value_codeable_concept.as_ref())
            {
                let preferred = e
                    .extension
                    .iter()
                    .find(|s| s.url == "preferred")
                    .and_then(|s| s.value_boolean);
                let path = "extension(Extension-UKCore-NHSCommunication).language";
                tags.push((language_tag(ctx, path, cc, unrecorded)?, preferred));
            }
        }
    }
    let main = tags
        .iter()
        .position(|(_, p)| *p == Some(true))
        .or_else(|| tags.iter().position(|(_, p)| p.is_none()));
    for (i, (tag, _)) in tags.into_iter().enumerate() {
        if Some(i) == main {
            out.main_language = tag;
        } else if let Some(tag) = tag {
            out.other_languages.push(tag);
        }
    }
    Ok(())
}

/// What a language concept says, read in turn from: a BCP-47 coding (or one without a
/// system), the UK Core human-language codes, ISO 639 codes, SNOMED CT "main spoken language"
/// concepts, and finally the names in a display or the text ("Tigrinya", "Farsi"). `None`,
/// noted, when none of them names a language Haven can record; an invalid BCP-47 code is an
/// error.
fn language_tag(
    ctx: &Ctx,
    path: &str,
    cc: &CodeableConcept,
    unrecorded: &mut Vec<(String, String)>,
) -> Result<Option<LanguageTag>, ImportError> {
    let coded = |pick: &dyn Fn(&str, &str) -> Option<LanguageTag>| {
        cc.coding.iter().find_map(|c| {
            let code = c.code.as_deref()?;
            pick(c.system.as_deref().unwrap_or(uris::BCP47), code)
        })
    };
    if let Some(code) = cc
        .coding
        .iter()
        .filter(|c| c.system.as_deref().is_none_or(|s| s == uris::BCP47))
        .find_map(|c| c.code.as_deref())
    {
        return LanguageTag::parse(code)
            .map(Some)
            .map_err(|e| ctx.invalid(path, e.to_string()));
    }
    let found = coded(&|system, code| {
        if uris::is_uk_human_language(system) {
            uk_human_language(code)
        } else if uris::is_iso639(system) {
            language::by_iso639(code).map(language::Language::tag)
        } else {
            let key = terminology::lookup(system, code)?.key;
            LanguageTag::parse(key.strip_prefix("language.main.")?).ok()
        }
    })
    .or_else(|| {
        cc.coding
            .iter()
            .filter_map(|c| c.display.as_deref())
            .chain(cc.text.as_deref())
            .find_map(language::by_name)
            .map(language::Language::tag)
    });
    if found.is_none() {
        let given = cc
            .text
            .as_deref()
            .or_else(|| cc.coding.iter().find_map(|c| c.display.as_deref()))
            .or_else(|| cc.coding.iter().find_map(|c| c.code.as_deref()))
            .unwrap_or("(nothing)");
        unrecorded.push((
            ctx.path(path),
            format!("{given:?} is not a language Haven can record; it was left out"),
        ));
    }
    Ok(found)
}

/// A UK Core human-language code: ISO 639-1 (the same as BCP-47), or one of its own `q`
/// codes, of which the sign languages have BCP-47 tags and Braille and Makaton have none.
fn uk_human_language(code: &str) -> Option<LanguageTag> {
    match code {
        "q2" => LanguageTag::parse("ase").ok(),
        "q3" => LanguageTag::parse("asf").ok(),
        "q4" => LanguageTag::parse("bfi").ok(),
        c if c.len() == 2 => LanguageTag::parse(c).ok(),
        _ => None,
    }
}

fn uk_core_communication(extensions: &[Extension]) -> impl Iterator<Item = &Extension> {
    extensions.iter().filter(|e| {
        e.url == uris::UKCORE_NHS_COMMUNICATION
            || e.url.ends_with("/Extension-UKCore-NHSCommunication")
    })
}

fn interpreter(ctx: &Ctx, extensions: &[Extension], out: &mut Patient) -> Result<(), ImportError> {
    if let Some(e) = extensions
        .iter()
        .find(|e| e.url == uris::INTERPRETER_REQUIRED)
    {
        let value = e.value_boolean.ok_or_else(|| {
            ctx.invalid(
                "extension(patient-interpreterRequired)",
                "must be a valueBoolean",
            )
        })?;
        out.interpreter_required = Some(value);
        return Ok(());
    }
    // Retired UK Core: any language marked interpreterRequired means an interpreter is needed.
    let flags: Vec<bool> = uk_core_communication(extensions)
        .flat_map(|e| e.extension.iter())
        .filter(|s| s.url == "interpreterRequired")
        .filter_map(|s| s.value_boolean)
        .collect();
    if !flags.is_empty() {
        out.interpreter_required = Some(flags.contains(&true));
    }
    Ok(())
}

/// Parses a kebab-case code into a haven-core enum through its serde form, which is also its
/// storage form.
pub(crate) fn serde_code<T: serde::de::DeserializeOwned>(code: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::error::{Location, Position};
    use serde_json::json;

    fn read(value: serde_json::Value) -> Result<Patient, String> {
        let p: crate::model::Patient = serde_json::from_value(value).expect("shape");
        let location = Location::new("t", Position::Document);
        let ctx = Ctx::new(&location, "Patient");
        let mut unrecorded = Vec::new();
        patient(
            &ctx,
            "p1",
            &p,
            &|r| {
                r.strip_prefix("Practitioner/").map(|id| Target {
                    resource_type: "Practitioner".into(),
                    id: id.into(),
                })
            },
            &mut unrecorded,
        )
        .map_err(|e| e.to_string())
    }

    #[test]
    fn reads_retired_uk_core_communication() {
        let p = read(json!({"extension": [{
            "url": "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSCommunication",
            "extension": [
                {"url": "language", "valueCodeableConcept": {"coding": [{"system": "urn:ietf:bcp:47", "code": "ti"}]}},
                {"url": "preferred", "valueBoolean": true},
                {"url": "interpreterRequired", "valueBoolean": true}
            ]}]}))
        .expect("patient");
        assert_eq!(p.interpreter_required, Some(true));
        assert_eq!(p.main_language.map(|l| l.to_string()), Some("ti".into()));
    }

    #[test]
    fn refuses_a_bad_nhs_number_and_language_naming_the_field() {
        let err = read(json!({"identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9000000008"}]})).expect_err("nhs");
        assert!(
            err.starts_with(
                "t: Patient.identifier[0].value: NHS number \"9000000008\": the check digit"
            ),
            "{err}"
        );
        let err = read(json!({"communication": [{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "arabic"}]}}]})).expect_err("lang");
        assert!(
            err.starts_with("t: Patient.communication[0].language: \"arabic\" is not a BCP-47"),
            "{err}"
        );
    }

    #[test]
    fn main_language_is_the_preferred_one_or_the_first_unmarked() {
        let lang = |code: &str, preferred: Option<bool>| match preferred {
            Some(p) => {
                json!({"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": code}]}, "preferred": p})
            }
            None => json!({"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": code}]}}),
        };
        let p = read(
            json!({"communication": [lang("fr", Some(false)), lang("ar", None), lang("en", None)]}),
        )
        .expect("p");
        assert_eq!(p.main_language.map(|l| l.to_string()), Some("ar".into()));
        assert_eq!(p.other_languages.len(), 2);
        let p = read(json!({"communication": [lang("fr", Some(false))]})).expect("p");
        assert_eq!(p.main_language, None);
    }
}
