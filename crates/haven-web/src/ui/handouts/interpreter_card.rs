//! "I need an interpreter" (§2): a card the person shows at reception, a pharmacy or a
//! hospital, naming their language (and dialect and preferred interpreter gender where
//! recorded) in their language and in English. Demographics only.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use haven_core::LanguageTag;
use haven_core::record::{InterpreterGender, Patient};

use super::sheet::{self, LanguageQuery, Languages, Line, LinesPage, PatientHandout};
use crate::AppState;
use crate::auth::{CurrentUser, PATIENT_ROLES};
use crate::error::AppError;
use crate::l10n::L10nError;
use crate::ui::page;

const HANDOUT: &str = "“I need an interpreter” card (§2)";

/// The language the card names: the person's main language, whichever language the card is
/// printed in (a Dari speaker's card printed in Farsi still asks for Dari); none when that is
/// English or not recorded, as the card would then ask for nothing.
pub fn named_language(patient: &Patient) -> Option<&LanguageTag> {
    patient
        .main_language
        .as_ref()
        .filter(|t| t.primary() != "en")
}

fn card_lines(
    languages: &Languages,
    patient: &Patient,
    named: &LanguageTag,
) -> Result<Vec<Line>, L10nError> {
    // A translated card names the language in its own script; an English one as staff know
    // it with its own name beside ("Arabic (العربية)"); English beside a translation names
    // it as staff know it ("Arabic (ar-SD)").
    let own_name = match named.language() {
        Some(l) if languages.locale().code() != "en" => l.native.to_owned(),
        _ => sheet::named(named),
    };
    let mut lines = vec![languages.line(
        "card-language",
        &[("language", &own_name)],
        &[("language", &named.name())],
    )?];
    if let Some(dialect) = patient.dialect.as_deref().filter(|d| !d.trim().is_empty()) {
        lines.push(languages.same_line("card-dialect", &[("dialect", dialect)])?);
    }
    match patient.interpreter_gender {
        Some(InterpreterGender::Female) => {
            lines.push(languages.same_line("card-gender-female", &[])?);
        }
        Some(InterpreterGender::Male) => lines.push(languages.same_line("card-gender-male", &[])?),
        Some(InterpreterGender::Any) | None => {}
    }
    lines.push(languages.same_line("card-request", &[])?);
    Ok(lines)
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<LanguageQuery>,
) -> Result<Response, AppError> {
    user.require(PATIENT_ROLES)?;
    let h = PatientHandout::load(&state, &user, &id, &query, "interpreter-card").await?;
    let patient = &h.ctx.record.patient;
    let named = named_language(patient).ok_or(AppError::NotFound)?;
    let mut notices = Vec::new();
    if patient.interpreter_required == Some(false) {
        notices.push("The record says this patient does not need an interpreter.".to_owned());
    }
    let page_data = LinesPage {
        layout: h.layout(&user, "Interpreter card"),
        class: "handout__card",
        lines: card_lines(&h.languages, patient, named)?,
        sheet: h.languages.sheet("card-title", Some(patient))?,
        staff: h.staff_bar(HANDOUT, &query, notices)?,
    };
    page(&page_data)
}
