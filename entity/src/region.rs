use sea_orm::entity::prelude::*;

/// A node of the territorial hierarchy, keyed by INEGI code.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "regions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub name: String,
    /// `COUNTRY`, `STATE` or `MUNICIPALITY`.
    pub level: String,
    pub parent_code: Option<String>,
    pub iso_code: Option<String>,
    /// JSON array of alternative names.
    pub aliases: String,
    pub population: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
