//! `Region`: a node of the territorial hierarchy (nation > states > municipalities).

use std::sync::Arc;

use async_graphql::{Context, ID, Object};
use tradegraph_domain::Classification as DomainClassification;

use super::error::{ApiError, ApiResult};
use super::flow::{self, FlowConnection};
use super::inputs::{
    Classification, Direction, FlowFilter, FlowOrder, RegionLevel, parse_currency, parse_period,
};
use super::loaders::ParentKey;
use super::node::global_id;
use super::state;
use super::stats::{self, Balance, Growth, RankedPartner, RankedProduct};
use crate::store::aggregates::GroupBy;
use crate::store::catalog;
use crate::store::flows::FlowSpec;

#[derive(Clone, Debug)]
pub struct Region(pub Arc<catalog::Region>);

crate::offset_connection!(
    RegionConnection,
    RegionEdge,
    Region,
    "A page of regions, by code."
);

impl Region {
    /// This region as the parent of a batched nested list.
    fn parent_key(&self) -> ParentKey {
        ParentKey::Region(self.0.level, self.0.code.clone())
    }

    fn contains(&self, code: &str) -> bool {
        self.0.level == tradegraph_domain::RegionLevel::Country || code.starts_with(&self.0.code)
    }
}

// Resolver arguments are the API's arguments; their number is the contract's.
#[allow(clippy::too_many_arguments)]
/// A node of Mexico's territorial hierarchy, keyed by INEGI code: `00` the
/// nation, `02` Baja California, `02002` Mexicali.
#[Object]
impl Region {
    pub async fn id(&self) -> ID {
        global_id("Region", &self.0.code)
    }

