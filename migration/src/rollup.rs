//! The yearly rollup of the flows table, defined here: the migration that
//! creates `flow_rollup` fills it with [`refresh`], mutations refresh what
//! they touched with it, and imports add the sums of their rows by [`cell`],
//! the same definition in Rust; each inside the writer's own transaction.
//!
//! One row sums the flows of a calendar year (flows whose period lies inside
//! it) for one scope, direction, classification, product key, currency,
//! source and kind:
//! - `scope_code`: `00` (the whole country) or a state code. Municipalities
//!   are not rolled up: their own flows are few enough to sum directly.
//! - `product_key`: the HS heading (the first four digits of the code;
//!   shorter codes as they are), any other classification's code as it is,
//!   and `*` for all the products of the classification together.
//! - `detail`: 1 when the flows name a partner and a product (what totals and
//!   rankings add), 0 for reported aggregates (`WLD`, `TOTAL`), which roll up
//!   apart so that counts of every row still come out right.
//!
//! `value` is the sum and `n` the number of flows behind the row.
//!
//! Beside it, [`TOTALS_TABLE`] holds the totals per stored period (all
//! products together) of the country, of each state and of each
//! municipality, refreshed by [`refresh_totals`] and summed by imports the
//! same way: the yearly rollup answers years by product, the totals any run
//! of months.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

pub const TABLE: &str = "flow_rollup";

/// The product key of all products of a classification.
pub const ALL_PRODUCTS_KEY: &str = "*";

/// The length of an HS product key: the heading.
pub const HS_KEY_LEN: usize = 4;

/// The code of the whole country, the scope every state rolls up to.
pub const COUNTRY_SCOPE: &str = "00";

const KEY: &str = "year, direction, classification, product_key, currency, source_id, detail";

/// The monthly totals of each scope, all products together: what a
/// region's total over any run of months adds (a quarter, a month, a year
/// to date), and what tells whether its months are covered. One row sums
/// the flows of one period (as stored: a month, a quarter, a year, a range)
/// for one scope, direction, classification, currency, source and kind
/// (`detail` as in the rollup). The scopes are the country (`00`, every
/// flow), each state (its flows and its municipalities') and each
/// municipality (its own flows): [`totals_scopes`]. A flow across a new
/// year counts here too, under the year it starts in.
pub const TOTALS_TABLE: &str = "flow_totals";

const TOTALS_KEY: &str =
    "period_start, period_end, direction, classification, currency, source_id, detail";

/// The scope a flow's region rolls up to, in SQL: the country's own flows
/// to `00`, every other to its state.
const SCOPE_SQL: &str = "CASE WHEN region_code = '00' THEN '00' ELSE SUBSTR(region_code, 1, 2) END";

/// Whether a flow is a detail flow (names a partner and a product), in SQL.
const DETAIL_SQL: &str =
    "CASE WHEN partner_iso3 <> 'WLD' AND product_code <> 'TOTAL' THEN 1 ELSE 0 END";

/// The flows of `filter`, grouped by scope and product key (not `*`).
fn grouped_flows(filter: &str) -> String {
    format!(
        "SELECT {SCOPE_SQL} AS scope_code,
                period_start / 100 AS year, direction, classification,
                CASE WHEN classification = 'HS' AND product_code <> 'TOTAL'
                     THEN SUBSTR(product_code, 1, {HS_KEY_LEN}) ELSE product_code END AS product_key,
                currency, source_id, {DETAIL_SQL} AS detail,
                SUM(value) AS value, COUNT(*) AS n
         FROM flows
         WHERE period_start / 100 = period_end / 100 AND {filter}
         GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"
    )
}

/// The flows of `filter`, grouped by scope and period: the states' totals
/// rows.
fn totals_of_flows(filter: &str) -> String {
    grouped_totals(SCOPE_SQL, filter)
}

/// The flows of `filter` grouped by `scope` (an SQL expression) and period.
fn grouped_totals(scope: &str, filter: &str) -> String {
    format!(
        "SELECT {scope} AS scope_code, period_start, period_end, direction, classification,
                currency, source_id, {DETAIL_SQL} AS detail, SUM(value) AS value, COUNT(*) AS n
         FROM flows
         WHERE {filter}
         GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"
    )
}

/// A municipality's code is longer than a state's (two digits).
const MUNICIPAL_SCOPE_SQL: &str = "LENGTH(scope_code) > 2";

/// Which rows a refresh recomputes, as SQL conditions.
struct Refreshed {
    /// On a rollup or totals row: its state scopes (the country aside).
    state_rows: String,
    /// On a totals row: the municipalities of those states.
    municipal_rows: String,
    /// On a flow: in one of those states, by code range.
    state_flows: String,
    /// The years, as an SQL list (`None`: every year).
    years: Option<String>,
}

/// The country's scope row, as an SQL condition.
const COUNTRY_ROWS: &str = "scope_code = '00'";

