//! Shares in ranked lists of partners, sector tables with a Total row, and
//! names that are both a municipality and a trading partner ("China", in
//! Nuevo León): a report with planted errors in both languages, its
//! corrected version, and the precision guards around each mechanism.

mod common;

use common::*;
use tradegraph_audit::{Claim, ClaimKind, DocumentAudit, RuleCode};

const ES: &str = include_str!("fixtures/nuevo-leon-comercio-2024.md");
const EN: &str = include_str!("fixtures/nuevo-leon-trade-2024.md");

fn figure<'a>(a: &'a DocumentAudit, printed: &str) -> &'a Claim {
    a.claims
        .iter()
        .find(|c| c.value.as_ref().is_some_and(|v| v.text == printed))
        .unwrap_or_else(|| panic!("no claim printed {printed}: {:#?}", a.claims))
}

/// The planted errors of both versions: a growth of 9.5% for 40 → 45, a
/// Total row of 45,000 over rows adding up to 43,000, destinations' shares
/// adding up to 101.6%.
fn assert_planted(a: &DocumentAudit) {
    assert_eq!(a.scope.as_ref().map(|s| s.region_code.as_str()), Some("19"));
    assert_fires(a, RuleCode::GrowthValue);
    let total = assert_fires(a, RuleCode::TotalSum);
    assert_eq!(total.len(), 1, "{total:#?}");
    let expected = total[0].expected.expect("expected interval");
    assert!(expected.contains(43_000e6), "{expected}");
    let shares = assert_fires(a, RuleCode::ShareSum);
    assert_eq!(shares.len(), 1, "{shares:#?}");
    assert!(shares[0].message.contains("100%"), "{}", shares[0].message);
    let stated = shares[0].stated.expect("stated interval");
    assert!(stated.contains(101.6), "{stated}");
    assert_eq!(alarms(a).len(), 3, "{:#?}", alarms(a));
    for printed in ["95.2%", "4.1%", "2.3%"] {
        let c = figure(a, printed);
        assert_eq!(c.kind, ClaimKind::Share, "{printed}");
        assert!(c.group.is_some(), "{printed}");
    }
    // China among destinations is the partner, not the municipality.
    let china = figure(a, "2.3%");
    assert_eq!(china.partner_iso3(), Some("CHN"), "{china:#?}");
    assert_eq!(china.region_code(), None, "{china:#?}");
    assert!(
        a.claims
            .iter()
            .filter(|c| c.kind == ClaimKind::Mention)
            .all(|c| c.region_code() != Some("19013")),
        "China read as the municipality"
    );
}

fn corrected(text: &str, growth: (&str, &str)) -> String {
    text.replace(growth.0, growth.1)
        .replace("| Total | 45,000 |", "| Total | 43,000 |")
        .replace("95.2%", "88.2%")
}

#[test]
fn spanish_report_planted_errors_are_found() {
    assert_planted(&audit(ES));
}

#[test]
fn spanish_report_corrected_is_quiet() {
    let a = audit(&corrected(
        ES,
        ("un aumento de 9.5%", "un aumento de 12.5%"),
    ));
    assert_quiet(&a);
    assert_eq!(figure(&a, "88.2%").kind, ClaimKind::Share);
}

#[test]
fn english_report_planted_errors_are_found() {
    let a = audit(EN);
    assert_eq!(a.language, "en");
    assert_planted(&a);
}

#[test]
fn english_report_corrected_is_quiet() {
    assert_quiet(&audit(&corrected(EN, ("up 9.5%", "up 12.5%"))));
}

#[test]
fn each_planted_error_alone() {
    let base = corrected(ES, ("un aumento de 9.5%", "un aumento de 12.5%"));
    let total = audit(&base.replace("| Total | 43,000 |", "| Total | 45,000 |"));
    assert_fires(&total, RuleCode::TotalSum);
    assert_eq!(alarms(&total).len(), 1, "{:#?}", alarms(&total));
    let shares = audit(&base.replace("88.2%", "95.2%"));
    assert_fires(&shares, RuleCode::ShareSum);
    assert_eq!(alarms(&shares).len(), 1, "{:#?}", alarms(&shares));
}