    /// INEGI code.
    async fn code(&self) -> &str {
        &self.0.code
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn level(&self) -> RegionLevel {
        self.0.level.into()
    }

    /// ISO 3166-2 code for states (`MX-BCN`), ISO 3166-1 alpha-2 for the nation.
    async fn iso_code(&self) -> Option<&str> {
        self.0.iso_code.as_deref()
    }

    /// Other names and abbreviations the region goes by.
    async fn aliases(&self) -> &[String] {
        &self.0.aliases
    }

    /// Population at the 2020 census.
    async fn population(&self) -> Option<i64> {
        self.0.population
    }

    async fn parent(&self, ctx: &Context<'_>) -> Option<Region> {
        let code = self.0.parent_code.as_deref()?;
        state(ctx).catalog.region(code).cloned().map(Region)
    }

    /// The regions one level down, by code.
    async fn children(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<RegionConnection> {
        let children: Vec<_> = state(ctx)
            .catalog
            .region_children(&self.0.code)
            .cloned()
            .collect();
        Ok(RegionConnection::page(
            &children,
            first,
            after.as_deref(),
            Region,
        )?)
    }

    /// From the parent up to the nation.
    async fn ancestors(&self, ctx: &Context<'_>) -> Vec<Region> {
        state(ctx)
            .catalog
            .region_ancestors(&self.0.code)
            .into_iter()
            .map(Region)
            .collect()
    }

    /// Flows of this region and its whole subtree. A `regionCode` in the
    /// filter narrows to a descendant.
    #[graphql(complexity = "first.unwrap_or(50).max(1) as usize * child_complexity")]
    async fn flows(
        &self,
        ctx: &Context<'_>,
        filter: Option<FlowFilter>,
        order_by: Option<FlowOrder>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<FlowConnection> {
        let filter = filter.unwrap_or_default();
        let mut spec = filter.to_spec(&state(ctx).catalog)?;
        let parent = match spec.region.take() {
            Some(inner) if !self.contains(&inner.code) => {
                return Err(ApiError::bad_input(
                    "filter.regionCode",
                    "outside_region",
                    format!("region {} is not inside region {}", inner.code, self.0.code),
                )
                .into());
            }
            Some(inner) => ParentKey::Region(inner.level, inner.code),
            None => ParentKey::Region(self.0.level, self.0.code.clone()),
        };
        flow::connection(ctx, Some(parent), spec, order_by, first, after).await
    }

    /// Sum of the region's detail flows (named partner and product) over its
    /// subtree in the period and currency; null when none are recorded.
    async fn total(
        &self,
        ctx: &Context<'_>,
        direction: Direction,
        period: String,
        #[graphql(default = "USD")] currency: String,
    ) -> ApiResult<Option<f64>> {
        let period = parse_period("period", &period)?;
        let currency = parse_currency("currency", &currency)?;
        let totals =
            stats::region_totals(ctx, self.0.level, &self.0.code, period, currency).await?;
        Ok(stats::pick(totals, direction.into()))
    }

    /// Exports minus imports over the period.
    async fn balance(
        &self,
        ctx: &Context<'_>,
        period: String,
        #[graphql(default = "USD")] currency: String,
    ) -> ApiResult<Balance> {
        let p = parse_period("period", &period)?;
        let c = parse_currency("currency", &currency)?;
        let t = stats::region_totals(ctx, self.0.level, &self.0.code, p, c).await?;
        Ok(Balance {
            period: p.to_string(),
            currency: c.to_string(),
            exports: t.export,
            imports: t.import,
            balance: t.export.zip(t.import).map(|(e, i)| e - i),
        })
    }

    /// Growth against the same months a year earlier; says why when it cannot be computed.
    async fn growth(
        &self,
        ctx: &Context<'_>,
        direction: Direction,
        period: String,
        #[graphql(default = "USD")] currency: String,
    ) -> ApiResult<Growth> {
        let p = parse_period("period", &period)?;
        let c = parse_currency("currency", &currency)?;
        let previous = p
            .previous_year()
            .map_err(|e| ApiError::bad_input("period", "period", e.to_string()))?;
        let (now, before) = futures::try_join!(
            stats::region_totals(ctx, self.0.level, &self.0.code, p, c),
            stats::region_totals(ctx, self.0.level, &self.0.code, previous, c),
        )?;
        let d = direction.into();
        Ok(stats::growth(
            d,
            p,
            previous,
            stats::pick(now, d),
            stats::pick(before, d),
            &self.0.name,
        ))
    }

    /// The largest products, rolled up to an HS level (2, 4 or 6 digits), with shares of the whole.
    async fn top_products(
        &self,
        ctx: &Context<'_>,
        direction: Direction,
        period: String,
        #[graphql(default = 4)] level: i32,
        #[graphql(default = 10)] first: i32,
        #[graphql(default)] classification: Classification,
        #[graphql(default = "USD")] currency: String,
    ) -> ApiResult<Vec<RankedProduct>> {
        let spec = FlowSpec {
            direction: Some(direction.into()),
            period: Some(parse_period("period", &period)?),
            classification: Some(classification.into()),
            currency: Some(parse_currency("currency", &currency)?),
            ..Default::default()
        };
        let class: DomainClassification = classification.into();
        let group = GroupBy::Product(class, Some(hs_level(level)?));
        let rows = stats::ranked(ctx, self.parent_key(), spec, group, top_size(first)?).await?;
        Ok(stats::ranked_products(ctx, class, rows))
    }

    /// The largest partners, with shares of the whole.
    async fn top_partners(
        &self,
        ctx: &Context<'_>,
        direction: Direction,
        period: String,
        #[graphql(default = 10)] first: i32,
        #[graphql(default = "USD")] currency: String,
    ) -> ApiResult<Vec<RankedPartner>> {
        let spec = FlowSpec {
            direction: Some(direction.into()),
            period: Some(parse_period("period", &period)?),
            currency: Some(parse_currency("currency", &currency)?),
            ..Default::default()
        };
        let rows = stats::ranked(
            ctx,
            self.parent_key(),
            spec,
            GroupBy::Partner,
            top_size(first)?,
        )
        .await?;
        Ok(stats::ranked_partners(ctx, rows))
    }
}

pub fn hs_level(level: i32) -> Result<usize, ApiError> {
    match level {
        2 | 4 | 6 => Ok(level as usize),
        _ => Err(ApiError::bad_input(
            "level",
            "hs_level",
            format!("level must be 2, 4 or 6 (got {level})"),
        )),
    }
}

pub fn top_size(first: i32) -> Result<u64, ApiError> {
    if (1..=super::connection::MAX_PAGE).contains(&first) {
        Ok(first as u64)
    } else {
        Err(ApiError::bad_input(
            "first",
            "max_page_size",
            format!(
                "first must be between 1 and {} (got {first})",
                super::connection::MAX_PAGE
            ),
        ))
    }
}
