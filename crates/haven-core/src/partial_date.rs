//! Dates known only to the year or the month, as other systems record them (`1988`,
//! `1988-04`) and as FHIR allows for `date` and `dateTime` elements. Haven keeps them as they
//! were given and shows them so: a birth year is never turned into 1 January.

use std::fmt;

use time::{Date, Month};

/// How much of a date is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DatePrecision {
    Year,
    Month,
    Day,
}

/// A year, a month of a year, or a whole day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PartialDate {
    /// The first day of the period.
    first: Date,
    precision: DatePrecision,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a date (YYYY-MM-DD, or YYYY-MM or YYYY when only the month or year is known)"
)]
pub struct PartialDateError(pub String);

impl PartialDate {
    /// A whole day.
    pub fn day(date: Date) -> Self {
        Self {
            first: date,
            precision: DatePrecision::Day,
        }
    }

    /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a four-digit year, as FHIR writes dates).
    pub fn parse(text: &str) -> Result<Self, PartialDateError> {
        let bad = || PartialDateError(text.to_owned());
        let number = |s: &str| -> Result<i32, PartialDateError> {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            s.parse().map_err(|_| bad())
        };
        let mut parts = text.split('-');
        let year = parts.next().ok_or_else(bad)?;
        if year.len() != 4 {
            return Err(bad());
        }
        let year = number(year)?;
        let month = match parts.next() {
            None => None,
            Some(m) if m.len() == 2 => Some(
                Month::try_from(u8::try_from(number(m)?).map_err(|_| bad())?).map_err(|_| bad())?,
            ),
            Some(_) => return Err(bad()),
        };
        let day = match parts.next() {
            None => None,
            Some(d) if d.len() == 2 => Some(u8::try_from(number(d)?).map_err(|_| bad())?),
            Some(_) => return Err(bad()),
        };
        if parts.next().is_some() {
            return Err(bad());
        }
        let (first, precision) = match (month, day) {
            (None, _) => (
                Date::from_calendar_date(year, Month::January, 1),
                DatePrecision::Year,
            ),
            (Some(m), None) => (Date::from_calendar_date(year, m, 1), DatePrecision::Month),
            (Some(m), Some(d)) => (Date::from_calendar_date(year, m, d), DatePrecision::Day),
        };
        Ok(Self {
            first: first.map_err(|_| bad())?,
            precision,
        })
    }

    pub fn precision(&self) -> DatePrecision {
        self.precision
    }

    /// The whole day, when it is known.
    pub fn as_day(&self) -> Option<Date> {
        (self.precision == DatePrecision::Day).then_some(self.first)
    }

    /// The first day it may be.
    pub fn earliest(&self) -> Date {
        self.first
    }

    /// The last day it may be.
    pub fn latest(&self) -> Date {
        match self.precision {
            DatePrecision::Day => self.first,
            DatePrecision::Month => self
                .first
                .replace_day(self.first.month().length(self.first.year()))
                .unwrap_or(self.first),
            DatePrecision::Year => Date::from_calendar_date(self.first.year(), Month::December, 31)
                .unwrap_or(self.first),
        }
    }

    /// Whether `date` may be the day meant.
    pub fn contains(&self, date: Date) -> bool {
        (self.earliest()..=self.latest()).contains(&date)
    }

    /// Age in whole years on `today`: the youngest and the oldest the person may be.
    pub fn age_range_on(&self, today: Date) -> (i32, i32) {
        let age = |born: Date| {
            let mut years = today.year() - born.year();
            if (today.month() as u8, today.day()) < (born.month() as u8, born.day()) {
                years -= 1;
            }
            years
        };
        (age(self.latest()), age(self.earliest()))
    }
}

impl From<Date> for PartialDate {
    fn from(date: Date) -> Self {
        Self::day(date)
    }
}

/// `1988`, `1988-04` or `1988-04-12`: as FHIR writes it, and as pages show it.
impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.precision {
            DatePrecision::Year => write!(f, "{:04}", self.first.year()),
            DatePrecision::Month => write!(
                f,
                "{:04}-{:02}",
                self.first.year(),
                self.first.month() as u8
            ),
            DatePrecision::Day => write!(f, "{}", self.first),
        }
    }
}

