//! Derived figures: totals, balance, growth and rankings. Computed in SQL by
//! the store; these types only present them.

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, SimpleObject};
use tradegraph_domain::{Currency, Direction, Period, RegionLevel};

use super::error::{ApiError, ApiResult};
use super::loaders::{TotalsKey, TotalsLoader};
use super::partner::Partner;
use super::product::Product;
use super::region::Region;
use crate::store::aggregates::{Ranked, Totals};

/// Exports minus imports of a region over a period.
#[derive(SimpleObject, Clone, Debug)]
pub struct Balance {
    pub period: String,
    pub currency: String,
    pub exports: Option<f64>,
    pub imports: Option<f64>,
    /// `exports − imports`; null unless both are recorded.
    pub balance: Option<f64>,
}

/// Year-over-year growth: a period against the same months a year earlier.
#[derive(SimpleObject, Clone, Debug)]
pub struct Growth {
    pub period: String,
    pub previous_period: String,
    pub current: Option<f64>,
    pub previous: Option<f64>,
    /// `current ÷ previous − 1` (0.092 is +9.2 %); null when it cannot be computed.
    pub rate: Option<f64>,
    /// The rate in percent.
    pub percent: Option<f64>,
    /// Why the rate is null, when it is.
    pub reason: Option<String>,
}

/// A product's place in a ranking.
#[derive(SimpleObject, Clone)]
pub struct RankedProduct {
    pub rank: u32,
    pub product: Option<Product>,
    pub code: String,
    pub value: f64,
    /// The fraction of the whole (every product, not just the top N): 0.25 is 25 %.
    pub share: f64,
}

/// A partner's place in a ranking.
#[derive(SimpleObject, Clone)]
pub struct RankedPartner {
    pub rank: u32,
    pub partner: Option<Partner>,
    pub iso3: String,
    pub value: f64,
    /// The fraction of the whole (every partner): 0.25 is 25 %.
    pub share: f64,
}

/// A region's place in a ranking.
#[derive(SimpleObject, Clone)]
pub struct RankedRegion {
    pub rank: u32,
    pub region: Option<Region>,
    pub code: String,
    pub value: f64,
    /// The fraction of the whole (every region at that level): 0.25 is 25 %.
    pub share: f64,
}

pub fn ranked_products(
    ctx: &Context<'_>,
    classification: tradegraph_domain::Classification,
    rows: Vec<Ranked>,
) -> Vec<RankedProduct> {
    let catalog = &super::state(ctx).catalog;
    rows.into_iter()
        .map(|r| RankedProduct {
            rank: r.rank,
            product: catalog
                .product(classification, &r.key)
                .cloned()
                .map(Product),
            code: r.key,
            value: r.value,
            share: r.share,
        })
        .collect()
}

pub fn ranked_partners(ctx: &Context<'_>, rows: Vec<Ranked>) -> Vec<RankedPartner> {
    let catalog = &super::state(ctx).catalog;
    rows.into_iter()
        .map(|r| RankedPartner {
            rank: r.rank,
            partner: catalog.partner(&r.key).cloned().map(Partner),
            iso3: r.key,
            value: r.value,
            share: r.share,
        })
        .collect()
}

pub fn ranked_regions(ctx: &Context<'_>, rows: Vec<Ranked>) -> Vec<RankedRegion> {
    let catalog = &super::state(ctx).catalog;
    rows.into_iter()
        .map(|r| RankedRegion {
            rank: r.rank,
            region: catalog.region(&r.key).cloned().map(Region),
            code: r.key,
            value: r.value,
            share: r.share,
        })
        .collect()
}

/// A region's totals for a period, through the batching loader.
pub async fn region_totals(
    ctx: &Context<'_>,
    level: RegionLevel,
    code: &str,
    period: Period,
    currency: Currency,
) -> ApiResult<Totals> {
    let key = TotalsKey {
        level,
        code: code.to_owned(),
        period,
        currency,
        source_id: None,
    };
    Ok(ctx
        .data_unchecked::<std::sync::Arc<DataLoader<TotalsLoader>>>()
        .load_one(key)
        .await
        .map_err(ApiError::from)?
        .unwrap_or_default())
}

pub fn pick(t: Totals, direction: Direction) -> Option<f64> {
    match direction {
        Direction::Export => t.export,
        Direction::Import => t.import,
    }
}

pub fn growth(
    direction: Direction,
    period: Period,
    previous: Period,
    current: Option<f64>,
    before: Option<f64>,
    what: &str,
) -> Growth {
    let noun = match direction {
        Direction::Export => "exports",
        Direction::Import => "imports",
    };
    let (rate, reason) = match (current, before) {
        (_, None) => (
            None,
            Some(format!("no {noun} of {what} are recorded for {previous}")),
        ),
        (None, _) => (
            None,
            Some(format!("no {noun} of {what} are recorded for {period}")),
        ),
        (Some(_), Some(0.0)) => (
            None,
            Some(format!("{noun} of {what} were zero in {previous}")),
        ),
        (Some(c), Some(b)) => (Some(c / b - 1.0), None),
    };
    Growth {
        period: period.to_string(),
        previous_period: previous.to_string(),
        current,
        previous: before,
        rate,
        percent: rate.map(|r| r * 100.0),
        reason,
    }
}

/// A parent's ranking, through the batching loader (one statement for all
/// the parents of a list that ask with the same arguments).
pub async fn ranked(
    ctx: &Context<'_>,
    parent: super::loaders::ParentKey,
    spec: crate::store::flows::FlowSpec,
    group: crate::store::aggregates::GroupBy,
    first: u64,
) -> ApiResult<Vec<Ranked>> {
    let key = super::loaders::TopKey {
        parent,
        spec: std::sync::Arc::new(spec),
        group,
        first,
    };
    let loaded = ctx
        .data_unchecked::<std::sync::Arc<DataLoader<super::loaders::TopLoader>>>()
        .load_one(key)
        .await
        .map_err(ApiError::from)?
        .unwrap_or_default();
    Ok(loaded.as_ref().clone())
}
