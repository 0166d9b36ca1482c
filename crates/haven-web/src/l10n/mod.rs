//! Patient handouts in the patient's language, with Fluent: one `.ftl` file per language in
//! `crates/haven-web/locales/`, named by the language's code in haven-core's one language
//! table, compiled into the binary.
//!
//! Every file says whether a qualified translator has reviewed it (`-review-status`, read
//! here) and which script it is written in (`-script`). A handout from a draft file carries a
//! visible "draft translation — check with an interpreter" mark. Loading checks that every
//! translation has exactly English's messages, each with English's variables, so a handout
//! can never lose a date or a phone number in one language; a failure is a typed error, and
//! the handout pages answer 500 rather than print a page with a gap.
//!
//! [`choose`] picks the translation for a person's language tag, or English with the
//! "ask an interpreter to read this with the patient" line when Haven has none: never another
//! language, never a script the tag rules out.

mod check;
mod choice;
mod dates;

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use haven_core::language::{self, Language};

pub use choice::{HandoutLanguage, choose};
pub use dates::long_date;

/// Every shipped translation, English (the source text) first. The file name is the
/// language's code in `haven_core::language::LANGUAGES`.
const SOURCES: [(&str, &str); 10] = [
    ("en", include_str!("../../locales/en.ftl")),
    ("ar", include_str!("../../locales/ar.ftl")),
    ("fa", include_str!("../../locales/fa.ftl")),
    ("prs", include_str!("../../locales/prs.ftl")),
    ("ps", include_str!("../../locales/ps.ftl")),
    ("ti", include_str!("../../locales/ti.ftl")),
    ("ckb", include_str!("../../locales/ckb.ftl")),
    ("so", include_str!("../../locales/so.ftl")),
    ("sq", include_str!("../../locales/sq.ftl")),
    ("vi", include_str!("../../locales/vi.ftl")),
];

/// Whether a qualified translator has reviewed a file (its `-review-status` term).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewStatus {
    Reviewed,
    Draft,
}

