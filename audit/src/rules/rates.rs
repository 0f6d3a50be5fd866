//! GROWTH_VALUE and CAGR.

use tradegraph_domain::Interval;

use super::{TOLERANCE, claim, pct, same_currency};
use crate::claim::{Claim, ClaimKind};
use crate::finding::{Finding, RuleCode, Severity};

/// The two amounts a rate is computed from, when linked and comparable.
fn ends<'a>(claims: &'a [Claim], c: &Claim) -> Option<(&'a Claim, &'a Claim, Interval)> {
    let from = claim(claims, c.links.from?)?;
    let to = claim(claims, c.links.to?)?;
    if !same_currency(from, to) {
        return None;
    }
    let ratio = to.interval()?.checked_div(from.interval()?)?;
    Some((from, to, ratio))
}

/// A growth rate that is not the change between its two stated amounts.
pub fn growth_value(claims: &[Claim]) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in claims.iter().filter(|c| c.kind == ClaimKind::Growth) {
        let (Some((from, to, ratio)), Some(stated)) = (ends(claims, c), c.interval()) else {
            continue;
        };
        let expected = (ratio - Interval::point(1.0)).scale(100.0);
        if expected.intersects(stated) {
            continue;
        }
        let message = format!(
            "The growth is stated as {} ({}), but going from {} to {} is a change of {} (between {:.2}% and {:.2}%).",
            c.printed(),
            pct(stated),
            from.printed(),
            to.printed(),
            pct(expected),
            expected.lo(),
            expected.hi()
        );
        out.push(
            Finding::about(
                RuleCode::GrowthValue,
                Severity::Error,
                message,
                &[c, from, to],
            )
            .with_intervals(expected, stated, TOLERANCE),
        );
    }
    out
}

/// An average annual rate that is not (end ÷ start)^(1/years) − 1.
pub fn cagr(claims: &[Claim]) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in claims.iter().filter(|c| c.kind == ClaimKind::Cagr) {
        let (Some((from, to, ratio)), Some(stated), Some(years)) =
            (ends(claims, c), c.interval(), c.years)
        else {
            continue;
        };
        if years <= 0.0 {
            continue;
        }
        let Some(grown) = ratio.pow(1.0 / years) else {
            continue;
        };
        let expected = (grown - Interval::point(1.0)).scale(100.0);
        if expected.intersects(stated) {
            continue;
        }
        let needed = from
            .interval()
            .map(|f| f.midpoint() * (1.0 + stated.midpoint() / 100.0).powf(years));
        let hint = needed
            .map(|n| {
                format!(
                    " At {} a year, {} would have grown to about {}.",
                    c.printed(),
                    from.printed(),
                    super::money(n)
                )
            })
            .unwrap_or_default();
        let message = format!(
            "The average annual rate is stated as {}, but going from {} to {} over {} years is {} a year (between {:.2}% and {:.2}%).{hint}",
            c.printed(),
            from.printed(),
            to.printed(),
            years,
            pct(expected),
            expected.lo(),
            expected.hi()
        );
        out.push(
            Finding::about(RuleCode::Cagr, Severity::Error, message, &[c, from, to])
                .with_intervals(expected, stated, TOLERANCE),
        );
    }
    out
}
