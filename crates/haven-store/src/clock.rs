//! The application's clock: what the rules call "today", what validation calls the future, and
//! the time stamped on entries and sessions. The binary makes one and hands it to the
//! [`Store`](crate::Store); the web layer reads the store's, so the store, the pages, the FHIR
//! API and CDS Hooks always agree on the date. Tests fix it.
//!
//! The audit log and the store's own row stamps do not read it: they record when the database
//! was written, which no setting of the application's date may change.

use haven_core::Date;
use time::OffsetDateTime;

/// The system's time in UTC, or a fixed instant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    fixed: Option<OffsetDateTime>,
}

impl Clock {
    /// The system's time.
    pub fn system() -> Self {
        Self { fixed: None }
    }

    /// Always `at`, for tests that need a known date.
    pub fn fixed(at: OffsetDateTime) -> Self {
        Self { fixed: Some(at) }
    }

    pub fn now(&self) -> OffsetDateTime {
        self.fixed.unwrap_or_else(OffsetDateTime::now_utc)
    }

    /// Today's date in UTC.
    pub fn today(&self) -> Date {
        self.now().date()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn a_fixed_clock_stays_put_and_the_system_clock_moves_on() {
        let clock = Clock::fixed(datetime!(2026-11-28 23:59 UTC));
        assert_eq!(clock.today(), date!(2026 - 11 - 28));
        assert_eq!(clock.now(), clock.now());
        let before = OffsetDateTime::now_utc();
        assert!(Clock::system().now() >= before);
    }
}
