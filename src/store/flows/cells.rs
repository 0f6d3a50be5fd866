//! Municipalities' pages by value as one small ordered scan per (region,
//! direction, month) cell of `ix_flows_region_value`, each stopping after
//! the page, instead of sorting every flow of the period: Tijuana's 20
//! largest exports of a year read about 33 index entries, not its 6,000
//! flows.
//!
//! The statement is written as text ([`SqlText`]): it repeats one subquery
//! per cell, and building it as a sea-query tree on every request was a
//! tenth of the server's work on such a page. Values shared by the cells
//! (the region, the period's end, the filters, the page size) are bound
//! once.

use sea_orm::{DbBackend, Statement};
use tradegraph_domain::{Direction, RegionLevel};

use super::text::{write_condition, write_filters};
use super::{Cursor, FlowOrder, FlowSpec, PageSpec, Parents};
use crate::store::sql::{Param, SqlText};
use crate::store::{StoreError, StoreResult};

/// The most (region, direction, month) cells [`per_cell_pages`] splits a
/// listing into; past it, one windowed scan is cheaper.
const MAX_CELLS: usize = 256;

/// The most cells of one municipality [`per_cell_pages`] merges under one
/// ORDER BY and LIMIT (three years of one direction); past it, the cells
/// are paged as for several municipalities.
const MAX_MERGED_CELLS: usize = 36;

/// The flow columns every form selects, in the order
/// [`super::PartitionedRow`] reads them, followed by `parent_key`.
pub(super) const COLUMNS: &str = "id, period_start, period_end, direction, region_code, \
     partner_iso3, classification, product_code, value, currency, source_id";

/// The statement reading the pages of `parents` (municipalities) by value,
/// or `None` when the listing is not of that shape (or has too many cells).
///
/// One municipality's cells are merged under one ORDER BY and LIMIT (up to
/// [`MAX_MERGED_CELLS`]): PostgreSQL merges the ordered index scans (Merge
/// Append) and stops at the page's end. For several, on PostgreSQL the cells
/// are rows of an `unnest` and the scan is one LATERAL subquery, planned
/// once whatever the number of cells; elsewhere each cell is its own
/// subquery under UNION ALL; either way the rows are then numbered per
/// municipality and cut.
pub(super) fn per_cell_pages(
    backend: DbBackend,
    parents: &Parents,
    spec: &FlowSpec,
    page: &PageSpec,
) -> StoreResult<Option<Statement>> {
    let (Parents::Regions(RegionLevel::Municipality, codes), Some(period)) = (parents, spec.period)
    else {
        return Ok(None);
    };
    let order = match page.order {
        FlowOrder::ValueDesc => "value DESC, id DESC",
        FlowOrder::ValueAsc => "value ASC, id ASC",
        FlowOrder::PeriodDesc | FlowOrder::PeriodAsc => return Ok(None),
    };
    let directions = match spec.direction {
        Some(d) => vec![d],
        None => Direction::ALL.to_vec(),
    };
    let months: Vec<i32> = {
        let n = usize::try_from(period.months()).unwrap_or(usize::MAX);
        if codes.is_empty() || codes.len().saturating_mul(directions.len() * n) > MAX_CELLS {
            return Ok(None);
        }
        std::iter::successors(Some(period.start()), |m| m.plus_months(1).ok())
            .take(n)
            .map(|m| m.key())
            .collect()
    };
    let mut sql = SqlText::new(backend);
    let limit = sql.bind(page.first as i64 + 1);
    let after = match page.after {
        None => String::new(),
        Some(Cursor::Value(value, id)) => {
            let cmp = if page.order == FlowOrder::ValueDesc {
                "<"
            } else {
                ">"
            };
            let (value, id) = (sql.bind(value), sql.bind(id));
            sql.detached(|sql| {
                sql.push(" AND (value ")
                    .push(cmp)
                    .push(" ")
                    .param(value)
                    .push(" OR (value = ")
                    .param(value)
                    .push(" AND id ")
                    .push(cmp)
                    .push(" ")
                    .param(id)
                    .push("))");
            })
        }
        Some(Cursor::Period(..)) => {
            return Err(StoreError::invalid(
                "after",
                "cursor_order",
                "the cursor was issued for another order; request the first page again",
            ));
        }
    };
    let several = codes.len() > 1 || directions.len() * months.len() > MAX_MERGED_CELLS;
    if several && backend == DbBackend::Postgres {
        write_lateral(
            &mut sql,
            codes,
            &directions,
            &months,
            spec,
            &after,
            order,
            limit,
        );
        return Ok(Some(sql.into_statement()));
    }
    // Cells given as values fix the direction and the month, so of the
    // period only its end is left to check (a flow may start in the month
    // and end after it), with the other filters.
    let end = sql.bind(period.end().key());
    let filters = sql.detached(|sql| write_filters(sql, spec));
    let direction_params: Vec<(Direction, Param)> = directions
        .iter()
        .map(|d| (*d, sql.bind(d.as_str())))
        .collect();
    let month_params: Vec<Param> = months.iter().map(|m| sql.bind(*m)).collect();
    let region_params: Vec<Param> = codes.iter().map(|c| sql.bind(c.as_str())).collect();
    let mut union = String::new();
    let mut cell = 0;
    for region in &region_params {
        for (_, direction) in &direction_params {
            for month in &month_params {
                let text = sql.detached(|sql| {
                    if cell > 0 {
                        sql.push(" UNION ALL ");
                    }
                    sql.push("SELECT * FROM (SELECT ")
                        .push(COLUMNS)
                        .push(", region_code AS parent_key FROM flows WHERE region_code = ")
                        .param(*region)
                        .push(" AND direction = ")
                        .param(*direction)
                        .push(" AND period_start = ")
                        .param(*month)
                        .push(" AND period_end <= ")
                        .param(end)
                        .push(&filters)
                        .push(&after)
                        .push(" ORDER BY ")
                        .push(order)
                        .push(" LIMIT ")
                        .param(limit)
                        .push(&format!(") AS c{cell}"));
                });
                union.push_str(&text);
                cell += 1;
            }
        }
    }
    if several {
        // Numbered per municipality and cut.
        sql.push("SELECT * FROM (SELECT u.*, ROW_NUMBER() OVER (PARTITION BY parent_key ORDER BY ")
            .push(order)
            .push(") AS rn FROM (")
            .push(&union)
            .push(") AS u) AS t WHERE rn <= ")
            .param(limit)
            .push(" ORDER BY parent_key, rn");
    } else {
        // One municipality: its cells' pages merged in page order and cut.
        // PostgreSQL merges the ordered index scans (Merge Append) and stops
        // at the page's end, reading about `first + cells` index entries
        // instead of `cells × (first + 1)`, with nothing to sort or number.
        sql.push("SELECT * FROM (")
            .push(&union)
            .push(") AS u ORDER BY ")
            .push(order)
            .push(" LIMIT ")
            .param(limit);
    }
    Ok(Some(sql.into_statement()))
}

