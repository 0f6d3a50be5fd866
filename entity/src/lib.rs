//! SeaORM entities: tables, columns and relations only. The GraphQL types
//! live in the server crate, so the database layout never becomes the API.

pub mod flow;
pub mod meta;
pub mod partner;
pub mod product;
pub mod region;
pub mod source;
