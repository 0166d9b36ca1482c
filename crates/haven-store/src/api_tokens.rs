//! Bearer API tokens for the FHIR REST API and CDS Hooks: issued by an admin with a scope
//! (`read` or `write`) and, separately, the `sensitive` permission (whether the token ever sees
//! sensitive history), shown once, stored only as a SHA-256 hash, revoked rather than deleted.

use rusqlite::OptionalExtension;
use sha2::{Digest, Sha256};

use crate::codec::timestamp_text;
use crate::db::{ReadRow, exec, on};
use crate::{Actor, OrgId, Result, Store, StoreError, now};

/// What a token may do; `write` includes `read`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ApiScope {
    Read,
    Write,
}

impl ApiScope {
    pub fn id(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        match id {
            "read" => Some(Self::Read),
            "write" => Some(Self::Write),
            _ => None,
        }
    }

    /// Whether a token of this scope may do what `needed` requires.
    pub fn allows(self, needed: ApiScope) -> bool {
        self >= needed
    }
}

/// A token's public description; the secret itself is never stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiToken {
    /// A public handle (`tok-…`) for listing and revoking.
    pub id: String,
    pub name: String,
    pub scope: ApiScope,
    /// Whether this token sees sensitive history (disclosures of abuse) in read, vread, search
    /// and export. Chosen by the admin at creation and audited; never changed afterwards.
    pub sensitive: bool,
    pub created_by: String,
    pub created_at: String,
    pub revoked: bool,
    /// The practice whose patients the token reads and writes (and no other's).
    pub org: OrgId,
}

