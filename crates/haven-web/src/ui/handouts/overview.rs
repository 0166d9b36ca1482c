//! `/handouts`: the handouts Haven prints, the languages they print in with each
//! translation's review status, and a preview of the wellbeing advice in each. No patient
//! data, so open to every signed-in role; the guidance pages (§2, §3, §6) link here.

use askama::Template;
use axum::response::Response;

use crate::auth::{ALL_ROLES, CurrentUser};
use crate::error::AppError;
use crate::l10n;
use crate::ui::layout::Layout;
use crate::ui::page;

pub struct TranslationRow {
    pub code: &'static str,
    pub english: &'static str,
    pub native: &'static str,
    pub dir: &'static str,
    pub reviewed: bool,
}

#[derive(Template)]
#[template(path = "handouts/overview.html")]
struct OverviewPage {
    layout: Layout,
    translations: Vec<TranslationRow>,
}

pub async fn show(user: CurrentUser) -> Result<Response, AppError> {
    user.require(ALL_ROLES)?;
    let translations = l10n::catalogue()?
        .iter()
        .map(|l| TranslationRow {
            code: l.code(),
            english: l.language.english,
            native: l.language.native,
            dir: l.dir(),
            reviewed: !l.is_draft(),
        })
        .collect();
    page(&OverviewPage {
        layout: Layout::new(&user, "Handouts", "/guidance"),
        translations,
    })
}
