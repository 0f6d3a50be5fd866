//! The yearly rollup rows and the period totals an import adds, summed in
//! memory as the rows are read and merged into `flow_rollup` and
//! `flow_totals` before commit. Re-reading the flows to
//! refresh the rollup cost more than a fifth of a million-row import; an
//! import only adds flows, so adding its sums to the stored rows gives the
//! same rollup. Where a flow lands is [`migration::rollup::cell`], the Rust
//! twin of the SQL that defines the rollup, and for the totals its scopes
//! ([`migration::rollup::totals_scopes`]) and period.

use std::io::Write as _;

use migration::rollup::{
    ALL_PRODUCTS_KEY, COUNTRY_SCOPE, TABLE, TOTALS_TABLE, cell, is_detail, totals_scopes,
};
use sea_orm::DbErr;
use sea_orm::sqlx::{self, AssertSqlSafe, Postgres, Sqlite, Transaction};
use tradegraph_domain::{Classification, Currency, Direction};
use tradegraph_ingest::FlowRecord;

use super::rows::{COPY_CHUNK, copy_text};
use super::txn::{Txn, db_err};

/// The maps of the sums, hashed with foldhash: every row read adds to two.
type HashMap<K, V> = foldhash::HashMap<K, V>;

/// A scope, region or product key of the sums, as its index in [`Codes`]:
/// a row's keys are then hashed and compared as integers, with no string
/// to allocate per row.
type Code = u32;

/// The distinct codes the sums name, each stored once.
struct Codes {
    ids: HashMap<Box<str>, Code>,
    names: Vec<Box<str>>,
}

/// [`COUNTRY_SCOPE`]'s code: the first one handed out.
const COUNTRY: Code = 0;

impl Default for Codes {
    fn default() -> Self {
        let mut codes = Codes {
            ids: HashMap::default(),
            names: Vec::new(),
        };
        codes.id(COUNTRY_SCOPE);
        codes
    }
}

impl Codes {
    fn id(&mut self, name: &str) -> Code {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = Code::try_from(self.names.len()).expect("fewer than 2³² distinct codes");
        self.names.push(name.into());
        self.ids.insert(name.into(), id);
        id
    }

    fn name(&self, id: Code) -> &str {
        &self.names[id as usize]
    }

    /// The place of every code (indexed by its [`Code`]) among all of them
    /// in byte order: rows sort by these integers instead of comparing
    /// their codes' names.
    fn ranks(&self) -> Vec<u32> {
        let mut ids: Vec<Code> = (0..self.names.len() as Code).collect();
        ids.sort_unstable_by_key(|&id| self.name(id));
        let mut ranks = vec![0; ids.len()];
        for (rank, id) in (0..).zip(ids) {
            ranks[id as usize] = rank;
        }
        ranks
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    scope: Code,
    year: i32,
    direction: Direction,
    classification: Classification,
    product_key: Code,
    currency: Currency,
    source_id: i32,
    detail: bool,
}

#[derive(Debug, Clone, Copy, Default)]
struct Sum {
    value: f64,
    n: i64,
}

impl Sum {
    fn add(&mut self, other: Sum) {
        self.value += other.value;
        self.n += other.n;
    }
}

/// A row of the period totals: a scope's flows of one stored period (as
/// summed while reading, the flows' own region).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct TotalsKey {
    scope: Code,
    period_start: i32,
    period_end: i32,
    direction: Direction,
    classification: Classification,
    currency: Currency,
    source_id: i32,
    detail: bool,
}

/// The sums of the flows written so far, per scope and product key, and
/// per region and period.
#[derive(Default)]
pub(super) struct Sums {
    codes: Codes,
    cells: HashMap<Key, Sum>,
    totals: HashMap<TotalsKey, Sum>,
}

/// Rows per upsert on SQLite: 10 parameters each, under its 32,766 limit.
const SQLITE_ROWS: usize = 3_000;

