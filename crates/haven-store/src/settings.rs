//! Practice settings (the care-rule policy, safety text): key → text, each change audited with
//! its old and new value.

use crate::db::{Conn, exec, on};
use crate::{Actor, Result, Store, StoreError};

impl Store {
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(
            on!(self.db(), p => sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(p)
            .await)?,
        )
    }

    pub async fn set_setting(&self, actor: &Actor, key: &str, value: &str) -> Result<()> {
        let mut tx = self.db().write().await?;
        let old: Option<String> = on!(conn tx.conn(), c =>
            sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(key)
                .fetch_optional(c)
                .await)?;
        exec!(conn tx.conn(), c => sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(c)
            .await)?;
        let detail = format!("{key}: {:?} -> {value:?}", old.unwrap_or_default());
        self.audit()
            .append(&mut tx, actor, "setting.change", None, &detail)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

impl Store {
    /// The deployment's 32-byte secret named `name` (e.g. the key that seals CDS card ids),
    /// 244 bits from the operating system's randomness (two v4 uuids), made the first time it is asked for and the
    /// same ever after, for every server on this database. Not a setting anyone changes, so
    /// not audited as one.
    pub async fn deployment_secret(&self, name: &str) -> Result<[u8; 32]> {
        let key = format!("secret.{name}");
        let fresh: String = [uuid::Uuid::new_v4(), uuid::Uuid::new_v4()]
            .iter()
            .flat_map(|u| u.as_bytes().to_vec())
            .map(|b| format!("{b:02x}"))
            .collect();
        exec!(self.db(), p => sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(&key)
            .bind(&fresh)
            .execute(p)
            .await)?;
        let stored = self.setting(&key).await?.unwrap_or_default();
        let mut secret = [0u8; 32];
        hex::decode_to_slice(&stored, &mut secret)
            .map_err(|_| StoreError::Corrupt(format!("settings {key}: not 64 hex digits")))?;
        Ok(secret)
    }
}

/// Settings keys for the care-rule policy carry this prefix.
const POLICY_PREFIX: &str = "policy.";

impl Store {
    /// The practice policy: defaults with every stored change applied.
    pub async fn policy(&self) -> Result<haven_core::policy::Policy> {
        on!(self.db(), p => load_policy(&mut *p.acquire().await?).await)
    }

    /// Changes one policy setting after checking it; audited with the old and new value.
    /// Returns whether anything changed.
    pub async fn set_policy(
        &self,
        actor: &Actor,
        key: &str,
        value: &str,
    ) -> Result<bool, PolicyChangeError> {
        let mut policy = self.policy().await?;
        let before = policy.get(key);
        policy.set(key, value)?;
        let after = policy.get(key).unwrap_or_default();
        if before.as_deref() == Some(after.as_str()) {
            return Ok(false);
        }
        self.set_setting(actor, &format!("{POLICY_PREFIX}{key}"), &after)
            .await?;
        Ok(true)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyChangeError {
    #[error(transparent)]
    Invalid(#[from] haven_core::policy::PolicyError),
    #[error(transparent)]
    Store(#[from] crate::StoreError),
}

/// The stored policy, read on the caller's connection (inside a transaction when there is one).
pub(crate) async fn load_policy(conn: impl Into<Conn<'_>>) -> Result<haven_core::policy::Policy> {
    let rows: Vec<(String, String)> = on!(conn conn.into(), c =>
        sqlx::query_as("SELECT key, value FROM settings WHERE key LIKE 'policy.%' ORDER BY key")
            .fetch_all(c)
            .await)?;
    let pairs = rows
        .iter()
        .map(|(k, v)| (&k[POLICY_PREFIX.len()..], v.as_str()));
    haven_core::policy::Policy::from_settings(pairs)
        .map_err(|e| crate::StoreError::Corrupt(format!("stored policy: {e}")))
}
