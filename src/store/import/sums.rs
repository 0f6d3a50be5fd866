//! The yearly rollup rows an import adds, summed in memory as the rows are
//! read and merged into `flow_rollup` before commit. Re-reading the flows to
//! refresh the rollup cost more than a fifth of a million-row import; an
//! import only adds flows, so adding its sums to the stored rows gives the
//! same rollup. Where a flow lands is [`migration::rollup::cell`], the Rust
//! twin of the SQL that defines the rollup.

use std::collections::HashMap;

use migration::rollup::{ALL_PRODUCTS_KEY, COUNTRY_SCOPE, TABLE, cell};
use sea_orm::DbErr;
use sea_orm::sqlx::{self, AssertSqlSafe};
use tradegraph_domain::{Classification, Currency, Direction};
use tradegraph_ingest::FlowRecord;

use super::txn::{Txn, db_err};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    scope: String,
    year: i32,
    direction: Direction,
    classification: Classification,
    product_key: String,
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

/// The sums of the flows written so far, per scope and product key.
#[derive(Debug, Default)]
pub(super) struct Sums {
    cells: HashMap<Key, Sum>,
}

/// Rows per upsert on SQLite: 10 parameters each, under its 32,766 limit.
const SQLITE_ROWS: usize = 3_000;

const COLUMNS: &str = "scope_code, year, direction, classification, product_key, currency, source_id, detail, value, n";
const CONFLICT: &str = "ON CONFLICT (scope_code, year, direction, product_key, classification, \
     currency, source_id, detail) DO UPDATE SET value = flow_rollup.value + excluded.value, \
     n = flow_rollup.n + excluded.n";

impl Sums {
    pub fn add(&mut self, r: &FlowRecord, source_id: i32) {
        let Some(cell) = cell(
            &r.region_code,
            r.period.start().key(),
            r.period.end().key(),
            r.classification.as_str(),
            &r.product_code,
            &r.partner_iso3,
        ) else {
            return;
        };
        let key = Key {
            scope: cell.scope.to_owned(),
            year: cell.year,
            direction: r.direction,
            classification: r.classification,
            product_key: cell.product_key.to_owned(),
            currency: r.currency,
            source_id,
            detail: cell.detail,
        };
        self.cells.entry(key).or_default().add(Sum {
            value: r.value,
            n: 1,
        });
    }

    /// Every rollup row the sums add to: each cell, its scope's all-products
    /// row, and for a state's cell the country's two rows as well.
    fn rows(&self) -> HashMap<Key, Sum> {
        let mut rows: HashMap<Key, Sum> = HashMap::with_capacity(self.cells.len() * 2);
        for (key, sum) in &self.cells {
            let mut scopes = vec![key.scope.as_str()];
            if key.scope != COUNTRY_SCOPE {
                scopes.push(COUNTRY_SCOPE);
            }
            for scope in scopes {
                for product_key in [key.product_key.as_str(), ALL_PRODUCTS_KEY] {
                    let target = Key {
                        scope: scope.to_owned(),
                        product_key: product_key.to_owned(),
                        ..key.clone()
                    };
                    rows.entry(target).or_default().add(*sum);
                }
            }
        }
        rows
    }

    /// Adds the sums to the stored rollup, inside the import's transaction;
    /// returns the number of rollup rows written.
    pub async fn merge(&self, txn: &mut Txn) -> Result<usize, DbErr> {
        let mut rows: Vec<(Key, Sum)> = self.rows().into_iter().collect();
        // In the order of the rollup's primary key: each row then lands next
        // to the one before instead of at a random page of the index (half
        // the time, measured on a million-row import).
        rows.sort_unstable_by(|(a, _), (b, _)| {
            (&a.scope, a.year, a.direction.as_str(), &a.product_key)
                .cmp(&(&b.scope, b.year, b.direction.as_str(), &b.product_key))
                .then_with(|| {
                    (
                        a.classification.as_str(),
                        a.currency.as_str(),
                        a.source_id,
                        a.detail,
                    )
                        .cmp(&(
                            b.classification.as_str(),
                            b.currency.as_str(),
                            b.source_id,
                            b.detail,
                        ))
                })
        });
        match txn {
            Txn::Postgres(tx) => {
                // One statement: the rows travel as ten arrays.
                let sql = format!(
                    "INSERT INTO {TABLE} ({COLUMNS}) SELECT * FROM unnest(\
                     $1::text[], $2::int4[], $3::text[], $4::text[], $5::text[], $6::text[], \
                     $7::int4[], $8::int4[], $9::float8[], $10::int8[]) {CONFLICT}"
                );
                let column = |f: &dyn Fn(&(Key, Sum)) -> String| -> Vec<String> {
                    rows.iter().map(f).collect()
                };
                sqlx::query(AssertSqlSafe(sql))
                    .bind(column(&|(k, _)| k.scope.clone()))
                    .bind(rows.iter().map(|(k, _)| k.year).collect::<Vec<i32>>())
                    .bind(column(&|(k, _)| k.direction.as_str().to_owned()))
                    .bind(column(&|(k, _)| k.classification.as_str().to_owned()))
                    .bind(column(&|(k, _)| k.product_key.clone()))
                    .bind(column(&|(k, _)| k.currency.as_str().to_owned()))
                    .bind(rows.iter().map(|(k, _)| k.source_id).collect::<Vec<i32>>())
                    .bind(
                        rows.iter()
                            .map(|(k, _)| i32::from(k.detail))
                            .collect::<Vec<i32>>(),
                    )
                    .bind(rows.iter().map(|(_, s)| s.value).collect::<Vec<f64>>())
                    .bind(rows.iter().map(|(_, s)| s.n).collect::<Vec<i64>>())
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
            }
            Txn::Sqlite(tx) => {
                for chunk in rows.chunks(SQLITE_ROWS) {
                    let values = vec!["(?,?,?,?,?,?,?,?,?,?)"; chunk.len()].join(",");
                    let sql = format!("INSERT INTO {TABLE} ({COLUMNS}) VALUES {values} {CONFLICT}");
                    let mut query = sqlx::query(AssertSqlSafe(sql));
                    for (k, s) in chunk {
                        query = query
                            .bind(k.scope.clone())
                            .bind(k.year)
                            .bind(k.direction.as_str())
                            .bind(k.classification.as_str())
                            .bind(k.product_key.clone())
                            .bind(k.currency.as_str())
                            .bind(k.source_id)
                            .bind(i32::from(k.detail))
                            .bind(s.value)
                            .bind(s.n);
                    }
                    query.execute(&mut **tx).await.map_err(db_err)?;
                }
            }
        }
        Ok(rows.len())
    }
}
