//! Streaming CSV imports into the flows table, in one transaction: a bad
//! row rejects the whole file (unless invalid rows are skipped on request),
//! and LABEL_CODE findings are recorded once the rows are committed.

use std::io::Read;

use entity::source;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    EntityTrait, Statement, TransactionTrait, Value,
};
use serde::Serialize;
use tracing::{info, warn};
use tradegraph_ingest::{FlowRecord, LabelMismatch, ReaderOptions, RowError, SkippedRow};

use super::catalog::{self, Catalog};
use super::write::duplicate;
use super::{StoreError, StoreResult};

/// The outcome of an import. `errors` non-empty means nothing was written
/// (unless invalid rows were skipped on request).
#[derive(Debug, Default, Serialize)]
pub struct ImportReport {
    pub rows_read: u64,
    pub inserted: u64,
    /// Rows rejected; at most [`MAX_REPORTED_ERRORS`] are kept.
    pub errors: Vec<RowError>,
    pub error_count: u64,
    /// Rows left out by design (e.g. aggregate partners in Data México files).
    pub skipped: Vec<SkippedRow>,
    /// Labels that do not name their codes (`LABEL_CODE` findings).
    pub label_mismatches: Vec<LabelMismatch>,
    pub committed: bool,
    /// The audit run holding the LABEL_CODE findings, when there were any.
    pub label_run_id: Option<i64>,
}

pub const MAX_REPORTED_ERRORS: usize = 100;

/// Imports of at least this many rows refresh PostgreSQL's statistics.
const ANALYZE_AFTER_ROWS: u64 = 10_000;

/// Rows per INSERT on SQLite: 10 parameters each keeps a statement under
/// SQLite's 32,766-parameter limit.
const BATCH: usize = 3_000;
/// Rows per INSERT on PostgreSQL, which takes a batch as 10 array parameters.
const PG_BATCH: usize = 20_000;
/// Page cache an import may use on SQLite (KiB, as `PRAGMA cache_size`
/// takes it when negative): index pages stay in memory instead of being
/// re-read for every batch. Restored when the import ends.
const SQLITE_IMPORT_CACHE_KIB: i64 = 256 * 1024;

#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Write the valid rows and report the invalid ones, instead of
    /// rejecting the whole file.
    pub skip_invalid: bool,
    /// The input's size in bytes, when known: a large import into a table
    /// that is not much larger sets the flow indexes aside and rebuilds them
    /// before committing (see [`BULK_MIN_ROWS`]).
    pub size_hint: Option<u64>,
}

/// Bulk mode starts at this many expected rows…
pub const BULK_MIN_ROWS: u64 = 100_000;
/// …when the table holds at most this many times as many rows already:
/// rebuilding an index costs about a fifth of maintaining it row by row.
const BULK_MAX_EXISTING_RATIO: u64 = 2;
/// Bytes per row of a typical flow CSV, to turn a file size into rows.
const BYTES_PER_ROW: u64 = 56;

/// Registers a source slug met in an import that the catalogue lacks.
async fn ensure_sources(
    txn: &DatabaseTransaction,
    catalog: &Catalog,
    slugs: &[String],
) -> StoreResult<bool> {
    let missing: Vec<&String> = slugs
        .iter()
        .filter(|s| catalog.source_by_code(s).is_none())
        .collect();
    for slug in &missing {
        source::Entity::insert(source::ActiveModel {
            code: Set((*slug).clone()),
            name: Set(format!("Imported source `{slug}`")),
            publisher: Set("unknown".into()),
            url: Set(None),
            licence: Set("unknown".into()),
            synthetic: Set(false),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::column(source::Column::Code)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    }
    Ok(!missing.is_empty())
}

async fn source_ids<C: ConnectionTrait>(
    db: &C,
) -> StoreResult<std::collections::HashMap<String, i32>> {
    Ok(source::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.code, s.id))
        .collect())
}

