//! Streaming CSV imports into the flows table, in one transaction: a bad
//! row rejects the whole file (unless invalid rows are skipped on request),
//! and LABEL_CODE findings are recorded once the rows are committed.
//!
//! The rows stream to the database while the file is still being read on
//! a thread of its own ([`Records`]; PostgreSQL's `COPY`, SQLite's
//! multi-row `INSERT`), the yearly rollup is
//! summed in memory on the way ([`sums`]), and a large import into a table
//! not much larger sets the secondary indexes aside and rebuilds them before
//! commit.

mod rows;
mod sums;
mod txn;

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use entity::source;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryTrait,
};
use serde::Serialize;
use tracing::{info, warn};
use tradegraph_ingest::{FlowReader, LabelMismatch, ReaderOptions, RowError, SkippedRow};

use super::catalog::{self, Catalog};
use super::write::duplicate;
use super::{StoreError, StoreResult};
use sums::Sums;
use txn::Txn;

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

impl ImportReport {
    /// The file has an invalid row and invalid rows are not to be skipped:
    /// nothing may be written.
    fn rejects_the_file(&self, skip_invalid: bool) -> bool {
        self.error_count > 0 && !skip_invalid
    }
}

/// Imports of at least this many rows vacuum and analyse the flows on
/// PostgreSQL.
const VACUUM_AFTER_ROWS: u64 = 10_000;

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
/// The in-file duplicate check is sized at once for at most this many rows
/// (a table of 4 Mi slots, about 100 MB); a larger file's grows from there.
const PRESIZE_MAX_ROWS: u64 = 3_500_000;

/// The file's rows as the reading thread checks them: valid records in
/// order, while invalid ones are counted and kept for the report. Without
/// `skip_invalid`, the first invalid row ends the records; the rest of the
/// file is still read, to report its other invalid rows.
struct Rows<'c, R: Read> {
    reader: FlowReader<'c, R>,
    catalog: &'c Catalog,
    skip_invalid: bool,
    report: ImportReport,
}

impl<R: Read> Rows<'_, R> {
    fn next(&mut self) -> Option<tradegraph_ingest::FlowRecord> {
        loop {
            match self.reader.next()? {
                Ok(record) => {
                    self.report
                        .label_mismatches
                        .extend(record.label_mismatches(self.catalog));
                    if !self.rejected() {
                        return Some(record);
                    }
                }
                Err(e) => {
                    self.report.error_count += 1;
                    if self.report.errors.len() < MAX_REPORTED_ERRORS {
                        self.report.errors.push(e);
                    }
                }
            }
        }
    }

    fn rejected(&self) -> bool {
        self.report.rejects_the_file(self.skip_invalid)
    }
}

/// Records a batch carries from the reading thread to the writer.
const BATCH_ROWS: usize = 1024;

/// Batches that may wait for the writer: enough to keep both threads busy
/// through a hiccup, few enough that memory does not grow with the file.
const BATCHES_AHEAD: usize = 8;

/// Checked records and how far into the file they reach.
struct Batch {
    records: Vec<tradegraph_ingest::FlowRecord>,
    bytes_read: u64,
}

/// The records as the writers take them, from a thread of their own that
/// reads and checks the file: parsing and checking a row costs the client
/// more than writing it (about 1.2 s against 0.6 s of CPU for a million
/// rows, BENCHMARKS.md), and the two now run on two cores. The
/// channel is bounded, so the reader stays at most [`BATCHES_AHEAD`]
/// batches ahead.
pub(super) struct Records {
    batches: tokio::sync::mpsc::Receiver<Batch>,
    current: std::vec::IntoIter<tradegraph_ingest::FlowRecord>,
    bytes_read: u64,
    rejected: Arc<AtomicBool>,
}

impl Records {
    async fn next(&mut self) -> Option<tradegraph_ingest::FlowRecord> {
        loop {
            if let Some(record) = self.current.next() {
                return Some(record);
            }
            let batch = self.batches.recv().await?;
            self.bytes_read = batch.bytes_read;
            self.current = batch.records.into_iter();
        }
    }

