//! SeaORM entities: tables, columns and relations only. The GraphQL types
//! live in the server crate, so the database layout never becomes the API.

pub mod audit_run;
pub mod claim;
pub mod finding;
pub mod flow;
pub mod meta;
pub mod partner;
pub mod product;
pub mod region;
pub mod report;
pub mod source;
