//! Dates as NHS pages show them: "4 April 2026" — the day without a leading zero, the month
//! in full, the year (NHS digital service manual, *Dates*). A date known only to the year or
//! month shows as "1988" or "April 1988", never with a made-up day.
//!
//! The care rules, the CLI and FHIR keep ISO 8601 (`2026-04-04`): reasons are composed in
//! haven-core with ISO dates in them, and pages rewrite them with [`in_text`] (or the
//! [`nhs`] template filter) when they show them. Date inputs keep ISO, as browsers send it.

use std::fmt::Display;

use haven_core::{Date, DatePrecision, PartialDate};
use time::OffsetDateTime;

/// `4 April 2026`.
pub fn long(date: Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}

/// `1988`, `April 1988` or `4 April 1988`, as much as is known.
pub fn partial(date: PartialDate) -> String {
    let first = date.earliest();
    match date.precision() {
        DatePrecision::Year => first.year().to_string(),
        DatePrecision::Month => format!("{} {}", first.month(), first.year()),
        DatePrecision::Day => long(first),
    }
}

/// `4 April 2026 at 10:05 (UTC)`: when an entry was changed.
pub fn moment(at: OffsetDateTime) -> String {
    let utc = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{} at {:02}:{:02} (UTC)",
        long(utc.date()),
        utc.hour(),
        utc.minute()
    )
}

/// The text with every ISO date in it (`2026-04-04`) written the NHS way; a text that is only
/// a partial date (`1988`, `1988-04`) becomes `1988` or `April 1988`. Digits that merely look
/// like a date inside a longer number are left alone.
pub fn in_text(text: &str) -> String {
    let whole = text.trim();
    if whole.len() < 10
        && let Ok(date) = PartialDate::parse(whole)
    {
        return partial(date);
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 8);
    let mut copied = 0;
    let mut i = 0;
    while i + 10 <= bytes.len() {
        let bounded = (i == 0 || !bytes[i - 1].is_ascii_digit())
            && bytes.get(i + 10).is_none_or(|b| !b.is_ascii_digit());
        let date = bounded.then(|| iso_at(&text[i..i + 10])).flatten();
        match date {
            Some(date) => {
                out.push_str(&text[copied..i]);
                out.push_str(&long(date));
                i += 10;
                copied = i;
            }
            // Step over whole characters only.
            None => i += text[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// `YYYY-MM-DD` exactly, as a real date.
fn iso_at(candidate: &str) -> Option<Date> {
    let b = candidate.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(n, c)| n == 4 || n == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    PartialDate::parse(candidate).ok()?.as_day()
}

/// The template filter: `{{ value|crate::dates::nhs }}` shows a date, or text with dates in
/// it, the NHS way (see [`in_text`]). Its output is escaped as usual.
#[askama::filter_fn]
pub fn nhs(value: impl Display, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(in_text(&value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn dates_read_the_nhs_way() {
        assert_eq!(long(date!(2026 - 04 - 04)), "4 April 2026");
        assert_eq!(long(date!(2026 - 12 - 31)), "31 December 2026");
        for (given, shown) in [
            ("1988", "1988"),
            ("1988-04", "April 1988"),
            ("1988-04-09", "9 April 1988"),
        ] {
            assert_eq!(partial(PartialDate::parse(given).expect(given)), shown);
            assert_eq!(in_text(given), shown, "a whole text that is a date");
        }
        assert_eq!(
            moment(datetime!(2026-11-01 10:05 +01:00)),
            "1 November 2026 at 09:05 (UTC)"
        );
    }

    #[test]
    fn iso_dates_in_text_are_rewritten_and_nothing_else() {
        assert_eq!(
            in_text("Last contact on 2026-10-31; due 2026-11-28."),
            "Last contact on 31 October 2026; due 28 November 2026."
        );
        assert_eq!(in_text("2026-02-30 is no date"), "2026-02-30 is no date");
        assert_eq!(
            in_text("ref 12026-01-010 and 2026-1-01"),
            "ref 12026-01-010 and 2026-1-01",
            "digits around a date-like run, or a short month, are not a date"
        );
        assert_eq!(
            in_text("موعد 2026-12-03 مع"),
            "موعد 3 December 2026 مع",
            "text in other scripts keeps its characters"
        );
        assert_eq!(in_text(""), "");
        assert_eq!(in_text("Total 14"), "Total 14");
    }
}