    /// The record a stream stopped at (`carry`), if any, else the next one.
    async fn next_after(
        &mut self,
        carry: &mut Option<tradegraph_ingest::FlowRecord>,
    ) -> Option<tradegraph_ingest::FlowRecord> {
        match carry.take() {
            Some(record) => Some(record),
            None => self.next().await,
        }
    }

    /// The file has an invalid row and invalid rows are not to be skipped.
    /// Known once the last record has been taken: the reader holds back
    /// every record after the first invalid row.
    fn rejected(&self) -> bool {
        self.rejected.load(Ordering::Acquire)
    }

    fn bytes_read(&self) -> u64 {
        self.bytes_read
    }
}

/// What the reading thread reports once the file is read.
struct ReadOutcome {
    report: ImportReport,
    bytes_read: u64,
}

fn reader_stopped() -> StoreError {
    StoreError::Db(sea_orm::DbErr::Custom(
        "the import's reading thread stopped".into(),
    ))
}

/// Starts reading `input` on a blocking thread; returns the records once the
/// header is read, or the format error that stops the file at its header.
async fn start_reading<R: Read + Send + 'static>(
    input: R,
    catalog: Arc<Catalog>,
    options: ImportOptions,
) -> StoreResult<(Records, tokio::task::JoinHandle<ReadOutcome>)> {
    let reader_options = ReaderOptions {
        expected_rows: (options.size_hint.unwrap_or(0) / BYTES_PER_ROW).min(PRESIZE_MAX_ROWS)
            as usize,
        ..ReaderOptions::default()
    };
    let skip_invalid = options.skip_invalid;
    let (send, batches) = tokio::sync::mpsc::channel(BATCHES_AHEAD);
    let (header, header_read) = tokio::sync::oneshot::channel();
    let rejected = Arc::new(AtomicBool::new(false));
    let flag = rejected.clone();
    let reading = tokio::task::spawn_blocking(move || {
        let reader = match tradegraph_ingest::reader_with_options(input, &*catalog, reader_options)
        {
            Ok(reader) => reader,
            Err(e) => {
                let _ = header.send(Err(e));
                return ReadOutcome {
                    report: ImportReport::default(),
                    bytes_read: 0,
                };
            }
        };
        let _ = header.send(Ok(()));
        let mut rows = Rows {
            reader,
            catalog: &catalog,
            skip_invalid,
            report: ImportReport::default(),
        };
        let mut records = Vec::with_capacity(BATCH_ROWS);
        while let Some(record) = rows.next() {
            records.push(record);
            if records.len() == BATCH_ROWS {
                let batch = Batch {
                    records: std::mem::replace(&mut records, Vec::with_capacity(BATCH_ROWS)),
                    bytes_read: rows.reader.bytes_read(),
                };
                if send.blocking_send(batch).is_err() {
                    // The writer stopped (an error, or the import was
                    // dropped): nothing will be written.
                    break;
                }
            }
        }
        let bytes_read = rows.reader.bytes_read();
        // Empty after a stopped writer: its batch was taken before sending.
        if !records.is_empty() {
            let _ = send.blocking_send(Batch {
                records,
                bytes_read,
            });
        }
        // Before the channel closes: the writer reads it after the last batch.
        flag.store(rows.rejected(), Ordering::Release);
        drop(send);
        rows.report.rows_read = rows.reader.rows_read();
        rows.report.skipped = rows.reader.skipped().to_vec();
        ReadOutcome {
            report: rows.report,
            bytes_read,
        }
    });
    match header_read.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(StoreError::invalid("file", "format", e.to_string())),
        Err(_) => return Err(reader_stopped()),
    }
    let records = Records {
        batches,
        current: Vec::new().into_iter(),
        bytes_read: 0,
        rejected,
    };
    Ok((records, reading))
}

