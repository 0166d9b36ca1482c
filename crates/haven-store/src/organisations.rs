//! The practices of one deployment (migration 0017). Every patient, user, API token and audit
//! row belongs to one organisation, known by its NHS ODS code. A store opened by the binary sees
//! the whole deployment; [`Store::within`] gives the store one organisation sees, and every read
//! and write of patient data through it is confined to that organisation's patients: a patient
//! of another is "not found", exactly like one that does not exist, so ids do not leak.
//!
//! Not to be confused with the directory's organisations (`directory.rs`): those are services
//! patients are referred to, and hold no patient data.

use std::collections::HashMap;
use std::fmt;

use crate::codec::timestamp_text;
use crate::db::{Conn, ReadRow, exec, on};
use crate::{Actor, Result, Store, StoreError, now};

/// An organisation's number in this database (not its ODS code, which an administrator may
/// correct: the number never changes, so history and audit rows never need rewriting).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrgId(pub i64);

impl fmt::Display for OrgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An NHS ODS organisation code, checked for shape only: 3 to 10 capital letters and digits (a
/// GP practice's is a letter and five digits, `A81001`; a trust's three characters, `RBD`). Whether the code is issued is the ODS's
/// to say; Haven does not look it up.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OdsCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OdsCodeError {
    #[error("an ODS code is 3 to 10 characters; {0:?} has {1}")]
    Length(String, usize),
    #[error("an ODS code holds only capital letters A–Z and digits; {0:?} has {1:?}")]
    Character(String, char),
}

impl OdsCode {
    /// Reads a code as typed: surrounding spaces are dropped and small letters made capital.
    pub fn parse(text: &str) -> Result<Self, OdsCodeError> {
        let code = text.trim().to_ascii_uppercase();
        let len = code.chars().count();
        if !(3..=10).contains(&len) {
            return Err(OdsCodeError::Length(text.trim().to_owned(), len));
        }
        if let Some(bad) = code.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return Err(OdsCodeError::Character(text.trim().to_owned(), bad));
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OdsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One practice of the deployment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Practice {
    pub id: OrgId,
    /// `None` only for the practice a single-practice deployment was migrated into, until an
    /// administrator gives its code (`haven org rename`).
    pub ods_code: Option<OdsCode>,
    pub name: String,
    pub created_at: String,
}

impl Practice {
    /// How the practice is named to people: its name, and its code when it has one.
    pub fn label(&self) -> String {
        match &self.ods_code {
            Some(code) => format!("{} ({code})", self.name),
            None => self.name.clone(),
        }
    }
}

fn practice(row: &impl ReadRow) -> Result<Practice> {
    let ods_code = row
        .opt_text("ods_code")?
        .map(|c| {
            OdsCode::parse(&c).map_err(|e| StoreError::Corrupt(format!("organisation code: {e}")))
        })
        .transpose()?;
    Ok(Practice {
        id: OrgId(row.int("id")?),
        ods_code,
        name: row.text("name")?,
        created_at: row.text("created_at")?,
    })
}

/// Appends ` AND {column} = <org>` when the store is confined to an organisation: the filter of
/// every built query over patient data.
pub(crate) fn push_org<DB: sqlx::Database>(
    q: &mut sqlx::QueryBuilder<DB>,
    column: &str,
    org: Option<i64>,
) where
    for<'a> i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    if let Some(org) = org {
        q.push(" AND ").push(column).push(" = ").push_bind(org);
    }
}

fn checked_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::PracticeName);
    }
    Ok(name.to_owned())
}

impl Store {
    /// This store confined to one organisation's patients (a user's or a token's): every
    /// patient read, search, worklist, export and write through it sees that organisation's
    /// patients only, and its audit rows name it.
    pub fn within(&self, org: OrgId) -> Store {
        Store {
            scope: Some(org),
            ..self.clone()
        }
    }

    /// The organisation this store is confined to; `None` for the whole deployment.
    pub fn scope(&self) -> Option<OrgId> {
        self.scope
    }

    /// The confining organisation as a query parameter: `NULL` (every organisation) when the
    /// store is the whole deployment's. Queries read it as
    /// `(CAST($n AS BIGINT) IS NULL OR org = $n)`.
    pub(crate) fn org_param(&self) -> Option<i64> {
        self.scope.map(|o| o.0)
    }

