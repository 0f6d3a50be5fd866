use sea_orm::entity::prelude::*;

/// One inconsistency found by a rule. List columns hold JSON arrays.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "findings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub audit_run_id: Option<i64>,
    pub report_id: Option<i64>,
    pub rule: String,
    pub severity: String,
    pub message: String,
    pub excerpt: String,
    pub span_start: Option<i32>,
    pub span_end: Option<i32>,
    pub expected_lo: Option<f64>,
    pub expected_hi: Option<f64>,
    pub stated_lo: Option<f64>,
    pub stated_hi: Option<f64>,
    pub tolerance: Option<String>,
    pub claim_ids: String,
    pub region_codes: String,
    pub partner_iso3s: String,
    pub product_keys: String,
    pub flow_ids: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