const COLUMNS: &str = "scope_code, year, direction, classification, product_key, currency, source_id, detail, value, n";
const TOTALS_COLUMNS: &str = "scope_code, period_start, period_end, direction, classification, currency, source_id, detail, value, n";
/// The SQL types of [`COLUMNS`] and of [`TOTALS_COLUMNS`], in order.
const TYPES: [&str; 10] = [
    "text", "int4", "text", "text", "text", "text", "int4", "int4", "float8", "int8",
];
const TOTALS_TYPES: [&str; 10] = [
    "text", "int4", "int4", "text", "text", "text", "int4", "int4", "float8", "int8",
];
/// The rollup's primary key, as migration 3 declares it.
const KEY_COLUMNS: &str =
    "scope_code, year, direction, product_key, classification, currency, source_id, detail";
/// The period totals' primary key, as migration 5 declares it.
const TOTALS_KEY_COLUMNS: &str =
    "scope_code, direction, period_start, period_end, classification, currency, source_id, detail";

/// The upsert's clause for `table` keyed by `key`: sums and counts add up.
fn add_on_conflict(table: &str, key: &str) -> String {
    format!(
        "ON CONFLICT ({key}) DO UPDATE SET value = {table}.value + excluded.value, \
         n = {table}.n + excluded.n"
    )
}

impl Sums {
    pub fn add(&mut self, r: &FlowRecord, source_id: i32) {
        let (period_start, period_end) = (r.period.start().key(), r.period.end().key());
        let flow = Sum {
            value: r.value,
            n: 1,
        };
        let totals = TotalsKey {
            scope: self.codes.id(&r.region_code),
            period_start,
            period_end,
            direction: r.direction,
            classification: r.classification,
            currency: r.currency,
            source_id,
            detail: is_detail(&r.partner_iso3, &r.product_code),
        };
        self.totals.entry(totals).or_default().add(flow);
        let Some(cell) = cell(
            &r.region_code,
            period_start,
            period_end,
            r.classification.as_str(),
            &r.product_code,
            &r.partner_iso3,
        ) else {
            return;
        };
        let key = Key {
            scope: self.codes.id(cell.scope),
            year: cell.year,
            direction: r.direction,
            classification: r.classification,
            product_key: self.codes.id(cell.product_key),
            currency: r.currency,
            source_id,
            detail: cell.detail,
        };
        self.cells.entry(key).or_default().add(flow);
    }

    /// Every rollup row the sums add to: each cell, its scope's all-products
    /// row, and for a state's cell the country's two rows as well. The cells
    /// are already the rows of their own scope and product ([`add_wider`]
    /// adds the others). The cells are taken: the sums are merged once.
    fn rows(&mut self) -> HashMap<Key, Sum> {
        let all_products = self.codes.id(ALL_PRODUCTS_KEY);
        let mut rows = std::mem::take(&mut self.cells);
        add_wider(&mut rows, |key, add| {
            let country = (key.scope != COUNTRY).then_some(COUNTRY);
            let targets = [
                Some((key.scope, all_products)),
                country.map(|c| (c, key.product_key)),
                country.map(|c| (c, all_products)),
            ];
            for (scope, product_key) in targets.into_iter().flatten() {
                add(Key {
                    scope,
                    product_key,
                    ..*key
                });
            }
        });
        rows
    }

