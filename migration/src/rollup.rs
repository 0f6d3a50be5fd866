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

/// The flows of `filter`, grouped by scope and product key (not `*`).
fn grouped_flows(filter: &str) -> String {
    format!(
        "SELECT CASE WHEN region_code = '{COUNTRY_SCOPE}' THEN '{COUNTRY_SCOPE}' ELSE SUBSTR(region_code, 1, 2) END AS scope_code,
                period_start / 100 AS year, direction, classification,
                CASE WHEN classification = 'HS' AND product_code <> 'TOTAL'
                     THEN SUBSTR(product_code, 1, {HS_KEY_LEN}) ELSE product_code END AS product_key,
                currency, source_id,
                CASE WHEN partner_iso3 <> 'WLD' AND product_code <> 'TOTAL' THEN 1 ELSE 0 END AS detail,
                SUM(value) AS value, COUNT(*) AS n
         FROM flows
         WHERE period_start / 100 = period_end / 100 AND {filter}
         GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"
    )
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
    // Numbers bare, codes quoted (they are checked to be digits).
    fn list<T: ToString>(items: &[T], quote: &str) -> String {
        items
            .iter()
            .map(|i| format!("{quote}{}{quote}", i.to_string()))
            .collect::<Vec<_>>()
            .join(",")
    }
    let (years_in, flow_years) = match years {
        Some([]) => return Ok(()),
        Some(years) => (
            format!("year IN ({})", list(years, "")),
            format!("period_start / 100 IN ({})", list(years, "")),
        ),
        None => ("1 = 1".to_owned(), "1 = 1".to_owned()),
    };
    let (state_rows, state_flows) = match states {
        Some([]) => return Ok(()),
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
                // Code ranges, which the flow key index serves.
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
            "1 = 1".to_owned(),
        ),
    };
    let country = format!("scope_code = '{COUNTRY_SCOPE}'");
    let statements = [
        format!("DELETE FROM {TABLE} WHERE {years_in} AND ({state_rows} OR {country})"),
        // The states, per product key.
        format!(
            "INSERT INTO {TABLE} (scope_code, {KEY}, value, n) {}",
            grouped_flows(&format!(
                "{flow_years} AND region_code <> '{COUNTRY_SCOPE}' AND ({state_flows})"
            ))
        ),
        // The country, per product key: every state plus its own flows.
        format!(
            "INSERT INTO {TABLE} (scope_code, {KEY}, value, n)
             SELECT '{COUNTRY_SCOPE}', {KEY}, SUM(value), SUM(n) FROM (
                 SELECT {KEY}, value, n FROM {TABLE}
                 WHERE {years_in} AND scope_code <> '{COUNTRY_SCOPE}'
                   AND product_key <> '{ALL_PRODUCTS_KEY}'
                 UNION ALL
                 SELECT {KEY}, value, n FROM ({}) national
             ) u
             GROUP BY {KEY}",
            grouped_flows(&format!("{flow_years} AND region_code = '{COUNTRY_SCOPE}'"))
        ),
        // All products together, for the scopes just written.
        format!(
            "INSERT INTO {TABLE} (scope_code, {KEY}, value, n)
             SELECT scope_code, year, direction, classification, '{ALL_PRODUCTS_KEY}', currency,
                    source_id, detail, SUM(value), SUM(n)
             FROM {TABLE}
             WHERE {years_in} AND ({state_rows} OR {country})
               AND product_key <> '{ALL_PRODUCTS_KEY}'
             GROUP BY scope_code, year, direction, classification, currency, source_id, detail"
        ),
    ];
    let backend = db.get_database_backend();
    for sql in statements {
        db.execute_raw(Statement::from_string(backend, sql)).await?;
    }
    Ok(())
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
    let scope = if region_code == COUNTRY_SCOPE {
        COUNTRY_SCOPE
    } else {
        region_code.get(..2).unwrap_or(region_code)
    };
    let product_key = if classification == "HS" && product_code != "TOTAL" {
        product_code.get(..HS_KEY_LEN).unwrap_or(product_code)
    } else {
        product_code
    };
    Some(Cell {
        scope,
        year,
        product_key,
        detail: partner_iso3 != "WLD" && product_code != "TOTAL",
    })
}
