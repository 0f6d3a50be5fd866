//! The catalogues (regions, partners, products), flow sources, the flows
//! themselves, and a small key/value table for catalogue versioning.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Regions {
    Table,
    Code,
    Name,
    Level,
    ParentCode,
    IsoCode,
    Aliases,
    Population,
}

#[derive(DeriveIden)]
enum Partners {
    Table,
    Iso3,
    Iso2,
    IsoNumeric,
    NameEn,
    NameEs,
    Aliases,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Classification,
    Code,
    Level,
    ParentCode,
    DescriptionEn,
    DescriptionEs,
    Section,
}

#[derive(DeriveIden)]
enum Sources {
    Table,
    Id,
    Code,
    Name,
    Publisher,
    Url,
    Licence,
    Synthetic,
}

#[derive(DeriveIden)]
enum Flows {
    Table,
    Id,
    PeriodStart,
    PeriodEnd,
    Direction,
    RegionCode,
    PartnerIso3,
    Classification,
    ProductCode,
    Value,
    Currency,
    SourceId,
}

#[derive(DeriveIden)]
enum Meta {
    Table,
    Key,
    Value,
}

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string().not_null().to_owned()
}

fn text_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string().null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Regions::Table)
                .col(text(Regions::Code).primary_key())
                .col(text(Regions::Name))
                .col(text(Regions::Level))
                .col(text_null(Regions::ParentCode))
                .col(text_null(Regions::IsoCode))
                .col(text(Regions::Aliases))
                .col(ColumnDef::new(Regions::Population).big_integer().null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_regions_parent")
                .table(Regions::Table)
                .col(Regions::ParentCode)
                .col(Regions::Code)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Partners::Table)
                .col(text(Partners::Iso3).primary_key())
                .col(text_null(Partners::Iso2))
                .col(text_null(Partners::IsoNumeric))
                .col(text(Partners::NameEn))
                .col(text(Partners::NameEs))
                .col(text(Partners::Aliases))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Products::Table)
                .col(text(Products::Classification))
                .col(text(Products::Code))
                .col(ColumnDef::new(Products::Level).integer().not_null())
                .col(text_null(Products::ParentCode))
                .col(text(Products::DescriptionEn))
                .col(text_null(Products::DescriptionEs))
                .col(text_null(Products::Section))
                .primary_key(
                    Index::create()
                        .col(Products::Classification)
                        .col(Products::Code),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sources::Table)
                .col(
                    ColumnDef::new(Sources::Id)
                        .integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(text(Sources::Code).unique_key())
                .col(text(Sources::Name))
                .col(text(Sources::Publisher))
                .col(text_null(Sources::Url))
                .col(text(Sources::Licence))
                .col(
                    ColumnDef::new(Sources::Synthetic)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Flows::Table)
                .col(
                    ColumnDef::new(Flows::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(Flows::PeriodStart).integer().not_null())
                .col(ColumnDef::new(Flows::PeriodEnd).integer().not_null())
                .col(text(Flows::Direction))
                .col(text(Flows::RegionCode))
                .col(text(Flows::PartnerIso3))
                .col(text(Flows::Classification))
                .col(text(Flows::ProductCode))
                .col(ColumnDef::new(Flows::Value).double().not_null())
                .col(text(Flows::Currency))
                .col(ColumnDef::new(Flows::SourceId).integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(Flows::Table, Flows::SourceId)
                        .to(Sources::Table, Sources::Id),
                )
                .to_owned(),
        )
        .await?;
        // The flow key; it leads with region, direction and period, so it also
        // serves "a region's flows in a period" (and, by range on the code, a
        // region's whole subtree).
        m.create_index(
            Index::create()
                .name("ux_flows_key")
                .table(Flows::Table)
                .unique()
                .col(Flows::RegionCode)
                .col(Flows::Direction)
                .col(Flows::PeriodStart)
                .col(Flows::PeriodEnd)
                .col(Flows::PartnerIso3)
                .col(Flows::Classification)
                .col(Flows::ProductCode)
                .col(Flows::Currency)
                .col(Flows::SourceId)
                .to_owned(),
        )
        .await?;
        // A product's (or a chapter's, by range) flows in a period.
        m.create_index(
            Index::create()
                .name("ix_flows_product")
                .table(Flows::Table)
                .col(Flows::Classification)
                .col(Flows::ProductCode)
                .col(Flows::Direction)
                .col(Flows::PeriodStart)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_flows_partner")
                .table(Flows::Table)
                .col(Flows::PartnerIso3)
                .col(Flows::Direction)
                .col(Flows::PeriodStart)
                .to_owned(),
        )
        .await?;
        // Whole-dataset listings ordered by period or value.
        m.create_index(
            Index::create()
                .name("ix_flows_direction_period")
                .table(Flows::Table)
                .col(Flows::Direction)
                .col(Flows::PeriodStart)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Meta::Table)
                .col(text(Meta::Key).primary_key())
                .col(text(Meta::Value))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Meta::Table.into_iden(),
            Flows::Table.into_iden(),
            Sources::Table.into_iden(),
            Products::Table.into_iden(),
            Partners::Table.into_iden(),
            Regions::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
