//! Dates written out in a handout's language ("Tuesday 4 April 2026"): the weekday and month
//! names and their order come from the translation, the numbers stay in European digits as
//! the English beside them and a UK phone or calendar shows them.

use haven_core::Date;

use super::{L10nError, Locale};

/// The date with its weekday, as the translation orders them.
pub fn long_date(locale: &Locale, date: Date) -> Result<String, L10nError> {
    let weekday = locale.text(&format!("weekday-{}", date.weekday().number_from_monday()))?;
    let month = locale.text(&format!("month-{}", u8::from(date.month())))?;
    locale.text_with(
        "date-long",
        &[
            ("weekday", &weekday),
            ("day", &date.day().to_string()),
            ("month", &month),
            ("year", &date.year().to_string()),
        ],
    )
}
