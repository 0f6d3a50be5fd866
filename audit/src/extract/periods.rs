//! Periods in text: years, quarters ("3Q2025", "tercer trimestre de 2025"),
//! months, month ranges ("enero–octubre 2024", "between January and October
//! 2024"), year ranges ("between 2005 and 2024") and "the first N months".

use std::sync::LazyLock;

use regex::Regex;
use tradegraph_domain::{Period, YearMonth, text};

use super::lexicon::count_word;
use crate::claim::Span;

const MONTH: &str = r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|january|february|march|april|may|june|july|august|september|october|november|december";

static PATTERNS: LazyLock<Vec<(Shape, Regex)>> = LazyLock::new(|| {
    let p = |s: &str| Regex::new(&format!("(?i){s}")).expect("valid regex");
    vec![
        (
            Shape::YearRange,
            p(
                r"(?-u:\b)(?:between|from|entre|desde|de)\s+((?:19|20)[0-9]{2})\s+(?:and|to|y|a|al|hasta)\s+((?:19|20)[0-9]{2})(?-u:\b)",
            ),
        ),
        (
            Shape::YearRange,
            p(r"(?-u:\b)((?:19|20)[0-9]{2})\s?[-–—/]\s?((?:19|20)[0-9]{2})(?-u:\b)"),
        ),
        (
            Shape::MonthRange,
            p(&format!(
                r"(?-u:\b)(?:between\s+|from\s+|entre\s+|de\s+)?({MONTH})\s*(?:-|–|—|to|and|a|al|y|through)\s*({MONTH}),?\s+(?:de(?:l)?\s+|of\s+)?((?:19|20)[0-9]{{2}})(?-u:\b)"
            )),
        ),
        (
            Shape::FirstMonths,
            p(
                r"(?-u:\b)(?:first|primeros)\s+(\w+)\s+(?:months|meses)\s+(?:of|de(?:l)?)\s+(?:(?:the\s+year|año)\s+)?((?:19|20)[0-9]{2})(?-u:\b)",
            ),
        ),
        (
            Shape::Quarter,
            p(r"(?-u:\b)([1-4])\s?[QT]\s?((?:19|20)[0-9]{2})(?-u:\b)"),
        ),
        (
            Shape::QuarterFirst,
            p(r"(?-u:\b)[QT]([1-4])\s?((?:19|20)[0-9]{2})(?-u:\b)"),
        ),
        (
            Shape::QuarterWord,
            p(
                r"(?-u:\b)(first|second|third|fourth|1st|2nd|3rd|4th|primer|segundo|tercer|cuarto)\s+(?:quarter|trimestre)\s+(?:of\s+|de(?:l)?\s+)?((?:19|20)[0-9]{2})(?-u:\b)",
            ),
        ),
        (
            Shape::Month,
            p(&format!(
                r"(?-u:\b)({MONTH})\s+(?:de(?:l)?\s+|of\s+)?((?:19|20)[0-9]{{2}})(?-u:\b)"
            )),
        ),
        (Shape::Year, p(r"(?-u:\b)((?:19|20)[0-9]{2})(?-u:\b)")),
    ]
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    YearRange,
    MonthRange,
    FirstMonths,
    Quarter,
    QuarterFirst,
    QuarterWord,
    Month,
    Year,
}

/// A period written in the text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeriodHit {
    pub span: Span,
    pub period: Period,
    /// For "between 2005 and 2024": the first year, as a period.
    pub from: Option<Period>,
}

/// Every period in `text[range]`, longest pattern first, without overlaps.
pub fn periods(text: &str, range: Span) -> Vec<PeriodHit> {
    let slice = &text[range.start..range.end];
    let mut out: Vec<PeriodHit> = Vec::new();
    for (shape, re) in PATTERNS.iter() {
        for caps in re.captures_iter(slice) {
            let Some(all) = caps.get(0) else { continue };
            let span = Span::new(range.start + all.start(), range.start + all.end());
            if out
                .iter()
                .any(|o| o.span.start < span.end && span.start < o.span.end)
            {
                continue;
            }
            // "2024%" or "$2024" are figures, not years.
            let after = text[span.end..].chars().next();
            let before = text[..span.start].chars().next_back();
            if *shape == Shape::Year
                && (matches!(after, Some('%' | '.' | ','))
                    && text[span.end..]
                        .chars()
                        .nth(1)
                        .is_some_and(|c| c.is_ascii_digit())
                    || after == Some('%')
                    || before == Some('$'))
            {
                continue;
            }
            let group = |i: usize| caps.get(i).map_or("", |m| m.as_str());
            if let Some(hit) = build(*shape, group(1), group(2), group(3), span) {
                out.push(hit);
            }
        }
    }
    out.sort_by_key(|h| h.span.start);
    out
}

