//! Totals, rankings and shares, computed by the database with GROUP BY and
//! window functions, never by summing rows in Rust.
//!
//! What adds up: the *detail* rows (a named partner and a named product) of
//! one currency. Rows for all partners (`WLD`) or all products (`TOTAL`) are
//! reported aggregates: listed with the flows and checked by the audit, but
//! never added to the details they summarise.

use std::collections::HashMap;

use entity::flow;
use migration::rollup::TOTALS_TABLE;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult};
use tradegraph_domain::{Classification, Currency, Period, RegionLevel};

use super::flows::{self, FlowSpec, Parents};
use super::sql::SqlText;
use super::{StoreResult, rollup};

/// Exports and imports of one region over one period.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    pub export: Option<f64>,
    pub import: Option<f64>,
}

#[derive(Debug, FromQueryResult)]
pub(super) struct KeyDirectionSum {
    pub k: String,
    pub direction: String,
    pub v: Option<f64>,
}

impl Totals {
    /// Per-key totals from (key, direction, sum) rows.
    pub(super) fn by_key(rows: Vec<KeyDirectionSum>) -> HashMap<String, Totals> {
        let mut out: HashMap<String, Totals> = HashMap::new();
        for r in rows {
            out.entry(r.k).or_default().set(&r.direction, r.v);
        }
        out
    }

    /// Records the sum of one direction (`EXPORT` or `IMPORT`).
    pub(super) fn set(&mut self, direction: &str, sum: Option<f64>) {
        match direction {
            "EXPORT" => self.export = sum,
            _ => self.import = sum,
        }
    }
}

/// Totals of several regions of one level (each over its subtree) over
/// each of `periods`, keyed by period and region key (`00` for the
/// country): the calendar years the rollup holds in one statement, every
/// other period in one statement of its own (from the period totals for
/// the country or states).
pub async fn region_totals(
    db: &impl ConnectionTrait,
    level: RegionLevel,
    codes: Vec<String>,
    periods: &[Period],
    currency: Currency,
    source_id: Option<i32>,
) -> StoreResult<HashMap<(Period, String), Totals>> {
    let parents = Parents::Regions(level, codes);
    let spec = |period| FlowSpec {
        period,
        currency: Some(currency),
        source_id,
        detail_only: true,
        ..Default::default()
    };
    let mut out = HashMap::new();
    let mut rest = periods.to_vec();
    let years: Vec<(Period, i32)> = periods
        .iter()
        .filter_map(|p| Some((*p, rollup::calendar_year(*p)?)))
        .collect();
    let year_list: Vec<i32> = years.iter().map(|(_, y)| *y).collect();
    if !years.is_empty()
        && let Some(by_year) = rollup::region_totals(db, &parents, &spec(None), &year_list).await?
    {
        rest.retain(|p| rollup::calendar_year(*p).is_none());
        for ((year, key), totals) in by_year {
            if let Some((period, _)) = years.iter().find(|(_, y)| *y == year) {
                out.insert((*period, key), totals);
            }
        }
    }
    let (key, parent_condition) = parents.key_and_condition();
    for period in rest {
        if let Some(by_scope) =
            rollup::region_period_totals(db, &parents, &spec(Some(period))).await?
        {
            out.extend(by_scope.into_iter().map(|(k, t)| ((period, k), t)));
            continue;
        }
        let mut q = Query::select();
        q.expr_as(Expr::cust(key.clone()), Alias::new("k"))
            .column(flow::Column::Direction)
            .expr_as(Expr::col(flow::Column::Value).sum(), Alias::new("v"))
            .from(flow::Entity)
            .cond_where(spec(Some(period)).condition())
            .cond_where(parent_condition.clone())
            .add_group_by([Expr::cust(key.clone()), Expr::col(flow::Column::Direction)]);
        let rows = KeyDirectionSum::find_by_statement(db.get_database_backend().build(&q))
            .all(db)
            .await?;
        for (k, totals) in Totals::by_key(rows) {
            out.insert((period, k), totals);
        }
    }
    Ok(out)
}

/// What a ranking groups flows by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupBy {
    /// Products of a classification; for HS, rolled up to a code length
    /// (2 chapter, 4 heading, 6 subheading).
    Product(Classification, Option<usize>),
    Partner,
    /// Regions rolled up to a level.
    Region(RegionLevel),
}

