//! Reads of the yearly rollup (`flow_rollup`, defined in
//! [`migration::rollup`]): totals, counts and rankings of a state or of the
//! whole country over a calendar year, answered from a few hundred grouped
//! rows instead of the tens of thousands of flows behind them; and of the
//! period totals (`flow_totals`), which answer a state's or the country's
//! total and count over any run of months when no product or partner is
//! asked for.
//!
//! Each function returns `None` when neither can answer the question
//! exactly (a municipality, a partner filter, an HS subheading, a product
//! over a quarter), and the caller then asks the flows table. Both paths
//! return the same figures; the tests in `tests/api/rollup.rs` hold them to
//! it.

use std::collections::HashMap;

use migration::rollup::{ALL_PRODUCTS_KEY, COUNTRY_SCOPE, HS_KEY_LEN, TABLE, TOTALS_TABLE};
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, FromQueryResult, Statement};
use tradegraph_domain::{Classification, Direction, Period, RegionLevel};

use super::StoreResult;
use super::aggregates::{
    GroupBy, GroupRow, KeyDirectionSum, ParentGroupRow, SumRow, Totals, first_per_parent,
};
use super::flows::{
    CountRow as ParentCountRow, FlowSpec, Parents, ProductScope, RegionScope, prefix_upper,
};
use super::sql::SqlText;

fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

/// The year of a period that is exactly one calendar year.
pub(super) fn calendar_year(period: Period) -> Option<i32> {
    let (start, end) = (period.start(), period.end());
    (start.month() == 1 && end.month() == 12 && start.year() == end.year()).then(|| start.year())
}

/// The scope row a region filter reads: the country or a state.
fn scope(region: Option<&RegionScope>) -> Option<String> {
    match region {
        None => Some(COUNTRY_SCOPE.to_owned()),
        Some(r) => match r.level {
            RegionLevel::Country => Some(COUNTRY_SCOPE.to_owned()),
            RegionLevel::State => Some(r.code.clone()),
            RegionLevel::Municipality => None,
        },
    }
}

/// The condition on `product_key` matching a product's subtree: an HS
/// prefix of at most four digits, or another classification's code list.
fn product_condition(p: &ProductScope) -> Option<Condition> {
    let class = col("classification").eq(p.classification.as_str());
    let key = col("product_key");
    let codes = if p.classification == Classification::Hs {
        if p.code.len() > 4 || !p.code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        key.clone()
            .gte(p.code.as_str())
            .and(key.lt(prefix_upper(&p.code)))
    } else {
        key.is_in(p.subtree.iter().map(String::as_str))
    };
    Some(Condition::all().add(class).add(codes))
}

/// Which rollup rows a question reads, besides the scope.
#[derive(Clone, Copy, PartialEq)]
enum Rows {
    /// The all-products rows (`*`), or the product rows of a product filter.
    Totals,
    /// Per-product rows, for a ranking of products.
    Products,
}

/// The rollup rows holding `spec`'s flows, scope aside; `None` when the
/// rollup cannot answer `spec` exactly.
fn filter(spec: &FlowSpec, rows: Rows) -> Option<Condition> {
    let year = calendar_year(spec.period?)?;
    Some(filter_aside_year(spec, rows)?.add(col("year").eq(year)))
}

/// [`filter`] without the condition on the year: `spec`'s period is not read.
fn filter_aside_year(spec: &FlowSpec, rows: Rows) -> Option<Condition> {
    if spec.partner_iso3.is_some() {
        return None;
    }
    // Naming both directions when none is asked for lets the primary key
    // (direction before the product key) still seek to the product key: one
    // index probe per direction instead of a scan of the year's rows.
    let mut c = Condition::all().add(match spec.direction {
        Some(d) => col("direction").eq(d.as_str()),
        None => col("direction").is_in(Direction::ALL.iter().map(|d| d.as_str())),
    });
    if let Some(cl) = spec.classification {
        c = c.add(col("classification").eq(cl.as_str()));
    }
    if let Some(s) = spec.source_id {
        c = c.add(col("source_id").eq(s));
    }
    if let Some(cur) = spec.currency {
        c = c.add(col("currency").eq(cur.as_str()));
    }
    if spec.detail_only {
        c = c.add(col("detail").eq(1));
    }
    Some(match (&spec.product, rows) {
        (Some(p), _) => c.add(product_condition(p)?),
        (None, Rows::Totals) => c.add(col("product_key").eq(ALL_PRODUCTS_KEY)),
        (None, Rows::Products) => c.add(col("product_key").ne(ALL_PRODUCTS_KEY)),
    })
}

