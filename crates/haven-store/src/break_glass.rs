//! Emergency ("break-glass") access to one patient's record: granted to a named user for a
//! stated reason and a short time, audited when granted and when reviewed, never deleted.

use sqlx::Row;
use time::OffsetDateTime;

use crate::codec::{parse_timestamp, timestamp_text};
use crate::db::on;
use crate::{Actor, Result, Store, StoreError};

/// One grant, as administrators review it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BreakGlass {
    pub id: i64,
    pub username: String,
    pub patient_id: String,
    pub reason: String,
    pub granted_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// Who reviewed it and when; `None` while it awaits review.
    pub reviewed: Option<(String, OffsetDateTime)>,
}

impl Store {
    /// Grants `actor` access to `patient`'s whole record from `now` for `minutes`, for
    /// `reason`; the grant and its audit row are one transaction.
    pub async fn grant_break_glass(
        &self,
        actor: &Actor,
        patient: &str,
        reason: &str,
        now: OffsetDateTime,
        minutes: u32,
    ) -> Result<BreakGlass> {
        let mut tx = self.db().write().await?;
        let exists: Option<i32> = on!(conn tx.conn(), c => sqlx::query_scalar("SELECT 1 FROM patients WHERE id = $1 AND (CAST($2 AS BIGINT) IS NULL OR org = $2)")
            .bind(patient)
            .bind(self.org_param())
            .fetch_optional(c).await)?;
        if exists.is_none() {
            return Err(StoreError::PatientNotFound(patient.to_owned()));
        }
        let expires_at = now + time::Duration::minutes(i64::from(minutes));
        let id: i64 = on!(conn tx.conn(), c => sqlx::query_scalar(
            "INSERT INTO break_glass (username, patient_id, reason, granted_at, expires_at, org)
             VALUES ($1, $2, $3, $4, $5, (SELECT org FROM patients WHERE id = $2)) RETURNING id",
        )
        .bind(actor.0.as_str())
        .bind(patient)
        .bind(reason)
        .bind(timestamp_text(now))
        .bind(timestamp_text(expires_at))
        .fetch_one(c).await)?;
        self.audit()
            .append(
                &mut tx,
                actor,
                "access.break-glass",
                Some(patient),
                &format!("for {minutes} minutes: {reason}"),
            )
            .await?;
        tx.commit().await?;
        Ok(BreakGlass {
            id,
            username: actor.0.clone(),
            patient_id: patient.to_owned(),
            reason: reason.to_owned(),
            granted_at: now,
            expires_at,
            reviewed: None,
        })
    }

    /// When `username`'s emergency access to `patient` ends, if it is open at `now`.
    pub async fn break_glass_until(
        &self,
        username: &str,
        patient: &str,
        now: OffsetDateTime,
    ) -> Result<Option<OffsetDateTime>> {
        let latest: Option<(String, String)> = on!(self.db(), c => sqlx::query_as(
            "SELECT granted_at, expires_at FROM break_glass WHERE username = $1 AND patient_id = $2
             ORDER BY expires_at DESC LIMIT 1",
        )
        .bind(username)
        .bind(patient)
        .fetch_optional(c).await)?;
        let Some((granted, expires)) = latest else {
            return Ok(None);
        };
        let (granted, expires) = (parse_timestamp(&granted)?, parse_timestamp(&expires)?);
        // A grant is open from when it was given until it expires, never before.
        Ok((granted <= now && now < expires).then_some(expires))
    }

    /// The newest grants first, at most `limit`.
    pub async fn break_glass_grants(&self, limit: i64) -> Result<Vec<BreakGlass>> {
        on!(self.db(), p => {
            let rows = sqlx::query(
                "SELECT id, username, patient_id, reason, granted_at, expires_at, reviewed_by,
                        reviewed_at
                 FROM break_glass WHERE CAST($2 AS BIGINT) IS NULL OR org = $2
                 ORDER BY id DESC LIMIT $1",
            )
            .bind(limit)
            .bind(self.org_param())
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    let reviewed_by: Option<String> = r.try_get("reviewed_by")?;
                    let reviewed_at: Option<String> = r.try_get("reviewed_at")?;
                    let reviewed = match (reviewed_by, reviewed_at) {
                        (Some(by), Some(at)) => Some((by, parse_timestamp(&at)?)),
                        _ => None,
                    };
                    Ok(BreakGlass {
                        id: r.try_get("id")?,
                        username: r.try_get("username")?,
                        patient_id: r.try_get("patient_id")?,
                        reason: r.try_get("reason")?,
                        granted_at: parse_timestamp(&r.try_get::<String, _>("granted_at")?)?,
                        expires_at: parse_timestamp(&r.try_get::<String, _>("expires_at")?)?,
                        reviewed,
                    })
                })
                .collect()
        })
    }

    /// Marks grant `id` reviewed by `actor` (once: a second review changes nothing).
    pub async fn review_break_glass(
        &self,
        actor: &Actor,
        id: i64,
        now: OffsetDateTime,
    ) -> Result<bool> {
        let mut tx = self.db().write().await?;
        let patient: Option<String> = on!(conn tx.conn(), c => sqlx::query_scalar(
            "UPDATE break_glass SET reviewed_by = $1, reviewed_at = $2
             WHERE id = $3 AND reviewed_by IS NULL RETURNING patient_id",
        )
        .bind(actor.0.as_str())
        .bind(timestamp_text(now))
        .bind(id)
        .fetch_optional(c).await)?;
        let Some(patient) = patient else {
            return Ok(false);
        };
        self.audit()
            .append(
                &mut tx,
                actor,
                "access.break-glass-reviewed",
                Some(&patient),
                &format!("grant {id}"),
            )
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}