/// One entry of a ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub key: String,
    pub value: f64,
    /// `value` ÷ the total of every group (not just the top N).
    pub share: f64,
    pub rank: u32,
}

#[derive(Debug, FromQueryResult)]
pub(super) struct GroupRow {
    pub k: String,
    pub v: f64,
    pub whole: f64,
}

impl GroupRow {
    fn ranked(rows: Vec<GroupRow>) -> Vec<Ranked> {
        rows.into_iter()
            .enumerate()
            .map(|(i, r)| Ranked {
                share: if r.whole > 0.0 { r.v / r.whole } else { 0.0 },
                key: r.k,
                value: r.v,
                rank: i as u32 + 1,
            })
            .collect()
    }
}

impl GroupBy {
    fn sql(self) -> (String, Option<&'static str>) {
        match self {
            GroupBy::Product(Classification::Hs, Some(len)) => {
                (format!("SUBSTR(product_code, 1, {len})"), None)
            }
            GroupBy::Product(_, _) => ("product_code".into(), None),
            GroupBy::Partner => ("partner_iso3".into(), None),
            GroupBy::Region(RegionLevel::Municipality) => {
                ("region_code".into(), Some("LENGTH(region_code) = 5"))
            }
            GroupBy::Region(RegionLevel::State) => (
                "SUBSTR(region_code, 1, 2)".into(),
                Some("region_code <> '00'"),
            ),
            GroupBy::Region(RegionLevel::Country) => ("'00'".into(), None),
        }
    }
}

/// The `first` largest groups of the detail flows matching `spec`, with each
/// group's share of the whole, in one statement.
pub async fn top(
    db: &impl ConnectionTrait,
    spec: &FlowSpec,
    group: GroupBy,
    first: u64,
) -> StoreResult<Vec<Ranked>> {
    if let Some(rows) = rollup::top(db, spec, group, first).await? {
        return Ok(GroupRow::ranked(rows));
    }
    let (key, extra) = group.sql();
    let spec = FlowSpec {
        detail_only: true,
        ..spec.clone()
    };
    let mut q = Query::select();
    q.expr_as(Expr::cust(key.clone()), Alias::new("k"))
        .expr_as(Expr::col(flow::Column::Value).sum(), Alias::new("v"))
        .expr_as(Expr::cust("SUM(SUM(value)) OVER ()"), Alias::new("whole"))
        .from(flow::Entity)
        .cond_where(spec.condition())
        .add_group_by([Expr::cust(key)])
        .order_by(Alias::new("v"), Order::Desc)
        .order_by(Alias::new("k"), Order::Asc)
        .limit(first);
    if let Some(extra) = extra {
        q.and_where(Expr::cust(extra));
    }
    let rows = GroupRow::find_by_statement(db.get_database_backend().build(&q))
        .all(db)
        .await?;
    Ok(GroupRow::ranked(rows))
}

#[derive(Debug, FromQueryResult)]
pub(super) struct SumRow {
    pub v: Option<f64>,
}

/// The sum of the detail flows matching `spec` (`None` when there are none).
pub async fn total(db: &impl ConnectionTrait, spec: &FlowSpec) -> StoreResult<Option<f64>> {
    if let Some(total) = rollup::total(db, spec).await? {
        return Ok(total);
    }
    let spec = FlowSpec {
        detail_only: true,
        ..spec.clone()
    };
    let mut q = Query::select();
    q.expr_as(Expr::col(flow::Column::Value).sum(), Alias::new("v"))
        .from(flow::Entity)
        .cond_where(spec.condition());
    let row = SumRow::find_by_statement(db.get_database_backend().build(&q))
        .one(db)
        .await?;
    Ok(row.and_then(|r| r.v))
}

#[derive(Debug, FromQueryResult)]
struct CoverageRow {
    months: i64,
    own: i64,
    children: i64,
    total: Option<f64>,
}

