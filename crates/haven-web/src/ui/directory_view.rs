//! How directory entries look on every page that lists them — the directory itself, a
//! patient's "choose a service" page and the services suggested on the patient page — and the
//! search form they share (`templates/directory/_search.html`, `_results.html`).

use haven_core::LanguageTag;
use haven_core::directory::{HelpKind, Organisation, Search};
use haven_store::DirectoryEntry;
use serde::Deserialize;

use super::encode_segment;
use super::form::{Choice, choices_with_blank};
use crate::reference::languages;

/// The link to a directory entry's page.
pub fn organisation_href(id: &str) -> String {
    format!("/directory/{}", encode_segment(id))
}

/// One directory entry as a card.
#[derive(Clone, Debug)]
pub struct OrgView {
    pub id: String,
    pub href: String,
    pub name: String,
    pub help: Vec<&'static str>,
    pub area: String,
    /// Language names, in the order given.
    pub languages: Vec<String>,
    pub accepts: String,
    pub how_to_refer: String,
    pub website: String,
    pub active: bool,
    /// It works in the patient's main language (on a patient's pages).
    pub speaks_patient_language: bool,
    /// "Refer" for this patient, on a patient's pages.
    pub refer_href: Option<String>,
}

impl OrgView {
    pub fn of(id: &str, o: &Organisation) -> Self {
        Self {
            id: id.to_owned(),
            href: organisation_href(id),
            name: o.name.clone(),
            help: o.help.iter().map(|h| h.label()).collect(),
            area: o.area.clone(),
            languages: o.languages.iter().map(LanguageTag::name).collect(),
            accepts: o.accepts.clone(),
            how_to_refer: o.how_to_refer.clone(),
            website: o.website.clone(),
            active: o.active,
            speaks_patient_language: false,
            refer_href: None,
        }
    }

    pub fn of_entry(e: &DirectoryEntry) -> Self {
        Self::of(e.id.as_str(), &e.organisation)
    }

    /// The card on a patient's page: marked when it works in their language (`speaks`), with
    /// a link to refer them.
    pub fn with_referral(mut self, speaks: bool, refer_href: String) -> Self {
        self.speaks_patient_language = speaks;
        self.refer_href = Some(refer_href);
        self
    }
}

/// The search as typed (`?need=…&language=…&q=…&inactive=yes`).
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct SearchQuery {
    pub need: String,
    pub language: String,
    pub q: String,
    pub inactive: String,
}

impl SearchQuery {
    /// The search it asks for: an unknown kind of help or language narrows nothing;
    /// inactive entries only for those who may see them.
    pub fn search(&self, may_include_inactive: bool) -> Search {
        Search {
            needs: HelpKind::parse(self.need.trim()).into_iter().collect(),
            language: languages::parse(&self.language),
            text: self.q.trim().to_owned(),
            include_inactive: may_include_inactive && self.inactive == "yes",
        }
    }

    pub fn is_empty(&self) -> bool {
        self.need.is_empty() && self.language.is_empty() && self.q.trim().is_empty()
    }
}

/// The search form as drawn.
#[derive(Clone, Debug)]
pub struct SearchForm {
    pub needs: Vec<Choice>,
    pub languages: Vec<Choice>,
    pub q: String,
    pub inactive: bool,
    /// Administrators may list inactive entries too.
    pub offer_inactive: bool,
}

impl SearchForm {
    pub fn of(query: &SearchQuery, offer_inactive: bool) -> Self {
        Self {
            needs: choices_with_blank(
                "Any kind of help",
                HelpKind::ALL.iter().map(|h| (h.id(), h.label())),
                &query.need,
            ),
            languages: choices_with_blank("Any language", languages::choices(), &query.language),
            q: query.q.clone(),
            inactive: query.inactive == "yes",
            offer_inactive,
        }
    }
}

/// The entries a search finds, as cards, in the directory's order (by name).
pub fn found(directory: &[DirectoryEntry], search: &Search) -> Vec<OrgView> {
    directory
        .iter()
        .filter(|e| search.matches(&e.organisation))
        .map(OrgView::of_entry)
        .collect()
}
