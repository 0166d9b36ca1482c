//! The patient page (`/patients/{id}`): the banner (`ui::patient_context`), the "What is due"
//! list, demographics, links to the forms this user may use, and one table per kind of entry.
//!
//! What is loaded depends on the role, on the server: receptionists load the record at
//! administrative visibility (demographics, planned contacts, flags) and never receive
//! clinical or sensitive entries; analysts are refused. Every view is audited.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use haven_core::record::{EntryBody, PatientRecord, Visibility};

use haven_core::directory::suggest;
use haven_core::record::EntryKind;
use haven_core::rules;

use super::actions::rule_visible;
use super::directory_view::OrgView;
use super::due::{DueItem, due_items};
use super::kinds::{choose_service_href, record_links, referrals_href};
use super::layout::Layout;
use super::patient_context::{Banner, PatientContext};
use super::patient_form::accommodation_label;
use super::summary::EntryRow;
use super::{page, patient_href};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::reference::{countries, languages};

pub fn routes() -> Router<AppState> {
    Router::new().route("/patients/{id}", get(show))
}

/// One table of entries on the page.
pub struct Section {
    pub id: &'static str,
    pub heading: &'static str,
    pub rows: Vec<EntryRow>,
}

/// Which section an entry belongs to, in page order; the first column says whether only
/// clinical roles see it (receptionists never load those entries in the first place).
const SECTIONS: &[(&str, &str, bool)] = &[
    ("problems", "Problems and history of abuse", true),
    ("asylum", "Asylum situation", true),
    ("life-events", "Life events", true),
    ("encounters", "Consultations", true),
    ("planned-contacts", "Planned contacts and outreach", false),
    ("assessments", "Questionnaires", true),
    ("risk", "Risk reviews and safety plans", true),
    ("screening", "Screening", true),
    ("referrals", "Referrals", true),
    ("medication", "Medication", true),
    ("advice", "Advice given", true),
    ("flags", "Flags", false),
];

fn section_of(body: &EntryBody) -> &'static str {
    match body {
        EntryBody::Problem(_) | EntryBody::Disclosure(_) => "problems",
        EntryBody::Asylum(_) => "asylum",
        EntryBody::LifeEvent(_) => "life-events",
        EntryBody::Encounter(_) => "encounters",
        EntryBody::PlannedContact(_) | EntryBody::Outreach(_) => "planned-contacts",
        EntryBody::Questionnaire(_) => "assessments",
        EntryBody::RiskReview(_) | EntryBody::SafetyPlan(_) => "risk",
        EntryBody::Screening(_) => "screening",
        EntryBody::Referral(_) => "referrals",
        EntryBody::Medication(_) => "medication",
        EntryBody::Advice(_) => "advice",
        EntryBody::Flag(_) => "flags",
    }
}

/// The record's entries grouped into the sections of what `visibility` shows, newest first.
pub fn sections(record: &PatientRecord, visibility: Visibility) -> Vec<Section> {
    let mut out: Vec<Section> = SECTIONS
        .iter()
        .filter(|(_, _, clinical)| !clinical || visibility >= Visibility::Clinical)
        .map(|&(id, heading, _)| Section {
            id,
            heading,
            rows: Vec::new(),
        })
        .collect();
    let mut entries: Vec<_> = record
        .entries
        .iter()
        .filter(|e| e.visibility() <= visibility)
        .collect();
    entries.sort_by(|a, b| {
        b.body
            .date()
            .cmp(&a.body.date())
            .then_with(|| b.id.cmp(&a.id))
    });
    for e in entries {
        let id = section_of(&e.body);
        if let Some(section) = out.iter_mut().find(|s| s.id == id) {
            section.rows.push(EntryRow::of(e));
        }
    }
    out
}

