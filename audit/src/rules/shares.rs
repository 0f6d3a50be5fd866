//! SHARE_SUM and SHARE_VALUE.

use std::collections::BTreeMap;

use tradegraph_domain::Interval;

use super::{TOLERANCE, claim, pct, same_currency};
use crate::claim::{Claim, ClaimKind};
use crate::finding::{Finding, RuleCode, Severity};

/// Shares of one list over 100 %, a complete breakdown not adding up to
/// 100 %, a combined share that is not the sum of its parts.
pub fn share_sum(claims: &[Claim]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut groups: BTreeMap<usize, Vec<&Claim>> = BTreeMap::new();
    for c in claims
        .iter()
        .filter(|c| c.kind == ClaimKind::Share && c.is_percent() && c.links.parts.is_empty())
    {
        if let (Some(g), Some(_)) = (c.group, c.interval()) {
            groups.entry(g.id).or_default().push(c);
        }
    }
    let totalled = |id: usize| {
        claims.iter().any(|t| {
            t.kind == ClaimKind::Total
                && t.links.parts.iter().any(|p| {
                    claim(claims, *p)
                        .and_then(|c| c.group)
                        .is_some_and(|g| g.id == id)
                })
        })
    };
    for (id, members) in groups {
        if members.len() < 2 {
            continue;
        }
        let sum: Interval = members.iter().filter_map(|c| c.interval()).sum();
        let complete = members.iter().any(|c| c.group.is_some_and(|g| g.complete));
        let listed = members
            .iter()
            .map(|c| format!("{} {}", c.subject(), c.printed()))
            .collect::<Vec<_>>()
            .join(", ");
        let hundred = Interval::point(100.0);
        let message = if sum.lo() > 100.0 && !sum.intersects(hundred) {
            format!(
                "The listed shares of one whole add up to at least {:.2}%, more than 100%: {listed}.",
                sum.lo()
            )
        } else if complete && !totalled(id) && !sum.intersects(hundred) {
            format!(
                "The breakdown is presented as complete but its shares add up to {} (between {:.2}% and {:.2}%), not 100%: {listed}.",
                pct(sum),
                sum.lo(),
                sum.hi()
            )
        } else {
            continue;
        };
        let span = members[0].span.cover(members[members.len() - 1].span);
        let excerpt = members
            .iter()
            .map(|c| c.excerpt.as_str())
            .fold(Vec::<&str>::new(), |mut v, e| {
                if !v.contains(&e) {
                    v.push(e);
                }
                v
            })
            .join(" ");
        out.push(
            Finding::about(RuleCode::ShareSum, Severity::Error, message, &members)
                .with_intervals(hundred, sum, TOLERANCE)
                .with_excerpt(excerpt, span),
        );
    }
    for c in claims
        .iter()
        .filter(|c| c.kind == ClaimKind::Share && !c.links.parts.is_empty())
    {
        let parts: Vec<&Claim> = c
            .links
            .parts
            .iter()
            .filter_map(|&p| claim(claims, p))
            .collect();
        let (Some(stated), true) = (c.interval(), parts.len() == c.links.parts.len()) else {
            continue;
        };
        let Some(sum) = parts.iter().map(|p| p.interval()).sum::<Option<Interval>>() else {
            continue;
        };
        if sum.intersects(stated) {
            continue;
        }
        let listed = parts
            .iter()
            .map(|p| p.printed())
            .collect::<Vec<_>>()
            .join(" + ");
        let message = format!(
            "The combined share is stated as {} but its {} parts add up to {} ({listed} = between {:.2}% and {:.2}%).",
            c.printed(),
            parts.len(),
            pct(sum),
            sum.lo(),
            sum.hi()
        );
        let mut all = vec![c];
        all.extend(parts);
        out.push(
            Finding::about(RuleCode::ShareSum, Severity::Error, message, &all)
                .with_intervals(sum, stated, TOLERANCE),
        );
    }
    out
}

/// A share that is not part ÷ whole of the stated amounts.
pub fn share_value(claims: &[Claim]) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in claims
        .iter()
        .filter(|c| c.kind == ClaimKind::Share && c.is_percent())
    {
        let (Some(p), Some(w)) = (c.links.part, c.links.whole) else {
            continue;
        };
        let (Some(part), Some(whole), Some(stated)) =
            (claim(claims, p), claim(claims, w), c.interval())
        else {
            continue;
        };
        if !same_currency(part, whole) {
            continue;
        }
        let (Some(pi), Some(wi)) = (part.interval(), whole.interval()) else {
            continue;
        };
        let Some(expected) = pi.checked_div(wi).map(|r| r.scale(100.0)) else {
            continue;
        };
        if expected.intersects(stated) {
            continue;
        }
        let message = format!(
            "{} is stated as {} of the whole, but {} ÷ {} gives {} (between {:.2}% and {:.2}%).",
            c.subject(),
            c.printed(),
            part.printed(),
            whole.printed(),
            pct(expected),
            expected.lo(),
            expected.hi()
        );
        out.push(
            Finding::about(
                RuleCode::ShareValue,
                Severity::Error,
                message,
                &[c, part, whole],
            )
            .with_intervals(expected, stated, TOLERANCE),
        );
    }
    out
}
