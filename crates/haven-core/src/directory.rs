//! The directory of organisations a practice refers people to (§4, §5, §10): the help each one
//! gives, where, in which languages, whom it accepts, how to refer and its public web address;
//! searching it by need and language; and which entries fit a patient's open actions.
//!
//! This is the pure part. The store keeps every version of every entry (`haven-store`
//! `directory.rs`); entries are never deleted, and an organisation that no longer helps is
//! marked inactive, so a referral made to it still names it.

use crate::language::LanguageTag;
use crate::record::{Coded, ReferralType, ValidationError, coded};
use crate::rules::{Action, RuleId};
use crate::text::{fold, forbidden_control, forbidden_control_message};

coded!(
    /// The kinds of help an organisation gives (Haven code system `help-kind`).
    HelpKind {
        RefugeeSupport = "refugee-support", "Refugee support";
        SpecialistTrauma = "specialist-trauma", "Specialist trauma therapy for survivors of torture";
        TalkingTherapies = "talking-therapies", "NHS Talking Therapies";
        SocialPrescribing = "social-prescribing", "Social prescribing";
        SexualHealth = "sexual-health", "Sexual health";
        Interpreting = "interpreting", "Interpreting";
        LegalAdvice = "legal-advice", "Legal advice";
        MedicoLegal = "medico-legal", "Medico-legal reports";
        HealthcareAccess = "healthcare-access", "Help to use healthcare";
        CrisisSupport = "crisis-support", "Emotional support in a crisis";
        Information = "information", "Information and resources";
    }
);

impl HelpKind {
    /// The type a referral for this help is recorded as, where the rules track one.
    pub fn referral_type(self) -> Option<ReferralType> {
        match self {
            Self::RefugeeSupport => Some(ReferralType::RefugeeSupport),
            Self::SpecialistTrauma => Some(ReferralType::SpecialistTrauma),
            Self::TalkingTherapies => Some(ReferralType::TalkingTherapies),
            Self::SocialPrescribing => Some(ReferralType::SocialPrescribing),
            Self::SexualHealth => Some(ReferralType::SexualHealth),
            _ => None,
        }
    }
}

/// The longest name, area or web address accepted: a line on a page, not a document.
const MAX_LINE: usize = 300;

/// One organisation, as its current version says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organisation {
    pub name: String,
    pub help: Vec<HelpKind>,
    /// Where it works ("National", a city, a county).
    pub area: String,
    /// The languages its staff or volunteers work in, where it says.
    pub languages: Vec<LanguageTag>,
    /// Who it accepts, in its own terms.
    pub accepts: String,
    pub how_to_refer: String,
    /// Its public web address (`https://…`), or empty.
    pub website: String,
    /// `false` once it no longer takes referrals; it stays listed for the referrals made.
    pub active: bool,
}

impl Organisation {
    /// Checks what an administrator entered: a name, at least one kind of help, a web address
    /// that is one, and no control characters.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.name.trim().is_empty() {
            return Err(ValidationError::new(
                "name",
                "enter the organisation’s name",
            ));
        }
        for (field, text, lines) in [
            ("name", &self.name, false),
            ("area", &self.area, false),
            ("website", &self.website, false),
            ("accepts", &self.accepts, true),
            ("how_to_refer", &self.how_to_refer, true),
        ] {
            if let Some(c) = forbidden_control(text, lines) {
                return Err(ValidationError::new(field, forbidden_control_message(c)));
            }
            if !lines && text.chars().count() > MAX_LINE {
                return Err(ValidationError::new(
                    field,
                    format!("keep it to {MAX_LINE} characters"),
                ));
            }
        }
        if self.help.is_empty() {
            return Err(ValidationError::new(
                "help",
                "choose at least one kind of help it gives",
            ));
        }
        if !self.website.is_empty() && !is_web_address(&self.website) {
            return Err(ValidationError::new(
                "website",
                "enter a web address starting https:// (or http://), for example https://www.example.org",
            ));
        }
        Ok(())
    }

    pub fn offers(&self, need: HelpKind) -> bool {
        self.help.contains(&need)
    }

    /// Whether it works in `language` (any variety: `ar` covers `ar-SD`).
    pub fn speaks(&self, language: &LanguageTag) -> bool {
        self.languages
            .iter()
            .any(|l| l.primary() == language.primary())
    }

    /// The type a referral here is recorded as: that of its first kind of help the rules
    /// track, else "another service".
    pub fn referral_type(&self) -> ReferralType {
        self.help
            .iter()
            .find_map(|h| h.referral_type())
            .unwrap_or(ReferralType::Other)
    }
}

