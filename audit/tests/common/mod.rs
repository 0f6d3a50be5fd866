//! Shared helpers: one gazetteer built from the reference CSVs, and
//! shorthand for auditing a text and reading its findings.
#![allow(dead_code)]

use std::path::Path;
use std::sync::OnceLock;

use tradegraph_audit::{
    Document, DocumentAudit, Finding, Gazetteer, RuleCode, Severity, audit_document,
    load_entries_from_csv_dir,
};

pub fn gazetteer() -> &'static Gazetteer {
    static GAZ: OnceLock<Gazetteer> = OnceLock::new();
    GAZ.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data");
        let entries = load_entries_from_csv_dir(&dir);
        assert!(
            entries.len() > 2000,
            "reference data not found in {}",
            dir.display()
        );
        Gazetteer::new(entries)
    })
}

pub fn audit(text: &str) -> DocumentAudit {
    audit_document(
        &Document {
            text: text.into(),
            ..Document::default()
        },
        gazetteer(),
    )
    .expect("audit runs")
}

pub fn audit_scoped(text: &str, scope: &str) -> DocumentAudit {
    let doc = Document {
        text: text.into(),
        scope_region_code: Some(scope.into()),
        ..Document::default()
    };
    audit_document(&doc, gazetteer()).expect("audit runs")
}

/// Findings of `rule`.
pub fn of(a: &DocumentAudit, rule: RuleCode) -> Vec<&Finding> {
    a.findings.iter().filter(|f| f.rule == rule).collect()
}

/// Every ERROR or WARNING, formatted for an assertion message.
pub fn alarms(a: &DocumentAudit) -> Vec<String> {
    a.findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| format!("{} {}: {} [{}]", f.severity, f.rule, f.message, f.excerpt))
        .collect()
}

/// Asserts the audit raised no ERROR or WARNING.
pub fn assert_quiet(a: &DocumentAudit) {
    let alarms = alarms(a);
    assert!(
        alarms.is_empty(),
        "a correct report raised alarms:\n{}",
        alarms.join("\n")
    );
}

/// Asserts `rule` fired, returning its findings.
pub fn assert_fires(a: &DocumentAudit, rule: RuleCode) -> Vec<&Finding> {
    let found = of(a, rule);
    assert!(
        !found.is_empty(),
        "{rule} did not fire; findings: {:#?}",
        alarms(a)
    );
    found
}
