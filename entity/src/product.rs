use sea_orm::entity::prelude::*;

/// A node of a product classification (HS or SCIAN).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub classification: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub level: i32,
    pub parent_code: Option<String>,
    pub description_en: String,
    pub description_es: Option<String>,
    pub section: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
