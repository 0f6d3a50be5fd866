//! `Flow`, its source, and flow connections (top-level and nested).

use std::sync::Arc;

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, ID, Object, SimpleObject};
use entity::flow;
use tradegraph_domain::{Period, YearMonth};

use super::connection::{PageInfo, flow_cursor, page_size, parse_flow_cursor};
use super::error::{ApiError, ApiResult};
use super::inputs::{Classification, Direction, FlowOrder};
use super::loaders::{FlowCountKey, FlowCountLoader, FlowPageKey, FlowPageLoader, ParentKey};
use super::node::global_id;
use super::partner::Partner;
use super::product::Product;
use super::region::Region;
use super::state;
use crate::store::catalog;
use crate::store::flows::{self, Cursor, FlowSpec, PageSpec};

/// One observed trade value: exports or imports of a region, with a partner
/// (or all partners, `WLD`) in a product (or all products, `TOTAL`) over a
/// period, in a currency, from a source.
#[derive(Clone, Debug)]
pub struct Flow(pub Arc<flow::Model>);

/// Where flows come from.
#[derive(SimpleObject, Clone, Debug)]
pub struct Source {
    /// Short code used in filters and CSV files, e.g. `datamexico`.
    pub code: String,
    pub name: String,
    pub publisher: String,
    pub url: Option<String>,
    pub licence: String,
    /// True for generated data that are not statistics.
    pub synthetic: bool,
}

impl From<&catalog::Source> for Source {
    fn from(s: &catalog::Source) -> Self {
        Self {
            code: s.code.clone(),
            name: s.name.clone(),
            publisher: s.publisher.clone(),
            url: s.url.clone(),
            licence: s.licence.clone(),
            synthetic: s.synthetic,
        }
    }
}

fn period_of(f: &flow::Model) -> Option<Period> {
    let start = YearMonth::from_key(f.period_start).ok()?;
    let end = YearMonth::from_key(f.period_end).ok()?;
    Period::new(start, end).ok()
}

#[Object]
impl Flow {
    pub async fn id(&self) -> ID {
        global_id("Flow", &self.0.id.to_string())
    }

    /// The period in its most compact form (`2024`, `2024-Q3`, `2024-10`, `2024-01/2024-10`).
    async fn period(&self) -> String {
        period_of(&self.0)
            .map(|p| p.to_string())
            .unwrap_or_default()
    }

    async fn direction(&self) -> Direction {
        if self.0.direction == "IMPORT" {
            Direction::Import
        } else {
            Direction::Export
        }
    }

    /// The value in `currency` units.
    async fn value(&self) -> f64 {
        self.0.value
    }

    async fn currency(&self) -> &str {
        &self.0.currency
    }

    async fn region(&self, ctx: &Context<'_>) -> Option<Region> {
        state(ctx)
            .catalog
            .region(&self.0.region_code)
            .cloned()
            .map(Region)
    }

    /// The partner country; `WLD` stands for all partners.
    async fn partner(&self, ctx: &Context<'_>) -> Option<Partner> {
        state(ctx)
            .catalog
            .partner(&self.0.partner_iso3)
            .cloned()
            .map(Partner)
    }

    /// The product; `TOTAL` stands for all products.
    async fn product(&self, ctx: &Context<'_>) -> Option<Product> {
        let class = self.0.classification.parse().ok()?;
        state(ctx)
            .catalog
            .product(class, &self.0.product_code)
            .cloned()
            .map(Product)
    }

    async fn classification(&self) -> Classification {
        if self.0.classification == "SCIAN" {
            Classification::Scian
        } else {
            Classification::Hs
        }
    }

    async fn source(&self, ctx: &Context<'_>) -> Option<Source> {
        state(ctx)
            .catalog
            .source_by_id(self.0.source_id)
            .map(|s| Source::from(s.as_ref()))
    }
}

/// An edge of a flow connection.
#[derive(SimpleObject, Clone)]
pub struct FlowEdge {
    pub cursor: String,
    pub node: Flow,
}

/// A page of flows.
pub struct FlowConnection {
    edges: Vec<FlowEdge>,
    page_info: PageInfo,
    spec: Arc<FlowSpec>,
    /// The parent a nested list belongs to: its count is batched with its siblings'.
    parent: Option<ParentKey>,
}

#[Object]
impl FlowConnection {
    async fn edges(&self) -> &[FlowEdge] {
        &self.edges
    }

    async fn nodes(&self) -> Vec<Flow> {
        self.edges.iter().map(|e| e.node.clone()).collect()
    }

    async fn page_info(&self) -> &PageInfo {
        &self.page_info
    }

    /// Flows matching the filter, over all pages (counted only when asked for).
    async fn total_count(&self, ctx: &Context<'_>) -> ApiResult<u64> {
        let db = &state(ctx).db;
        let Some(parent) = self.parent.clone() else {
            return Ok(flows::count(db, &self.spec).await.map_err(ApiError::from)?);
        };
        let key = FlowCountKey {
            parent,
            spec: self.spec.clone(),
        };
        let loader = ctx.data_unchecked::<Arc<DataLoader<FlowCountLoader>>>();
        Ok(loader
            .load_one(key)
            .await
            .map_err(ApiError::from)?
            .unwrap_or(0))
    }
}

impl FlowConnection {
    fn new(
        rows: Vec<flow::Model>,
        has_next: bool,
        page: &PageSpec,
        spec: Arc<FlowSpec>,
        parent: Option<ParentKey>,
    ) -> Self {
        let edges: Vec<FlowEdge> = rows
            .into_iter()
            .map(|f| FlowEdge {
                cursor: flow_cursor(Cursor::of(page.order, &f)),
                node: Flow(Arc::new(f)),
            })
            .collect();
        let page_info = PageInfo {
            has_next_page: has_next,
            has_previous_page: page.after.is_some(),
            start_cursor: edges.first().map(|e| e.cursor.clone()),
            end_cursor: edges.last().map(|e| e.cursor.clone()),
        };
        Self {
            edges,
            page_info,
            spec,
            parent,
        }
    }
}

/// Lists flows; under a parent, through the batching loader.
pub async fn connection(
    ctx: &Context<'_>,
    parent: Option<ParentKey>,
    spec: FlowSpec,
    order: Option<FlowOrder>,
    first: Option<i32>,
    after: Option<String>,
) -> ApiResult<FlowConnection> {
    let page = PageSpec {
        order: order.unwrap_or_default().into(),
        after: parse_flow_cursor(after.as_deref())?,
        first: page_size(first)?,
    };
    let spec = Arc::new(spec);
    let (rows, has_next) = match parent.clone() {
        Some(parent) => {
            let key = FlowPageKey {
                parent,
                spec: spec.clone(),
                page: Arc::new(page.clone()),
            };
            let loaded = ctx
                .data_unchecked::<Arc<DataLoader<FlowPageLoader>>>()
                .load_one(key)
                .await
                .map_err(ApiError::from)?
                .unwrap_or_default();
            (loaded.rows.clone(), loaded.has_next)
        }
        None => flows::page(&state(ctx).db, &spec, &page)
            .await
            .map_err(ApiError::from)?,
    };
    Ok(FlowConnection::new(rows, has_next, &page, spec, parent))
}
