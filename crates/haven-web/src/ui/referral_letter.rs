//! The referral letter (`/patients/{id}/referrals/{entry}/letter`, §4, §5, §8): the clinician
//! chooses the relevant history it carries, then prints it — the practice, the clinician, the
//! person, the reason, the interpreter need and the consent statement.
//!
//! What may go is decided in haven-core (`referral_letter::compose`): nothing without the
//! person's consent to share; history only when they agreed to it; sensitive history (disclosed
//! abuse) only when they agreed, the clinician ticked it and confirmed the warning. Sensitive
//! entries are offered only to roles that see them (the record is loaded at the user's
//! visibility). Every printed letter is audited with what it carried.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use haven_core::EntryId;
use haven_core::record::{Entry, EntryStatus, ShareItem};
use haven_core::referral_letter::{Choice, LetterError, compose, is_sensitive, offered};

use super::form::FormErrors;
use super::forms::data::FormData;
use super::layout::Layout;
use super::patient_context::Banner;
use super::referrals::{addressee, context, referral_entry};
use super::summary::{consent_text, interpreter_text, summary};
use super::{page, page_status};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;

/// The settings key of the practice's name and address as letters print them.
pub const LETTERHEAD_KEY: &str = "practice.letterhead";

/// One entry the clinician may choose.
pub struct Offered {
    pub id: String,
    pub date: String,
    pub summary: String,
    pub sensitive: bool,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "referrals/letter_choose.html")]
struct ChoosePage {
    layout: Layout,
    banner: Banner,
    to: String,
    back_href: String,
    has_consent: bool,
    shares_history: bool,
    shares_sensitive: bool,
    offered: Vec<Offered>,
    any_sensitive: bool,
    confirmed: bool,
    errors: FormErrors,
}

/// A line of the letter: a date and what the entry says.
pub struct HistoryLine {
    pub date: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "referrals/letter.html")]
struct LetterPage {
    layout: Layout,
    back_href: String,
    change_href: String,
    practice: String,
    printed: String,
    to: String,
    to_website: String,
    kind: &'static str,
    name: String,
    birth_date: String,
    nhs_number: String,
    contact: Vec<(&'static str, String)>,
    reason: String,
    interpreter: String,
    history: Vec<HistoryLine>,
    sensitive: Vec<HistoryLine>,
    consent: String,
    limits: String,
    clinician: String,
}

fn lines(entries: &[&Entry]) -> Vec<HistoryLine> {
    entries
        .iter()
        .map(|e| HistoryLine {
            date: e.date_text(),
            summary: summary(&e.body),
        })
        .collect()
}

/// Where a refusal shows on the chooser.
fn field_of(error: &LetterError) -> &'static str {
    match error {
        LetterError::NoConsent => "consent",
        LetterError::HistoryNotAgreed | LetterError::NotOffered(_) => "history",
        LetterError::SensitiveNotAgreed | LetterError::SensitiveNotConfirmed => {
            "sensitive_confirmed"
        }
    }
}

pub async fn letter(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, entry_id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let ctx = context(&state, &user, &id).await?;
    let entry = referral_entry(&ctx, &entry_id)?;
    if entry.status != EntryStatus::Active {
        return Err(AppError::NotFound);
    }
    let referral = entry.body.as_referral().ok_or(AppError::NotFound)?;
    let data = FormData::parse(query.unwrap_or_default().as_bytes());
    let choice = Choice {
        entries: data.all("history").into_iter().map(EntryId::from).collect(),
        sensitive_confirmed: data.ticked("sensitive_confirmed"),
    };
    let back_href = super::kinds::referral_href(&id, &entry_id);
    let mut errors = FormErrors::default();
    if data.ticked("print") {
        match compose(&ctx.record, referral, &choice) {
            Ok(letter) => {
                let practice = user.store.setting(LETTERHEAD_KEY).await?;
                user.store
                    .audit_read(
                        &user.actor(),
                        "referral.letter",
                        Some(&id),
                        &format!(
                            "{entry_id}: {} history, {} sensitive, contact details {}",
                            letter.history.len(),
                            letter.sensitive.len(),
                            if letter.contact_details { "yes" } else { "no" }
                        ),
                    )
                    .await?;
                let p = &ctx.record.patient;
                let mut contact = Vec::new();
                if letter.contact_details {
                    for (label, value) in [
                        ("Phone", &p.phone),
                        ("Email", &p.email),
                        ("Address", &p.address),
                    ] {
                        if let Some(v) = value.as_ref().filter(|v| !v.trim().is_empty()) {
                            contact.push((label, v.clone()));
                        }
                    }
                }
                let to_website = match &referral.directory {
                    Some(org) => user
                        .store
                        .organisation(org.as_str())
                        .await
                        .map(|e| e.organisation.website)
                        .unwrap_or_default(),
                    None => String::new(),
                };
                let consent = referral.consent.as_ref().ok_or(AppError::NotFound)?;
                let change_href = format!("{back_href}/letter?{}", query_without_print(&data));
                let page_data = LetterPage {
                    layout: Layout::new(&user, "Referral letter", "/patients"),
                    back_href,
                    change_href,
                    practice: practice.unwrap_or_default(),
                    printed: state.today().to_string(),
                    to: addressee(referral),
                    to_website,
                    kind: referral.kind.label(),
                    name: p.display_name(),
                    birth_date: ctx.banner.birth_date.clone(),
                    nhs_number: ctx.banner.nhs_number.clone(),
                    contact,
                    reason: referral.reason.clone(),
                    interpreter: referral
                        .interpreter
                        .as_ref()
                        .map_or_else(|| "Not needed".to_owned(), interpreter_text),
                    history: lines(&letter.history),
                    sensitive: lines(&letter.sensitive),
                    consent: consent_text(consent),
                    limits: consent.limits.clone(),
                    clinician: user.display_name.clone(),
                };
                return page(&page_data);
            }
            Err(e) => errors.add(field_of(&e), super::forms::fields::sentence(&e.to_string())),
        }
    }
    user.store
        .audit_read(&user.actor(), "referral.view", Some(&id), &entry_id)
        .await?;
    let offered: Vec<Offered> = offered(&ctx.record)
        .into_iter()
        .map(|e| Offered {
            id: e.id.to_string(),
            date: e.date_text(),
            summary: summary(&e.body),
            sensitive: is_sensitive(e),
            checked: choice.entries.contains(&e.id),
        })
        .collect();
    let page_data = ChoosePage {
        layout: Layout::new(&user, "Referral letter", "/patients"),
        to: addressee(referral),
        back_href,
        has_consent: referral.consent.is_some(),
        shares_history: referral.may_share(ShareItem::RelevantHistory),
        shares_sensitive: referral.may_share(ShareItem::SensitiveHistory),
        any_sensitive: offered.iter().any(|o| o.sensitive),
        offered,
        confirmed: choice.sensitive_confirmed,
        banner: ctx.banner,
        errors,
    };
    let status = if page_data.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page_status(status, &page_data)
}

/// The chooser's query for going back to change the choice.
fn query_without_print(data: &FormData) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for id in data.all("history") {
        out.append_pair("history", id);
    }
    if data.ticked("sensitive_confirmed") {
        out.append_pair("sensitive_confirmed", "yes");
    }
    out.finish()
}
