//! The `flows` columns and index statements of the migrations that reshape
//! the flow indexes (4, 7 and 8).

use sea_orm_migration::prelude::*;

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Flows {
    Table,
    Id,
    Value,
    RegionCode,
    Direction,
    PeriodStart,
    PeriodEnd,
    PartnerIso3,
    Classification,
    ProductCode,
    Currency,
    SourceId,
}

/// The unique flow key's columns as migration 4 orders them, led by the
/// partner; migration 8 reorders the later ones, and its `down` comes back
/// to these.
pub(crate) const PARTNER_LED_KEY: [Flows; 9] = [
    Flows::PartnerIso3,
    Flows::Direction,
    Flows::PeriodStart,
    Flows::PeriodEnd,
    Flows::RegionCode,
    Flows::Classification,
    Flows::ProductCode,
    Flows::Currency,
    Flows::SourceId,
];

/// `ix_flows_product`'s columns as migration 7 orders them, the
/// classification second; migration 8 moves it last, and its `down` comes
/// back to these.
pub(crate) const PRODUCT_THEN_CLASSIFICATION: [Flows; 4] = [
    Flows::ProductCode,
    Flows::Classification,
    Flows::Direction,
    Flows::PeriodStart,
];

/// An index of `flows` named `name` over `columns`, in order.
pub(crate) fn index(name: &str, columns: &[Flows]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(Flows::Table);
    for &column in columns {
        index.col(column);
    }
    index
}

pub(crate) async fn drop_index(m: &SchemaManager<'_>, name: &str) -> Result<(), DbErr> {
    m.drop_index(Index::drop().name(name).table(Flows::Table).to_owned())
        .await
}
