//! User accounts. Passwords arrive here already hashed (argon2id, by the caller): the store
//! never sees a plain-text password.

use crate::codec::timestamp_text;
use crate::db::{ReadRow, exec, on};
use crate::{Actor, OrgId, Result, Store, StoreError, VersionStamp, now};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Admin,
    Clinician,
    Receptionist,
    Analyst,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Admin,
        Role::Clinician,
        Role::Receptionist,
        Role::Analyst,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Clinician => "clinician",
            Self::Receptionist => "receptionist",
            Self::Analyst => "analyst",
        }
    }

    pub fn parse(id: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|r| r.id() == id)
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct User {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub active: bool,
}

impl std::fmt::Debug for User {
    // The hash is a secret too: never in logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("username", &self.username)
            .field("role", &self.role)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Adds a user to the store's organisation ([`Store::acting_org`]: the deployment's only
    /// practice when the store is not confined to one).
    pub async fn add_user(&self, actor: &Actor, user: &User) -> Result<()> {
        let org = self.acting_org().await?;
        let mut tx = self.db().write().await?;
        let exists: Option<i32> = on!(conn tx.conn(), c =>
            sqlx::query_scalar("SELECT 1 FROM users WHERE username = $1")
                .bind(&user.username)
                .fetch_optional(c)
                .await)?;
        if exists.is_some() {
            return Err(StoreError::DuplicateUser(user.username.clone()));
        }
        exec!(conn tx.conn(), c => sqlx::query("INSERT INTO users (username, display_name, role, password_hash, active, created_at, org) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(&user.username)
            .bind(&user.display_name)
            .bind(user.role.id())
            .bind(&user.password_hash)
            .bind(user.active)
            .bind(timestamp_text(now()))
            .bind(org.0)
            .execute(c)
            .await)?;
        self.audit()
            .append(
                &mut tx,
                actor,
                "user.add",
                None,
                &format!(
                    "{} as {} in organisation {org}",
                    user.username,
                    user.role.id()
                ),
            )
            .await?;
        tx.commit().await?;
        self.names.forget();
        Ok(())
    }

    pub async fn user(&self, username: &str) -> Result<Option<User>> {
        on!(self.db(), p => {
            let row = sqlx::query("SELECT * FROM users WHERE username = $1")
                .bind(username)
                .fetch_optional(p)
                .await?;
            row.map(|r| user_from_row(&r)).transpose()
        })
    }

    /// The organisation a user belongs to; `None` for no such user.
    pub async fn user_org(&self, username: &str) -> Result<Option<OrgId>> {
        Ok(self.user_with_org(username).await?.map(|(_, org)| org))
    }

    /// A user and the organisation they belong to, in one read (every signed-in request needs
    /// both).
    pub async fn user_with_org(&self, username: &str) -> Result<Option<(User, OrgId)>> {
        on!(self.db(), p => {
            let row = sqlx::query("SELECT * FROM users WHERE username = $1")
                .bind(username)
                .fetch_optional(p)
                .await?;
            row.map(|r| Ok((user_from_row(&r)?, OrgId(r.int("org")?))))
                .transpose()
        })
    }

    /// The users of the store's organisation (of every one on a store for the whole
    /// deployment).
    pub async fn users(&self) -> Result<Vec<User>> {
        on!(self.db(), p => {
            let rows = sqlx::query("SELECT * FROM users WHERE CAST($1 AS BIGINT) IS NULL OR org = $1 ORDER BY username")
                .bind(self.org_param())
                .fetch_all(p)
                .await?;
            rows.iter().map(user_from_row).collect()
        })
    }

    /// Sets a new password hash and ends the user's open sessions.
    pub async fn set_password_hash(&self, actor: &Actor, username: &str, hash: &str) -> Result<()> {
        self.update_user(
            actor,
            username,
            "user.password-reset",
            "UPDATE users SET password_hash = $1, version = version + 1, changed_at = $3 WHERE username = $2",
            hash,
        )
        .await?;
        exec!(self.db(), p => sqlx::query("DELETE FROM sessions WHERE username = $1")
            .bind(username)
            .execute(p)
            .await)?;
        Ok(())
    }

    pub async fn set_user_active(&self, actor: &Actor, username: &str, active: bool) -> Result<()> {
        // The flag as text, so that one statement takes it on both backends.
        let (action, value) = if active {
            ("user.activate", "true")
        } else {
            ("user.deactivate", "false")
        };
        self.update_user(
            actor,
            username,
            action,
            "UPDATE users SET active = ($1 = 'true'), version = version + 1, changed_at = $3 WHERE username = $2",
            value,
        )
        .await?;
        if !active {
            exec!(self.db(), p => sqlx::query("DELETE FROM sessions WHERE username = $1")
                .bind(username)
                .execute(p)
                .await)?;
        }
        Ok(())
    }

    /// One change to a user: `sql` sets `?1` for user `?2`, and stamps the row's next version
    /// with `?3` (now), as its Practitioner is served.
    pub(crate) async fn update_user(
        &self,
        actor: &Actor,
        username: &str,
        action: &str,
        sql: &'static str,
        value: &str,
    ) -> Result<()> {
        let mut tx = self.db().write().await?;
        // Another practice's user is not found, as if there were none.
        let mine: Option<i32> = on!(conn tx.conn(), c => sqlx::query_scalar("SELECT 1 FROM users WHERE username = $1 AND (CAST($2 AS BIGINT) IS NULL OR org = $2)")
            .bind(username)
            .bind(self.org_param())
            .fetch_optional(c)
            .await)?;
        if mine.is_none() {
            return Err(StoreError::UserNotFound(username.to_owned()));
        }
        let changed = exec!(conn tx.conn(), c => sqlx::query(sql)
            .bind(value)
            .bind(username)
            .bind(timestamp_text(now()))
            .execute(c)
            .await)?;
        if changed == 0 {
            return Err(StoreError::UserNotFound(username.to_owned()));
        }
        self.audit()
            .append(&mut tx, actor, action, None, username)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

fn user_from_row(r: &impl ReadRow) -> Result<User> {
    let role = r.text("role")?;
    Ok(User {
        username: r.text("username")?,
        display_name: r.text("display_name")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role:?}")))?,
        password_hash: r.text("password_hash")?,
        active: r.flag("active")?,
    })
}

/// A clinician who is, or may be, named as a patient's lead clinician, with the version of what
/// Haven shows of them (a FHIR Practitioner).
#[derive(Clone, Debug, PartialEq)]
pub struct NamedClinician {
    pub id: String,
    /// `None` for an id another system named that is no Haven user.
    pub name: Option<String>,
    pub active: bool,
    pub stamp: VersionStamp,
}

impl Store {
    /// Every clinician a patient's `generalPractitioner` may name, in id order: the users with
    /// the clinician role or named as some patient's lead clinician, and any other id a patient
    /// names (from another system), whose version is the first time a patient named it.
    /// `only` narrows to one id.
    pub async fn named_clinicians(&self, only: Option<&str>) -> Result<Vec<NamedClinician>> {
        on!(self.db(), p => {
            let rows = sqlx::query(
                "SELECT username AS id, display_name AS name, active, version, COALESCE(changed_at, created_at) AS changed_at
                   FROM users
                  WHERE (role = 'clinician' OR username IN (SELECT named_clinician FROM patients))
                    AND (CAST($1 AS TEXT) IS NULL OR username = $1)
                    AND (CAST($2 AS BIGINT) IS NULL OR org = $2)
                 UNION ALL
                 SELECT named_clinician, NULL, TRUE, 1, MIN(changed_at)
                   FROM patients
                  WHERE named_clinician IS NOT NULL AND named_clinician NOT IN (SELECT username FROM users)
                    AND (CAST($1 AS TEXT) IS NULL OR named_clinician = $1)
                    AND (CAST($2 AS BIGINT) IS NULL OR org = $2)
                  GROUP BY named_clinician
                 ORDER BY id",
            )
            .bind(only)
            .bind(self.org_param())
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(NamedClinician {
                        id: r.text("id")?,
                        name: r.opt_text("name")?,
                        active: r.flag("active")?,
                        stamp: crate::patients::stamp(r)?,
                    })
                })
                .collect()
        })
    }
}