fn build(shape: Shape, a: &str, b: &str, c: &str, span: Span) -> Option<PeriodHit> {
    let year = |s: &str| s.parse::<i32>().ok();
    let hit = |period: Period, from: Option<Period>| Some(PeriodHit { span, period, from });
    match shape {
        Shape::YearRange => {
            let (y1, y2) = (year(a)?, year(b)?);
            if y2 <= y1 {
                return None;
            }
            hit(Period::year(y2).ok()?, Some(Period::year(y1).ok()?))
        }
        Shape::MonthRange => {
            let y = year(c)?;
            let start = YearMonth::new(y, month_number(a)?).ok()?;
            let end = YearMonth::new(y, month_number(b)?).ok()?;
            hit(Period::new(start, end).ok()?, None)
        }
        Shape::FirstMonths => {
            let n = count_word(&text::fold(a))? as u32;
            let y = year(b)?;
            let end = YearMonth::new(y, n).ok()?;
            hit(Period::new(YearMonth::new(y, 1).ok()?, end).ok()?, None)
        }
        Shape::Quarter | Shape::QuarterFirst => {
            hit(Period::quarter(year(b)?, a.parse().ok()?).ok()?, None)
        }
        Shape::QuarterWord => {
            let q = match text::fold(a).as_str() {
                "first" | "1st" | "primer" => 1,
                "second" | "2nd" | "segundo" => 2,
                "third" | "3rd" | "tercer" => 3,
                _ => 4,
            };
            hit(Period::quarter(year(b)?, q).ok()?, None)
        }
        Shape::Month => hit(
            Period::month(YearMonth::new(year(b)?, month_number(a)?).ok()?),
            None,
        ),
        Shape::Year => hit(Period::year(year(a)?).ok()?, None),
    }
}

/// 1–12 for a Spanish or English month name.
pub fn month_number(name: &str) -> Option<u32> {
    let folded = text::fold(name);
    let months = MONTH.split('|').collect::<Vec<_>>();
    let index = months.iter().position(|m| *m == folded)?;
    // Spanish list has 13 entries (septiembre/setiembre), then English 12.
    Some(match index {
        0..=7 => index as u32 + 1,
        8 | 9 => 9,
        10..=12 => index as u32,
        _ => (index - 13) as u32 + 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(s: &str) -> Vec<String> {
        periods(s, Span::new(0, s.len()))
            .iter()
            .map(|h| match h.from {
                Some(f) => format!("{f}..{}", h.period),
                None => h.period.to_string(),
            })
            .collect()
    }

    #[test]
    fn the_shapes_of_the_genre() {
        assert_eq!(all("reached US$152.6 billion in 3Q2025"), ["2025-Q3"]);
        assert_eq!(all("en el tercer trimestre de 2024"), ["2024-Q3"]);
        assert_eq!(all("between January and October 2024"), ["2024-01/2024-10"]);
        assert_eq!(
            all("enero–octubre 2024 y de enero a marzo de 2023"),
            ["2024-01/2024-10", "2023-Q1"]
        );
        assert_eq!(all("between 2005 and 2024"), ["2005..2024"]);
        assert_eq!(all("en noviembre de 2025"), ["2025-11"]);
        assert_eq!(all("in the first 10 months of 2024"), ["2024-01/2024-10"]);
        assert_eq!(
            all("from US$2.4 trillion in 2005 to US$6.6 trillion in 2024"),
            ["2005", "2024"]
        );
    }

    #[test]
    fn figures_are_not_years() {
        assert!(all("a 2024% jump and $2024").is_empty());
    }

    #[test]
    fn month_numbers() {
        assert_eq!(month_number("Septiembre"), Some(9));
        assert_eq!(month_number("setiembre"), Some(9));
        assert_eq!(month_number("octubre"), Some(10));
        assert_eq!(month_number("diciembre"), Some(12));
        assert_eq!(month_number("January"), Some(1));
        assert_eq!(month_number("December"), Some(12));
        assert_eq!(month_number("Nothing"), None);
    }
}
