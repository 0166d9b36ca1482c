//! Practice policy (`/admin/policy`, administrators only): every care-rule setting with its
//! description and default, rules switched on and off, the crisis text shown when PHQ-9 item 9
//! is positive (per language), and the history of changes from the audit log.
//!
//! Every change goes through the store (`set_policy` checks the value and audits old → new),
//! then the running policy in `AppState` is reloaded from the store, so the next page view
//! evaluates with it.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use haven_core::policy::{KEY_RHS15_ENABLED, KEY_RULES_DISABLED, PolicyEntry};
use haven_core::rules::RuleId;
use haven_store::{AuditEntry, PolicyChangeError};
use serde::Deserialize;

use super::form::{Choice, FormErrors, Shown, choices, choices_with_blank};
use super::layout::Layout;
use super::referral_letter::LETTERHEAD_KEY;
use super::safety_text::{DEFAULT_SAFETY_TEXT, SAFETY_TEXT_PREFIX};
use super::{page_status, see_other};
use crate::AppState;
use crate::auth::{ADMIN_ROLES, CurrentUser};
use crate::error::AppError;
use crate::reference::languages;

/// The longest crisis text accepted: a short, readable notice.
pub const MAX_SAFETY_TEXT: usize = 2000;
/// Audit rows searched for setting changes (newest first).
const HISTORY_SCAN: i64 = 5000;
const HISTORY_SHOWN: usize = 50;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/policy", get(show).post(change))
        .route("/admin/policy/rules", post(toggle_rule))
        .route("/admin/policy/safety-text", post(change_safety_text))
        .route("/admin/policy/letterhead", post(change_letterhead))
}

pub struct SettingRow {
    pub entry: PolicyEntry,
    /// The input's id and error key.
    pub field: String,
    /// Shown as typed after a refused change.
    pub value: String,
    /// `Some` for true / false settings, drawn as a select.
    pub options: Option<Vec<Choice>>,
}

pub struct RuleRow {
    pub id: &'static str,
    pub title: &'static str,
    pub section: &'static str,
    pub enabled: bool,
}

pub struct SafetyRow {
    pub language: String,
    pub lang: String,
    pub dir: &'static str,
    pub text: String,
}

pub struct ChangeRow {
    pub at: String,
    pub by: String,
    pub key: String,
    pub old: String,
    pub new: String,
}

#[derive(Template)]
#[template(path = "admin/policy.html")]
struct PolicyPage {
    layout: Layout,
    settings: Vec<SettingRow>,
    rules: Vec<RuleRow>,
    safety: Vec<SafetyRow>,
    safety_languages: Vec<Choice>,
    safety_text: String,
    default_safety_text: &'static str,
    /// The practice's name and address as referral letters print them.
    letterhead: String,
    history: Vec<ChangeRow>,
    errors: FormErrors,
    notice: &'static str,
}

/// What was typed into a refused form, to show it again.
#[derive(Default)]
struct Typed {
    key: String,
    value: String,
    safety_language: String,
    safety_text: String,
    letterhead: Option<String>,
}

fn field_of(key: &str) -> String {
    format!("policy-{key}")
}

/// Splits an audit detail `key: "old" -> "new"` (the store's format) into its parts.
pub fn parse_change(detail: &str) -> Option<(String, String, String)> {
    let (key, rest) = detail.split_once(": \"")?;
    let rest = rest.strip_suffix('"')?;
    let mut split = None;
    let bytes = rest.as_bytes();
    for (i, _) in rest.match_indices("\" -> \"") {
        if i == 0 || bytes[i - 1] != b'\\' {
            split = Some(i);
        }
    }
    let i = split?;
    Some((
        key.to_owned(),
        unescape(&rest[..i]),
        unescape(&rest[i + 6..]),
    ))
}

