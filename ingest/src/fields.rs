//! Parsers of single fields, shared by both layouts. Each returns the typed
//! value or the [`Violation`] it breaks; the layout attaches line and column.

use tradegraph_domain::codes::{ALL_PARTNERS, ALL_PRODUCTS, NATION};
use tradegraph_domain::{Classification, Currency, Direction, Period, PeriodError};

use crate::catalog::Catalog;
use crate::error::{Violation, rules};

type Field<T> = Result<T, Violation>;

/// Values above 2^53 cannot hold every whole number exactly.
const MAX_VALUE: f64 = 9_007_199_254_740_992.0;

fn required(s: &str) -> Field<&str> {
    if s.is_empty() {
        Err(Violation::new(rules::REQUIRED, "a value is required"))
    } else {
        Ok(s)
    }
}

pub fn period(s: &str) -> Field<Period> {
    Period::parse(required(s)?).map_err(|e| {
        let message = match e {
            PeriodError::Syntax(_) => e.to_string(),
            other => format!("`{s}` is not a valid period: {other}"),
        };
        Violation::new(rules::INVALID_PERIOD, message)
    })
}

pub fn direction(s: &str) -> Field<Direction> {
    required(s)?.parse().map_err(|_| {
        Violation::new(
            rules::INVALID_DIRECTION,
            format!("`{s}` is not a direction: use EXPORT or IMPORT"),
        )
    })
}

pub fn region(s: &str, catalog: &dyn Catalog) -> Field<String> {
    let code = required(s)?;
    let digits = code.bytes().all(|b| b.is_ascii_digit());
    if !digits || !(code.len() == 2 || code.len() == 5) {
        return Err(Violation::new(
            rules::INVALID_REGION,
            format!(
                "`{s}` is not an INEGI region code: use {NATION} for the nation, 2 digits for a state (02), 5 for a municipality (02002)"
            ),
        ));
    }
    if catalog.region_name(code).is_none() {
        return Err(Violation::new(
            rules::UNKNOWN_REGION,
            format!("`{s}` is not a known INEGI region code"),
        ));
    }
    Ok(code.to_string())
}

pub fn partner(s: &str, catalog: &dyn Catalog) -> Field<String> {
    let code = required(s)?;
    if code.eq_ignore_ascii_case(ALL_PARTNERS) {
        return Ok(ALL_PARTNERS.to_string());
    }
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(Violation::new(
            rules::INVALID_PARTNER,
            format!(
                "`{s}` is not an ISO 3166-1 alpha-3 country code (USA, CHN) nor {ALL_PARTNERS} for all partners"
            ),
        ));
    }
    let upper = code.to_ascii_uppercase();
    if catalog.partner_name(&upper).is_none() {
        return Err(Violation::new(
            rules::UNKNOWN_PARTNER,
            format!("`{s}` is not a known partner country code"),
        ));
    }
    Ok(upper)
}

/// An empty classification means HS.
pub fn classification(s: &str) -> Field<Classification> {
    if s.is_empty() {
        return Ok(Classification::Hs);
    }
    s.parse().map_err(|_| {
        Violation::new(
            rules::INVALID_CLASSIFICATION,
            format!("`{s}` is not a classification: use HS or SCIAN"),
        )
    })
}

pub fn product(s: &str, classification: Classification, catalog: &dyn Catalog) -> Field<String> {
    let code = required(s)?;
    if code.eq_ignore_ascii_case(ALL_PRODUCTS) {
        return Ok(ALL_PRODUCTS.to_string());
    }
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let shaped = match classification {
        Classification::Hs => digits(code) && matches!(code.len(), 2 | 4 | 6),
        Classification::Scian => match code.split_once('-') {
            Some((a, b)) => digits(a) && digits(b) && a.len() == 2 && b.len() == 2,
            None => digits(code) && (2..=6).contains(&code.len()),
        },
    };
    if !shaped {
        let hint = match classification {
            Classification::Hs => "2, 4 or 6 digits (85, 8542, 854231)",
            Classification::Scian => "2 to 6 digits or a sector range (21, 336, 31-33)",
        };
        return Err(Violation::new(
            rules::INVALID_PRODUCT,
            format!("`{s}` is not a {classification} code: use {hint} or {ALL_PRODUCTS}"),
        ));
    }
    if catalog.product_name(classification, code).is_none() {
        return Err(Violation::new(
            rules::UNKNOWN_PRODUCT,
            format!("`{s}` is not a known {classification} code"),
        ));
    }
    Ok(code.to_string())
}

