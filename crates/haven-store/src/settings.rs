//! Practice settings (the care-rule policy, safety text): key → text, each change audited with
//! its old and new value.

use crate::{Actor, Result, Store, audit};

impl Store {
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT value FROM settings WHERE key = ?").bind(key).fetch_optional(self.pool()).await?)
    }

    pub async fn set_setting(&self, actor: &Actor, key: &str, value: &str) -> Result<()> {
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let old: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = ?").bind(key).fetch_optional(&mut *tx).await?;
        sqlx::query("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&mut *tx)
            .await?;
        let detail = format!("{key}: {:?} -> {value:?}", old.unwrap_or_default());
        audit::append(&mut tx, actor, "setting.change", None, &detail).await?;
        tx.commit().await?;
        Ok(())
    }
}
