//! The GraphQL API: thin resolvers over the store and the audit engine.
//! One file per type; `loaders.rs` batches nested loads by key.

pub mod audit;
pub mod audit_api;
pub mod batching;
pub mod connection;
pub mod documents;
pub mod error;
pub mod flow;
pub mod inputs;
pub mod loaders;
pub mod mutation;
pub mod node;
pub mod partner;
pub mod product;
pub mod query;
pub mod region;
pub mod stats;

use std::sync::Arc;

use async_graphql::{Context, EmptySubscription, MergedObject, Schema, SchemaBuilder};

use crate::db::Database;
use crate::store::catalog::{Catalog, CatalogHandle};

pub type AppSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// Every query: the statistics and the audit.
#[derive(MergedObject, Default)]
pub struct QueryRoot(query::Query, audit_api::AuditQuery);

/// Every mutation: flows and reports.
#[derive(MergedObject, Default)]
pub struct MutationRoot(mutation::Mutation, audit_api::AuditMutation);

/// Query depth and complexity limits: generous for real dashboards, fatal
/// to accidental or hostile fan-outs.
pub const MAX_DEPTH: usize = 16;
pub const MAX_COMPLEXITY: usize = 50_000;

/// What a request runs with: the database, one catalogue snapshot (so a
/// request sees one consistent version), and who is asking.
#[derive(Clone)]
pub struct RequestState {
    pub db: Database,
    pub catalog: Arc<Catalog>,
    /// The server's catalogue, for writes that change it (an import that
    /// registers a source) to reload it before they answer.
    pub catalogs: CatalogHandle,
    pub admin: Admin,
}

/// Whether the request may write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admin {
    /// The bearer token matches the server's admin token.
    Granted,
    /// No token, or a wrong one.
    Denied,
    /// The server has no admin token: writes are disabled.
    Disabled,
}

pub fn state<'a>(ctx: &Context<'a>) -> &'a RequestState {
    ctx.data_unchecked::<RequestState>()
}

/// The schema without its per-request data (for `tradegraph schema`).
pub fn builder() -> SchemaBuilder<QueryRoot, MutationRoot, EmptySubscription> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        EmptySubscription,
    )
    .register_output_type::<node::Node>()
    .limit_depth(MAX_DEPTH)
    .limit_complexity(MAX_COMPLEXITY)
}

/// The SDL with types and fields sorted, as committed in `schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl_with_options(
        async_graphql::SDLExportOptions::new()
            .sorted_fields()
            .sorted_arguments()
            .sorted_enum_items(),
    )
}
