//! One index fewer on `flows`, and its codes compared as bytes on
//! PostgreSQL: what a bulk import spends most of its time on is building
//! the flow indexes, and every write maintains them.
//!
//! - The unique flow key now leads with the partner (partner, direction,
//!   start of the period), so it also answers "a partner's flows in a
//!   period", and `ix_flows_partner`, which did only that, is dropped. A
//!   region's flows in a period are read through `ix_flows_region_value`,
//!   which leads with the same columns the old key led with; on PostgreSQL
//!   it also carries (`INCLUDE`) the columns a detail filter reads (end of
//!   the period, partner, product, currency), so that "does this region
//!   have flows in this month" stays an index-only probe, as it was on the
//!   old key.
//! - `ix_flows_product` stays as it was: a product range (a chapter, a
//!   heading) is not one range of a unique key led by the product, and
//!   scanning it there took twice as long as in the narrow index, whose
//!   repeated keys PostgreSQL stores once.
//! - On PostgreSQL the code columns (direction, region, partner,
//!   classification, product, currency, and the catalogues' codes they
//!   join to) take the `C` collation: they hold ASCII codes (digits and
//!   capitals), which the usual collations already sort byte by byte, as
//!   SQLite and Rust do; comparing them is now a byte comparison instead
//!   of a locale call.
//!
//! On a database that already holds flows, the indexes are rebuilt once.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::flow_indexes::{Flows, PARTNER_LED_KEY, drop_index, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

const KEY: &str = "ux_flows_key";
const PARTNER: &str = "ix_flows_partner";
const RANK: &str = "ix_flows_region_value";

/// The code columns whose collation changes on PostgreSQL: the flows'
/// and the catalogues' they join to, so that a join of the two still
/// compares in one collation and can use the catalogues' keys.
const CODES: [(&str, &[&str]); 4] = [
    (
        "flows",
        &[
            "direction",
            "region_code",
            "partner_iso3",
            "classification",
            "product_code",
            "currency",
        ],
    ),
    ("regions", &["code", "parent_code"]),
    ("partners", &["iso3"]),
    ("products", &["classification", "code", "parent_code"]),
];

/// Gives every code column `collation`, one statement per table so that
/// the indexes over them are rebuilt once.
async fn collate_codes(m: &SchemaManager<'_>, collation: &str) -> Result<(), DbErr> {
    for (table, columns) in CODES {
        let columns: Vec<String> = columns
            .iter()
            .map(|c| format!("ALTER COLUMN {c} TYPE varchar COLLATE {collation}"))
            .collect();
        m.get_connection()
            .execute_unprepared(&format!("ALTER TABLE {table} {}", columns.join(", ")))
            .await?;
    }
    Ok(())
}

/// `ix_flows_region_value` as the rollup migration created it.
fn rank() -> IndexCreateStatement {
    use Flows::*;
    index(RANK, &[RegionCode, Direction, PeriodStart, Value, Id])
}

/// The unique flow key, its columns in `order`.
fn key(order: &[Flows; 9]) -> IndexCreateStatement {
    index(KEY, order).unique().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on SQLite too: there, a migration otherwise runs
    /// statement by statement on any connection of the pool, and one that
    /// has not seen the old key dropped refuses to create the new one
    /// ("index ux_flows_key already exists").
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_index(m, KEY).await?;
        drop_index(m, PARTNER).await?;
        if m.get_database_backend() == DbBackend::Postgres {
            drop_index(m, RANK).await?;
            collate_codes(m, "\"C\"").await?;
            m.create_index(
                rank()
                    .include(Flows::PeriodEnd)
                    .include(Flows::Currency)
                    .include(Flows::PartnerIso3)
                    .include(Flows::ProductCode)
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(key(&PARTNER_LED_KEY)).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_index(m, KEY).await?;
        if m.get_database_backend() == DbBackend::Postgres {
            drop_index(m, RANK).await?;
            collate_codes(m, "\"default\"").await?;
            m.create_index(rank()).await?;
        }
        use Flows::*;
        m.create_index(key(&[
            RegionCode,
            Direction,
            PeriodStart,
            PeriodEnd,
            PartnerIso3,
            Classification,
            ProductCode,
            Currency,
            SourceId,
        ]))
        .await?;
        m.create_index(index(PARTNER, &[PartnerIso3, Direction, PeriodStart]))
            .await
    }
}
