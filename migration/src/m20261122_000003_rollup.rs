//! The yearly rollup (see [`crate::rollup`]) and the index that answers "a
//! region's largest flows of one month and direction" by reading only the
//! rows it returns.

use sea_orm_migration::prelude::*;

use crate::rollup;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FlowRollup {
    Table,
    ScopeCode,
    Year,
    Direction,
    Classification,
    ProductKey,
    Currency,
    SourceId,
    Detail,
    Value,
    N,
}

#[derive(DeriveIden)]
enum Flows {
    Table,
    Id,
    RegionCode,
    Direction,
    PeriodStart,
    Value,
}

const RANK_INDEX: &str = "ix_flows_region_value";

/// The rollup table's definition; migration 9 builds it again from this,
/// without a rowid on SQLite.
pub(crate) fn table() -> TableCreateStatement {
    let text = |c: FlowRollup| ColumnDef::new(c).text().not_null().to_owned();
    Table::create()
        .table(FlowRollup::Table)
        .col(text(FlowRollup::ScopeCode))
        .col(ColumnDef::new(FlowRollup::Year).integer().not_null())
        .col(text(FlowRollup::Direction))
        .col(text(FlowRollup::Classification))
        .col(text(FlowRollup::ProductKey))
        .col(text(FlowRollup::Currency))
        .col(ColumnDef::new(FlowRollup::SourceId).integer().not_null())
        .col(ColumnDef::new(FlowRollup::Detail).integer().not_null())
        .col(ColumnDef::new(FlowRollup::Value).double().not_null())
        .col(ColumnDef::new(FlowRollup::N).big_integer().not_null())
        // Scope, year and direction first: every read names them; the
        // product key next, for HS prefix ranges.
        .primary_key(
            Index::create()
                .col(FlowRollup::ScopeCode)
                .col(FlowRollup::Year)
                .col(FlowRollup::Direction)
                .col(FlowRollup::ProductKey)
                .col(FlowRollup::Classification)
                .col(FlowRollup::Currency)
                .col(FlowRollup::SourceId)
                .col(FlowRollup::Detail),
        )
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table()).await?;
        rollup::refresh(m.get_connection(), None, None).await?;
        // Walked backwards per (region, direction, month), it yields flows
        // largest first and stops after the page.
        m.create_index(
            Index::create()
                .name(RANK_INDEX)
                .table(Flows::Table)
                .col(Flows::RegionCode)
                .col(Flows::Direction)
                .col(Flows::PeriodStart)
                .col(Flows::Value)
                .col(Flows::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name(RANK_INDEX)
                .table(Flows::Table)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(FlowRollup::Table).to_owned())
            .await
    }
}