/// Streams a flow CSV into the database in one transaction.
/// `progress` is called with the bytes read so far as the rows are written.
pub async fn import<R: Read + Send + 'static>(
    db: &DatabaseConnection,
    catalog: Arc<Catalog>,
    input: R,
    options: ImportOptions,
    mut progress: impl FnMut(u64),
) -> StoreResult<ImportReport> {
    let (mut records, reading) = start_reading(input, catalog, options).await?;
    let mut txn = Txn::begin(db).await?;
    let backend = txn.backend();
    let written = write_all(&mut txn, &mut records, options, &mut progress).await;
    // A writer that stopped early lets the reader stop too.
    drop(records);
    let ReadOutcome {
        mut report,
        bytes_read,
    } = reading.await.map_err(|_| reader_stopped())?;
    let inserted = match written {
        Ok(inserted) if !report.rejects_the_file(options.skip_invalid) => {
            let started = std::time::Instant::now();
            txn.commit().await?;
            info!(
                seconds = started.elapsed().as_secs_f64(),
                "import committed"
            );
            inserted
        }
        outcome => {
            if let Err(e) = txn.rollback().await {
                warn!(error = %e, "rolling back the import failed");
            }
            outcome?;
            return Ok(report);
        }
    };
    report.inserted = inserted;
    report.committed = true;
    if backend == DbBackend::Postgres && report.inserted >= VACUUM_AFTER_ROWS {
        vacuum_after_import(db).await;
    }
    report.label_run_id = super::audit::record_import_findings(
        db,
        super::audit::label_findings(&report.label_mismatches),
    )
    .await?
    .map(|run| run.id);
    progress(bytes_read);
    info!(
        rows = report.rows_read,
        inserted = report.inserted,
        errors = report.error_count,
        "import finished"
    );
    Ok(report)
}

/// Every write of an import, inside `txn`: the rows (with the indexes set
/// aside for a bulk import, and rebuilt), then the rollup. Returns the rows
/// written; the caller commits, or rolls back when the rows were rejected.
async fn write_all(
    txn: &mut Txn,
    rows: &mut Records,
    options: ImportOptions,
    progress: &mut impl FnMut(u64),
) -> StoreResult<u64> {
    let cache = match txn {
        Txn::Sqlite(_) => {
            Some(SqlitePragma::set(txn, "cache_size", -SQLITE_IMPORT_CACHE_KIB).await?)
        }
        Txn::Postgres(_) => None,
    };
    let set_aside = if bulk_mode(txn, options).await? {
        set_indexes_aside(txn).await?
    } else {
        Vec::new()
    };
    let bulk = !set_aside.is_empty();
    let mut sums = Sums::default();
    let started = std::time::Instant::now();
    let outcome = rows::write(txn, rows, &mut sums, bulk, progress).await;
    let inserted = SqlitePragma::set_back(cache, txn, outcome).await?;
    if rows.rejected() {
        return Ok(0);
    }
    info!(
        rows = inserted,
        seconds = started.elapsed().as_secs_f64(),
        "rows written"
    );
    restore_indexes(txn, &set_aside).await?;
    let started = std::time::Instant::now();
    let merged = sums.merge(txn, bulk).await?;
    info!(
        rows = merged,
        seconds = started.elapsed().as_secs_f64(),
        "yearly rollup updated"
    );
    let started = std::time::Instant::now();
    let merged = sums.merge_totals(txn, bulk).await?;
    info!(
        rows = merged,
        seconds = started.elapsed().as_secs_f64(),
        "period totals updated"
    );
    Ok(inserted)
}

