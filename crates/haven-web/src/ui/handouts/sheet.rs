//! What every handout page shares: the language it prints in (the person's, or one staff
//! choose with `?lang=`), the sheet's heading (title, English title beside, the draft mark,
//! the interpreter line of an untranslated language, the person's name) and the staff bar
//! above it, which is in English and never printed.

use askama::Template;
use haven_core::LanguageTag;
use haven_core::record::Patient;
use serde::Deserialize;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::l10n::{self, HandoutLanguage, L10nError, Locale};
use crate::ui::layout::Layout;
use crate::ui::patient_context::PatientContext;
use crate::ui::patients::NativeName;

/// `?lang=ar`: print in another language than the person's main one.
#[derive(Debug, Default, Deserialize)]
pub struct LanguageQuery {
    pub lang: Option<String>,
}

impl LanguageQuery {
    /// The language chosen, if any; text that is not a BCP-47 tag is refused, not ignored.
    pub fn chosen(&self) -> Result<Option<LanguageTag>, AppError> {
        match self
            .lang
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Ok(None),
            Some(text) => LanguageTag::parse(text)
                .map(Some)
                .map_err(|_| AppError::BadRequest("lang must be a language tag, such as ar or ti")),
        }
    }

    /// `?lang=…` carrying the choice to another handout, or nothing.
    pub fn suffix(&self) -> String {
        match self.chosen() {
            Ok(Some(tag)) => format!("?lang={}", super::super::encode_query(tag.as_str())),
            _ => String::new(),
        }
    }
}

/// The mark on every handout from a translation no qualified translator has reviewed.
pub struct DraftMark {
    pub english: String,
    /// The same words in the handout's language.
    pub own: String,
}

/// The head of a printed handout.
pub struct Sheet {
    /// The translation's code and direction: the page's `lang` and `dir`.
    pub lang: &'static str,
    pub dir: &'static str,
    pub title: String,
    /// The English title beside, for staff, unless the handout is in English.
    pub title_en: Option<String>,
    pub draft: Option<DraftMark>,
    /// For a language Haven has no translation of: the English line asking for an
    /// interpreter to read the handout with the patient.
    pub no_translation: Option<String>,
    /// "Name: …" in the handout's language.
    pub name: Option<String>,
    pub native: Option<NativeName>,
}

/// One line of a bilingual handout.
pub struct Line {
    pub own: String,
    /// The same line in English, beside it, unless the handout is in English.
    pub english: Option<String>,
}

/// A handout that is a list of lines, each with English beside (the interpreter card, the
/// appointment letter); `class` styles the sheet's body.
#[derive(Template)]
#[template(path = "handouts/lines.html")]
pub struct LinesPage {
    pub layout: Layout,
    pub staff: StaffBar,
    pub sheet: Sheet,
    pub class: &'static str,
    pub lines: Vec<Line>,
}

/// The handout language with the English source beside it.
pub struct Languages {
    pub choice: HandoutLanguage,
    pub english: &'static Locale,
}

impl Languages {
    pub fn for_tag(wanted: Option<&LanguageTag>) -> Result<Self, L10nError> {
        let catalogue = l10n::catalogue()?;
        Ok(Self {
            choice: l10n::choose(catalogue, wanted),
            english: catalogue.english(),
        })
    }