/// Streams a flow CSV into the database in one transaction.
/// `progress` is called with the bytes read so far after every batch.
pub async fn import<R: Read>(
    db: &DatabaseConnection,
    catalog: &Catalog,
    input: R,
    options: ImportOptions,
    progress: impl FnMut(u64),
) -> StoreResult<ImportReport> {
    let reader = tradegraph_ingest::reader_with_options(input, catalog, ReaderOptions::default())
        .map_err(|e| StoreError::invalid("file", "format", e.to_string()))?;
    let backend = db.get_database_backend();
    let txn = db.begin().await?;
    let (mut report, reader_bytes, mut progress) =
        match write_all(&txn, backend, catalog, reader, options, progress).await {
            Ok(Written::Ready(report, bytes, progress)) => {
                txn.commit().await?;
                (report, bytes, progress)
            }
            Ok(Written::Rejected(mut report)) => {
                txn.rollback().await?;
                report.inserted = 0;
                return Ok(report);
            }
            Err(e) => {
                txn.rollback().await?;
                return Err(e);
            }
        };
    if backend == DbBackend::Postgres && report.inserted >= ANALYZE_AFTER_ROWS {
        // Statistics for the new rows now, not when autovacuum gets to them:
        // the planner picks index plans by row estimates. The rows are
        // committed: a failure here only delays the statistics until
        // autovacuum, so it is logged, not returned.
        if let Err(e) = db.execute_unprepared("ANALYZE flows, flow_rollup").await {
            warn!(error = %e, "ANALYZE after the import failed");
        }
    }
    report.committed = true;
    report.label_run_id = super::audit::record_import_findings(
        db,
        super::audit::label_findings(&report.label_mismatches),
    )
    .await?
    .map(|run| run.id);
    progress(reader_bytes);
    info!(
        rows = report.rows_read,
        inserted = report.inserted,
        errors = report.error_count,
        "import finished"
    );
    Ok(report)
}

/// What [`write_all`] left in the transaction.
enum Written<P> {
    /// Everything written, indexes and rollup up to date: commit. Carries
    /// the report, the bytes read and the progress callback.
    Ready(ImportReport, u64, P),
    /// Invalid rows and no `skip_invalid`: roll back.
    Rejected(ImportReport),
}

/// Every write of an import, inside `txn`: the rows (with the indexes set
/// aside for a bulk import, and rebuilt), then the rollup. The caller
/// commits or rolls back.
async fn write_all<R: Read, P: FnMut(u64)>(
    txn: &DatabaseTransaction,
    backend: DbBackend,
    catalog: &Catalog,
    reader: tradegraph_ingest::FlowReader<'_, R>,
    options: ImportOptions,
    progress: P,
) -> StoreResult<Written<P>> {
    let cache = match backend {
        DbBackend::Sqlite => Some(sqlite_grow_cache(txn).await?),
        _ => None,
    };
    let set_aside = if bulk_mode(txn, options).await? {
        set_indexes_aside(txn, backend).await?
    } else {
        Vec::new()
    };
    let outcome = import_rows(txn, backend, catalog, reader, options, progress).await;
    if let Some(previous) = cache {
        let restored = txn
            .execute_unprepared(&format!("PRAGMA cache_size = {previous}"))
            .await;
        if outcome.is_ok() {
            restored?;
        }
    }
    let (report, reader_bytes, progress, touched) = outcome?;
    if report.error_count > 0 && !options.skip_invalid {
        return Ok(Written::Rejected(report));
    }
    rebuild_indexes(txn, backend, &set_aside).await?;
    touched.refresh(txn).await?;
    Ok(Written::Ready(report, reader_bytes, progress))
}

