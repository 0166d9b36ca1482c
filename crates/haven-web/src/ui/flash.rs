//! The confirmation after a save: a handler that saves redirects with [`saved`], which sets a
//! short-lived cookie naming what was saved; the page the browser lands on shows it once, in
//! the layout, and the session layer deletes the cookie with that page.
//!
//! The cookie holds a code, never text: the message is written here from the code, so nothing
//! a request sends is echoed into a page, and a code that does not parse shows nothing.

use axum::http::header;
use axum::response::Response;
use haven_core::Date;
use haven_core::record::EntryKind;

use super::see_other;
use crate::AppState;
use crate::auth::{FLASH_COOKIE, set_cookie};
use crate::dates;

/// What was just saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flash {
    Registered,
    DetailsChanged,
    Recorded(EntryKind),
    Amended(EntryKind),
    EnteredInError(EntryKind),
    /// An interpreter booked for the appointment on this day.
    InterpreterBooked(Date),
    /// The appointment on this day marked attended, or not attended.
    Attended(Date),
    DidNotAttend(Date),
    /// An outreach recorded, with the new appointment it booked if any.
    Outreach(Option<Date>),
}

impl Flash {
    /// The cookie value: letters, digits, `-` and `.` only.
    pub fn code(self) -> String {
        match self {
            Self::Registered => "registered".to_owned(),
            Self::DetailsChanged => "details".to_owned(),
            Self::Recorded(k) => format!("recorded.{}", k.id()),
            Self::Amended(k) => format!("amended.{}", k.id()),
            Self::EnteredInError(k) => format!("in-error.{}", k.id()),
            Self::InterpreterBooked(d) => format!("interpreter.{d}"),
            Self::Attended(d) => format!("attended.{d}"),
            Self::DidNotAttend(d) => format!("dna.{d}"),
            Self::Outreach(None) => "outreach".to_owned(),
            Self::Outreach(Some(d)) => format!("outreach.{d}"),
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        let (what, detail) = code.split_once('.').unwrap_or((code, ""));
        let kind = || EntryKind::parse(detail);
        let day = || super::form::parse_date(detail).filter(|_| detail.len() == 10);
        Some(match (what, detail.is_empty()) {
            ("registered", true) => Self::Registered,
            ("details", true) => Self::DetailsChanged,
            ("outreach", true) => Self::Outreach(None),
            ("recorded", false) => Self::Recorded(kind()?),
            ("amended", false) => Self::Amended(kind()?),
            ("in-error", false) => Self::EnteredInError(kind()?),
            ("interpreter", false) => Self::InterpreterBooked(day()?),
            ("attended", false) => Self::Attended(day()?),
            ("dna", false) => Self::DidNotAttend(day()?),
            ("outreach", false) => Self::Outreach(Some(day()?)),
            _ => return None,
        })
    }

    /// The sentence the next page shows.
    pub fn message(self) -> String {
        let on = dates::long;
        match self {
            Self::Registered => "Patient registered.".to_owned(),
            Self::DetailsChanged => "Personal details saved.".to_owned(),
            Self::Recorded(k) => format!("Saved: {}.", k.label().to_lowercase()),
            Self::Amended(k) => format!(
                "Amendment saved: {}. The earlier version is kept in its history.",
                k.label().to_lowercase()
            ),
            Self::EnteredInError(k) => format!(
                "Marked as entered in error: {}. The care rules no longer use it.",
                k.label().to_lowercase()
            ),
            Self::InterpreterBooked(d) => {
                format!("Interpreter booked for the appointment on {}.", on(d))
            }
            Self::Attended(d) => format!("The appointment on {} is marked attended.", on(d)),
            Self::DidNotAttend(d) => format!(
                "The appointment on {} is marked did not attend. Reach out to the person: it is on the recall list.",
                on(d)
            ),
            Self::Outreach(None) => "Outreach recorded.".to_owned(),
            Self::Outreach(Some(d)) => {
                format!(
                    "Outreach recorded, and a new appointment booked for {}.",
                    on(d)
                )
            }
        }
    }
}

/// The message for a flash cookie's value, if it is one.
pub fn message(code: &str) -> Option<String> {
    Flash::parse(code).map(Flash::message)
}

/// 303 See Other to `location`, which will confirm what was saved.
pub fn saved(state: &AppState, location: &str, flash: Flash) -> Response {
    let mut response = see_other(location);
    // Long enough to follow the redirect, short enough not to surprise a later page.
    let cookie = set_cookie(
        FLASH_COOKIE,
        &flash.code(),
        "/",
        state.config.secure_cookies,
        Some(60),
    );
    response.headers_mut().append(header::SET_COOKIE, cookie);
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn every_flash_reads_back_from_its_code_and_nothing_else_does() {
        let day = date!(2026 - 12 - 03);
        let all = [
            Flash::Registered,
            Flash::DetailsChanged,
            Flash::Recorded(EntryKind::Outreach),
            Flash::Amended(EntryKind::PlannedContact),
            Flash::EnteredInError(EntryKind::Flag),
            Flash::InterpreterBooked(day),
            Flash::Attended(day),
            Flash::DidNotAttend(day),
            Flash::Outreach(None),
            Flash::Outreach(Some(day)),
        ];
        for flash in all {
            let code = flash.code();
            assert!(
                code.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'),
                "{code}"
            );
            assert_eq!(Flash::parse(&code), Some(flash));
            assert!(flash.message().ends_with('.'));
        }
        assert_eq!(
            Flash::InterpreterBooked(day).message(),
            "Interpreter booked for the appointment on 3 December 2026."
        );
        for junk in [
            "",
            "recorded",
            "recorded.nope",
            "interpreter.2026-02-30",
            "interpreter.2026-12-3",
            "registered.x",
            "<script>",
        ] {
            assert_eq!(Flash::parse(junk), None, "{junk:?}");
        }
    }
}
