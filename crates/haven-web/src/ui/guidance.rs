//! The guidance pages (`/guidance`, `/guidance/{section}`): §1–§10 in Haven's own words
//! (`haven_core::guidance`), each with the care rules that carry it out, why each exists and
//! what resolves it. Every action on the patient page and the worklist links here.
//!
//! Open to every signed-in role: the pages hold no patient data.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use haven_core::guidance::{self, GuidanceSection, Resource};
use haven_core::rules::RuleId;

use super::layout::Layout;
use super::page;
use crate::AppState;
use crate::auth::{ALL_ROLES, CurrentUser};
use crate::error::AppError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/guidance", get(index))
        .route("/guidance/{section}", get(show))
}

/// The link to a guidance section from its `§6`-style label; `None` for anything else.
pub fn section_href(label: &str) -> Option<String> {
    let n: u8 = label.strip_prefix('§')?.parse().ok()?;
    guidance::section(n).map(|s| format!("/guidance/{}", s.number))
}

pub struct RuleView {
    pub id: &'static str,
    pub title: &'static str,
    pub urgency: &'static str,
    pub urgency_label: &'static str,
    pub version: u32,
    pub rationale: &'static str,
    pub resolve: &'static str,
    pub enabled: bool,
}

fn rule_view(rule: RuleId, enabled: bool) -> RuleView {
    let info = rule.info();
    RuleView {
        id: info.id.id(),
        title: info.title,
        urgency: info.urgency.id(),
        urgency_label: info.urgency.label(),
        version: info.version,
        rationale: info.rationale,
        resolve: info.resolve,
        enabled,
    }
}

#[derive(Template)]
#[template(path = "guidance/index.html")]
struct IndexPage {
    layout: Layout,
    sections: &'static [GuidanceSection],
}

/// Haven's pages that carry out a section, linked from it: `(section, href, link text)`.
const HAVEN_PAGES: &[(u8, &str, &str)] = &[
    (
        2,
        "/handouts",
        "The “I need an interpreter” card, in the person’s language",
    ),
    (
        3,
        "/handouts",
        "Wellbeing handouts in the person’s language",
    ),
    (
        6,
        "/handouts",
        "The safety plan printed in the person’s language",
    ),
    (
        4,
        "/directory?need=refugee-support",
        "Refugee support organisations in the practice’s directory",
    ),
    (
        4,
        "/directory?need=social-prescribing",
        "Social prescribing in the practice’s directory",
    ),
    (
        5,
        "/directory?need=specialist-trauma",
        "Specialist trauma therapy for survivors of torture, in the directory",
    ),
    (
        5,
        "/directory?need=talking-therapies",
        "NHS Talking Therapies in the directory",
    ),
    (
        10,
        "/directory",
        "The directory of organisations, to search by need and language and to refer from",
    ),
    (
        10,
        "#further-information",
        "The organisations named in this guidance",
    ),
];

#[derive(Template)]
#[template(path = "guidance/section.html")]
struct SectionPage {
    layout: Layout,
    section: &'static GuidanceSection,
    /// Haven's own pages for this section: `(href, link text)`.
    haven_pages: Vec<(&'static str, &'static str)>,
    rules: Vec<RuleView>,
    resources: &'static [Resource],
    prev: Option<&'static GuidanceSection>,
    next: Option<&'static GuidanceSection>,
}

async fn index(user: CurrentUser) -> Result<Response, AppError> {
    user.require(ALL_ROLES)?;
    page(&IndexPage {
        layout: Layout::new(&user, "Clinical guidance", "/guidance"),
        sections: guidance::sections(),
    })
}

/// `/guidance/6` or `/guidance/prognosis-and-risk`.
fn find(key: &str) -> Option<&'static GuidanceSection> {
    match key.parse::<u8>() {
        Ok(n) => guidance::section(n),
        Err(_) => guidance::section_by_slug(key),
    }
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    user.require(ALL_ROLES)?;
    let section = find(key.trim_start_matches('§')).ok_or(AppError::NotFound)?;
    let policy = state.policy();
    let rules = section
        .rules
        .iter()
        .map(|&r| rule_view(r, policy.is_enabled(r)))
        .collect();
    let page_data = SectionPage {
        layout: Layout::new(
            &user,
            format!("§{} {}", section.number, section.title),
            "/guidance",
        ),
        rules,
        haven_pages: HAVEN_PAGES
            .iter()
            .filter(|(n, _, _)| *n == section.number)
            .map(|&(_, href, text)| (href, text))
            .collect(),
        resources: if section.number == 10 {
            guidance::resources()
        } else {
            &[]
        },
        prev: section.number.checked_sub(1).and_then(guidance::section),
        next: guidance::section(section.number + 1),
        section,
    };
    page(&page_data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_section_has_a_page() {
        for info in haven_core::rules::catalogue() {
            let href = section_href(info.section).expect(info.section);
            let n: u8 = href
                .trim_start_matches("/guidance/")
                .parse()
                .expect("number");
            assert!(
                guidance::section(n).is_some_and(|s| s.rules.contains(&info.id)),
                "{} not listed under {}",
                info.id,
                info.section
            );
        }
        assert_eq!(section_href("6"), None);
        assert_eq!(section_href("§11"), None);
        assert!(find("2").is_some() && find("0").is_none());
        assert_eq!(
            find(guidance::sections()[5].slug).map(|s| s.number),
            Some(6)
        );
    }
}
