//! One checked flow row, and the label findings it may carry.

use tradegraph_domain::{Classification, Currency, Direction, Period};

use crate::catalog::{Catalog, LabelKind};

/// One flow read from a file, every code checked against the catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowRecord {
    /// 1-based line of the file where the row starts (the header is line 1).
    pub line: u64,
    /// The months the value covers.
    pub period: Period,
    /// Exports or imports of the region.
    pub direction: Direction,
    /// INEGI code: `00` the nation, `02` a state, `02002` a municipality.
    pub region_code: String,
    /// ISO 3166-1 alpha-3 code in upper case, or `WLD` for all partners.
    pub partner_iso3: String,
    /// The classification of `product_code`.
    pub classification: Classification,
    /// A code of `classification`, or `TOTAL` for all products.
    pub product_code: String,
    /// The value, non-negative and finite.
    pub value: f64,
    /// The currency of `value`.
    pub currency: Currency,
    /// The source slug (`datamexico`, `manual`, `synthetic`, …).
    pub source: String,
    /// The names the file gave next to the codes, if any.
    pub labels: Labels,
}

/// Names written next to the codes of a row (the optional label columns).
/// Empty cells are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Labels {
    /// The `region_name` column (`state_name` in the Data México layout).
    pub region_name: Option<String>,
    /// The `partner_name` column.
    pub partner_name: Option<String>,
    /// The `product_name` column.
    pub product_name: Option<String>,
}

/// A label that does not name its code: a `LABEL_CODE` finding for the
/// server to store, not a reason to reject the row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LabelMismatch {
    /// The line of the row.
    pub line: u64,
    /// Which code the label was written next to.
    pub kind: LabelKind,
    /// The code as stored.
    pub code: String,
    /// The label as written in the file.
    pub label: String,
    /// The catalogue's name for the code, when it has one.
    pub expected: Option<String>,
}

impl LabelMismatch {
    /// The column the label came from (`region_name`, …).
    pub fn column(&self) -> &'static str {
        self.kind.column()
    }
}

impl FlowRecord {
    /// The labels of this row that do not name their code, according to
    /// [`Catalog::label_matches`]. Empty when the row has no labels.
    pub fn label_mismatches(&self, catalog: &dyn Catalog) -> Vec<LabelMismatch> {
        let checks = [
            (
                LabelKind::Region,
                &self.region_code,
                &self.labels.region_name,
            ),
            (
                LabelKind::Partner,
                &self.partner_iso3,
                &self.labels.partner_name,
            ),
            (
                LabelKind::Product(self.classification),
                &self.product_code,
                &self.labels.product_name,
            ),
        ];
        checks
            .into_iter()
            .filter_map(|(kind, code, label)| {
                let label = label.as_deref()?;
                if catalog.label_matches(kind, code, label) {
                    return None;
                }
                let expected = match kind {
                    LabelKind::Region => catalog.region_name(code),
                    LabelKind::Partner => catalog.partner_name(code),
                    LabelKind::Product(c) => catalog.product_name(c, code),
                };
                Some(LabelMismatch {
                    line: self.line,
                    kind,
                    code: code.clone(),
                    label: label.to_string(),
                    expected: expected.map(str::to_string),
                })
            })
            .collect()
    }
}