impl Refreshed {
    /// `None` when there is nothing to refresh; an error for a state code
    /// that is not two digits.
    fn new(years: Option<&[i32]>, states: Option<&[String]>) -> Result<Option<Self>, DbErr> {
        // Numbers bare, codes quoted (they are checked to be digits).
        fn list<T: ToString>(items: &[T], quote: &str) -> String {
            items
                .iter()
                .map(|i| format!("{quote}{}{quote}", i.to_string()))
                .collect::<Vec<_>>()
                .join(",")
        }
        let years = match years {
            Some([]) => return Ok(None),
            Some(years) => Some(list(years, "")),
            None => None,
        };
        let (state_rows, municipal_rows, state_flows) = match states {
            Some([]) => return Ok(None),
            Some(codes) => {
                if let Some(bad) = codes
                    .iter()
                    .find(|c| c.len() != 2 || !c.bytes().all(|b| b.is_ascii_digit()))
                {
                    return Err(DbErr::Custom(format!(
                        "rollup refresh: `{bad}` is not a state code"
                    )));
                }
                (
                    format!("scope_code IN ({})", list(codes, "'")),
                    format!(
                        "{MUNICIPAL_SCOPE_SQL} AND SUBSTR(scope_code, 1, 2) IN ({})",
                        list(codes, "'")
                    ),
                    // Code ranges, which the flow indexes serve.
                    codes
                        .iter()
                        .map(|c| {
                            let upper = format!("{}{}", &c[..1], (c.as_bytes()[1] + 1) as char);
                            format!("(region_code >= '{c}' AND region_code < '{upper}')")
                        })
                        .collect::<Vec<_>>()
                        .join(" OR "),
                )
            }
            None => (
                format!("scope_code <> '{COUNTRY_SCOPE}'"),
                MUNICIPAL_SCOPE_SQL.to_owned(),
                "1 = 1".to_owned(),
            ),
        };
        Ok(Some(Self {
            state_rows,
            municipal_rows,
            state_flows,
            years,
        }))
    }

    /// The years' condition on `expr` (a year), or none.
    fn years_of(&self, expr: &str) -> String {
        match &self.years {
            Some(list) => format!("{expr} IN ({list})"),
            None => "1 = 1".to_owned(),
        }
    }
}

/// Runs `statements` in order on `db`.
async fn run<C: ConnectionTrait>(db: &C, statements: &[String]) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    for sql in statements {
        db.execute_raw(Statement::from_string(backend, sql.clone()))
            .await?;
    }
    Ok(())
}

/// The statements recomputing `table`'s rows of the refreshed years and
/// states from the flows: delete them, insert the states' (`grouped`: the
/// flows of a filter, grouped into rows of `key`), then the country's, which
/// add up every state's rows (`state_rows`: which of a state's rows to add)
/// and the country's own flows. `rows_years` and `flow_years` pick the years
/// on the table and on the flows.
fn rescope(
    table: &str,
    key: &str,
    r: &Refreshed,
    (rows_years, flow_years): (&str, &str),
    grouped: fn(&str) -> String,
    state_rows: &str,
) -> [String; 3] {
    let (states, state_flows) = (&r.state_rows, &r.state_flows);
    [
        format!("DELETE FROM {table} WHERE {rows_years} AND ({states} OR {COUNTRY_ROWS})"),
        format!(
            "INSERT INTO {table} (scope_code, {key}, value, n) {}",
            grouped(&format!(
                "{flow_years} AND region_code <> '{COUNTRY_SCOPE}' AND ({state_flows})"
            ))
        ),
        format!(
            "INSERT INTO {table} (scope_code, {key}, value, n)
             SELECT '{COUNTRY_SCOPE}', {key}, SUM(value), SUM(n) FROM (
                 SELECT {key}, value, n FROM {table}
                 WHERE {rows_years} AND scope_code <> '{COUNTRY_SCOPE}' AND {state_rows}
                 UNION ALL
                 SELECT {key}, value, n FROM ({}) national
             ) u
             GROUP BY {key}",
            grouped(&format!("{flow_years} AND region_code = '{COUNTRY_SCOPE}'"))
        ),
    ]
}

