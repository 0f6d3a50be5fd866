//! Writing an import's rows: one `COPY` stream on PostgreSQL, multi-row
//! `INSERT`s on SQLite. Either way the file is read while the database
//! writes what was sent before.

use std::collections::HashMap;
use std::io::Write as _;

use sea_orm::sqlx::{self, AssertSqlSafe, Postgres, Sqlite, Transaction};
use tradegraph_ingest::FlowRecord;

use super::sums::Sums;
use super::txn::{Txn, db_err};
use super::{Records, register_source, source_ids};
use crate::store::write::duplicate;
use crate::store::{StoreError, StoreResult};

const FLOW_COLUMNS: &str = "period_start, period_end, direction, region_code, partner_iso3, \
     classification, product_code, value, currency, source_id";

/// Bytes of `COPY` data sent at a time: small enough to sit in the
/// socket's buffer while the next rows are read.
pub(super) const COPY_CHUNK: usize = 128 * 1024;

/// Rows per INSERT on SQLite: 10 parameters each keeps a statement under
/// SQLite's 32,766-parameter limit.
const SQLITE_ROWS: usize = 3_000;

/// Writes every record of `rows` into `flows` and adds it to `sums`;
/// returns the rows written. Stops early, writing nothing more, when the
/// file turns out to be rejected.
///
/// With `bulk` (the indexes set aside, which locks `flows` against every
/// other writer until commit) PostgreSQL's rows are given their ids here,
/// from one range taken of the id sequence, instead of a `nextval` call
/// per row: in psql, `COPY` of scale 1's million rows took 1.15–1.24 s with
/// the ids sent against 1.38–1.57 s with the column's default (three runs
/// each).
pub(super) async fn write(
    txn: &mut Txn,
    rows: &mut Records,
    sums: &mut Sums,
    bulk: bool,
    progress: &mut impl FnMut(u64),
) -> StoreResult<u64> {
    let mut sources = source_ids(txn).await?;
    let mut next_id = match txn {
        Txn::Postgres(_) if bulk => Some(first_free_id(txn).await?),
        _ => None,
    };
    let mut carry = None;
    let mut written = 0;
    loop {
        // A stream ends at the end of the file, or at a record whose source
        // must first be registered (a statement of its own).
        let (n, unknown) = match txn {
            Txn::Postgres(tx) => {
                copy(
                    tx,
                    rows,
                    &sources,
                    &mut next_id,
                    carry.take(),
                    sums,
                    progress,
                )
                .await?
            }
            Txn::Sqlite(tx) => insert(tx, rows, &sources, carry.take(), sums, progress).await?,
        };
        written += n;
        match unknown {
            Some(record) if !rows.rejected() => {
                sources = register_source(txn, &record.source).await?;
                carry = Some(record);
            }
            _ => break,
        }
    }
    if let Some(next_id) = next_id
        && written > 0
        && !rows.rejected()
    {
        // The sequence goes on after the ids given, for the writers that
        // wait on the lock.
        txn.fetch_i64(&format!(
            "SELECT setval(pg_get_serial_sequence('flows', 'id'), {})",
            next_id - 1
        ))
        .await?;
    }
    Ok(written)
}

/// The first id of the range a bulk import gives its rows on PostgreSQL:
/// the sequence's next value, or past the largest id stored if a row was
/// ever written with an id of its own.
async fn first_free_id(txn: &mut Txn) -> StoreResult<i64> {
    let first = txn
        .fetch_i64(
            "SELECT GREATEST(nextval(pg_get_serial_sequence('flows', 'id')), \
               (SELECT COALESCE(MAX(id), 0) + 1 FROM flows))",
        )
        .await?;
    Ok(first.unwrap_or(1))
}

/// The rows one stream wrote, and the record it stopped at because its
/// source is not registered yet.
type Streamed = (u64, Option<FlowRecord>);