/// The sum of `spec`'s detail flows when the stored flows cover its whole
/// period (every month) and its whole region (rows recorded for the region
/// itself, or for every one of its children); `None` when they do not (a
/// figure computed from partial data must not be compared with a published
/// total), `Some(None)` when there are none.
///
/// One statement of index probes, each stopping at the first flow it
/// finds: one per month of the period (the latest flow starting by then
/// that is still running), one for the region's own rows and one per
/// child. A covered year of the whole country is 12 + 1 + 32 short probes
/// instead of reading the year's 250,000 flows (measured: 93 ms). Without a
/// product or a partner, the region's months and its children are probed
/// in the period totals instead of the flows.
/// The same statement sums the period totals or the flows once the
/// coverage holds: one round trip per figure. A sum the yearly rollup
/// holds (a state's or the country's product over a calendar year) is
/// asked after it.
pub async fn covered_total(
    db: &impl ConnectionTrait,
    catalog: &super::catalog::Catalog,
    spec: &FlowSpec,
) -> StoreResult<Option<Option<f64>>> {
    let (Some(period), Some(region)) = (spec.period, spec.region.as_ref()) else {
        return Ok(None);
    };
    let spec = FlowSpec {
        detail_only: true,
        ..spec.clone()
    };
    let children: Vec<String> = match region.level {
        RegionLevel::Municipality => Vec::new(),
        _ => catalog
            .region_children(&region.code)
            .map(|c| c.code.clone())
            .collect(),
    };
    let months: Vec<i32> = std::iter::successors(Some(period.start()), |m| m.plus_months(1).ok())
        .take_while(|m| *m <= period.end())
        .map(|m| m.key())
        .collect();
    let mut sql = SqlText::new(db.get_database_backend());
    let condition = sql.detached(|sql| flows::write_condition(sql, &spec));
    // A month is covered by the latest flow starting by then that is still
    // running. For a region with neither a product nor a partner, the
    // period totals hold one row per stored period: the probe reads a few
    // of them. Otherwise it reads the period index of the flows
    // backwards from the month. A state's code range would lead PostgreSQL
    // to its region index instead, which reads the state's every flow for
    // each month (7 ms a month for a large state); as an expression, it is
    // checked on the rows met.
    let totals = rollup::totals_filters(&mut sql, &spec);
    let sum = match &totals {
        Some((scope, filters)) => {
            let scope = sql.detached(|sql| {
                sql.value(scope.as_str());
            });
            format!("SELECT SUM(value) FROM {TOTALS_TABLE} WHERE scope_code = {scope}{filters}")
        }
        None if rollup::holds(&spec) => "CAST(NULL AS DOUBLE PRECISION)".to_owned(),
        None => format!("SELECT SUM(value) FROM flows WHERE 1 = 1{condition}"),
    };
    let month_probe = match &totals {
        Some((scope, filters)) => {
            let scope = sql.detached(|sql| {
                sql.value(scope.as_str());
            });
            format!(
                "SELECT 1 FROM {TOTALS_TABLE} WHERE scope_code = {scope}{filters} AND period_start <= m.month AND period_end >= m.month"
            )
        }
        None => {
            let month_condition = sql.detached(|sql| {
                flows::write_condition(
                    sql,
                    &FlowSpec {
                        region: None,
                        ..spec.clone()
                    },
                );
                match region.level {
                    RegionLevel::Country => {}
                    RegionLevel::State => {
                        sql.push(" AND SUBSTR(region_code, 1, 2) = ")
                            .value(region.code.as_str());
                    }
                    RegionLevel::Municipality => {
                        sql.push(" AND region_code = ").value(region.code.as_str());
                    }
                }
            });
            format!(
                "SELECT 1 FROM flows WHERE period_start <= m.month AND period_end >= m.month{month_condition}"
            )
        }
    };
    // The months and the children's code ranges as rows; each is probed by
    // a correlated subquery, planned once whatever their number. (Not
    // EXISTS: PostgreSQL would turn it into a semi-join over every flow of
    // the period.) On PostgreSQL they travel as arrays, so the statement's
    // text is the same whatever their number: after five executions on a
    // connection it keeps one generic plan instead of planning each time,
    // which cost more than running it (0.5–2.5 ms against 0.3).
    let uppers: Vec<String> = children.iter().map(|c| flows::prefix_upper(c)).collect();
    if sql.backend() == DbBackend::Postgres {
        // Array literals of month numbers and checked region codes.
        let array = |items: &mut dyn Iterator<Item = String>| {
            format!("{{{}}}", items.collect::<Vec<_>>().join(","))
        };
        sql.push("WITH m(month) AS (SELECT unnest(CAST(")
            .value(array(&mut months.iter().map(i32::to_string)))
            .push(" AS int4[])))");
        if !children.is_empty() {
            sql.push(", c(lo, hi) AS (SELECT unnest(CAST(")
                .value(array(&mut children.iter().cloned()))
                .push(" AS text[])), unnest(CAST(")
                .value(array(&mut uppers.iter().cloned()))
                .push(" AS text[])))");
        }
    } else {
        sql.push("WITH m(month) AS (VALUES ")
            .list(&months, |sql, month| {
                sql.push("(").value(*month).push(")");
            })
            .push(")");
        if !children.is_empty() {
            sql.push(", c(lo, hi) AS (VALUES ")
                .list(children.iter().zip(&uppers), |sql, (child, upper)| {
                    sql.push("(")
                        .value(child.as_str())
                        .push(", ")
                        .value(upper.as_str())
                        .push(")");
                })
                .push(")");
        }
    }
    // The region's own rows and its children first: the months are probed
    // only when they are covered (for a municipality, when it has rows at
    // all, which every covered month implies). A month probe that finds no
    // flow reads every entry of the region's period before it: a claim in
    // a currency no flow has cost 10 such scans (13.8 ms at scale 5).
    // Materialized, so the guard does not run the probes a second time.
    // A municipality's own rows are its scope of the totals, when they
    // answer: in the flows, a currency the municipality has no flow in
    // read its every flow of the period (3 ms for Mexicali's pesos at
    // scale 5), the currency not being a key of the index.
    let own_probe = match (&totals, region.level) {
        (Some((scope, filters)), RegionLevel::Municipality) => {
            let scope = sql.detached(|sql| {
                sql.value(scope.as_str());
            });
            format!("SELECT 1 FROM {TOTALS_TABLE} WHERE scope_code = {scope}{filters}")
        }
        _ => {
            let code = sql.detached(|sql| {
                sql.value(region.code.as_str());
            });
            format!("SELECT 1 FROM flows WHERE region_code = {code}{condition}")
        }
    };
    sql.push(", r AS MATERIALIZED (SELECT (SELECT COUNT(*) FROM (")
        .push(&own_probe)
        .push(" LIMIT 1) AS o) AS own, ");
    if children.is_empty() {
        sql.push("CAST(0 AS BIGINT)");
    } else {
        // The children (the country's states, a state's municipalities)
        // are scopes of the totals too. Otherwise (a product or a partner)
        // a state's children are probed in the flows, which carry exactly
        // their code: an equality lets the index seek past the direction
        // and the period too, where a code range read each child's earlier
        // flows first; and PostgreSQL keeps the statement's generic plan.
        // Tamaulipas' 43 children, scale 1: planning 0.35–1.2 ms and
        // running 0.37–0.66 ms with the range, 0.01–0.03 and 0.22–0.29 ms
        // with the equality.
        let child_probe = match (&totals, region.level) {
            (Some((_, filters)), _) => {
                format!("SELECT 1 FROM {TOTALS_TABLE} WHERE scope_code = c.lo{filters}")
            }
            (None, RegionLevel::State) => {
                format!("SELECT 1 FROM flows WHERE region_code = c.lo{condition}")
            }
            _ => format!(
                "SELECT 1 FROM flows WHERE region_code >= c.lo AND region_code < c.hi{condition}"
            ),
        };
        sql.push("(SELECT COUNT(*) FROM c WHERE (")
            .push(&child_probe)
            .push(" LIMIT 1) = 1)");
    }
    let guard = if children.is_empty() {
        "own > 0".to_owned()
    } else {
        format!("own > 0 OR children = {}", children.len())
    };
    // Materialized too, so that the sum's guard does not probe the months
    // a second time.
    sql.push(" AS children), k AS MATERIALIZED (SELECT own, children, CASE WHEN ")
        .push(&guard)
        .push(" THEN (SELECT COUNT(*) FROM m WHERE (")
        .push(&month_probe)
        .push(" ORDER BY period_start DESC LIMIT 1) = 1) ELSE 0 END AS months FROM r)")
        .push(" SELECT own, children, months, CASE WHEN months = ")
        .push(&months.len().to_string())
        .push(" AND (")
        .push(&guard)
        .push(") THEN (")
        .push(&sum)
        .push(") END AS total FROM k");
    let Some(row) = CoverageRow::find_by_statement(sql.into_statement())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let covered = row.months == months.len() as i64
        && months.len() as i32 == period.months()
        && (region.level == RegionLevel::Municipality
            || row.own > 0
            || (!children.is_empty() && row.children == children.len() as i64));
    if !covered {
        return Ok(None);
    }
    Ok(Some(match totals {
        None if rollup::holds(&spec) => total(db, &spec).await?,
        _ => row.total,
    }))
}

