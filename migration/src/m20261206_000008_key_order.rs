//! The unique flow key and the product index with their columns after the
//! ones queries range over reordered, most selective first, so that a bulk
//! import builds them faster, with the same entries and the same uses.
//!
//! Building an index sorts its entries, and two entries equal in their
//! first columns are told apart by the next ones. On PostgreSQL every
//! column after a text column is found by walking the entry from its start,
//! on each comparison; a column that almost never differs (the
//! classification, the end of the period, which follows from its start)
//! costs that walk and settles nothing.
//!
//! - `ux_flows_key`: `(partner_iso3, direction, period_start, region_code,
//!   product_code, period_end, classification, currency, source_id)`. It
//!   still leads with partner, direction and period start, so "a partner's
//!   flows in a period" is the same range of it; the region and the product
//!   now come before the end of the period and the classification. The key
//!   is the same set of columns, so uniqueness, `ON CONFLICT` and the
//!   duplicate probes are unchanged.
//! - `ix_flows_product`: `(product_code, direction, period_start,
//!   classification)`. A product's flows of one direction in a period are
//!   still one range; the classification, the same for almost every flow,
//!   is checked inside the index, as it already was for a range of codes
//!   (a chapter, a heading).
//!
//! Measured on the million flows of scale 1 in psql (one parallel worker,
//! `maintenance_work_mem` 256 MB, four interleaved rounds, BENCHMARKS.md):
//! the unique key 1.49–1.62 → 1.20–1.29 s, the product index 0.92–1.03 →
//! 0.80–0.88 s. On a database that already holds flows, both are rebuilt
//! once.

use sea_orm_migration::prelude::*;

use crate::flow_indexes::{Flows, PARTNER_LED_KEY, PRODUCT_THEN_CLASSIFICATION, drop_index, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

const KEY: &str = "ux_flows_key";
const PRODUCT: &str = "ix_flows_product";

/// Both indexes, the key's columns in `key` order and the product index's
/// in `product` order.
async fn rebuild(
    m: &SchemaManager<'_>,
    key: &[Flows; 9],
    product: &[Flows; 4],
) -> Result<(), DbErr> {
    drop_index(m, KEY).await?;
    m.create_index(index(KEY, key).unique().to_owned()).await?;
    drop_index(m, PRODUCT).await?;
    m.create_index(index(PRODUCT, product)).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on SQLite too, as migration 4.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Flows::*;
        rebuild(
            m,
            &[
                PartnerIso3,
                Direction,
                PeriodStart,
                RegionCode,
                ProductCode,
                PeriodEnd,
                Classification,
                Currency,
                SourceId,
            ],
            &[ProductCode, Direction, PeriodStart, Classification],
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        rebuild(m, &PARTNER_LED_KEY, &PRODUCT_THEN_CLASSIFICATION).await
    }
}
