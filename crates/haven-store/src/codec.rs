//! Conversions between domain values and database columns. Dates are ISO 8601 text, which
//! sorts correctly and reads the same in SQLite and PostgreSQL.

use haven_core::Date;
use sqlx::{QueryBuilder, Sqlite};
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

/// The most ids one [`in_list`] takes: well under SQLite's limit of bound parameters.
pub(crate) const IN_LIST_MAX: usize = 10_000;

/// `head` (ending in `IN (`) followed by `ids` bound one by one and the closing parenthesis.
/// Callers pass at most [`IN_LIST_MAX`] ids.
pub(crate) fn in_list(head: &str, ids: &[&str]) -> QueryBuilder<Sqlite> {
    let mut q = QueryBuilder::new(head);
    let mut list = q.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    list.push_unseparated(")");
    q
}