    /// Every practice of the deployment, by number.
    pub async fn practices(&self) -> Result<Vec<Practice>> {
        on!(self.db(), p => {
            let rows = sqlx::query("SELECT id, ods_code, name, created_at FROM organisations ORDER BY id")
                .fetch_all(p)
                .await?;
            rows.iter().map(practice).collect()
        })
    }

    /// The practice with this number, or with this ODS code.
    pub async fn practice(&self, which: &str) -> Result<Practice> {
        let all = self.practices().await?;
        let code = OdsCode::parse(which).ok();
        all.into_iter()
            .find(|p| {
                which.trim().parse::<i64>().ok() == Some(p.id.0)
                    || (code.is_some() && p.ods_code == code)
            })
            .ok_or_else(|| StoreError::PracticeNotFound(which.trim().to_owned()))
    }

    /// The practice of [`Store::acting_org`], read in one query.
    pub async fn acting_practice(&self) -> Result<Practice> {
        let mut all = self.practices().await?;
        match self.scope {
            Some(org) => all
                .into_iter()
                .find(|p| p.id == org)
                .ok_or_else(|| StoreError::PracticeNotFound(org.to_string())),
            None if all.len() == 1 => Ok(all.remove(0)),
            None => Err(ambiguous(&all)),
        }
    }

    /// The organisation a new user, token or patient belongs to when nobody said: this store's
    /// own when it is confined to one; otherwise the deployment's only practice. With several
    /// practices an unconfined store refuses to guess.
    pub async fn acting_org(&self) -> Result<OrgId> {
        if let Some(org) = self.scope {
            return Ok(org);
        }
        let all = self.practices().await?;
        match all.as_slice() {
            [only] => Ok(only.id),
            _ => Err(ambiguous(&all)),
        }
    }

    /// Adds a practice with its ODS code and name, audited.
    pub async fn add_practice(
        &self,
        actor: &Actor,
        code: &OdsCode,
        name: &str,
    ) -> Result<Practice> {
        let name = checked_name(name)?;
        let created_at = timestamp_text(now());
        let mut tx = self.db().write().await?;
        refuse_taken_code(tx.conn(), code, None).await?;
        let id: i64 = on!(conn tx.conn(), c =>
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM organisations")
                .fetch_one(c)
                .await)?;
        exec!(conn tx.conn(), c => sqlx::query("INSERT INTO organisations (id, ods_code, name, created_at) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(code.as_str())
            .bind(&name)
            .bind(&created_at)
            .execute(c)
            .await)?;
        self.audit()
            .append(
                &mut tx,
                actor,
                "organisation.add",
                None,
                &format!("{id}: {name} ({code})"),
            )
            .await?;
        tx.commit().await?;
        Ok(Practice {
            id: OrgId(id),
            ods_code: Some(code.clone()),
            name,
            created_at,
        })
    }

    /// Gives a practice its ODS code and name (the migrated placeholder, or a correction),
    /// audited with both before and after. A store confined to one practice renames that
    /// practice only: another is not found, as if there were none.
    pub async fn rename_practice(
        &self,
        actor: &Actor,
        org: OrgId,
        code: &OdsCode,
        name: &str,
    ) -> Result<Practice> {
        let name = checked_name(name)?;
        if self.scope.is_some_and(|own| own != org) {
            return Err(StoreError::PracticeNotFound(org.to_string()));
        }
        let before = self.practice(&org.0.to_string()).await?;
        let mut tx = self.db().write().await?;
        refuse_taken_code(tx.conn(), code, Some(org)).await?;
        exec!(conn tx.conn(), c => sqlx::query("UPDATE organisations SET ods_code = $1, name = $2 WHERE id = $3")
            .bind(code.as_str())
            .bind(&name)
            .bind(org.0)
            .execute(c)
            .await)?;
        self.audit()
            .append(
                &mut tx,
                actor,
                "organisation.rename",
                None,
                &format!("{org}: {} → {name} ({code})", before.label()),
            )
            .await?;
        tx.commit().await?;
        Ok(Practice {
            ods_code: Some(code.clone()),
            name,
            ..before
        })
    }
}

/// A practice with how many patients and user accounts it holds (the practices page).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PracticeSummary {
    pub practice: Practice,
    pub patients: i64,
    pub users: i64,
}

