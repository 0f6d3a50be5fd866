//! Each scope's totals per stored period, all products together
//! ([`rollup::TOTALS_TABLE`], defined in [`crate::rollup`]): a country's or
//! a state's total over a quarter or a month, which the yearly rollup
//! cannot answer, becomes a read of a few rows instead of a sum over tens
//! of thousands of flows, and "is every month of this quarter covered" a
//! probe of the same rows. Filled from the flows already stored.

use sea_orm_migration::prelude::*;

use crate::rollup;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FlowTotals {
    Table,
    ScopeCode,
    PeriodStart,
    PeriodEnd,
    Direction,
    Classification,
    Currency,
    SourceId,
    Detail,
    Value,
    N,
}

/// The period totals table's definition; migration 9 builds it again from
/// this, without a rowid on SQLite.
pub(crate) fn table() -> TableCreateStatement {
    let text = |c: FlowTotals| ColumnDef::new(c).text().not_null().to_owned();
    let int = |c: FlowTotals| ColumnDef::new(c).integer().not_null().to_owned();
    Table::create()
        .table(FlowTotals::Table)
        .col(text(FlowTotals::ScopeCode))
        .col(int(FlowTotals::PeriodStart))
        .col(int(FlowTotals::PeriodEnd))
        .col(text(FlowTotals::Direction))
        .col(text(FlowTotals::Classification))
        .col(text(FlowTotals::Currency))
        .col(int(FlowTotals::SourceId))
        .col(int(FlowTotals::Detail))
        .col(ColumnDef::new(FlowTotals::Value).double().not_null())
        .col(ColumnDef::new(FlowTotals::N).big_integer().not_null())
        // Every read names the scope and the direction, then bounds the
        // start of the period.
        .primary_key(
            Index::create()
                .col(FlowTotals::ScopeCode)
                .col(FlowTotals::Direction)
                .col(FlowTotals::PeriodStart)
                .col(FlowTotals::PeriodEnd)
                .col(FlowTotals::Classification)
                .col(FlowTotals::Currency)
                .col(FlowTotals::SourceId)
                .col(FlowTotals::Detail),
        )
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on SQLite too, as migration 4: the table and the
    /// rows filled from the flows land together, on one connection.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table()).await?;
        rollup::refresh_totals(m.get_connection(), None, None).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(FlowTotals::Table).to_owned())
            .await
    }
}