fn unescape(s: &str) -> String {
    s.replace("\\n", "\n")
        .replace("\\\"", "\"")
        .replace("\\\\", "\\")
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    shown: Shown<Typed>,
    notice: &'static str,
) -> Result<Response, AppError> {
    let Shown {
        status,
        form: typed,
        errors,
    } = shown;
    let policy = state.store.policy().await?;
    let settings = policy
        .entries()
        .into_iter()
        .map(|entry| {
            let field = field_of(entry.key);
            let value = if typed.key == entry.key {
                typed.value.clone()
            } else {
                entry.value.clone()
            };
            let options = (entry.key == KEY_RHS15_ENABLED).then(|| {
                choices(
                    [
                        ("true", "Yes — RHS-15 is used"),
                        ("false", "No — hidden and ignored"),
                    ],
                    &value,
                )
            });
            SettingRow {
                entry,
                field,
                value,
                options,
            }
        })
        .collect();
    let rules = RuleId::ALL
        .iter()
        .map(|&r| RuleRow {
            id: r.id(),
            title: r.info().title,
            section: r.info().section,
            enabled: policy.is_enabled(r),
        })
        .collect();
    let mut safety = Vec::new();
    for (code, name) in languages::choices() {
        if let Some(text) = state
            .store
            .setting(&format!("{SAFETY_TEXT_PREFIX}{code}"))
            .await?
            && !text.trim().is_empty()
        {
            let rtl = haven_core::LanguageTag::parse(code).is_ok_and(|t| t.is_right_to_left());
            safety.push(SafetyRow {
                language: name.to_owned(),
                lang: code.to_owned(),
                dir: if rtl { "rtl" } else { "ltr" },
                text,
            });
        }
    }
    let history = state
        .store
        .audit_recent(None, HISTORY_SCAN)
        .await?
        .into_iter()
        .filter(|a: &AuditEntry| a.action == "setting.change")
        .take(HISTORY_SHOWN)
        .map(|a| {
            let (key, old, new) = parse_change(&a.detail)
                .unwrap_or_else(|| (a.detail.clone(), String::new(), String::new()));
            ChangeRow {
                at: a.at,
                by: a.actor,
                key,
                old,
                new,
            }
        })
        .collect();
    let page_data = PolicyPage {
        layout: Layout::new(user, "Practice policy", "/admin/policy"),
        settings,
        rules,
        safety,
        safety_languages: choices_with_blank(
            "Choose a language",
            languages::choices(),
            &typed.safety_language,
        ),
        safety_text: typed.safety_text,
        default_safety_text: DEFAULT_SAFETY_TEXT,
        letterhead: match typed.letterhead {
            Some(typed) => typed,
            None => state
                .store
                .setting(LETTERHEAD_KEY)
                .await?
                .unwrap_or_default(),
        },
        history,
        errors,
        notice,
    };
    page_status(status, &page_data)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Done {
    done: String,
}

fn notice(done: &str) -> &'static str {
    match done {
        "changed" => "The setting was changed. The care rules use it from now on.",
        "unchanged" => "The setting already had that value; nothing was changed.",
        "rule" => "The rule was switched. Patient pages and worklists reflect it from now on.",
        "safety" => "The crisis text was saved.",
        "letterhead" => "The practice’s name and address for letters were saved.",
        _ => "",
    }
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    user.require(ADMIN_ROLES)?;
    render(
        &state,
        &user,
        Shown::new(Typed::default()),
        notice(&done.done),
    )
    .await
}

