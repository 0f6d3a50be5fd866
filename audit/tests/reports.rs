//! Realistic reports in both languages, each in a correct version (which
//! must raise no ERROR or WARNING) and a version with planted errors (which
//! must raise exactly the rules planted).

mod common;

use common::*;
use tradegraph_audit::{RuleCode, ScopeMethod, Severity};

const NUEVO_LEON: &str = "\
# Comercio exterior | Nuevo León, tercer trimestre de 2025

En el tercer trimestre de 2025 las exportaciones del estado sumaron 17,250 millones de dólares, un aumento de 8.0% frente a los 15,972 millones de dólares del tercer trimestre de 2024.

Los principales municipios exportadores fueron Apodaca, con 4,120 millones de dólares, seguido de Monterrey con 3,870 millones de dólares y General Escobedo con 2,015 millones de dólares.

| Municipio | Exportaciones | Participación % |
|---|---:|---:|
| Apodaca | 4,120.0 | 23.9 |
| Monterrey | 3,870.0 | 22.4 |
| General Escobedo | 2,015.0 | 11.7 |
| Resto | 7,245.0 | 42.0 |
| Total | 17,250.0 | 100.0 |

Cifras en millones de dólares.

Por sector, las manufacturas representaron 91.5% de las exportaciones, la minería 5.3% y el sector agropecuario 3.2%.
";

#[test]
fn nuevo_leon_correct_report_is_quiet() {
    let a = audit(NUEVO_LEON);
    let scope = a.scope.as_ref().expect("scope detected");
    assert_eq!(
        (scope.region_code.as_str(), scope.method),
        ("19", ScopeMethod::Title)
    );
    assert_eq!(a.language, "es");
    assert_quiet(&a);
}

#[test]
fn nuevo_leon_planted_errors_are_found() {
    let text = NUEVO_LEON
        .replace("un aumento de 8.0%", "un aumento de 9.5%")
        .replace(
            "| Total | 17,250.0 | 100.0 |",
            "| Total | 17,520.0 | 100.0 |",
        )
        .replace(
            "| Monterrey | 3,870.0 | 22.4 |",
            "| Monterrey | 3,870.0 | 24.4 |",
        )
        .replace(
            "Apodaca, con 4,120 millones de dólares, seguido de Monterrey con 3,870",
            "Apodaca, con 3,870 millones de dólares, seguido de Monterrey con 4,120",
        )
        .replace("la minería 5.3%", "la minería 4.3%");
    let a = audit(&text);
    let growth = assert_fires(&a, RuleCode::GrowthValue);
    assert!(growth[0].message.contains("9.5%"), "{}", growth[0].message);
    let expected = growth[0].expected.expect("expected interval");
    assert!(expected.contains(8.0), "{expected}");
    assert_fires(&a, RuleCode::TotalSum);
    assert_fires(&a, RuleCode::RankOrder);
    let shares = assert_fires(&a, RuleCode::ShareSum);
    assert!(
        shares.iter().any(|f| f.message.contains("complete")),
        "{shares:#?}"
    );
    assert!(
        a.findings.iter().all(|f| f.rule != RuleCode::RegionLabel),
        "{:#?}",
        alarms(&a)
    );
}

const JALISCO: &str = "\
Jalisco exports hit a record in 2024

Jalisco's exports reached US$32.4 billion in 2024, up 6.2% from US$30.5 billion in 2023, according to INEGI. Between 2019 and 2024, exports grew from US$24.1 billion to US$32.4 billion, an average annual rate of 6.1%.

The United States took 78.5% of the state's exports, followed by China with 4.1% and Canada with 3.2%; the remaining markets accounted for 14.2%.

Zapopan accounted for 41.0% of Jalisco's exports, followed by Guadalajara at 22.3% and Tlajomulco de Zúñiga at 10.4%.
";

#[test]
fn jalisco_correct_news_piece_is_quiet() {
    let a = audit(JALISCO);
    assert_eq!(a.scope.as_ref().map(|s| s.region_code.as_str()), Some("14"));
    assert_eq!(a.language, "en");
    assert_quiet(&a);
}

#[test]
fn jalisco_planted_errors_are_found() {
    let text = JALISCO
        .replace(
            "an average annual rate of 6.1%",
            "an average annual rate of 8.1%",
        )
        .replace(
            "followed by China with 4.1%",
            "followed by China with 14.1%",
        )
        .replace("Guadalajara at 22.3%", "Guadalajara at 52.3%");
    let a = audit(&text);
    let cagr = assert_fires(&a, RuleCode::Cagr);
    assert_eq!(cagr[0].severity, Severity::Error);
    assert!(
        cagr[0].message.contains("8.1%") && cagr[0].message.contains("5 years"),
        "{}",
        cagr[0].message
    );
    let sums = assert_fires(&a, RuleCode::ShareSum);
    assert_eq!(sums.len(), 2, "{sums:#?}");
    assert_fires(&a, RuleCode::RankOrder);
}

