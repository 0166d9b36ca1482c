//! CDS Hooks JWT ids (`jti`) already used: a token is accepted once, across restarts and
//! across every server on this database.

use crate::db::exec;
use crate::{Result, Store};

impl Store {
    /// Records `key` as used until `expires_at` (Unix seconds); `false` if it already was. Keys
    /// whose time has passed at `now` are forgotten first.
    pub async fn first_use_of_jti(&self, key: &str, expires_at: u64, now: u64) -> Result<bool> {
        let mut tx = self.db().write().await?;
        exec!(conn tx.conn(), c => sqlx::query("DELETE FROM cds_jti WHERE expires_at < $1")
            .bind(now as i64)
            .execute(c).await)?;
        let inserted = exec!(conn tx.conn(), c => sqlx::query("INSERT INTO cds_jti (key, expires_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(key)
            .bind(expires_at as i64)
            .execute(c).await)?;
        tx.commit().await?;
        Ok(inserted == 1)
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;

    #[tokio::test]
    async fn a_jti_is_accepted_once_until_it_expires() {
        let store = Store::open_in_memory().await.expect("store");
        assert!(
            store
                .first_use_of_jti("ehr\u{1f}a", 1_000, 500)
                .await
                .expect("first")
        );
        assert!(
            !store
                .first_use_of_jti("ehr\u{1f}a", 1_000, 600)
                .await
                .expect("replay")
        );
        assert!(
            store
                .first_use_of_jti("other\u{1f}a", 1_000, 600)
                .await
                .expect("another issuer")
        );
        // Once it has expired it is forgotten (the token itself is refused as expired by then).
        assert!(
            store
                .first_use_of_jti("ehr\u{1f}a", 3_000, 2_000)
                .await
                .expect("later")
        );
    }

    #[tokio::test]
    async fn a_used_jti_is_remembered_across_a_restart() {
        let dir = tempfile::tempdir().expect("dir");
        let url = dir.path().join("haven.db").display().to_string();
        let store = Store::open(&url).await.expect("open");
        assert!(
            store
                .first_use_of_jti("ehr\u{1f}b", 1_000, 500)
                .await
                .expect("first")
        );
        store.close().await;
        let reopened = Store::open(&url).await.expect("reopen");
        assert!(
            !reopened
                .first_use_of_jti("ehr\u{1f}b", 1_000, 501)
                .await
                .expect("replay")
        );
    }
}
