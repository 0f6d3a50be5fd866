//! The API the server calls: structured claims, CLAIM_DATA's two phases,
//! scope errors, serialisation, and the catalogue.

mod common;

use common::*;
use tradegraph_audit::*;
use tradegraph_domain::{Currency, Direction, Interval, Period};

fn share(id: usize, region: &str, printed: &str, group: usize, position: u32) -> Claim {
    let mut c = Claim::new(
        id,
        ClaimKind::Share,
        format!("{region} {printed}%"),
        Span::default(),
    );
    c.value = Some(Stated {
        text: format!("{printed}%"),
        interval: Interval::from_printed(printed).unwrap(),
        hedge: None,
    });
    c.unit = Some(Unit::Percent);
    c.region = Some(EntityRef::resolved(region, region, None));
    c.group = Some(GroupRef {
        id: group,
        kind: GroupKind::Ranking,
        complete: false,
        position,
    });
    c
}

#[test]
fn structured_claims_are_audited_like_text() {
    let ok = vec![share(0, "08", "18.9", 0, 1), share(1, "05", "11.6", 0, 2)];
    assert!(
        audit_claims(ok, Some("00"), gazetteer())
            .unwrap()
            .is_empty()
    );
    let bad = vec![share(0, "08", "18.9", 0, 1), share(1, "05", "91.6", 0, 2)];
    let findings = audit_claims(bad, Some("00"), gazetteer()).unwrap();
    let rules: Vec<RuleCode> = findings.iter().map(|f| f.rule).collect();
    assert!(
        rules.contains(&RuleCode::ShareSum) && rules.contains(&RuleCode::RankOrder),
        "{rules:?}"
    );
}

#[test]
fn an_unknown_scope_is_an_error_naming_it() {
    let err = audit_claims(Vec::new(), Some("99"), gazetteer()).unwrap_err();
    assert_eq!(err, AuditError::UnknownScope("99".into()));
    assert!(err.to_string().contains("`99`"));
    let doc = Document {
        text: "x".into(),
        scope_region_code: Some("02999".into()),
        ..Document::default()
    };
    assert!(audit_document(&doc, gazetteer()).is_err());
    let given = audit_scoped("Las exportaciones crecieron 3%.", "02002");
    assert_eq!(given.scope.map(|s| s.method), Some(ScopeMethod::Given));
}

#[test]
fn claim_data_asks_only_about_resolved_claims_and_checks_the_answers() {
    let text = "# Exportaciones | Baja California, enero de 2024\n\nEn enero de 2024 las exportaciones de Baja California de circuitos integrados sumaron 145.3 millones de dólares. Las exportaciones de Juárez crecieron 5% en 2024.\n";
    let a = audit(text);
    let requests = data_requests(&a.claims, a.scope.as_ref().map(|s| s.region_code.as_str()));
    assert_eq!(requests.len(), 1, "{requests:#?}");
    let r = &requests[0];
    assert_eq!(
        (r.region_code.as_str(), r.direction, r.currency),
        ("02", Direction::Export, Currency::Usd)
    );
    assert_eq!(r.period, Period::parse("2024-01").unwrap());
    assert_eq!(r.what, FigureKind::Value);
    // Data México: 145,269,247 US$ for heading 8542 (all products here, as the text names none the gazetteer resolves).
    assert!(check_claim_data(&a.claims, &[(r.clone(), Some(145_269_247.0))]).is_empty());
    let off = check_claim_data(&a.claims, &[(r.clone(), Some(86_731_692.0))]);
    assert_eq!(off.len(), 1);
    assert_eq!(off[0].rule, RuleCode::ClaimData);
    assert!(
        off[0].message.contains("86.73 million"),
        "{}",
        off[0].message
    );
    assert!(check_claim_data(&a.claims, &[(r.clone(), None)]).is_empty());
}

#[test]
fn share_requests_name_their_base() {
    let a = audit(
        "Mexico's exports reached US$152.6 billion in 3Q2025. Chihuahua led with US$28.9 billion in 3Q2025, representing 18.9% of national exports in 3Q2025.",
    );
    let requests = data_requests(&a.claims, Some("00"));
    assert!(
        requests.iter().any(|r| r.region_code == "08"
            && r.what == FigureKind::ShareOf(ShareBase::Region("00".into()))),
        "{requests:#?}"
    );
}

#[test]
fn claims_and_findings_round_trip_through_json() {
    let a = audit(include_str!("corpus/mexicali-comercio-exterior-2025-11.md"));
    let json = serde_json::to_string(&a).unwrap();
    let back: DocumentAudit = serde_json::from_str(&json).unwrap();
    // Floats may differ in the last bit after a JSON round trip; compare the rest.
    assert_eq!(back.claims.len(), a.claims.len());
    assert_eq!(back.scope, a.scope);
    for (x, y) in back.claims.iter().zip(&a.claims) {
        assert_eq!(
            (x.id, x.kind, x.span, &x.region, &x.links, x.period, x.group),
            (y.id, y.kind, y.span, &y.region, &y.links, y.period, y.group)
        );
        assert!(
            x.interval()
                .zip(y.interval())
                .is_none_or(|(p, q)| (p.lo() - q.lo()).abs() <= 1e-6 * q.lo().abs().max(1.0))
        );
    }
    let rules = |d: &DocumentAudit| {
        d.findings
            .iter()
            .map(|f| (f.rule, f.severity, f.span))
            .collect::<Vec<_>>()
    };
    assert_eq!(rules(&back), rules(&a));
    assert!(json.contains("\"RANK_TEXT_TABLE\"") && json.contains("\"TITLE\""));
}

#[test]
fn every_finding_points_at_its_excerpt() {
    for text in [
        include_str!("corpus/mexicali-comercio-exterior-2025-11.md"),
        include_str!("corpus/mexico-top10-exporter-states-3q2025.txt"),
    ] {
        let a = audit(text);
        for c in &a.claims {
            assert!(c.span.start <= c.span.end && c.span.end <= text.len());
        }
        for f in &a.findings {
            let span = f.span.expect("span");
            assert!(text.get(span.start..span.end).is_some(), "{f:?}");
            assert!(!f.message.is_empty() && !f.excerpt.is_empty());
        }
    }
}

#[test]
fn the_catalogue_covers_all_fourteen_codes() {
    assert_eq!(rules().len(), 14);
    let data: Vec<&str> = rules()
        .iter()
        .filter(|r| r.data_rule)
        .map(|r| r.code.as_str())
        .collect();
    assert_eq!(
        data,
        [
            "CLAIM_DATA",
            "HIERARCHY_SUM",
            "LABEL_CODE",
            "DUPLICATE_FLOW"
        ]
    );
}
