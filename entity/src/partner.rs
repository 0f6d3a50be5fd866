use sea_orm::entity::prelude::*;

/// A trading-partner country, keyed by ISO 3166-1 alpha-3.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "partners")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub iso3: String,
    pub iso2: Option<String>,
    pub iso_numeric: Option<String>,
    pub name_en: String,
    pub name_es: String,
    /// JSON array of alternative names.
    pub aliases: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
