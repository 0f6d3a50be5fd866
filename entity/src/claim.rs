use sea_orm::entity::prelude::*;

/// One figure or statement of a report; `data` is the audit engine's claim as JSON.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "claims")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub report_id: i64,
    /// The claim's index in its report.
    pub ordinal: i32,
    pub kind: String,
    pub excerpt: String,
    pub data: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
