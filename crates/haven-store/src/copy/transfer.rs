//! The copy itself: a read snapshot of the source, and one write transaction on the target
//! that clears what the target's migrations seeded, inserts every row (PostgreSQL by `COPY …
//! FROM STDIN`, SQLite by multi-row inserts) with the target's own triggers set aside, puts
//! them back, and advances PostgreSQL's identity columns past the copied ids.

use futures_util::TryStreamExt;
use sqlx::{AssertSqlSafe, PgConnection, Postgres, QueryBuilder, Sqlite, SqliteConnection};

use super::binary::{COPY_CHUNK, CopyIn};
use super::schema::{Plan, Table, quoted};
use super::value::{ReadValues, Value, copy_line};
use super::{CopyError, Progress, Step};
use crate::Store;
use crate::db::{Conn, Pool, Tx};

/// A read transaction on the source, so that copying and comparing see the same rows:
/// REPEATABLE READ on PostgreSQL, a read transaction (one WAL snapshot) on SQLite.
pub(crate) enum Snapshot {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Snapshot {
    pub(crate) async fn of(pool: &Pool) -> Result<Snapshot, CopyError> {
        Ok(match pool {
            Pool::Sqlite(p) => {
                let mut tx = p.begin().await?;
                // SQLite takes its snapshot at the first read, not at BEGIN.
                sqlx::query("SELECT COUNT(*) FROM haven_meta")
                    .execute(&mut *tx)
                    .await?;
                Snapshot::Sqlite(tx)
            }
            Pool::Postgres(p) => Snapshot::Postgres(
                p.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            ),
        })
    }

    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            Snapshot::Sqlite(tx) => Conn::Sqlite(tx),
            Snapshot::Postgres(tx) => Conn::Postgres(tx),
        }
    }

    /// Ends the read transaction (it wrote nothing).
    pub(crate) async fn end(self) -> Result<(), CopyError> {
        match self {
            Snapshot::Sqlite(tx) => tx.rollback().await?,
            Snapshot::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}

/// A table's rows, streamed in key order as the plan's values.
pub(crate) fn rows<'a>(
    conn: Conn<'a>,
    table: &'a Table,
) -> futures_util::stream::BoxStream<'a, Result<Vec<Value>, sqlx::Error>> {
    use futures_util::StreamExt;
    match conn {
        Conn::Sqlite(c) => sqlx::query(AssertSqlSafe(table.select(false)))
            .fetch(c)
            .map(move |row| row.and_then(|r| r.values(&table.columns)))
            .boxed(),
        Conn::Postgres(c) => sqlx::query(AssertSqlSafe(table.select(true)))
            .fetch(c)
            .map(move |row| row.and_then(|r| r.values(&table.columns)))
            .boxed(),
    }
}

pub(crate) async fn count(conn: Conn<'_>, table: &Table) -> Result<u64, CopyError> {
    let sql = format!("SELECT COUNT(*) FROM {}", quoted(&table.name));
    let n: i64 =
        crate::db::on!(conn conn, c => sqlx::query_scalar(AssertSqlSafe(sql)).fetch_one(c).await)?;
    Ok(n.max(0) as u64)
}

/// Copies every table of the plan from `source` into `target` in one transaction; returns
/// the rows of each table.
pub(crate) async fn copy(
    source: &mut Snapshot,
    target: &Store,
    plan: &Plan,
    progress: Progress<'_>,
) -> Result<Vec<(String, u64)>, CopyError> {
    let mut total = 0;
    for table in &plan.tables {
        total += count(source.conn(), table).await?;
    }
    progress(Step::Copying, 0, total);
    let mut tx = target.db().write().await?;
    let set_aside = set_triggers_aside(&mut tx, plan).await?;
    // What the target's migrations seeded (Haven's marker, the directory's national
    // organisations) is replaced by the source's rows; the caller has checked it held nothing else.
    for table in plan.tables.iter().rev() {
        let sql = format!("DELETE FROM {}", quoted(&table.name));
        crate::db::exec!(conn tx.conn(), c => sqlx::query(AssertSqlSafe(sql)).execute(c).await)?;
    }
    let mut done = 0;
    let mut copied = Vec::with_capacity(plan.tables.len());
    for table in &plan.tables {
        let mut report = |n: u64| progress(Step::Copying, done + n, total);
        let n = match tx.conn() {
            Conn::Postgres(c) => copy_into_pg(source.conn(), c, table, &mut report).await?,
            Conn::Sqlite(c) => copy_into_sqlite(source.conn(), c, table, &mut report).await?,
        };
        done += n;
        copied.push((table.name.clone(), n));
    }
    put_triggers_back(&mut tx, plan, set_aside).await?;
    if let Tx::Postgres(tx) = &mut tx {
        advance_identities(tx, plan).await?;
    }
    tx.commit().await?;
    target.db().refresh_statistics_after_load().await?;
    progress(Step::Copying, total, total);
    Ok(copied)
}