/// One `COPY` of records until the end of the file or an unknown source:
/// `sources` gives each record's source id, and `next_id`, when set, is the
/// id of the next row, given and advanced here instead of by the column's
/// default.
async fn copy(
    tx: &mut Transaction<'static, Postgres>,
    rows: &mut Records,
    sources: &HashMap<String, i32>,
    next_id: &mut Option<i64>,
    mut carry: Option<FlowRecord>,
    sums: &mut Sums,
    progress: &mut impl FnMut(u64),
) -> StoreResult<Streamed> {
    let id_column = if next_id.is_some() { "id, " } else { "" };
    let mut stream = tx
        .copy_in_raw(&format!(
            "COPY flows ({id_column}{FLOW_COLUMNS}) FROM STDIN"
        ))
        .await
        .map_err(db_err)?;
    let mut buf: Vec<u8> = Vec::with_capacity(COPY_CHUNK + 512);
    // The file line of each row sent, to name the row a clash is on. A
    // bulk import (ids given here) sends its rows with the unique index set
    // aside: no row can clash during its `COPY`, so it keeps none.
    let mut lines: Vec<u64> = Vec::new();
    let mut unknown = None;
    while let Some(record) = rows.next_after(&mut carry).await {
        let Some(&source_id) = sources.get(&record.source) else {
            unknown = Some(record);
            break;
        };
        match next_id {
            Some(id) => {
                let _ = write!(buf, "{id}\t");
                *id += 1;
            }
            None => lines.push(record.line),
        }
        copy_line(&mut buf, &record, source_id);
        sums.add(&record, source_id);
        if buf.len() >= COPY_CHUNK {
            stream.send(buf.as_slice()).await.map_err(db_err)?;
            buf.clear();
            progress(rows.bytes_read());
        }
    }
    if rows.rejected() {
        // The transaction is rolled back whatever the server answers (it
        // may already have refused a row of the stream).
        if let Err(e) = stream.abort("the file has invalid rows").await {
            tracing::debug!(error = %e, "COPY of a rejected file ended with an error");
        }
        return Ok((0, None));
    }
    if !buf.is_empty() {
        stream.send(buf.as_slice()).await.map_err(db_err)?;
    }
    match stream.finish().await {
        Ok(n) => Ok((n, unknown)),
        Err(err) => Err(copy_clash(err, &lines)),
    }
}

/// One text field of a `COPY … FROM STDIN` row and its tab: `\\`, tab and
/// line breaks escaped.
pub(super) fn copy_text(buf: &mut Vec<u8>, s: &str) {
    for &b in s.as_bytes() {
        match b {
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            _ => buf.push(b),
        }
    }
    buf.push(b'\t');
}

/// One row of `COPY … FROM STDIN` text: tab-separated, with `\`, tab and
/// line breaks escaped in text.
fn copy_line(buf: &mut Vec<u8>, r: &FlowRecord, source_id: i32) {
    // Writing into a Vec cannot fail. `{}` prints the shortest text that
    // reads back as the same f64.
    let _ = write!(
        buf,
        "{}\t{}\t",
        r.period.start().key(),
        r.period.end().key()
    );
    copy_text(buf, r.direction.as_str());
    copy_text(buf, &r.region_code);
    copy_text(buf, &r.partner_iso3);
    copy_text(buf, r.classification.as_str());
    copy_text(buf, &r.product_code);
    let _ = write!(buf, "{}\t", r.value);
    copy_text(buf, r.currency.as_str());
    let _ = writeln!(buf, "{source_id}");
}

