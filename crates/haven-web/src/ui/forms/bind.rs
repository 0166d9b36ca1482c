//! One description per kind of entry drives its form three ways: the fields drawn, the parser
//! from a submitted form into the entry body, and the values an amendment starts from.
//!
//! A description ([`Describe`]) names each field once — name, label, hint, input, how to read
//! it from the entry and what to say when it is missing — and builds the body from what the
//! fields read. [`Form`] runs it in one of three modes; outside parsing every field reads as
//! empty and the body it builds is thrown away. Fields are read in the order they are drawn,
//! so the error summary lists its messages in page order.

use std::borrow::Cow;

use haven_core::policy::Policy;
use haven_core::record::{Coded, EntryBody};
use haven_core::{Date, LanguageTag};

use super::data::{FormData, date_value, yes_no_value};
use super::fields::{Field, Input, options, yes_no};
use crate::reference::languages;
use crate::ui::form::FormErrors;

/// A kind's form, described once. `entry` is the entry being amended (only when filling its
/// values); the description picks its own kind's body out of it with [`Form::of`].
pub type Describe = fn(&mut Form<'_>, Option<&EntryBody>) -> Option<EntryBody>;

/// The fields of a form, as drawn under this policy.
pub fn fields(describe: Describe, policy: &Policy) -> Vec<Field> {
    let mut fields = Vec::new();
    describe(
        &mut Form {
            mode: Mode::Fields {
                fields: &mut fields,
                policy,
            },
        },
        None,
    );
    fields
}

/// An entry's values, to pre-fill its amendment.
pub fn values(describe: Describe, entry: &EntryBody) -> FormData {
    let mut data = FormData::default();
    describe(
        &mut Form {
            mode: Mode::Fill(&mut data),
        },
        Some(entry),
    );
    data
}

/// The body a submitted form describes, or `None` with a message per field that is wrong.
pub fn parse(describe: Describe, data: &FormData, errors: &mut FormErrors) -> Option<EntryBody> {
    describe(
        &mut Form {
            mode: Mode::Parse { data, errors },
        },
        None,
    )
}

/// The body a submitted form makes of `entry`, for a form that draws only some of an entry's
/// fields (an interpreter booking changes a planned contact's booking and keeps the rest).
/// Outside filling, a description reads only the submitted fields, so `entry` serves it as
/// the values it does not draw.
pub fn parse_onto(
    describe: Describe,
    data: &FormData,
    errors: &mut FormErrors,
    entry: &EntryBody,
) -> Option<EntryBody> {
    describe(
        &mut Form {
            mode: Mode::Parse { data, errors },
        },
        Some(entry),
    )
}

/// A description being run.
pub struct Form<'a> {
    mode: Mode<'a>,
}

enum Mode<'a> {
    Fields {
        fields: &'a mut Vec<Field>,
        policy: &'a Policy,
    },
    Fill(&'a mut FormData),
    Parse {
        data: &'a FormData,
        errors: &'a mut FormErrors,
    },
}

impl<'a> Form<'a> {
    /// The fields of one kind's body; `entry` is the amended entry, when it is of that kind.
    pub fn of<'f, B>(&'f mut self, entry: Option<&'f B>) -> Fields<'f, 'a, B> {
        Fields { form: self, entry }
    }
}

/// The fields of a form whose body is a `B`.
pub struct Fields<'f, 'a, B> {
    form: &'f mut Form<'a>,
    entry: Option<&'f B>,
}

impl<'a, B> Fields<'_, 'a, B> {
    /// Starts a field: its input's name (also its id and the key of its message) and label.
    pub fn field(&mut self, name: &'static str, label: &'static str) -> FieldBind<'_, 'a, B> {
        FieldBind {
            form: self.form,
            entry: self.entry,
            name,
            label,
            hint: Cow::Borrowed(""),
        }
    }

    /// The entry's free-text note, labelled "Note".
    pub fn note(&mut self, hint: &'static str, current: impl FnOnce(&B) -> String) -> String {
        self.field("note", "Note").hint(hint).textarea(current)
    }

    /// A message that concerns more than one field, shown beside `field`: only a submitted
    /// form gets one.
    pub fn error(&mut self, field: &'static str, message: &str) {
        if let Mode::Parse { errors, .. } = &mut self.form.mode {
            errors.add(field, message);
        }
    }
}