/// Whether this import is large enough, against what is stored, to set the
/// indexes aside.
async fn bulk_mode(txn: &DatabaseTransaction, options: ImportOptions) -> StoreResult<bool> {
    let expected = options.size_hint.unwrap_or(0) / BYTES_PER_ROW;
    if expected < BULK_MIN_ROWS {
        return Ok(false);
    }
    let stored = txn
        .query_one_raw(Statement::from_string(
            txn.get_database_backend(),
            "SELECT COUNT(*) FROM flows",
        ))
        .await?
        .and_then(|row| row.try_get_by_index::<i64>(0).ok())
        .unwrap_or(i64::MAX);
    Ok(u64::try_from(stored).unwrap_or(u64::MAX) <= expected * BULK_MAX_EXISTING_RATIO)
}

/// Drops the secondary indexes of `flows` (the primary key stays) inside
/// `txn` and returns their definitions, to be rebuilt before commit. Readers
/// of `flows` wait for the import meanwhile: dropping an index locks the
/// table until the transaction ends.
async fn set_indexes_aside(
    txn: &DatabaseTransaction,
    backend: DbBackend,
) -> StoreResult<Vec<String>> {
    let listing = match backend {
        DbBackend::Postgres => {
            "SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
             FROM pg_index i
             JOIN pg_class c ON c.oid = i.indexrelid
             JOIN pg_class t ON t.oid = i.indrelid
             JOIN pg_namespace n ON n.oid = t.relnamespace
             WHERE t.relname = 'flows' AND n.nspname = current_schema() AND NOT i.indisprimary
             ORDER BY c.relname"
        }
        _ => {
            "SELECT name, sql AS definition FROM sqlite_master
             WHERE type = 'index' AND tbl_name = 'flows' AND sql IS NOT NULL
             ORDER BY name"
        }
    };
    let rows = txn
        .query_all_raw(Statement::from_string(backend, listing))
        .await?;
    let mut definitions = Vec::with_capacity(rows.len());
    for row in rows {
        let name: String = row.try_get("", "name")?;
        definitions.push(row.try_get::<String>("", "definition")?);
        txn.execute_unprepared(&format!("DROP INDEX \"{name}\""))
            .await?;
    }
    info!(
        indexes = definitions.len(),
        "bulk import: indexes set aside"
    );
    Ok(definitions)
}

/// Recreates the indexes [`set_indexes_aside`] dropped. A unique index that
/// cannot be rebuilt means the file repeats a stored flow's key: reported as
/// DUPLICATE_FLOW with that key.
async fn rebuild_indexes(
    txn: &DatabaseTransaction,
    backend: DbBackend,
    definitions: &[String],
) -> StoreResult<()> {
    if definitions.is_empty() {
        return Ok(());
    }
    if backend == DbBackend::Postgres {
        // Sorts for the index builds in memory, for this transaction only.
        txn.execute_unprepared("SET LOCAL maintenance_work_mem = '256MB'")
            .await?;
    }
    for definition in definitions {
        // A savepoint, so that after a failed build the transaction can
        // still look for the repeated key (PostgreSQL refuses every
        // statement of an aborted transaction).
        txn.execute_unprepared("SAVEPOINT index_rebuild").await?;
        if let Err(err) = txn.execute_unprepared(definition).await {
            txn.execute_unprepared("ROLLBACK TO SAVEPOINT index_rebuild")
                .await?;
            return Err(match duplicate(err) {
                StoreError::Invalid { .. } => repeated_key(txn, backend).await?,
                other => other,
            });
        }
        txn.execute_unprepared("RELEASE SAVEPOINT index_rebuild")
            .await?;
    }
    info!(indexes = definitions.len(), "bulk import: indexes rebuilt");
    Ok(())
}

