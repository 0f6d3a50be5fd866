//! Closed intervals of real numbers: how the audit keeps rounding honest.
//!
//! A published "18.9 %" is not the number 18.9 but any number that rounds to
//! it, `[18.85, 18.95]`. The audit turns every stated figure into such an
//! interval, carries intervals through the arithmetic (sums, ratios, growth,
//! compound rates) and only reports an inconsistency when the stated and the
//! computed intervals cannot meet. Bounds are `f64`; `intersects` allows a
//! relative slack of 1e-9 so that binary floating point never turns an exact
//! tie (18.9 + 11.6 = 30.5) into a false finding.

use std::fmt;
use std::ops::{Add, Mul, Neg, Sub};

/// Relative slack absorbing floating-point error in comparisons.
const EPSILON: f64 = 1e-9;

/// A closed interval `[lo, hi]` with `lo <= hi`; bounds may be infinite.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Interval {
    lo: f64,
    hi: f64,
}

/// Why a text or a pair of bounds is not an interval.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IntervalError {
    #[error("`{0}` is not a printed number")]
    NotANumber(String),
    #[error("the interval bounds [{lo}, {hi}] are reversed or not numbers")]
    Bounds { lo: f64, hi: f64 },
}

impl Interval {
    /// `[lo, hi]`; fails when `lo > hi` or either bound is NaN.
    pub fn new(lo: f64, hi: f64) -> Result<Self, IntervalError> {
        if lo.is_nan() || hi.is_nan() || lo > hi {
            return Err(IntervalError::Bounds { lo, hi });
        }
        Ok(Self { lo, hi })
    }

    /// The degenerate interval `[v, v]`: an exact figure, e.g. from the database.
    pub fn point(v: f64) -> Self {
        Self { lo: v, hi: v }
    }

    /// Every number that prints as `value` with `decimals` decimals:
    /// `rounded(18.9, 1)` is `[18.85, 18.95]`, `rounded(120.0, 0)` is `[119.5, 120.5]`.
    pub fn rounded(value: f64, decimals: u32) -> Self {
        let half = 0.5 * 10f64.powi(-(decimals as i32));
        Self {
            lo: value - half,
            hi: value + half,
        }
    }

    /// Parses a printed figure into the interval its precision allows.
    ///
    /// Accepts thousands commas (`1,230`), a decimal point or a lone decimal
    /// comma (`10,6`), a leading sign, and a trailing scale word that
    /// multiplies both bounds: `"28.9 billion"` is `[28.85e9, 28.95e9]`,
    /// `"57 mil millones"` is `[56.5e9, 57.5e9]`. Spanish `billón` is 10¹²,
    /// English `billion` 10⁹.
    pub fn from_printed(text: &str) -> Result<Self, IntervalError> {
        let bad = || IntervalError::NotANumber(text.to_string());
        let t = text.trim();
        let end = t
            .char_indices()
            .find(|&(i, c)| {
                !(c.is_ascii_digit() || c == '.' || c == ',' || (i == 0 && "+-−".contains(c)))
            })
            .map_or(t.len(), |(i, _)| i);
        let (number, rest) = t.split_at(end);
        let scale = match rest.trim() {
            "" => 1.0,
            word => scale_of_word(word).ok_or_else(bad)?,
        };
        let (value, decimals) = parse_plain_number(number).ok_or_else(bad)?;
        Ok(Self::rounded(value, decimals).scale(scale))
    }

    pub fn lo(self) -> f64 {
        self.lo
    }

    pub fn hi(self) -> f64 {
        self.hi
    }

    pub fn midpoint(self) -> f64 {
        if self.lo.is_infinite() || self.hi.is_infinite() {
            if self.lo.is_finite() {
                return self.lo;
            }
            return self.hi;
        }
        (self.lo + self.hi) / 2.0
    }

    pub fn width(self) -> f64 {
        self.hi - self.lo
    }

    /// Both bounds times a constant (a unit scale, or 100 for percent).
    pub fn scale(self, k: f64) -> Self {
        self * Self::point(k)
    }

    /// The smallest interval holding both.
    pub fn hull(self, other: Self) -> Self {
        Self {
            lo: self.lo.min(other.lo),
            hi: self.hi.max(other.hi),
        }
    }

    /// A new interval with the given bounds replaced (for one-sided wording
    /// such as "more than 57" or "nearly 6.6").
    pub fn with_bounds(self, lo: Option<f64>, hi: Option<f64>) -> Self {
        let lo = lo.unwrap_or(self.lo);
        let hi = hi.unwrap_or(self.hi);
        Self {
            lo: lo.min(hi),
            hi: hi.max(lo),
        }
    }

    /// `self / other`, or `None` when `other` contains zero (the quotient
    /// would be unbounded or undefined, and the audit cannot conclude anything).
    pub fn checked_div(self, other: Self) -> Option<Self> {
        if other.lo <= 0.0 && other.hi >= 0.0 {
            return None;
        }
        Some(self * Self::new(1.0 / other.hi, 1.0 / other.lo).ok()?)
    }

