//! Periods of trade statistics: a year (`2024`), a quarter (`2024-Q3`), a
//! month (`2024-10`) or an inclusive month range (`2024-01/2024-10`).
//!
//! Every period is a range of whole months; flows are stored with their first
//! and last month as `YYYYMM` integers so "inside a period" is two integer
//! comparisons in SQL.

use std::fmt;
use std::str::FromStr;

/// One calendar month. Ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    year: i32,
    month: u32,
}

impl YearMonth {
    pub const MIN_YEAR: i32 = 1900;
    pub const MAX_YEAR: i32 = 2200;

    pub fn new(year: i32, month: u32) -> Result<Self, PeriodError> {
        if !(Self::MIN_YEAR..=Self::MAX_YEAR).contains(&year) {
            return Err(PeriodError::YearOutOfRange(year));
        }
        if !(1..=12).contains(&month) {
            return Err(PeriodError::MonthOutOfRange(month));
        }
        Ok(Self { year, month })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    /// `YYYYMM`, the form stored in the database.
    pub fn key(self) -> i32 {
        self.year * 100 + self.month as i32
    }

    pub fn from_key(key: i32) -> Result<Self, PeriodError> {
        Self::new(key / 100, (key % 100) as u32)
    }

    /// The month `n` months later (earlier when negative).
    pub fn plus_months(self, n: i32) -> Result<Self, PeriodError> {
        let index = self.year * 12 + self.month as i32 - 1 + n;
        Self::new(index.div_euclid(12), index.rem_euclid(12) as u32 + 1)
    }

    /// Months from `self` to `other`, inclusive of both ends.
    pub fn months_through(self, other: YearMonth) -> i32 {
        (other.year - self.year) * 12 + other.month as i32 - self.month as i32 + 1
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// An inclusive range of months, written in its most compact form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    start: YearMonth,
    end: YearMonth,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error(
        "`{0}` is not a period: use a year (2024), a quarter (2024-Q3), a month (2024-10) or a month range (2024-01/2024-10)"
    )]
    Syntax(String),
    #[error("year {0} is outside 1900–2200")]
    YearOutOfRange(i32),
    #[error("month {0} is outside 1–12")]
    MonthOutOfRange(u32),
    #[error("quarter {0} is outside 1–4")]
    QuarterOutOfRange(u32),
    #[error("the range ends ({end}) before it starts ({start})")]
    Reversed { start: YearMonth, end: YearMonth },
}

impl Period {
    pub fn new(start: YearMonth, end: YearMonth) -> Result<Self, PeriodError> {
        if end < start {
            return Err(PeriodError::Reversed { start, end });
        }
        Ok(Self { start, end })
    }

    pub fn month(month: YearMonth) -> Self {
        Self {
            start: month,
            end: month,
        }
    }

    pub fn year(year: i32) -> Result<Self, PeriodError> {
        Self::new(YearMonth::new(year, 1)?, YearMonth::new(year, 12)?)
    }

    pub fn quarter(year: i32, quarter: u32) -> Result<Self, PeriodError> {
        if !(1..=4).contains(&quarter) {
            return Err(PeriodError::QuarterOutOfRange(quarter));
        }
        let first = (quarter - 1) * 3 + 1;
        Self::new(
            YearMonth::new(year, first)?,
            YearMonth::new(year, first + 2)?,
        )
    }

    /// Parses `2024`, `2024-Q3`, `2024-10` or `2024-01/2024-10`.
    pub fn parse(input: &str) -> Result<Self, PeriodError> {
        let s = input.trim();
        let syntax = || PeriodError::Syntax(input.to_string());
        if let Some((a, b)) = s.split_once('/') {
            let start = parse_month(a.trim()).ok_or_else(syntax)??;
            let end = parse_month(b.trim()).ok_or_else(syntax)??;
            return Self::new(start, end);
        }
        if let Some(month) = parse_month(s) {
            return Ok(Self::month(month?));
        }
        if let Some((y, q)) = s.split_once(['-', ' ']) {
            let q = q.trim();
            if let Some(digits) = q.strip_prefix(['Q', 'q']) {
                let year = parse_digits(y, 4).ok_or_else(syntax)?;
                let quarter = parse_digits(digits, 1).ok_or_else(syntax)?;
                return Self::quarter(year, quarter as u32);
            }
        }
        let year = parse_digits(s, 4).ok_or_else(syntax)?;
        Self::year(year)
    }

    pub fn start(self) -> YearMonth {
        self.start
    }

