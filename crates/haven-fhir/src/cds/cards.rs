//! Rule actions → CDS Hooks cards: one card per action, the summary within the 140
//! characters the specification allows, the indicator from the urgency, and the source naming
//! Haven and the guidance section with a link to Haven's page for it.

use haven_core::guidance;
use haven_core::rules::{Action, Urgency};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::wire::{Card, Link, Source};
use crate::uris;

/// The most characters a card summary may have (CDS Hooks: "<140 characters").
pub const SUMMARY_MAX: usize = 140;

/// The deployment's key for card uuids. A card's uuid is stable (the same advice keeps its
/// uuid between calls, so feedback can refer to it) and shows that Haven issued it, without
/// Haven keeping every card it ever issued: its first half is a digest of the card's content
/// (with the uuid version), its second half a keyed MAC of the first (with the variant), so
/// feedback naming a uuid Haven never issued is told so (a guess passes one time in 2^62).
#[derive(Clone)]
pub struct CardKey([u8; 32]);

type HmacSha256 = Hmac<Sha256>;

impl CardKey {
    pub fn new(secret: [u8; 32]) -> Self {
        Self(secret)
    }

    fn seal(&self, content: [u8; 8]) -> [u8; 8] {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(&content);
        let digest = mac.finalize().into_bytes();
        let mut seal = [0u8; 8];
        seal.copy_from_slice(&digest[..8]);
        // RFC 9562 variant.
        seal[0] = (seal[0] & 0x3f) | 0x80;
        seal
    }

    /// The uuid of the card whose content is `identity`.
    pub fn card_id(&self, identity: &str) -> Uuid {
        let digest = Sha256::digest(identity.as_bytes());
        let mut content = [0u8; 8];
        content.copy_from_slice(&digest[..8]);
        // Version 8: custom.
        content[6] = (content[6] & 0x0f) | 0x80;
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&content);
        bytes[8..].copy_from_slice(&self.seal(content));
        Uuid::from_bytes(bytes)
    }

    /// Whether `uuid` is a card uuid made with this key.
    pub fn issued(&self, uuid: &str) -> bool {
        let Ok(uuid) = Uuid::parse_str(uuid) else {
            return false;
        };
        let bytes = uuid.as_bytes();
        let mut content = [0u8; 8];
        content.copy_from_slice(&bytes[..8]);
        uuid.get_version_num() == 8 && self.seal(content) == bytes[8..]
    }
}

/// One card per action, in the order given. `guidance_base_url` is Haven's public address
/// (e.g. `https://haven.example.org`); links go to `/guidance/<n>` there.
pub fn cards(actions: &[Action], guidance_base_url: &str, key: &CardKey) -> Vec<Card> {
    let base = guidance_base_url.trim_end_matches('/');
    actions.iter().map(|a| card(a, base, key)).collect()
}

fn card(action: &Action, base: &str, key: &CardKey) -> Card {
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
        uuid: key.card_id(&identity).to_string(),
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

    #[test]
    fn a_card_uuid_is_stable_and_shows_which_key_issued_it() {
        let key = CardKey::new([7; 32]);
        let id = key.card_id("risk.assess-now||reason");
        assert_eq!(id, key.card_id("risk.assess-now||reason"));
        assert_ne!(id, key.card_id("risk.assess-now||another reason"));
        assert_eq!(id.get_version_num(), 8);
        assert_eq!(id.get_variant(), uuid::Variant::RFC4122);
        assert!(key.issued(&id.to_string()));
        assert!(!CardKey::new([8; 32]).issued(&id.to_string()));
        assert!(!key.issued(&Uuid::new_v4().to_string()));
        assert!(!key.issued("not a uuid"));
        // One bit changed anywhere in the seal is refused.
        let mut forged = *id.as_bytes();
        forged[15] ^= 1;
        assert!(!key.issued(&Uuid::from_bytes(forged).to_string()));
    }
}
