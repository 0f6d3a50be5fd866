//! tradegraph: a GraphQL server for foreign-trade statistics with a
//! data-quality layer.
//!
//! Layers: [`graphql`] (transport, thin resolvers) over [`store`] (every
//! database access) and the plain-Rust crates `tradegraph-domain`,
//! `tradegraph-audit` and `tradegraph-ingest`. [`startup`] builds the app for
//! both `main` and the tests.

pub mod db;
pub mod graphql;
pub mod http;
pub mod playground;
pub mod startup;
pub mod store;
