//! The error policy at the GraphQL boundary, in one place.
//!
//! Every error a client sees carries `extensions.code`:
//! - `BAD_USER_INPUT`: the request broke a rule; `extensions.field` names the
//!   argument or input field and `extensions.rule` the rule broken.
//! - `NOT_FOUND`: the thing addressed by id or code does not exist.
//! - `UNAUTHENTICATED`: a write without a valid `Authorization: Bearer` token.
//! - `INTERNAL`: anything else. The cause is logged once here, with the
//!   request's context, and never sent to the client (no SQL, no panic text).

use async_graphql::ErrorExtensions;
use tracing::error;

use crate::store::StoreError;

/// An error as the client sees it. Deliberately not `Display`: async-graphql
/// converts any `Display` type into an error *without* extensions, so the
/// only way out of a resolver is the `From` below, which always sets the code.
#[derive(Debug)]
pub enum ApiError {
    BadInput {
        field: String,
        rule: String,
        message: String,
    },
    NotFound(String),
    Unauthenticated(String),
    Internal,
}

impl ApiError {
    pub fn message(&self) -> String {
        match self {
            ApiError::BadInput { message, .. } => message.clone(),
            ApiError::NotFound(what) => format!("{what} not found"),
            ApiError::Unauthenticated(message) => message.clone(),
            ApiError::Internal => "internal error".into(),
        }
    }

    pub fn bad_input(
        field: impl Into<String>,
        rule: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::BadInput {
            field: field.into(),
            rule: rule.into(),
            message: message.into(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid {
                field,
                rule,
                message,
            } => Self::BadInput {
                field,
                rule: rule.into(),
                message,
            },
            StoreError::NotFound(what) => Self::NotFound(what),
            other => {
                error!(error = %other, "request failed");
                Self::Internal
            }
        }
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        // Report the first broken rule; fields are sorted for a stable answer.
        let mut fields: Vec<_> = errors.field_errors().into_iter().collect();
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        match fields
            .first()
            .and_then(|(f, errs)| errs.first().map(|e| (f.to_string(), e)))
        {
            Some((field, e)) => Self::bad_input(
                field.clone(),
                e.code.to_string(),
                e.message
                    .as_ref()
                    .map(|m| format!("{field}: {m}"))
                    .unwrap_or_else(|| format!("{field}: breaks rule `{}`", e.code)),
            ),
            None => Self::bad_input("input", "invalid", "invalid input"),
        }
    }
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        async_graphql::Error::new(self.message()).extend_with(|_, ext| match self {
            ApiError::BadInput { field, rule, .. } => {
                ext.set("code", "BAD_USER_INPUT");
                ext.set("field", field.as_str());
                ext.set("rule", rule.as_str());
            }
            ApiError::NotFound(_) => ext.set("code", "NOT_FOUND"),
            ApiError::Unauthenticated(_) => ext.set("code", "UNAUTHENTICATED"),
            ApiError::Internal => ext.set("code", "INTERNAL"),
        })
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(e: ApiError) -> Self {
        e.extend()
    }
}

pub type ApiResult<T> = Result<T, async_graphql::Error>;

/// Errors shared by a batched load (one failure answers every key).
impl From<std::sync::Arc<StoreError>> for ApiError {
    fn from(e: std::sync::Arc<StoreError>) -> Self {
        match e.as_ref() {
            StoreError::Invalid {
                field,
                rule,
                message,
            } => Self::BadInput {
                field: field.clone(),
                rule: (*rule).into(),
                message: message.clone(),
            },
            StoreError::NotFound(what) => Self::NotFound(what.clone()),
            other => {
                error!(error = %other, "batched load failed");
                Self::Internal
            }
        }
    }
}