/// A plain non-negative decimal: digits, optionally a point and more
/// digits. No sign, exponent, thousands separator or decimal comma, so
/// `1,234` can never be misread as one thousand or as one point two.
pub fn value(s: &str) -> Field<f64> {
    let s = required(s)?;
    let (negative, unsigned) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if ["nan", "inf", "infinity"]
        .iter()
        .any(|word| unsigned.eq_ignore_ascii_case(word))
    {
        return Err(Violation::new(
            rules::NON_FINITE_VALUE,
            format!("`{s}` is not a finite number"),
        ));
    }
    if !is_plain_decimal(unsigned) || s.starts_with('+') {
        let hint = if s.contains([',', ' ', '_', '\'']) {
            "write it without thousands separators and with a decimal point (1234567.5)"
        } else {
            "use a plain decimal number such as 1234.5"
        };
        return Err(Violation::new(
            rules::INVALID_VALUE,
            format!("`{s}` is not a number: {hint}"),
        ));
    }
    if negative {
        return Err(Violation::new(
            rules::NEGATIVE_VALUE,
            format!("`{s}` is negative: trade values are zero or more"),
        ));
    }
    let v: f64 = s
        .parse()
        .map_err(|_| Violation::new(rules::INVALID_VALUE, format!("`{s}` is not a number")))?;
    if v > MAX_VALUE {
        return Err(Violation::new(
            rules::VALUE_OUT_OF_RANGE,
            format!("`{s}` is larger than 9007199254740992, the largest exact whole number"),
        ));
    }
    Ok(v)
}

/// Digits, optionally followed by a point and at least one more digit.
fn is_plain_decimal(t: &str) -> bool {
    let (int, frac) = match t.split_once('.') {
        Some((_, "")) => return false,
        Some((i, f)) => (i, f),
        None => (t, ""),
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

pub fn currency(s: &str) -> Field<Currency> {
    required(s)?.parse().map_err(|_| {
        Violation::new(
            rules::INVALID_CURRENCY,
            format!("`{s}` is not a supported currency: use USD or MXN"),
        )
    })
}

/// A slug: `[a-z0-9][a-z0-9._-]{0,63}`.
pub fn source(s: &str) -> Field<String> {
    let s = required(s)?;
    let b = s.as_bytes();
    let ok = b.len() <= 64
        && b[0].is_ascii_lowercase() | b[0].is_ascii_digit()
        && b.iter().all(|&c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'.' | b'_' | b'-')
        });
    if !ok {
        return Err(Violation::new(
            rules::INVALID_SOURCE,
            format!(
                "`{s}` is not a source name: use at most 64 lower-case letters, digits, `.`, `_` or `-`, starting with a letter or digit (datamexico, manual)"
            ),
        ));
    }
    Ok(s.to_string())
}

/// An optional label: empty means absent.
pub fn label(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// Runs `parse` on the field at `index` of `row`, placing any violation at
/// `line` and `column`.
pub fn check<T>(
    row: &csv::StringRecord,
    index: usize,
    column: &str,
    line: u64,
    parse: impl FnOnce(&str) -> Field<T>,
) -> Result<T, crate::error::RowError> {
    let raw = row.get(index).unwrap_or("").trim();
    parse(raw).map_err(|v| v.at(line, column, raw))
}
