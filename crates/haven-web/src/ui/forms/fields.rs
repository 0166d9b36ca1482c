//! Entry forms described as data: each kind lists its [`Field`]s, and one template
//! (`templates/forms/entry.html`) draws any list of them with the shared field macros, so
//! every form has the same labels, hints, inline errors and accessibility wiring.

use std::borrow::Cow;

use haven_core::record::Coded;

use crate::ui::form::{Choice, FormErrors};

use super::data::FormData;

/// How a field is entered.
#[derive(Clone, Debug)]
pub enum Input {
    Text,
    Textarea,
    Date,
    /// A drop-down list; the first option is a blank "Choose…" unless the list is short.
    Select(Vec<(&'static str, &'static str)>),
    /// One answer from a few, shown all at once.
    Radios(Vec<(&'static str, &'static str)>),
    /// Any number of answers.
    Checkboxes(Vec<(&'static str, &'static str)>),
    /// One tick box; its text is the label.
    Checkbox,
    /// Not shown: a value the form carries back as it was.
    Hidden,
}

/// One field of an entry form.
#[derive(Clone, Debug)]
pub struct Field {
    /// The input's `name` and `id` (and the key of its error message).
    pub name: &'static str,
    pub label: &'static str,
    /// Empty for none; some hints name a policy setting's value.
    pub hint: Cow<'static, str>,
    pub input: Input,
}

impl Field {
    pub fn new(name: &'static str, label: &'static str, hint: &'static str, input: Input) -> Self {
        Self {
            name,
            label,
            hint: Cow::Borrowed(hint),
            input,
        }
    }
}

/// Every value of a coded enum, `(id, label)`, for selects, radios and checkboxes.
pub fn options<T: Coded>() -> Vec<(&'static str, &'static str)> {
    T::ALL.iter().map(|&v| (v.id(), v.label())).collect()
}

/// Yes / no radio options.
pub fn yes_no() -> Vec<(&'static str, &'static str)> {
    vec![("yes", "Yes"), ("no", "No")]
}

/// A field ready for the template: its input type as a string the template matches on, the
/// current value(s) and its options with the chosen ones marked.
#[derive(Clone, Debug)]
pub struct FieldView {
    pub name: &'static str,
    pub label: &'static str,
    pub hint: String,
    /// `text`, `textarea`, `date`, `select`, `radios`, `checkboxes`, `checkbox` or `hidden`.
    pub input: &'static str,
    pub value: String,
    pub options: Vec<Choice>,
    pub checked: bool,
}

impl FieldView {
    pub fn of(field: &Field, data: &FormData) -> Self {
        let value = data.get(field.name).to_owned();
        let pick = |items: &[(&'static str, &'static str)], blank: Option<&str>| {
            let chosen = data.all(field.name);
            let mut out: Vec<Choice> = Vec::new();
            if let Some(blank) = blank {
                out.push(Choice {
                    value: String::new(),
                    label: blank.to_owned(),
                    selected: value.is_empty(),
                });
            }
            out.extend(items.iter().map(|&(v, l)| Choice {
                value: v.to_owned(),
                label: l.to_owned(),
                selected: chosen.contains(&v),
            }));
            out
        };
        let (input, options) = match &field.input {
            Input::Text => ("text", Vec::new()),
            Input::Textarea => ("textarea", Vec::new()),
            Input::Date => ("date", Vec::new()),
            Input::Select(items) => {
                let mut options = pick(items, Some("Choose…"));
                // A stored value the list does not offer (a language tag outside the table) is
                // kept as its own choice, so saving the form again does not lose it.
                if !value.is_empty() && !items.iter().any(|&(v, _)| v == value) {
                    options.push(Choice {
                        value: value.clone(),
                        label: value.clone(),
                        selected: true,
                    });
                }
                ("select", options)
            }
            Input::Radios(items) => ("radios", pick(items, None)),
            Input::Checkboxes(items) => ("checkboxes", pick(items, None)),
            Input::Checkbox => ("checkbox", Vec::new()),
            Input::Hidden => ("hidden", Vec::new()),
        };
        Self {
            name: field.name,
            label: field.label,
            hint: field.hint.clone().into_owned(),
            input,
            checked: data.ticked(field.name),
            value,
            options,
        }
    }
}

/// Views of every field, in order.
pub fn views(fields: &[Field], data: &FormData) -> Vec<FieldView> {
    fields.iter().map(|f| FieldView::of(f, data)).collect()
}

/// Adds a core validation message (`validate_entry`) beside its field, or to the first field
/// when the form has no field of that name. Messages from the core start in lower case.
pub fn add_validation(errors: &mut FormErrors, fields: &[Field], field: &str, message: &str) {
    let name = if fields.iter().any(|f| f.name == field) {
        field.to_owned()
    } else {
        fields
            .first()
            .map_or_else(|| field.to_owned(), |f| f.name.to_owned())
    };
    errors.add(name, sentence(message));
}

/// The message with a capital first letter.
pub fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_mark_chosen_options() {
        let fields = [
            Field::new(
                "kind",
                "Kind",
                "",
                Input::Select(vec![("a", "A"), ("b", "B")]),
            ),
            Field::new(
                "topics",
                "Topics",
                "",
                Input::Checkboxes(vec![("x", "X"), ("y", "Y")]),
            ),
            Field::new("flag", "Tick", "", Input::Checkbox),
        ];
        let data = FormData::parse(b"kind=b&topics=x&topics=y&flag=yes");
        let v = views(&fields, &data);
        assert_eq!(v[0].input, "select");
        assert_eq!(v[0].options[0].label, "Choose…");
        assert!(v[0].options[2].selected && !v[0].options[1].selected);
        assert!(v[1].options.iter().all(|o| o.selected));
        assert!(v[2].checked);
    }

    #[test]
    fn validation_messages_land_beside_a_field() {
        let fields = [Field::new("date", "Date", "", Input::Date)];
        let mut errors = FormErrors::default();
        add_validation(&mut errors, &fields, "date", "2026-12-01 is in the future");
        add_validation(&mut errors, &fields, "answers", "expected 9 answers");
        assert_eq!(errors.get("date"), Some("2026-12-01 is in the future"));
        assert_eq!(
            errors.items().len(),
            1,
            "an unknown field falls back to the first field, which already has a message"
        );
        assert_eq!(sentence("item 3: x"), "Item 3: x");
    }
}
