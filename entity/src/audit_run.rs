use sea_orm::entity::prelude::*;

/// One execution of the rules over a scope.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `DATA`, `REPORT` or `IMPORT`.
    pub kind: String,
    pub region_code: Option<String>,
    pub period: Option<String>,
    pub report_id: Option<i64>,
    pub started_at: String,
    pub finished_at: String,
    pub finding_count: i32,
    pub error_count: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