impl Store {
    /// The practices this store sees: its own when it is confined to one, else every one.
    pub async fn practices_in_scope(&self) -> Result<Vec<Practice>> {
        let all = self.practices().await?;
        Ok(match self.scope {
            Some(own) => all.into_iter().filter(|p| p.id == own).collect(),
            None => all,
        })
    }

    /// [`Store::practices_in_scope`], each with its count of patients and of users: a
    /// confined store counts nothing of another practice.
    pub async fn practice_summaries(&self) -> Result<Vec<PracticeSummary>> {
        let patients = self.count_by_org("SELECT org, COUNT(*) FROM patients WHERE CAST($1 AS BIGINT) IS NULL OR org = $1 GROUP BY org").await?;
        let users = self.count_by_org("SELECT org, COUNT(*) FROM users WHERE CAST($1 AS BIGINT) IS NULL OR org = $1 GROUP BY org").await?;
        Ok(self
            .practices_in_scope()
            .await?
            .into_iter()
            .map(|practice| PracticeSummary {
                patients: patients.get(&practice.id.0).copied().unwrap_or(0),
                users: users.get(&practice.id.0).copied().unwrap_or(0),
                practice,
            })
            .collect())
    }

    /// `(org, count)` rows of `sql`, which reads the store's scope as `$1`.
    async fn count_by_org(&self, sql: &'static str) -> Result<HashMap<i64, i64>> {
        let rows: Vec<(i64, i64)> = on!(self.db(), p => sqlx::query_as(sql)
            .bind(self.org_param())
            .fetch_all(p)
            .await)?;
        Ok(rows.into_iter().collect())
    }

