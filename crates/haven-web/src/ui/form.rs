//! The form-error pattern shared by every form (GOV.UK / NHS design systems): a form that fails
//! validation is shown again with what was typed, an error summary at the top linking to each
//! field, and the message beside the field. Nothing is written until the whole form is valid.
//!
//! Use it like this in a handler:
//! ```text
//! let mut errors = FormErrors::default();
//! let name = errors.required(&form.name, "name", "Enter a name");
//! if !errors.is_empty() { return render(&user, Shown::invalid(form, errors)); }
//! ```
//! where `render` draws the page from a [`Shown`] form.
//! and in the template `{% call m::error_summary(errors) %}{% endcall %}` plus the field
//! macros in `templates/macros.html`, which link each input to its message with
//! `aria-describedby`.

use axum::http::StatusCode;
use haven_core::{Date, PartialDate};

/// A form on its way to the page: what it holds (as typed, or pre-filled), the messages beside
/// its fields, and the status to answer with. Every form page's `render` takes one.
#[derive(Debug)]
pub struct Shown<T> {
    pub status: StatusCode,
    pub form: T,
    pub errors: FormErrors,
}

impl<T> Shown<T> {
    /// The form as first shown: status 200, no messages.
    pub fn new(form: T) -> Self {
        Self::with_status(StatusCode::OK, form, FormErrors::default())
    }

    /// The form shown again with what was wrong, status 422; nothing was written.
    pub fn invalid(form: T, errors: FormErrors) -> Self {
        Self::with_status(StatusCode::UNPROCESSABLE_ENTITY, form, errors)
    }

    /// The form shown again with a chosen status (409 when the record changed meanwhile).
    pub fn with_status(status: StatusCode, form: T, errors: FormErrors) -> Self {
        Self {
            status,
            form,
            errors,
        }
    }
}

/// A core message ("date of birth … is in the future") as a form shows it, capitalised.
pub fn capitalise(text: &str) -> String {
    let mut c = text.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// One message, tied to the `id` of the input it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormErrors {
    items: Vec<FieldError>,
}

impl FormErrors {
    /// Adds a message for `field` (the first message for a field wins; one is enough).
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        let field = field.into();
        if !self.has(&field) {
            self.items.push(FieldError {
                field,
                message: message.into(),
            });
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.items
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn has(&self, field: &str) -> bool {
        self.items.iter().any(|e| e.field == field)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn items(&self) -> &[FieldError] {
        &self.items
    }

    /// The trimmed value, or an error when it is empty.
    pub fn required(&mut self, value: &str, field: &str, message: &str) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.add(field, message);
        }
        v.to_owned()
    }

    /// An optional ISO date (`YYYY-MM-DD`, as sent by `<input type="date">`).
    pub fn optional_date(&mut self, value: &str, field: &str, what: &str) -> Option<Date> {
        let v = value.trim();
        if v.is_empty() {
            return None;
        }
        match parse_date(v) {
            Some(d) => Some(d),
            None => {
                self.add(
                    field,
                    format!("{what} must be a real date, for example 2026-11-28"),
                );
                None
            }
        }
    }

    /// An optional date that may be known only to the year or month (a date of birth):
    /// `1988`, `1988-04` or `1988-04-12`, kept as given.
    pub fn optional_partial_date(
        &mut self,
        value: &str,
        field: &str,
        what: &str,
    ) -> Option<PartialDate> {
        let v = value.trim();
        if v.is_empty() {
            return None;
        }
        match PartialDate::parse(v) {
            Ok(d) => Some(d),
            Err(_) => {
                self.add(
                    field,
                    format!(
                        "{what} must be a real date, for example 1990-05-01, or only the year (1990) or month (1990-05) when that is all that is known"
                    ),
                );
                None
            }
        }
    }

    /// A required ISO date.
    pub fn required_date(&mut self, value: &str, field: &str, what: &str) -> Option<Date> {
        if value.trim().is_empty() {
            self.add(field, format!("Enter {}", what.to_lowercase()));
            return None;
        }
        self.optional_date(value, field, what)
    }
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<Date> {
    Date::parse(
        text.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

/// Trimmed text, `None` when empty.
pub fn optional(value: &str) -> Option<String> {
    let v = value.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

/// One option of a `<select>` or radio group, with whether it is the current value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Options for a select or radio group from `(value, label)` pairs; `current` is selected.
pub fn choices<'a>(
    items: impl IntoIterator<Item = (&'a str, &'a str)>,
    current: &str,
) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(value, label)| Choice {
            value: value.to_owned(),
            label: label.to_owned(),
            selected: value == current,
        })
        .collect()
}

/// The same, with a first empty option ("Not recorded", "Any", …).
pub fn choices_with_blank<'a>(
    blank: &str,
    items: impl IntoIterator<Item = (&'a str, &'a str)>,
    current: &str,
) -> Vec<Choice> {
    let mut out = vec![Choice {
        value: String::new(),
        label: blank.to_owned(),
        selected: current.is_empty(),
    }];
    out.extend(choices(items, current));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_one_message_per_field_in_order() {
        let mut e = FormErrors::default();
        assert_eq!(e.required("  ", "name", "Enter a name"), "");
        e.add("name", "second message is dropped");
        assert!(
            e.optional_date("2026-02-30", "dob", "Date of birth")
                .is_none()
        );
        assert_eq!(e.optional_date("", "other", "Date"), None);
        assert_eq!(e.items().len(), 2);
        assert_eq!(e.get("name"), Some("Enter a name"));
        assert!(
            e.get("dob")
                .is_some_and(|m| m.starts_with("Date of birth must be a real date"))
        );
        assert!(!e.has("other"));
    }

    #[test]
    fn choices_mark_the_current_value() {
        let c = choices_with_blank("Not recorded", [("a", "A"), ("b", "B")], "b");
        assert_eq!(
            c.iter()
                .filter(|c| c.selected)
                .map(|c| c.value.as_str())
                .collect::<Vec<_>>(),
            vec!["b"]
        );
        assert_eq!(c[0].label, "Not recorded");
    }
}