/// The DUPLICATE_FLOW error for a key stored twice, naming one such key.
async fn repeated_key(txn: &DatabaseTransaction, backend: DbBackend) -> StoreResult<StoreError> {
    let row = txn
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT period_start, period_end, direction, region_code, partner_iso3, product_code
             FROM flows
             GROUP BY region_code, direction, period_start, period_end, partner_iso3,
                      classification, product_code, currency, source_id
             HAVING COUNT(*) > 1
             LIMIT 1",
        ))
        .await?;
    let key = match row {
        Some(r) => format!(
            "{}–{} {} {} {} {}",
            r.try_get::<i32>("", "period_start")?,
            r.try_get::<i32>("", "period_end")?,
            r.try_get::<String>("", "direction")?,
            r.try_get::<String>("", "region_code")?,
            r.try_get::<String>("", "partner_iso3")?,
            r.try_get::<String>("", "product_code")?,
        ),
        None => "unknown".to_owned(),
    };
    Ok(StoreError::invalid(
        "file",
        "DUPLICATE_FLOW",
        format!(
            "a row repeats the key of a flow already stored (period, direction, region, partner, product: {key}); nothing was written"
        ),
    ))
}

/// Raises the SQLite page cache of the import's connection; returns the
/// previous setting.
async fn sqlite_grow_cache(txn: &DatabaseTransaction) -> StoreResult<i64> {
    let previous = txn
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA cache_size",
        ))
        .await?
        .and_then(|row| row.try_get_by_index::<i64>(0).ok())
        .unwrap_or(-2000);
    txn.execute_unprepared(&format!("PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}"))
        .await?;
    Ok(previous)
}

/// Reads every row and writes the valid ones in batches, inside `txn`;
/// the caller commits or rolls back.
async fn import_rows<R: Read, P: FnMut(u64)>(
    txn: &DatabaseTransaction,
    backend: DbBackend,
    catalog: &Catalog,
    mut reader: tradegraph_ingest::FlowReader<'_, R>,
    options: ImportOptions,
    mut progress: P,
) -> StoreResult<(ImportReport, u64, P, super::rollup::Touched)> {
    let batch_size = match backend {
        DbBackend::Postgres => PG_BATCH,
        _ => BATCH,
    };
    let mut report = ImportReport::default();
    let mut touched = super::rollup::Touched::default();
    let mut ids = source_ids(txn).await?;
    let mut batch: Vec<FlowRecord> = Vec::with_capacity(batch_size);
    let mut writing = true;
    loop {
        let next = reader.next();
        let done = next.is_none();
        match next {
            Some(Ok(record)) => {
                report
                    .label_mismatches
                    .extend(record.label_mismatches(catalog));
                if writing {
                    batch.push(record);
                }
            }
            Some(Err(e)) => {
                report.error_count += 1;
                if report.errors.len() < MAX_REPORTED_ERRORS {
                    report.errors.push(e);
                }
                // Without --skip-invalid one bad row rejects the file: keep
                // reading only to report the other bad rows.
                writing = options.skip_invalid;
                if !writing {
                    batch.clear();
                }
            }
            None => {}
        }
        if writing && (batch.len() >= batch_size || (done && !batch.is_empty())) {
            if batch.iter().any(|r| !ids.contains_key(&r.source)) {
                let mut unique: Vec<String> = batch.iter().map(|r| r.source.clone()).collect();
                unique.sort();
                unique.dedup();
                ensure_sources(txn, catalog, &unique).await?;
                catalog::bump_version(txn).await?;
                ids = source_ids(txn).await?;
            }
            let first_line = batch.first().map(|r| r.line).unwrap_or_default();
            let last_line = batch.last().map(|r| r.line).unwrap_or_default();
            if let Err(err) = insert_batch(txn, backend, &batch, &ids).await {
                return Err(match duplicate(err) {
                    StoreError::Invalid { .. } => StoreError::invalid(
                        format!("lines {first_line}–{last_line}"),
                        "DUPLICATE_FLOW",
                        "a row repeats the key of a flow already stored (period, direction, region, partner, product, currency, source); nothing was written",
                    ),
                    other => other,
                });
            }
            report.inserted += batch.len() as u64;
            for r in &batch {
                touched.add(r.period.start().key(), r.period.end().key(), &r.region_code);
            }
            batch.clear();
            progress(reader.bytes_read());
        }
        if done {
            break;
        }
    }
    report.rows_read = reader.rows_read();
    report.skipped = reader.skipped().to_vec();
    info!(rows = report.inserted, "rows written");
    Ok((report, reader.bytes_read(), progress, touched))
}

