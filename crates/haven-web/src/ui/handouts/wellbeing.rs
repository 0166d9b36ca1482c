//! Wellbeing advice (§3): sleep, eating well, being outdoors and active, and being with other
//! people, for the patient (`/patients/{id}/handouts/wellbeing`) or as a blank preview
//! (`/handouts/wellbeing`). "Record that this was given" stores an Advice entry with the four
//! topics, which resolves `advice.wellbeing-not-given` and restarts `advice.wellbeing-reinforce`.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use haven_core::Date;
use haven_core::record::{
    Advice, AdviceKind, AdviceTopic, Entry, EntryBody, EntryKind, validate_entry,
};

use super::sheet::{LanguageQuery, Languages, PatientHandout, Sheet, StaffBar};
use crate::AppState;
use crate::auth::{ALL_ROLES, CLINICAL_ROLES, CurrentUser, PATIENT_ROLES};
use crate::error::AppError;
use crate::l10n::{L10nError, Locale};
use crate::ui::flash::{Flash, saved};
use crate::ui::forms::data::FormData;
use crate::ui::layout::Layout;
use crate::ui::patient_context::PatientContext;
use crate::ui::{new_entry_id, page, patient_href};

const HANDOUT: &str = "Wellbeing advice (§3)";

/// The four topics of §3 with their messages, in the order the handout gives them.
const TOPICS: [(AdviceTopic, &str); 4] = [
    (AdviceTopic::Sleep, "wellbeing-sleep"),
    (AdviceTopic::EatingWell, "wellbeing-eating"),
    (AdviceTopic::OutdoorsAndActive, "wellbeing-outdoors"),
    (AdviceTopic::SocialContact, "wellbeing-social"),
];

pub struct Topic {
    pub heading: String,
    pub text: String,
}

/// The handout's text in one language.
struct AdviceText {
    intro: String,
    topics: Vec<Topic>,
    closing: String,
}

fn advice_text(locale: &Locale) -> Result<AdviceText, L10nError> {
    Ok(AdviceText {
        intro: locale.text("wellbeing-intro")?,
        topics: TOPICS
            .iter()
            .map(|&(_, id)| {
                Ok(Topic {
                    heading: locale.text(&format!("{id}-heading"))?,
                    text: locale.text(id)?,
                })
            })
            .collect::<Result<_, L10nError>>()?,
        closing: locale.text("wellbeing-closing")?,
    })
}

#[derive(Template)]
#[template(path = "handouts/wellbeing.html")]
struct WellbeingPage {
    layout: Layout,
    staff: StaffBar,
    sheet: Sheet,
    intro: String,
    topics: Vec<Topic>,
    closing: String,
    /// Where "Record that this was given" posts; `None` when this user may not record it.
    record_action: Option<String>,
    /// The language chosen in the staff bar, sent back with the record form.
    lang: String,
}

impl WellbeingPage {
    fn new(
        layout: Layout,
        staff: StaffBar,
        languages: &Languages,
        sheet: Sheet,
    ) -> Result<Self, L10nError> {
        let text = advice_text(languages.locale())?;
        Ok(Self {
            layout,
            staff,
            sheet,
            intro: text.intro,
            topics: text.topics,
            closing: text.closing,
            record_action: None,
            lang: String::new(),
        })
    }
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<LanguageQuery>,
) -> Result<Response, AppError> {
    user.require(PATIENT_ROLES)?;
    let h = PatientHandout::load(&state, &user, &id, &query, "wellbeing").await?;
    let last_given = last_given(&h.ctx.record);
    let mut notices = Vec::new();
    if user.is_clinical() {
        notices.push(match last_given {
            Some(d) => format!("Wellbeing advice was last recorded as given on {d}."),
            None => "No wellbeing advice has been recorded for this patient.".to_owned(),
        });
    }
    let staff = h.staff_bar(HANDOUT, &query, notices)?;
    let sheet = h
        .languages
        .sheet("wellbeing-title", Some(&h.ctx.record.patient))?;
    let layout = h.layout(&user, "Wellbeing advice");
    let mut page_data = WellbeingPage::new(layout, staff, &h.languages, sheet)?;
    if user.is_clinical() {
        page_data.record_action = Some(format!("{}/handouts/wellbeing/given", patient_href(&id)));
    }
    page_data.lang = query.lang.clone().unwrap_or_default();
    page(&page_data)
}

/// The handout without a patient, in any shipped language (`?lang=ti`), from `/handouts`.
pub async fn preview(
    user: CurrentUser,
    Query(query): Query<LanguageQuery>,
) -> Result<Response, AppError> {
    user.require(ALL_ROLES)?;
    let languages = Languages::for_tag(query.chosen()?.as_ref())?;
    let staff = StaffBar {
        back_href: "/handouts".to_owned(),
        back_label: "All handouts",
        handout: HANDOUT,
        language_note: format!(
            "{} A preview without a name: print it for a patient from their page.",
            languages.note()
        ),
        choices: languages.options(&query)?,
        notices: Vec::new(),
    };
    let sheet = languages.sheet("wellbeing-title", None)?;
    let layout = Layout::new(&user, "Wellbeing advice", "/guidance");
    page(&WellbeingPage::new(layout, staff, &languages, sheet)?)
}

fn last_given(record: &haven_core::record::PatientRecord) -> Option<Date> {
    record
        .active()
        .filter_map(|e| e.body.as_advice())
        .filter(|a| a.kind == AdviceKind::Wellbeing)
        .map(|a| a.date)
        .max()
}

/// Records that the wellbeing handout was given today, with its four topics, and comes back
/// to the handout.
pub async fn record_given(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    user.require(CLINICAL_ROLES)?;
    let form = FormData::parse(&body);
    let query = LanguageQuery {
        lang: Some(form.get("lang").to_owned()),
    };
    let ctx = PatientContext::load(&state, &user, &id).await?;
    let wanted = query
        .chosen()?
        .or_else(|| ctx.record.patient.main_language.clone());
    let language = Languages::for_tag(wanted.as_ref())?.locale().language;
    let advice = EntryBody::Advice(Advice {
        kind: AdviceKind::Wellbeing,
        date: ctx.today,
        topics: TOPICS.iter().map(|&(topic, _)| topic).collect(),
        note: format!("Printed wellbeing handout given, in {}.", language.english),
    });
    validate_entry(&ctx.record.patient, &advice, ctx.today)
        .map_err(|_| AppError::BadRequest("the advice entry is not valid for this patient"))?;
    let entry = Entry::new(
        new_entry_id(),
        ctx.record.patient.id.clone(),
        advice,
        user.user_id(),
        state.now(),
    );
    user.store.add_entry(&user.actor(), &entry).await?;
    tracing::info!(patient = %id, kind = "advice", "wellbeing handout recorded as given");
    Ok(saved(
        &state,
        &format!("{}/handouts/wellbeing{}", patient_href(&id), query.suffix()),
        Flash::Recorded(EntryKind::Advice),
    ))
}
