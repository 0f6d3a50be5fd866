//! Errors of the audit layer. Only input the caller controls can fail:
//! extraction and the rules never do.

/// Why an audit could not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    /// The scope region code given is not a region the gazetteer knows.
    #[error("unknown scope region code `{0}`: no region has this INEGI code")]
    UnknownScope(String),
}
