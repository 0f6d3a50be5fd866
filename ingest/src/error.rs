//! The two ways a flow file can be wrong.
//!
//! A [`FormatError`] means the file cannot be read as flows at all (no
//! header, missing or unknown columns): nothing in it is usable. A
//! [`RowError`] concerns one row and names its line, column and the rule it
//! breaks; the caller decides whether one bad row rejects the whole file or
//! is reported and skipped.

use std::fmt;

use crate::reader::Layout;

/// The file cannot be read as a flow file: the header is missing or wrong.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// The input has no header row.
    #[error("the file is empty: expected a header row")]
    Empty,
    /// Required columns are absent from the header.
    #[error(
        "the header lacks the column(s) {} required by the {layout} layout (expected: {})",
        .missing.join(", "), .expected.join(", ")
    )]
    MissingColumns {
        layout: Layout,
        missing: Vec<String>,
        expected: Vec<&'static str>,
    },
    /// The header has columns the layout does not define.
    #[error(
        "the header has column(s) {} that the {layout} layout does not define (allowed: {})",
        .unknown.join(", "), .allowed.join(", ")
    )]
    UnknownColumns {
        layout: Layout,
        unknown: Vec<String>,
        allowed: Vec<&'static str>,
    },
    /// A column name appears twice in the header.
    #[error("the column `{0}` appears twice in the header")]
    DuplicateColumn(String),
    /// The header itself could not be read (I/O error, invalid UTF-8).
    #[error("cannot read the header: {0}")]
    Csv(#[from] csv::Error),
}

/// The machine-readable rule codes a [`RowError`] can carry.
pub mod rules {
    /// A mandatory field is empty.
    pub const REQUIRED: &str = "required";
    /// The row cannot be parsed as CSV (wrong number of fields, invalid UTF-8).
    pub const MALFORMED_ROW: &str = "malformed_row";
    /// The input could not be read any further (I/O error); reading stops.
    pub const READ_ERROR: &str = "read_error";
    /// The period is not `2024`, `2024-Q3`, `2024-10` or `2024-01/2024-10`.
    pub const INVALID_PERIOD: &str = "invalid_period";
    /// The direction is not EXPORT or IMPORT.
    pub const INVALID_DIRECTION: &str = "invalid_direction";
    /// The region code is not shaped like an INEGI code.
    pub const INVALID_REGION: &str = "invalid_region";
    /// The region code is well formed but not in the catalogue.
    pub const UNKNOWN_REGION: &str = "unknown_region";
    /// The partner code is not an ISO 3166-1 alpha-3 code nor `WLD`.
    pub const INVALID_PARTNER: &str = "invalid_partner";
    /// The partner code is well formed but not in the catalogue.
    pub const UNKNOWN_PARTNER: &str = "unknown_partner";
    /// The classification is not HS or SCIAN.
    pub const INVALID_CLASSIFICATION: &str = "invalid_classification";
    /// The product code is not shaped like a code of its classification.
    pub const INVALID_PRODUCT: &str = "invalid_product";
    /// The product code is well formed but not in the catalogue.
    pub const UNKNOWN_PRODUCT: &str = "unknown_product";
    /// The value is not a plain decimal number such as `1234.5`.
    pub const INVALID_VALUE: &str = "invalid_value";
    /// The value is negative.
    pub const NEGATIVE_VALUE: &str = "negative_value";
    /// The value is NaN or infinite.
    pub const NON_FINITE_VALUE: &str = "non_finite_value";
    /// The value exceeds 2^53, beyond which whole numbers lose precision.
    pub const VALUE_OUT_OF_RANGE: &str = "value_out_of_range";
    /// The currency is not USD or MXN.
    pub const INVALID_CURRENCY: &str = "invalid_currency";
    /// The source is not a slug such as `datamexico` or `manual`.
    pub const INVALID_SOURCE: &str = "invalid_source";
    /// Two columns of one row contradict each other (Data México layout).
    pub const INCONSISTENT_COLUMNS: &str = "inconsistent_columns";
    /// The row repeats the flow key of an earlier row of the same file.
    pub const DUPLICATE_KEY: &str = "duplicate_key";
    /// The file holds more distinct codes than the duplicate index can number.
    pub const TOO_MANY_CODES: &str = "too_many_codes";
    /// A Data México row whose partner is an aggregate, not a country
    /// (reported as a [`SkippedRow`](crate::SkippedRow), never as an error).
    pub const AGGREGATE_PARTNER: &str = "aggregate_partner";
}

/// One bad row: where it is, what it holds and which rule it breaks.
///
/// Displays as
/// ``line 17, column region_code: `99` is not a known INEGI region code (unknown_region)``;
/// errors about the whole row (malformed CSV, duplicate key) have an empty
/// `column` and omit it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RowError {
    /// 1-based line of the file where the row starts (the header is line 1).
    pub line: u64,
    /// The column the error is about; empty when it concerns the whole row.
    pub column: String,
    /// The offending value as written in the file.
    pub value: String,
    /// A short machine-readable rule code, one of [`rules`].
    pub rule: &'static str,
    /// A sentence a person understands, quoting the value.
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.column.is_empty() {
            write!(f, "line {}: {} ({})", self.line, self.message, self.rule)
        } else {
            write!(
                f,
                "line {}, column {}: {} ({})",
                self.line, self.column, self.message, self.rule
            )
        }
    }
}

impl std::error::Error for RowError {}

/// A rule broken by one field, before its line and column are attached.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Violation {
    pub rule: &'static str,
    pub message: String,
}

impl Violation {
    pub fn new(rule: &'static str, message: impl Into<String>) -> Self {
        Self {
            rule,
            message: message.into(),
        }
    }

    /// Attaches the place the violation was found.
    pub fn at(self, line: u64, column: &str, value: &str) -> RowError {
        RowError {
            line,
            column: column.to_string(),
            value: value.to_string(),
            rule: self.rule,
            message: self.message,
        }
    }
}
