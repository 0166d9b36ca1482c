//! A patient's referrals (§4, §5, §8), clinical roles only:
//!
//! - `/patients/{id}/referrals`: every referral with its status and how long it has waited;
//! - `/patients/{id}/referrals/choose`: the directory searched for this person (narrowed to
//!   the help an action asks for with `?for=<rule>`), each entry with a "Refer" link;
//! - `/patients/{id}/referrals/new?org=…`: the referral form started from a directory entry
//!   (it posts to the entry form of `ui::entry_form`, which comes back to the referral's page);
//! - `/patients/{id}/referrals/{entry}`: one referral — its statuses with their dates, the
//!   short form for the next status (`…/status`), the consent to share (`…/consent`), and the
//!   letter (`ui::referral_letter`).
//!
//! A status or consent saved here is an amendment of the referral entry with a reason Haven
//! writes ("Sent on 2026-11-28"); the trail keeps every earlier status. Core refuses a referral
//! going out without consent (`validate_change`), and the message shows beside the status.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use haven_core::directory::{HelpKind, help_for};
use haven_core::record::{
    ConsentGiver, Entry, EntryBody, EntryKind, EntryStatus, Referral, ReferralStatus, ShareConsent,
    ShareItem, validate_change, validate_entry,
};
use haven_core::rules::RuleId;
use haven_store::StoreError;
use serde::Deserialize;

use super::directory_view::{OrgView, SearchForm, SearchQuery, found, organisation_href};
use super::entry_form::new_page;
use super::form::{Choice, FormErrors, choices};
use super::forms::care::REFERRAL;
use super::forms::data::{FormData, date_value};
use super::forms::fields::{FieldView, sentence, views};
use super::kinds::{choose_service_href, referral_href, referrals_href};
use super::layout::Layout;
use super::patient_context::{Banner, PatientContext};
use super::summary::{consent_text, interpreter_text};
use super::{amend_href, encode_query, entry_href, page, page_status, see_other};
use crate::AppState;
use crate::auth::{CLINICAL_ROLES, CurrentUser};
use crate::error::AppError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/patients/{id}/referrals", get(list))
        .route("/patients/{id}/referrals/choose", get(choose))
        .route("/patients/{id}/referrals/new", get(new_from_directory))
        .route("/patients/{id}/referrals/{entry}", get(show))
        .route(
            "/patients/{id}/referrals/{entry}/status",
            post(change_status),
        )
        .route(
            "/patients/{id}/referrals/{entry}/consent",
            post(record_consent),
        )
        .route(
            "/patients/{id}/referrals/{entry}/letter",
            get(super::referral_letter::letter),
        )
}