/// A public web address: `http(s)://` and a host name with a dot, then no spaces, quotes or
/// angle brackets (it is drawn as a link).
fn is_web_address(text: &str) -> bool {
    let Some(rest) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_ok = host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    host_ok
        && !rest
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '\\'))
}

/// A search of the directory: by need, language and words, active entries only unless asked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Search {
    /// Entries giving any of these kinds of help; every entry when empty.
    pub needs: Vec<HelpKind>,
    pub language: Option<LanguageTag>,
    /// Words that must all appear (folded) in its name, area, whom it accepts, how to refer
    /// or its kinds of help.
    pub text: String,
    pub include_inactive: bool,
}

impl Search {
    pub fn matches(&self, org: &Organisation) -> bool {
        if !(org.active || self.include_inactive) {
            return false;
        }
        if !self.needs.is_empty() && !self.needs.iter().any(|&need| org.offers(need)) {
            return false;
        }
        if self.language.as_ref().is_some_and(|l| !org.speaks(l)) {
            return false;
        }
        let words = fold(&self.text);
        if words.is_empty() {
            return true;
        }
        let help: Vec<&str> = org.help.iter().map(|h| h.label()).collect();
        let haystack = fold(&format!(
            "{} {} {} {} {}",
            org.name,
            org.area,
            org.accepts,
            org.how_to_refer,
            help.join(" ")
        ));
        words.split(' ').all(|w| haystack.contains(w))
    }
}

/// The kinds of help that answer an action of `rule`: the rules that ask for a referral.
pub fn help_for(rule: RuleId) -> &'static [HelpKind] {
    match rule {
        RuleId::SocialSupportOrg => &[HelpKind::RefugeeSupport],
        RuleId::SocialPrescribing => &[HelpKind::SocialPrescribing],
        RuleId::PsychConsiderReferral | RuleId::PsychMedicationWithoutTherapy => {
            &[HelpKind::SpecialistTrauma, HelpKind::TalkingTherapies]
        }
        RuleId::SexualHealthReferral => &[HelpKind::SexualHealth],
        _ => &[],
    }
}

/// Directory entries that fit one open action.
#[derive(Debug, PartialEq)]
pub struct Suggestion<'a, Id> {
    pub rule: RuleId,
    pub help: &'static [HelpKind],
    /// Active entries giving that help: those working in the person's language first, then
    /// by name.
    pub organisations: Vec<&'a (Id, Organisation)>,
}