    /// Adds the sums to the stored rollup, inside the import's transaction;
    /// returns the number of rollup rows written.
    ///
    /// When the rollup holds no more rows of the import's years than the
    /// import adds (a first load, a new year, a load onto the bundled
    /// sample), those rows are taken out, added to in memory and written
    /// back with the new ones without the upsert's per-row key lookup: by
    /// `COPY` on PostgreSQL, which took less than half the upsert's time on
    /// a million-row import. Otherwise the sums are upserted onto the stored
    /// rows. The table is locked against other writers first, so what was
    /// read holds until commit.
    pub async fn merge(&mut self, txn: &mut Txn, bulk: bool) -> Result<usize, DbErr> {
        let mut rows = self.rows();
        if rows.is_empty() {
            return Ok(0);
        }
        lock_writers(txn, TABLE).await?;
        let in_years = format!("year IN ({})", year_list(rows.keys().map(|k| k.year)));
        let codes = &mut self.codes;
        let table = (TABLE, COLUMNS, in_years.as_str());
        let rewrite = take_stored(txn, table, &mut rows, |row| stored_cell(codes, row)).await?;
        let codes = &self.codes;
        // In the primary key's order: each row then lands next to the one
        // before instead of at a random page of the index (half the time,
        // measured on a million-row import).
        let ranks = codes.ranks();
        let rows = in_order(rows, |k| {
            (
                (ranks[k.scope as usize], k.year),
                (k.direction.as_str(), ranks[k.product_key as usize]),
                (k.classification.as_str(), k.currency.as_str()),
                (k.source_id, k.detail),
            )
        });
        let table = (TABLE, COLUMNS, KEY_COLUMNS);
        match txn {
            Txn::Postgres(tx) if rewrite => copy(tx, codes, &rows, bulk).await?,
            Txn::Postgres(tx) => {
                upsert_arrays(tx, table, &TYPES, |query| {
                    query
                        .bind(column(&rows, |(k, _)| codes.name(k.scope)))
                        .bind(column(&rows, |(k, _)| k.year))
                        .bind(column(&rows, |(k, _)| k.direction.as_str()))
                        .bind(column(&rows, |(k, _)| k.classification.as_str()))
                        .bind(column(&rows, |(k, _)| codes.name(k.product_key)))
                        .bind(column(&rows, |(k, _)| k.currency.as_str()))
                        .bind(column(&rows, |(k, _)| k.source_id))
                        .bind(column(&rows, |(k, _)| i32::from(k.detail)))
                        .bind(column(&rows, |(_, s)| s.value))
                        .bind(column(&rows, |(_, s)| s.n))
                })
                .await?
            }
            Txn::Sqlite(tx) => {
                insert_sqlite(tx, table, !rewrite, &rows, |query, (k, s)| {
                    query
                        .bind(codes.name(k.scope))
                        .bind(k.year)
                        .bind(k.direction.as_str())
                        .bind(k.classification.as_str())
                        .bind(codes.name(k.product_key))
                        .bind(k.currency.as_str())
                        .bind(k.source_id)
                        .bind(i32::from(k.detail))
                        .bind(s.value)
                        .bind(s.n)
                })
                .await?
            }
        }
        Ok(rows.len())
    }

