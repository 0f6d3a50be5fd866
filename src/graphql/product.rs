//! `Product`: a node of a product classification.

use std::sync::Arc;

use async_graphql::{Context, ID, Object};

use super::error::{ApiError, ApiResult};
use super::flow::{self, FlowConnection};
use super::inputs::{
    Classification, Direction, FlowFilter, FlowOrder, RegionLevel, parse_currency, parse_period,
    product_scope,
};
use super::loaders::ParentKey;
use super::node::global_id;
use super::region::top_size;
use super::state;
use super::stats::{self, RankedPartner, RankedRegion};
use crate::store::aggregates::{self, GroupBy};
use crate::store::catalog;
use crate::store::flows::{FlowSpec, ProductScope};

#[derive(Clone, Debug)]
pub struct Product(pub Arc<catalog::Product>);

crate::offset_connection!(
    ProductConnection,
    ProductEdge,
    Product,
    "A page of products, by code."
);

impl Product {
    /// The filters of this product's figures, but the product itself: its
    /// scope is added by [`Product::scope`] where a statement of its own
    /// reads it, and left to the batched loads for HS codes.
    fn spec(&self, direction: Direction, period: &str, currency: &str) -> ApiResult<FlowSpec> {
        Ok(FlowSpec {
            direction: Some(direction.into()),
            period: Some(parse_period("period", period)?),
            currency: Some(parse_currency("currency", currency)?),
            ..Default::default()
        })
    }

    /// This product and its subtree's catalogue codes.
    fn scope(&self, ctx: &Context<'_>) -> Result<ProductScope, ApiError> {
        product_scope(
            &state(ctx).catalog,
            "code",
            self.0.classification,
            &self.0.code,
        )
    }

    /// An HS code: its flows and rankings are loaded with its siblings',
    /// its subtree a prefix per parent.
    fn batched(&self) -> bool {
        self.0.classification == tradegraph_domain::Classification::Hs
            && self.0.code.bytes().all(|b| b.is_ascii_digit())
    }

    /// A ranking over this product's flows: batched with its siblings' for
    /// HS codes, one statement of its own otherwise.
    async fn ranked(
        &self,
        ctx: &Context<'_>,
        mut spec: FlowSpec,
        group: GroupBy,
        first: u64,
    ) -> ApiResult<Vec<crate::store::aggregates::Ranked>> {
        if self.batched() {
            return stats::ranked(
                ctx,
                ParentKey::HsProduct(self.0.code.clone()),
                spec,
                group,
                first,
            )
            .await;
        }
        spec.product = Some(self.scope(ctx)?);
        Ok(aggregates::top(&state(ctx).db, &spec, group, first)
            .await
            .map_err(ApiError::from)?)
    }
}

/// A node of a product classification: HS chapter `85` > heading `8542` >
/// subheading `854231`, or a SCIAN sector such as `31-33`. `TOTAL` stands
/// for all products.
#[Object]
impl Product {
    pub async fn id(&self) -> ID {
        global_id(
            "Product",
            &format!("{}:{}", self.0.classification, self.0.code),
        )
    }

    async fn classification(&self) -> Classification {
        self.0.classification.into()
    }

    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Digits of the HS code (2 chapter, 4 heading, 6 subheading); 2 for SCIAN sectors; 0 for TOTAL.
    async fn level(&self) -> i32 {
        self.0.level
    }

    async fn description_en(&self) -> &str {
        &self.0.description_en
    }

    /// Spanish description (TIGIE text; may be missing for codes new in HS 2017/2022).
    async fn description_es(&self) -> Option<&str> {
        self.0.description_es.as_deref()
    }

    /// HS section (Roman numeral).
    async fn section(&self) -> Option<&str> {
        self.0.section.as_deref()
    }

    async fn parent(&self, ctx: &Context<'_>) -> Option<Product> {
        let code = self.0.parent_code.as_deref()?;
        state(ctx)
            .catalog
            .product(self.0.classification, code)
            .cloned()
            .map(Product)
    }

    /// The codes one level down.
    async fn children(&self, ctx: &Context<'_>) -> Vec<Product> {
        state(ctx)
            .catalog
            .product_children(self.0.classification, &self.0.code)
            .cloned()
            .map(Product)
            .collect()
    }

    /// Flows of this product and its subtree.
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
        spec.classification = None;
        if self.batched() {
            spec.product = None;
            flow::connection(
                ctx,
                Some(ParentKey::HsProduct(self.0.code.clone())),
                spec,
                order_by,
                first,
                after,
            )
            .await
        } else {
            spec.product = Some(self.scope(ctx)?);
            flow::connection(ctx, None, spec, order_by, first, after).await
        }
    }

    /// The regions trading most of this product, rolled up to a level, with shares of the whole.
    async fn top_regions(
        &self,
        ctx: &Context<'_>,
        direction: Direction,
        period: String,
        #[graphql(default_with = "RegionLevel::State")] level: RegionLevel,
        #[graphql(default = 10)] first: i32,
        #[graphql(default = "USD")] currency: String,
    ) -> ApiResult<Vec<RankedRegion>> {
        let spec = self.spec(direction, &period, &currency)?;
        let rows = self
            .ranked(ctx, spec, GroupBy::Region(level.into()), top_size(first)?)
            .await?;
        Ok(stats::ranked_regions(ctx, rows))
    }

    /// The partners trading most of this product, with shares of the whole.
    async fn top_partners(
        &self,
        ctx: &Context<'_>,
        direction: Direction,
        period: String,
        #[graphql(default = 10)] first: i32,
        #[graphql(default = "USD")] currency: String,
    ) -> ApiResult<Vec<RankedPartner>> {
        let spec = self.spec(direction, &period, &currency)?;
        let rows = self
            .ranked(ctx, spec, GroupBy::Partner, top_size(first)?)
            .await?;
        Ok(stats::ranked_partners(ctx, rows))
    }

    /// Sum of this product's detail flows over the period; null when none are recorded.
    async fn total(
        &self,
        ctx: &Context<'_>,
        direction: Direction,
        period: String,
        #[graphql(default = "USD")] currency: String,
    ) -> ApiResult<Option<f64>> {
        let mut spec = self.spec(direction, &period, &currency)?;
        spec.product = Some(self.scope(ctx)?);
        Ok(aggregates::total(&state(ctx).db, &spec)
            .await
            .map_err(ApiError::from)?)
    }
}
