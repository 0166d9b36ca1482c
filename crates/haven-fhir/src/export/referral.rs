//! A referral as a ServiceRequest (MAPPING.md, *referral*): the shared mapping's category,
//! date and status, and Haven's additions — the status trail, the directory entry, the reason,
//! the interpreter need and the consent to share. Each addition is written only when the
//! referral has it, so a referral without them exports exactly as before they existed.

use haven_core::PatientId;
use haven_core::record::{
    Entry, InterpreterNeed, Referral, ReferralStatus, ReferralStep, ShareConsent,
};
use haven_core::terminology;

use super::patient::code_of;
use super::{concept, meta, note, status, subject};
use crate::model::{CodeableConcept, Coding, Extension, Identifier, Reference, ServiceRequest};
use crate::uris::{self, cs, ext};

/// FHIR's request status for Haven's referral status. `revoked` covers the person declining,
/// not taking it up and the service declining; the `referral-status` extension keeps which.
pub(crate) fn fhir_status(status: ReferralStatus) -> &'static str {
    match status {
        ReferralStatus::Drafted => "draft",
        ReferralStatus::Sent | ReferralStatus::Accepted => "active",
        ReferralStatus::Seen | ReferralStatus::Completed => "completed",
        ReferralStatus::Declined | ReferralStatus::NotTakenUp | ReferralStatus::ServiceDeclined => {
            "revoked"
        }
    }
}

pub(super) fn service_request(
    id: Option<String>,
    patient: &PatientId,
    e: &Entry,
    r: &Referral,
) -> ServiceRequest {
    let mut coding: Vec<Coding> = r
        .kind
        .snomed_key()
        .map(|k| uris::verified(terminology::by_key(k)))
        .into_iter()
        .collect();
    coding.push(uris::haven(cs::REFERRAL_TYPE, r.kind.id(), r.kind.label()));
    ServiceRequest {
        contained: Vec::new(),
        modifier_extension: Vec::new(),
        id,
        meta: meta(e),
        extension: extensions(r),
        status: status(e, fhir_status(r.status)),
        intent: "order".into(),
        category: vec![concept(coding)],
        code: None,
        subject: subject(patient),
        authored_on: Some(r.started().to_string()),
        performer: performer(r),
        reason_code: if r.reason.is_empty() {
            Vec::new()
        } else {
            vec![CodeableConcept {
                coding: Vec::new(),
                text: Some(r.reason.clone()),
            }]
        },
        note: note(&r.note),
    }
}

/// The service: its name as referred, and the directory entry it was chosen from.
fn performer(r: &Referral) -> Vec<Reference> {
    if r.organisation.is_empty() && r.directory.is_none() {
        return Vec::new();
    }
    vec![Reference {
        reference: None,
        identifier: r.directory.as_ref().map(|id| Identifier {
            system: Some(uris::directory_id_system()),
            value: Some(id.as_str().to_owned()),
        }),
        display: (!r.organisation.is_empty()).then(|| r.organisation.clone()),
    }]
}

fn extensions(r: &Referral) -> Vec<Extension> {
    let mut out = vec![Extension::code(
        uris::extension(ext::REFERRAL_STATUS),
        r.status.id(),
    )];
    if !r.earlier.is_empty() {
        out.push(Extension::date(
            uris::extension(ext::REFERRAL_STATUS_DATE),
            r.date.to_string(),
        ));
        out.extend(r.earlier.iter().map(step));
    }
    out.extend(r.interpreter.as_ref().map(interpreter));
    out.extend(r.consent.as_ref().map(consent));
    out
}

fn step(s: &ReferralStep) -> Extension {
    Extension::complex(
        uris::extension(ext::REFERRAL_STEP),
        vec![
            Extension::code("status", s.status.id()),
            Extension::date("date", s.date.to_string()),
        ],
    )
}

fn interpreter(need: &InterpreterNeed) -> Extension {
    let mut parts = vec![Extension::code("language", need.language.as_str())];
    if !need.dialect.is_empty() {
        parts.push(Extension::string("dialect", &need.dialect));
    }
    parts.extend(need.gender.map(|g| Extension::code("gender", code_of(&g))));
    Extension::complex(uris::extension(ext::REFERRAL_INTERPRETER), parts)
}

fn consent(c: &ShareConsent) -> Extension {
    let mut parts = vec![Extension::code("given-by", c.given_by.id())];
    if !c.name.is_empty() {
        parts.push(Extension::string("name", &c.name));
    }
    parts.push(Extension::date("date", c.date.to_string()));
    parts.extend(c.shares.iter().map(|s| Extension::code("share", s.id())));
    if !c.limits.is_empty() {
        parts.push(Extension::string("limits", &c.limits));
    }
    Extension::complex(uris::extension(ext::CONSENT_TO_SHARE), parts)
}