/// The parent key (SQL) and scope condition for a batch of region parents
/// under `spec`, which must not narrow the region itself.
fn parents_scope(parents: &Parents, spec: &FlowSpec) -> Option<(String, Condition)> {
    if scope(spec.region.as_ref())? != COUNTRY_SCOPE {
        return None;
    }
    match parents {
        // Its one scope row is keyed `00`, as the flows path keys it.
        Parents::Regions(RegionLevel::Country, _) => Some((
            "scope_code".to_owned(),
            Condition::all().add(col("scope_code").eq(COUNTRY_SCOPE)),
        )),
        Parents::Regions(RegionLevel::State, codes) => Some((
            "scope_code".to_owned(),
            Condition::all().add(col("scope_code").is_in(codes.iter().map(String::as_str))),
        )),
        _ => None,
    }
}

/// The grouping key of a ranking on the rollup, and the rows it reads.
fn group_key(group: GroupBy, spec: &FlowSpec) -> Option<(Expr, Condition)> {
    match group {
        // Headings are the key itself: grouped in the primary key's order,
        // not hashed by an expression (a region's ranking: 15-20 % faster).
        GroupBy::Product(Classification::Hs, Some(HS_KEY_LEN)) => {
            Some((col("product_key"), filter(spec, Rows::Products)?))
        }
        GroupBy::Product(Classification::Hs, Some(len)) if len < HS_KEY_LEN => Some((
            Expr::cust(format!("SUBSTR(product_key, 1, {len})")),
            filter(spec, Rows::Products)?,
        )),
        GroupBy::Product(Classification::Hs, _) => None,
        GroupBy::Product(_, _) => Some((col("product_key"), filter(spec, Rows::Products)?)),
        // The states of the country: their own scope rows.
        GroupBy::Region(RegionLevel::State) => match scope(spec.region.as_ref())?.as_str() {
            COUNTRY_SCOPE => Some((
                col("scope_code"),
                filter(spec, Rows::Totals)?.add(col("scope_code").ne(COUNTRY_SCOPE)),
            )),
            _ => None,
        },
        GroupBy::Region(_) | GroupBy::Partner => None,
    }
}

fn select() -> SelectStatement {
    let mut q = Query::select();
    q.from(Alias::new(TABLE));
    q
}

#[derive(Debug, FromQueryResult)]
struct CountRow {
    n: i64,
}

/// The conditions of the period totals rows holding `spec`'s flows, but
/// their scope, each preceded by ` AND ` and written into `sql` (its values
/// bound there), with the scope code they read (the region's own code, the
/// country's for none); `None` when the totals cannot answer `spec`: a
/// product or a partner.
pub(super) fn totals_filters(sql: &mut SqlText, spec: &FlowSpec) -> Option<(String, String)> {
    if spec.partner_iso3.is_some() || spec.product.is_some() {
        return None;
    }
    let scope = spec
        .region
        .as_ref()
        .map_or(COUNTRY_SCOPE, |r| r.code.as_str())
        .to_owned();
    // The totals share the flows' names for the direction, the period, the
    // classification, the source and the currency.
    let rest = FlowSpec {
        region: None,
        detail_only: false,
        ..spec.clone()
    };
    let filters = sql.detached(|sql| {
        super::flows::write_condition(sql, &rest);
        if spec.detail_only {
            sql.push(" AND detail = 1");
        }
    });
    Some((scope, filters))
}