    /// `self ^ exp` for a non-negative base; `None` when the base may be
    /// negative (a fractional power is then undefined).
    pub fn pow(self, exp: f64) -> Option<Self> {
        if self.lo < 0.0 {
            return None;
        }
        let (a, b) = (self.lo.powf(exp), self.hi.powf(exp));
        Self::new(a.min(b), a.max(b)).ok()
    }

    /// Whether the two intervals share at least one point (up to float error).
    pub fn intersects(self, other: Self) -> bool {
        let slack = EPSILON
            * (self
                .lo
                .abs()
                .max(self.hi.abs())
                .max(other.lo.abs())
                .max(other.hi.abs())
                .max(1.0));
        let slack = if slack.is_finite() { slack } else { EPSILON };
        self.lo <= other.hi + slack && other.lo <= self.hi + slack
    }

    /// Whether `v` lies in the interval (up to float error).
    pub fn contains(self, v: f64) -> bool {
        self.intersects(Self::point(v))
    }

    /// Whether the whole of `other` lies in `self` (up to float error).
    pub fn contains_interval(self, other: Self) -> bool {
        self.contains(other.lo) && self.contains(other.hi)
    }
}

impl Add for Interval {
    type Output = Interval;
    fn add(self, o: Interval) -> Interval {
        Interval {
            lo: self.lo + o.lo,
            hi: self.hi + o.hi,
        }
    }
}

impl Sub for Interval {
    type Output = Interval;
    fn sub(self, o: Interval) -> Interval {
        Interval {
            lo: self.lo - o.hi,
            hi: self.hi - o.lo,
        }
    }
}

impl Neg for Interval {
    type Output = Interval;
    fn neg(self) -> Interval {
        Interval {
            lo: -self.hi,
            hi: -self.lo,
        }
    }
}

impl Mul for Interval {
    type Output = Interval;
    fn mul(self, o: Interval) -> Interval {
        let products = [
            self.lo * o.lo,
            self.lo * o.hi,
            self.hi * o.lo,
            self.hi * o.hi,
        ];
        // 0 × ∞ is NaN; it only arises with unbounded intervals and means 0 there.
        let clean = products.map(|p| if p.is_nan() { 0.0 } else { p });
        Interval {
            lo: clean.iter().copied().fold(f64::INFINITY, f64::min),
            hi: clean.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }
}

impl std::iter::Sum for Interval {
    fn sum<I: Iterator<Item = Interval>>(iter: I) -> Self {
        iter.fold(Interval::point(0.0), |a, b| a + b)
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}, {}]", format_bound(self.lo), format_bound(self.hi))
    }
}

