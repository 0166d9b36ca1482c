//! The practice's crisis text (§6): shown with a questionnaire whose answers suggest suicidal
//! thoughts, with the result, and on the printed safety plan; set per language by an
//! administrator (`ui::policy_admin`), with Haven's own English text until one is set.

use haven_core::LanguageTag;
use haven_store::StoreError;

use crate::AppState;

/// Settings key prefix of the crisis text, per language: `safety-text.ar`, `safety-text.en`.
pub const SAFETY_TEXT_PREFIX: &str = "safety-text.";

/// Crisis contacts shown when no practice text is configured, in our own words.
pub const DEFAULT_SAFETY_TEXT: &str = "If you are thinking about ending your life or harming yourself, please tell someone now. You do not have to cope with this alone.
Samaritans: call 116 123, free, at any time of day or night.
NHS 111: call 111 and choose option 2 for urgent mental health help.
In an emergency, or if you are in danger now, call 999 or go to A&E.
You can also contact this practice and ask to speak to a clinician today.";

/// The crisis text for one language, marked up with its language and direction.
#[derive(Clone, Debug)]
pub struct SafetyText {
    pub text: String,
    pub lang: String,
    /// `rtl` or `ltr`.
    pub dir: &'static str,
    /// `false` when Haven's built-in English text is shown.
    pub configured: bool,
}

/// The practice's crisis text in the person's language where one is configured (full tag,
/// then primary language), else the practice's English text, else Haven's default.
pub async fn safety_text(
    state: &AppState,
    language: Option<&LanguageTag>,
) -> Result<SafetyText, StoreError> {
    let mut keys: Vec<String> = Vec::new();
    if let Some(l) = language {
        keys.push(l.as_str().to_owned());
        keys.push(l.primary().to_owned());
    }
    keys.push("en".to_owned());
    keys.dedup();
    for key in keys {
        if let Some(text) = state
            .store
            .setting(&format!("{SAFETY_TEXT_PREFIX}{key}"))
            .await?
            && !text.trim().is_empty()
        {
            let rtl = LanguageTag::parse(&key).is_ok_and(|t| t.is_right_to_left());
            return Ok(SafetyText {
                text,
                dir: if rtl { "rtl" } else { "ltr" },
                lang: key,
                configured: true,
            });
        }
    }
    Ok(SafetyText {
        text: DEFAULT_SAFETY_TEXT.to_owned(),
        lang: "en".to_owned(),
        dir: "ltr",
        configured: false,
    })
}