/// For each open action that asks for a referral, the directory entries that fit it.
pub fn suggest<'a, Id>(
    actions: &[Action],
    directory: &'a [(Id, Organisation)],
    language: Option<&LanguageTag>,
) -> Vec<Suggestion<'a, Id>> {
    actions
        .iter()
        .filter_map(|action| {
            let help = help_for(action.rule);
            if help.is_empty() {
                return None;
            }
            let mut organisations: Vec<&(Id, Organisation)> = directory
                .iter()
                .filter(|(_, org)| org.active && help.iter().any(|&h| org.offers(h)))
                .collect();
            organisations.sort_by_cached_key(|(_, org)| {
                let speaks = language.is_some_and(|l| org.speaks(l));
                (!speaks, fold(&org.name))
            });
            Some(Suggestion {
                rule: action.rule,
                help,
                organisations,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Urgency;

    fn org(name: &str, help: &[HelpKind], languages: &[&str]) -> Organisation {
        Organisation {
            name: name.into(),
            help: help.to_vec(),
            area: "National".into(),
            languages: languages
                .iter()
                .map(|l| LanguageTag::parse(l).expect("tag"))
                .collect(),
            accepts: String::new(),
            how_to_refer: String::new(),
            website: "https://www.example.org/refer?from=gp".into(),
            active: true,
        }
    }

    #[test]
    fn an_entry_needs_a_name_some_help_and_a_real_web_address() {
        let field = |o: &Organisation| o.validate().map_err(|e| e.field);
        let good = org("Drop-in", &[HelpKind::RefugeeSupport], &[]);
        assert_eq!(field(&good), Ok(()));
        let blank = Organisation {
            website: String::new(),
            ..good.clone()
        };
        assert_eq!(field(&blank), Ok(()), "a web address is optional");
        for bad in [
            "www.example.org",
            "javascript:alert(1)",
            "https://",
            "https://localhost",
            "https://exa mple.org",
            "https://example.org/\"onmouseover=x",
            "ftp://example.org",
        ] {
            let o = Organisation {
                website: bad.into(),
                ..good.clone()
            };
            assert_eq!(field(&o), Err("website"), "{bad}");
        }
        let nameless = Organisation {
            name: "  ".into(),
            ..good.clone()
        };
        assert_eq!(field(&nameless), Err("name"));
        let helpless = Organisation {
            help: vec![],
            ..good.clone()
        };
        assert_eq!(field(&helpless), Err("help"));
        let control = Organisation {
            area: "North\u{1b}".into(),
            ..good.clone()
        };
        assert_eq!(field(&control), Err("area"));
        let lines = Organisation {
            how_to_refer: "Email the form.\nThen call.".into(),
            ..good
        };
        assert_eq!(field(&lines), Ok(()), "line breaks are text");
    }

    #[test]
    fn search_by_need_language_and_words() {
        let trauma = org(
            "Trauma Centre",
            &[HelpKind::SpecialistTrauma, HelpKind::MedicoLegal],
            &["ar", "ti"],
        );
        let mut closed = org("Old Clinic", &[HelpKind::SexualHealth], &["fa"]);
        closed.active = false;
        let find = |search: &Search| {
            [&trauma, &closed]
                .into_iter()
                .filter(|o| search.matches(o))
                .map(|o| o.name.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(find(&Search::default()), ["Trauma Centre"]);
        let all = Search {
            include_inactive: true,
            ..Search::default()
        };
        assert_eq!(find(&all), ["Trauma Centre", "Old Clinic"]);
        let need = Search {
            needs: vec![HelpKind::MedicoLegal],
            ..all.clone()
        };
        assert_eq!(find(&need), ["Trauma Centre"]);
        let either = Search {
            needs: vec![HelpKind::Interpreting, HelpKind::SexualHealth],
            ..all.clone()
        };
        assert_eq!(find(&either), ["Old Clinic"]);
        let sudanese = Search {
            language: LanguageTag::parse("ar-SD").ok(),
            ..all.clone()
        };
        assert_eq!(find(&sudanese), ["Trauma Centre"], "any variety of Arabic");
        let words = Search {
            text: "TORTURE  national".into(),
            ..all.clone()
        };
        assert_eq!(
            find(&words),
            ["Trauma Centre"],
            "help labels and area count"
        );
        let miss = Search {
            text: "torture clinic".into(),
            ..all
        };
        assert!(find(&miss).is_empty(), "every word must match");
    }

    #[test]
    fn suggestions_fit_the_open_referral_actions_in_the_persons_language_first() {
        let action = |rule: RuleId| Action {
            rule,
            section: rule.info().section,
            urgency: Urgency::Routine,
            due: None,
            reason: String::new(),
            resolve: rule.info().resolve,
        };
        let mut gone = org("Closed Talking Service", &[HelpKind::TalkingTherapies], &[]);
        gone.active = false;
        let directory = vec![
            (
                "org-1",
                org("Zeta Therapies", &[HelpKind::TalkingTherapies], &[]),
            ),
            (
                "org-2",
                org("Alpha Trauma", &[HelpKind::SpecialistTrauma], &[]),
            ),
            (
                "org-3",
                org("Tigrinya Trauma", &[HelpKind::SpecialistTrauma], &["ti"]),
            ),
            (
                "org-4",
                org("Refugee Drop-in", &[HelpKind::RefugeeSupport], &[]),
            ),
            ("org-5", gone),
        ];
        let actions = [
            action(RuleId::PsychConsiderReferral),
            action(RuleId::RiskAssessNow),
            action(RuleId::SocialSupportOrg),
            action(RuleId::SexualHealthReferral),
        ];
        let tigrinya = LanguageTag::parse("ti").expect("tag");
        let got: Vec<(&str, Vec<&str>)> = suggest(&actions, &directory, Some(&tigrinya))
            .iter()
            .map(|s| {
                (
                    s.rule.id(),
                    s.organisations.iter().map(|(id, _)| *id).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("psych.consider-referral", vec!["org-3", "org-2", "org-1"]),
                ("social.support-org", vec!["org-4"]),
                ("sexual-health.referral", vec![]),
            ]
        );
    }

    #[test]
    fn each_help_with_a_referral_type_maps_to_one_the_rules_read() {
        let help = org(
            "Legal",
            &[HelpKind::LegalAdvice, HelpKind::SexualHealth],
            &[],
        );
        assert_eq!(help.referral_type(), ReferralType::SexualHealth);
        let legal = org("Legal", &[HelpKind::LegalAdvice], &[]);
        assert_eq!(legal.referral_type(), ReferralType::Other);
        for rule in [
            RuleId::SocialSupportOrg,
            RuleId::PsychConsiderReferral,
            RuleId::SexualHealthReferral,
        ] {
            assert!(
                help_for(rule).iter().all(|h| h.referral_type().is_some()),
                "{rule}: its help is recorded as a referral the rule reads"
            );
        }
    }
}