/// `SELECT {select} FROM flow_totals` over the rows holding `spec`'s
/// flows, when the period totals hold them (see [`totals_filters`]).
fn totals_select(db: &impl ConnectionTrait, spec: &FlowSpec, select: &str) -> Option<Statement> {
    let mut sql = SqlText::new(db.get_database_backend());
    let (scope, filters) = totals_filters(&mut sql, spec)?;
    sql.push("SELECT ")
        .push(select)
        .push(" FROM ")
        .push(TOTALS_TABLE)
        .push(" WHERE scope_code = ")
        .value(scope)
        .push(&filters);
    Some(sql.into_statement())
}

/// Whether the yearly rollup holds `spec`'s total (the period totals
/// aside).
pub fn holds(spec: &FlowSpec) -> bool {
    scope(spec.region.as_ref()).is_some() && filter(spec, Rows::Totals).is_some()
}

/// The sum of `spec`'s detail flows, when the period totals or the rollup
/// hold it.
pub async fn total(db: &impl ConnectionTrait, spec: &FlowSpec) -> StoreResult<Option<Option<f64>>> {
    let spec = FlowSpec {
        detail_only: true,
        ..spec.clone()
    };
    if let Some(statement) = totals_select(db, &spec, "SUM(value) AS v") {
        let row = SumRow::find_by_statement(statement).one(db).await?;
        return Ok(Some(row.and_then(|r| r.v)));
    }
    let (Some(scope), Some(rows)) = (scope(spec.region.as_ref()), filter(&spec, Rows::Totals))
    else {
        return Ok(None);
    };
    let mut q = select();
    q.expr_as(col("value").sum(), Alias::new("v"))
        .cond_where(rows)
        .and_where(col("scope_code").eq(scope));
    let row = SumRow::find_by_statement(db.get_database_backend().build(&q))
        .one(db)
        .await?;
    Ok(Some(row.and_then(|r| r.v)))
}

/// The number of flows matching `spec`, when the period totals or the
/// rollup hold it.
pub async fn count(db: &impl ConnectionTrait, spec: &FlowSpec) -> StoreResult<Option<u64>> {
    if let Some(statement) = totals_select(db, spec, "CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n") {
        let row = CountRow::find_by_statement(statement).one(db).await?;
        return Ok(Some(row.map_or(0, |r| u64::try_from(r.n).unwrap_or(0))));
    }
    let (Some(scope), Some(rows)) = (scope(spec.region.as_ref()), filter(spec, Rows::Totals))
    else {
        return Ok(None);
    };
    let mut q = select();
    q.expr_as(
        Expr::cust("CAST(COALESCE(SUM(n), 0) AS BIGINT)"),
        Alias::new("n"),
    )
    .cond_where(rows)
    .and_where(col("scope_code").eq(scope));
    let row = CountRow::find_by_statement(db.get_database_backend().build(&q))
        .one(db)
        .await?;
    Ok(Some(row.map_or(0, |r| u64::try_from(r.n).unwrap_or(0))))
}

/// The parent key and a select over the all-products rows of `spec` for
/// these region parents, when the rollup holds them.
fn per_parent_totals(parents: &Parents, spec: &FlowSpec) -> Option<(Expr, SelectStatement)> {
    let (key, scopes) = parents_scope(parents, spec)?;
    let mut q = select();
    q.cond_where(filter(spec, Rows::Totals)?).cond_where(scopes);
    Some((Expr::cust(key), q))
}

/// [`count`] for each region parent (the country or states), in one statement.
pub async fn counts_by_parent(
    db: &impl ConnectionTrait,
    parents: &Parents,
    spec: &FlowSpec,
) -> StoreResult<Option<HashMap<String, u64>>> {
    let Some((key, mut q)) = per_parent_totals(parents, spec) else {
        return Ok(None);
    };
    q.expr_as(key.clone(), Alias::new("parent_key"))
        .expr_as(Expr::cust("CAST(SUM(n) AS BIGINT)"), Alias::new("n"))
        .add_group_by([key]);
    let rows = ParentCountRow::find_by_statement(db.get_database_backend().build(&q))
        .all(db)
        .await?;
    Ok(Some(
        rows.into_iter()
            .map(|r| (r.parent_key, u64::try_from(r.n).unwrap_or(0)))
            .collect(),
    ))
}

