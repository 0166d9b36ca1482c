//! Login sessions. Only a hash of the session token is stored, so a copy of the database does
//! not let anyone log in.

use time::OffsetDateTime;

use crate::codec::{parse_timestamp, timestamp_text};
use crate::db::{ReadRow, exec, on};
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
        exec!(self.db(), p => sqlx::query("INSERT INTO sessions (token_hash, username, csrf_token, created_at, last_seen) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash)
            .bind(username)
            .bind(csrf_token)
            .bind(timestamp_text(at))
            .bind(timestamp_text(at))
            .execute(p)
            .await)?;
        Ok(())
    }

    pub async fn session(&self, token_hash: &str) -> Result<Option<Session>> {
        on!(self.db(), p => {
            let row = sqlx::query(
                "SELECT username, csrf_token, created_at, last_seen FROM sessions WHERE token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(p)
            .await?;
            row.map(|r| {
                Ok(Session {
                    username: r.text("username")?,
                    csrf_token: r.text("csrf_token")?,
                    created_at: parse_timestamp(&r.text("created_at")?)?,
                    last_seen: parse_timestamp(&r.text("last_seen")?)?,
                })
            })
            .transpose()
        })
    }

    pub async fn touch_session(&self, token_hash: &str, at: OffsetDateTime) -> Result<()> {
        exec!(self.db(), p => sqlx::query("UPDATE sessions SET last_seen = $1 WHERE token_hash = $2")
            .bind(timestamp_text(at))
            .bind(token_hash)
            .execute(p)
            .await)?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        exec!(self.db(), p => sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(p)
            .await)?;
        Ok(())
    }
}
