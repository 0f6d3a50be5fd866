//! The streaming flow reader: detects the layout from the header, then
//! yields one checked [`FlowRecord`] or [`RowError`] per row, holding one
//! row in memory at a time (plus the duplicate-key index, see
//! [`ReaderOptions`]).

use std::fmt;
use std::io::Read;

use csv::StringRecord;

use crate::catalog::Catalog;
use crate::datamexico;
use crate::dedup::DuplicateIndex;
use crate::error::{FormatError, RowError, rules};
use crate::native;
use crate::record::FlowRecord;

/// The layouts the reader understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Layout {
    /// tradegraph's own flow CSV (see `FORMAT.md`).
    Tradegraph,
    /// Data México's state trade export (`mx_state_trade_datamexico_sample.csv`).
    DataMexico,
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Layout::Tradegraph => "tradegraph flow",
            Layout::DataMexico => "Data México",
        })
    }
}

/// How the reader behaves beyond the format itself.
#[derive(Debug, Clone, Copy)]
pub struct ReaderOptions {
    /// Report a row repeating an earlier row's key as `duplicate_key`
    /// (default true). The check keeps about 50 MB per million rows; turn it
    /// off when the destination enforces uniqueness itself.
    pub check_duplicates: bool,
    /// Rows the file is expected to hold (0 when unknown): the duplicate
    /// index is sized for them at once, instead of growing by doubling,
    /// rehashing every key and faulting in fresh pages each time.
    pub expected_rows: usize,
}

impl Default for ReaderOptions {
    fn default() -> Self {
        Self {
            check_duplicates: true,
            expected_rows: 0,
        }
    }
}

/// A row left out on purpose, not an error: e.g. a Data México aggregate
/// partner (`aggregate_partner`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SkippedRow {
    /// 1-based line of the row.
    pub line: u64,
    /// Why, as a short machine-readable code.
    pub rule: &'static str,
    /// Why, in a sentence.
    pub message: String,
}

/// How many skipped rows are kept for reporting; the rest are only counted.
const KEPT_SKIPPED: usize = 1000;

#[derive(Debug, Clone)]
enum Columns {
    Tradegraph(native::Columns),
    DataMexico(datamexico::Columns),
}

/// Reads flows from `input`, detecting the layout from its header.
///
/// Fails only when the header is unusable; every later problem is a
/// [`RowError`] yielded in place of the row. Duplicate keys are checked
/// (see [`ReaderOptions`]).
pub fn reader<R: Read>(input: R, catalog: &dyn Catalog) -> Result<FlowReader<'_, R>, FormatError> {
    reader_with_options(input, catalog, ReaderOptions::default())
}

/// [`reader`] with explicit options.
pub fn reader_with_options<R: Read>(
    input: R,
    catalog: &dyn Catalog,
    options: ReaderOptions,
) -> Result<FlowReader<'_, R>, FormatError> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(input);
    let header = csv.headers()?.clone();
    if header.is_empty() || header.iter().all(str::is_empty) {
        return Err(FormatError::Empty);
    }
    let names: Vec<String> = header.iter().map(normalize).collect();
    let is_data_mexico = names
        .iter()
        .any(|n| n == "trade_value_usd" || n == "state_cve_ent");
    let normalized: StringRecord = names.iter().collect();
    let columns = if is_data_mexico {
        Columns::DataMexico(datamexico::Columns::from_header(&normalized)?)
    } else {
        Columns::Tradegraph(native::Columns::from_header(&normalized)?)
    };
    Ok(FlowReader {
        csv,
        columns,
        catalog,
        row: StringRecord::new(),
        duplicates: options
            .check_duplicates
            .then(|| DuplicateIndex::with_capacity(options.expected_rows)),
        skipped: Vec::new(),
        skipped_count: 0,
        rows: 0,
        done: false,
    })
}

fn normalize(name: &str) -> String {
    name.trim().to_ascii_lowercase()
}