/// Exports and imports of the country or of states over each of `years`
/// (calendar years; `spec`'s own period is not read), keyed by year and
/// scope code, in one statement, when the rollup holds them: a balance and
/// its growth against the year before read both years at once.
pub async fn region_totals(
    db: &impl ConnectionTrait,
    parents: &Parents,
    spec: &FlowSpec,
    years: &[i32],
) -> StoreResult<Option<HashMap<(i32, String), Totals>>> {
    let (Some((key, scopes)), Some(rows)) = (
        parents_scope(parents, spec),
        filter_aside_year(spec, Rows::Totals),
    ) else {
        return Ok(None);
    };
    let mut q = select();
    q.cond_where(rows)
        .cond_where(scopes)
        .and_where(col("year").is_in(years.iter().copied()))
        .expr_as(Expr::cust(key.clone()), Alias::new("k"))
        .column(Alias::new("year"))
        .column(Alias::new("direction"))
        .expr_as(col("value").sum(), Alias::new("v"))
        .add_group_by([Expr::cust(key), col("year"), col("direction")]);
    let rows = YearKeyDirectionSum::find_by_statement(db.get_database_backend().build(&q))
        .all(db)
        .await?;
    let mut out: HashMap<(i32, String), Totals> = HashMap::new();
    for r in rows {
        out.entry((r.year, r.k)).or_default().set(&r.direction, r.v);
    }
    Ok(Some(out))
}

/// Exports and imports of the country or of states over `spec`'s period
/// (any run of months), keyed by scope code, from the period totals in one
/// statement; `None` for other parents, or a `spec` the totals cannot
/// answer.
pub async fn region_period_totals(
    db: &impl ConnectionTrait,
    parents: &Parents,
    spec: &FlowSpec,
) -> StoreResult<Option<HashMap<String, Totals>>> {
    let scopes: Vec<&str> = match parents {
        Parents::Regions(RegionLevel::Country, _) => vec![COUNTRY_SCOPE],
        Parents::Regions(RegionLevel::State | RegionLevel::Municipality, codes) => {
            codes.iter().map(String::as_str).collect()
        }
        _ => return Ok(None),
    };
    let mut sql = SqlText::new(db.get_database_backend());
    let Some((_, filters)) = totals_filters(&mut sql, spec) else {
        return Ok(None);
    };
    sql.push("SELECT scope_code AS k, direction, SUM(value) AS v FROM ")
        .push(TOTALS_TABLE)
        .push(" WHERE scope_code IN (")
        .list(scopes, |sql, scope| {
            sql.value(scope);
        })
        .push(")")
        .push(&filters)
        .push(" GROUP BY scope_code, direction");
    let rows = KeyDirectionSum::find_by_statement(sql.into_statement())
        .all(db)
        .await?;
    Ok(Some(Totals::by_key(rows)))
}

#[derive(Debug, FromQueryResult)]
struct YearKeyDirectionSum {
    k: String,
    year: i32,
    direction: String,
    v: Option<f64>,
}

/// The `first` largest groups of `spec`'s detail flows with the total of
/// every group, when the rollup holds them.
pub(super) async fn top(
    db: &impl ConnectionTrait,
    spec: &FlowSpec,
    group: GroupBy,
    first: u64,
) -> StoreResult<Option<Vec<GroupRow>>> {
    let spec = FlowSpec {
        detail_only: true,
        ..spec.clone()
    };
    let (Some(scope), Some((key, rows))) = (scope(spec.region.as_ref()), group_key(group, &spec))
    else {
        return Ok(None);
    };
    let mut q = select();
    q.expr_as(key.clone(), Alias::new("k"))
        .expr_as(col("value").sum(), Alias::new("v"))
        .expr_as(Expr::cust("SUM(SUM(value)) OVER ()"), Alias::new("whole"))
        .cond_where(rows)
        .add_group_by([key])
        .order_by(Alias::new("v"), Order::Desc)
        .order_by(Alias::new("k"), Order::Asc)
        .limit(first);
    if !matches!(group, GroupBy::Region(_)) {
        q.and_where(col("scope_code").eq(scope));
    }
    Ok(Some(
        GroupRow::find_by_statement(db.get_database_backend().build(&q))
            .all(db)
            .await?,
    ))
}