async fn copy_into_pg(
    source: Conn<'_>,
    target: &mut PgConnection,
    table: &Table,
    progress: &mut impl FnMut(u64),
) -> Result<u64, CopyError> {
    let statement = format!(
        "COPY {} ({}) FROM STDIN",
        quoted(&table.name),
        table.column_list()
    );
    let mut copy = CopyIn::begin(target, &statement).await?;
    let mut rows = rows(source, table);
    let mut buffer = String::with_capacity(COPY_CHUNK + 64 * 1024);
    let mut n = 0;
    let sent: Result<(), CopyError> = async {
        while let Some(row) = rows.try_next().await? {
            copy_line(&mut buffer, &row, &table.columns).map_err(|why| CopyError::Unstorable {
                table: table.name.clone(),
                why,
            })?;
            n += 1;
            if buffer.len() >= COPY_CHUNK {
                copy.send(std::mem::take(&mut buffer).into_bytes()).await?;
                buffer.reserve(COPY_CHUNK + 64 * 1024);
                progress(n);
            }
        }
        Ok(())
    }
    .await;
    match sent {
        Ok(()) => {
            copy.finish(buffer.into_bytes()).await?;
            progress(n);
            Ok(n)
        }
        Err(e) => {
            // The connection must leave COPY mode; the transaction is rolled back anyway.
            copy.abort(&e.to_string()).await;
            Err(e)
        }
    }
}

/// SQLite takes at most 32,766 bound values a statement; 500 rows keep statements small.
const SQLITE_ROWS: usize = 500;
const SQLITE_VALUES: usize = 30_000;

async fn copy_into_sqlite(
    source: Conn<'_>,
    target: &mut SqliteConnection,
    table: &Table,
    progress: &mut impl FnMut(u64),
) -> Result<u64, CopyError> {
    let per_batch = (SQLITE_VALUES / table.columns.len().max(1)).clamp(1, SQLITE_ROWS);
    let head = format!(
        "INSERT INTO {} ({}) ",
        quoted(&table.name),
        table.column_list()
    );
    let mut rows = rows(source, table);
    let mut batch = Vec::with_capacity(per_batch);
    let mut n = 0;
    loop {
        let row = rows.try_next().await?;
        let end = row.is_none();
        if let Some(row) = row {
            batch.push(row);
        }
        if batch.len() >= per_batch || (end && !batch.is_empty()) {
            let mut q = QueryBuilder::<Sqlite>::new(head.clone());
            q.push_values(batch.drain(..), |mut b, row| {
                for value in row {
                    match value {
                        Value::Null => b.push_bind(None::<String>),
                        Value::Int(i) => b.push_bind(i),
                        Value::Real(r) => b.push_bind(r),
                        Value::Text(t) => b.push_bind(t),
                        Value::Bytes(v) => b.push_bind(v),
                        Value::Flag(f) => b.push_bind(f),
                    };
                }
            });
            n += q.build().execute(&mut *target).await?.rows_affected();
            progress(n);
        }
        if end {
            return Ok(n);
        }
    }
}

/// The triggers taken off the target for the copy, to be put back before it commits.
pub(crate) enum SetAside {
    /// PostgreSQL: the tables whose user triggers were disabled (`ALTER TABLE … DISABLE
    /// TRIGGER USER`, transactional, undone by the same transaction).
    Postgres,
    /// SQLite: the `CREATE TRIGGER` statements of the triggers dropped.
    Sqlite(Vec<String>),
}

