//! tradegraph's data-quality layer as plain Rust: the document extractor,
//! the gazetteer it resolves names with, the claims and findings, and the
//! rules of the catalogue. It knows nothing of HTTP, GraphQL or databases:
//! the server gives it gazetteer entries and answers its data requests.
//!
//! ```no_run
//! # use tradegraph_audit::*;
//! # let entries = Vec::new();
//! let gaz = Gazetteer::new(entries);
//! let doc = Document { text: "# Exportaciones | Mexicali 2024\n…".into(), ..Document::default() };
//! let audit = audit_document(&doc, &gaz)?;
//! for f in &audit.findings {
//!     println!("{} {}: {}", f.severity, f.rule, f.message);
//! }
//! # Ok::<(), AuditError>(())
//! ```

pub mod catalogue;
pub mod claim;
pub mod error;
pub mod extract;
pub mod finding;
pub mod gazetteer;
mod period_serde;
pub mod rules;

use serde::{Deserialize, Serialize};

pub use catalogue::{RuleInfo, rule_info, rules};
pub use claim::{Claim, ClaimKind, EntityRef, GroupKind, GroupRef, Links, Span, Stated, Unit};
pub use error::AuditError;
pub use extract::{Scope, ScopeMethod};
pub use finding::{Finding, RuleCode, Severity};
#[cfg(any(test, feature = "testing"))]
pub use gazetteer::load_entries_from_csv_dir;
pub use gazetteer::{EntityKind, Gazetteer, GazetteerEntry};
pub use rules::{FigureKind, FigureRequest, ShareBase, check_claim_data, data_requests};

/// A report to audit as text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Markdown or plain text, Spanish or English.
    pub text: String,
    /// The title, when it is not the text's first heading.
    pub title: Option<String>,
    /// The region the report is about; detected when absent.
    pub scope_region_code: Option<String>,
    /// `"es"` or `"en"`; detected when absent.
    pub language: Option<String>,
}

/// What the audit of a document found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentAudit {
    pub scope: Option<Scope>,
    /// The language given, else the one detected (`"es"` or `"en"`).
    pub language: String,
    pub claims: Vec<Claim>,
    pub findings: Vec<Finding>,
}

/// Extracts a document's claims and runs every rule over them.
pub fn audit_document(doc: &Document, gaz: &Gazetteer) -> Result<DocumentAudit, AuditError> {
    let given = doc
        .scope_region_code
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(code) = given {
        check_scope(code, gaz)?;
    }
    let extraction = extract::extract(&doc.text, doc.title.as_deref(), given, gaz);
    let scope = extraction.scope.as_ref().map(|s| s.region_code.clone());
    let findings = rules::run(&extraction.claims, scope.as_deref(), gaz);
    Ok(DocumentAudit {
        scope: extraction.scope,
        language: doc.language.clone().unwrap_or(extraction.language),
        claims: extraction.claims,
        findings,
    })
}

/// Runs every rule over claims entered by hand (a report built in a form).
pub fn audit_claims(
    claims: Vec<Claim>,
    scope_region_code: Option<&str>,
    gaz: &Gazetteer,
) -> Result<Vec<Finding>, AuditError> {
    if let Some(code) = scope_region_code {
        check_scope(code, gaz)?;
    }
    Ok(rules::run(&claims, scope_region_code, gaz))
}

fn check_scope(code: &str, gaz: &Gazetteer) -> Result<(), AuditError> {
    match gaz.get(EntityKind::Region, code) {
        Some(_) => Ok(()),
        None => Err(AuditError::UnknownScope(code.to_string())),
    }
}