/// [`top`] for each region parent (the country or states), in one statement.
pub(super) async fn top_by_parent(
    db: &impl ConnectionTrait,
    parents: &Parents,
    spec: &FlowSpec,
    group: GroupBy,
    first: u64,
) -> StoreResult<Option<Vec<ParentGroupRow>>> {
    if matches!(group, GroupBy::Region(_)) {
        return Ok(None);
    }
    let spec = FlowSpec {
        detail_only: true,
        ..spec.clone()
    };
    let (Some((parent, scopes)), Some((key, rows))) =
        (parents_scope(parents, &spec), group_key(group, &spec))
    else {
        return Ok(None);
    };
    let window = format!("SUM(SUM(value)) OVER (PARTITION BY {parent})");
    let parent = Expr::cust(parent);
    let mut grouped = select();
    grouped
        .expr_as(parent.clone(), Alias::new("parent_key"))
        .expr_as(key.clone(), Alias::new("k"))
        .expr_as(col("value").sum(), Alias::new("v"))
        .expr_as(Expr::cust(window), Alias::new("whole"))
        .cond_where(rows)
        .cond_where(scopes)
        .add_group_by([parent, key]);
    let outer = first_per_parent(grouped, first);
    Ok(Some(
        ParentGroupRow::find_by_statement(db.get_database_backend().build(&outer))
            .all(db)
            .await?,
    ))
}

/// The years and states that written flows touch: the rollup and totals
/// rows to refresh, inside the transaction that wrote them.
#[derive(Default)]
pub struct Touched {
    /// Years the yearly rollup holds the flows in.
    years: std::collections::BTreeSet<i32>,
    /// Years the flows start in, under which the totals hold them.
    start_years: std::collections::BTreeSet<i32>,
    states: std::collections::BTreeSet<String>,
}

impl Touched {
    /// A flow by its period keys (`YYYYMM`) and region code. Flows across a
    /// new year are in no yearly row, so they add no year to the rollup's.
    pub fn add(&mut self, period_start: i32, period_end: i32, region_code: &str) {
        if period_start / 100 == period_end / 100 {
            self.years.insert(period_start / 100);
        }
        self.start_years.insert(period_start / 100);
        self.states
            .insert(region_code.get(..2).unwrap_or(region_code).to_owned());
    }

    pub async fn refresh<C: sea_orm::ConnectionTrait>(&self, db: &C) -> StoreResult<()> {
        if self.start_years.is_empty() {
            return Ok(());
        }
        let years: Vec<i32> = self.years.iter().copied().collect();
        let start_years: Vec<i32> = self.start_years.iter().copied().collect();
        let states: Vec<String> = self.states.iter().cloned().collect();
        if db.get_database_backend() == sea_orm::DbBackend::Postgres {
            // Room to group a year's flows in a hash table instead of
            // sorting them on disk, for this transaction only.
            db.execute_unprepared("SET LOCAL work_mem = '256MB'")
                .await?;
        }
        let started = std::time::Instant::now();
        migration::rollup::refresh(db, Some(&years), Some(&states)).await?;
        migration::rollup::refresh_totals(db, Some(&start_years), Some(&states)).await?;
        tracing::info!(
            years = start_years.len(),
            states = states.len(),
            seconds = started.elapsed().as_secs_f64(),
            "yearly rollup and period totals refreshed"
        );
        Ok(())
    }
}
