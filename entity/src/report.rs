use sea_orm::entity::prelude::*;

/// A published document that was audited.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    pub publisher: Option<String>,
    pub published_on: Option<String>,
    pub language: String,
    pub text: String,
    pub scope_region_code: Option<String>,
    /// `GIVEN`, `TITLE` or `MENTIONS`.
    pub scope_method: Option<String>,
    pub created_at: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