#[derive(Debug, FromQueryResult)]
pub(super) struct ParentGroupRow {
    pub parent_key: String,
    pub k: String,
    pub v: f64,
    pub whole: f64,
}

/// The `first` largest groups of each parent from `grouped`, a statement
/// yielding `parent_key`, `k`, `v` and `whole`: numbered per parent by value
/// (ties by key) and cut, in parent and rank order.
pub(super) fn first_per_parent(grouped: SelectStatement, first: u64) -> SelectStatement {
    let columns = || {
        [
            Alias::new("parent_key"),
            Alias::new("k"),
            Alias::new("v"),
            Alias::new("whole"),
        ]
    };
    let mut ranked = Query::select();
    ranked
        .columns(columns())
        .expr_as(
            Expr::cust("ROW_NUMBER() OVER (PARTITION BY parent_key ORDER BY v DESC, k ASC)"),
            Alias::new("rn"),
        )
        .from_subquery(grouped, Alias::new("g"));
    let mut outer = Query::select();
    outer
        .columns(columns())
        .from_subquery(ranked, Alias::new("r"))
        .and_where(Expr::col(Alias::new("rn")).lte(first as i64))
        .order_by(Alias::new("parent_key"), Order::Asc)
        .order_by(Alias::new("rn"), Order::Asc);
    outer
}