/// Vacuums and analyses the tables an import wrote (PostgreSQL). Statistics
/// for the new rows now, not when autovacuum gets to them: the planner
/// picks index plans by row estimates. VACUUM marks the new pages
/// all-visible, without which every index-only scan (the coverage probes of
/// CLAIM_DATA among them) reads the table as well: a municipality's article
/// took 8–12 ms instead of 6 right after a million-row import. The flows on
/// one connection and the rollup and totals on another, at once: VACUUM
/// runs in one process per statement, and at scale 1 they took 0.37–0.44 s
/// one after the other against 0.24–0.25 s together (three interleaved
/// imports each). The rows are committed: a failure here only leaves the
/// work to autovacuum, so it is logged, not returned.
async fn vacuum_after_import(db: &DatabaseConnection) {
    let started = std::time::Instant::now();
    let vacuums = [
        "VACUUM (ANALYZE) flows",
        "VACUUM (ANALYZE) flow_rollup, flow_totals",
    ]
    .map(|statement| db.execute_unprepared(statement));
    for outcome in futures::future::join_all(vacuums).await {
        if let Err(e) = outcome {
            warn!(error = %e, "VACUUM ANALYZE after the import failed");
        }
    }
    info!(
        seconds = started.elapsed().as_secs_f64(),
        "flows, rollup and totals vacuumed and analysed"
    );
}

/// Whether this import is large enough, against what is stored, to set the
/// indexes aside.
async fn bulk_mode(txn: &mut Txn, options: ImportOptions) -> StoreResult<bool> {
    let expected = options.size_hint.unwrap_or(0) / BYTES_PER_ROW;
    if expected < BULK_MIN_ROWS {
        return Ok(false);
    }
    let stored = txn
        .fetch_i64("SELECT COUNT(*) FROM flows")
        .await?
        .unwrap_or(i64::MAX);
    Ok(u64::try_from(stored).unwrap_or(u64::MAX) <= expected * BULK_MAX_EXISTING_RATIO)
}

/// Drops the secondary indexes of `flows` (the primary key stays) and, on
/// PostgreSQL, its foreign key, inside `txn`; returns the statements that
/// restore them, to be run before commit. Readers of `flows` wait for the
/// import meanwhile: dropping an index locks the table until the
/// transaction ends. The foreign key is checked once when it is restored
/// instead of once per row, which on PostgreSQL is a query per row (more
/// than twice the cost of the row itself, measured on a million rows).
async fn set_indexes_aside(txn: &mut Txn) -> StoreResult<Vec<String>> {
    let listing = match txn {
        Txn::Postgres(_) => {
            "SELECT c.relname::text AS name, pg_get_indexdef(i.indexrelid) AS definition
             FROM pg_index i
             JOIN pg_class c ON c.oid = i.indexrelid
             JOIN pg_class t ON t.oid = i.indrelid
             JOIN pg_namespace n ON n.oid = t.relnamespace
             WHERE t.relname = 'flows' AND n.nspname = current_schema() AND NOT i.indisprimary
             ORDER BY c.relname"
        }
        Txn::Sqlite(_) => {
            "SELECT name, sql AS definition FROM sqlite_master
             WHERE type = 'index' AND tbl_name = 'flows' AND sql IS NOT NULL
             ORDER BY name"
        }
    };
    let indexes: Vec<(String, String)> = txn.fetch_all(listing).await?;
    let mut restore = Vec::with_capacity(indexes.len() + 1);
    for (name, definition) in indexes {
        txn.execute(&format!("DROP INDEX \"{name}\"")).await?;
        restore.push(definition);
    }
    if let Txn::Postgres(_) = txn {
        let keys: Vec<(String, String)> = txn
            .fetch_all(
                "SELECT k.conname::text, pg_get_constraintdef(k.oid)
                 FROM pg_constraint k
                 JOIN pg_class t ON t.oid = k.conrelid
                 JOIN pg_namespace n ON n.oid = t.relnamespace
                 WHERE t.relname = 'flows' AND n.nspname = current_schema() AND k.contype = 'f'
                 ORDER BY k.conname",
            )
            .await?;
        for (name, definition) in keys {
            txn.execute(&format!("ALTER TABLE flows DROP CONSTRAINT \"{name}\""))
                .await?;
            restore.push(format!(
                "ALTER TABLE flows ADD CONSTRAINT \"{name}\" {definition}"
            ));
        }
    }
    info!(
        statements = restore.len(),
        "bulk import: indexes and foreign keys set aside"
    );
    Ok(restore)
}