#[test]
fn currencies_mixed_in_a_growth_rate() {
    let text = "Jalisco's exports reached US$32.4 billion in 2024, up 6.2% from 585 billion pesos in 2023.";
    let a = audit(text);
    let mix = assert_fires(&a, RuleCode::UnitMix);
    assert!(
        mix[0].message.contains("MXN") && mix[0].message.contains("USD"),
        "{}",
        mix[0].message
    );
    assert!(of(&a, RuleCode::GrowthValue).is_empty());
    assert_quiet(&audit(
        &text.replace("585 billion pesos", "US$30.5 billion"),
    ));
}

const CIUDAD_JUAREZ: &str = "\
# Exportaciones de Ciudad Juárez, Chihuahua — enero-octubre 2024

En el municipio, las exportaciones alcanzaron 48,300 millones de dólares entre enero y octubre de 2024, un crecimiento de 3.1% respecto al mismo periodo de 2023.

En cuanto a las ventas, en primer lugar se encuentran los circuitos electrónicos integrados y el segundo corresponde a partes y accesorios de vehículos automóviles.

PRODUCTO\tVALOR DE VENTAS
Circuitos electrónicos integrados\t\\$9,815.2
Partes y accesorios de vehículos automóviles\t\\$7,402.9
Máquinas automáticas para tratamiento o procesamiento de datos\t\\$5,110.4

Cifras en millones de dólares estadounidenses.

Los principales destinos fueron Estados Unidos, Canadá y China.
";

#[test]
fn ciudad_juarez_correct_report_is_quiet() {
    let a = audit(CIUDAD_JUAREZ);
    assert_eq!(
        a.scope.as_ref().map(|s| s.region_code.as_str()),
        Some("08037")
    );
    assert_quiet(&a);
}

#[test]
fn ciudad_juarez_planted_errors_are_found() {
    let text = CIUDAD_JUAREZ
        .replace(
            "en primer lugar se encuentran los circuitos electrónicos integrados y el segundo corresponde a partes y accesorios de vehículos automóviles",
            "en primer lugar se encuentran las partes y accesorios de vehículos automóviles y el segundo corresponde a los televisores",
        )
        .replace("En cuanto a las ventas,", "En cuanto a las ventas en Hermosillo,")
        .replace("\n\nPRODUCTO", "\n\n## Los productos más vendidos en el estado fueron:\n\nPRODUCTO");
    let a = audit(&text);
    let ranks = assert_fires(&a, RuleCode::RankTextTable);
    assert_eq!(ranks.len(), 2, "{ranks:#?}");
    assert!(
        ranks
            .iter()
            .any(|f| f.message.contains("televisores") && f.message.contains("does not list"))
    );
    assert!(
        ranks
            .iter()
            .any(|f| f.message.contains("position 1") && f.message.contains("position 2"))
    );
    let label = assert_fires(&a, RuleCode::RegionLabel);
    assert!(
        label[0].message.contains("Hermosillo"),
        "{}",
        label[0].message
    );
    assert_fires(&a, RuleCode::ScopeLevel);
}

#[test]
fn a_comparison_with_a_neighbour_is_not_a_mislabel() {
    let text = "# Comercio exterior | Mexicali 2024\n\nLas exportaciones de Mexicali crecieron 4.1%, mientras que las de Tijuana crecieron 6.3%.\n";
    let a = audit(text);
    assert!(
        of(&a, RuleCode::RegionLabel).is_empty(),
        "{:#?}",
        alarms(&a)
    );
    let mislabel = audit(
        "# Comercio exterior | Mexicali 2024\n\nLas exportaciones de Tijuana crecieron 6.3%.\n",
    );
    assert_fires(&mislabel, RuleCode::RegionLabel);
}

#[test]
fn share_of_a_stated_whole() {
    let ok = "Mexico's exports reached US$152.6 billion in 3Q2025. Chihuahua led with US$28.9 billion, representing 18.9% of national exports.";
    assert_quiet(&audit(ok));
    let wrong = audit(&ok.replace("18.9%", "21.9%"));
    let f = assert_fires(&wrong, RuleCode::ShareValue);
    let expected = f[0].expected.expect("expected");
    assert!(expected.lo() > 18.8 && expected.hi() < 19.0, "{expected}");
}

#[test]
fn growth_between_a_table_s_period_columns() {
    let text = "\
# Exportaciones de Tijuana por producto

| Producto | 2023 | 2024 | Var. % |
|---|---:|---:|---:|
| Instrumentos de medicina | 224.7 | 262.8 | 17.0 |
| Circuitos electrónicos integrados | 86.7 | 145.3 | 67.6 |

Cifras en millones de dólares.
";
    assert_quiet(&audit(text));
    let wrong = audit(&text.replace("| 67.6 |", "| 57.6 |"));
    let f = assert_fires(&wrong, RuleCode::GrowthValue);
    assert_eq!(f.len(), 1);
}
