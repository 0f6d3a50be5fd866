//! The three genre examples (copies of shared/corpus, see tests/corpus/README.md):
//! the findings an analyst would raise, and none of the ones they would not.

mod common;

use common::*;
use tradegraph_audit::{RuleCode, ScopeMethod, Severity};

const MEXICALI_MD: &str = include_str!("corpus/mexicali-comercio-exterior-2025-11.md");
const MAQUILADORA: &str = include_str!("corpus/mexicali-maquiladora-exports-2024.txt");
const TOP10: &str = include_str!("corpus/mexico-top10-exporter-states-3q2025.txt");

#[test]
fn mexicali_report_tijuana_paragraph_and_state_wording() {
    let a = audit(MEXICALI_MD);
    let scope = a.scope.as_ref().expect("scope");
    assert_eq!(
        (scope.region_code.as_str(), scope.method),
        ("02002", ScopeMethod::Title)
    );
    let label = assert_fires(&a, RuleCode::RegionLabel);
    assert_eq!(label.len(), 1);
    assert!(
        label[0].region_codes.contains(&"02004".to_string()),
        "{:?}",
        label[0]
    );
    assert!(label[0].excerpt.contains("Tijuana"));
    let rank = assert_fires(&a, RuleCode::RankTextTable);
    assert_eq!(
        rank.len(),
        1,
        "only the first place is absent; the second (circuits) is right"
    );
    assert!(rank[0].message.contains("partes y accesorios"));
    let level = assert_fires(&a, RuleCode::ScopeLevel);
    assert_eq!(level.len(), 1);
    assert!(level[0].excerpt.contains("en el estado"));
    // The definitions paragraph's "los estados" is generic, not a label.
    assert_eq!(alarms(&a).len(), 3, "{:#?}", alarms(&a));
    // Both tables are read, in US$ millions, and stay in descending order.
    let cells: Vec<_> = a
        .claims
        .iter()
        .filter(|c| c.group.is_some() && c.is_money())
        .collect();
    assert_eq!(cells.len(), 6);
    assert!(
        cells
            .iter()
            .all(|c| c.unit.and_then(|u| u.currency()) == Some(tradegraph_domain::Currency::Usd))
    );
    assert!(of(&a, RuleCode::RankOrder).is_empty());
}

#[test]
fn maquiladora_article_is_consistent() {
    let a = audit(MAQUILADORA);
    assert_eq!(
        a.scope.as_ref().map(|s| s.region_code.as_str()),
        Some("02002")
    );
    assert_quiet(&a);
    let growth = a
        .claims
        .iter()
        .find(|c| c.kind == tradegraph_audit::ClaimKind::Growth)
        .expect("6.7% growth");
    assert_eq!(
        growth.period.map(|p| p.to_string()).as_deref(),
        Some("2024-01/2024-10")
    );
    let value = a
        .claims
        .iter()
        .find(|c| c.is_money())
        .expect("57 billion pesos");
    assert_eq!(
        value.value.as_ref().and_then(|v| v.hedge.as_deref()),
        Some("exceeded")
    );
}

#[test]
fn top10_states_article_only_the_compound_rate_is_off() {
    let a = audit(TOP10);
    assert_eq!(
        a.scope.as_ref().map(|s| (s.region_code.as_str(), s.method)),
        Some(("00", ScopeMethod::Mentions))
    );
    let cagr = assert_fires(&a, RuleCode::Cagr);
    assert_eq!(cagr[0].severity, Severity::Error);
    let expected = cagr[0].expected.expect("expected interval");
    assert!(expected.lo() > 4.75 && expected.hi() < 5.7, "{expected}");
    // 18.9+11.6+9.7+9.3+9.1+6.2 = 64.8; 28.9/152.6 = 18.94%; sectors sum to 100.
    for rule in [
        RuleCode::ShareSum,
        RuleCode::ShareValue,
        RuleCode::RankOrder,
        RuleCode::RegionLabel,
    ] {
        assert!(of(&a, rule).is_empty(), "{rule}: {:#?}", alarms(&a));
    }
    assert_eq!(alarms(&a).len(), 1, "{:#?}", alarms(&a));
    let combined = a
        .claims
        .iter()
        .find(|c| c.value.as_ref().is_some_and(|v| v.text == "64.8%"))
        .expect("combined share");
    assert_eq!(combined.links.parts.len(), 6);
}
