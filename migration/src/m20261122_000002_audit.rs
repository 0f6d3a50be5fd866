//! The data-quality layer: reports, their claims, audit runs and findings.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Reports {
    Table,
    Id,
    Title,
    Publisher,
    PublishedOn,
    Language,
    Text,
    ScopeRegionCode,
    ScopeMethod,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Claims {
    Table,
    Id,
    ReportId,
    Ordinal,
    Kind,
    Excerpt,
    Data,
}

#[derive(DeriveIden)]
enum AuditRuns {
    Table,
    Id,
    Kind,
    RegionCode,
    Period,
    ReportId,
    StartedAt,
    FinishedAt,
    FindingCount,
    ErrorCount,
}

#[derive(DeriveIden)]
enum Findings {
    Table,
    Id,
    AuditRunId,
    ReportId,
    Rule,
    Severity,
    Message,
    Excerpt,
    SpanStart,
    SpanEnd,
    ExpectedLo,
    ExpectedHi,
    StatedLo,
    StatedHi,
    Tolerance,
    ClaimIds,
    RegionCodes,
    PartnerIso3s,
    ProductKeys,
    FlowIds,
}

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
}

fn text_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().null().to_owned()
}

fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

fn double_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).double().null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Reports::Table)
                .col(id(Reports::Id))
                .col(text(Reports::Title))
                .col(text_null(Reports::Publisher))
                .col(text_null(Reports::PublishedOn))
                .col(text(Reports::Language))
                .col(text(Reports::Text))
                .col(text_null(Reports::ScopeRegionCode))
                .col(text_null(Reports::ScopeMethod))
                .col(text(Reports::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Claims::Table)
                .col(id(Claims::Id))
                .col(ColumnDef::new(Claims::ReportId).big_integer().not_null())
                .col(ColumnDef::new(Claims::Ordinal).integer().not_null())
                .col(text(Claims::Kind))
                .col(text(Claims::Excerpt))
                .col(text(Claims::Data))
                .foreign_key(
                    ForeignKey::create()
                        .from(Claims::Table, Claims::ReportId)
                        .to(Reports::Table, Reports::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_claims_report")
                .table(Claims::Table)
                .col(Claims::ReportId)
                .col(Claims::Ordinal)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AuditRuns::Table)
                .col(id(AuditRuns::Id))
                .col(text(AuditRuns::Kind))
                .col(text_null(AuditRuns::RegionCode))
                .col(text_null(AuditRuns::Period))
                .col(ColumnDef::new(AuditRuns::ReportId).big_integer().null())
                .col(text(AuditRuns::StartedAt))
                .col(text(AuditRuns::FinishedAt))
                .col(ColumnDef::new(AuditRuns::FindingCount).integer().not_null())
                .col(ColumnDef::new(AuditRuns::ErrorCount).integer().not_null())
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Findings::Table)
                .col(id(Findings::Id))
                .col(ColumnDef::new(Findings::AuditRunId).big_integer().null())
                .col(ColumnDef::new(Findings::ReportId).big_integer().null())
                .col(text(Findings::Rule))
                .col(text(Findings::Severity))
                .col(text(Findings::Message))
                .col(text(Findings::Excerpt))
                .col(ColumnDef::new(Findings::SpanStart).integer().null())
                .col(ColumnDef::new(Findings::SpanEnd).integer().null())
                .col(double_null(Findings::ExpectedLo))
                .col(double_null(Findings::ExpectedHi))
                .col(double_null(Findings::StatedLo))
                .col(double_null(Findings::StatedHi))
                .col(text_null(Findings::Tolerance))
                .col(text(Findings::ClaimIds))
                .col(text(Findings::RegionCodes))
                .col(text(Findings::PartnerIso3s))
                .col(text(Findings::ProductKeys))
                .col(text(Findings::FlowIds))
                .foreign_key(
                    ForeignKey::create()
                        .from(Findings::Table, Findings::AuditRunId)
                        .to(AuditRuns::Table, AuditRuns::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Findings::Table, Findings::ReportId)
                        .to(Reports::Table, Reports::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("ix_findings_run", Findings::AuditRunId),
            ("ix_findings_report", Findings::ReportId),
            ("ix_findings_rule", Findings::Rule),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(Findings::Table)
                    .col(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Findings::Table.into_iden(),
            AuditRuns::Table.into_iden(),
            Claims::Table.into_iden(),
            Reports::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
