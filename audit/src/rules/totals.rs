//! TOTAL_SUM.

use tradegraph_domain::Interval;

use super::{TOLERANCE, claim, same_currency};
use crate::claim::{Claim, ClaimKind};
use crate::finding::{Finding, RuleCode, Severity};

/// A total that is not the sum of its parts; for a top-N list, a total
/// smaller than its parts.
pub fn total_sum(claims: &[Claim]) -> Vec<Finding> {
    let mut out = Vec::new();
    for t in claims
        .iter()
        .filter(|c| c.kind == ClaimKind::Total && !c.links.parts.is_empty())
    {
        let parts: Vec<&Claim> = t
            .links
            .parts
            .iter()
            .filter_map(|&p| claim(claims, p))
            .collect();
        let Some(stated) = t.interval() else { continue };
        if parts.len() != t.links.parts.len()
            || parts.iter().any(|p| t.is_money() && !same_currency(t, p))
        {
            continue;
        }
        if parts.iter().any(|p| p.is_percent() != t.is_percent()) {
            continue;
        }
        let Some(sum) = parts.iter().map(|p| p.interval()).sum::<Option<Interval>>() else {
            continue;
        };
        // A combined prose total (no row label) or a complete table must equal its parts;
        // a top-N table's total may include rows not listed.
        let complete =
            t.label.is_none() || parts.iter().all(|p| p.group.is_none_or(|g| g.complete));
        let wrong = if complete {
            !sum.intersects(stated)
        } else {
            sum.lo() > stated.hi() && !sum.intersects(stated)
        };
        if !wrong {
            continue;
        }
        let shown = |i: Interval| {
            if t.is_percent() {
                format!("{:.2}%", i.midpoint())
            } else {
                super::money(i.midpoint())
            }
        };
        let message = if complete {
            format!(
                "The total is stated as {} but its {} parts add up to {} (between {} and {}).",
                t.printed(),
                parts.len(),
                shown(sum),
                shown(Interval::point(sum.lo())),
                shown(Interval::point(sum.hi()))
            )
        } else {
            format!(
                "The total is stated as {} but the {} listed parts alone add up to at least {}, more than the total.",
                t.printed(),
                parts.len(),
                shown(Interval::point(sum.lo()))
            )
        };
        let mut all = vec![t];
        all.extend(parts);
        out.push(
            Finding::about(RuleCode::TotalSum, Severity::Error, message, &all)
                .with_intervals(sum, stated, TOLERANCE),
        );
    }
    out
}
