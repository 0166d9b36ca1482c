//! PostgreSQL's binary `COPY` format (`COPY … FROM STDIN (FORMAT binary)`), written by hand for
//! the column types Haven's own bulk loads send, and the sending of it in pieces.
//!
//! The stream is a fixed header, then per row a 16-bit field count and per field a 32-bit
//! length (-1 for NULL) and the value in the type's binary form, all big-endian, then a 16-bit
//! -1. Each value goes as the column's own type (`int8` to a `BIGINT`, `int4` to an
//! `INTEGER`): the server checks lengths, never converts. Haven keeps dates and stamps as ISO
//! 8601 text on both backends, so text, integers, flags and bytes are all it needs.

use sqlx::PgConnection;
use sqlx::postgres::PgCopyIn;

use crate::{Result, StoreError};

/// The signature, flags (no OIDs) and header-extension length that open every binary stream.
const HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

/// The largest value PostgreSQL stores in one field (1 GiB less a byte).
const MAX_FIELD: usize = (1 << 30) - 1;

/// About a mebibyte of rows per message to the server.
pub(crate) const COPY_CHUNK: usize = 1 << 20;

/// Rows in the binary format, built up in memory a piece at a time: [`Rows::take`] hands over
/// what is complete so far, so a long load is sent as it is encoded.
pub(crate) struct Rows {
    buf: Vec<u8>,
}

impl Rows {
    /// A stream that starts with the header.
    pub(crate) fn new() -> Self {
        let mut buf = Vec::with_capacity(COPY_CHUNK + (64 << 10));
        buf.extend_from_slice(HEADER);
        Self { buf }
    }

    /// Begins a row of `fields` values, which the caller then writes in the table's column order.
    pub(crate) fn row(&mut self, fields: i16) -> &mut Self {
        self.buf.extend_from_slice(&fields.to_be_bytes());
        self
    }

    fn field(&mut self, bytes: &[u8]) -> Result<&mut Self> {
        if bytes.len() > MAX_FIELD {
            return Err(StoreError::ValueTooLarge(bytes.len()));
        }
        // At most MAX_FIELD (checked above), which fits an i32.
        self.buf
            .extend_from_slice(&(bytes.len() as i32).to_be_bytes());
        self.buf.extend_from_slice(bytes);
        Ok(self)
    }

    pub(crate) fn null(&mut self) -> &mut Self {
        self.buf.extend_from_slice(&(-1i32).to_be_bytes());
        self
    }

    /// A `BIGINT`.
    pub(crate) fn int8(&mut self, value: i64) -> &mut Self {
        self.buf.extend_from_slice(&8i32.to_be_bytes());
        self.buf.extend_from_slice(&value.to_be_bytes());
        self
    }

    pub(crate) fn opt_int8(&mut self, value: Option<i64>) -> &mut Self {
        match value {
            Some(v) => self.int8(v),
            None => self.null(),
        }
    }

    /// An `INTEGER`.
    pub(crate) fn int4(&mut self, value: i32) -> &mut Self {
        self.buf.extend_from_slice(&4i32.to_be_bytes());
        self.buf.extend_from_slice(&value.to_be_bytes());
        self
    }

    /// A `BOOLEAN`: one byte, 1 or 0.
    pub(crate) fn flag(&mut self, value: bool) -> &mut Self {
        self.buf.extend_from_slice(&1i32.to_be_bytes());
        self.buf.push(u8::from(value));
        self
    }

    /// A `TEXT` (its UTF-8 bytes; the connection's client encoding is UTF-8).
    pub(crate) fn text(&mut self, value: &str) -> Result<&mut Self> {
        self.field(value.as_bytes())
    }

    pub(crate) fn opt_text(&mut self, value: Option<&str>) -> Result<&mut Self> {
        match value {
            Some(v) => self.text(v),
            None => Ok(self.null()),
        }
    }

    /// A `BYTEA`: the bytes as they are.
    pub(crate) fn bytes(&mut self, value: &[u8]) -> Result<&mut Self> {
        self.field(value)
    }

    pub(crate) fn len(&self) -> usize {
        self.buf.len()
    }

    /// What is written so far (whole rows, when called between rows), leaving the buffer empty
    /// for the rest of the stream.
    pub(crate) fn take(&mut self) -> Vec<u8> {
        std::mem::replace(&mut self.buf, Vec::with_capacity(COPY_CHUNK + (64 << 10)))
    }

    /// The rest of the stream with its end marker.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.buf.extend_from_slice(&(-1i16).to_be_bytes());
        self.buf
    }
}

/// One `COPY … FROM STDIN` in progress on the caller's connection (and so inside its
/// transaction), in either format: this one's, or the text of `copy/value.rs` (migrate-db).
pub(crate) struct CopyIn<'c> {
    copy: PgCopyIn<&'c mut PgConnection>,
}

