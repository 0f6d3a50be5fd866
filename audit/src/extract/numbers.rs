//! Figures in text: percentages and amounts of money with their currency
//! and scale, turned into the interval their printed precision allows.

use std::sync::LazyLock;

use regex::Regex;
use tradegraph_domain::{Currency, Interval, interval::scale_of_word, text};

use super::lexicon::HEDGES;
use crate::claim::{Span, Stated, Unit};

const NUM: &str = r"[-−]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[-−]?[0-9]+(?:[.,][0-9]+)?";
const SCALE: &str = r"mil\s+millones|miles\s+de\s+millones|millones|mill[oó]n|billones|bill[oó]n|billions?|millions?|trillions?|thousands?|mil|bn|mn|mdd|mdp";
const CURRENCY_WORD: &str =
    r"d[oó]lares(?:\s+estadounidenses)?|dollars|pesos(?:\s+mexicanos)?|USD|MXN";

static PERCENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?P<num>{NUM})\s?(?:%|por\s?ciento(?-u:\b)|percent(?-u:\b)|per\s?cent(?-u:\b))"
    ))
    .expect("valid regex")
});
static MONEY_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?P<cur>US\s?\$|U\.S\.\s?\$|MX\$|USD|MXN|\\?\$)\s?(?P<num>{NUM})(?:\s*(?P<scale>{SCALE})(?-u:\b))?(?:\s+(?:de\s+)?(?P<word>{CURRENCY_WORD})(?-u:\b))?"
    ))
    .expect("valid regex")
});
static MONEY_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?P<num>{NUM})(?:\s*(?P<scale>{SCALE})(?-u:\b))?\s+(?:de\s+)?(?P<word>{CURRENCY_WORD})(?-u:\b)"
    ))
    .expect("valid regex")
});

/// What a figure measures, as read next to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FigureUnit {
    Percent,
    Money {
        currency: Option<Currency>,
        scale: f64,
    },
}

impl FigureUnit {
    pub fn to_unit(self) -> Unit {
        match self {
            FigureUnit::Percent => Unit::Percent,
            FigureUnit::Money { currency, scale } => Unit::Money { currency, scale },
        }
    }
}

/// A figure found in text.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub span: Span,
    pub stated: Stated,
    pub unit: FigureUnit,
}

/// Every percentage and amount of money in `text[range]`, in order.
pub fn figures(text: &str, range: Span) -> Vec<Figure> {
    let slice = &text[range.start..range.end];
    let mut out: Vec<Figure> = Vec::new();
    let mut push = |f: Figure| {
        if !out
            .iter()
            .any(|o| o.span.start < f.span.end && f.span.start < o.span.end)
        {
            out.push(f);
        }
    };
    for caps in MONEY_PREFIX
        .captures_iter(slice)
        .chain(MONEY_SUFFIX.captures_iter(slice))
    {
        let (Some(all), Some(num)) = (caps.get(0), caps.name("num")) else {
            continue;
        };
        let symbol = caps.name("cur").map_or("", |m| m.as_str());
        let word = caps.name("word").map_or("", |m| m.as_str());
        let scale_word = caps.name("scale").map(|m| m.as_str());
        if symbol.is_empty() && word.is_empty() {
            continue;
        }
        let scale = scale_word.and_then(scale_of_word).unwrap_or(1.0);
        let unit = FigureUnit::Money {
            currency: currency_of(symbol, word, scale_word),
            scale,
        };
        if let Some(f) = figure(
            text,
            range.start + all.start(),
            range.start + all.end(),
            num.as_str(),
            scale,
            unit,
        ) {
            push(f);
        }
    }
    for caps in PERCENT.captures_iter(slice) {
        let (Some(all), Some(num)) = (caps.get(0), caps.name("num")) else {
            continue;
        };
        if let Some(f) = figure(
            text,
            range.start + all.start(),
            range.start + all.end(),
            num.as_str(),
            1.0,
            FigureUnit::Percent,
        ) {
            push(f);
        }
    }
    out.sort_by_key(|f| f.span.start);
    out
}

/// A bare table cell ("\$184.09", "<b>\$65.96</b>", "12.5%", "1,230"):
/// the number, whether it had a percent sign, and its currency symbol.
pub fn cell_number(cell: &str) -> Option<(Interval, bool, Option<Currency>)> {
    let cleaned = strip_tags(cell);
    let mut t = cleaned.trim().trim_matches('*').trim();
    let mut currency = None;
    for (prefix, c) in [
        ("US$", Some(Currency::Usd)),
        ("MX$", Some(Currency::Mxn)),
        ("\\$", None),
        ("$", None),
    ] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.trim_start();
            currency = c;
            break;
        }
    }
    let percent = t.ends_with('%');
    let t = t.trim_end_matches('%').trim();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || ".,-−+".contains(c)) {
        return None;
    }
    Interval::from_printed(t)
        .ok()
        .map(|i| (i, percent, currency))
}

