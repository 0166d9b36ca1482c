//! A patient's handouts (`/patients/{id}/handouts`): the ones that can be printed for them, in
//! which language, and why any other cannot be printed yet.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use haven_core::record::EntryBody;

use super::appointment::next_contact;
use super::interpreter_card::named_language;
use super::sheet::{LanguageOption, LanguageQuery, PatientHandout};
use crate::AppState;
use crate::auth::{CurrentUser, PATIENT_ROLES};
use crate::error::AppError;
use crate::ui::kinds::print_href;
use crate::ui::layout::Layout;
use crate::ui::page;
use crate::ui::patient_context::Banner;

pub struct HandoutLink {
    pub title: &'static str,
    pub about: &'static str,
    /// `None` when it cannot be printed for this patient now; `about` then says why.
    pub href: Option<String>,
}

#[derive(Template)]
#[template(path = "handouts/index.html")]
struct IndexPage {
    layout: Layout,
    banner: Banner,
    language_note: String,
    choices: Vec<LanguageOption>,
    handouts: Vec<HandoutLink>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<LanguageQuery>,
) -> Result<Response, AppError> {
    user.require(PATIENT_ROLES)?;
    let h = PatientHandout::load(&state, &user, &id, &query, "index").await?;
    let record = &h.ctx.record;
    let base = super::patient_handouts_href(&id);
    let suffix = query.suffix();
    let link = |path: &str| format!("{base}/{path}{suffix}");
    let mut handouts = vec![HandoutLink {
        title: "Wellbeing advice (§3)",
        about: "Sleep, eating well, being outdoors and active, and being with other people. Clinicians record that it was given from the handout.",
        href: Some(link("wellbeing")),
    }];
    handouts.push(
        match named_language(&record.patient) {
            Some(_) => HandoutLink {
                title: "“I need an interpreter” card (§2)",
                about: "The person’s language, dialect and preferred interpreter, to show at any NHS service.",
                href: Some(link("interpreter-card")),
            },
            None => HandoutLink {
                title: "“I need an interpreter” card (§2)",
                about: "Not available: no main language other than English is recorded.",
                href: None,
            },
        },
    );
    handouts.push(match next_contact(record, state.today()) {
        Some(c) => HandoutLink {
            title: "Next-appointment letter",
            about: if c.interpreter_booked {
                "The next booked contact, with its interpreter."
            } else {
                "The next booked contact."
            },
            href: Some(link("appointment")),
        },
        None => HandoutLink {
            title: "Next-appointment letter",
            about: "Not available: no contact is booked from today on.",
            href: None,
        },
    });
    if user.is_clinical() {
        let plan = record
            .active()
            .filter(|e| matches!(e.body, EntryBody::SafetyPlan(_)))
            .max_by_key(|e| (e.body.date(), e.id.clone()));
        handouts.push(HandoutLink {
            title: "Safety plan (§6)",
            about: if plan.is_some() {
                "The latest safety plan agreed with the person, with the crisis contacts."
            } else {
                "Not available: no safety plan is recorded."
            },
            href: plan
                .and_then(print_href)
                .map(|href| format!("{href}{suffix}")),
        });
    }
    let page_data = IndexPage {
        layout: h.layout(&user, "Handouts"),
        language_note: h.languages.note(),
        choices: h.languages.options(&query)?,
        handouts,
        banner: h.ctx.banner,
    };
    page(&page_data)
}
