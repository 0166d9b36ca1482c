//! A ServiceRequest → a referral (MAPPING.md, *referral*): the type from its category, the
//! status from Haven's `referral-status` extension or else FHIR's status, and Haven's
//! additions where present — the status trail, the directory entry, the reason, the
//! interpreter need and the consent to share.

use haven_core::record::{
    ConsentGiver, InterpreterNeed, Referral, ReferralStatus, ReferralStep, ReferralType,
    ShareConsent, ShareItem,
};
use haven_core::{LanguageTag, OrganisationId};

use super::codes::referral_from_key;
use super::entries::entry;
use super::error::ImportError;
use super::patient::serde_code;
use super::refs::{contained, contained_name};
use super::values::{Ctx, ext_path, find, haven_code, notes, verified_keys};
use super::{Mapped, status_of};
use crate::model::{self, Extension};
use crate::uris::{self, cs, ext};

pub(crate) fn service_request(ctx: &Ctx, s: &model::ServiceRequest) -> Result<Mapped, ImportError> {
    let concepts: Vec<&model::CodeableConcept> = s.category.iter().chain(s.code.as_ref()).collect();
    let kind = match haven_code(concepts.iter().copied(), cs::REFERRAL_TYPE) {
        Some(code) => Some(ReferralType::parse(code).ok_or_else(|| {
            ctx.invalid("category", format!("unknown referral-type code {code:?}"))
        })?),
        None => verified_keys(concepts.iter().copied())
            .into_iter()
            .find_map(referral_from_key),
    };
    let Some(kind) = kind else {
        return Ok(Mapped::Skip("not a referral type Haven tracks".into()));
    };
    let from_fhir = |st: &str| match st {
        "draft" => ReferralStatus::Drafted,
        "completed" => ReferralStatus::Completed,
        // `revoked` may be a decline or a referral not taken up; without Haven's extension the
        // safer reading is "not taken up", which keeps the §5 prompt alive.
        "revoked" => ReferralStatus::NotTakenUp,
        _ => ReferralStatus::Sent,
    };
    let status = ctx
        .ext_code(
            &s.extension,
            ext::REFERRAL_STATUS,
            "referral-status",
            ReferralStatus::parse,
        )?
        .unwrap_or_else(|| from_fhir(&s.status));
    let started = ctx.required_date("authoredOn", s.authored_on.as_deref(), "the referral date")?;
    let earlier = steps(ctx, &s.extension)?;
    let date = match find(&s.extension, ext::REFERRAL_STATUS_DATE) {
        Some(e) => ctx.date(
            &ext_path(ext::REFERRAL_STATUS_DATE),
            value_date(ctx, e, ext::REFERRAL_STATUS_DATE)?,
        )?,
        None if earlier.is_empty() => started,
        None => {
            return Err(ctx.missing(
                &ext_path(ext::REFERRAL_STATUS_DATE),
                "the date of the current status, since earlier ones are given",
            ));
        }
    };
    let performer = s.performer.first();
    let body = Referral {
        kind,
        status,
        date,
        organisation: performer
            .and_then(|p| {
                p.display
                    .clone()
                    .or_else(|| contained_name(contained(&s.contained, p.reference.as_deref()?)?))
            })
            .unwrap_or_default(),
        note: notes(&s.note),
        earlier,
        directory: performer
            .and_then(|p| p.identifier.as_ref())
            .filter(|i| i.system.as_deref() == Some(uris::directory_id_system().as_str()))
            .and_then(|i| i.value.as_deref())
            .map(OrganisationId::from),
        reason: s
            .reason_code
            .iter()
            .filter_map(|c| c.text.as_deref())
            .collect::<Vec<_>>()
            .join("\n"),
        interpreter: find(&s.extension, ext::REFERRAL_INTERPRETER)
            .map(|e| interpreter(ctx, e))
            .transpose()?,
        consent: find(&s.extension, ext::CONSENT_TO_SHARE)
            .map(|e| consent(ctx, e))
            .transpose()?,
    };
    entry(
        haven_core::record::EntryBody::Referral(body),
        status_of(&s.status),
        "authoredOn",
    )
}

