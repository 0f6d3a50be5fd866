//! The data rules, run by the database: `HIERARCHY_SUM` (children over their
//! parent) and `DUPLICATE_FLOW` (one flow stored by two sources with
//! different values). Both are single statements over the whole table, so
//! they scale with the database, not with this process.
//!
//! Within one source a repeated flow key cannot be stored at all: the unique
//! index refuses it at import or mutation time with rule `DUPLICATE_FLOW`.

use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use tradegraph_audit::{Finding, RuleCode, Severity};
use tradegraph_domain::{Interval, Period, RegionLevel, YearMonth};

use super::StoreResult;
use super::catalog::Catalog;
use super::flows::RegionScope;

/// A finding with the stored flows it is about.
#[derive(Debug, Clone)]
pub struct FlowFinding {
    pub finding: Finding,
    pub flow_ids: Vec<i64>,
}

/// What a data audit covers.
#[derive(Debug, Clone, Default)]
pub struct DataScope {
    pub region: Option<RegionScope>,
    pub period: Option<Period>,
}

/// Columns that, with the region, make a flow key.
const KEY: [&str; 8] = [
    "period_start",
    "period_end",
    "direction",
    "partner_iso3",
    "classification",
    "product_code",
    "source_id",
    "currency",
];

impl DataScope {
    /// SQL conditions on table alias `t`. Codes were checked against the
    /// catalogue (digits only) and periods are integers, so inlining is safe.
    fn conditions(&self, t: &str) -> String {
        let mut out = String::new();
        if let Some(p) = self.period {
            out.push_str(&format!(
                " AND {t}.period_start >= {} AND {t}.period_end <= {}",
                p.start().key(),
                p.end().key()
            ));
        }
        if let Some(r) = &self.region
            && r.level != RegionLevel::Country
            && r.code.bytes().all(|b| b.is_ascii_digit())
        {
            out.push_str(&format!(" AND {t}.region_code LIKE '{}%'", r.code));
        }
        out
    }
}

#[derive(Debug, FromQueryResult)]
struct OverRow {
    parent_id: i64,
    parent_code: String,
    parent_value: f64,
    child_sum: f64,
    children: i64,
    child_ids: String,
    period_start: i32,
    period_end: i32,
    direction: String,
    partner_iso3: String,
    classification: String,
    product_code: String,
    currency: String,
}

/// "exports" or "imports", from a stored direction.
fn flow_noun(direction: &str) -> &'static str {
    if direction == "IMPORT" {
        "imports"
    } else {
        "exports"
    }
}

fn period_text(start: i32, end: i32) -> String {
    match (YearMonth::from_key(start), YearMonth::from_key(end)) {
        (Ok(s), Ok(e)) => Period::new(s, e).map(|p| p.to_string()).unwrap_or_default(),
        _ => format!("{start}–{end}"),
    }
}

fn money(v: f64, currency: &str) -> String {
    let whole = format!("{:.0}", v.abs());
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{}{grouped} {currency}", if v < 0.0 { "-" } else { "" })
}

/// One level of the hierarchy: its children and how they find their parent.
struct Level {
    /// The children's name in the finding ("municipalities").
    children: &'static str,
    /// Which flows are children (`f`).
    child_filter: &'static str,
    /// A child's parent code, computed from the child's row.
    parent_expr: &'static str,
    /// Which flows are parents (`p`), given the states' codes as an SQL
    /// list: a list the region index reads directly, where a condition on
    /// the code's length would read the whole table.
    parent_filter: fn(&str) -> String,
    /// A child of the parent `p`, in a form an index on the flow key can
    /// range over (the parent's code and its successor bound a state's
    /// municipalities, as in a coverage probe).
    child_of_parent: &'static str,
}

const LEVELS: [Level; 2] = [
    Level {
        children: "municipalities",
        child_filter: "LENGTH(f.region_code) = 5",
        parent_expr: "SUBSTR(f.region_code, 1, 2)",
        parent_filter: |states| format!("p.region_code IN ({states})"),
        child_of_parent: "f.region_code > p.region_code AND f.region_code < (p.region_code || ':') \
             AND SUBSTR(f.region_code, 1, 2) = p.region_code",
    },
    Level {
        children: "states",
        child_filter: "LENGTH(f.region_code) = 2 AND f.region_code <> '00'",
        parent_expr: "CAST('00' AS TEXT)",
        parent_filter: |_| "p.region_code = '00'".to_owned(),
        child_of_parent: "p.region_code = '00'",
    },
];