/// Clinical roles that may record referrals; a patient-level page's context.
pub async fn context(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<PatientContext, AppError> {
    user.require(CLINICAL_ROLES)?;
    if !user.may_record(EntryKind::Referral) {
        return Err(AppError::Forbidden);
    }
    PatientContext::load(state, user, id).await
}

/// The referral `entry` of the patient in `ctx`, as currently recorded.
pub fn referral_entry(ctx: &PatientContext, entry: &str) -> Result<Entry, AppError> {
    ctx.record
        .entries
        .iter()
        .find(|e| e.id.as_str() == entry && e.body.as_referral().is_some())
        .cloned()
        .ok_or(AppError::NotFound)
}

/// A referral that can still change, and its body: an entry in error takes no status or
/// consent.
fn active_referral(ctx: &PatientContext, entry: &str) -> Result<(Entry, Referral), AppError> {
    let entry = referral_entry(ctx, entry)?;
    if entry.status != EntryStatus::Active {
        return Err(AppError::BadRequest("the referral was entered in error"));
    }
    let referral = entry.body.as_referral().ok_or(AppError::NotFound)?.clone();
    Ok((entry, referral))
}

/// Whom a referral is to: its organisation, else the kind of service.
pub fn addressee(r: &Referral) -> String {
    if r.organisation.trim().is_empty() {
        r.kind.label().to_owned()
    } else {
        r.organisation.clone()
    }
}

// ---- the list --------------------------------------------------------------------------

pub struct ReferralRow {
    pub href: String,
    pub to: String,
    pub kind: &'static str,
    pub status: &'static str,
    pub since: String,
    /// "Waiting 35 days" for a referral sent and not answered.
    pub waiting: String,
    pub in_error: bool,
}

#[derive(Template)]
#[template(path = "referrals/list.html")]
struct ListPage {
    layout: Layout,
    banner: Banner,
    rows: Vec<ReferralRow>,
    choose_href: String,
    no_response_days: u32,
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let ctx = context(&state, &user, &id).await?;
    user.store
        .audit_read(&user.actor(), "referral.list", Some(&id), "")
        .await?;
    let mut rows: Vec<(haven_core::Date, ReferralRow)> = ctx
        .record
        .entries
        .iter()
        .filter_map(|e| Some((e, e.body.as_referral()?)))
        .map(|(e, r)| {
            let waiting = if e.status == EntryStatus::Active && r.status == ReferralStatus::Sent {
                format!("Waiting {} days", (ctx.today - r.date).whole_days())
            } else {
                String::new()
            };
            (
                r.started(),
                ReferralRow {
                    href: referral_href(&id, e.id.as_str()),
                    to: addressee(r),
                    kind: r.kind.label(),
                    status: r.status.label(),
                    since: r.date.to_string(),
                    waiting,
                    in_error: e.status == EntryStatus::EnteredInError,
                },
            )
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    let page_data = ListPage {
        layout: Layout::new(
            &user,
            format!("Referrals: {}", ctx.banner.name),
            "/patients",
        ),
        rows: rows.into_iter().map(|(_, r)| r).collect(),
        choose_href: choose_service_href(&id, None),
        no_response_days: ctx.policy.referral_no_response_days(),
        banner: ctx.banner,
    };
    page(&page_data)
}

// ---- choosing a service ----------------------------------------------------------------

#[derive(Deserialize, Default)]
#[serde(default)]
struct ChooseQuery {
    #[serde(rename = "for")]
    for_rule: String,
    #[serde(flatten)]
    search: SearchQuery,
}

#[derive(Template)]
#[template(path = "referrals/choose.html")]
struct ChoosePage {
    layout: Layout,
    banner: Banner,
    /// The action being answered, when the page was opened from one.
    for_title: Option<&'static str>,
    for_rule: String,
    search: SearchForm,
    action: String,
    results: Vec<OrgView>,
    other_href: String,
}

/// The kinds of help the page narrows to: the search's own, else the rule's.
fn needs_for(query: &ChooseQuery) -> (Option<RuleId>, Vec<HelpKind>) {
    let rule = RuleId::parse(query.for_rule.trim());
    let own = query.search.search(false).needs;
    let needs = if own.is_empty() {
        rule.map(|r| help_for(r).to_vec()).unwrap_or_default()
    } else {
        own
    };
    (rule, needs)
}

/// The link that starts a referral to `org`, carrying the action it answers.
fn refer_href(patient: &str, org: &str, rule: Option<RuleId>) -> String {
    let mut href = format!("{}/new?org={}", referrals_href(patient), encode_query(org));
    if let Some(rule) = rule {
        href.push_str(&format!("&for={}", rule.id()));
    }
    href
}

async fn choose(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<ChooseQuery>,
) -> Result<Response, AppError> {
    let ctx = context(&state, &user, &id).await?;
    let (rule, needs) = needs_for(&query);
    let mut search = query.search.search(false);
    search.needs = needs;
    let language = ctx.record.patient.main_language.clone();
    let directory = user.store.directory().await?;
    let mut results: Vec<OrgView> = found(&directory, &search)
        .into_iter()
        .map(|card| {
            let speaks = language.as_ref().is_some_and(|l| {
                directory
                    .iter()
                    .find(|e| e.id.as_str() == card.id)
                    .is_some_and(|e| e.organisation.speaks(l))
            });
            let href = refer_href(&id, &card.id, rule);
            card.with_referral(speaks, href)
        })
        .collect();
    // Those working in the person's language first; otherwise the directory's order.
    results.sort_by_key(|c| !c.speaks_patient_language);
    let page_data = ChoosePage {
        layout: Layout::new(&user, "Refer to a service", "/patients"),
        for_title: rule.map(|r| r.info().title),
        for_rule: rule.map(|r| r.id().to_owned()).unwrap_or_default(),
        search: SearchForm::of(&query.search, false),
        action: format!("{}/choose", referrals_href(&id)),
        results,
        other_href: super::kinds::form_href(&id, EntryKind::Referral),
        banner: ctx.banner,
    };
    page(&page_data)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewQuery {
    org: String,
    #[serde(rename = "for")]
    for_rule: String,
}

/// The referral form, started from a directory entry: its name, the kind of referral the
/// rules read (the help the action asked for, where the organisation gives it) and the link
/// to the entry, beside the person's own interpreter need (`forms::care`).
async fn new_from_directory(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<NewQuery>,
) -> Result<Response, AppError> {
    user.require(CLINICAL_ROLES)?;
    if !user.may_record(EntryKind::Referral) {
        return Err(AppError::Forbidden);
    }
    let entry = match user.store.organisation(query.org.trim()).await {
        Ok(entry) => entry,
        Err(StoreError::OrganisationNotFound(_)) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let org = entry.organisation;
    let asked = RuleId::parse(query.for_rule.trim())
        .map(help_for)
        .unwrap_or_default();
    let kind = asked
        .iter()
        .find(|&&h| org.offers(h))
        .and_then(|h| h.referral_type())
        .unwrap_or_else(|| org.referral_type());
    let org_id = entry.id.to_string();
    new_page(
        &state,
        &user,
        &id,
        EntryKind::Referral,
        &REFERRAL,
        move |d: &mut FormData| {
            d.set("directory", org_id);
            d.set("organisation", org.name.clone());
            d.set("kind", kind.id());
            d.set("status", ReferralStatus::Drafted.id());
        },
    )
    .await
}

// ---- one referral ----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "referrals/show.html")]
struct ShowPage {
    layout: Layout,
    banner: Banner,
    to: String,
    org_href: Option<String>,
    details: Vec<(&'static str, String)>,
    steps: Vec<(&'static str, String)>,
    consent: Option<String>,
    limits: String,
    in_error: bool,
    version: u32,
    status_action: String,
    statuses: Vec<Choice>,
    status_date: String,
    consent_action: String,
    consent_fields: Vec<FieldView>,
    letter_href: String,
    history_href: String,
    amend_href: String,
    list_href: String,
    saved: &'static str,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SavedQuery {
    saved: String,
}

/// What the posted forms carry back when shown again.
#[derive(Default)]
struct Typed {
    status: String,
    date: String,
    consent: FormData,
}

fn consent_fields(ctx: &PatientContext, typed: &FormData) -> Vec<FieldView> {
    let fields: Vec<_> = REFERRAL
        .fields(&ctx.policy)
        .into_iter()
        .filter(|f| f.name.starts_with("consent_"))
        .collect();
    views(&fields, typed)
}

fn render(
    user: &CurrentUser,
    ctx: PatientContext,
    entry: &Entry,
    typed: Typed,
    saved: &'static str,
    status: StatusCode,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let r = entry.body.as_referral().ok_or(AppError::NotFound)?;
    let id = ctx.record.patient.id.to_string();
    let href = referral_href(&id, entry.id.as_str());
    let statuses = choices(
        ReferralStatus::ALL
            .iter()
            // A referral moves on; it is never drafted again.
            .filter(|&&s| s != r.status && s != ReferralStatus::Drafted)
            .map(|s| (s.id(), s.label())),
        &typed.status,
    );
    let mut consent = typed.consent;
    if consent.get("consent_date").is_empty() {
        consent.set("consent_date", date_value(ctx.today));
    }
    let mut details = vec![
        ("Kind of service", r.kind.label().to_owned()),
        ("Started", r.started().to_string()),
        ("Reason", r.reason.clone()),
        (
            "Interpreter needed at the service",
            r.interpreter
                .as_ref()
                .map_or_else(|| "No".to_owned(), interpreter_text),
        ),
        ("Note", r.note.clone()),
    ];
    details.retain(|(_, v)| !v.is_empty());
    let page_data = ShowPage {
        layout: Layout::new(user, format!("Referral: {}", addressee(r)), "/patients"),
        to: addressee(r),
        org_href: r.directory.as_ref().map(|d| organisation_href(d.as_str())),
        details,
        steps: r
            .steps()
            .map(|s| (s.status.label(), s.date.to_string()))
            .collect(),
        consent: r.consent.as_ref().map(consent_text),
        limits: r
            .consent
            .as_ref()
            .map(|c| c.limits.clone())
            .unwrap_or_default(),
        in_error: entry.status == EntryStatus::EnteredInError,
        version: entry.version,
        status_action: format!("{href}/status"),
        statuses,
        status_date: if typed.date.is_empty() {
            date_value(ctx.today)
        } else {
            typed.date
        },
        consent_action: format!("{href}/consent"),
        consent_fields: consent_fields(&ctx, &consent),
        letter_href: format!("{href}/letter"),
        history_href: entry_href(&id, entry.id.as_str()),
        amend_href: amend_href(&id, entry.id.as_str()),
        list_href: referrals_href(&id),
        saved,
        errors,
        banner: ctx.banner,
    };
    page_status(status, &page_data)
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, entry_id)): Path<(String, String)>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, AppError> {
    let ctx = context(&state, &user, &id).await?;
    let entry = referral_entry(&ctx, &entry_id)?;
    user.store
        .audit_read(&user.actor(), "referral.view", Some(&id), &entry_id)
        .await?;
    let saved = match q.saved.as_str() {
        "status" => "The new status is saved with its date.",
        "consent" => "The consent to share is saved.",
        "referral" => {
            "The referral is saved. Record its consent and status here, and print its letter."
        }
        _ => "",
    };
    render(
        &user,
        ctx,
        &entry,
        Typed::default(),
        saved,
        StatusCode::OK,
        FormErrors::default(),
    )
}

const CHANGED: &str = "This referral changed after you opened it. Check it below, then save again if your change still applies.";

/// Saves `next` as an amendment of `entry` with Haven's `reason`, after the checks every
/// referral change passes; errors map to `field_of` the form that sent it.
#[allow(clippy::too_many_arguments)]
async fn save(
    state: &AppState,
    user: &CurrentUser,
    ctx: PatientContext,
    entry: Entry,
    data: &FormData,
    next: Option<Referral>,
    reason: String,
    typed: Typed,
    mut errors: FormErrors,
    field_of: fn(&str) -> &'static str,
    saved: &str,
) -> Result<Response, AppError> {
    let id = ctx.record.patient.id.to_string();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if let Some(next) = next
        && errors.is_empty()
    {
        let before = entry.body.clone();
        let body = EntryBody::Referral(next);
        let checked = validate_entry(&ctx.record.patient, &body, ctx.today)
            .and_then(|()| validate_change(Some(&before), &body));
        match checked {
            Err(e) => errors.add(field_of(e.field), sentence(&e.message)),
            Ok(()) if data.get("version").trim().parse::<u32>().ok() != Some(entry.version) => {
                errors.add(field_of(""), CHANGED);
                status = StatusCode::CONFLICT;
            }
            Ok(()) => {
                let next = entry
                    .amend(body, user.user_id(), state.now(), &reason)
                    .map_err(|_| AppError::BadRequest("the referral could not be amended"))?;
                match user.store.change_entry(&user.actor(), &next).await {
                    Ok(()) => {
                        tracing::info!(patient = %id, entry = %entry.id, "referral changed");
                        let href = referral_href(&id, entry.id.as_str());
                        return Ok(see_other(&format!("{href}?saved={saved}")));
                    }
                    Err(StoreError::VersionConflict { .. }) => {
                        errors.add(field_of(""), CHANGED);
                        status = StatusCode::CONFLICT;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
    }
    // Shown again at the version now current.
    let entry = referral_entry(&ctx, entry.id.as_str())?;
    render(user, ctx, &entry, typed, "", status, errors)
}

fn status_field(field: &str) -> &'static str {
    match field {
        "date" => "date",
        _ => "status",
    }
}

async fn change_status(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, entry_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let ctx = context(&state, &user, &id).await?;
    let (entry, r) = active_referral(&ctx, &entry_id)?;
    let data = FormData::parse(&body);
    let mut errors = FormErrors::default();
    data.refuse_control_characters(&mut errors);
    let new_status = data.coded(
        "status",
        ReferralStatus::parse,
        &mut errors,
        "Choose the referral's new status",
    );
    let date = data.date("date", &mut errors, "The date of the new status");
    if new_status == Some(r.status) {
        errors.add(
            "status",
            format!("The referral is already “{}”", r.status.label()),
        );
    }
    let (next, reason) = match (new_status, date) {
        (Some(s), Some(d)) => (Some(r.moved_to(s, d)), format!("{} on {d}", s.label())),
        _ => (None, String::new()),
    };
    let typed = Typed {
        status: data.get("status").to_owned(),
        date: data.get("date").to_owned(),
        consent: FormData::default(),
    };
    save(
        &state,
        &user,
        ctx,
        entry,
        &data,
        next,
        reason,
        typed,
        errors,
        status_field,
        "status",
    )
    .await
}

fn consent_field(field: &str) -> &'static str {
    match field {
        "consent_name" => "consent_name",
        "consent_date" => "consent_date",
        _ => "consent_given_by",
    }
}

/// The consent to share as typed, or `None` with a message beside each field at fault.
fn parse_consent(data: &FormData, errors: &mut FormErrors) -> Option<ShareConsent> {
    let given_by = data.coded(
        "consent_given_by",
        ConsentGiver::parse,
        errors,
        "Choose who gave consent to share",
    );
    let date = data.date("consent_date", errors, "The date consent was given");
    let shares = data.coded_list(
        "consent_shares",
        ShareItem::parse,
        errors,
        "Choose what may be shared from the list",
    );
    Some(ShareConsent {
        given_by: given_by?,
        name: data.text("consent_name"),
        date: date?,
        shares,
        limits: data.text("consent_limits"),
    })
}

async fn record_consent(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, entry_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let ctx = context(&state, &user, &id).await?;
    let (entry, r) = active_referral(&ctx, &entry_id)?;
    let data = FormData::parse(&body);
    let mut errors = FormErrors::default();
    data.refuse_control_characters(&mut errors);
    let consent = parse_consent(&data, &mut errors);
    let reason = if r.consent.is_some() {
        "Consent to share changed"
    } else {
        "Consent to share recorded"
    };
    let next = consent.map(|c| Referral {
        consent: Some(c),
        ..r
    });
    let typed = Typed {
        consent: data.clone(),
        ..Typed::default()
    };
    save(
        &state,
        &user,
        ctx,
        entry,
        &data,
        next,
        reason.to_owned(),
        typed,
        errors,
        consent_field,
        "consent",
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_narrows_the_search_unless_a_need_is_chosen() {
        let q = ChooseQuery {
            for_rule: "psych.consider-referral".into(),
            search: SearchQuery::default(),
        };
        assert_eq!(
            needs_for(&q),
            (
                Some(RuleId::PsychConsiderReferral),
                vec![HelpKind::SpecialistTrauma, HelpKind::TalkingTherapies]
            )
        );
        let own = ChooseQuery {
            search: SearchQuery {
                need: "legal-advice".into(),
                ..SearchQuery::default()
            },
            ..q
        };
        assert_eq!(needs_for(&own).1, vec![HelpKind::LegalAdvice]);
        assert_eq!(
            refer_href("pat 1", "org-2", Some(RuleId::SocialSupportOrg)),
            "/patients/pat%201/referrals/new?org=org-2&for=social.support-org"
        );
    }

    #[test]
    fn consent_needs_who_and_when() {
        let mut errors = FormErrors::default();
        let data = FormData::parse(b"consent_shares=relevant-history");
        assert_eq!(parse_consent(&data, &mut errors), None);
        assert!(errors.has("consent_given_by") && errors.has("consent_date"));
        let mut errors = FormErrors::default();
        let data = FormData::parse(
            b"consent_given_by=person&consent_date=2026-11-01&consent_shares=contact-details",
        );
        let c = parse_consent(&data, &mut errors).expect("consent");
        assert_eq!(c.shares, vec![ShareItem::ContactDetails]);
        assert!(errors.is_empty());
    }
}
