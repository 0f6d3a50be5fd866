//! `Partner`: a trading-partner country.

use std::sync::Arc;

use async_graphql::{Context, ID, Object};

use super::error::ApiResult;
use super::flow::{self, FlowConnection};
use super::inputs::{Direction, FlowFilter, FlowOrder, RegionLevel, parse_currency, parse_period};
use super::loaders::ParentKey;
use super::node::global_id;
use super::region::top_size;
use super::state;
use super::stats::{self, RankedRegion};
use crate::store::aggregates::GroupBy;
use crate::store::catalog;
use crate::store::flows::FlowSpec;

#[derive(Clone, Debug)]
pub struct Partner(pub Arc<catalog::Partner>);

crate::offset_connection!(
    PartnerConnection,
    PartnerEdge,
    Partner,
    "A page of partners, by code."
);

/// A trading-partner country, keyed by ISO 3166-1 alpha-3 (`WLD` stands
/// for all partners together).
#[Object]
impl Partner {
    pub async fn id(&self) -> ID {
        global_id("Partner", &self.0.iso3)
    }

    async fn iso3(&self) -> &str {
        &self.0.iso3
    }

    async fn iso2(&self) -> Option<&str> {
        self.0.iso2.as_deref()
    }

    /// UN official English name.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }

    /// UN official Spanish name.
    async fn name_es(&self) -> &str {
        &self.0.name_es
    }

    /// Other names: short English, SAT's Spanish spelling, common forms (`EE.UU.`).
    async fn aliases(&self) -> &[String] {
        &self.0.aliases
    }

    /// Flows with this partner.
    #[graphql(complexity = "first.unwrap_or(50).max(1) as usize * child_complexity")]
    async fn flows(
        &self,
        ctx: &Context<'_>,
        filter: Option<FlowFilter>,
        order_by: Option<FlowOrder>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<FlowConnection> {
        let mut spec = filter.unwrap_or_default().to_spec(&state(ctx).catalog)?;
        spec.partner_iso3 = None;
        let parent = ParentKey::Partner(self.0.iso3.clone());
        flow::connection(ctx, Some(parent), spec, order_by, first, after).await
    }

    /// The regions trading most with this partner, rolled up to a level, with shares of the whole.
    async fn top_regions(
        &self,
        ctx: &Context<'_>,
        direction: Direction,
        period: String,
        #[graphql(default_with = "RegionLevel::State")] level: RegionLevel,
        #[graphql(default = 10)] first: i32,
        #[graphql(default = "USD")] currency: String,
    ) -> ApiResult<Vec<RankedRegion>> {
        let spec = FlowSpec {
            direction: Some(direction.into()),
            period: Some(parse_period("period", &period)?),
            currency: Some(parse_currency("currency", &currency)?),
            ..Default::default()
        };
        let parent = ParentKey::Partner(self.0.iso3.clone());
        let rows = stats::ranked(
            ctx,
            parent,
            spec,
            GroupBy::Region(level.into()),
            top_size(first)?,
        )
        .await?;
        Ok(stats::ranked_regions(ctx, rows))
    }
}
