//! Haven's own bulk loads on PostgreSQL (`haven demo`, the new records of `haven import`): the
//! rows of whole new patients sent by binary `COPY` (`copy/binary.rs`) instead of multi-row
//! `INSERT`s, on the caller's connection and so inside its transaction (all or nothing, under
//! the write lock). The same columns as the inserts of `records.rs`, `actions.rs` and
//! `audit.rs` write, computed by the same functions; only the way they travel differs.
//!
//! Only rows that cannot collide go this way: the patients are new (a load numbers them past
//! the last; an import has read under the write lock that neither they nor their entries are
//! stored), so there is nothing to upsert. The organisation that the inserts read back from
//! `patients` by subquery is the one these patients were just stored under, given here.

use std::borrow::Borrow;

use haven_core::record::{Entry, PatientRecord, Visibility};
use haven_core::rules::Action;
use sqlx::PgConnection;

use crate::actions::Evaluated;
use crate::codec::{date_text, timestamp_text};
use crate::copy::binary::load;
use crate::patients::Columns;
use crate::{Actor, OrgId, Result};

/// New patients of `org` with their rules views, numbered from `first_seq`.
pub(crate) async fn patients<R: Borrow<PatientRecord>>(
    conn: &mut PgConnection,
    records: &[R],
    first_seq: i64,
    actor: &Actor,
    stamp: &str,
    org: OrgId,
) -> Result<()> {
    load(
        conn,
        "patients",
        "id, seq, version, search_name, search_key, phone_key, family_name, given_name, birth_date, nhs_number, local_id, main_language, named_clinician, data, changed_at, changed_by, rules_view, org",
        &records
            .iter()
            .map(Borrow::borrow)
            .zip(first_seq..)
            .collect::<Vec<(&PatientRecord, i64)>>(),
        |rows, &(record, seq)| {
            let p = &record.patient;
            let col = Columns::of(p)?;
            let view = crate::projection::encode(record)?;
            rows.row(18)
                .text(p.id.as_str())?
                .int8(seq)
                .int8(1)
                .text(&col.search_name)?
                .text(&col.search_key)?
                .opt_text(col.phone_key.as_deref())?
                .text(&p.family_name)?
                .text(&p.given_name)?
                .opt_text(col.birth_date.as_deref())?
                .opt_text(col.nhs_number.as_deref())?
                .opt_text(p.local_id.as_deref())?
                .opt_text(col.language.as_deref())?
                .opt_text(col.clinician.as_deref())?
                .text(&col.data)?
                .text(stamp)?
                .text(&actor.0)?
                .bytes(&view)?
                .int8(org.0);
            Ok(())
        },
    )
    .await?;
    Ok(())
}

/// New entries of patients of `org`, each stored as given (its version and last change).
pub(crate) async fn entries(conn: &mut PgConnection, entries: &[&Entry], org: OrgId) -> Result<()> {
    load(
        conn,
        "entries",
        "id, patient_id, kind, version, status, entry_date, sensitive, data, changed_at, changed_by, reason, partial_date, org",
        entries,
        |rows, e| {
            let data = crate::codec::to_json(&e.body)?;
            rows.row(13)
                .text(e.id.as_str())?
                .text(e.patient.as_str())?
                .text(e.body.kind_id())?
                .int8(i64::from(e.version))
                .text(e.status.id())?
                .text(&date_text(e.body.date()))?
                .flag(e.visibility() == Visibility::Sensitive)
                .text(&data)?
                .text(&timestamp_text(e.change.at))?
                .text(e.change.by.as_str())?
                .text(&e.change.reason)?
                .opt_text(e.partial_date.map(|p| p.to_string()).as_deref())?
                .int8(org.0);
            Ok(())
        },
    )
    .await?;
    Ok(())
}

/// The actions of new patients of `org` and how long they stand: rows these patients cannot
/// have yet, so no conflict to resolve.
pub(crate) async fn actions<R: Borrow<PatientRecord>>(
    conn: &mut PgConnection,
    batch: &[(R, Evaluated)],
    org: OrgId,
) -> Result<()> {
    let rows: Vec<(&PatientRecord, &Action)> = batch
        .iter()
        .flat_map(|(r, e)| e.actions.iter().map(move |a| (r.borrow(), a)))
        .collect();
    load(
        conn,
        "actions",
        "patient_id, rule, section, urgency_rank, due, due_sort, reason, clinician, language, org",
        &rows,
        |rows, &(record, a)| {
            let p = &record.patient;
            rows.row(10)
                .text(p.id.as_str())?
                .text(a.rule.id())?
                .text(a.section)?
                .int8(crate::actions::urgency_rank(a.urgency))
                .opt_text(a.due.map(date_text).as_deref())?
                .text(&crate::actions::due_sort(a.due))?
                .text(&a.reason)?
                .opt_text(p.named_clinician.as_ref().map(|c| c.as_str()))?
                .opt_text(p.main_language.as_ref().map(|l| l.primary()))?
                .int8(org.0);
            Ok(())
        },
    )
    .await?;
    // `action_horizons.org` is an INTEGER (migration 0018).
    let org4 = i32::try_from(org.0)
        .map_err(|_| crate::StoreError::Corrupt(format!("organisation number {org}")))?;
    let horizons: Vec<(&PatientRecord, &Evaluated)> =
        batch.iter().map(|(r, e)| (r.borrow(), e)).collect();
    load(
        conn,
        "action_horizons",
        "patient_id, as_of, until, org",
        &horizons,
        |rows, &(record, e)| {
            rows.row(4)
                .text(record.patient.id.as_str())?
                .text(&date_text(e.as_of))?
                .opt_text(e.until.map(date_text).as_deref())?
                .int4(org4);
            Ok(())
        },
    )
    .await?;
    Ok(())
}

/// One sealed audit row, as `audit.rs` chains it.
pub(crate) struct AuditRow<'a> {
    pub seq: i64,
    pub line: crate::audit::Line<'a>,
    pub prev: String,
    pub hash: String,
}

/// Sealed audit rows, stamped `at`, each of the organisation it names (`audit.rs` sends rows
/// here only when every one names it).
pub(crate) async fn audit_rows(
    conn: &mut PgConnection,
    at: &str,
    rows: &[AuditRow<'_>],
) -> Result<()> {
    load(
        conn,
        "audit_log",
        "seq, at, actor, action, patient_id, detail, prev_hash, hash, org",
        rows,
        |out, r| {
            out.row(9)
                .int8(r.seq)
                .text(at)?
                .text(r.line.actor)?
                .text(r.line.action)?
                .opt_text(r.line.patient)?
                .text(r.line.detail.as_ref())?
                .text(&r.prev)?
                .text(&r.hash)?
                .opt_int8(r.line.org.map(|o| o.0));
            Ok(())
        },
    )
    .await?;
    Ok(())
}
