//! The rule catalogue: what each code checks, its default severity and the
//! tolerance it applies. Served as is by the `rules` query.

use crate::finding::{RuleCode, Severity};

/// One entry of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct RuleInfo {
    pub code: RuleCode,
    pub description: &'static str,
    pub default_severity: Severity,
    pub tolerance: &'static str,
    /// True for rules run over the stored data (in SQL by the server)
    /// rather than over a report's own claims.
    pub data_rule: bool,
}

const ROUNDING: &str = "Every stated figure is the interval its printed precision allows (18.9 is [18.85, 18.95]); intervals are carried through the arithmetic and a finding is raised only when the stated and computed intervals cannot meet.";

static RULES: [RuleInfo; 14] = [
    RuleInfo {
        code: RuleCode::ShareSum,
        description: "Listed shares of one whole exceed 100%, a complete breakdown (with a rest/others item, a Total row or a full sector split) does not add up to 100%, or a stated combined share differs from the sum of its parts.",
        default_severity: Severity::Error,
        tolerance: ROUNDING,
        data_rule: false,
    },
    RuleInfo {
        code: RuleCode::ShareValue,
        description: "A stated share differs from part ÷ whole computed from the stated values.",
        default_severity: Severity::Error,
        tolerance: ROUNDING,
        data_rule: false,
    },
    RuleInfo {
        code: RuleCode::GrowthValue,
        description: "A stated growth rate differs from the change between the two stated values it describes.",
        default_severity: Severity::Error,
        tolerance: ROUNDING,
        data_rule: false,
    },
    RuleInfo {
        code: RuleCode::Cagr,
        description: "A stated average annual rate differs from (end ÷ start)^(1/years) − 1 computed from the stated values and years.",
        default_severity: Severity::Error,
        tolerance: "As for every rule, stated figures are intervals; hedges such as \"nearly\" or \"about\" widen them by 10% on the hedged side(s) before the compound rate is computed.",
        data_rule: false,
    },
    RuleInfo {
        code: RuleCode::TotalSum,
        description: "A stated total differs from the sum of its listed parts (or is smaller than them when the list is a top-N).",
        default_severity: Severity::Error,
        tolerance: ROUNDING,
        data_rule: false,
    },
    RuleInfo {
        code: RuleCode::RankOrder,
        description: "A list presented as a ranking (\"led by … followed by\", \"los principales\", a top-N table) is not in descending order of its own values.",
        default_severity: Severity::Error,
        tolerance: "Two neighbours are out of order only when the lower-ranked value's interval lies entirely above the higher-ranked one's.",
        data_rule: false,
    },
    RuleInfo {
        code: RuleCode::RankTextTable,
        description: "Prose names a rank (\"en primer lugar\", \"the second\") that contradicts the table it describes, or names an item absent from it.",
        default_severity: Severity::Error,
        tolerance: "Items are matched by their content words, accent- and case-insensitive; rows whose values' intervals overlap may take either rank.",
        data_rule: false,
    },
    RuleInfo {
        code: RuleCode::RegionLabel,
        description: "Figures or sections attributed to a region outside the report's scope (neither the scope region, nor an ancestor, nor a descendant), e.g. Tijuana cited in a Mexicali report. Sentences that also name the scope region (comparisons) are not flagged.",
        default_severity: Severity::Warning,
        tolerance: "Only unambiguous region names in sentences that state figures, rankings or introduce a table.",
        data_rule: false,
    },
    RuleInfo {
        code: RuleCode::ScopeLevel,
        description: "Wording refers to another administrative level than the scope's when introducing figures (\"en el estado\" in a municipal report).",
        default_severity: Severity::Warning,
        tolerance: "Only locative wording (\"en el estado\", \"in the country\") in sentences that state figures or introduce a table and name no region.",
        data_rule: false,
    },
    RuleInfo {
        code: RuleCode::UnitMix,
        description: "Values in different currencies or units are compared, divided or added (a share, growth, total or ranking across currencies).",
        default_severity: Severity::Error,
        tolerance: "Exact: currencies must be equal; a value of unstated currency is not compared.",
        data_rule: false,
    },
    RuleInfo {
        code: RuleCode::ClaimData,
        description: "A report's value, share or growth contradicts the flows stored in the database for the same region, partner, product, period and direction.",
        default_severity: Severity::Warning,
        tolerance: "The stored figure must fall inside the stated figure's interval (its printed precision, widened by any hedge).",
        data_rule: true,
    },
    RuleInfo {
        code: RuleCode::HierarchySum,
        description: "Children exceed their parent (municipalities over their state, states over the nation) for the same period, direction, product, partner and source.",
        default_severity: Severity::Error,
        tolerance: "Stored values are exact; a relative slack of 1e-9 absorbs floating-point error.",
        data_rule: true,
    },
    RuleInfo {
        code: RuleCode::LabelCode,
        description: "An imported row whose region, partner or product name does not match its code (code 02004 labelled \"Mexicali\").",
        default_severity: Severity::Error,
        tolerance: "Names are compared accent- and case-insensitively against the code's names and aliases.",
        data_rule: true,
    },
    RuleInfo {
        code: RuleCode::DuplicateFlow,
        description: "The same flow key (period, direction, region, partner, product, source) appears twice with different values.",
        default_severity: Severity::Error,
        tolerance: "Exact: any difference between the two values.",
        data_rule: true,
    },
];

/// The catalogue, in catalogue order: every code of `RuleCode::ALL`.
pub fn rules() -> &'static [RuleInfo] {
    &RULES
}

/// The catalogue entry of one code.
pub fn rule_info(code: RuleCode) -> &'static RuleInfo {
    // RULES lists every code in `RuleCode::ALL` order (checked by a test).
    &RULES[RuleCode::ALL.iter().position(|c| *c == code).unwrap_or(0)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_lists_every_code_once_in_order() {
        let codes: Vec<RuleCode> = rules().iter().map(|r| r.code).collect();
        assert_eq!(codes, RuleCode::ALL);
        for code in RuleCode::ALL {
            assert_eq!(rule_info(code).code, code);
            assert_eq!(code.as_str().parse::<RuleCode>().unwrap(), code);
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }
}
