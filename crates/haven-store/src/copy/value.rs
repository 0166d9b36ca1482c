//! One stored value as both backends read and write it, and its form in PostgreSQL's `COPY`
//! text format.

use std::fmt::Write as _;

use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

use super::schema::{Column, Kind};

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
    Flag(bool),
}

impl std::fmt::Display for Value {
    /// As a message names a key: text as it is, bytes by their length.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Null => f.write_str("NULL"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Real(r) => write!(f, "{r}"),
            Value::Text(t) => f.write_str(t),
            Value::Bytes(b) => write!(f, "({} bytes)", b.len()),
            Value::Flag(b) => write!(f, "{b}"),
        }
    }
}

/// A row read column by column as the plan's kinds.
pub(crate) trait ReadValues {
    fn values(&self, columns: &[Column]) -> Result<Vec<Value>, sqlx::Error>;
}

macro_rules! read_values {
    ($row:ty) => {
        impl ReadValues for $row {
            fn values(&self, columns: &[Column]) -> Result<Vec<Value>, sqlx::Error> {
                let mut out = Vec::with_capacity(columns.len());
                for (i, column) in columns.iter().enumerate() {
                    let value = match column.kind {
                        Kind::Int => self.try_get::<Option<i64>, _>(i)?.map(Value::Int),
                        Kind::Real => self.try_get::<Option<f64>, _>(i)?.map(Value::Real),
                        Kind::Text => self.try_get::<Option<String>, _>(i)?.map(Value::Text),
                        Kind::Bytes => self.try_get::<Option<Vec<u8>>, _>(i)?.map(Value::Bytes),
                        Kind::Flag => self.try_get::<Option<bool>, _>(i)?.map(Value::Flag),
                    };
                    out.push(value.unwrap_or(Value::Null));
                }
                Ok(out)
            }
        }
    };
}
read_values!(SqliteRow);
read_values!(PgRow);

/// Appends one row to a `COPY … FROM STDIN` (text format) buffer. Text holding a NUL, which
/// PostgreSQL cannot store, is refused with the column's name.
pub(crate) fn copy_line(out: &mut String, row: &[Value], columns: &[Column]) -> Result<(), String> {
    for (i, value) in row.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        match value {
            Value::Null => out.push_str("\\N"),
            Value::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Value::Real(r) if r.is_nan() => out.push_str("NaN"),
            Value::Real(r) if r.is_infinite() => {
                out.push_str(if *r > 0.0 { "Infinity" } else { "-Infinity" })
            }
            // Rust writes the shortest text that reads back as the same f64.
            Value::Real(r) => {
                let _ = write!(out, "{r:?}");
            }
            Value::Text(t) => {
                if t.contains('\0') {
                    return Err(format!(
                        "column {} holds a NUL character, which PostgreSQL cannot store",
                        columns[i].name
                    ));
                }
                escape_into(out, t);
            }
            Value::Bytes(b) => {
                // bytea's hex form, its backslash escaped for COPY.
                out.push_str("\\\\x");
                out.push_str(&hex::encode(b));
            }
            Value::Flag(b) => out.push(if *b { 't' } else { 'f' }),
        }
    }
    out.push('\n');
    Ok(())
}

/// COPY's text format: a backslash, and the characters that end fields and lines, escaped.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str, kind: Kind) -> Column {
        Column {
            name: name.into(),
            kind,
            pg_cast: None,
        }
    }

    #[test]
    fn a_copy_line_escapes_what_would_end_a_field_or_a_line() {
        let columns = [
            column("a", Kind::Text),
            column("b", Kind::Int),
            column("c", Kind::Bytes),
            column("d", Kind::Flag),
            column("e", Kind::Text),
            column("f", Kind::Real),
        ];
        let row = [
            Value::Text("tab\there\nnew \\ line\r".into()),
            Value::Int(-42),
            Value::Bytes(vec![0xff, 0x00, 0x76]),
            Value::Flag(true),
            Value::Null,
            Value::Real(0.1),
        ];
        let mut out = String::new();
        copy_line(&mut out, &row, &columns).expect("line");
        assert_eq!(
            out,
            "tab\\there\\nnew \\\\ line\\r\t-42\t\\\\xff0076\tt\t\\N\t0.1\n"
        );
    }

    #[test]
    fn text_with_a_nul_is_refused_naming_its_column() {
        let mut out = String::new();
        let err = copy_line(
            &mut out,
            &[Value::Text("a\0b".into())],
            &[column("detail", Kind::Text)],
        )
        .expect_err("refused");
        assert!(err.contains("detail"), "{err}");
    }
}
