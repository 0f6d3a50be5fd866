//! Writes. Every mutation needs `Authorization: Bearer <admin token>`.

use async_graphql::{Context, ID, Object, SimpleObject};

use super::error::{ApiError, ApiResult};
use super::flow::Flow;
use super::inputs::CreateFlowInput;
use super::node::parse_global_id;
use super::{Admin, state};
use crate::store::import::{self, ImportOptions};
use crate::store::write;

#[derive(Default)]
pub struct Mutation;

pub fn require_admin(ctx: &Context<'_>) -> Result<(), ApiError> {
    match state(ctx).admin {
        Admin::Granted => Ok(()),
        Admin::Denied => Err(ApiError::Unauthenticated(
            "writes need `Authorization: Bearer <token>` with the server's admin token".into(),
        )),
        Admin::Disabled => Err(ApiError::Unauthenticated(
            "writes are disabled: start the server with --admin-token (TRADEGRAPH_ADMIN_TOKEN)"
                .into(),
        )),
    }
}

fn flow_id(id: &ID) -> Result<i64, ApiError> {
    let (kind, key) = parse_global_id(id)?;
    match (kind.as_str(), key.parse()) {
        ("Flow", Ok(n)) => Ok(n),
        _ => Err(ApiError::bad_input(
            "id",
            "global_id",
            format!("`{}` is not a flow id", id.as_str()),
        )),
    }
}

/// The result of deleting a flow.
#[derive(SimpleObject)]
pub struct DeleteFlowPayload {
    pub id: ID,
    pub deleted: bool,
}

/// One rejected row of an import.
#[derive(SimpleObject)]
pub struct ImportRowError {
    pub line: u64,
    pub column: String,
    pub value: String,
    pub rule: String,
    pub message: String,
}

/// What an import did. Unless `skipInvalid` was set, any error means nothing was written.
#[derive(SimpleObject)]
pub struct ImportFlowsPayload {
    pub rows_read: u64,
    pub inserted: u64,
    pub committed: bool,
    pub error_count: u64,
    /// The first 100 rejected rows.
    pub errors: Vec<ImportRowError>,
    /// Rows left out by design (e.g. aggregate partners in Data México files).
    pub skipped: u64,
    /// Rows whose name columns do not match their codes (LABEL_CODE).
    pub label_mismatches: u64,
}

#[Object]
impl Mutation {
    /// Records one flow.
    async fn create_flow(&self, ctx: &Context<'_>, input: CreateFlowInput) -> ApiResult<Flow> {
        require_admin(ctx)?;
        let new = input.to_new_flow()?;
        let s = state(ctx);
        let model = write::create_flow(&s.db.conn, &s.catalog, &new)
            .await
            .map_err(ApiError::from)?;
        Ok(Flow(std::sync::Arc::new(model)))
    }

    /// Replaces every field of a flow.
    async fn update_flow(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: CreateFlowInput,
    ) -> ApiResult<Flow> {
        require_admin(ctx)?;
        let id = flow_id(&id)?;
        let new = input.to_new_flow()?;
        let s = state(ctx);
        let model = write::update_flow(&s.db.conn, &s.catalog, id, &new)
            .await
            .map_err(ApiError::from)?;
        Ok(Flow(std::sync::Arc::new(model)))
    }

    /// Deletes a flow; `deleted` is false when it did not exist.
    async fn delete_flow(&self, ctx: &Context<'_>, id: ID) -> ApiResult<DeleteFlowPayload> {
        require_admin(ctx)?;
        let n = flow_id(&id)?;
        let deleted = write::delete_flow(&state(ctx).db.conn, n)
            .await
            .map_err(ApiError::from)?;
        Ok(DeleteFlowPayload { id, deleted })
    }

    /// Imports flows from CSV text (the format of `tradegraph import`), all or nothing
    /// unless `skipInvalid` is set.
    async fn import_flows(
        &self,
        ctx: &Context<'_>,
        csv: String,
        #[graphql(default)] skip_invalid: bool,
    ) -> ApiResult<ImportFlowsPayload> {
        require_admin(ctx)?;
        let s = state(ctx);
        let size = csv.len() as u64;
        let report = import::import(
            &s.db.conn,
            s.catalog.clone(),
            std::io::Cursor::new(csv.into_bytes()),
            ImportOptions {
                skip_invalid,
                size_hint: Some(size),
            },
            |_| {},
        )
        .await
        .map_err(ApiError::from)?;
        if report.committed {
            // A source met in the file was registered: later requests see it
            // now rather than at the next poll. The rows are committed, so a
            // failure here is logged, not returned.
            if let Err(e) = s.catalogs.refresh_if_changed(&s.db.conn).await {
                tracing::warn!(error = %e, "reloading the catalogue after an import failed");
            }
        }
        Ok(ImportFlowsPayload {
            rows_read: report.rows_read,
            inserted: report.inserted,
            committed: report.committed,
            error_count: report.error_count,
            errors: report
                .errors
                .into_iter()
                .map(|e| ImportRowError {
                    line: e.line,
                    column: e.column,
                    value: e.value,
                    rule: e.rule.into(),
                    message: e.message,
                })
                .collect(),
            skipped: report.skipped.len() as u64,
            label_mismatches: report.label_mismatches.len() as u64,
        })
    }
}
