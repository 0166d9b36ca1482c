//! Rule actions → CDS Hooks cards: one card per action, the summary within the 140
//! characters the specification allows, the indicator from the urgency, and the source naming
//! Haven and the guidance section with a link to Haven's page for it.

use haven_core::guidance;
use haven_core::rules::{Action, Urgency};
use uuid::Uuid;

use super::wire::{Card, Link, Source};
use crate::uris;

/// The most characters a card summary may have (CDS Hooks: "<140 characters").
pub const SUMMARY_MAX: usize = 140;

/// Namespace for card uuids: v5 uuids from the action's content are stable, so the same
/// advice keeps its uuid between calls and feedback can refer to it.
const CARD_NAMESPACE: Uuid = Uuid::from_u128(0x6f3c_2a1e_8b4d_4c5e_9a7f_1d2e_3c4b_5a69);

/// One card per action, in the order given. `guidance_base_url` is Haven's public address
/// (e.g. `https://haven.example.org`); links go to `/guidance/<n>` there.
pub fn cards(actions: &[Action], guidance_base_url: &str) -> Vec<Card> {
    let base = guidance_base_url.trim_end_matches('/');
    actions.iter().map(|a| card(a, base)).collect()
}

fn card(action: &Action, base: &str) -> Card {
    let info = action.info();
    let number: Option<u8> = action.section.trim_start_matches('§').parse().ok();
    let section = number.and_then(guidance::section);
    let page = number.map(|n| format!("{base}/guidance/{n}"));
    let section_name = match section {
        Some(s) => format!("{} {}", action.section, s.title),
        None => action.section.to_owned(),
    };
    let due = action
        .due
        .map(|d| format!(" (due {d})"))
        .unwrap_or_default();
    let detail = format!(
        "{}\n\n**To resolve:** {}\n\n*Why:* {}",
        action.reason, action.resolve, info.rationale
    );
    let identity = format!(
        "{}|{}|{}",
        action.rule.id(),
        action.due.map(|d| d.to_string()).unwrap_or_default(),
        action.reason
    );
    Card {
        uuid: Uuid::new_v5(&CARD_NAMESPACE, identity.as_bytes()).to_string(),
        summary: truncate(&format!("{}{due}", info.title), SUMMARY_MAX),
        detail: Some(detail),
        indicator: indicator(action.urgency).to_owned(),
        source: Source {
            label: format!("Haven care rules — guidance {section_name}"),
            url: page.clone(),
            topic: Some(crate::model::Coding::new(
                uris::system("care-rule"),
                action.rule.id(),
                info.title,
            )),
        },
        links: page
            .into_iter()
            .map(|url| Link {
                label: format!("Guidance {section_name}"),
                url,
                link_type: "absolute".into(),
            })
            .collect(),
    }
}

/// `critical` for urgent, `warning` for soon, `info` otherwise.
pub fn indicator(urgency: Urgency) -> &'static str {
    match urgency {
        Urgency::Urgent => "critical",
        Urgency::Soon => "warning",
        Urgency::Routine | Urgency::Info => "info",
    }
}

/// At most `max` characters, cut at a word where possible, with an ellipsis when cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let head: String = text.chars().take(max - 1).collect();
    let cut = head
        .rfind(' ')
        .filter(|&i| i > max / 2)
        .unwrap_or(head.len());
    format!("{}…", head[..cut].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_summaries_are_cut_at_a_word_within_the_limit() {
        let long = "word ".repeat(60);
        let cut = truncate(&long, SUMMARY_MAX);
        assert!(
            cut.chars().count() <= SUMMARY_MAX && cut.ends_with("word…"),
            "{cut}"
        );
        assert_eq!(truncate("short", SUMMARY_MAX), "short");
        let unbroken = "x".repeat(200);
        assert_eq!(truncate(&unbroken, 10).chars().count(), 10);
    }

    #[test]
    fn indicators_follow_urgency() {
        assert_eq!(indicator(Urgency::Urgent), "critical");
        assert_eq!(indicator(Urgency::Soon), "warning");
        assert_eq!(indicator(Urgency::Routine), "info");
        assert_eq!(indicator(Urgency::Info), "info");
    }
}