/// Recreates the indexes and keys [`set_indexes_aside`] dropped. A unique index that
/// cannot be rebuilt means the file repeats a stored flow's key: reported as
/// DUPLICATE_FLOW with that key.
async fn restore_indexes(txn: &mut Txn, definitions: &[String]) -> StoreResult<()> {
    if definitions.is_empty() {
        return Ok(());
    }
    let started = std::time::Instant::now();
    let (workers, sqlite_setting) = match txn {
        Txn::Postgres(_) => {
            // Sorts for the index builds in memory, for this transaction only.
            txn.execute("SET LOCAL maintenance_work_mem = '256MB'")
                .await?;
            (limit_index_workers(txn).await?, None)
        }
        Txn::Sqlite(_) => {
            let (threads, setting) = sqlite_sort_threads(txn).await?;
            (threads, Some(setting))
        }
    };
    let outcome = build_indexes(txn, definitions).await;
    SqlitePragma::set_back(sqlite_setting, txn, outcome).await?;
    info!(
        statements = definitions.len(),
        workers,
        seconds = started.elapsed().as_secs_f64(),
        "bulk import: indexes and foreign keys restored"
    );
    Ok(())
}

/// Runs the `definitions` of [`restore_indexes`] one after another.
async fn build_indexes(txn: &mut Txn, definitions: &[String]) -> StoreResult<()> {
    for definition in definitions {
        // A savepoint, so that after a failed build the transaction can
        // still look for the repeated key (PostgreSQL refuses every
        // statement of an aborted transaction).
        txn.execute("SAVEPOINT index_rebuild").await?;
        if let Err(err) = txn.execute(definition).await {
            txn.execute("ROLLBACK TO SAVEPOINT index_rebuild").await?;
            return Err(match duplicate(err) {
                StoreError::Invalid { .. } => repeated_key(txn).await?,
                other => other,
            });
        }
        txn.execute("RELEASE SAVEPOINT index_rebuild").await?;
    }
    Ok(())
}

/// The cores beside the one the import's own thread (SQLite) or the
/// build's own process (PostgreSQL) takes.
fn spare_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()) - 1
}

/// Lets SQLite's sorter hand work to as many threads as there are spare
/// cores, for this connection; returns the threads in effect and the
/// setting, which the caller sets back. An index build sorts its
/// keys in runs the size of the page cache (the connection's own: the
/// import's larger cache is given back before the builds), spilled to
/// temporary files and merged. With a helper thread, a run is sorted and
/// written while the next one is read, and the merge is shared too.
/// At scale 1 the four builds took 1.90 s instead of 2.65 s, and the whole
/// import 4.74 s instead of 5.58 s (medians of five interleaved imports,
/// BENCHMARKS.md).
async fn sqlite_sort_threads(txn: &mut Txn) -> StoreResult<(i64, SqlitePragma)> {
    let setting = SqlitePragma::set(txn, "threads", spare_cores() as i64).await?;
    // SQLite caps the value; read back what it took.
    let threads = txn.fetch_i64("PRAGMA threads").await?.unwrap_or_default();
    Ok((threads, setting))
}

/// A setting of the import's SQLite connection changed for part of the
/// import, and what it was before.
struct SqlitePragma {
    name: &'static str,
    before: i64,
}

impl SqlitePragma {
    /// Sets `PRAGMA name` to `value` on the connection of `txn`.
    async fn set(txn: &mut Txn, name: &'static str, value: i64) -> StoreResult<Self> {
        let before = txn
            .fetch_i64(&format!("PRAGMA {name}"))
            .await?
            .ok_or_else(|| {
                StoreError::Db(sea_orm::DbErr::Custom(format!(
                    "PRAGMA {name} read nothing"
                )))
            })?;
        txn.execute(&format!("PRAGMA {name} = {value}")).await?;
        Ok(Self { name, before })
    }

