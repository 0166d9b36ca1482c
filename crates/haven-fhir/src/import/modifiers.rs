//! Modifier extensions: an extension that changes what the element it sits on means ("not
//! given", "family history, not the patient's own"). FHIR forbids reading past one that is not
//! understood, and Haven understands none, so a resource that Haven would read and that
//! carries one is refused, naming it, rather than read as if it meant what it seems to.

use super::error::{ImportError, ImportErrorKind, Location};
use crate::model::{Extension, Resource};

/// The first modifier extension on `resource` or on one of the elements of it that Haven
/// reads, as an error naming its path and URL.
pub(crate) fn refuse_modifiers(
    location: &Location,
    resource: &Resource,
) -> Result<(), ImportError> {
    let rtype = resource.resource_type();
    let found = match resource {
        Resource::Patient(r) => first(&r.modifier_extension, "")
            .or_else(|| indexed(&r.communication, "communication", |c| &c.modifier_extension)),
        Resource::Practitioner(r) => first(&r.modifier_extension, ""),
        Resource::Observation(r) => first(&r.modifier_extension, "")
            .or_else(|| indexed(&r.component, "component", |c| &c.modifier_extension)),
        Resource::Condition(r) => first(&r.modifier_extension, ""),
        Resource::RiskAssessment(r) => first(&r.modifier_extension, ""),
        Resource::CarePlan(r) => first(&r.modifier_extension, ""),
        Resource::Appointment(r) => first(&r.modifier_extension, "")
            .or_else(|| indexed(&r.participant, "participant", |p| &p.modifier_extension)),
        Resource::Encounter(r) => first(&r.modifier_extension, ""),
        Resource::ServiceRequest(r) => first(&r.modifier_extension, ""),
        Resource::MedicationStatement(r) => first(&r.modifier_extension, ""),
        Resource::Procedure(r) => first(&r.modifier_extension, ""),
        Resource::Flag(r) => first(&r.modifier_extension, ""),
        Resource::QuestionnaireResponse(r) => {
            first(&r.modifier_extension, "").or_else(|| items(&r.item, "item"))
        }
        Resource::Bundle(_)
        | Resource::OperationOutcome(_)
        | Resource::CapabilityStatement(_)
        | Resource::Unread(_) => None,
    };
    match found {
        None => Ok(()),
        Some((path, url)) => Err(ImportError::new(
            ImportErrorKind::Unsupported,
            location,
            format!("{rtype}.{path}"),
            format!(
                "the modifier extension {url:?} changes what this {rtype} means, and Haven does not know it, so the resource cannot be read safely"
            ),
        )),
    }
}

/// `(path, url)` of the first of `extensions`, on the element at `element`. Paths are made
/// only for what is found: resources without modifiers (nearly all) cost no allocation.
fn first(extensions: &[Extension], element: &str) -> Option<(String, String)> {
    extensions.first().map(|e| {
        let at = if element.is_empty() {
            "modifierExtension[0]".to_owned()
        } else {
            format!("{element}.modifierExtension[0]")
        };
        (at, e.url.clone())
    })
}

fn indexed<T>(
    elements: &[T],
    name: &str,
    of: impl Fn(&T) -> &Vec<Extension>,
) -> Option<(String, String)> {
    let at = elements.iter().position(|e| !of(e).is_empty())?;
    first(of(&elements[at]), &format!("{name}[{at}]"))
}

/// QuestionnaireResponse items nest, and so do their answers' items.
fn items(list: &[crate::model::QuestionnaireItem], at: &str) -> Option<(String, String)> {
    list.iter().enumerate().find_map(|(i, item)| {
        let has_any = !item.modifier_extension.is_empty()
            || item.answer.iter().any(|a| !a.modifier_extension.is_empty())
            || !item.item.is_empty();
        if !has_any {
            return None;
        }
        let here = format!("{at}[{i}]");
        first(&item.modifier_extension, &here)
            .or_else(|| {
                indexed(&item.answer, &format!("{here}.answer"), |a| {
                    &a.modifier_extension
                })
            })
            .or_else(|| items(&item.item, &format!("{here}.item")))
    })
}
