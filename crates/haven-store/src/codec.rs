//! Conversions between domain values and database columns, the same on both backends. Dates are ISO 8601 text, which
//! sorts correctly and reads the same in SQLite and PostgreSQL.

use haven_core::Date;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::{Database, Encode, QueryBuilder, Type};
use time::OffsetDateTime;
use time::format_description::well_known::{Iso8601, Rfc3339};

use crate::{Result, StoreError};

pub fn date_text(date: Date) -> String {
    // `Date`'s Display is ISO 8601 (YYYY-MM-DD) for years 0..=9999.
    date.to_string()
}

pub fn parse_date(text: &str) -> Result<Date> {
    Date::parse(text, &Iso8601::DATE)
        .map_err(|e| StoreError::Corrupt(format!("date {text:?}: {e}")))
}

pub fn timestamp_text(at: OffsetDateTime) -> String {
    at.format(&Rfc3339)
        .unwrap_or_else(|_| at.unix_timestamp().to_string())
}

pub fn parse_timestamp(text: &str) -> Result<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|e| StoreError::Corrupt(format!("timestamp {text:?}: {e}")))
}

/// Reads a stored JSON column: text that does not read as what Haven writes there is corrupt.
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Writes a value as a JSON column; a failure is this build's fault, never the database's.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(StoreError::Encode)
}

/// The most ids one [`in_list`] takes: well under SQLite's limit of bound parameters.
pub(crate) const IN_LIST_MAX: usize = 10_000;

/// `head` (ending in `IN (`) followed by `ids` bound one by one and the closing parenthesis.
/// Callers pass at most [`IN_LIST_MAX`] ids.
pub(crate) fn in_list<DB: Database>(head: &str, ids: &[&str]) -> QueryBuilder<DB>
where
    for<'a> &'a str: Encode<'a, DB> + Type<DB>,
{
    let mut q = QueryBuilder::new(head);
    let mut list = q.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    list.push_unseparated(")");
    q
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use haven_core::record::Patient;

    use super::*;

    #[test]
    fn only_stored_text_that_does_not_read_is_called_corrupt() {
        let unreadable = from_json::<Patient>(r#"{"given_name": 3}"#).expect_err("not a patient");
        assert!(matches!(unreadable, StoreError::Corrupt(_)), "{unreadable}");
        assert!(unreadable.to_string().contains("edited by hand"));
        // A map keyed by pairs has no JSON form: a fault of the code writing it, not of the file.
        let unwritable = to_json(&BTreeMap::from([((1, 2), "x")])).expect_err("no JSON form");
        assert!(matches!(unwritable, StoreError::Encode(_)), "{unwritable}");
        assert!(!unwritable.to_string().contains("edited by hand"));
    }
}
