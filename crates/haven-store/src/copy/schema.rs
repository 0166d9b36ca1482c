//! What a copy between the backends copies, read from the two schemas themselves (never a list
//! kept in code, so a migration that adds a table or a column is copied without a change here):
//! the tables both schemas hold, each with its columns, primary key and kind of value, in an
//! order that inserts every referenced row before the rows referring to it.
//!
//! PostgreSQL's column types say what a value is (SQLite's declared types are only affinities).
//! A table only SQLite has is one of its own search aids (the `patient_search` table, FTS5
//! indexes), kept by its triggers from `patients`; a column on one side only is a schema fault.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::{PgConnection, SqliteConnection};

use super::CopyError;

/// The table sqlx keeps its migrations in: each side migrates itself, and the versions are
/// compared before anything is copied.
pub(crate) const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

/// What a column holds, as both backends can read and write it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Int,
    Real,
    Text,
    Bytes,
    Flag,
}

#[derive(Clone, Debug)]
pub(crate) struct Column {
    pub name: String,
    pub kind: Kind,
    /// PostgreSQL's type, when it is not the one Haven reads the kind as (`integer` is read
    /// as `bigint`).
    pub pg_cast: Option<&'static str>,
}

#[derive(Clone, Debug)]
pub(crate) struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    /// Indexes into `columns` of the primary key (every column when a table has none).
    pub key: Vec<usize>,
}

/// Everything a copy between one SQLite and one PostgreSQL database needs to know.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    /// The tables both hold, parents before children.
    pub tables: Vec<Table>,
    /// SQLite's own search tables (ordinary and FTS5), filled by its triggers from `patients`.
    pub sqlite_only: BTreeSet<String>,
    /// PostgreSQL identity and serial columns, advanced past the copied ids afterwards.
    pub identities: Vec<(String, String)>,
}

impl Table {
    /// `SELECT` of every column, in key order, for `postgres` or SQLite.
    pub(crate) fn select(&self, postgres: bool) -> String {
        let columns: Vec<String> = self
            .columns
            .iter()
            .map(|c| match (postgres, c.pg_cast) {
                (true, Some(cast)) => format!("{}::{cast}", quoted(&c.name)),
                _ => quoted(&c.name),
            })
            .collect();
        format!(
            "SELECT {} FROM {} ORDER BY {}",
            columns.join(", "),
            quoted(&self.name),
            self.key_list()
        )
    }

    pub(crate) fn column_list(&self) -> String {
        let names: Vec<String> = self.columns.iter().map(|c| quoted(&c.name)).collect();
        names.join(", ")
    }

    fn key_list(&self) -> String {
        let names: Vec<String> = self
            .key
            .iter()
            .map(|&i| quoted(&self.columns[i].name))
            .collect();
        names.join(", ")
    }
}

/// A name as an identifier in either dialect.
pub(crate) fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Reads both schemas and pairs them: the tables both hold, with PostgreSQL's types.
pub(crate) async fn plan(
    sqlite: &mut SqliteConnection,
    pg: &mut PgConnection,
) -> Result<Plan, CopyError> {
    let lite = sqlite_tables(sqlite).await?;
    let pg_columns = pg_tables(pg).await?;
    let keys = pg_keys(pg).await?;
    let mut tables = Vec::new();
    for (name, columns) in &pg_columns {
        if name == MIGRATIONS_TABLE {
            continue;
        }
        let Some(lite_columns) = lite.get(name) else {
            return Err(CopyError::SchemaMismatch {
                table: name.clone(),
                why: "it is in the PostgreSQL schema but not in the SQLite one".into(),
            });
        };
        let lite_names: BTreeSet<&str> = lite_columns.iter().map(String::as_str).collect();
        let pg_names: BTreeSet<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
        if let Some(only) = pg_names.symmetric_difference(&lite_names).next() {
            let side = if pg_names.contains(only) {
                "PostgreSQL"
            } else {
                "SQLite"
            };
            return Err(CopyError::SchemaMismatch {
                table: name.clone(),
                why: format!("column {only} is only in the {side} schema"),
            });
        }
        let mut typed = Vec::with_capacity(columns.len());
        for (column, pg_type) in columns {
            let (kind, pg_cast) = kind_of(pg_type).ok_or_else(|| CopyError::SchemaMismatch {
                table: name.clone(),
                why: format!("column {column} has the type {pg_type}, which Haven does not copy"),
            })?;
            typed.push(Column {
                name: column.clone(),
                kind,
                pg_cast,
            });
        }
        let key = match keys.get(name) {
            Some(key) => key
                .iter()
                .map(|k| {
                    typed.iter().position(|c| &c.name == k).ok_or_else(|| {
                        CopyError::SchemaMismatch {
                            table: name.clone(),
                            why: format!("its key column {k} is not among its columns"),
                        }
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => (0..typed.len()).collect(),
        };
        tables.push(Table {
            name: name.clone(),
            columns: typed,
            key,
        });
    }
    let mut sqlite_only: BTreeSet<String> = lite
        .keys()
        .filter(|t| *t != MIGRATIONS_TABLE && !pg_columns.contains_key(*t))
        .cloned()
        .collect();
    sqlite_only.extend(
        sqlx::query_scalar::<_, String>(
            "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'virtual'",
        )
        .fetch_all(&mut *sqlite)
        .await?,
    );
    let tables = parents_first(tables, &pg_references(pg).await?);
    Ok(Plan {
        tables,
        sqlite_only,
        identities: pg_identities(pg).await?,
    })
}

/// PostgreSQL's type as a kind, and the cast that reads it as that kind's Rust type.
fn kind_of(pg_type: &str) -> Option<(Kind, Option<&'static str>)> {
    Some(match pg_type {
        "bigint" => (Kind::Int, None),
        "integer" | "smallint" => (Kind::Int, Some("bigint")),
        "double precision" => (Kind::Real, None),
        "real" | "numeric" => (Kind::Real, Some("float8")),
        "text" => (Kind::Text, None),
        "character varying" | "character" => (Kind::Text, Some("text")),
        "bytea" => (Kind::Bytes, None),
        "boolean" => (Kind::Flag, None),
        _ => return None,
    })
}

/// SQLite's ordinary tables (no virtual tables, no FTS5 shadow tables, no `sqlite_` ones) and
/// their columns.
async fn sqlite_tables(
    conn: &mut SqliteConnection,
) -> Result<BTreeMap<String, Vec<String>>, CopyError> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut tables = BTreeMap::new();
    for name in names {
        let columns: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                .bind(&name)
                .fetch_all(&mut *conn)
                .await?;
        tables.insert(name, columns);
    }
    Ok(tables)
}

/// PostgreSQL's base tables in the current schema, each with its columns and their types.
async fn pg_tables(
    conn: &mut PgConnection,
) -> Result<BTreeMap<String, Vec<(String, String)>>, CopyError> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text
         FROM information_schema.columns c
         JOIN information_schema.tables t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
         ORDER BY c.table_name, c.ordinal_position",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut tables: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (table, column, data_type) in rows {
        tables.entry(table).or_default().push((column, data_type));
    }
    Ok(tables)
}

async fn pg_keys(conn: &mut PgConnection) -> Result<BTreeMap<String, Vec<String>>, CopyError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT cl.relname::text, a.attname::text
         FROM pg_constraint c
         JOIN pg_class cl ON cl.oid = c.conrelid
         CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, pos)
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
         WHERE c.contype = 'p' AND cl.relnamespace = current_schema()::regnamespace
         ORDER BY cl.relname, k.pos",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut keys: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (table, column) in rows {
        keys.entry(table).or_default().push(column);
    }
    Ok(keys)
}

