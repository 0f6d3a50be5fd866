//! Findings: the inconsistencies the rules report, and the rule codes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use tradegraph_domain::Interval;

use crate::claim::{Claim, Span};

/// The rule catalogue's codes; their text forms are part of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RuleCode {
    ShareSum,
    ShareValue,
    GrowthValue,
    Cagr,
    TotalSum,
    RankOrder,
    RankTextTable,
    RegionLabel,
    ScopeLevel,
    UnitMix,
    ClaimData,
    HierarchySum,
    LabelCode,
    DuplicateFlow,
}

impl RuleCode {
    /// Every code, in catalogue order.
    pub const ALL: [RuleCode; 14] = [
        RuleCode::ShareSum,
        RuleCode::ShareValue,
        RuleCode::GrowthValue,
        RuleCode::Cagr,
        RuleCode::TotalSum,
        RuleCode::RankOrder,
        RuleCode::RankTextTable,
        RuleCode::RegionLabel,
        RuleCode::ScopeLevel,
        RuleCode::UnitMix,
        RuleCode::ClaimData,
        RuleCode::HierarchySum,
        RuleCode::LabelCode,
        RuleCode::DuplicateFlow,
    ];

    /// The catalogue code, e.g. `"SHARE_SUM"`.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleCode::ShareSum => "SHARE_SUM",
            RuleCode::ShareValue => "SHARE_VALUE",
            RuleCode::GrowthValue => "GROWTH_VALUE",
            RuleCode::Cagr => "CAGR",
            RuleCode::TotalSum => "TOTAL_SUM",
            RuleCode::RankOrder => "RANK_ORDER",
            RuleCode::RankTextTable => "RANK_TEXT_TABLE",
            RuleCode::RegionLabel => "REGION_LABEL",
            RuleCode::ScopeLevel => "SCOPE_LEVEL",
            RuleCode::UnitMix => "UNIT_MIX",
            RuleCode::ClaimData => "CLAIM_DATA",
            RuleCode::HierarchySum => "HIERARCHY_SUM",
            RuleCode::LabelCode => "LABEL_CODE",
            RuleCode::DuplicateFlow => "DUPLICATE_FLOW",
        }
    }
}

impl fmt::Display for RuleCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that is not one of the catalogue's codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a rule code of the catalogue")]
pub struct UnknownRuleCode(pub String);

impl FromStr for RuleCode {
    type Err = UnknownRuleCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RuleCode::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownRuleCode(s.to_string()))
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Severity {
    /// Worth knowing, not necessarily wrong.
    Info,
    /// Probably wrong; a person should look.
    Warning,
    /// Cannot be right as printed.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "INFO",
            Severity::Warning => "WARNING",
            Severity::Error => "ERROR",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One inconsistency, explained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: RuleCode,
    pub severity: Severity,
    /// What is wrong, with the figures, in plain English.
    pub message: String,
    pub excerpt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// What the other figures imply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<Interval>,
    /// What the text states, as the interval its precision allows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stated: Option<Interval>,
    /// How the tolerance was worked out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<String>,
    pub claim_ids: Vec<usize>,
    pub region_codes: Vec<String>,
    pub partner_iso3s: Vec<String>,
    pub product_keys: Vec<String>,
}

impl Finding {
    /// A finding about `claims` (the first one gives the excerpt and span);
    /// entity links are collected from all of them.
    pub fn about(rule: RuleCode, severity: Severity, message: String, claims: &[&Claim]) -> Self {
        let mut f = Finding {
            rule,
            severity,
            message,
            excerpt: claims
                .first()
                .map(|c| c.excerpt.clone())
                .unwrap_or_default(),
            span: claims.first().map(|c| c.span),
            expected: None,
            stated: None,
            tolerance: None,
            claim_ids: claims.iter().map(|c| c.id).collect(),
            region_codes: Vec::new(),
            partner_iso3s: Vec::new(),
            product_keys: Vec::new(),
        };
        for c in claims {
            push_unique(
                &mut f.region_codes,
                c.region
                    .as_ref()
                    .filter(|e| !e.inferred)
                    .and_then(|e| e.key.as_deref()),
            );
            push_unique(&mut f.partner_iso3s, c.partner_iso3());
            push_unique(&mut f.product_keys, c.product_key());
        }
        f
    }

    /// Records the expected and stated intervals and the tolerance used.
    pub fn with_intervals(
        mut self,
        expected: Interval,
        stated: Interval,
        tolerance: impl Into<String>,
    ) -> Self {
        self.expected = Some(expected);
        self.stated = Some(stated);
        self.tolerance = Some(tolerance.into());
        self
    }

    /// Replaces the excerpt and span (e.g. to cover a whole list).
    pub fn with_excerpt(mut self, excerpt: String, span: Span) -> Self {
        self.excerpt = excerpt;
        self.span = Some(span);
        self
    }
}

fn push_unique(list: &mut Vec<String>, key: Option<&str>) {
    if let Some(k) = key
        && !list.iter().any(|x| x == k)
    {
        list.push(k.to_string());
    }
}
