//! The root query: look-ups by key, filtered lists, flows and `node`.

use async_graphql::{Context, ID, InputObject, Object};
use tradegraph_domain::text::fold;

use super::error::{ApiError, ApiResult};
use super::flow::{self, Flow, FlowConnection, Source};
use super::inputs::{Classification, FlowFilter, FlowOrder, RegionLevel};
use super::node::{Node, parse_global_id};
use super::partner::{Partner, PartnerConnection};
use super::product::{Product, ProductConnection};
use super::region::{Region, RegionConnection};
use super::state;
use crate::store::flows as store_flows;

#[derive(Default)]
pub struct Query;

/// Best matches first; within a rank, catalogue (code) order.
fn by_relevance<T>(mut ranked: Vec<(u8, T)>) -> Vec<T> {
    ranked.sort_by_key(|(rank, _)| *rank);
    ranked.into_iter().map(|(_, item)| item).collect()
}

/// Which regions to list.
#[derive(InputObject, Default)]
pub struct RegionFilter {
    pub level: Option<RegionLevel>,
    /// Only the children of this region.
    pub parent_code: Option<String>,
    /// Case- and accent-insensitive match on names and aliases.
    pub search: Option<String>,
}

/// Which partners to list.
#[derive(InputObject, Default)]
pub struct PartnerFilter {
    /// Case- and accent-insensitive match on names, codes and aliases.
    pub search: Option<String>,
}

/// Which products to list.
#[derive(InputObject, Default)]
pub struct ProductFilter {
    #[graphql(default)]
    pub classification: Classification,
    /// Number of digits: 2, 4 or 6 for HS.
    pub level: Option<i32>,
    /// Only the children of this code.
    pub parent_code: Option<String>,
    /// Case- and accent-insensitive match on codes and descriptions (English and Spanish).
    pub search: Option<String>,
}

#[Object]
impl Query {
    /// A region by INEGI code (`00`, `02`, `02002`) or ISO 3166-2 code (`MX-BCN`).
    async fn region(&self, ctx: &Context<'_>, code: String) -> Option<Region> {
        state(ctx).catalog.region(code.trim()).cloned().map(Region)
    }

    /// Regions, by code.
    async fn regions(
        &self,
        ctx: &Context<'_>,
        filter: Option<RegionFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<RegionConnection> {
        let f = filter.unwrap_or_default();
        let needle = f.search.as_deref().map(fold).unwrap_or_default();
        let level = f.level.map(tradegraph_domain::RegionLevel::from);
        let catalog = &state(ctx).catalog;
        let items: Vec<_> = catalog
            .regions()
            .iter()
            .filter(|r| level.is_none_or(|l| r.level == l))
            .filter(|r| {
                f.parent_code
                    .as_deref()
                    .is_none_or(|p| r.parent_code.as_deref() == Some(p))
            })
            .filter_map(|r| r.search_rank(&needle).map(|rank| (rank, r.clone())))
            .collect();
        Ok(RegionConnection::page(
            &by_relevance(items),
            first,
            after.as_deref(),
            Region,
        )?)
    }

    /// A partner by ISO 3166-1 alpha-3 code (`USA`; `WLD` for all partners).
    async fn partner(&self, ctx: &Context<'_>, iso3: String) -> Option<Partner> {
        state(ctx)
            .catalog
            .partner(iso3.trim())
            .cloned()
            .map(Partner)
    }

    /// Partners, by ISO3 code.
    async fn partners(
        &self,
        ctx: &Context<'_>,
        filter: Option<PartnerFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<PartnerConnection> {
        let needle = filter
            .and_then(|f| f.search)
            .as_deref()
            .map(fold)
            .unwrap_or_default();
        let items: Vec<_> = state(ctx)
            .catalog
            .partners()
            .iter()
            .filter_map(|p| p.search_rank(&needle).map(|rank| (rank, p.clone())))
            .collect();
        Ok(PartnerConnection::page(
            &by_relevance(items),
            first,
            after.as_deref(),
            Partner,
        )?)
    }

    /// A product by code in a classification (HS by default).
    async fn product(
        &self,
        ctx: &Context<'_>,
        code: String,
        #[graphql(default)] classification: Classification,
    ) -> Option<Product> {
        state(ctx)
            .catalog
            .product(classification.into(), code.trim())
            .cloned()
            .map(Product)
    }

    /// Products of a classification, by code.
    async fn products(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProductFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<ProductConnection> {
        let f = filter.unwrap_or_default();
        let class: tradegraph_domain::Classification = f.classification.into();
        let needle = f.search.as_deref().map(fold).unwrap_or_default();
        let items: Vec<_> = state(ctx)
            .catalog
            .products()
            .iter()
            .filter(|p| p.classification == class)
            .filter(|p| f.level.is_none_or(|l| p.level == l))
            .filter(|p| {
                f.parent_code
                    .as_deref()
                    .is_none_or(|c| p.parent_code.as_deref() == Some(c))
            })
            .filter_map(|p| p.search_rank(&needle).map(|rank| (rank, p.clone())))
            .collect();
        Ok(ProductConnection::page(
            &by_relevance(items),
            first,
            after.as_deref(),
            Product,
        )?)
    }

    /// Flows matching a filter, in an order, a page at a time (default 50, at most 500).
    #[graphql(complexity = "first.unwrap_or(50).max(1) as usize * child_complexity")]
    async fn flows(
        &self,
        ctx: &Context<'_>,
        filter: Option<FlowFilter>,
        order_by: Option<FlowOrder>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<FlowConnection> {
        let spec = filter.unwrap_or_default().to_spec(&state(ctx).catalog)?;
        flow::connection(ctx, None, spec, order_by, first, after).await
    }

    /// Any object by its global id.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Node>> {
        let (kind, key) = parse_global_id(&id)?;
        let s = state(ctx);
        Ok(match kind.as_str() {
            "Region" => s
                .catalog
                .region(&key)
                .cloned()
                .map(|r| Node::Region(Region(r))),
            "Partner" => s
                .catalog
                .partner(&key)
                .cloned()
                .map(|p| Node::Partner(Partner(p))),
            "Product" => {
                let (class, code) = key.split_once(':').unwrap_or(("HS", key.as_str()));
                let class = class.parse().map_err(|_| {
                    ApiError::bad_input("id", "global_id", "unknown classification")
                })?;
                s.catalog
                    .product(class, code)
                    .cloned()
                    .map(|p| Node::Product(Product(p)))
            }
            "Flow" => {
                let id: i64 = key
                    .parse()
                    .map_err(|_| ApiError::bad_input("id", "global_id", "malformed flow id"))?;
                store_flows::by_id(&s.db, id)
                    .await
                    .map_err(ApiError::from)?
                    .map(|f| Node::Flow(Flow(std::sync::Arc::new(f))))
            }
            _ => {
                return Err(ApiError::bad_input(
                    "id",
                    "global_id",
                    format!("unknown type `{kind}`"),
                )
                .into());
            }
        })
    }

    /// Where flows come from.
    async fn sources(&self, ctx: &Context<'_>) -> Vec<Source> {
        state(ctx)
            .catalog
            .sources()
            .iter()
            .map(|s| Source::from(s.as_ref()))
            .collect()
    }
}