impl<'c> CopyIn<'c> {
    pub(crate) async fn begin(
        conn: &'c mut PgConnection,
        statement: &str,
    ) -> sqlx::Result<CopyIn<'c>> {
        Ok(CopyIn {
            copy: conn.copy_in_raw(statement).await?,
        })
    }

    /// Sends a piece of the stream (about [`COPY_CHUNK`] at a time).
    pub(crate) async fn send(&mut self, piece: Vec<u8>) -> sqlx::Result<()> {
        self.copy.send(piece).await?;
        Ok(())
    }

    /// Sends the rest and ends the copy; returns the rows the server stored.
    pub(crate) async fn finish(mut self, rest: Vec<u8>) -> sqlx::Result<u64> {
        if !rest.is_empty() {
            self.copy.send(rest).await?;
        }
        self.copy.finish().await
    }

    /// Leaves COPY mode after a failure on this side, so the connection can go on to roll its
    /// transaction back; `why` is the server's record of it.
    pub(crate) async fn abort(self, why: &str) {
        // The caller's own error is the one to report; the server answers an abort with one.
        let _ = self.copy.abort(why).await;
    }
}

/// Runs `encode` for each item into a binary copy of `table`, sending as it goes; a failure
/// while encoding aborts the copy (the caller's transaction then rolls back). No items, no
/// statement. The items come as a slice, not an iterator: an iterator of borrowing closures
/// held across the awaits would make the caller's future not `Send`.
pub(crate) async fn load<T: Sync>(
    conn: &mut PgConnection,
    table: &str,
    columns: &str,
    items: &[T],
    mut encode: impl FnMut(&mut Rows, &T) -> Result<()>,
) -> Result<u64> {
    if items.is_empty() {
        return Ok(0);
    }
    let statement = format!("COPY {table} ({columns}) FROM STDIN (FORMAT binary)");
    let mut copy = CopyIn::begin(conn, &statement).await?;
    let mut rows = Rows::new();
    let mut sent = Ok(());
    for item in items {
        sent = encode(&mut rows, item);
        if sent.is_ok() && rows.len() >= COPY_CHUNK {
            sent = copy.send(rows.take()).await.map_err(StoreError::from);
        }
        if sent.is_err() {
            break;
        }
    }
    match sent {
        Ok(()) => Ok(copy.finish(rows.finish()).await?),
        Err(e) => {
            copy.abort(&e.to_string()).await;
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_is_header_rows_and_trailer() {
        let mut rows = Rows::new();
        rows.row(2).int8(1).text("é").expect("text");
        let out = rows.finish();
        let mut want = b"PGCOPY\n\xff\r\n\0".to_vec();
        want.extend([0, 0, 0, 0]); // flags
        want.extend([0, 0, 0, 0]); // header extension
        want.extend([0, 2]); // two fields
        want.extend([0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1]);
        want.extend([0, 0, 0, 2, 0xc3, 0xa9]); // "é" in UTF-8
        want.extend([0xff, 0xff]); // end of data
        assert_eq!(out, want);
    }

    #[test]
    fn each_type_is_big_endian_with_its_own_length() {
        let mut rows = Rows::new();
        let start = rows.len();
        rows.row(7)
            .int8(-2)
            .int4(0x0102_0304)
            .flag(true)
            .flag(false)
            .null()
            .opt_text(None)
            .expect("null")
            .bytes(&[0, 0xff])
            .expect("bytes");
        let out = rows.finish();
        let body = &out[start..];
        assert_eq!(
            body,
            [
                0, 7, // fields
                0, 0, 0, 8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, // int8 -2
                0, 0, 0, 4, 1, 2, 3, 4, // int4
                0, 0, 0, 1, 1, // true
                0, 0, 0, 1, 0, // false
                0xff, 0xff, 0xff, 0xff, // NULL
                0xff, 0xff, 0xff, 0xff, // None
                0, 0, 0, 2, 0, 0xff, // bytea
                0xff, 0xff, // trailer
            ]
        );
    }

    #[test]
    fn an_empty_string_is_a_value_of_length_zero_not_null() {
        let mut rows = Rows::new();
        let start = rows.len();
        rows.row(1).text("").expect("empty");
        assert_eq!(&rows.finish()[start..], [0, 1, 0, 0, 0, 0, 0xff, 0xff]);
    }

    #[test]
    fn taking_hands_over_what_is_written_and_the_pieces_make_the_whole() {
        let mut whole = Rows::new();
        let mut pieces = Rows::new();
        let mut sent = Vec::new();
        for i in 0..3 {
            whole.row(1).int8(i);
            pieces.row(1).int8(i);
            sent.extend(pieces.take());
        }
        sent.extend(pieces.finish());
        assert_eq!(sent, whole.finish());
    }

    #[test]
    fn a_value_larger_than_postgres_stores_is_refused() {
        let mut rows = Rows::new();
        let big = vec![0u8; MAX_FIELD + 1];
        assert!(matches!(
            rows.row(1).bytes(&big),
            Err(StoreError::ValueTooLarge(n)) if n == MAX_FIELD + 1
        ));
    }
}