/// Children of one level whose sum exceeds their parent's row for the same
/// key.
///
/// Parents are few (the states' and the nation's own rows) and children
/// many, so on PostgreSQL each parent sums its children through the flow
/// key's index (`LATERAL`). Grouping every child first and joining the
/// parents after reads the whole table, and the planner cannot tell from
/// `LENGTH(region_code)` that parents are few: that form's statement took
/// 3.2 s of a 4.6 s data audit at 5 million flows, whose whole audit took
/// 0.34 s at 1 million. SQLite, which has no `LATERAL`, keeps that form:
/// one pass over the children, probing an automatic index of the parents.
fn hierarchy_sql(backend: DbBackend, scope: &DataScope, level: &Level, states: &str) -> String {
    let Level {
        child_filter,
        parent_expr,
        parent_filter,
        child_of_parent,
        ..
    } = level;
    let keys = KEY.join(", ");
    let same_key = |a: &str, b: &str| -> String {
        KEY.iter()
            .map(|k| format!("{a}.{k} = {b}.{k}"))
            .collect::<Vec<_>>()
            .join(" AND ")
    };
    let (ps, cs) = (scope.conditions("p"), scope.conditions("f"));
    let ids = "CAST(MIN(f.id) AS TEXT) || '..' || CAST(MAX(f.id) AS TEXT)";
    let select = "SELECT p.id AS parent_id, p.region_code AS parent_code, p.value AS parent_value, \
                  c.child_sum, c.children, c.child_ids, p.period_start, p.period_end, p.direction, \
                  p.partner_iso3, p.classification, p.product_code, p.currency";
    let parents = format!(
        "WITH parents AS (SELECT * FROM flows p WHERE {}{ps})",
        parent_filter(states)
    );
    if backend == DbBackend::Postgres {
        return format!(
            "{parents}
             {select}
             FROM parents p CROSS JOIN LATERAL (
                SELECT SUM(f.value) AS child_sum, COUNT(*) AS children, {ids} AS child_ids
                FROM flows f
                WHERE {child_filter}{cs} AND {child_of_parent} AND {semi}) c
             WHERE c.child_sum > p.value + 0.5
             ORDER BY p.id",
            semi = same_key("f", "p"),
        );
    }
    format!(
        "{parents},
         children AS (
            SELECT {parent_expr} AS parent_code, {keys}, SUM(f.value) AS child_sum, COUNT(*) AS children,
                   {ids} AS child_ids
            FROM flows f
            WHERE {child_filter}{cs} AND EXISTS (
                SELECT 1 FROM parents p WHERE p.region_code = {parent_expr} AND {semi})
            GROUP BY {parent_expr}, {keys})
         {select}
         FROM parents p JOIN children c ON p.region_code = c.parent_code AND {join}
         WHERE c.child_sum > p.value + 0.5
         ORDER BY p.id",
        semi = same_key("p", "f"),
        join = same_key("p", "c"),
    )
}

/// HIERARCHY_SUM: municipalities over their state, states over the nation.
pub async fn hierarchy_sum(
    db: &impl ConnectionTrait,
    catalog: &Catalog,
    scope: &DataScope,
) -> StoreResult<Vec<FlowFinding>> {
    let backend = db.get_database_backend();
    // The states' codes go into the statement as literals: only codes of
    // digits, whatever the catalogue holds.
    let states: Vec<String> = catalog
        .region_children(tradegraph_domain::codes::NATION)
        .map(|r| r.code.as_str())
        .filter(|c| c.bytes().all(|b| b.is_ascii_digit()))
        .map(|c| format!("'{c}'"))
        .collect();
    if states.is_empty() {
        return Ok(Vec::new());
    }
    let states = states.join(", ");
    let mut out = Vec::new();
    for level in &LEVELS {
        let children_name = level.children;
        let sql = hierarchy_sql(backend, scope, level, &states);
        let rows = OverRow::find_by_statement(Statement::from_string(backend, sql))
            .all(db)
            .await?;
        for r in rows {
            let parent = catalog
                .region(&r.parent_code)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| r.parent_code.clone());
            let what = format!(
                "{} of {} with {} in {}",
                flow_noun(&r.direction),
                if r.product_code == "TOTAL" {
                    "all products".to_owned()
                } else {
                    format!("{} {}", r.classification, r.product_code)
                },
                if r.partner_iso3 == "WLD" {
                    "all partners".to_owned()
                } else {
                    r.partner_iso3.clone()
                },
                period_text(r.period_start, r.period_end),
            );
            let excess = r.child_sum - r.parent_value;
            let message = format!(
                "The {} {children_name} of {parent} ({}) add up to {} of {what}, more than the {} recorded for {parent} itself (by {}{}).",
                r.children,
                r.parent_code,
                money(r.child_sum, &r.currency),
                money(r.parent_value, &r.currency),
                money(excess, &r.currency),
                if r.parent_value > 0.0 {
                    format!(", {:.1} %", 100.0 * excess / r.parent_value)
                } else {
                    String::new()
                },
            );
            let mut f = Finding::about(RuleCode::HierarchySum, Severity::Error, message, &[]);
            f.excerpt = format!(
                "flow {} (parent) against flows {} (children)",
                r.parent_id, r.child_ids
            );
            f.region_codes = vec![r.parent_code.clone()];
            if r.partner_iso3 != "WLD" {
                f.partner_iso3s = vec![r.partner_iso3.clone()];
            }
            if r.product_code != "TOTAL" {
                f.product_keys = vec![format!("{}:{}", r.classification, r.product_code)];
            }
            f = f.with_intervals(
                Interval::new(0.0, r.parent_value + 0.5).unwrap_or(Interval::point(r.parent_value)),
                Interval::point(r.child_sum),
                "stored values are exact; children may not exceed the parent by more than half a unit",
            );
            out.push(FlowFinding {
                finding: f,
                flow_ids: vec![r.parent_id],
            });
        }
    }
    Ok(out)
}