const FLOW_COLUMNS: &str = "period_start, period_end, direction, region_code, partner_iso3, \
     classification, product_code, value, currency, source_id";

/// Writes one batch with a single statement: on PostgreSQL the rows travel
/// as ten array literals expanded by `unnest` (one parse and one plan per
/// batch, no per-row parameters); elsewhere as a multi-row VALUES list.
async fn insert_batch(
    txn: &DatabaseTransaction,
    backend: DbBackend,
    rows: &[FlowRecord],
    ids: &std::collections::HashMap<String, i32>,
) -> Result<(), DbErr> {
    use std::fmt::Write as _;
    let source_id = |r: &FlowRecord| ids.get(&r.source).copied().unwrap_or_default();
    let statement = if backend == DbBackend::Postgres {
        // An array literal element, quoted: `"` and `\` escaped.
        fn quoted(out: &mut String, s: &str) {
            out.push('"');
            for c in s.chars() {
                if c == '"' || c == '\\' {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push('"');
        }
        let mut cols: [String; 10] =
            std::array::from_fn(|_| String::with_capacity(rows.len() * 8 + 2));
        for c in cols.iter_mut() {
            c.push('{');
        }
        for (i, r) in rows.iter().enumerate() {
            if i > 0 {
                for c in cols.iter_mut() {
                    c.push(',');
                }
            }
            let _ = write!(cols[0], "{}", r.period.start().key());
            let _ = write!(cols[1], "{}", r.period.end().key());
            quoted(&mut cols[2], r.direction.as_str());
            quoted(&mut cols[3], &r.region_code);
            quoted(&mut cols[4], &r.partner_iso3);
            quoted(&mut cols[5], r.classification.as_str());
            quoted(&mut cols[6], &r.product_code);
            // `{}` prints the shortest text that reads back as the same f64.
            let _ = write!(cols[7], "{}", r.value);
            quoted(&mut cols[8], r.currency.as_str());
            let _ = write!(cols[9], "{}", source_id(r));
        }
        for c in cols.iter_mut() {
            c.push('}');
        }
        Statement::from_sql_and_values(
            backend,
            format!(
                "INSERT INTO flows ({FLOW_COLUMNS}) SELECT * FROM unnest(\
                 $1::text::int4[], $2::text::int4[], $3::text::text[], $4::text::text[], \
                 $5::text::text[], $6::text::text[], $7::text::text[], $8::text::float8[], \
                 $9::text::text[], $10::text::int4[])"
            ),
            cols.map(Value::from),
        )
    } else {
        let mut sql = String::with_capacity(64 + rows.len() * 24);
        let _ = write!(sql, "INSERT INTO flows ({FLOW_COLUMNS}) VALUES ");
        let mut values: Vec<Value> = Vec::with_capacity(rows.len() * 10);
        for (i, r) in rows.iter().enumerate() {
            sql.push_str(if i == 0 {
                "(?,?,?,?,?,?,?,?,?,?)"
            } else {
                ",(?,?,?,?,?,?,?,?,?,?)"
            });
            values.extend([
                r.period.start().key().into(),
                r.period.end().key().into(),
                r.direction.as_str().into(),
                r.region_code.as_str().into(),
                r.partner_iso3.as_str().into(),
                r.classification.as_str().into(),
                r.product_code.as_str().into(),
                r.value.into(),
                r.currency.as_str().into(),
                source_id(r).into(),
            ]);
        }
        Statement::from_sql_and_values(backend, sql, values)
    };
    txn.execute_raw(statement).await.map(|_| ())
}