impl ReviewStatus {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "reviewed" => Some(Self::Reviewed),
            "draft" => Some(Self::Draft),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum L10nError {
    #[error("locales/{file}.ftl does not parse: {errors}")]
    Parse { file: &'static str, errors: String },
    #[error("locales/{file}.ftl is not named by a code in haven-core's language table")]
    UnknownLanguage { file: &'static str },
    #[error("locales/{file}.ftl: {problem}")]
    Invalid { file: &'static str, problem: String },
    #[error("no message {id:?} in locales/{language}.ftl")]
    MissingMessage { language: &'static str, id: String },
    #[error("message {id:?} in locales/{language}.ftl: {detail}")]
    Format {
        language: &'static str,
        id: String,
        detail: String,
    },
}

/// One shipped translation.
pub struct Locale {
    pub language: &'static Language,
    pub review: ReviewStatus,
    /// The ISO 15924 script the file is written in (`Latn`, `Arab`, `Ethi`).
    pub script: String,
    bundle: FluentBundle<FluentResource>,
}

impl Locale {
    /// The language's code, for `lang`.
    pub fn code(&self) -> &'static str {
        self.language.code
    }

    /// `rtl` or `ltr`, for `dir`.
    pub fn dir(&self) -> &'static str {
        self.language.direction.html()
    }

    pub fn is_draft(&self) -> bool {
        self.review == ReviewStatus::Draft
    }

    /// A message without variables.
    pub fn text(&self, id: &str) -> Result<String, L10nError> {
        self.text_with(id, &[])
    }

    /// A message with its variables, as plain text (templates escape it and isolate its
    /// left-to-right runs).
    pub fn text_with(&self, id: &str, args: &[(&str, &str)]) -> Result<String, L10nError> {
        let missing = || L10nError::MissingMessage {
            language: self.code(),
            id: id.to_owned(),
        };
        let pattern = self
            .bundle
            .get_message(id)
            .and_then(|m| m.value())
            .ok_or_else(missing)?;
        let mut fluent_args = FluentArgs::new();
        for &(name, value) in args {
            fluent_args.set(name, value);
        }
        let mut errors = Vec::new();
        let text = self
            .bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors);
        if errors.is_empty() {
            Ok(text.into_owned())
        } else {
            Err(L10nError::Format {
                language: self.code(),
                id: id.to_owned(),
                detail: errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            })
        }
    }
}

/// Every shipped translation, checked against English.
pub struct Catalogue {
    /// English first.
    locales: Vec<Locale>,
}

impl Catalogue {
    fn load() -> Result<Self, L10nError> {
        let resources = SOURCES
            .iter()
            .map(|&(file, source)| parse(file, source).map(|r| (file, r)))
            .collect::<Result<Vec<_>, _>>()?;
        let english = &resources[0].1;
        for (file, resource) in &resources[1..] {
            let differences = check::differences(english, resource);
            if !differences.is_empty() {
                return Err(L10nError::Invalid {
                    file,
                    problem: differences.join("; "),
                });
            }
        }
        let locales = resources
            .into_iter()
            .map(|(file, resource)| locale(file, resource))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { locales })
    }

    /// The English source text.
    pub fn english(&self) -> &Locale {
        &self.locales[0]
    }

    /// The translation with this language code, exactly as the table records it.
    pub fn get(&self, code: &str) -> Option<&Locale> {
        self.locales.iter().find(|l| l.code() == code)
    }

    /// Every shipped translation, English first.
    pub fn iter(&self) -> impl Iterator<Item = &Locale> {
        self.locales.iter()
    }
}

static CATALOGUE: LazyLock<Result<Catalogue, L10nError>> = LazyLock::new(Catalogue::load);

/// The shipped translations, loaded once.
pub fn catalogue() -> Result<&'static Catalogue, L10nError> {
    CATALOGUE.as_ref().map_err(Clone::clone)
}

fn parse(file: &'static str, source: &str) -> Result<FluentResource, L10nError> {
    FluentResource::try_new(source.to_owned()).map_err(|(_, errors)| L10nError::Parse {
        file,
        errors: errors
            .iter()
            .map(|e| format!("{:?} at bytes {:?}", e.kind, e.pos))
            .collect::<Vec<_>>()
            .join("; "),
    })
}

fn locale(file: &'static str, resource: FluentResource) -> Result<Locale, L10nError> {
    let language = language::by_code(file).ok_or(L10nError::UnknownLanguage { file })?;
    let terms = check::terms(&resource);
    let invalid = |problem: &str| L10nError::Invalid {
        file,
        problem: problem.to_owned(),
    };
    let review = terms
        .get("review-status")
        .and_then(|s| ReviewStatus::parse(s))
        .ok_or_else(|| invalid("-review-status must be \"reviewed\" or \"draft\""))?;
    if review == ReviewStatus::Reviewed && terms.get("reviewed-by").is_none_or(String::is_empty) {
        return Err(invalid(
            "a reviewed file names its reviewer and the date in -reviewed-by",
        ));
    }
    let script = terms
        .get("script")
        .filter(|s| s.len() == 4 && s.chars().all(|c| c.is_ascii_alphabetic()))
        .ok_or_else(|| invalid("-script must name an ISO 15924 script, like Arab"))?
        .clone();
    let id = file
        .parse()
        .map_err(|_| invalid("the file name is not a language identifier"))?;
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Haven isolates left-to-right runs itself (`bidi::isolate_ltr`), in every handout the
    // same way; Fluent's own isolation marks would be invisible characters in the text.
    bundle.set_use_isolating(false);
    bundle
        .add_resource(resource)
        .map_err(|errors| L10nError::Invalid {
            file,
            problem: format!("{errors:?}"),
        })?;
    Ok(Locale {
        language,
        review,
        script,
        bundle,
    })
}

#[cfg(test)]
mod tests;