#[test]
fn sector_table_after_a_ranking_sentence_is_not_a_ranking() {
    // The sentence before the table ranks destinations, not the table's sectors.
    let text = corrected(ES, ("un aumento de 9.5%", "un aumento de 12.5%")).replace(
        "| Manufacturas | 41,500 |\n| Minería | 1,200 |\n| Agricultura | 300 |",
        "| Agricultura | 300 |\n| Manufacturas | 41,500 |\n| Minería | 1,200 |",
    );
    let a = audit(&text);
    assert_quiet(&a);
}

#[test]
fn a_top_n_table_may_total_more_than_its_rows() {
    let text = "\
# Comercio exterior | Nuevo León 2024

Los principales productos exportados fueron los siguientes:

| Producto | Millones de dólares |
|---|---|
| Vehículos para el transporte de mercancías | 9,500 |
| Máquinas automáticas para tratamiento de datos | 6,200 |
| Total | 45,000 |
";
    assert_quiet(&audit(text));
    let wrong = audit(&text.replace("| Total | 45,000 |", "| Total | 15,000 |"));
    assert_fires(&wrong, RuleCode::TotalSum);
}

#[test]
fn china_is_the_municipality_among_municipalities() {
    let text = "\
# Comercio exterior | Nuevo León 2024

Los principales municipios exportadores fueron Monterrey con 35.2%, Apodaca con 20.1% y China con 0.4%.
";
    let a = audit(text);
    assert_quiet(&a);
    let china = figure(&a, "0.4%");
    assert_eq!(china.region_code(), Some("19013"), "{china:#?}");
    assert_eq!(china.kind, ClaimKind::Share);
}

#[test]
fn china_after_partner_words_is_the_partner() {
    for (text, expected) in [
        (
            "# Comercio exterior | Nuevo León 2024\n\nEl principal proveedor de las empresas fue China.\n",
            "CHN",
        ),
        (
            "# Comercio exterior | Nuevo León 2024\n\nEl segundo país de origen de las compras fue China.\n",
            "CHN",
        ),
        (
            "# Foreign trade | Nuevo León 2024\n\nThe second destination of the state's exports was China.\n",
            "CHN",
        ),
        (
            "# Comercio exterior | Nuevo León 2024\n\nLas exportaciones del municipio de China crecieron 5.0%.\n",
            "19013",
        ),
        (
            "# Comercio exterior | Nuevo León 2024\n\nEl municipio de origen de las exportaciones fue China.\n",
            "19013",
        ),
        (
            "# Comercio exterior | Nuevo León 2024\n\nChina exportó 120 millones de dólares en 2024.\n",
            "19013",
        ),
    ] {
        let a = audit(text);
        let mention = a
            .claims
            .iter()
            .find(|c| {
                c.kind == ClaimKind::Mention
                    && [&c.region, &c.partner]
                        .into_iter()
                        .flatten()
                        .any(|e| e.surface == "China")
            })
            .unwrap_or_else(|| panic!("no mention of China in {text}"));
        let key = mention.partner_iso3().or(mention.region_code());
        assert_eq!(key, Some(expected), "{text}");
        assert_quiet(&a);
    }
}

#[test]
fn ranked_rates_are_not_shares() {
    let text = "\
# Foreign trade | Nuevo León 2024

The highest tariff rates were those applied by China at 45.0%, followed by Brazil at 40.0% and India at 35.0%.
";
    let a = audit(text);
    assert!(of(&a, RuleCode::ShareSum).is_empty(), "{:#?}", alarms(&a));
}

#[test]
fn a_destination_s_share_is_of_the_current_whole() {
    // The share has no period of its own: its whole is 2024's 45,000, not
    // the 40,000 of 2023 it was compared with.
    let text = corrected(ES, ("un aumento de 9.5%", "un aumento de 12.5%")).replace(
        "Estados Unidos con 88.2%",
        "Estados Unidos, con 39,690 millones de dólares y 88.2%",
    );
    let a = audit(&text);
    assert_quiet(&a);
    let wrong = audit(&text.replace("y 88.2%", "y 89.2%"));
    let f = assert_fires(&wrong, RuleCode::ShareValue);
    let expected = f[0].expected.expect("expected interval");
    assert!(expected.contains(88.2), "{expected}");
}
