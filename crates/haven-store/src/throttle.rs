//! The sign-in throttle's records (haven-web `auth::throttle` decides what they mean), kept in
//! the database so that every server on it counts the same failures: failures on one server
//! slow guesses sent to another. They live in `settings` under [`PREFIX`], keyed by a hash the
//! caller makes (never a username or address in clear), and are not audited: they are
//! counters, not a practice's settings. Each value starts with the zero-padded time (ms since
//! 1970) after which the record is stale, so stale ones are removed by comparing text.

use std::collections::HashMap;

use crate::db::{exec, on};
use crate::{Result, Store};

/// Settings keys of throttle records start with this; `THROTTLE_END` is the first key after.
const PREFIX: &str = "throttle.";
const THROTTLE_END: &str = "throttle/";

/// Digits of the stale-after stamp every value starts with.
pub const STAMP_DIGITS: usize = 20;

impl Store {
    /// The throttle records stored under `keys` (each given without [`PREFIX`]); absent ones
    /// are left out.
    pub async fn throttle_records(&self, keys: &[String]) -> Result<HashMap<String, String>> {
        let mut found = HashMap::new();
        for key in keys {
            let value: Option<String> = on!(self.db(), p => sqlx::query_scalar(
                "SELECT value FROM settings WHERE key = $1",
            )
            .bind(format!("{PREFIX}{key}"))
            .fetch_optional(p)
            .await)?;
            if let Some(value) = value {
                found.insert(key.clone(), value);
            }
        }
        Ok(found)
    }

    /// Changes the records under `keys` in one transaction under the write lock, so that two
    /// servers counting a failure at once both count it: `change` is given the stored records
    /// and says what each key holds now (`None`: removed). First removes every record stale
    /// before `now_ms`, so the table holds only live counters.
    pub async fn update_throttle_records(
        &self,
        keys: &[String],
        now_ms: u64,
        change: impl FnOnce(HashMap<String, String>) -> Vec<(String, Option<String>)>,
    ) -> Result<()> {
        let mut tx = self.db().write().await?;
        let stale_before = format!("{now_ms:0STAMP_DIGITS$}");
        exec!(conn tx.conn(), c => sqlx::query(
            "DELETE FROM settings WHERE key >= $1 AND key < $2 AND value < $3",
        )
        .bind(PREFIX)
        .bind(THROTTLE_END)
        .bind(&stale_before)
        .execute(c)
        .await)?;
        let mut stored = HashMap::new();
        for key in keys {
            let value: Option<String> = on!(conn tx.conn(), c => sqlx::query_scalar(
                "SELECT value FROM settings WHERE key = $1",
            )
            .bind(format!("{PREFIX}{key}"))
            .fetch_optional(c)
            .await)?;
            if let Some(value) = value {
                stored.insert(key.clone(), value);
            }
        }
        for (key, value) in change(stored) {
            let key = format!("{PREFIX}{key}");
            match value {
                Some(value) => exec!(conn tx.conn(), c => sqlx::query(
                    "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(&key)
                .bind(&value)
                .execute(c)
                .await)?,
                None => {
                    exec!(conn tx.conn(), c => sqlx::query("DELETE FROM settings WHERE key = $1")
                    .bind(&key)
                    .execute(c)
                    .await)?
                }
            };
        }
        tx.commit().await?;
        Ok(())
    }
}