/// One field being described: finish it with the input it is read through.
pub struct FieldBind<'f, 'a, B> {
    form: &'f mut Form<'a>,
    entry: Option<&'f B>,
    name: &'static str,
    label: &'static str,
    hint: Cow<'static, str>,
}

impl<B> FieldBind<'_, '_, B> {
    pub fn hint(mut self, hint: &'static str) -> Self {
        self.hint = Cow::Borrowed(hint);
        self
    }

    /// A hint that names a setting of the practice policy.
    pub fn hint_from(mut self, hint: impl FnOnce(&Policy) -> String) -> Self {
        if let Mode::Fields { policy, .. } = &self.form.mode {
            self.hint = Cow::Owned(hint(policy));
        }
        self
    }

    /// The field in the current mode: drawn, filled from `current` (the entry's value) by
    /// `fill`, or read by `read`. Outside parsing it reads as `T::default()`.
    fn bind<V, T: Default>(
        self,
        input: impl FnOnce() -> Input,
        current: impl FnOnce(&B) -> V,
        fill: impl FnOnce(&mut FormData, &'static str, V),
        read: impl FnOnce(&FormData, &mut FormErrors, &'static str) -> T,
    ) -> T {
        let name = self.name;
        match &mut self.form.mode {
            Mode::Fields { fields, .. } => fields.push(Field {
                name,
                label: self.label,
                hint: self.hint,
                input: input(),
            }),
            Mode::Fill(data) => {
                if let Some(entry) = self.entry {
                    fill(data, name, current(entry));
                }
            }
            Mode::Parse { data, errors } => return read(data, errors, name),
        }
        T::default()
    }

    /// A required date; `what` names it in messages ("The date of the event").
    pub fn date(self, current: impl FnOnce(&B) -> Date, what: &str) -> Option<Date> {
        self.bind(
            || Input::Date,
            current,
            |d, name, v| d.set(name, date_value(v)),
            |data, errors, name| data.date(name, errors, what),
        )
    }

    /// A date that may be left empty.
    pub fn optional_date(
        self,
        current: impl FnOnce(&B) -> Option<Date>,
        what: &str,
    ) -> Option<Date> {
        self.bind(
            || Input::Date,
            current,
            |d, name, v| {
                if let Some(v) = v {
                    d.set(name, date_value(v));
                }
            },
            |data, errors, name| data.optional_date(name, errors, what),
        )
    }

    /// A required choice from a drop-down list.
    pub fn select<T: Coded>(self, current: impl FnOnce(&B) -> T, message: &str) -> Option<T> {
        self.coded(|| Input::Select(options::<T>()), current, message)
    }

    /// A required choice from a few, shown all at once.
    pub fn radios<T: Coded>(self, current: impl FnOnce(&B) -> T, message: &str) -> Option<T> {
        self.coded(|| Input::Radios(options::<T>()), current, message)
    }

    fn coded<T: Coded>(
        self,
        input: impl FnOnce() -> Input,
        current: impl FnOnce(&B) -> T,
        message: &str,
    ) -> Option<T> {
        self.bind(
            input,
            current,
            |d, name, v| d.set(name, v.id()),
            |data, errors, name| data.coded(name, T::parse, errors, message),
        )
    }

    /// A drop-down list whose first choice, `none`, records no code at all.
    pub fn select_or_none<T: Coded>(
        self,
        none: (&'static str, &'static str),
        current: impl FnOnce(&B) -> Option<T>,
        message: &str,
    ) -> Option<Option<T>> {
        self.choice_or_none(
            Input::Select,
            none,
            options::<T>,
            |b| current(b).map(T::id),
            T::parse,
            message,
        )
    }

    /// Radio buttons whose first choice, `none`, records no code at all.
    pub fn radios_or_none<T: Coded>(
        self,
        none: (&'static str, &'static str),
        current: impl FnOnce(&B) -> Option<T>,
        message: &str,
    ) -> Option<Option<T>> {
        self.choice_or_none(
            Input::Radios,
            none,
            options::<T>,
            |b| current(b).map(T::id),
            T::parse,
            message,
        )
    }

    /// A choice from `items` (a list that is not a coded enum: languages, interpreter
    /// genders), drawn by `input`, whose first choice `none` records nothing; `parse` reads
    /// an item's id. `None` (with `message`) for an id not in the list.
    pub fn choice_or_none<T>(
        self,
        input: fn(Vec<(&'static str, &'static str)>) -> Input,
        none: (&'static str, &'static str),
        items: impl FnOnce() -> Vec<(&'static str, &'static str)>,
        current: impl FnOnce(&B) -> Option<&str>,
        parse: fn(&str) -> Option<T>,
        message: &str,
    ) -> Option<Option<T>> {
        self.bind(
            || {
                let mut all = vec![none];
                all.extend(items());
                input(all)
            },
            |b| current(b).unwrap_or(none.0).to_owned(),
            |d, name, v| d.set(name, v),
            |data, errors, name| match data.get(name).trim() {
                id if id == none.0 => Some(None),
                id => {
                    let value = parse(id);
                    if value.is_none() {
                        errors.add(name, message);
                    }
                    value.map(Some)
                }
            },
        )
    }

    /// A choice from a few, shown all at once, that may be left unanswered.
    pub fn optional_radios<T: Coded>(
        self,
        current: impl FnOnce(&B) -> Option<T>,
        message: &str,
    ) -> Option<T> {
        self.bind(
            || Input::Radios(options::<T>()),
            current,
            |d, name, v| {
                if let Some(v) = v {
                    d.set(name, v.id());
                }
            },
            |data, errors, name| data.optional_coded(name, T::parse, errors, message),
        )
    }

    /// A language from haven-core's table, as a drop-down list; `None` when left unchosen.
    pub fn language(
        self,
        current: impl FnOnce(&B) -> Option<LanguageTag>,
        message: &str,
    ) -> Option<LanguageTag> {
        self.bind(
            || Input::Select(languages::choices().collect()),
            current,
            |d, name, v| {
                if let Some(v) = v {
                    d.set(name, v.as_str());
                }
            },
            |data, errors, name| data.optional_coded(name, languages::parse, errors, message),
        )
    }

    /// A value carried through the form unseen (the directory entry a referral was made from).
    pub fn hidden(self, current: impl FnOnce(&B) -> String) -> String {
        self.free_text(|| Input::Hidden, current, None)
    }

    /// Any number of choices; `message` when one is not in the list.
    pub fn checkboxes<T: Coded>(self, current: impl FnOnce(&B) -> Vec<T>, message: &str) -> Vec<T> {
        self.bind(
            || Input::Checkboxes(options::<T>()),
            current,
            |d, name, v| {
                for item in v {
                    d.push(name, item.id());
                }
            },
            |data, errors, name| data.coded_list(name, T::parse, errors, message),
        )
    }

    /// One tick box; its label says what a tick means.
    pub fn checkbox(self, current: impl FnOnce(&B) -> bool) -> bool {
        self.bind(
            || Input::Checkbox,
            current,
            |d, name, ticked| {
                if ticked {
                    d.push(name, yes_no_value(true));
                }
            },
            |data, _, name| data.ticked(name),
        )
    }

    /// A required yes or no, as radio buttons.
    pub fn yes_no(self, current: impl FnOnce(&B) -> bool, message: &str) -> Option<bool> {
        self.bind(
            || Input::Radios(yes_no()),
            current,
            |d, name, v| d.set(name, yes_no_value(v)),
            |data, errors, name| data.yes_no(name, errors, message),
        )
    }

    /// One line of free text, trimmed; may be left empty.
    pub fn text(self, current: impl FnOnce(&B) -> String) -> String {
        self.free_text(|| Input::Text, current, None)
    }

    /// Free text over several lines, trimmed; may be left empty.
    pub fn textarea(self, current: impl FnOnce(&B) -> String) -> String {
        self.free_text(|| Input::Textarea, current, None)
    }

    /// One line of text that must be given.
    pub fn required_text(self, current: impl FnOnce(&B) -> String, message: &str) -> String {
        self.free_text(|| Input::Text, current, Some(message))
    }

    /// Text over several lines that must be given.
    pub fn required_textarea(self, current: impl FnOnce(&B) -> String, message: &str) -> String {
        self.free_text(|| Input::Textarea, current, Some(message))
    }

    fn free_text(
        self,
        input: impl FnOnce() -> Input,
        current: impl FnOnce(&B) -> String,
        required: Option<&str>,
    ) -> String {
        self.bind(
            input,
            current,
            |d, name, v| d.set(name, v),
            |data, errors, name| match required {
                Some(message) => errors.required(data.get(name), name, message),
                None => data.text(name),
            },
        )
    }
}