    /// Whether a user holds the deployment-wide grant (migration 0019): an administrator
    /// who may see and manage every practice, a reader of the reports across practices.
    /// `false` for no such user.
    pub async fn spans_practices(&self, username: &str) -> Result<bool> {
        let granted: Option<bool> = on!(self.db(), p => sqlx::query_scalar("SELECT spans_practices FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(p)
            .await)?;
        Ok(granted.unwrap_or(false))
    }

    /// Grants or withdraws the deployment-wide grant, audited (`user.grant-practices`,
    /// `user.revoke-practices`; the account's version goes up, as for any change to it). Only
    /// the command line calls it: no web page widens anyone's access, their own least of all.
    pub async fn set_spans_practices(
        &self,
        actor: &Actor,
        username: &str,
        granted: bool,
    ) -> Result<()> {
        let (action, value) = if granted {
            ("user.grant-practices", "true")
        } else {
            ("user.revoke-practices", "false")
        };
        self.update_user(
            actor,
            username,
            action,
            "UPDATE users SET spans_practices = ($1 = 'true'), version = version + 1, changed_at = $3 WHERE username = $2",
            value,
        )
        .await
    }
}

/// The refusal of a store that serves several practices and was not told which.
fn ambiguous(all: &[Practice]) -> StoreError {
    StoreError::PracticeAmbiguous(
        all.iter()
            .map(Practice::label)
            .collect::<Vec<_>>()
            .join(", "),
    )
}

async fn refuse_taken_code(conn: Conn<'_>, code: &OdsCode, except: Option<OrgId>) -> Result<()> {
    let holder: Option<i64> = on!(conn conn, c =>
        sqlx::query_scalar("SELECT id FROM organisations WHERE ods_code = $1")
            .bind(code.as_str())
            .fetch_optional(c)
            .await)?;
    match holder {
        Some(id) if Some(OrgId(id)) != except => {
            Err(StoreError::PracticeCodeTaken(code.to_string()))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ods_codes_are_checked_for_shape_and_read_in_capitals() {
        assert_eq!(OdsCode::parse(" a81001 ").unwrap().as_str(), "A81001");
        assert_eq!(OdsCode::parse("RBD").unwrap().as_str(), "RBD");
        assert_eq!(
            OdsCode::parse("AB"),
            Err(OdsCodeError::Length("AB".into(), 2))
        );
        assert_eq!(
            OdsCode::parse("A81-001"),
            Err(OdsCodeError::Character("A81-001".into(), '-'))
        );
        assert!(OdsCode::parse("A8100112345").is_err());
    }

    #[tokio::test]
    async fn a_migrated_deployment_has_one_unnamed_practice_that_is_chosen_by_default() {
        let store = Store::open_in_memory().await.unwrap();
        let all = store.practices().await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].ods_code, None);
        assert_eq!(store.acting_org().await.unwrap(), OrgId(1));

        let admin = Actor::new("admin");
        let code = OdsCode::parse("Y01234").unwrap();
        store
            .rename_practice(&admin, OrgId(1), &code, "Riverside Surgery")
            .await
            .unwrap();
        let second = store
            .add_practice(
                &admin,
                &OdsCode::parse("Y05678").unwrap(),
                "Hillside Practice",
            )
            .await
            .unwrap();
        assert_eq!(second.id, OrgId(2));
        assert!(matches!(
            store.acting_org().await,
            Err(StoreError::PracticeAmbiguous(_))
        ));
        assert_eq!(
            store.within(second.id).acting_org().await.unwrap(),
            OrgId(2)
        );
        assert_eq!(store.practice("y01234").await.unwrap().id, OrgId(1));
        assert_eq!(store.practice("2").await.unwrap().name, "Hillside Practice");
        assert!(matches!(
            store.add_practice(&admin, &code, "Again").await,
            Err(StoreError::PracticeCodeTaken(_))
        ));
        assert!(matches!(
            store.practice("Z99999").await,
            Err(StoreError::PracticeNotFound(_))
        ));
    }

    /// H-69: the grant of every practice is the deployment's, audited; a store confined to one
    /// practice counts and renames that practice only.
    #[tokio::test]
    async fn the_practices_grant_is_audited_and_confined_stores_rename_their_own_practice_only() {
        let store = Store::open_in_memory().await.unwrap();
        let cli = Actor::cli("org");
        let hill = store
            .add_practice(&cli, &OdsCode::parse("Y05678").unwrap(), "Hillside")
            .await
            .unwrap();
        let user = crate::User {
            username: "analyst".into(),
            display_name: "Analyst".into(),
            role: crate::Role::Analyst,
            password_hash: "x".into(),
            active: true,
        };
        store.within(OrgId(1)).add_user(&cli, &user).await.unwrap();
        assert!(!store.spans_practices("analyst").await.unwrap());
        store
            .set_spans_practices(&cli, "analyst", true)
            .await
            .unwrap();
        assert!(store.spans_practices("analyst").await.unwrap());
        assert!(!store.spans_practices("nobody").await.unwrap());
        // Hillside's confined store cannot grant a Riverside user.
        assert!(matches!(
            store
                .within(hill.id)
                .set_spans_practices(&cli, "analyst", false)
                .await,
            Err(StoreError::UserNotFound(_))
        ));
        let audit = store
            .audit_search(&crate::AuditQuery {
                action: Some("user.grant-practices".into()),
                limit: 10,
                ..crate::AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].detail, "analyst");

        let own = store.within(OrgId(1)).practice_summaries().await.unwrap();
        assert_eq!(own.len(), 1);
        assert_eq!((own[0].practice.id, own[0].users), (OrgId(1), 1));
        let all = store.practice_summaries().await.unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(
            (all[1].practice.id, all[1].users, all[1].patients),
            (hill.id, 0, 0)
        );

        let code = OdsCode::parse("Z99999").unwrap();
        assert!(matches!(
            store
                .within(OrgId(1))
                .rename_practice(&cli, hill.id, &code, "Taken")
                .await,
            Err(StoreError::PracticeNotFound(_))
        ));
        assert_eq!(store.practice("Y05678").await.unwrap().name, "Hillside");
        store
            .within(hill.id)
            .rename_practice(&cli, hill.id, &code, "Hillside Medical Centre")
            .await
            .unwrap();
        assert_eq!(store.practice("Z99999").await.unwrap().id, hill.id);
    }
}