/// Several municipalities on PostgreSQL: the cells as rows of `unnest`, one
/// LATERAL page per cell, numbered per municipality and cut. The cells keep
/// the whole condition, the period's constant bounds included: without them
/// PostgreSQL misjudges the cells' sizes and sorts each one from the key
/// index instead of reading the rank index backwards (measured: q2 at half
/// its rate).
#[allow(clippy::too_many_arguments)]
fn write_lateral(
    sql: &mut SqlText,
    codes: &[String],
    directions: &[Direction],
    months: &[i32],
    spec: &FlowSpec,
    after: &str,
    order: &str,
    limit: Param,
) {
    let n = codes.len() * directions.len() * months.len();
    let (mut regions, mut cell_directions, mut cell_months) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for code in codes {
        for d in directions {
            for m in months {
                regions.push(code.as_str());
                cell_directions.push(d.as_str());
                cell_months.push(m.to_string());
            }
        }
    }
    // Array literals of checked codes, direction names and month numbers.
    let array = |items: &[&str]| format!("{{{}}}", items.join(","));
    let month_refs: Vec<&str> = cell_months.iter().map(String::as_str).collect();
    sql.push("SELECT * FROM (SELECT f.*, ROW_NUMBER() OVER (PARTITION BY f.parent_key ORDER BY ")
        .push(order)
        .push(") AS rn FROM (SELECT unnest(CAST(")
        .value(array(&regions))
        .push(" AS text[])) AS cell_region, unnest(CAST(")
        .value(array(&cell_directions))
        .push(" AS text[])) AS cell_direction, unnest(CAST(")
        .value(array(&month_refs))
        .push(" AS int4[])) AS cell_month) AS k CROSS JOIN LATERAL (SELECT ")
        .push(COLUMNS)
        .push(", region_code AS parent_key FROM flows WHERE region_code = k.cell_region")
        .push(" AND direction = k.cell_direction AND period_start = k.cell_month");
    write_condition(sql, spec);
    sql.push(after)
        .push(" ORDER BY ")
        .push(order)
        .push(" LIMIT ")
        .param(limit)
        .push(") AS f) AS t WHERE rn <= ")
        .param(limit)
        .push(" ORDER BY parent_key, rn");
}