    /// Adds the period totals to the stored ones, inside the import's
    /// transaction; returns the number of rows written. They are a
    /// region's periods, not its products (the million flows over seven
    /// years of scale 1 make 226,408 municipal rows and 5,544 of the states
    /// and the country). As for the rollup ([`Sums::merge`]), when the
    /// totals stored for the years the import's periods start in are no
    /// more than the new rows, they are taken out, added to them, and
    /// everything is written back without the upsert's per-row conflict
    /// check (by `COPY` on PostgreSQL: 0.9 s at scale 1 against 2.4 s);
    /// otherwise the new rows are upserted (in one statement on
    /// PostgreSQL). On PostgreSQL the table is locked against other writers
    /// first, so what was read holds until commit.
    pub async fn merge_totals(&mut self, txn: &mut Txn, bulk: bool) -> Result<usize, DbErr> {
        // Each region's rows are already its own scope's; `add_wider` adds
        // its state's and the country's. The totals are taken, as the cells
        // are by `rows`.
        let mut scopes: HashMap<Code, Vec<Code>> = HashMap::default();
        let mut rows = std::mem::take(&mut self.totals);
        let codes = &mut self.codes;
        add_wider(&mut rows, |key, add| {
            let region_scopes = scopes.entry(key.scope).or_insert_with(|| {
                let region = codes.name(key.scope).to_owned();
                totals_scopes(&region)
                    .map(|s| codes.id(s))
                    .filter(|&s| s != key.scope)
                    .collect()
            });
            for &scope in region_scopes.iter() {
                add(TotalsKey { scope, ..*key });
            }
        });
        if rows.is_empty() {
            return Ok(0);
        }
        lock_writers(txn, TOTALS_TABLE).await?;
        let years = year_list(rows.keys().map(|k| k.period_start / 100));
        let in_years = format!("period_start / 100 IN ({years})");
        let table = (TOTALS_TABLE, TOTALS_COLUMNS, in_years.as_str());
        let codes = &mut self.codes;
        let rewrite = take_stored(txn, table, &mut rows, |row| stored_totals(codes, row)).await?;
        let codes = &self.codes;
        // In the primary key's order, which the index fills fastest.
        let ranks = codes.ranks();
        let rows = in_order(rows, |k| {
            (
                (ranks[k.scope as usize], k.direction.as_str()),
                (k.period_start, k.period_end),
                (k.classification.as_str(), k.currency.as_str()),
                (k.source_id, k.detail),
            )
        });
        let table = (TOTALS_TABLE, TOTALS_COLUMNS, TOTALS_KEY_COLUMNS);
        match txn {
            Txn::Postgres(tx) if rewrite => copy_totals(tx, codes, &rows, bulk).await?,
            Txn::Postgres(tx) => {
                upsert_arrays(tx, table, &TOTALS_TYPES, |query| {
                    query
                        .bind(column(&rows, |(k, _)| codes.name(k.scope)))
                        .bind(column(&rows, |(k, _)| k.period_start))
                        .bind(column(&rows, |(k, _)| k.period_end))
                        .bind(column(&rows, |(k, _)| k.direction.as_str()))
                        .bind(column(&rows, |(k, _)| k.classification.as_str()))
                        .bind(column(&rows, |(k, _)| k.currency.as_str()))
                        .bind(column(&rows, |(k, _)| k.source_id))
                        .bind(column(&rows, |(k, _)| i32::from(k.detail)))
                        .bind(column(&rows, |(_, s)| s.value))
                        .bind(column(&rows, |(_, s)| s.n))
                })
                .await?
            }
            Txn::Sqlite(tx) => {
                insert_sqlite(tx, table, !rewrite, &rows, |query, (k, s)| {
                    query
                        .bind(codes.name(k.scope))
                        .bind(k.period_start)
                        .bind(k.period_end)
                        .bind(k.direction.as_str())
                        .bind(k.classification.as_str())
                        .bind(k.currency.as_str())
                        .bind(k.source_id)
                        .bind(i32::from(k.detail))
                        .bind(s.value)
                        .bind(s.n)
                })
                .await?
            }
        }
        Ok(rows.len())
    }
}

/// Adds to `rows` the wider rows each of them also counts in, which
/// `targets` names by calling `add` with each key. There are a few thousand
/// of those against hundreds of thousands of rows, so they are summed apart
/// first, in a map small enough to stay in cache, then added in: inserting
/// every row's share into one map the size of all of them took three to
/// four times as long at scale 1.
fn add_wider<K: Copy + Eq + std::hash::Hash>(
    rows: &mut HashMap<K, Sum>,
    mut targets: impl FnMut(&K, &mut dyn FnMut(K)),
) {
    let mut wider: HashMap<K, Sum> = HashMap::default();
    for (key, sum) in rows.iter() {
        targets(key, &mut |target| {
            wider.entry(target).or_default().add(*sum)
        });
    }
    rows.reserve(wider.len());
    for (key, sum) in wider {
        rows.entry(key).or_default().add(sum);
    }
}

/// Locks `table` against other writers until the import commits, so that
/// what is read of it holds (PostgreSQL; SQLite's write transaction
/// already excludes other writers).
async fn lock_writers(txn: &mut Txn, table: &str) -> Result<(), DbErr> {
    if let Txn::Postgres(_) = txn {
        txn.execute(&format!("LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"))
            .await?;
    }
    Ok(())
}