/// Up to four significant decimals, without trailing zeros; large values in
/// plain digits so that a reader compares them with the text.
fn format_bound(v: f64) -> String {
    if v.is_infinite() {
        return if v > 0.0 { "∞".into() } else { "-∞".into() };
    }
    let digits = if v.abs() >= 1000.0 {
        0
    } else if v.abs() >= 1.0 {
        4
    } else {
        6
    };
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// The multiplier of a scale word, English or Spanish.
pub fn scale_of_word(word: &str) -> Option<f64> {
    let w = crate::text::fold(word);
    let w = w.trim_end_matches('.');
    Some(match w {
        "thousand" | "thousands" | "k" | "mil" | "miles" => 1e3,
        "million" | "millions" | "mn" | "m" | "millon" | "millones" | "mdd" | "mdp" => 1e6,
        "billion" | "billions" | "bn" | "b" | "mil millones" | "miles de millones" => 1e9,
        "trillion" | "trillions" | "tn" | "billon" | "billones" => 1e12,
        _ => return None,
    })
}

/// `1,230.5` → (1230.5, 1 decimal); `10,6` → (10.6, 1); `-3` → (-3, 0).
fn parse_plain_number(s: &str) -> Option<(f64, u32)> {
    let (sign, digits) = match s.strip_prefix(['-', '−']) {
        Some(rest) => (-1.0, rest),
        None => (1.0, s.strip_prefix('+').unwrap_or(s)),
    };
    if digits.is_empty() || !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let normalized = if let Some((int, frac)) = digits.rsplit_once(',') {
        let thousands = frac.len() >= 3 && frac[..3].bytes().all(|b| b.is_ascii_digit());
        if thousands && !int.contains('.') {
            digits.replace(',', "")
        } else if !digits.contains('.') && (1..=2).contains(&frac.len()) && !int.contains(',') {
            format!("{int}.{frac}")
        } else {
            return None;
        }
    } else {
        digits.to_string()
    };
    let decimals = normalized
        .split_once('.')
        .map_or(0, |(_, f)| f.len() as u32);
    let value: f64 = normalized.parse().ok()?;
    Some((sign * value, decimals))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    fn iv(lo: f64, hi: f64) -> Interval {
        Interval::new(lo, hi).unwrap()
    }

    #[test]
    fn printed_precision_gives_the_interval() {
        let i = Interval::from_printed("18.9").unwrap();
        assert!(close(i.lo(), 18.85) && close(i.hi(), 18.95), "{i}");
        let i = Interval::from_printed("120").unwrap();
        assert_eq!((i.lo(), i.hi()), (119.5, 120.5));
        let i = Interval::from_printed("1,230").unwrap();
        assert_eq!((i.lo(), i.hi()), (1229.5, 1230.5));
        let i = Interval::from_printed("10,6").unwrap();
        assert!(close(i.lo(), 10.55));
        let i = Interval::from_printed("-10.60").unwrap();
        assert!(close(i.lo(), -10.605) && close(i.hi(), -10.595));
    }

    #[test]
    fn scale_words_multiply_both_bounds() {
        let i = Interval::from_printed("28.9 billion").unwrap();
        assert!(close(i.lo(), 28.85e9) && close(i.hi(), 28.95e9), "{i}");
        let i = Interval::from_printed("57 mil millones").unwrap();
        assert!(close(i.lo(), 56.5e9));
        let i = Interval::from_printed("2 billones").unwrap();
        assert!(close(i.hi(), 2.5e12));
    }

    #[test]
    fn rejects_what_is_not_a_number() {
        for bad in ["", "abc", "12 apples", "1,2,3", "--4"] {
            assert!(Interval::from_printed(bad).is_err(), "{bad}");
        }
        assert!(Interval::new(2.0, 1.0).is_err());
        assert!(Interval::new(f64::NAN, 1.0).is_err());
    }

    #[test]
    fn arithmetic_carries_the_bounds() {
        let a = iv(1.0, 2.0);
        let b = iv(3.0, 5.0);
        assert_eq!(a + b, iv(4.0, 7.0));
        assert_eq!(a - b, iv(-4.0, -1.0));
        assert_eq!(a * b, iv(3.0, 10.0));
        assert_eq!(iv(-1.0, 2.0) * b, iv(-5.0, 10.0));
        assert_eq!(a.checked_div(iv(2.0, 4.0)), Some(iv(0.25, 1.0)));
        assert_eq!(-a, iv(-2.0, -1.0));
        assert_eq!(a.scale(100.0), iv(100.0, 200.0));
    }

    #[test]
    fn division_by_an_interval_holding_zero_is_none() {
        assert_eq!(iv(1.0, 2.0).checked_div(iv(-1.0, 1.0)), None);
        assert_eq!(iv(1.0, 2.0).checked_div(Interval::point(0.0)), None);
    }

    #[test]
    fn powers_and_compound_rates() {
        let ratio = Interval::from_printed("6.6")
            .unwrap()
            .checked_div(Interval::from_printed("2.4").unwrap())
            .unwrap();
        let rate = ratio.pow(1.0 / 19.0).unwrap() - Interval::point(1.0);
        assert!(rate.lo() > 0.053 && rate.hi() < 0.057, "{rate}");
        assert_eq!(iv(-1.0, 4.0).pow(0.5), None);
        assert_eq!(iv(4.0, 9.0).pow(-0.5), Some(iv(1.0 / 3.0, 0.5)));
    }

    #[test]
    fn intersection_tolerates_float_error_at_the_edges() {
        let sum: Interval = ["18.9", "11.6", "9.7", "9.3", "9.1", "6.2"]
            .iter()
            .map(|s| Interval::from_printed(s).unwrap())
            .sum();
        assert!(sum.intersects(Interval::from_printed("64.8").unwrap()));
        assert!(iv(0.0, 1.0).intersects(iv(1.0, 2.0)));
        assert!(!iv(0.0, 1.0).intersects(iv(1.001, 2.0)));
        assert!(iv(0.0, 1.0).contains(0.5) && !iv(0.0, 1.0).contains(1.5));
        assert!(iv(0.0, 10.0).contains_interval(iv(2.0, 3.0)));
    }

    #[test]
    fn midpoint_hull_and_display() {
        assert_eq!(iv(1.0, 3.0).midpoint(), 2.0);
        assert_eq!(iv(1.0, 3.0).hull(iv(5.0, 6.0)), iv(1.0, 6.0));
        assert_eq!(
            Interval::from_printed("18.9").unwrap().to_string(),
            "[18.85, 18.95]"
        );
        assert_eq!(
            iv(28.85e9, 28.95e9).to_string(),
            "[28850000000, 28950000000]"
        );
        assert_eq!(iv(57.0, f64::INFINITY).to_string(), "[57, ∞]");
        assert_eq!(iv(1.0, 2.0).with_bounds(None, Some(5.0)), iv(1.0, 5.0));
    }
}
