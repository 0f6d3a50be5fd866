//! The period totals of each municipality ([`rollup::TOTALS_TABLE`]): a
//! municipality's total over a run of months, and whether its months are
//! covered, become a read of a few rows instead of a sum over its flows
//! (1,551 of them for Mexicali's exports of ten months at scale 1, five
//! times as many at scale 5). The states' and the country's rows are
//! recomputed with them, from the flows already stored.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

use crate::rollup;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on SQLite too, as migration 5.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        rollup::refresh_totals(m.get_connection(), None, None).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "DELETE FROM {} WHERE LENGTH(scope_code) > 2",
                rollup::TOTALS_TABLE
            ),
        ))
        .await
        .map(|_| ())
    }
}