#[derive(Debug, FromQueryResult)]
struct DuplicateRow {
    region_code: String,
    period_start: i32,
    period_end: i32,
    direction: String,
    partner_iso3: String,
    classification: String,
    product_code: String,
    currency: String,
    low: f64,
    high: f64,
    sources: i64,
    first_id: i64,
    last_id: i64,
}

/// The flow key without the source, in the order of the unique index
/// `ux_flows_key`, so that probing it by these columns is one index range.
const SAME_FLOW: [&str; 8] = [
    "partner_iso3",
    "direction",
    "period_start",
    "region_code",
    "product_code",
    "period_end",
    "classification",
    "currency",
];

#[derive(Debug, FromQueryResult)]
struct SourceRow {
    source_id: i32,
}

/// DUPLICATE_FLOW: the same flow (all key columns but the source) stored by
/// several sources with values that differ.
///
/// Every such pair has a flow outside the largest source, so only those
/// flows are probed against the unique index for a differing twin; the
/// groups found are then summarised. The work follows the smaller sources'
/// size, not the table's (the whole-table GROUP BY this replaces took 4.6 s
/// over a million flows).
pub async fn duplicate_flow(
    db: &impl ConnectionTrait,
    scope: &DataScope,
) -> StoreResult<Vec<FlowFinding>> {
    let backend = db.get_database_backend();
    // The largest source by the yearly rollup's counts; any source would be
    // correct, the largest leaves the fewest flows to probe.
    let largest = SourceRow::find_by_statement(Statement::from_string(
        backend,
        "SELECT source_id FROM flow_rollup WHERE scope_code = '00' AND product_key = '*'
         GROUP BY source_id ORDER BY SUM(n) DESC, source_id LIMIT 1",
    ))
    .one(db)
    .await?
    .map_or(-1, |r| r.source_id);
    let on = |x: &str, y: &str| {
        SAME_FLOW
            .iter()
            .map(|k| format!("{x}.{k} = {y}.{k}"))
            .collect::<Vec<_>>()
            .join(" AND ")
    };
    let columns = |t: &str| {
        SAME_FLOW
            .iter()
            .map(|k| format!("{t}.{k}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let sql = format!(
        "WITH hits AS (
            SELECT DISTINCT {a_columns}
            FROM flows a
            WHERE a.source_id <> {largest}{a_scope} AND EXISTS (
                SELECT 1 FROM flows b
                WHERE {b_is_a} AND b.source_id <> a.source_id AND ABS(b.value - a.value) > 0.5{b_scope}))
         SELECT {t_columns}, MIN(t.value) AS low, MAX(t.value) AS high,
                COUNT(DISTINCT t.source_id) AS sources, MIN(t.id) AS first_id, MAX(t.id) AS last_id
         FROM flows t JOIN hits h ON {t_is_h}
         WHERE 1 = 1{t_scope}
         GROUP BY {t_columns}
         ORDER BY MIN(t.id)",
        a_columns = columns("a"),
        t_columns = columns("t"),
        b_is_a = on("b", "a"),
        t_is_h = on("t", "h"),
        a_scope = scope.conditions("a"),
        b_scope = scope.conditions("b"),
        t_scope = scope.conditions("t"),
    );
    let rows = DuplicateRow::find_by_statement(Statement::from_string(backend, sql))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let message = format!(
                "The same flow — {} of {} {} with {} in {} — is stored by {} sources with different values: from {} to {}.",
                flow_noun(&r.direction),
                r.classification,
                r.product_code,
                r.partner_iso3,
                period_text(r.period_start, r.period_end),
                r.sources,
                money(r.low, &r.currency),
                money(r.high, &r.currency),
            );
            let mut f = Finding::about(RuleCode::DuplicateFlow, Severity::Warning, message, &[]);
            f.excerpt = format!("flows {} and {}", r.first_id, r.last_id);
            f.region_codes = vec![r.region_code];
            FlowFinding { finding: f, flow_ids: vec![r.first_id, r.last_id] }
        })
        .collect())
}
