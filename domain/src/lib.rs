//! tradegraph's vocabulary as types: periods, trade directions, currencies,
//! classifications, region levels, the interval numbers the audit uses and
//! the text folding every name lookup shares.
//!
//! Each type parses its input and refuses what it cannot represent, so code
//! past the boundary never sees a malformed period or an unknown currency.

pub mod codes;
pub mod interval;
pub mod period;
pub mod text;

pub use codes::{Classification, Currency, Direction, ParseCodeError, RegionLevel};
pub use interval::{Interval, IntervalError};
pub use period::{Period, PeriodError, YearMonth};
pub use text::{Word, fold, words};