/// (child, parent) for every foreign key between two different tables.
async fn pg_references(conn: &mut PgConnection) -> Result<Vec<(String, String)>, CopyError> {
    Ok(sqlx::query_as(
        "SELECT DISTINCT child.relname::text, parent.relname::text
         FROM pg_constraint c
         JOIN pg_class child ON child.oid = c.conrelid
         JOIN pg_class parent ON parent.oid = c.confrelid
         WHERE c.contype = 'f' AND child.relnamespace = current_schema()::regnamespace
           AND c.conrelid <> c.confrelid",
    )
    .fetch_all(&mut *conn)
    .await?)
}

async fn pg_identities(conn: &mut PgConnection) -> Result<Vec<(String, String)>, CopyError> {
    Ok(sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns
         WHERE table_schema = current_schema()
           AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')
         ORDER BY table_name, column_name",
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// The tables ordered so that each comes after every table it refers to (by name otherwise,
/// so the order is the same on every run).
fn parents_first(tables: Vec<Table>, references: &[(String, String)]) -> Vec<Table> {
    let mut left: BTreeMap<String, Table> =
        tables.into_iter().map(|t| (t.name.clone(), t)).collect();
    let mut ordered = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let ready: Vec<String> = left
            .keys()
            .filter(|name| {
                !references
                    .iter()
                    .any(|(child, parent)| child == *name && left.contains_key(parent))
            })
            .cloned()
            .collect();
        // A cycle of references (Haven has none) is copied in name order: the whole copy is
        // one transaction, and PostgreSQL checks a COPY's references at its end.
        let ready = if ready.is_empty() {
            left.keys().take(1).cloned().collect()
        } else {
            ready
        };
        for name in ready {
            if let Some(table) = left.remove(&name) {
                ordered.push(table);
            }
        }
    }
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str) -> Table {
        Table {
            name: name.into(),
            columns: Vec::new(),
            key: Vec::new(),
        }
    }

    #[test]
    fn parents_are_copied_before_the_rows_that_refer_to_them() {
        let refs = [
            ("entries".to_owned(), "patients".to_owned()),
            ("entry_history".to_owned(), "entries".to_owned()),
            ("actions".to_owned(), "patients".to_owned()),
        ];
        let order: Vec<String> = parents_first(
            ["entry_history", "actions", "entries", "patients", "users"]
                .map(table)
                .into(),
            &refs,
        )
        .into_iter()
        .map(|t| t.name)
        .collect();
        assert_eq!(
            order,
            ["patients", "users", "actions", "entries", "entry_history"]
        );
    }

    #[test]
    fn every_postgres_type_haven_uses_has_a_kind_and_others_are_refused() {
        assert_eq!(kind_of("bigint"), Some((Kind::Int, None)));
        assert_eq!(kind_of("integer"), Some((Kind::Int, Some("bigint"))));
        assert_eq!(kind_of("boolean"), Some((Kind::Flag, None)));
        assert_eq!(kind_of("bytea"), Some((Kind::Bytes, None)));
        assert_eq!(kind_of("text"), Some((Kind::Text, None)));
        assert_eq!(kind_of("jsonb"), None);
    }

    #[test]
    fn names_are_quoted_as_identifiers() {
        assert_eq!(quoted("key"), "\"key\"");
        assert_eq!(quoted("a\"b"), "\"a\"\"b\"");
    }
}
