//! Verifying a copy: every shared table read from both sides in key order and compared value
//! by value (so the row counts agree too), and every patient's rules view on the target rebuilt
//! from the target's own entries and compared with the view copied from the source. The first
//! difference is reported by table and key.

use std::cmp::Ordering;
use std::collections::HashSet;

use futures_util::TryStreamExt;

use super::schema::{Plan, Table};
use super::transfer::rows;
use super::value::Value;
use super::{CopyError, Held, Progress, Step};
use crate::Store;
use crate::db::{Conn, ReadRow, on};

/// The first place where two databases differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    pub table: String,
    /// The row's primary key, its columns' values joined by ", ".
    pub key: String,
    pub what: String,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "table {}, key {}: {}", self.table, self.key, self.what)
    }
}

fn key_text(table: &Table, row: &[Value]) -> String {
    let parts: Vec<String> = table
        .key
        .iter()
        .map(|&i| match &row[i] {
            Value::Text(t) if t.is_empty() => "''".to_owned(),
            v => v.to_string(),
        })
        .collect();
    parts.join(", ")
}

fn key_of(table: &Table, row: &[Value]) -> Vec<Value> {
    table.key.iter().map(|&i| row[i].clone()).collect()
}

/// Key order as both databases sort it: numbers by value, text and bytes by their bytes
/// (PostgreSQL's text columns are `COLLATE "C"`, SQLite's compare bytes).
fn key_order(a: &[Value], b: &[Value]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let o = match (x, y) {
            (Value::Null, Value::Null) => Ordering::Equal,
            (Value::Null, _) => Ordering::Less,
            (_, Value::Null) => Ordering::Greater,
            (Value::Int(x), Value::Int(y)) => x.cmp(y),
            (Value::Real(x), Value::Real(y)) => x.total_cmp(y),
            (Value::Text(x), Value::Text(y)) => x.as_bytes().cmp(y.as_bytes()),
            (Value::Bytes(x), Value::Bytes(y)) => x.cmp(y),
            (Value::Flag(x), Value::Flag(y)) => x.cmp(y),
            (x, y) => x.to_string().cmp(&y.to_string()),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// Compares every table of the plan between `source` and `target`; returns each table's rows.
pub(crate) async fn tables(
    mut source: Conn<'_>,
    target: &Store,
    plan: &Plan,
    progress: Progress<'_>,
) -> Result<Vec<(String, u64)>, CopyError> {
    let mut total = 0;
    for table in &plan.tables {
        total += super::transfer::count(source.re(), table).await?;
    }
    let mut held = Held::of(target.db()).await?;
    let mut done = 0;
    let mut counts = Vec::with_capacity(plan.tables.len());
    for table in &plan.tables {
        let n = table_rows(source.re(), held.conn(), table, &mut |n| {
            progress(Step::Comparing, done + n, total)
        })
        .await?;
        done += n;
        counts.push((table.name.clone(), n));
    }
    Ok(counts)
}

async fn table_rows(
    source: Conn<'_>,
    target: Conn<'_>,
    table: &Table,
    progress: &mut impl FnMut(u64),
) -> Result<u64, CopyError> {
    let mut ours = rows(source, table);
    let mut theirs = rows(target, table);
    let differs = |row: &[Value], what: String| {
        CopyError::Differs(Difference {
            table: table.name.clone(),
            key: key_text(table, row),
            what,
        })
    };
    let mut n = 0u64;
    loop {
        match (ours.try_next().await?, theirs.try_next().await?) {
            (None, None) => return Ok(n),
            (Some(a), None) => {
                return Err(differs(&a, "the row is missing from the target".into()));
            }
            (None, Some(b)) => {
                return Err(differs(
                    &b,
                    "the target has this row and the source does not".into(),
                ));
            }
            (Some(a), Some(b)) => {
                match key_order(&key_of(table, &a), &key_of(table, &b)) {
                    Ordering::Less => {
                        return Err(differs(&a, "the row is missing from the target".into()));
                    }
                    Ordering::Greater => {
                        return Err(differs(
                            &b,
                            "the target has this row and the source does not".into(),
                        ));
                    }
                    Ordering::Equal => {}
                }
                if let Some(i) = (0..a.len()).find(|&i| a[i] != b[i]) {
                    return Err(differs(
                        &a,
                        format!(
                            "column {} differs (the source has {}, the target {})",
                            table.columns[i].name,
                            shown(&a[i]),
                            shown(&b[i])
                        ),
                    ));
                }
                n += 1;
                if n.is_multiple_of(10_000) {
                    progress(n);
                }
            }
        }
    }
}

/// A value in a message: short values as they are, long ones by their start.
fn shown(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{:?}…", &text[..cut]),
        None => format!("{text:?}"),
    }
}

/// Whether `target` holds anything its migrations did not put there: a row in a table a newly
/// migrated database leaves empty, or a row under a key such a database does not have. The
/// comparison is with a new in-memory database of this build (seeded rows carry the time they
/// were seeded, so only their keys are compared).
pub(crate) async fn holds_data(
    target: &Store,
    plan: &Plan,
) -> Result<Option<Difference>, CopyError> {
    let reference = Store::open_in_memory().await?;
    let mut fresh = Held::of(reference.db()).await?;
    let mut held = Held::of(target.db()).await?;
    for table in &plan.tables {
        let seeded: HashSet<String> = rows(fresh.conn(), table)
            .map_ok(|row| key_text(table, &row))
            .try_collect()
            .await?;
        let mut found = rows(held.conn(), table);
        while let Some(row) = found.try_next().await? {
            let key = key_text(table, &row);
            if !seeded.contains(&key) {
                return Ok(Some(Difference {
                    table: table.name.clone(),
                    key,
                    what: "a row that a new database does not have".into(),
                }));
            }
        }
    }
    drop(fresh);
    reference.close().await;
    Ok(None)
}

/// Patients a page of the rules-view check reads at once.
const VIEW_PAGE: i64 = 500;

/// Rebuilds every stored rules view on `target` from its patient and entry rows and compares
/// it with the stored view; returns how many were compared.
pub(crate) async fn rule_views(target: &Store, progress: Progress<'_>) -> Result<u64, CopyError> {
    let total: i64 = on!(target.db(), p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM patients WHERE rules_view IS NOT NULL"
    )
    .fetch_one(p)
    .await)?;
    let total = total.max(0) as u64;
    let mut held = Held::of(target.db()).await?;
    let mut after = String::new();
    let mut done = 0;
    loop {
        let page: Vec<(String, Vec<u8>)> = on!(conn held.conn(), c => {
            let found = sqlx::query(
                "SELECT id, rules_view FROM patients WHERE rules_view IS NOT NULL AND id > $1 ORDER BY id LIMIT $2",
            )
            .bind(&after)
            .bind(VIEW_PAGE)
            .fetch_all(&mut *c)
            .await?;
            let mut page = Vec::with_capacity(found.len());
            for row in &found {
                page.push((row.text("id")?, sqlx::Row::try_get::<Vec<u8>, _>(row, "rules_view")?));
            }
            page
        });
        let Some((last, _)) = page.last() else {
            return Ok(done);
        };
        after = last.clone();
        let ids: Vec<&str> = page.iter().map(|(id, _)| id.as_str()).collect();
        let rebuilt = crate::projection::read_records(held.conn(), &ids).await?;
        for ((id, stored), record) in page.iter().zip(rebuilt) {
            if crate::projection::encode(&record)? != *stored {
                return Err(CopyError::Differs(Difference {
                    table: "patients".into(),
                    key: id.clone(),
                    what: "the rules view rebuilt from the copied patient and entries differs from the copied view".into(),
                }));
            }
        }
        done += page.len() as u64;
        progress(Step::Views, done, total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sort_by_bytes_and_numbers_by_value() {
        let t = |s: &str| Value::Text(s.into());
        assert_eq!(key_order(&[t("pat-10")], &[t("pat-9")]), Ordering::Less);
        assert_eq!(key_order(&[t("Z")], &[t("a")]), Ordering::Less);
        assert_eq!(
            key_order(&[t("e"), Value::Int(10)], &[t("e"), Value::Int(9)]),
            Ordering::Greater
        );
        assert_eq!(key_order(&[Value::Null], &[Value::Int(1)]), Ordering::Less);
    }

    #[test]
    fn a_long_value_is_shown_by_its_start() {
        let long = Value::Text("x".repeat(200));
        assert!(shown(&long).ends_with('…'));
        assert_eq!(shown(&Value::Int(3)), "\"3\"");
    }
}
