//! Two flow indexes led by their most selective column, so that a bulk
//! import builds them faster, with the same entries and the same uses.
//!
//! Building an index is sorting its entries. PostgreSQL compares the first
//! column of two entries by an integer abbreviation of it first and looks
//! at the next columns only on a tie; both indexes led with a column that
//! ties on almost every pair (`classification`, nearly always `HS`;
//! `direction`, one of two values), so nearly every comparison went on to
//! the following columns. SQLite sorts its entries column by column too.
//!
//! - `ix_flows_product` now leads with the product code:
//!   `(product_code, classification, direction, period_start)`. A product,
//!   a chapter or a heading is still one range of the index (a range of
//!   codes, with the classification checked inside the index), and its
//!   repeated keys are still stored once.
//! - `ix_flows_direction_period` becomes `ix_flows_period_direction`,
//!   `(period_start, direction)`: a listing ordered by period still reads
//!   the index in order, and a period's flows of one direction are a range
//!   with the direction checked inside the index.
//!
//! Measured on the million flows of scale 1 (BENCHMARKS.md, eleventh
//! session), builds in a shuffled table: PostgreSQL 1.19–1.44 → 1.04–1.07 s
//! and 0.78 → 0.48 s; SQLite 1.17–1.39 → 0.92–0.99 s for the product index.
//! On a database that already holds flows, both indexes are rebuilt once.

use sea_orm_migration::prelude::*;

use crate::flow_indexes::{PRODUCT_THEN_CLASSIFICATION, drop_index, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

const PRODUCT: &str = "ix_flows_product";
const DIRECTION_PERIOD: &str = "ix_flows_direction_period";
const PERIOD_DIRECTION: &str = "ix_flows_period_direction";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on SQLite too, as migration 4.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use crate::flow_indexes::Flows::*;
        drop_index(m, PRODUCT).await?;
        m.create_index(index(PRODUCT, &PRODUCT_THEN_CLASSIFICATION))
            .await?;
        drop_index(m, DIRECTION_PERIOD).await?;
        m.create_index(index(PERIOD_DIRECTION, &[PeriodStart, Direction]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use crate::flow_indexes::Flows::*;
        drop_index(m, PRODUCT).await?;
        m.create_index(index(
            PRODUCT,
            &[Classification, ProductCode, Direction, PeriodStart],
        ))
        .await?;
        drop_index(m, PERIOD_DIRECTION).await?;
        m.create_index(index(DIRECTION_PERIOD, &[Direction, PeriodStart]))
            .await
    }
}