/// Takes off the triggers that would refuse clearing the seeded rows (the append-only ones) or
/// count copied rows a second time (`action_counts`). On SQLite the triggers that fill its own
/// search tables from `patients` stay, so those tables are filled as rows arrive.
async fn set_triggers_aside(tx: &mut Tx, plan: &Plan) -> Result<SetAside, CopyError> {
    match tx {
        Tx::Postgres(tx) => {
            for table in &plan.tables {
                let sql = format!("ALTER TABLE {} DISABLE TRIGGER USER", quoted(&table.name));
                sqlx::query(AssertSqlSafe(sql)).execute(&mut **tx).await?;
            }
            Ok(SetAside::Postgres)
        }
        Tx::Sqlite(tx) => {
            // References are checked at commit: parents come first anyway.
            sqlx::query("PRAGMA defer_foreign_keys = ON")
                .execute(&mut **tx)
                .await?;
            let triggers: Vec<(String, String)> =
                sqlx::query_as("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
                    .fetch_all(&mut **tx)
                    .await?;
            let mut dropped = Vec::new();
            for (name, sql) in triggers {
                if fills_sqlite_only(&sql, plan) {
                    continue;
                }
                let drop = format!("DROP TRIGGER {}", quoted(&name));
                sqlx::query(AssertSqlSafe(drop)).execute(&mut **tx).await?;
                dropped.push(sql);
            }
            Ok(SetAside::Sqlite(dropped))
        }
    }
}

/// Whether a SQLite trigger writes into one of SQLite's own search tables.
fn fills_sqlite_only(sql: &str, plan: &Plan) -> bool {
    let sql = sql.to_ascii_lowercase();
    plan.sqlite_only.iter().any(|table| {
        let into = format!("into {}", table.to_ascii_lowercase());
        sql.match_indices(&into).any(|(at, m)| {
            sql[at + m.len()..]
                .chars()
                .next()
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'))
        })
    })
}

async fn put_triggers_back(tx: &mut Tx, plan: &Plan, aside: SetAside) -> Result<(), CopyError> {
    match (tx, aside) {
        (Tx::Postgres(tx), SetAside::Postgres) => {
            for table in &plan.tables {
                let sql = format!("ALTER TABLE {} ENABLE TRIGGER USER", quoted(&table.name));
                sqlx::query(AssertSqlSafe(sql)).execute(&mut **tx).await?;
            }
        }
        (Tx::Sqlite(tx), SetAside::Sqlite(statements)) => {
            for sql in statements {
                sqlx::query(AssertSqlSafe(sql)).execute(&mut **tx).await?;
            }
        }
        _ => unreachable!("triggers are put back on the transaction they were taken from"),
    }
    Ok(())
}

/// Identity and serial columns continue after the largest copied id, so the next row a
/// server adds does not collide with a copied one.
async fn advance_identities(tx: &mut PgConnection, plan: &Plan) -> Result<(), CopyError> {
    for (table, column) in &plan.identities {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX({c}), 1), MAX({c}) IS NOT NULL) FROM {t}",
            c = quoted(column),
            t = quoted(table),
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(quoted(table))
            .bind(column)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_triggers_writing_into_sqlite_s_own_tables_stay_for_a_copy() {
        let plan = Plan {
            tables: Vec::new(),
            sqlite_only: ["patient_search".to_owned(), "patient_names".to_owned()].into(),
            identities: Vec::new(),
        };
        assert!(fills_sqlite_only(
            "CREATE TRIGGER patient_search_insert AFTER INSERT ON patients BEGIN INSERT INTO patient_search (id) VALUES (new.id); END",
            &plan
        ));
        assert!(fills_sqlite_only(
            "CREATE TRIGGER x AFTER INSERT ON patients BEGIN INSERT INTO patient_names(rowid) VALUES (new.rowid); END",
            &plan
        ));
        assert!(!fills_sqlite_only(
            "CREATE TRIGGER action_counts_insert AFTER INSERT ON actions BEGIN INSERT INTO action_counts (n) VALUES (1); END",
            &plan
        ));
        assert!(!fills_sqlite_only(
            "CREATE TRIGGER y AFTER INSERT ON a BEGIN INSERT INTO patient_search_old (id) VALUES (1); END",
            &plan
        ));
    }
}
