//! Schema migrations, one file per migration, applied in order by
//! `tradegraph migrate` (and on `serve` start-up).

pub use sea_orm_migration::prelude::*;

mod flow_indexes;
mod m20261122_000001_catalogues_and_flows;
mod m20261122_000002_audit;
mod m20261122_000003_rollup;
mod m20261203_000004_flow_key;
mod m20261203_000005_flow_totals;
mod m20261203_000006_municipal_totals;
mod m20261206_000007_index_order;
mod m20261206_000008_key_order;
mod m20261207_000009_clustered_sums;
pub mod rollup;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_catalogues_and_flows::Migration),
            Box::new(m20261122_000002_audit::Migration),
            Box::new(m20261122_000003_rollup::Migration),
            Box::new(m20261203_000004_flow_key::Migration),
            Box::new(m20261203_000005_flow_totals::Migration),
            Box::new(m20261203_000006_municipal_totals::Migration),
            Box::new(m20261206_000007_index_order::Migration),
            Box::new(m20261206_000008_key_order::Migration),
            Box::new(m20261207_000009_clustered_sums::Migration),
        ]
    }
}