/// Recomputes the rollup rows of `years` (every year when `None`) from the
/// flows table: the rows of `states` (two-digit codes, `00` for flows of the
/// country itself; every state when `None`), then the country's, which add
/// up every state and the country's own flows. Run it inside the
/// transaction that changed the flows.
pub async fn refresh<C: ConnectionTrait>(
    db: &C,
    years: Option<&[i32]>,
    states: Option<&[String]>,
) -> Result<(), DbErr> {
    let Some(r) = Refreshed::new(years, states)? else {
        return Ok(());
    };
    let years_in = r.years_of("year");
    let flow_years = r.years_of("period_start / 100");
    // Per product key; the all-products rows are added up last.
    let [delete, states, country] = rescope(
        TABLE,
        KEY,
        &r,
        (&years_in, &flow_years),
        grouped_flows,
        &format!("product_key <> '{ALL_PRODUCTS_KEY}'"),
    );
    let state_rows = &r.state_rows;
    let all_products = format!(
        "INSERT INTO {TABLE} (scope_code, {KEY}, value, n)
         SELECT scope_code, year, direction, classification, '{ALL_PRODUCTS_KEY}', currency,
                source_id, detail, SUM(value), SUM(n)
         FROM {TABLE}
         WHERE {years_in} AND ({state_rows} OR {COUNTRY_ROWS})
           AND product_key <> '{ALL_PRODUCTS_KEY}'
         GROUP BY scope_code, year, direction, classification, currency, source_id, detail"
    );
    run(db, &[delete, states, country, all_products]).await
}

/// Recomputes the [`TOTALS_TABLE`] rows of flows starting in `years`
/// (every year when `None`) from the flows table, as [`refresh`] does the
/// rollup's: the rows of `states` and of their municipalities, then the
/// country's, which add up the states' rows. Run it inside the transaction
/// that changed the flows.
pub async fn refresh_totals<C: ConnectionTrait>(
    db: &C,
    years: Option<&[i32]>,
    states: Option<&[String]>,
) -> Result<(), DbErr> {
    let Some(r) = Refreshed::new(years, states)? else {
        return Ok(());
    };
    let years_in = r.years_of("period_start / 100");
    let [delete, states, country] = rescope(
        TOTALS_TABLE,
        TOTALS_KEY,
        &r,
        (&years_in, &years_in),
        totals_of_flows,
        "LENGTH(scope_code) = 2",
    );
    let municipal_rows = &r.municipal_rows;
    let state_flows = &r.state_flows;
    let delete_municipalities =
        format!("DELETE FROM {TOTALS_TABLE} WHERE {years_in} AND {municipal_rows}");
    let municipalities = format!(
        "INSERT INTO {TOTALS_TABLE} (scope_code, {TOTALS_KEY}, value, n) {}",
        grouped_totals(
            "region_code",
            &format!("{years_in} AND LENGTH(region_code) > 2 AND ({state_flows})")
        )
    );
    run(
        db,
        &[
            delete,
            delete_municipalities,
            states,
            municipalities,
            country,
        ],
    )
    .await
}

/// Where one flow lands in the rollup: what [`grouped_flows`] computes in
/// SQL, for writers that sum new flows as they read them (imports) instead
/// of re-reading the table. Keep the two in step; the import tests compare
/// the rollup an import leaves with a [`refresh`] from the flows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell<'a> {
    /// [`COUNTRY_SCOPE`] for the country's own flows, else the state code.
    pub scope: &'a str,
    pub year: i32,
    pub product_key: &'a str,
    /// The flow names a partner and a product (not `WLD`, not `TOTAL`).
    pub detail: bool,
}

/// The cell of a flow, by its columns; `None` for a flow across a new year,
/// which no yearly row holds. The flow also counts in its scope's
/// [`ALL_PRODUCTS_KEY`] row, and a state's flow in the country's rows.
pub fn cell<'a>(
    region_code: &'a str,
    period_start: i32,
    period_end: i32,
    classification: &str,
    product_code: &'a str,
    partner_iso3: &str,
) -> Option<Cell<'a>> {
    let year = period_start / 100;
    if year != period_end / 100 {
        return None;
    }
    let product_key = if classification == "HS" && product_code != "TOTAL" {
        product_code.get(..HS_KEY_LEN).unwrap_or(product_code)
    } else {
        product_code
    };
    Some(Cell {
        scope: scope_of(region_code),
        year,
        product_key,
        detail: is_detail(partner_iso3, product_code),
    })
}

/// The scope a flow's region rolls up to: [`COUNTRY_SCOPE`] for the
/// country's own flows, else its state (`SCOPE_SQL` in Rust).
pub fn scope_of(region_code: &str) -> &str {
    if region_code == COUNTRY_SCOPE {
        COUNTRY_SCOPE
    } else {
        region_code.get(..2).unwrap_or(region_code)
    }
}

/// The period totals' scopes a flow's region counts in: the country, its
/// state and, for a municipality, itself (what [`refresh_totals`] groups
/// in SQL).
pub fn totals_scopes(region_code: &str) -> impl Iterator<Item = &str> {
    let state = scope_of(region_code);
    std::iter::once(COUNTRY_SCOPE)
        .chain((state != COUNTRY_SCOPE).then_some(state))
        .chain((region_code.len() > 2).then_some(region_code))
}

/// Whether a flow names a partner and a product (not `WLD`, not `TOTAL`):
/// `DETAIL_SQL` in Rust.
pub fn is_detail(partner_iso3: &str, product_code: &str) -> bool {
    partner_iso3 != "WLD" && product_code != "TOTAL"
}