/// A query of the SQLite inserts, its values bound one row after another.
type SqliteInsert = sqlx::query::Query<'static, Sqlite, sqlx::sqlite::SqliteArguments>;

/// `rows` inserted into `table` ([`SQLITE_ROWS`] to a statement), each
/// row's ten values bound by `bind`; with `upsert`, added to the stored
/// rows of the same `key`. Each statement's values are bound while SQLite's
/// thread runs the one before.
async fn insert_sqlite<T>(
    tx: &mut Transaction<'static, Sqlite>,
    (table, columns, key): (&str, &str, &str),
    upsert: bool,
    rows: &[T],
    bind: impl Fn(SqliteInsert, &T) -> SqliteInsert,
) -> Result<(), DbErr> {
    let conflict = if upsert {
        add_on_conflict(table, key)
    } else {
        String::new()
    };
    let statement = |chunk: &[T]| {
        let values = vec!["(?,?,?,?,?,?,?,?,?,?)"; chunk.len()].join(",");
        let sql = format!("INSERT INTO {table} ({columns}) VALUES {values} {conflict}");
        chunk
            .iter()
            .fold(sqlx::query(AssertSqlSafe(sql)), |query, row| {
                bind(query, row)
            })
    };
    let mut chunks = rows.chunks(SQLITE_ROWS);
    let mut next = chunks.next().map(statement);
    while let Some(query) = next {
        let (result, following) = futures::join!(query.execute(&mut **tx), async {
            chunks.next().map(statement)
        });
        result.map_err(db_err)?;
        next = following;
    }
    Ok(())
}

/// Whether `rows` are to be written back whole, with no conflict to check:
/// when `table` holds no more rows matching `filter` (the import's years)
/// than `rows`, those are taken out (`DELETE … RETURNING`) and added to
/// `rows` by `parse`. Otherwise nothing is taken, and the rows are to be
/// upserted onto the stored ones.
async fn take_stored<K, R>(
    txn: &mut Txn,
    (table, columns, filter): (&str, &str, &str),
    rows: &mut HashMap<K, Sum>,
    mut parse: impl FnMut(R) -> Result<(K, Sum), DbErr>,
) -> Result<bool, DbErr>
where
    K: Eq + std::hash::Hash,
    R: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + Send
        + Unpin,
{
    let stored = txn
        .fetch_i64(&format!("SELECT COUNT(*) FROM {table} WHERE {filter}"))
        .await?
        .unwrap_or(0);
    let rewrite = u64::try_from(stored).unwrap_or(u64::MAX) <= rows.len() as u64;
    if rewrite && stored > 0 {
        let taken: Vec<R> = txn
            .fetch_all(&format!(
                "DELETE FROM {table} WHERE {filter} RETURNING {columns}"
            ))
            .await?;
        for row in taken {
            let (key, sum) = parse(row)?;
            rows.entry(key).or_default().add(sum);
        }
    }
    Ok(rewrite)
}