/// Stored as its text in JSON (which also reads the `[year, day of year]` form whole dates
/// were stored in before). Elsewhere (the rules view) as `(year, n)` where `n` is the day of the
/// year for a whole date, exactly as `time::Date` writes it, so views stored before partial
/// dates existed still read; `0` for a year alone and `400 + month` for a month, numbers no
/// day of the year can be.
#[cfg(feature = "serde")]
mod serde_impl {
    use super::{DatePrecision, PartialDate};
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use time::{Date, Month};

    const YEAR_ONLY: u16 = 0;
    const MONTH_BASE: u16 = 400;

    impl Serialize for PartialDate {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            if s.is_human_readable() {
                return s.collect_str(self);
            }
            let n = match self.precision {
                DatePrecision::Year => YEAR_ONLY,
                DatePrecision::Month => MONTH_BASE + u16::from(self.first.month() as u8),
                DatePrecision::Day => self.first.ordinal(),
            };
            (self.first.year(), n).serialize(s)
        }
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        Text(String),
        Whole(Date),
    }

    impl<'de> Deserialize<'de> for PartialDate {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            if d.is_human_readable() {
                return match Text::deserialize(d)? {
                    Text::Text(text) => PartialDate::parse(&text).map_err(D::Error::custom),
                    Text::Whole(date) => Ok(PartialDate::day(date)),
                };
            }
            let (year, n) = <(i32, u16)>::deserialize(d)?;
            let bad = || D::Error::custom(format!("date ({year}, {n})"));
            let (first, precision) = match n {
                YEAR_ONLY => (
                    Date::from_calendar_date(year, Month::January, 1),
                    DatePrecision::Year,
                ),
                401..=412 => {
                    let month = Month::try_from((n - MONTH_BASE) as u8).map_err(|_| bad())?;
                    (
                        Date::from_calendar_date(year, month, 1),
                        DatePrecision::Month,
                    )
                }
                _ => (Date::from_ordinal_date(year, n), DatePrecision::Day),
            };
            Ok(PartialDate {
                first: first.map_err(|_| bad())?,
                precision,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn reads_and_writes_years_months_and_days() {
        for text in ["1988", "1988-04", "1988-04-12", "2024-02", "2024-02-29"] {
            assert_eq!(
                PartialDate::parse(text).map(|d| d.to_string()),
                Ok(text.to_owned())
            );
        }
        for bad in [
            "88",
            "1988-4",
            "1988-13",
            "1988-02-30",
            "1988-04-12T10:00",
            "198a",
            "",
            "1988-",
            "-1988",
        ] {
            assert!(PartialDate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn knows_its_first_and_last_day() {
        let year = PartialDate::parse("1988").expect("year");
        assert_eq!(
            (year.earliest(), year.latest()),
            (date!(1988 - 01 - 01), date!(1988 - 12 - 31))
        );
        assert_eq!(year.precision(), DatePrecision::Year);
        assert_eq!(year.as_day(), None);
        let leap = PartialDate::parse("2024-02").expect("month");
        assert_eq!(leap.latest(), date!(2024 - 02 - 29));
        assert!(leap.contains(date!(2024 - 02 - 10)) && !leap.contains(date!(2024 - 03 - 01)));
        let day = PartialDate::day(date!(1990 - 05 - 01));
        assert_eq!(
            (day.earliest(), day.latest(), day.as_day()),
            (
                date!(1990 - 05 - 01),
                date!(1990 - 05 - 01),
                Some(date!(1990 - 05 - 01))
            )
        );
    }

    #[test]
    fn an_age_from_a_year_is_a_range() {
        let today = date!(2026 - 06 - 15);
        assert_eq!(
            PartialDate::parse("1988")
                .expect("year")
                .age_range_on(today),
            (37, 38)
        );
        assert_eq!(
            PartialDate::parse("1988-06")
                .expect("month")
                .age_range_on(today),
            (37, 38)
        );
        assert_eq!(
            PartialDate::parse("1988-03")
                .expect("month")
                .age_range_on(today),
            (38, 38)
        );
        assert_eq!(
            PartialDate::day(date!(1988 - 06 - 16)).age_range_on(today),
            (37, 37)
        );
    }
}
