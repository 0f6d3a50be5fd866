//! The region a report is about: given by the caller, read from the title
//! or first heading, or the region its text mentions most.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::layout::Layout;
use crate::gazetteer::{EntityKind, Gazetteer, Mention, RawMention};

/// How the scope was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ScopeMethod {
    Given,
    Title,
    Mentions,
}

/// The report's scope region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub region_code: String,
    pub method: ScopeMethod,
    /// The title or name the scope was read from.
    pub excerpt: Option<String>,
}

pub(crate) fn detect(
    text: &str,
    title: Option<&str>,
    given: Option<&str>,
    layout: &Layout,
    raws: &[RawMention],
    gaz: &Gazetteer,
) -> Option<Scope> {
    if let Some(code) = given {
        return Some(Scope {
            region_code: code.to_string(),
            method: ScopeMethod::Given,
            excerpt: None,
        });
    }
    let body = gaz.resolve(text, raws, None);
    let title_text = title.map(str::to_string).or_else(|| {
        layout
            .sentences
            .iter()
            .take(3)
            .find(|s| s.heading)
            .map(|s| text[s.span.start..s.span.end].to_string())
    });
    if let Some(t) = title_text {
        let in_title = gaz.resolve(&t, &gaz.scan(&t), None);
        if let Some(code) = from_title(&in_title, &body, gaz) {
            return Some(Scope {
                region_code: code,
                method: ScopeMethod::Title,
                excerpt: Some(t.trim().to_string()),
            });
        }
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for m in body.iter().filter(|m| m.kind == EntityKind::Region) {
        if let Some(k) = &m.key {
            *counts.entry(k).or_default() += 1;
        }
    }
    let top = counts.values().copied().max()?;
    let tied: Vec<&str> = counts
        .iter()
        .filter(|(_, n)| **n == top)
        .map(|(k, _)| *k)
        .collect();
    let code = if tied.len() == 1 {
        tied[0].to_string()
    } else {
        common_ancestor(&tied, gaz)?
    };
    let code = code.as_str();
    let name = gaz.name_of(EntityKind::Region, code).map(str::to_string);
    Some(Scope {
        region_code: code.to_string(),
        method: ScopeMethod::Mentions,
        excerpt: name,
    })
}

/// The region the title names: the most specific one when they nest
/// ("Mexicali, Baja California"); an ambiguous name settled by the states
/// the text mentions.
fn from_title(in_title: &[Mention], body: &[Mention], gaz: &Gazetteer) -> Option<String> {
    let regions: Vec<&Mention> = in_title
        .iter()
        .filter(|m| m.kind == EntityKind::Region)
        .collect();
    let mut resolved: Vec<String> = regions.iter().filter_map(|m| m.key.clone()).collect();
    // "Ciudad Juárez, Chihuahua": an ambiguous name settled by a region the
    // title also names.
    let named_here = resolved.clone();
    for m in regions.iter().filter(|m| m.key.is_none()) {
        let fits: Vec<&String> = m
            .candidates
            .iter()
            .filter(|c| gaz.ancestors(c).iter().any(|a| named_here.contains(a)))
            .collect();
        if fits.len() == 1 {
            resolved.push(fits[0].clone());
        }
    }
    resolved.dedup();
    if let Some(most_specific) = resolved.iter().find(|c| {
        resolved
            .iter()
            .all(|o| o == *c || gaz.ancestors(c).contains(o))
    }) {
        return Some(most_specific.clone());
    }
    if !resolved.is_empty() {
        let count = |c: &str| body.iter().filter(|m| m.key.as_deref() == Some(c)).count();
        return resolved.iter().max_by_key(|c| count(c)).cloned();
    }
    // An ambiguous title name ("Juárez"): the candidate whose state the text names.
    let named: Vec<String> = body
        .iter()
        .filter(|m| m.kind == EntityKind::Region)
        .filter_map(|m| m.key.clone())
        .collect();
    for m in regions {
        let fits: Vec<&String> = m
            .candidates
            .iter()
            .filter(|c| gaz.state_of(c).is_some_and(|s| named.contains(&s)))
            .collect();
        if fits.len() == 1 {
            return Some(fits[0].clone());
        }
    }
    None
}

/// The nearest region containing all of `codes` (itself one of them or above).
fn common_ancestor(codes: &[&str], gaz: &Gazetteer) -> Option<String> {
    let first = codes.first()?;
    let mut chain = vec![first.to_string()];
    chain.extend(gaz.ancestors(first));
    chain.into_iter().find(|a| {
        codes
            .iter()
            .all(|c| *c == a || gaz.ancestors(c).contains(a))
    })
}