/// The stored form of a token: hex SHA-256.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// 244 random bits from the operating system (two v4 uuids), prefixed so that a leaked token
/// is recognisable in logs and secret scanners.
fn new_secret() -> String {
    format!(
        "hvn_{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

impl Store {
    /// Issues a token. Returns its description and the secret, which is shown once and cannot
    /// be recovered later.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        name: &str,
        scope: ApiScope,
        sensitive: bool,
    ) -> Result<(ApiToken, String)> {
        let secret = new_secret();
        let id = format!("tok-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
        let created_at = timestamp_text(now());
        let org = self.acting_org().await?;
        let mut tx = self.db().write().await?;
        exec!(conn tx.conn(), c => sqlx::query("INSERT INTO api_tokens (id, name, token_hash, scope, sensitive, created_by, created_at, org) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(&id)
            .bind(name)
            .bind(hash_token(&secret))
            .bind(scope.id())
            .bind(sensitive)
            .bind(&actor.0)
            .bind(&created_at)
            .bind(org.0)
            .execute(c).await)?;
        self.audit()
            .append(
                &mut tx,
                actor,
                "api-token.create",
                None,
                &format!(
                    "{id} ({}) for {name:?} in organisation {org}{}",
                    scope.id(),
                    if sensitive {
                        ": token created with sensitive scope"
                    } else {
                        ""
                    }
                ),
            )
            .await?;
        tx.commit().await?;
        let token = ApiToken {
            id,
            name: name.to_owned(),
            scope,
            sensitive,
            created_by: actor.0.clone(),
            created_at,
            revoked: false,
            org,
        };
        Ok((token, secret))
    }

    /// The live (not revoked) token with this secret, if any.
    /// Read on the caller's thread where the store is a file (it is asked on every API call).
    pub async fn api_token_for(&self, secret: &str) -> Result<Option<ApiToken>> {
        const LIVE: &str = "SELECT id, name, scope, created_by, created_at, revoked_at, sensitive, org FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL";
        let hash = hash_token(secret);
        let quick = self.readers.read(|conn| {
            conn.prepare_cached(LIVE)?
                .query_row([&hash], |row| {
                    let (id, name, scope, created_by, created_at) = (
                        row.get(0)?,
                        row.get(1)?,
                        row.get::<_, String>(2)?,
                        row.get(3)?,
                        row.get(4)?,
                    );
                    let revoked = row.get::<_, Option<String>>(5)?.is_some();
                    let sensitive = row.get::<_, bool>(6)?;
                    let org = OrgId(row.get::<_, i64>(7)?);
                    Ok(parse_scope(&scope).map(|scope| ApiToken {
                        id,
                        name,
                        scope,
                        sensitive,
                        created_by,
                        created_at,
                        revoked,
                        org,
                    }))
                })
                .optional()
        });
        match quick {
            Some(found) => found?.transpose(),
            None => on!(self.db(), p => sqlx::query(LIVE)
                .bind(&hash)
                .fetch_optional(p)
                .await?
                .as_ref()
                .map(token_from_row)
                .transpose()),
        }
    }

    pub async fn list_api_tokens(&self) -> Result<Vec<ApiToken>> {
        on!(self.db(), p => {
            let rows = sqlx::query("SELECT * FROM api_tokens WHERE CAST($1 AS BIGINT) IS NULL OR org = $1 ORDER BY created_at, id")
                .bind(self.org_param())
                .fetch_all(p)
                .await?;
            rows.iter().map(token_from_row).collect()
        })
    }

    /// Revokes a live token; `false` when there is no live token with that id.
    pub async fn revoke_api_token(&self, actor: &Actor, id: &str) -> Result<bool> {
        let mut tx = self.db().write().await?;
        let done = exec!(conn tx.conn(), c => sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL AND (CAST($3 AS BIGINT) IS NULL OR org = $3)")
                .bind(timestamp_text(now()))
                .bind(id)
                .bind(self.org_param())
                .execute(c).await)?;
        if done == 0 {
            return Ok(false);
        }
        self.audit()
            .append(&mut tx, actor, "api-token.revoke", None, id)
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}

fn parse_scope(scope: &str) -> Result<ApiScope> {
    ApiScope::parse(scope).ok_or_else(|| StoreError::Corrupt(format!("API token scope {scope:?}")))
}

fn token_from_row(row: &impl ReadRow) -> Result<ApiToken> {
    Ok(ApiToken {
        id: row.text("id")?,
        name: row.text("name")?,
        scope: parse_scope(&row.text("scope")?)?,
        sensitive: row.flag("sensitive")?,
        created_by: row.text("created_by")?,
        created_at: row.text("created_at")?,
        revoked: row.opt_text("revoked_at")?.is_some(),
        org: OrgId(row.int("org")?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// In memory the token is read through the pool; from a file, on the caller's thread,
    /// where a revocation must be seen at once all the same.
    #[tokio::test]
    async fn tokens_are_stored_hashed_found_by_secret_and_revocable() {
        check(Store::open_in_memory().await.expect("store")).await;
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("haven.db");
        let store = Store::open(&path.to_string_lossy()).await.expect("store");
        check(store).await;
    }

    async fn check(store: Store) {
        let admin = Actor::new("admin");
        let (token, secret) = store
            .create_api_token(&admin, "EHR integration", ApiScope::Read, false)
            .await
            .expect("create");
        assert!(!token.sensitive);
        assert!(secret.starts_with("hvn_") && secret.len() == 68);
        let stored: String = sqlx::query_scalar("SELECT token_hash FROM api_tokens")
            .fetch_one(store.pool())
            .await
            .expect("row");
        assert_eq!(stored, hash_token(&secret));
        assert_ne!(stored, secret);
        assert_eq!(
            store
                .api_token_for(&secret)
                .await
                .expect("find")
                .map(|t| t.id),
            Some(token.id.clone())
        );
        assert_eq!(store.api_token_for("hvn_wrong").await.expect("find"), None);
        assert!(
            store
                .revoke_api_token(&admin, &token.id)
                .await
                .expect("revoke")
        );
        assert_eq!(store.api_token_for(&secret).await.expect("find"), None);
        assert!(store.list_api_tokens().await.expect("list")[0].revoked);
        assert!(
            !store
                .revoke_api_token(&admin, &token.id)
                .await
                .expect("revoke"),
            "already revoked"
        );
    }

    /// The sensitive permission is kept with the token, found with it, listed, and its grant
    /// is in the audit log.
    #[tokio::test]
    async fn the_sensitive_scope_is_stored_listed_and_audited() {
        let store = Store::open_in_memory().await.expect("store");
        let admin = Actor::new("admin");
        let (plain, plain_secret) = store
            .create_api_token(&admin, "EHR", ApiScope::Read, false)
            .await
            .expect("create");
        let (sensitive, secret) = store
            .create_api_token(&admin, "Therapy service", ApiScope::Read, true)
            .await
            .expect("create");
        assert!(sensitive.sensitive && !plain.sensitive);
        let found = store.api_token_for(&secret).await.expect("find");
        assert_eq!(found.map(|t| t.sensitive), Some(true));
        let found = store.api_token_for(&plain_secret).await.expect("find");
        assert_eq!(found.map(|t| t.sensitive), Some(false));
        let listed = store.list_api_tokens().await.expect("list");
        assert_eq!(
            listed.iter().map(|t| t.sensitive).collect::<Vec<_>>(),
            [false, true]
        );
        let audit = store.audit_recent(None, 10).await.expect("audit");
        let created: Vec<_> = audit
            .iter()
            .filter(|a| a.action == "api-token.create")
            .collect();
        assert_eq!(created.len(), 2);
        assert_eq!(
            created
                .iter()
                .filter(|a| a.detail.contains("token created with sensitive scope"))
                .map(|a| a.detail.contains(&sensitive.id))
                .collect::<Vec<_>>(),
            [true]
        );
    }

    #[test]
    fn write_includes_read() {
        assert!(ApiScope::Write.allows(ApiScope::Read));
        assert!(!ApiScope::Read.allows(ApiScope::Write));
    }
}