#[derive(Template)]
#[template(path = "patients/page.html")]
struct PatientPage {
    layout: Layout,
    banner: Banner,
    clinical: bool,
    due: Vec<DueItem>,
    /// Links to the entry forms this user may use.
    record_links: Vec<(String, &'static str)>,
    trends_href: Option<String>,
    /// Directory entries that fit the open actions asking for a referral.
    suggestions: Vec<SuggestionView>,
    referrals_href: Option<String>,
    details: Vec<(&'static str, String)>,
    sections: Vec<Section>,
    /// "17:32 UTC" while this receptionist's emergency access lasts.
    emergency_until: Option<String>,
    /// Whether the user may ask for emergency access (receptionists).
    may_break_glass: bool,
}

/// A time of day as shown beside a deadline, e.g. "17:32 UTC".
pub fn time_text(at: time::OffsetDateTime) -> String {
    at.format(time::macros::format_description!("[hour]:[minute] UTC"))
        .unwrap_or_default()
}

/// The services suggested for one open action.
pub struct SuggestionView {
    pub title: &'static str,
    pub choose_href: String,
    /// The first few, those working in the person's language first.
    pub organisations: Vec<OrgView>,
    /// How many more the directory holds.
    pub more: usize,
}

/// How many services are suggested per action on the patient page.
const SUGGESTED: usize = 3;

/// For clinical users who may refer: the directory entries that fit each open action that
/// asks for a referral (`social.support-org`, `psych.consider-referral`,
/// `sexual-health.referral`, …), with a link that starts the referral.
async fn suggestions(
    state: &AppState,
    user: &CurrentUser,
    record: &PatientRecord,
    today: haven_core::Date,
) -> Result<Vec<SuggestionView>, AppError> {
    if !(user.is_clinical() && user.may_record(EntryKind::Referral)) {
        return Ok(Vec::new());
    }
    let actions: Vec<_> = rules::evaluate(record, &state.policy(), today)
        .into_iter()
        .filter(|a| rule_visible(user, a.rule))
        .collect();
    if actions
        .iter()
        .all(|a| haven_core::directory::help_for(a.rule).is_empty())
    {
        return Ok(Vec::new());
    }
    let directory: Vec<(String, haven_core::directory::Organisation)> = user
        .store
        .directory()
        .await?
        .into_iter()
        .map(|e| (e.id.to_string(), e.organisation))
        .collect();
    let patient = record.patient.id.as_str();
    let language = record.patient.main_language.as_ref();
    Ok(suggest(&actions, &directory, language)
        .into_iter()
        .map(|s| {
            let choose_href = choose_service_href(patient, Some(s.rule));
            let organisations = s
                .organisations
                .iter()
                .take(SUGGESTED)
                .map(|(id, org)| {
                    let speaks = language.is_some_and(|l| org.speaks(l));
                    let href = format!(
                        "{}/new?org={}&for={}",
                        referrals_href(patient),
                        super::encode_query(id),
                        s.rule.id()
                    );
                    OrgView::of(id, org).with_referral(speaks, href)
                })
                .collect();
            SuggestionView {
                title: s.rule.info().title,
                choose_href,
                more: s.organisations.len().saturating_sub(SUGGESTED),
                organisations,
            }
        })
        .collect())
}

/// Demographics and contact details, labelled; empty values are left out.
fn details(record: &PatientRecord) -> Vec<(&'static str, String)> {
    let p = &record.patient;
    let mut out = vec![
        (
            "Country of origin",
            p.country_of_origin
                .as_deref()
                .map(|c| countries::name(c).to_owned())
                .unwrap_or_default(),
        ),
        ("Main language", languages::main_of(p)),
        (
            "Other languages",
            p.other_languages
                .iter()
                .map(haven_core::LanguageTag::name)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "Accommodation",
            p.accommodation
                .map(accommodation_label)
                .unwrap_or_default()
                .to_owned(),
        ),
        ("Phone", p.phone.clone().unwrap_or_default()),
        ("Email", p.email.clone().unwrap_or_default()),
        ("Address", p.address.clone().unwrap_or_default()),
        (
            "Support organisations and key workers",
            p.support_contacts.clone().unwrap_or_default(),
        ),
        ("Practice reference", p.local_id.clone().unwrap_or_default()),
    ];
    out.retain(|(_, v)| !v.is_empty());
    out
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let ctx = PatientContext::load(&state, &user, &id).await?;
    user.store
        .audit_read(&user.actor(), "patient.view", Some(&id), "")
        .await?;
    let page_data = PatientPage {
        layout: Layout::new(&user, ctx.banner.name.clone(), "/patients"),
        clinical: user.is_clinical(),
        // The rules need the whole record; receptionists' page record lacks clinical entries.
        due: if user.is_clinical() {
            due_items(&state, &user, &ctx.record, ctx.today)
        } else {
            due_items(
                &state,
                &user,
                &user.store.record(&id, Visibility::Sensitive).await?,
                ctx.today,
            )
        },
        record_links: record_links(&user, &id),
        trends_href: user
            .is_clinical()
            .then(|| format!("{}/trends", patient_href(&id))),
        suggestions: suggestions(&state, &user, &ctx.record, ctx.today).await?,
        referrals_href: (user.is_clinical() && user.may_record(EntryKind::Referral))
            .then(|| referrals_href(&id)),
        details: details(&ctx.record),
        sections: sections(&ctx.record, ctx.visibility),
        emergency_until: ctx.emergency_until.map(time_text),
        may_break_glass: user.role == haven_store::Role::Receptionist,
        banner: ctx.banner,
    };
    page(&page_data)
}