impl ParentGroupRow {
    fn ranked(rows: Vec<ParentGroupRow>) -> HashMap<String, Vec<Ranked>> {
        let mut out: HashMap<String, Vec<Ranked>> = HashMap::new();
        for r in rows {
            let list = out.entry(r.parent_key).or_default();
            list.push(Ranked {
                share: if r.whole > 0.0 { r.v / r.whole } else { 0.0 },
                key: r.k,
                value: r.v,
                rank: list.len() as u32 + 1,
            });
        }
        out
    }
}

/// The `first` largest groups for each parent, with shares of that parent's
/// whole, in one statement (the nested form of [`top`]).
pub async fn top_by_parent(
    db: &impl ConnectionTrait,
    parents: &Parents,
    spec: &FlowSpec,
    group: GroupBy,
    first: u64,
) -> StoreResult<HashMap<String, Vec<Ranked>>> {
    if let Some((key, narrowed)) = parents.narrow_to_single(spec) {
        // One parent: a plain ranking stops at `first` with a top-N sort
        // instead of numbering every group of the partition.
        let ranked = top(db, &narrowed, group, first).await?;
        return Ok(HashMap::from([(key, ranked)]));
    }
    if let Some(rows) = rollup::top_by_parent(db, parents, spec, group, first).await? {
        return Ok(ParentGroupRow::ranked(rows));
    }
    let (key, extra) = group.sql();
    let (parent, parent_condition) = parents.key_and_condition();
    let spec = FlowSpec {
        detail_only: true,
        ..spec.clone()
    };
    let mut grouped = Query::select();
    grouped
        .expr_as(Expr::cust(parent.clone()), Alias::new("parent_key"))
        .expr_as(Expr::cust(key.clone()), Alias::new("k"))
        .expr_as(Expr::col(flow::Column::Value).sum(), Alias::new("v"))
        .expr_as(
            Expr::cust(format!("SUM(SUM(value)) OVER (PARTITION BY {parent})")),
            Alias::new("whole"),
        )
        .from(flow::Entity)
        .cond_where(spec.condition())
        .cond_where(parent_condition)
        .add_group_by([Expr::cust(parent), Expr::cust(key)]);
    if let Some(extra) = extra {
        grouped.and_where(Expr::cust(extra));
    }
    let outer = first_per_parent(grouped, first);
    let rows = ParentGroupRow::find_by_statement(db.get_database_backend().build(&outer))
        .all(db)
        .await?;
    Ok(ParentGroupRow::ranked(rows))
}
