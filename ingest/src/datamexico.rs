//! The layout of Data México's state trade export
//! (`data/mx_state_trade_datamexico_sample.csv`): one row per month, state,
//! HS6 product and partner, in US dollars.
//!
//! Each row becomes a flow with classification HS, product `hs6`, region
//! `state_cve_ent` (labelled by `state_name`), currency USD and source
//! `datamexico`. The redundant columns (`year`, `month`, `hs4`, `hs2`,
//! `datamexico_hs6_id`, `partner_id`) are checked against the ones used.
//!
//! Data México's partner `emu` ("European Community") is an aggregate, not
//! a country, and has no ISO3 code. Its rows are skipped and reported
//! (`aggregate_partner`) rather than invented a code: the partner catalogue
//! holds countries only, and `WLD` means *all* partners, which `emu` is
//! not. In the bundled sample this is one row of US$2,381 (2024-01, HS
//! 950699), so Baja California's stored total for January 2024 is
//! US$1,609,005,726 against Data México's 1,609,008,107.

use csv::StringRecord;
use tradegraph_domain::{Classification, Currency};

use crate::catalog::Catalog;
use crate::error::{FormatError, RowError, Violation, rules};
use crate::fields::{self, check};
use crate::reader::{Layout, SkippedRow, map_columns};
use crate::record::{FlowRecord, Labels};

/// The source slug of flows read from this layout.
pub const SOURCE: &str = "datamexico";

/// The columns of the layout, all required.
pub const COLUMNS: [&str; 13] = [
    "period",
    "year",
    "month",
    "flow",
    "state_cve_ent",
    "state_name",
    "hs6",
    "hs4",
    "hs2",
    "datamexico_hs6_id",
    "partner_id",
    "partner_iso3",
    "trade_value_usd",
];

/// Data México partner ids that are aggregates of countries.
const AGGREGATE_PARTNERS: [(&str, &str); 1] = [("emu", "European Community")];

/// Where each column sits in the file, in the order of [`COLUMNS`].
#[derive(Debug, Clone)]
pub(crate) struct Columns([usize; 13]);

impl Columns {
    pub fn from_header(header: &StringRecord) -> Result<Self, FormatError> {
        let found = map_columns(header, Layout::DataMexico, &COLUMNS, &[])?;
        let mut cols = [0; 13];
        for (slot, index) in cols.iter_mut().zip(&found) {
            *slot = index.unwrap_or(usize::MAX);
        }
        Ok(Self(cols))
    }
}

/// A row is either a flow or an aggregate the importer skips.
pub(crate) enum Row {
    Flow(FlowRecord),
    Skipped(SkippedRow),
}

pub(crate) fn parse(
    row: &StringRecord,
    cols: &Columns,
    line: u64,
    catalog: &dyn Catalog,
) -> Result<Row, RowError> {
    let [
        period,
        year,
        month,
        flow,
        state,
        state_name,
        hs6,
        hs4,
        hs2,
        dm_id,
        partner_id,
        iso3,
        value,
    ] = cols.0;
    let raw = |i: usize| row.get(i).unwrap_or("").trim();
    let inconsistent = |column: &str, message: String| {
        Violation::new(rules::INCONSISTENT_COLUMNS, message).at(
            line,
            column,
            raw_of(row, cols, column),
        )
    };

    let period = check(row, period, "period", line, fields::period)?;
    let start = period.start();
    if period.months() == 1 {
        let (y, m) = (raw(year), raw(month));
        let same_year = y.is_empty() || y.parse::<i32>().ok() == Some(start.year());
        let same_month = m.is_empty() || m.parse::<u32>().ok() == Some(start.month());
        if !same_year || !same_month {
            return Err(inconsistent(
                "year",
                format!("year `{y}` and month `{m}` contradict period `{period}`"),
            ));
        }
    }
    let direction = check(row, flow, "flow", line, fields::direction)?;
    let region_code = check(row, state, "state_cve_ent", line, |s| {
        fields::region(s, catalog)
    })?;
    let product_code = check(row, hs6, "hs6", line, |s| {
        if s.len() != 6 {
            return Err(Violation::new(
                rules::INVALID_PRODUCT,
                format!("`{s}` is not an HS6 code: use 6 digits (854231)"),
            ));
        }
        fields::product(s, Classification::Hs, catalog)
    })?;
    for (column, index, len) in [("hs4", hs4, 4), ("hs2", hs2, 2)] {
        let ancestor = raw(index);
        if !ancestor.is_empty() && ancestor != &product_code[..len] {
            return Err(inconsistent(
                column,
                format!("`{ancestor}` is not the {column} of HS6 `{product_code}`"),
            ));
        }
    }
    let id = raw(dm_id);
    if !id.is_empty() && !id.ends_with(product_code.as_str()) {
        return Err(inconsistent(
            "datamexico_hs6_id",
            format!("`{id}` does not end with HS6 `{product_code}`"),
        ));
    }

    let (pid, code) = (raw(partner_id), raw(iso3));
    let aggregate = AGGREGATE_PARTNERS
        .iter()
        .find(|(a, _)| pid.eq_ignore_ascii_case(a));
    if let (true, Some((_, name))) = (code.is_empty(), aggregate) {
        return Ok(Row::Skipped(SkippedRow {
            line,
            rule: rules::AGGREGATE_PARTNER,
            message: format!(
                "partner `{pid}` ({name}) is an aggregate of countries with no ISO3 code; the row is skipped"
            ),
        }));
    }
    // Data México's partner id is the lower-case ISO3 code: use it when the
    // ISO3 column is empty, and check the two agree otherwise.
    let (index, column) = if code.is_empty() {
        (partner_id, "partner_id")
    } else {
        (iso3, "partner_iso3")
    };
    let partner_iso3 = check(row, index, column, line, |s| fields::partner(s, catalog))?;
    if !code.is_empty() && !pid.is_empty() && !pid.eq_ignore_ascii_case(code) {
        return Err(inconsistent(
            "partner_id",
            format!("partner id `{pid}` contradicts partner_iso3 `{code}`"),
        ));
    }

    Ok(Row::Flow(FlowRecord {
        line,
        period,
        direction,
        region_code,
        partner_iso3,
        classification: Classification::Hs,
        product_code,
        value: check(row, value, "trade_value_usd", line, fields::value)?,
        currency: Currency::Usd,
        source: SOURCE.to_string(),
        labels: Labels {
            region_name: fields::label(raw(state_name)),
            partner_name: None,
            product_name: None,
        },
    }))
}

/// The raw value of a named column, for error reports.
fn raw_of<'r>(row: &'r StringRecord, cols: &Columns, column: &str) -> &'r str {
    COLUMNS
        .iter()
        .position(|c| *c == column)
        .and_then(|i| row.get(cols.0[i]))
        .unwrap_or("")
        .trim()
}
