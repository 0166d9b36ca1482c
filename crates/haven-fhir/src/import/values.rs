//! Small readers shared by the resource mappers: dates, extensions, notes, entry metadata,
//! each failing with the element path at fault.

use std::cell::Cell;

use haven_core::record::Change;
use haven_core::terminology;
use haven_core::{Date, DatePrecision, PartialDate};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::error::{ImportError, ImportErrorKind, Location};
use crate::model::{Annotation, CodeableConcept, Extension, Meta};
use crate::uris::{self, ext};

/// Where a mapper is: the resource's location and type, to build errors; and the entry's own
/// date, when its source gave only a year or a month.
pub(crate) struct Ctx<'a> {
    pub location: &'a Location,
    pub rtype: &'static str,
    /// Set by [`Ctx::required_date`] when the entry's date is partial.
    partial: Cell<Option<PartialDate>>,
}

impl<'a> Ctx<'a> {
    pub fn new(location: &'a Location, rtype: &'static str) -> Self {
        Self {
            location,
            rtype,
            partial: Cell::new(None),
        }
    }

    /// The entry's date as its source gave it, if only in part (read by
    /// [`Ctx::required_date`]).
    pub fn take_partial(&self) -> Option<PartialDate> {
        self.partial.take()
    }

    pub fn path(&self, element: &str) -> String {
        if element.is_empty() {
            self.rtype.to_owned()
        } else {
            format!("{}.{element}", self.rtype)
        }
    }

    pub fn invalid(&self, element: &str, message: impl Into<String>) -> ImportError {
        ImportError::new(
            ImportErrorKind::Invalid,
            self.location,
            self.path(element),
            message,
        )
    }

    pub fn missing(&self, element: &str, what: &str) -> ImportError {
        ImportError::new(
            ImportErrorKind::Structure,
            self.location,
            self.path(element),
            format!("missing: {what}"),
        )
    }

    /// A FHIR date or dateTime as far as it goes: a year, a month or a day (of a dateTime,
    /// the day as written, whatever its time and offset).
    pub fn partial_date(&self, element: &str, text: &str) -> Result<PartialDate, ImportError> {
        let day = match text.as_bytes().get(10) {
            Some(b'T') => &text[..10],
            _ => text,
        };
        PartialDate::parse(day).map_err(|_| {
            self.invalid(
                element,
                format!("{text:?} is not a FHIR date (YYYY-MM-DD, or YYYY-MM or YYYY)"),
            )
        })
    }

    /// A date that is not the entry's own (a next review, a country's record): its first day
    /// when only the year or month is given.
    pub fn date(&self, element: &str, text: &str) -> Result<Date, ImportError> {
        self.partial_date(element, text).map(|d| d.earliest())
    }

    /// An end (a problem resolved, a medication stopped): its last day when only the year or
    /// month is given, so that what may still be current counts as current.
    pub fn optional_end_date(
        &self,
        element: &str,
        text: Option<&str>,
    ) -> Result<Option<Date>, ImportError> {
        text.map(|t| self.partial_date(element, t).map(|d| d.latest()))
            .transpose()
    }

    /// The entry's own date. When only its year or month is given, that is kept (see
    /// [`Ctx::take_partial`]) and the first day returned; the assembler then puts the entry on
    /// the day the rules read for it ([`haven_core::record::EntryBody::place_partial`]).
    pub fn required_date(
        &self,
        element: &str,
        text: Option<&str>,
        what: &str,
    ) -> Result<Date, ImportError> {
        let date = self.partial_date(element, text.ok_or_else(|| self.missing(element, what))?)?;
        self.partial
            .set((date.precision() != DatePrecision::Day).then_some(date));
        Ok(date.earliest())
    }

    /// A FHIR `instant` (an appointment's start), which is always a whole day and time; Haven
    /// also takes the day alone, as before.
    pub fn required_day(
        &self,
        element: &str,
        text: Option<&str>,
        what: &str,
    ) -> Result<Date, ImportError> {
        let text = text.ok_or_else(|| self.missing(element, what))?;
        self.partial_date(element, text)?.as_day().ok_or_else(|| {
            self.invalid(
                element,
                format!("{text:?}: a FHIR instant is a whole date and time"),
            )
        })
    }

    pub fn optional_date(
        &self,
        element: &str,
        text: Option<&str>,
    ) -> Result<Option<Date>, ImportError> {
        text.map(|t| self.date(element, t)).transpose()
    }

    /// A required boolean Haven extension.
    pub fn ext_bool(&self, extensions: &[Extension], name: &str) -> Result<bool, ImportError> {
        match find(extensions, name) {
            Some(e) => e
                .value_boolean
                .ok_or_else(|| self.invalid(&ext_path(name), "must be a valueBoolean")),
            None => Err(self.missing(&ext_path(name), "Haven needs this answer recorded")),
        }
    }

    /// An optional code-valued Haven extension, parsed by `parse`.
    pub fn ext_code<T>(
        &self,
        extensions: &[Extension],
        name: &str,
        what: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Option<T>, ImportError> {
        let Some(e) = find(extensions, name) else {
            return Ok(None);
        };
        let code = e
            .value_code
            .as_deref()
            .or(e.value_string.as_deref())
            .ok_or_else(|| self.invalid(&ext_path(name), "must be a valueCode"))?;
        parse(code)
            .map(Some)
            .ok_or_else(|| self.invalid(&ext_path(name), format!("unknown {what} code {code:?}")))
    }
}

/// The path of a Haven extension, e.g. `extension(next-review)`.
pub(crate) fn ext_path(name: &str) -> String {
    format!("extension({name})")
}

/// The first Haven extension with this name.
pub(crate) fn find<'a>(extensions: &'a [Extension], name: &str) -> Option<&'a Extension> {
    extensions.iter().find(|e| uris::is_extension(&e.url, name))
}