    pub fn locale(&self) -> &'static Locale {
        self.choice.locale
    }

    fn bilingual(&self) -> bool {
        self.locale().code() != self.english.code()
    }

    /// A line in the handout's language with English beside; `own` and `english` give each
    /// its variables (a language's name is written differently in each).
    pub fn line(
        &self,
        id: &str,
        own: &[(&str, &str)],
        english: &[(&str, &str)],
    ) -> Result<Line, L10nError> {
        Ok(Line {
            own: self.locale().text_with(id, own)?,
            english: if self.bilingual() {
                Some(self.english.text_with(id, english)?)
            } else {
                None
            },
        })
    }

    /// A line whose variables read the same in both languages.
    pub fn same_line(&self, id: &str, args: &[(&str, &str)]) -> Result<Line, L10nError> {
        self.line(id, args, args)
    }

    pub fn sheet(&self, title_id: &str, person: Option<&Patient>) -> Result<Sheet, L10nError> {
        let locale = self.locale();
        let title = self.same_line(title_id, &[])?;
        let draft = if locale.is_draft() {
            Some(DraftMark {
                english: self.english.text("handout-draft-mark")?,
                own: locale.text("handout-draft-mark")?,
            })
        } else {
            None
        };
        let no_translation = match &self.choice.untranslated {
            Some(tag) => Some(
                self.english
                    .text_with("handout-no-translation", &[("language", &named(tag))])?,
            ),
            None => None,
        };
        let name = match person {
            Some(p) => Some(locale.text_with("handout-name", &[("name", &p.display_name())])?),
            None => None,
        };
        Ok(Sheet {
            lang: locale.code(),
            dir: locale.dir(),
            title: title.own,
            title_en: title.english,
            draft,
            no_translation,
            name,
            native: person.and_then(NativeName::of),
        })
    }

    /// What the staff bar says about the language, in English.
    pub fn note(&self) -> String {
        let language = self.locale().language;
        match &self.choice.untranslated {
            Some(tag) => format!(
                "Haven has no translation in {}: printed in English, with a line asking an interpreter to read it with the patient.",
                named(tag)
            ),
            None if self.locale().is_draft() => format!(
                "In {} ({}), a draft translation: it is printed with the mark “check with an interpreter”.",
                language.english, language.native
            ),
            None => format!("In {}.", language.english),
        }
    }

    /// The languages staff may choose to print in, the current one selected.
    pub fn options(&self, query: &LanguageQuery) -> Result<Vec<LanguageOption>, AppError> {
        let chosen = query.chosen()?;
        Ok(l10n::catalogue()?
            .iter()
            .map(|l| LanguageOption {
                code: l.code(),
                label: if l.is_draft() {
                    format!(
                        "{} – {} (draft translation)",
                        l.language.english, l.language.native
                    )
                } else {
                    l.language.english.to_owned()
                },
                selected: chosen.as_ref().is_some_and(|t| t.as_str() == l.code()),
            })
            .collect())
    }
}

/// A language as English text names it for the person: "Tamil (தமிழ்)", or the tag itself.
pub fn named(tag: &LanguageTag) -> String {
    match tag.language() {
        Some(l) if l.native != l.english => format!("{} ({})", tag.name(), l.native),
        _ => tag.name(),
    }
}

/// One choice in the staff bar's "Print in" list.
pub struct LanguageOption {
    pub code: &'static str,
    pub label: String,
    pub selected: bool,
}

/// The English bar above a handout, hidden when printing.
pub struct StaffBar {
    pub back_href: String,
    pub back_label: &'static str,
    /// The handout's English name.
    pub handout: &'static str,
    pub language_note: String,
    /// Empty when the handout cannot be printed in another language.
    pub choices: Vec<LanguageOption>,
    /// What the staff member should know before printing.
    pub notices: Vec<String>,
}

/// The record, the language and the audit row every patient handout starts from.
pub struct PatientHandout {
    pub ctx: PatientContext,
    pub languages: Languages,
}

impl PatientHandout {
    /// Loads the record at the user's visibility (callers check the role first), chooses the
    /// language, and audits the view as `handout.view` with the handout and language.
    pub async fn load(
        state: &AppState,
        user: &CurrentUser,
        id: &str,
        query: &LanguageQuery,
        handout: &str,
    ) -> Result<Self, AppError> {
        let chosen = query.chosen()?;
        let ctx = PatientContext::load(state, user, id).await?;
        let wanted = chosen.or_else(|| ctx.record.patient.main_language.clone());
        let languages = Languages::for_tag(wanted.as_ref())?;
        user.store
            .audit_read(
                &user.actor(),
                "handout.view",
                Some(id),
                &format!("{handout} in {}", languages.locale().code()),
            )
            .await?;
        Ok(Self { ctx, languages })
    }

    /// The page frame, titled "<handout> – <patient>".
    pub fn layout(&self, user: &CurrentUser, handout: &str) -> Layout {
        Layout::new(
            user,
            format!("{handout} – {}", self.ctx.banner.name),
            "/patients",
        )
    }

    /// The staff bar of a handout of this patient.
    pub fn staff_bar(
        &self,
        handout: &'static str,
        query: &LanguageQuery,
        notices: Vec<String>,
    ) -> Result<StaffBar, AppError> {
        Ok(StaffBar {
            back_href: format!(
                "{}{}",
                super::patient_handouts_href(&self.ctx.banner.id),
                query.suffix()
            ),
            back_label: "All handouts for this patient",
            handout,
            language_note: self.languages.note(),
            choices: self.languages.options(query)?,
            notices,
        })
    }
}