    /// Sets `setting` (if any) back as it was, then returns `outcome`; an
    /// error of `outcome` goes before one of setting it back.
    async fn set_back<T>(
        setting: Option<Self>,
        txn: &mut Txn,
        outcome: StoreResult<T>,
    ) -> StoreResult<T> {
        let Some(Self { name, before }) = setting else {
            return outcome;
        };
        let restored = txn.execute(&format!("PRAGMA {name} = {before}")).await;
        let value = outcome?;
        restored?;
        Ok(value)
    }
}

/// Caps PostgreSQL's parallel workers for each index build of this
/// transaction at the cores beside the one the build's own process takes,
/// when the database runs on this machine (reached over a loopback address
/// or a socket); returns the workers in effect. It never raises the
/// server's setting, and a database elsewhere keeps it. On 2 cores the
/// default of 2 workers makes three processes for two cores: the four
/// builds of scale 1 took 3.87–4.11 s with two workers and 3.55–3.64 s
/// with one (psql, three interleaved rounds, BENCHMARKS.md).
async fn limit_index_workers(txn: &mut Txn) -> StoreResult<i64> {
    let spare = spare_cores();
    let workers = txn
        .fetch_i64(&format!(
            "SELECT set_config('max_parallel_maintenance_workers', (CASE \
               WHEN inet_server_addr() IS NULL OR inet_server_addr() <<= inet '127.0.0.0/8' \
                 OR inet_server_addr() = inet '::1' \
               THEN LEAST(current_setting('max_parallel_maintenance_workers')::int, {spare}) \
               ELSE current_setting('max_parallel_maintenance_workers')::int \
             END)::text, true)::bigint"
        ))
        .await?;
    Ok(workers.unwrap_or_default())
}

/// The helpers a bulk import's index builds would get on `db`: PostgreSQL's
/// parallel workers (see [`limit_index_workers`]) or SQLite's sorter
/// threads (see [`sqlite_sort_threads`]), each set back before this
/// returns. Nothing is written.
pub async fn index_build_workers(db: &DatabaseConnection) -> StoreResult<i64> {
    let mut txn = Txn::begin(db).await?;
    let workers = match txn {
        Txn::Postgres(_) => limit_index_workers(&mut txn).await,
        Txn::Sqlite(_) => {
            let (threads, setting) = sqlite_sort_threads(&mut txn).await?;
            SqlitePragma::set_back(Some(setting), &mut txn, Ok(threads)).await
        }
    };
    txn.rollback().await?;
    workers
}

/// The DUPLICATE_FLOW error for a key stored twice, naming one such key.
async fn repeated_key(txn: &mut Txn) -> StoreResult<StoreError> {
    let rows: Vec<(i32, i32, String, String, String, String)> = txn
        .fetch_all(
            "SELECT period_start, period_end, direction, region_code, partner_iso3, product_code
             FROM flows
             GROUP BY region_code, direction, period_start, period_end, partner_iso3,
                      classification, product_code, currency, source_id
             HAVING COUNT(*) > 1
             LIMIT 1",
        )
        .await?;
    let key = match rows.into_iter().next() {
        Some((start, end, direction, region, partner, product)) => {
            format!("{start}–{end} {direction} {region} {partner} {product}")
        }
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

/// Registers a source slug met in an import that the catalogue lacks, and
/// marks the catalogues changed; returns every source's id by slug.
async fn register_source(
    txn: &mut Txn,
    slug: &str,
) -> StoreResult<std::collections::HashMap<String, i32>> {
    let backend = txn.backend();
    let insert = source::Entity::insert(source::ActiveModel {
        code: Set(slug.to_owned()),
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
    .build(backend);
    txn.execute(&insert.to_string()).await?;
    txn.execute(&catalog::bump_version_statement(backend).to_string())
        .await?;
    source_ids(txn).await
}

async fn source_ids(txn: &mut Txn) -> StoreResult<std::collections::HashMap<String, i32>> {
    Ok(txn
        .fetch_all::<(String, i32)>("SELECT code, id FROM sources")
        .await?
        .into_iter()
        .collect())
}