pub(crate) fn ext_flag(extensions: &[Extension], name: &str) -> bool {
    find(extensions, name)
        .and_then(|e| e.value_boolean)
        .unwrap_or(false)
}

pub(crate) fn ext_string(extensions: &[Extension], name: &str) -> Option<String> {
    find(extensions, name).and_then(|e| e.value_string.clone())
}

/// Notes joined by blank lines (Haven keeps one note per entry).
pub(crate) fn notes(annotations: &[Annotation]) -> String {
    annotations
        .iter()
        .map(|a| a.text.as_str())
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Any coding of `concepts` whose verified code has a key starting with `prefix`.
pub(crate) fn verified_keys<'a>(
    concepts: impl IntoIterator<Item = &'a CodeableConcept>,
) -> Vec<&'static str> {
    concepts
        .into_iter()
        .flat_map(|c| c.coding.iter())
        .filter_map(|c| terminology::lookup(c.system.as_deref()?, c.code.as_deref()?))
        .map(|c| c.key)
        .collect()
}

/// The first code of a Haven code system across `concepts`.
pub(crate) fn haven_code<'a>(
    concepts: impl IntoIterator<Item = &'a CodeableConcept>,
    system_name: &str,
) -> Option<&'a str> {
    concepts
        .into_iter()
        .find_map(|c| c.code_where(|s| uris::is_system(s, system_name)))
}

/// The entry's version and last change from `meta`, with defaults for resources that did not
/// come from Haven: version 1, changed when it is being stored (`stored_at`, where the caller
/// knows it) or else at the start of the clinical date, by `fhir-import`.
pub(crate) fn change(
    ctx: &Ctx,
    meta: Option<&Meta>,
    date: Date,
    stored_at: Option<OffsetDateTime>,
) -> Result<(u32, Change), ImportError> {
    let version = meta
        .and_then(|m| m.version_id.as_deref())
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|v| *v >= 1)
        .unwrap_or(1);
    let at = match meta.and_then(|m| m.last_updated.as_deref()) {
        Some(text) => OffsetDateTime::parse(text, &Rfc3339).map_err(|_| {
            ctx.invalid(
                "meta.lastUpdated",
                format!("{text:?} is not a FHIR instant"),
            )
        })?,
        None => stored_at.unwrap_or_else(|| date.midnight().assume_utc()),
    };
    let extensions = meta.map(|m| m.extension.as_slice()).unwrap_or(&[]);
    let by = ext_string(extensions, ext::CHANGED_BY).unwrap_or_else(|| "fhir-import".to_owned());
    let reason = ext_string(extensions, ext::CHANGE_REASON).unwrap_or_default();
    Ok((
        version,
        Change {
            by: by.as_str().into(),
            at,
            reason,
        },
    ))
}

/// Whether a string is a valid FHIR id (`[A-Za-z0-9\-\.]{1,64}`).
pub(crate) fn is_fhir_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::error::Position;
    use time::macros::date;

    #[test]
    fn dates_keep_the_day_and_what_is_known_of_partial_ones() {
        let location = Location::new("x", Position::Document);
        let ctx = Ctx::new(&location, "Patient");
        assert_eq!(
            ctx.date("birthDate", "1990-05-01"),
            Ok(date!(1990 - 05 - 01))
        );
        assert_eq!(
            ctx.date("a", "2026-11-28T23:30:00+01:00"),
            Ok(date!(2026 - 11 - 28))
        );
        assert_eq!(
            ctx.partial_date("birthDate", "1990").map(|d| d.to_string()),
            Ok("1990".into())
        );
        assert_eq!(ctx.date("a", "1990-05"), Ok(date!(1990 - 05 - 01)));
        assert_eq!(
            ctx.optional_end_date("a", Some("1990-05")),
            Ok(Some(date!(1990 - 05 - 31)))
        );
        // The entry's own date is kept as given when partial, and only then.
        assert_eq!(
            ctx.required_date("a", Some("2019"), "x"),
            Ok(date!(2019 - 01 - 01))
        );
        assert_eq!(
            ctx.take_partial().map(|d| d.to_string()),
            Some("2019".into())
        );
        assert_eq!(
            ctx.required_date("a", Some("2019-03-04"), "x"),
            Ok(date!(2019 - 03 - 04))
        );
        assert_eq!(ctx.take_partial(), None);
        assert_eq!(
            ctx.required_day("start", Some("2026-12"), "the appointment date")
                .map_err(|e| e.to_string()),
            Err("x: Patient.start: \"2026-12\": a FHIR instant is a whole date and time".into())
        );
        assert_eq!(
            ctx.date("birthDate", "1990-5").map_err(|e| e.to_string()),
            Err("x: Patient.birthDate: \"1990-5\" is not a FHIR date (YYYY-MM-DD, or YYYY-MM or YYYY)".into())
        );
        assert!(ctx.date("a", "2026-02-30").is_err());
        assert!(ctx.date("a", "2026-11-28junk").is_err());
    }

    #[test]
    fn ids_follow_the_fhir_pattern() {
        assert!(is_fhir_id("pat-17") && is_fhir_id("0192.abc"));
        assert!(
            !is_fhir_id("")
                && !is_fhir_id("a b")
                && !is_fhir_id(&"a".repeat(65))
                && !is_fhir_id("a/b")
        );
    }
}