/// A failed `COPY`: a repeated key becomes DUPLICATE_FLOW naming the file
/// line and the key, as PostgreSQL reports them.
fn copy_clash(err: sqlx::Error, lines: &[u64]) -> StoreError {
    let (detail, line) = match &err {
        sqlx::Error::Database(e) => {
            let pg = e.try_downcast_ref::<sqlx::postgres::PgDatabaseError>();
            // The context reads `COPY flows, line N…`: the N-th row sent.
            let line = pg
                .and_then(|e| e.r#where())
                .and_then(|w| w.split_once("line "))
                .and_then(|(_, rest)| {
                    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
                    rest[..digits].parse::<usize>().ok()
                })
                .and_then(|n| lines.get(n.checked_sub(1)?).copied());
            (pg.and_then(|e| e.detail()).map(str::to_owned), line)
        }
        _ => (None, None),
    };
    match duplicate(db_err(err)) {
        StoreError::Invalid { rule, .. } => StoreError::invalid(
            line.map_or_else(|| "file".to_owned(), |l| format!("line {l}")),
            rule,
            format!(
                "a row repeats the key of a flow already stored{}; nothing was written",
                detail.map(|d| format!(" ({d})")).unwrap_or_default()
            ),
        ),
        other => other,
    }
}

/// Multi-row INSERTs of records until the end of the file or an unknown
/// source. SQLite writes on the driver's own thread: each batch is written
/// while the next one is read.
async fn insert(
    tx: &mut Transaction<'static, Sqlite>,
    rows: &mut Records,
    ids: &HashMap<String, i32>,
    mut carry: Option<FlowRecord>,
    sums: &mut Sums,
    progress: &mut impl FnMut(u64),
) -> StoreResult<Streamed> {
    let mut written = 0;
    let (mut batch, mut unknown) = fill(rows, ids, &mut carry, sums).await;
    while !batch.is_empty() && !rows.rejected() {
        let first = batch[0].0.line;
        let last = batch[batch.len() - 1].0.line;
        let n = batch.len() as u64;
        let statement = values(std::mem::take(&mut batch));
        let read_ahead = unknown.is_none();
        let (result, next) = futures::join!(statement.execute(&mut **tx), async {
            if read_ahead {
                Some(fill(rows, ids, &mut carry, sums).await)
            } else {
                None
            }
        });
        result.map_err(|err| match duplicate(db_err(err)) {
            StoreError::Invalid { rule, .. } => StoreError::invalid(
                format!("lines {first}–{last}"),
                rule,
                "a row repeats the key of a flow already stored (period, direction, region, partner, product, currency, source); nothing was written",
            ),
            other => other,
        })?;
        written += n;
        progress(rows.bytes_read());
        match next {
            Some((b, u)) => (batch, unknown) = (b, u),
            None => break,
        }
    }
    if rows.rejected() {
        return Ok((0, None));
    }
    Ok((written, unknown))
}

/// The next batch of records and their source ids, and the record it
/// stopped at when that one's source is not registered.
async fn fill(
    rows: &mut Records,
    ids: &HashMap<String, i32>,
    carry: &mut Option<FlowRecord>,
    sums: &mut Sums,
) -> (Vec<(FlowRecord, i32)>, Option<FlowRecord>) {
    let mut batch = Vec::with_capacity(SQLITE_ROWS);
    while batch.len() < SQLITE_ROWS {
        let Some(record) = rows.next_after(carry).await else {
            break;
        };
        let Some(&source_id) = ids.get(&record.source) else {
            return (batch, Some(record));
        };
        sums.add(&record, source_id);
        batch.push((record, source_id));
    }
    (batch, None)
}

/// One multi-row INSERT of a batch.
fn values(
    batch: Vec<(FlowRecord, i32)>,
) -> sqlx::query::Query<'static, Sqlite, sqlx::sqlite::SqliteArguments> {
    let mut sql = String::with_capacity(64 + batch.len() * 24);
    sql.push_str("INSERT INTO flows (");
    sql.push_str(FLOW_COLUMNS);
    sql.push_str(") VALUES ");
    for i in 0..batch.len() {
        sql.push_str(if i == 0 {
            "(?,?,?,?,?,?,?,?,?,?)"
        } else {
            ",(?,?,?,?,?,?,?,?,?,?)"
        });
    }
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for (r, source_id) in batch {
        query = query
            .bind(r.period.start().key())
            .bind(r.period.end().key())
            .bind(r.direction.as_str())
            .bind(r.region_code)
            .bind(r.partner_iso3)
            .bind(r.classification.as_str())
            .bind(r.product_code)
            .bind(r.value)
            .bind(r.currency.as_str())
            .bind(source_id);
    }
    query
}
