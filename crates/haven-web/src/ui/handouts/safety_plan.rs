//! The safety plan's print view (`/patients/{id}/entries/{entry_id}/print`, §6): the plan
//! agreed with the person, for them to take home. Its headings and crisis box are in their
//! language with English beside for staff; the plan's own words are printed as written.
//!
//! The crisis box holds the practice's crisis text in the handout's language where the
//! practice has one (Admin › Policy), else Haven's translation of its default crisis text;
//! beside it, the practice's English text or Haven's default.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use haven_core::LanguageTag;
use haven_core::record::{EntryBody, EntryStatus};

use super::sheet::{LanguageQuery, Languages, Line, PatientHandout, Sheet, StaffBar};
use crate::AppState;
use crate::auth::{CLINICAL_ROLES, CurrentUser};
use crate::error::AppError;
use crate::ui::forms::risk::plan_texts;
use crate::ui::layout::Layout;
use crate::ui::page;
use crate::ui::safety_text::{SafetyText, safety_text};

const HANDOUT: &str = "Safety plan (§6)";

/// The messages of the six parts' headings, in the order of `risk::PLAN_PARTS`.
pub const HEADINGS: [&str; 6] = [
    "plan-warning-signs",
    "plan-coping-strategies",
    "plan-people-and-places",
    "plan-professionals-and-crisis",
    "plan-safer-surroundings",
    "plan-reasons-for-living",
];

pub struct PlanPart {
    pub heading: Line,
    pub text: String,
}

#[derive(Template)]
#[template(path = "handouts/safety_plan.html")]
struct PrintPage {
    layout: Layout,
    staff: StaffBar,
    sheet: Sheet,
    agreed: String,
    printed: String,
    version: u32,
    parts: Vec<PlanPart>,
    crisis_heading: Line,
    crisis: SafetyText,
    /// The English crisis text beside the box, when the box is in another language.
    crisis_en: Option<SafetyText>,
}

/// The crisis texts for the box: in the handout's language, and in English beside it.
async fn crisis_texts(
    state: &AppState,
    languages: &Languages,
    notices: &mut Vec<String>,
) -> Result<(SafetyText, Option<SafetyText>), AppError> {
    let locale = languages.locale();
    let english = safety_text(state, None).await?;
    let wanted: LanguageTag = languages
        .choice
        .untranslated
        .clone()
        .unwrap_or_else(|| locale.language.tag());
    if wanted.primary() == "en" {
        return Ok((english, None));
    }
    let practice = safety_text(state, Some(&wanted)).await?;
    if practice.configured && practice.lang != "en" {
        return Ok((practice, Some(english)));
    }
    if !languages.choice.is_translated() {
        return Ok((english, None));
    }
    if english.configured {
        notices.push(format!(
            "The practice’s own crisis text is in English only: the box in {} is Haven’s national text, with the practice’s English text beside it. An administrator can add the practice’s text in {} under Policy.",
            locale.language.english, locale.language.english
        ));
    }
    let own = SafetyText {
        text: locale.text("plan-crisis-text")?,
        lang: locale.code().to_owned(),
        dir: locale.dir(),
        configured: false,
    };
    Ok((own, Some(english)))
}

pub async fn print(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, entry_id)): Path<(String, String)>,
    Query(query): Query<LanguageQuery>,
) -> Result<Response, AppError> {
    user.require(CLINICAL_ROLES)?;
    let entry = user.store.entry(&entry_id).await?;
    if entry.patient.as_str() != id || entry.status != EntryStatus::Active {
        return Err(AppError::NotFound);
    }
    let EntryBody::SafetyPlan(plan) = &entry.body else {
        return Err(AppError::NotFound);
    };
    let h = PatientHandout::load(&state, &user, &id, &query, "safety-plan").await?;
    user.store
        .audit_read(&user.actor(), "entry.print", Some(&id), &entry_id)
        .await?;
    let languages = &h.languages;
    let mut notices = Vec::new();
    let (crisis, crisis_en) = crisis_texts(&state, languages, &mut notices).await?;
    let parts = HEADINGS
        .iter()
        .zip(plan_texts(plan))
        .filter(|(_, text)| !text.is_empty())
        .map(|(id, text)| {
            Ok(PlanPart {
                heading: languages.same_line(id, &[])?,
                text: text.to_owned(),
            })
        })
        .collect::<Result<_, crate::l10n::L10nError>>()?;
    let page_data = PrintPage {
        layout: h.layout(&user, "Safety plan"),
        sheet: languages.sheet("plan-title", Some(&h.ctx.record.patient))?,
        staff: StaffBar {
            back_href: h.ctx.banner.href.clone(),
            back_label: "Back to the patient",
            ..h.staff_bar(HANDOUT, &query, notices)?
        },
        agreed: plan.date.to_string(),
        printed: state.today().to_string(),
        version: entry.version,
        parts,
        crisis_heading: languages.same_line("plan-crisis-heading", &[])?,
        crisis,
        crisis_en,
    };
    page(&page_data)
}
