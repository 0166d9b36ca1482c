//! A submitted form as typed: every `name=value` pair in order, including repeated names
//! (checkbox groups), with the parsers that turn fields into domain values and collect one
//! message per field in [`FormErrors`].
//!
//! axum's `Form` extractor cannot read repeated names into a list, so entry forms take the
//! raw body and parse it here.

use haven_core::Date;
use haven_core::text::{forbidden_control, forbidden_control_message};

use crate::ui::form::{FormErrors, capitalise, parse_date};

/// The fields of one submitted (or pre-filled) form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormData {
    pairs: Vec<(String, String)>,
}

impl FormData {
    /// Parses an `application/x-www-form-urlencoded` body.
    pub fn parse(body: &[u8]) -> Self {
        Self {
            pairs: form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        }
    }

    /// Sets a single-valued field, replacing any earlier value.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.pairs.retain(|(k, _)| k != name);
        self.pairs.push((name.to_owned(), value.into()));
    }

    /// Adds one value of a multi-valued field (a ticked checkbox).
    pub fn push(&mut self, name: &str, value: impl Into<String>) {
        self.pairs.push((name.to_owned(), value.into()));
    }

    /// The first value of `name`, or "" when it was not sent.
    pub fn get(&self, name: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of `name`, in the order sent.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Adds an error beside every field holding a control character other than a line break or
    /// tab, so nothing a browser would not send reaches the record (the core refuses more for
    /// names and numbers).
    pub fn refuse_control_characters(&self, errors: &mut FormErrors) {
        for (name, value) in &self.pairs {
            if let Some(c) = forbidden_control(value, true) {
                errors.add(name.as_str(), capitalise(&forbidden_control_message(c)));
            }
        }
    }

    /// Trimmed free text.
    pub fn text(&self, name: &str) -> String {
        self.get(name).trim().to_owned()
    }

    /// Whether a checkbox with value `yes` was ticked.
    pub fn ticked(&self, name: &str) -> bool {
        self.all(name).contains(&"yes")
    }

    /// A required choice from a coded list (`parse` is the type's `parse` by id).
    pub fn coded<T>(
        &self,
        name: &str,
        parse: fn(&str) -> Option<T>,
        errors: &mut FormErrors,
        message: &str,
    ) -> Option<T> {
        let value = parse(self.get(name).trim());
        if value.is_none() {
            errors.add(name, message);
        }
        value
    }

    /// An optional choice: empty means `None`; anything else must be a known id.
    pub fn optional_coded<T>(
        &self,
        name: &str,
        parse: fn(&str) -> Option<T>,
        errors: &mut FormErrors,
        message: &str,
    ) -> Option<T> {
        let text = self.get(name).trim();
        if text.is_empty() {
            return None;
        }
        let value = parse(text);
        if value.is_none() {
            errors.add(name, message);
        }
        value
    }

    /// Every ticked value of a checkbox group; an unknown id is an error.
    pub fn coded_list<T: PartialEq>(
        &self,
        name: &str,
        parse: fn(&str) -> Option<T>,
        errors: &mut FormErrors,
        message: &str,
    ) -> Vec<T> {
        let mut out = Vec::new();
        for text in self.all(name) {
            match parse(text.trim()) {
                Some(v) if !out.contains(&v) => out.push(v),
                Some(_) => {}
                None => errors.add(name, message),
            }
        }
        out
    }

    /// A required yes / no answer given with radio buttons.
    pub fn yes_no(&self, name: &str, errors: &mut FormErrors, message: &str) -> Option<bool> {
        match self.get(name).trim() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => {
                errors.add(name, message);
                None
            }
        }
    }

    /// A required date (`what` names it in messages, e.g. "The date of the event").
    pub fn date(&self, name: &str, errors: &mut FormErrors, what: &str) -> Option<Date> {
        errors.required_date(self.get(name), name, what)
    }

    /// An optional date.
    pub fn optional_date(&self, name: &str, errors: &mut FormErrors, what: &str) -> Option<Date> {
        errors.optional_date(self.get(name), name, what)
    }
}

/// `yes` / `no`, the values of yes-no radio groups and ticked checkboxes.
pub fn yes_no_value(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// A date as `<input type="date">` expects it.
pub fn date_value(d: Date) -> String {
    d.to_string()
}

/// Whether a date field holds a real date (used by the pre-fill helpers' tests).
pub fn is_date(text: &str) -> bool {
    parse_date(text).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use haven_core::record::AdviceTopic;

    #[test]
    fn keeps_repeated_names_and_parses_values() {
        let data = FormData::parse(
            b"topics=sleep&topics=eating-well&topics=sleep&date=2026-11-28&yn=no&bad=x",
        );
        let mut errors = FormErrors::default();
        assert_eq!(
            data.coded_list("topics", AdviceTopic::parse, &mut errors, "Choose a topic"),
            vec![AdviceTopic::Sleep, AdviceTopic::EatingWell]
        );
        assert_eq!(data.yes_no("yn", &mut errors, "Answer"), Some(false));
        assert!(data.date("date", &mut errors, "The date").is_some());
        assert!(errors.is_empty());
        assert_eq!(
            data.coded("bad", AdviceTopic::parse, &mut errors, "Choose a topic"),
            None
        );
        assert_eq!(data.yes_no("missing", &mut errors, "Say yes or no"), None);
        assert_eq!(errors.get("missing"), Some("Say yes or no"));
        assert_eq!(
            data.optional_coded("absent", AdviceTopic::parse, &mut errors, "x"),
            None
        );
        assert!(
            !errors.has("absent"),
            "an empty optional choice is not an error"
        );
    }

    #[test]
    fn control_characters_are_refused_beside_their_field() {
        let data = FormData::parse(b"note=line%0Aline%09tab&purpose=x%00y&other=%1B%5B2J");
        let mut errors = FormErrors::default();
        data.refuse_control_characters(&mut errors);
        assert!(!errors.has("note"), "line breaks and tabs are text");
        assert_eq!(
            errors.get("purpose"),
            Some("Contains a control character (U+0000) that cannot be stored; remove it")
        );
        assert!(errors.has("other"));
    }

    #[test]
    fn set_replaces_and_push_adds() {
        let mut data = FormData::default();
        data.set("a", "1");
        data.set("a", "2");
        data.push("b", "yes");
        assert_eq!(data.get("a"), "2");
        assert!(data.ticked("b"));
        assert!(!data.ticked("a"));
        assert!(is_date(&date_value(time::macros::date!(2026 - 11 - 28))));
    }
}
