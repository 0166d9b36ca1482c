//! Login sessions. Only a hash of the session token is stored, so a copy of the database does
//! not let anyone log in.

use sqlx::Row;
use time::OffsetDateTime;

use crate::codec::{parse_timestamp, timestamp_text};
use crate::{Result, Store};

#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    pub username: String,
    pub csrf_token: String,
    pub created_at: OffsetDateTime,
    pub last_seen: OffsetDateTime,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl Store {
    pub async fn create_session(
        &self,
        token_hash: &str,
        username: &str,
        csrf_token: &str,
        at: OffsetDateTime,
    ) -> Result<()> {
        sqlx::query("INSERT INTO sessions (token_hash, username, csrf_token, created_at, last_seen) VALUES (?, ?, ?, ?, ?)")
            .bind(token_hash)
            .bind(username)
            .bind(csrf_token)
            .bind(timestamp_text(at))
            .bind(timestamp_text(at))
            .execute(self.sqlite("create_session")?)
            .await?;
        Ok(())
    }

    pub async fn session(&self, token_hash: &str) -> Result<Option<Session>> {
        let row = sqlx::query(
            "SELECT username, csrf_token, created_at, last_seen FROM sessions WHERE token_hash = ?",
        )
        .bind(token_hash)
        .fetch_optional(self.sqlite("session")?)
        .await?;
        row.map(|r| {
            Ok(Session {
                username: r.try_get("username")?,
                csrf_token: r.try_get("csrf_token")?,
                created_at: parse_timestamp(&r.try_get::<String, _>("created_at")?)?,
                last_seen: parse_timestamp(&r.try_get::<String, _>("last_seen")?)?,
            })
        })
        .transpose()
    }

    pub async fn touch_session(&self, token_hash: &str, at: OffsetDateTime) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen = ? WHERE token_hash = ?")
            .bind(timestamp_text(at))
            .bind(token_hash)
            .execute(self.sqlite("touch_session")?)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(self.sqlite("delete_session")?)
            .await?;
        Ok(())
    }
}
