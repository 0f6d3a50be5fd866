//! RANK_ORDER and RANK_TEXT_TABLE.

use std::collections::BTreeMap;

use super::claim;
use crate::claim::{Claim, ClaimKind, GroupKind};
use crate::finding::{Finding, RuleCode, Severity};
use crate::gazetteer::same_item;

/// "Resto", "others", "the remaining markets": not a ranked item.
fn is_remainder(label: &str) -> bool {
    let folded = tradegraph_domain::text::fold(label);
    let first = folded
        .split_whitespace()
        .find(|w| !matches!(*w, "el" | "la" | "los" | "las" | "the"))
        .unwrap_or("");
    matches!(
        first,
        "resto"
            | "otros"
            | "otras"
            | "others"
            | "other"
            | "rest"
            | "remaining"
            | "remainder"
            | "demas"
    )
}

const ORDER_TOLERANCE: &str = "neighbours are out of order only when the lower-ranked figure's interval lies entirely above the higher-ranked one's";

/// A list presented as a ranking whose own values are not descending.
pub fn rank_order(claims: &[Claim]) -> Vec<Finding> {
    let mut groups: BTreeMap<usize, Vec<&Claim>> = BTreeMap::new();
    for c in claims
        .iter()
        .filter(|c| c.kind != ClaimKind::Total && c.kind != ClaimKind::Mention)
    {
        if let (Some(g), Some(_)) = (c.group, c.interval())
            && g.kind == GroupKind::Ranking
        {
            groups.entry(g.id).or_default().push(c);
        }
    }
    let mut out = Vec::new();
    for members in groups.values_mut() {
        members.retain(|c| !c.label.as_deref().is_some_and(is_remainder));
        members.sort_by_key(|c| c.group.map_or(0, |g| g.position));
        let units_agree = members
            .windows(2)
            .all(|w| w[0].unit == w[1].unit || (w[0].is_percent() && w[1].is_percent()));
        if members.len() < 2 || !units_agree {
            continue;
        }
        for w in members.windows(2) {
            let (Some(a), Some(b)) = (w[0].interval(), w[1].interval()) else {
                continue;
            };
            if b.lo() > a.hi() && !a.intersects(b) {
                let message = format!(
                    "The list is presented as a ranking, but {} ({}) is placed after {} ({}) although its figure is larger.",
                    w[1].subject(),
                    w[1].printed(),
                    w[0].subject(),
                    w[0].printed()
                );
                let span = w[0].span.cover(w[1].span);
                let excerpt = if w[0].excerpt == w[1].excerpt {
                    w[0].excerpt.clone()
                } else {
                    format!("{} {}", w[0].excerpt, w[1].excerpt)
                };
                out.push(
                    Finding::about(RuleCode::RankOrder, Severity::Error, message, &[w[1], w[0]])
                        .with_intervals(a, b, ORDER_TOLERANCE)
                        .with_excerpt(excerpt, span),
                );
            }
        }
    }
    out
}

/// Prose naming a rank that the table it describes contradicts.
pub fn rank_text_table(claims: &[Claim]) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in claims.iter().filter(|c| c.kind == ClaimKind::Rank) {
        let (Some(group), Some(rank), Some(label)) = (r.links.table, r.rank, r.label.as_deref())
        else {
            continue;
        };
        let rows: Vec<&Claim> = claims
            .iter()
            .filter(|c| {
                c.kind != ClaimKind::Total
                    && c.group.is_some_and(|g| g.id == group)
                    && c.interval().is_some()
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        let matches = |row: &Claim| {
            let same_product = r.product_key().is_some() && r.product_key() == row.product_key();
            same_product || row.label.as_deref().is_some_and(|l| same_item(l, label))
        };
        let names = rows
            .iter()
            .map(|c| c.subject())
            .collect::<Vec<_>>()
            .join("; ");
        let Some(row) = rows.iter().find(|c| matches(c)) else {
            let message = format!(
                "The text names \"{label}\" in position {rank}, but the table it introduces does not list it (rows: {names})."
            );
            out.push(Finding::about(
                RuleCode::RankTextTable,
                Severity::Error,
                message,
                &[r],
            ));
            continue;
        };
        let Some(v) = row.interval() else { continue };
        let others = rows
            .iter()
            .filter(|c| c.id != row.id)
            .filter_map(|c| c.interval());
        let (mut above, mut maybe_above) = (0u32, 0u32);
        for o in others {
            above += u32::from(o.lo() > v.hi() && !o.intersects(v));
            maybe_above += u32::from(o.hi() >= v.lo());
        }
        let (best, worst) = (above + 1, maybe_above + 1);
        if rank < best || rank > worst {
            let by_value = if best == worst {
                format!("position {best}")
            } else {
                format!("positions {best}–{worst}")
            };
            let message = format!(
                "The text puts \"{label}\" in position {rank}, but by its value in the table ({}) it is in {by_value}.",
                row.printed()
            );
            let table_row = claim(claims, row.id).unwrap_or(row);
            out.push(Finding::about(
                RuleCode::RankTextTable,
                Severity::Error,
                message,
                &[r, table_row],
            ));
        }
    }
    out
}