/// Distinct `years`, in order, as an SQL list.
fn year_list(years: impl Iterator<Item = i32>) -> String {
    let years: std::collections::BTreeSet<i32> = years.collect();
    years
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// `rows` sorted by `key` of their keys.
fn in_order<K, O: Ord>(rows: HashMap<K, Sum>, mut key: impl FnMut(&K) -> O) -> Vec<(K, Sum)> {
    let mut rows: Vec<(K, Sum)> = rows.into_iter().collect();
    rows.sort_unstable_by_key(|(k, _)| key(k));
    rows
}

/// One array of a column of `rows`, for the upserts' `unnest`.
fn column<T, V>(rows: &[T], value: impl Fn(&T) -> V) -> Vec<V> {
    rows.iter().map(value).collect()
}

/// A stored rollup row, as [`COLUMNS`] lists them.
type StoredRow = (
    String,
    i32,
    String,
    String,
    String,
    String,
    i32,
    i32,
    f64,
    i64,
);

/// A stored row as a key and its sum.
fn stored_cell(codes: &mut Codes, row: StoredRow) -> Result<(Key, Sum), DbErr> {
    let (
        scope,
        year,
        direction,
        classification,
        product_key,
        currency,
        source_id,
        detail,
        value,
        n,
    ) = row;
    Ok((
        Key {
            scope: codes.id(&scope),
            year,
            direction: stored_code(TABLE, "direction", &direction)?,
            classification: stored_code(TABLE, "classification", &classification)?,
            product_key: codes.id(&product_key),
            currency: stored_code(TABLE, "currency", &currency)?,
            source_id,
            detail: detail != 0,
        },
        Sum { value, n },
    ))
}

/// Rows streamed by `statement` (a `COPY … FROM STDIN` in text format),
/// each written into the buffer by `line`, which ends it with a newline.
async fn copy_lines<T>(
    tx: &mut Transaction<'static, Postgres>,
    statement: &str,
    rows: &[T],
    line: impl Fn(&mut Vec<u8>, &T),
) -> Result<(), DbErr> {
    let mut stream = tx.copy_in_raw(statement).await.map_err(db_err)?;
    let mut buf: Vec<u8> = Vec::with_capacity(COPY_CHUNK + 256);
    for row in rows {
        line(&mut buf, row);
        if buf.len() >= COPY_CHUNK {
            stream.send(buf.as_slice()).await.map_err(db_err)?;
            buf.clear();
        }
    }
    if !buf.is_empty() {
        stream.send(buf.as_slice()).await.map_err(db_err)?;
    }
    stream.finish().await.map_err(db_err)?;
    Ok(())
}

/// Rows copied into `table` (none of whose keys it holds) by `COPY`. In a
/// bulk import (`bulk`, the flows' indexes set aside too) that holds no
/// fewer rows than the table, its primary key is set aside and built again
/// after, one sorted build instead of a lookup per row: in psql at scale 1,
/// the rollup's 279,282 rows took 0.94 s with the key, and 0.27 s without
/// it plus 0.20 s to build it; the period totals' 231,956 rows 1.04 s, and
/// 0.37 s plus 0.23 s. `ALTER TABLE` locks the table until commit, readers
/// too, as the flows' dropped indexes do.
async fn copy_keyed<T>(
    tx: &mut Transaction<'static, Postgres>,
    (table, columns, key): (&str, &str, &str),
    bulk: bool,
    rows: &[T],
    line: impl Fn(&mut Vec<u8>, &T),
) -> Result<(), DbErr> {
    let aside = bulk && {
        let (stored,): (i64,) =
            sqlx::query_as(AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(&mut **tx)
                .await
                .map_err(db_err)?;
        u64::try_from(stored).unwrap_or(u64::MAX) <= rows.len() as u64
    };
    let constraint = format!("{table}_pkey");
    if aside {
        alter(tx, table, &format!("DROP CONSTRAINT {constraint}")).await?;
    }
    let statement = format!("COPY {table} ({columns}) FROM STDIN");
    copy_lines(tx, &statement, rows, line).await?;
    if aside {
        let add = format!("ADD CONSTRAINT {constraint} PRIMARY KEY ({key})");
        alter(tx, table, &add).await?;
    }
    Ok(())
}

async fn alter(
    tx: &mut Transaction<'static, Postgres>,
    table: &str,
    change: &str,
) -> Result<(), DbErr> {
    sqlx::query(AssertSqlSafe(format!("ALTER TABLE {table} {change}")))
        .execute(&mut **tx)
        .await
        .map(|_| ())
        .map_err(db_err)
}

/// A row's `source_id`, `detail`, value and count, the last four columns of
/// both tables, ending its `COPY` line. `{}` prints the shortest text that
/// reads back as the same f64.
fn copy_tail(buf: &mut Vec<u8>, source_id: i32, detail: bool, sum: &Sum) {
    let _ = writeln!(
        buf,
        "{}\t{}\t{}\t{}",
        source_id,
        i32::from(detail),
        sum.value,
        sum.n
    );
}

/// The rollup rows by `COPY`, none of whose keys is stored.
async fn copy(
    tx: &mut Transaction<'static, Postgres>,
    codes: &Codes,
    rows: &[(Key, Sum)],
    bulk: bool,
) -> Result<(), DbErr> {
    copy_keyed(
        tx,
        (TABLE, COLUMNS, KEY_COLUMNS),
        bulk,
        rows,
        |buf, (k, s)| {
            copy_text(buf, codes.name(k.scope));
            let _ = write!(buf, "{}\t", k.year);
            copy_text(buf, k.direction.as_str());
            copy_text(buf, k.classification.as_str());
            copy_text(buf, codes.name(k.product_key));
            copy_text(buf, k.currency.as_str());
            copy_tail(buf, k.source_id, k.detail, s);
        },
    )
    .await
}

/// A stored period totals row, as [`TOTALS_COLUMNS`] lists them.
type StoredTotalsRow = (String, i32, i32, String, String, String, i32, i32, f64, i64);

fn stored_totals(codes: &mut Codes, row: StoredTotalsRow) -> Result<(TotalsKey, Sum), DbErr> {
    let (
        scope,
        period_start,
        period_end,
        direction,
        classification,
        currency,
        source_id,
        detail,
        value,
        n,
    ) = row;
    Ok((
        TotalsKey {
            scope: codes.id(&scope),
            period_start,
            period_end,
            direction: stored_code(TOTALS_TABLE, "direction", &direction)?,
            classification: stored_code(TOTALS_TABLE, "classification", &classification)?,
            currency: stored_code(TOTALS_TABLE, "currency", &currency)?,
            source_id,
            detail: detail != 0,
        },
        Sum { value, n },
    ))
}

/// A code column of a stored row, parsed.
fn stored_code<T: std::str::FromStr>(table: &str, column: &str, text: &str) -> Result<T, DbErr> {
    text.parse()
        .map_err(|_| DbErr::Custom(format!("{table}.{column} holds `{text}`")))
}

/// Period totals rows by `COPY`, none of whose keys is stored.
async fn copy_totals(
    tx: &mut Transaction<'static, Postgres>,
    codes: &Codes,
    rows: &[(TotalsKey, Sum)],
    bulk: bool,
) -> Result<(), DbErr> {
    let table = (TOTALS_TABLE, TOTALS_COLUMNS, TOTALS_KEY_COLUMNS);
    copy_keyed(tx, table, bulk, rows, |buf, (k, s)| {
        copy_text(buf, codes.name(k.scope));
        let _ = write!(buf, "{}\t{}\t", k.period_start, k.period_end);
        copy_text(buf, k.direction.as_str());
        copy_text(buf, k.classification.as_str());
        copy_text(buf, k.currency.as_str());
        copy_tail(buf, k.source_id, k.detail, s);
    })
    .await
}

/// A query of the PostgreSQL upserts, its columns bound as arrays.
type PgUpsert = sqlx::query::Query<'static, Postgres, sqlx::postgres::PgArguments>;

/// Rows added to the stored ones of `table` in one statement: they travel
/// as one array per column, of the SQL `types` in order, bound by `bind`.
async fn upsert_arrays(
    tx: &mut Transaction<'static, Postgres>,
    (table, columns, key): (&str, &str, &str),
    types: &[&str],
    bind: impl FnOnce(PgUpsert) -> PgUpsert,
) -> Result<(), DbErr> {
    let arrays: Vec<String> = (1..)
        .zip(types)
        .map(|(n, t)| format!("${n}::{t}[]"))
        .collect();
    let sql = format!(
        "INSERT INTO {table} ({columns}) SELECT * FROM unnest({}) {}",
        arrays.join(", "),
        add_on_conflict(table, key)
    );
    bind(sqlx::query(AssertSqlSafe(sql)))
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    Ok(())
}
