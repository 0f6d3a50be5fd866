use sea_orm::entity::prelude::*;

/// One observed trade value. Periods are stored as `YYYYMM` month keys.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "flows")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub period_start: i32,
    pub period_end: i32,
    /// `EXPORT` or `IMPORT`.
    pub direction: String,
    pub region_code: String,
    /// ISO3, or `WLD` for all partners.
    pub partner_iso3: String,
    pub classification: String,
    /// A product code, or `TOTAL` for all products.
    pub product_code: String,
    pub value: f64,
    pub currency: String,
    pub source_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::source::Entity",
        from = "Column::SourceId",
        to = "super::source::Column::Id"
    )]
    Source,
}

impl Related<super::source::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Source.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