/// The earlier steps, in the order given (Haven writes them oldest first).
fn steps(ctx: &Ctx, extensions: &[Extension]) -> Result<Vec<ReferralStep>, ImportError> {
    extensions
        .iter()
        .filter(|e| uris::is_extension(&e.url, ext::REFERRAL_STEP))
        .map(|e| {
            let path = ext_path(ext::REFERRAL_STEP);
            let code = part(e, "status")
                .and_then(|p| p.value_code.as_deref())
                .ok_or_else(|| ctx.missing(&format!("{path}.status"), "the step's status"))?;
            let status = ReferralStatus::parse(code).ok_or_else(|| {
                ctx.invalid(&path, format!("unknown referral-status code {code:?}"))
            })?;
            let date = part(e, "date")
                .and_then(|p| p.value_date.as_deref())
                .ok_or_else(|| ctx.missing(&format!("{path}.date"), "the step's date"))?;
            Ok(ReferralStep {
                status,
                date: ctx.date(&path, date)?,
            })
        })
        .collect()
}

fn interpreter(ctx: &Ctx, e: &Extension) -> Result<InterpreterNeed, ImportError> {
    let path = ext_path(ext::REFERRAL_INTERPRETER);
    let code = part(e, "language")
        .and_then(|p| p.value_code.as_deref())
        .ok_or_else(|| ctx.missing(&format!("{path}.language"), "the interpreter's language"))?;
    let language = LanguageTag::parse(code).map_err(|err| ctx.invalid(&path, err.to_string()))?;
    let gender =
        match part(e, "gender").and_then(|p| p.value_code.as_deref()) {
            Some(g) => Some(serde_code(g).ok_or_else(|| {
                ctx.invalid(&path, format!("unknown interpreter-gender code {g:?}"))
            })?),
            None => None,
        };
    Ok(InterpreterNeed {
        language,
        dialect: text(e, "dialect"),
        gender,
    })
}

fn consent(ctx: &Ctx, e: &Extension) -> Result<ShareConsent, ImportError> {
    let path = ext_path(ext::CONSENT_TO_SHARE);
    let code = part(e, "given-by")
        .and_then(|p| p.value_code.as_deref())
        .ok_or_else(|| ctx.missing(&format!("{path}.given-by"), "who gave consent"))?;
    let given_by = ConsentGiver::parse(code)
        .ok_or_else(|| ctx.invalid(&path, format!("unknown consent-given-by code {code:?}")))?;
    let date = part(e, "date")
        .and_then(|p| p.value_date.as_deref())
        .ok_or_else(|| ctx.missing(&format!("{path}.date"), "when consent was given"))?;
    let shares = e
        .extension
        .iter()
        .filter(|p| p.url == "share")
        .map(|p| {
            let code = p.value_code.as_deref().unwrap_or_default();
            ShareItem::parse(code)
                .ok_or_else(|| ctx.invalid(&path, format!("unknown consent-share code {code:?}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ShareConsent {
        given_by,
        name: text(e, "name"),
        date: ctx.date(&path, date)?,
        shares,
        limits: text(e, "limits"),
    })
}

fn value_date<'a>(ctx: &Ctx, e: &'a Extension, name: &str) -> Result<&'a str, ImportError> {
    e.value_date
        .as_deref()
        .ok_or_else(|| ctx.invalid(&ext_path(name), "must be a valueDate"))
}

/// A sub-extension of a complex Haven extension, by its short url.
fn part<'a>(e: &'a Extension, url: &str) -> Option<&'a Extension> {
    e.extension.iter().find(|p| p.url == url)
}

fn text(e: &Extension, url: &str) -> String {
    part(e, url)
        .and_then(|p| p.value_string.clone())
        .unwrap_or_default()
}