/// The text without HTML tags (`<b>`, `</b>`).
pub fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn figure(
    text: &str,
    start: usize,
    end: usize,
    number: &str,
    scale: f64,
    unit: FigureUnit,
) -> Option<Figure> {
    // A figure glued to letters or digits is part of something else (a code).
    let before = text[..start].chars().next_back();
    if before.is_some_and(|c| c.is_alphanumeric() || c == '.') {
        return None;
    }
    let base = Interval::from_printed(number).ok()?.scale(scale);
    let (interval, hedge) = hedged(text, start, base);
    Some(Figure {
        span: Span::new(start, end),
        stated: Stated {
            text: text[start..end].trim().to_string(),
            interval,
            hedge,
        },
        unit,
    })
}

/// Widens the interval by a hedge just before the figure ("nearly", "más de").
fn hedged(text: &str, start: usize, base: Interval) -> (Interval, Option<String>) {
    let from = text[..start]
        .char_indices()
        .rev()
        .nth(24)
        .map_or(0, |(i, _)| i);
    let before = text::fold(&text[from..start]);
    let before = before.trim_end_matches(|c: char| c == ' ' || c == '$' || c.is_ascii_uppercase());
    let before = before.trim_end_matches("us").trim_end();
    for (phrase, lo, hi) in HEDGES {
        if before.ends_with(phrase)
            && before[..before.len() - phrase.len()]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
        {
            let mid = base.midpoint();
            let low = lo.map(|f| {
                if f == 0.0 {
                    mid.min(0.0)
                } else {
                    base.lo().min(mid * f)
                }
            });
            let high = hi.map(|f| {
                if f.is_infinite() {
                    f64::INFINITY
                } else {
                    base.hi().max(mid * f)
                }
            });
            return (base.with_bounds(low, high), Some((*phrase).to_string()));
        }
    }
    (base, None)
}

fn currency_of(symbol: &str, word: &str, scale_word: Option<&str>) -> Option<Currency> {
    let w = text::fold(word);
    let s = symbol.to_ascii_uppercase();
    if s.starts_with("US")
        || s.starts_with("U.S")
        || w.starts_with("dolar")
        || w == "dollars"
        || w == "usd"
    {
        Some(Currency::Usd)
    } else if s.starts_with("MX") || w.starts_with("peso") || w == "mxn" {
        Some(Currency::Mxn)
    } else {
        match scale_word.map(text::fold).as_deref() {
            Some("mdd") => Some(Currency::Usd),
            Some("mdp") => Some(Currency::Mxn),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(s: &str) -> Vec<Figure> {
        figures(s, Span::new(0, s.len()))
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn percentages_with_their_precision() {
        let f = all("una disminución del 10.60% y un aumento del 2.98 %");
        assert_eq!(f.len(), 2);
        assert!(close(f[0].stated.interval.lo(), 10.595));
        assert_eq!(f[1].stated.text, "2.98 %");
        assert_eq!(all("grew 5 percent")[0].unit, FigureUnit::Percent);
    }

    #[test]
    fn amounts_with_currency_and_scale() {
        let f = all(
            "shipments totaling US$28.9 billion, and 57 mil millones de pesos, or 1,230 millones de dólares",
        );
        assert_eq!(f.len(), 3, "{f:?}");
        assert_eq!(
            f[0].unit,
            FigureUnit::Money {
                currency: Some(Currency::Usd),
                scale: 1e9
            }
        );
        assert!(close(f[0].stated.interval.lo(), 28.85e9));
        assert_eq!(
            f[1].unit,
            FigureUnit::Money {
                currency: Some(Currency::Mxn),
                scale: 1e9
            }
        );
        assert!(close(f[2].stated.interval.hi(), 1230.5e6));
        let f = all("exceeded 57 billion pesos");
        assert_eq!(f[0].stated.interval.hi(), f64::INFINITY);
        assert_eq!(f[0].stated.hedge.as_deref(), Some("exceeded"));
    }

    #[test]
    fn hedges_widen_the_interval() {
        let f = all("to nearly US$6.6 trillion in 2024");
        let i = f[0].stated.interval;
        assert!(close(i.lo(), 5.94e12) && close(i.hi(), 6.65e12), "{i}");
    }

    #[test]
    fn years_and_codes_are_not_figures() {
        assert!(all("in 2024 the heading 8542 and the Top 10").is_empty());
        assert!(all("ISO3166 MX2024%").is_empty());
    }

    #[test]
    fn table_cells() {
        let (i, pct, cur) = cell_number("<b>\\$65.96</b>").unwrap();
        assert!(close(i.lo(), 65.955) && !pct && cur.is_none());
        assert!(cell_number("12.5%").unwrap().1);
        assert!(cell_number("Circuitos").is_none());
        assert!(cell_number("US$1,230").unwrap().2 == Some(Currency::Usd));
    }
}