/// Replaces the running policy with the stored one, so every request after a change uses it.
async fn reload(state: &AppState) -> Result<(), AppError> {
    state.reload_policy().await?;
    Ok(())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ChangeForm {
    key: String,
    value: String,
}

async fn change(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<ChangeForm>,
) -> Result<Response, AppError> {
    user.require(ADMIN_ROLES)?;
    if !haven_core::policy::Policy::keys().any(|k| k == form.key) {
        return Err(AppError::BadRequest("unknown policy setting"));
    }
    match state
        .store
        .set_policy(&user.actor(), &form.key, &form.value)
        .await
    {
        Ok(changed) => {
            reload(&state).await?;
            tracing::info!(key = %form.key, changed, "policy setting changed");
            Ok(see_other(if changed {
                "/admin/policy?done=changed"
            } else {
                "/admin/policy?done=unchanged"
            }))
        }
        Err(PolicyChangeError::Invalid(e)) => {
            let mut errors = FormErrors::default();
            // The message starts with the key itself, as the core words it.
            errors.add(field_of(&form.key), e.to_string());
            render(
                &state,
                &user,
                Shown::invalid(
                    Typed {
                        key: form.key,
                        value: form.value,
                        ..Typed::default()
                    },
                    errors,
                ),
                "",
            )
            .await
        }
        Err(PolicyChangeError::Store(e)) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RuleForm {
    rule: String,
    enabled: String,
}

async fn toggle_rule(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<RuleForm>,
) -> Result<Response, AppError> {
    user.require(ADMIN_ROLES)?;
    let rule = RuleId::parse(&form.rule).ok_or(AppError::BadRequest("unknown rule"))?;
    let enabled = match form.enabled.as_str() {
        "yes" => true,
        "no" => false,
        _ => return Err(AppError::BadRequest("enabled must be yes or no")),
    };
    let mut policy = state.store.policy().await?;
    policy.set_enabled(rule, enabled);
    let list = policy.disabled_ids().collect::<Vec<_>>().join(", ");
    match state
        .store
        .set_policy(&user.actor(), KEY_RULES_DISABLED, &list)
        .await
    {
        Ok(_) => {
            reload(&state).await?;
            tracing::info!(rule = rule.id(), enabled, "rule switched");
            Ok(see_other("/admin/policy?done=rule"))
        }
        Err(PolicyChangeError::Invalid(_)) => Err(AppError::BadRequest("rule list refused")),
        Err(PolicyChangeError::Store(e)) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SafetyForm {
    language: String,
    text: String,
}

async fn change_safety_text(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<SafetyForm>,
) -> Result<Response, AppError> {
    user.require(ADMIN_ROLES)?;
    let mut errors = FormErrors::default();
    if !languages::is_offered(&form.language) {
        errors.add("safety-language", "Choose the language of the text");
    }
    let text = form.text.trim().replace("\r\n", "\n");
    if text.chars().count() > MAX_SAFETY_TEXT {
        errors.add(
            "safety-text",
            format!("Shorten the text to at most {MAX_SAFETY_TEXT} characters"),
        );
    }
    if !errors.is_empty() {
        let typed = Typed {
            safety_language: form.language,
            safety_text: form.text,
            ..Typed::default()
        };
        return render(&state, &user, Shown::invalid(typed, errors), "").await;
    }
    // An empty text removes the language's own text: its speakers then see the English one.
    state
        .store
        .set_setting(
            &user.actor(),
            &format!("{SAFETY_TEXT_PREFIX}{}", form.language),
            &text,
        )
        .await?;
    Ok(see_other("/admin/policy?done=safety"))
}

/// The longest letterhead accepted: a name and an address.
const MAX_LETTERHEAD: usize = 500;

#[derive(Deserialize, Default)]
#[serde(default)]
struct LetterheadForm {
    letterhead: String,
}

async fn change_letterhead(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<LetterheadForm>,
) -> Result<Response, AppError> {
    user.require(ADMIN_ROLES)?;
    let text = form.letterhead.trim().replace("\r\n", "\n");
    let mut errors = FormErrors::default();
    if text.chars().count() > MAX_LETTERHEAD {
        errors.add(
            "letterhead",
            format!("Shorten the name and address to at most {MAX_LETTERHEAD} characters"),
        );
    } else if let Some(c) = haven_core::text::forbidden_control(&text, true) {
        errors.add(
            "letterhead",
            super::form::capitalise(&haven_core::text::forbidden_control_message(c)),
        );
    }
    if !errors.is_empty() {
        let typed = Typed {
            letterhead: Some(form.letterhead),
            ..Typed::default()
        };
        return render(&state, &user, Shown::invalid(typed, errors), "").await;
    }
    state
        .store
        .set_setting(&user.actor(), LETTERHEAD_KEY, &text)
        .await?;
    Ok(see_other("/admin/policy?done=letterhead"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_audit_detail_of_a_setting_change() {
        assert_eq!(
            parse_change(r#"policy.pcl5.cutoff: "33" -> "31""#),
            Some(("policy.pcl5.cutoff".into(), "33".into(), "31".into()))
        );
        assert_eq!(
            parse_change(r#"policy.rules.disabled: "" -> "screening.hiv""#),
            Some((
                "policy.rules.disabled".into(),
                String::new(),
                "screening.hiv".into()
            ))
        );
        let text = format!(
            "safety-text.en: {:?} -> {:?}",
            "", "Call \"111\" -> option 2\nor 999"
        );
        assert_eq!(
            parse_change(&text).map(|c| c.2),
            Some("Call \"111\" -> option 2\nor 999".to_owned())
        );
        assert_eq!(parse_change("garbage"), None);
    }
}
