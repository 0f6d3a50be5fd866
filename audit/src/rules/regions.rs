//! REGION_LABEL and SCOPE_LEVEL.

use std::collections::HashSet;

use crate::claim::{Claim, ClaimKind};
use crate::finding::{Finding, RuleCode, Severity};
use crate::gazetteer::{EntityKind, Gazetteer};

/// Claims of figures (anything but a mention) read from sentence `s`.
fn has_figures(claims: &[Claim], s: usize) -> bool {
    claims
        .iter()
        .any(|c| c.kind != ClaimKind::Mention && c.sentence == Some(s))
}

fn region_mentions(claims: &[Claim], s: usize) -> impl Iterator<Item = &Claim> {
    claims.iter().filter(move |c| {
        c.kind == ClaimKind::Mention && c.sentence == Some(s) && c.region.is_some()
    })
}

/// A sentence attributing figures to a region outside the scope, without
/// naming the scope (which would make it a comparison).
pub fn region_label(claims: &[Claim], scope: &str, gaz: &Gazetteer) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let scope_name = gaz.name_of(EntityKind::Region, scope).unwrap_or(scope);
    for m in claims.iter().filter(|c| c.kind == ClaimKind::Mention) {
        let (Some(code), Some(s)) = (m.region_code(), m.sentence) else {
            continue;
        };
        if gaz.relation(code, scope).is_within()
            || !has_figures(claims, s)
            || !seen.insert((s, code.to_string()))
        {
            continue;
        }
        let names_scope = region_mentions(claims, s)
            .filter_map(|c| c.region_code())
            .any(|c| gaz.relation(c, scope).is_within());
        if names_scope {
            continue;
        }
        let name = m.region.as_ref().map_or(code, |r| r.surface.as_str());
        let figures: Vec<&Claim> = claims
            .iter()
            .filter(|c| c.kind != ClaimKind::Mention && c.sentence == Some(s))
            .collect();
        let message = format!(
            "This passage attributes figures to {name} ({code}), which is outside the report's scope {scope_name} ({scope}); \
             the report covers {scope_name}, its parts and the regions above it. Check whether the name or the figures are wrong."
        );
        let mut linked = vec![m];
        linked.extend(figures);
        out.push(Finding::about(
            RuleCode::RegionLabel,
            Severity::Warning,
            message,
            &linked,
        ));
    }
    out
}

/// Locative wording for another level than the scope's ("en el estado" in
/// a municipal report) where figures are stated or a table introduced.
pub fn scope_level(claims: &[Claim], scope: &str, gaz: &Gazetteer) -> Vec<Finding> {
    let Some(scope_level) = gaz.region_level(scope) else {
        return Vec::new();
    };
    let scope_name = gaz.name_of(EntityKind::Region, scope).unwrap_or(scope);
    let mut out = Vec::new();
    for m in claims.iter().filter(|c| c.kind == ClaimKind::Mention) {
        let (Some(level), Some(s)) = (m.level, m.sentence) else {
            continue;
        };
        if level == scope_level
            || !has_figures(claims, s)
            || region_mentions(claims, s).next().is_some()
        {
            continue;
        }
        let shares_here = claims
            .iter()
            .any(|c| c.kind == ClaimKind::Share && c.sentence == Some(s));
        let explicit = claims.iter().any(|c| {
            c.sentence == Some(s)
                && c.kind != ClaimKind::Mention
                && c.region.as_ref().is_some_and(|r| !r.inferred)
        });
        if shares_here || explicit {
            continue;
        }
        let wording = m.label.as_deref().unwrap_or("this wording");
        let message = format!(
            "\"{wording}\" refers to the {} level, but the report is about {scope_name}, a {}: the figures it introduces are presented as {}'s.",
            level.as_str().to_lowercase(),
            scope_level.as_str().to_lowercase(),
            level.as_str().to_lowercase()
        );
        out.push(Finding::about(
            RuleCode::ScopeLevel,
            Severity::Warning,
            message,
            &[m],
        ));
    }
    out
}
