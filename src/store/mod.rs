//! Every database access: catalogue loading, seeding, flow queries and
//! aggregates in SQL, writes. Functions over a `&DatabaseConnection`; no
//! GraphQL or HTTP here.

pub mod aggregates;
pub mod audit;
pub mod catalog;
pub mod data_rules;
pub mod flows;
pub mod gazetteer;
pub mod import;
pub mod rollup;
pub mod seed;
pub mod sql;
pub mod write;

use thiserror::Error;

/// Errors of the persistence layer.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
    /// Input that breaks a rule the store enforces (unknown code, duplicate
    /// flow key, …): `field` names the input field, `rule` the rule broken.
    #[error("{field}: {message}")]
    Invalid {
        field: String,
        rule: &'static str,
        message: String,
    },
    #[error("{0} not found")]
    NotFound(String),
    #[error("reference data is malformed: {0}")]
    Data(String),
}

impl StoreError {
    pub fn invalid(
        field: impl Into<String>,
        rule: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self::Invalid {
            field: field.into(),
            rule,
            message: message.into(),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;