/// Finds each of `required` then `optional` in the header, rejecting
/// missing required columns, unknown columns and repeated ones.
pub(crate) fn map_columns(
    header: &StringRecord,
    layout: Layout,
    required: &[&'static str],
    optional: &[&'static str],
) -> Result<Vec<Option<usize>>, FormatError> {
    let allowed: Vec<&'static str> = required.iter().chain(optional).copied().collect();
    let mut found = vec![None; allowed.len()];
    let mut unknown = Vec::new();
    for (index, name) in header.iter().enumerate() {
        match allowed.iter().position(|a| *a == name) {
            Some(slot) if found[slot].is_some() => {
                return Err(FormatError::DuplicateColumn(name.to_string()));
            }
            Some(slot) => found[slot] = Some(index),
            None => unknown.push(if name.is_empty() {
                format!("(empty, position {})", index + 1)
            } else {
                name.to_string()
            }),
        }
    }
    let missing: Vec<String> = required
        .iter()
        .zip(&found)
        .filter(|(_, f)| f.is_none())
        .map(|(name, _)| name.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(FormatError::MissingColumns {
            layout,
            missing,
            expected: required.to_vec(),
        });
    }
    if !unknown.is_empty() {
        return Err(FormatError::UnknownColumns {
            layout,
            unknown,
            allowed,
        });
    }
    Ok(found)
}

/// An iterator over the rows of a flow file; see [`reader`].
pub struct FlowReader<'c, R> {
    csv: csv::Reader<R>,
    columns: Columns,
    catalog: &'c dyn Catalog,
    row: StringRecord,
    duplicates: Option<DuplicateIndex>,
    skipped: Vec<SkippedRow>,
    skipped_count: u64,
    rows: u64,
    done: bool,
}

impl<R: Read> FlowReader<'_, R> {
    /// The layout detected from the header.
    pub fn layout(&self) -> Layout {
        match self.columns {
            Columns::Tradegraph(_) => Layout::Tradegraph,
            Columns::DataMexico(_) => Layout::DataMexico,
        }
    }

    /// Bytes consumed so far, header included: compare with the file size
    /// for a progress bar.
    pub fn bytes_read(&self) -> u64 {
        self.csv.position().byte()
    }

    /// Data rows read so far, good, bad and skipped.
    pub fn rows_read(&self) -> u64 {
        self.rows
    }

    /// Rows left out on purpose (the first 1,000 of them).
    pub fn skipped(&self) -> &[SkippedRow] {
        &self.skipped
    }

    /// How many rows were left out on purpose.
    pub fn skipped_count(&self) -> u64 {
        self.skipped_count
    }

    fn csv_error(&mut self, err: csv::Error) -> RowError {
        let line = err.position().map_or(0, |p| p.line());
        let (rule, message) = match err.kind() {
            csv::ErrorKind::Io(e) => {
                self.done = true;
                (rules::READ_ERROR, format!("cannot read further: {e}"))
            }
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => (
                rules::MALFORMED_ROW,
                format!("the row has {len} fields where the header has {expected_len}"),
            ),
            csv::ErrorKind::Utf8 { .. } => (
                rules::MALFORMED_ROW,
                "the row is not valid UTF-8".to_string(),
            ),
            _ => (
                rules::MALFORMED_ROW,
                format!("the row cannot be read: {err}"),
            ),
        };
        RowError {
            line,
            column: String::new(),
            value: String::new(),
            rule,
            message,
        }
    }

    /// The flow of the current row, or `None` when it is skipped.
    fn parse_row(&mut self, line: u64) -> Result<Option<FlowRecord>, RowError> {
        let record = match &self.columns {
            Columns::Tradegraph(cols) => native::parse(&self.row, cols, line, self.catalog)?,
            Columns::DataMexico(cols) => {
                match datamexico::parse(&self.row, cols, line, self.catalog)? {
                    datamexico::Row::Flow(record) => record,
                    datamexico::Row::Skipped(skipped) => {
                        self.skipped_count += 1;
                        if self.skipped.len() < KEPT_SKIPPED {
                            self.skipped.push(skipped);
                        }
                        return Ok(None);
                    }
                }
            }
        };
        if let Some(index) = &mut self.duplicates {
            let earlier = index.insert(&record).map_err(|v| v.at(line, "", ""))?;
            if let Some(first) = earlier {
                let key = key_text(&record);
                return Err(RowError {
                    line,
                    column: String::new(),
                    message: format!(
                        "the flow key (period, direction, region, partner, classification, product, source) `{key}` already appears on line {first}"
                    ),
                    value: key,
                    rule: rules::DUPLICATE_KEY,
                });
            }
        }
        Ok(Some(record))
    }
}

fn key_text(r: &FlowRecord) -> String {
    format!(
        "{},{},{},{},{},{},{}",
        r.period,
        r.direction,
        r.region_code,
        r.partner_iso3,
        r.classification,
        r.product_code,
        r.source
    )
}

impl<R: Read> Iterator for FlowReader<'_, R> {
    type Item = Result<FlowRecord, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match self.csv.read_record(&mut self.row) {
                Ok(true) => {}
                Ok(false) => self.done = true,
                Err(err) => {
                    self.rows += 1;
                    return Some(Err(self.csv_error(err)));
                }
            }
            if self.done {
                break;
            }
            self.rows += 1;
            let line = self.row.position().map_or(0, |p| p.line());
            match self.parse_row(line) {
                Ok(Some(record)) => return Some(Ok(record)),
                Ok(None) => continue,
                Err(err) => return Some(Err(err)),
            }
        }
        None
    }
}