    pub fn end(self) -> YearMonth {
        self.end
    }

    pub fn months(self) -> i32 {
        self.start.months_through(self.end)
    }

    /// The same months one year earlier: what year-over-year growth compares with.
    pub fn previous_year(self) -> Result<Self, PeriodError> {
        Self::new(self.start.plus_months(-12)?, self.end.plus_months(-12)?)
    }

    pub fn contains(self, other: Period) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (s, e) = (self.start, self.end);
        if s == e {
            write!(f, "{s}")
        } else if s.year == e.year && s.month == 1 && e.month == 12 {
            write!(f, "{:04}", s.year)
        } else if s.year == e.year && s.month % 3 == 1 && e.month == s.month + 2 {
            write!(f, "{:04}-Q{}", s.year, s.month / 3 + 1)
        } else {
            write!(f, "{s}/{e}")
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// `YYYY-MM`: `None` when the shape is not a month at all, `Some(Err)` when
/// it is but the numbers are out of range.
fn parse_month(s: &str) -> Option<Result<YearMonth, PeriodError>> {
    let (y, m) = s.split_once('-')?;
    let year = parse_digits(y, 4)?;
    if m.len() != 2 {
        return None;
    }
    let month = parse_digits(m, 2)?;
    Some(YearMonth::new(year, month as u32))
}

fn parse_digits(s: &str, len: usize) -> Option<i32> {
    if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ym(y: i32, m: u32) -> YearMonth {
        YearMonth::new(y, m).unwrap()
    }

    #[test]
    fn parses_each_form() {
        assert_eq!(
            Period::parse("2024").unwrap(),
            Period::new(ym(2024, 1), ym(2024, 12)).unwrap()
        );
        assert_eq!(
            Period::parse("2024-Q3").unwrap(),
            Period::new(ym(2024, 7), ym(2024, 9)).unwrap()
        );
        assert_eq!(Period::parse("2024-q1").unwrap().end(), ym(2024, 3));
        assert_eq!(
            Period::parse("2024-10").unwrap(),
            Period::month(ym(2024, 10))
        );
        assert_eq!(
            Period::parse("2024-01/2024-10").unwrap(),
            Period::new(ym(2024, 1), ym(2024, 10)).unwrap()
        );
        assert_eq!(Period::parse(" 2023-11 / 2024-02 ").unwrap().months(), 4);
    }

    #[test]
    fn displays_most_compact_form_and_round_trips() {
        for s in [
            "2024",
            "2024-Q3",
            "2024-10",
            "2024-01/2024-10",
            "2023-11/2024-02",
        ] {
            assert_eq!(Period::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(
            Period::parse("2024-01/2024-12").unwrap().to_string(),
            "2024"
        );
        assert_eq!(
            Period::parse("2024-04/2024-06").unwrap().to_string(),
            "2024-Q2"
        );
    }

    #[test]
    fn rejects_malformed_and_out_of_range() {
        for bad in [
            "",
            "24",
            "2024-1",
            "2024-13",
            "2024-00",
            "2024-Q5",
            "2024-Q0",
            "abcd",
            "2024/2025",
            "2024-10/2024-01",
            "20241",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert_eq!(
            Period::parse("2024-13").unwrap_err(),
            PeriodError::MonthOutOfRange(13)
        );
        assert!(matches!(
            Period::parse("2024-10/2024-01"),
            Err(PeriodError::Reversed { .. })
        ));
        assert!(Period::parse("1899").is_err());
    }

    #[test]
    fn previous_year_and_containment() {
        let p = Period::parse("2024-01/2024-10").unwrap();
        assert_eq!(p.previous_year().unwrap().to_string(), "2023-01/2023-10");
        assert!(
            Period::parse("2024")
                .unwrap()
                .contains(Period::parse("2024-Q3").unwrap())
        );
        assert!(
            !Period::parse("2024-Q3")
                .unwrap()
                .contains(Period::parse("2024").unwrap())
        );
    }

    #[test]
    fn month_arithmetic_crosses_years() {
        assert_eq!(ym(2024, 1).plus_months(-1).unwrap(), ym(2023, 12));
        assert_eq!(ym(2024, 12).plus_months(1).unwrap(), ym(2025, 1));
        assert_eq!(ym(2024, 3).key(), 202403);
        assert_eq!(YearMonth::from_key(202403).unwrap(), ym(2024, 3));
        assert_eq!(ym(2024, 1).months_through(ym(2024, 10)), 10);
    }
}
