//! UNIT_MIX.

use super::claim;
use crate::claim::{Claim, Unit};
use crate::finding::{Finding, RuleCode, Severity};

/// Amounts in different currencies combined by a share, a rate, a total or
/// a list.
pub fn unit_mix(claims: &[Claim]) -> Vec<Finding> {
    let mut out = Vec::new();
    let currency = |c: &Claim| c.unit.and_then(|u| u.currency());
    for c in claims {
        let mut related: Vec<&Claim> = [c.links.part, c.links.whole, c.links.from, c.links.to]
            .into_iter()
            .flatten()
            .chain(c.links.parts.iter().copied())
            .filter_map(|id| claim(claims, id))
            .collect();
        if c.is_money() {
            related.push(c);
        }
        let mut currencies: Vec<_> = related.iter().filter_map(|r| currency(r)).collect();
        currencies.sort();
        currencies.dedup();
        if currencies.len() < 2 {
            continue;
        }
        let listed = related
            .iter()
            .filter(|r| matches!(r.unit, Some(Unit::Money { .. })))
            .map(|r| format!("{} ({})", r.printed(), r.unit.map_or("?", |u| u.label())))
            .collect::<Vec<_>>()
            .join(", ");
        let message = format!(
            "This figure combines amounts in different currencies: {listed}. Convert them to one currency before comparing, dividing or adding."
        );
        let mut linked = vec![c];
        linked.extend(related.into_iter().filter(|r| r.id != c.id));
        out.push(Finding::about(
            RuleCode::UnitMix,
            Severity::Error,
            message,
            &linked,
        ));
    }
    // Amounts of different currencies ranked or listed together.
    let mut groups: std::collections::BTreeMap<usize, Vec<&Claim>> =
        std::collections::BTreeMap::new();
    for c in claims.iter().filter(|c| c.is_money()) {
        if let Some(g) = c.group {
            groups.entry(g.id).or_default().push(c);
        }
    }
    for members in groups.values() {
        let mut currencies: Vec<_> = members.iter().filter_map(|m| currency(m)).collect();
        currencies.sort();
        currencies.dedup();
        if currencies.len() >= 2 {
            let listed = members
                .iter()
                .map(|m| format!("{} ({})", m.printed(), m.unit.map_or("?", |u| u.label())))
                .collect::<Vec<_>>()
                .join(", ");
            let message = format!("One list mixes amounts in different currencies: {listed}.");
            out.push(Finding::about(
                RuleCode::UnitMix,
                Severity::Error,
                message,
                members,
            ));
        }
    }
    out
}
