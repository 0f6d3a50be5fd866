//! tradegraph's own flow layout (documented in `FORMAT.md`).

use csv::StringRecord;

use crate::catalog::Catalog;
use crate::error::{FormatError, RowError};
use crate::fields::{self, check};
use crate::reader::{Layout, map_columns};
use crate::record::{FlowRecord, Labels};

/// The columns every file of this layout has.
pub const REQUIRED: [&str; 9] = [
    "period",
    "direction",
    "region_code",
    "partner_iso3",
    "classification",
    "product_code",
    "value",
    "currency",
    "source",
];

/// The label columns a file may add, checked by `LABEL_CODE`.
pub const OPTIONAL: [&str; 3] = ["region_name", "partner_name", "product_name"];

/// Where each column sits in the file.
#[derive(Debug, Clone)]
pub(crate) struct Columns {
    required: [usize; 9],
    labels: [Option<usize>; 3],
}

impl Columns {
    pub fn from_header(header: &StringRecord) -> Result<Self, FormatError> {
        let found = map_columns(header, Layout::Tradegraph, &REQUIRED, &OPTIONAL)?;
        let mut required = [0; 9];
        for (slot, index) in required.iter_mut().zip(&found) {
            // map_columns has already reported any missing required column.
            *slot = index.unwrap_or(usize::MAX);
        }
        Ok(Self {
            required,
            labels: [found[9], found[10], found[11]],
        })
    }
}

pub(crate) fn parse(
    row: &StringRecord,
    cols: &Columns,
    line: u64,
    catalog: &dyn Catalog,
) -> Result<FlowRecord, RowError> {
    let [
        period,
        direction,
        region,
        partner,
        classification,
        product,
        value,
        currency,
        source,
    ] = cols.required;
    let period = check(row, period, "period", line, fields::period)?;
    let direction = check(row, direction, "direction", line, fields::direction)?;
    let region_code = check(row, region, "region_code", line, |s| {
        fields::region(s, catalog)
    })?;
    let partner_iso3 = check(row, partner, "partner_iso3", line, |s| {
        fields::partner(s, catalog)
    })?;
    let classification = check(
        row,
        classification,
        "classification",
        line,
        fields::classification,
    )?;
    let product_code = check(row, product, "product_code", line, |s| {
        fields::product(s, classification, catalog)
    })?;
    let value = check(row, value, "value", line, fields::value)?;
    let currency = check(row, currency, "currency", line, fields::currency)?;
    let source = check(row, source, "source", line, fields::source)?;
    let label = |i: Option<usize>| i.and_then(|i| fields::label(row.get(i).unwrap_or("")));
    Ok(FlowRecord {
        line,
        period,
        direction,
        region_code,
        partner_iso3,
        classification,
        product_code,
        value,
        currency,
        source,
        labels: Labels {
            region_name: label(cols.labels[0]),
            partner_name: label(cols.labels[1]),
            product_name: label(cols.labels[2]),
        },
    })
}
