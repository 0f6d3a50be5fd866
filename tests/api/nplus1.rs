//! The statement count of a request follows the query's shape, not the
//! number of rows: a state → its municipalities → their flows → product and
//! partner runs one SQL statement however many municipalities there are.

use serde_json::json;

use crate::helpers::TestApp;

crate::on_both!(
    fan_out_runs_one_statement_whatever_the_width,
    nested_counts_add_one_statement_whatever_the_width,
    nested_totals_are_batched_too,
    nested_rankings_are_batched_too,
    a_balance_and_its_growth_read_both_years_at_once,
);

/// Flows for every municipality of Baja California in October 2024.
fn municipal_flows() -> String {
    let mut csv = String::from(
        "period,direction,region_code,partner_iso3,classification,product_code,value,currency,source\n",
    );
    for (m, municipality) in [
        "02001", "02002", "02003", "02004", "02005", "02006", "02007",
    ]
    .iter()
    .enumerate()
    {
        for (p, partner) in ["USA", "CAN", "CHN"].iter().enumerate() {
            for (h, product) in ["854231", "901890", "870899"].iter().enumerate() {
                let value = 1000 * (m + 1) + 100 * (p + 1) + h;
                csv.push_str(&format!(
                    "2024-10,EXPORT,{municipality},{partner},HS,{product},{value},USD,manual\n"
                ));
            }
        }
    }
    csv
}

const FAN_OUT: &str = r#"query($n: Int!) { region(code: "02") { name children(first: $n) { edges { node { code name
    flows(filter: { period: "2024-10" }, first: 5) { edges { node { value period product { code descriptionEn } partner { iso3 nameEn } } } } } } } } }"#;

async fn statements_of(app: &TestApp, query: &str, n: i64) -> (u64, serde_json::Value) {
    let before = app.statements();
    let data = app.data(query, json!({ "n": n })).await;
    (app.statements() - before, data)
}

async fn fan_out_runs_one_statement_whatever_the_width(app: TestApp) {
    app.import(&municipal_flows()).await;
    let (narrow, _) = statements_of(&app, FAN_OUT, 2).await;
    let (wide, data) = statements_of(&app, FAN_OUT, 7).await;
    let children = data["region"]["children"]["edges"].as_array().unwrap();
    assert_eq!(children.len(), 7);
    for c in children {
        let flows = c["node"]["flows"]["edges"].as_array().unwrap();
        assert_eq!(
            flows.len(),
            5,
            "each municipality has 9 flows, the first 5 are listed: {c}"
        );
        assert!(
            flows
                .windows(2)
                .all(|w| w[0]["node"]["value"].as_f64() >= w[1]["node"]["value"].as_f64())
        );
        assert!(
            flows
                .iter()
                .all(|f| f["node"]["product"]["descriptionEn"].is_string())
        );
    }
    eprintln!("fan-out statements: {narrow} for 2 municipalities, {wide} for 7");
    assert_eq!(
        wide, 1,
        "state → 7 municipalities → 5 flows each → product, partner: one statement"
    );
    assert_eq!(
        narrow, wide,
        "the count does not grow with the number of parents"
    );
    // Past 30 items async-graphql polls a list through `FuturesUnordered`,
    // which yields every other item: Nuevo León's 51 municipalities still
    // share one statement.
    let (widest, data) = statements_of(&app, &FAN_OUT.replace("\"02\"", "\"19\""), 51).await;
    assert_eq!(
        data["region"]["children"]["edges"]
            .as_array()
            .unwrap()
            .len(),
        51
    );
    assert_eq!(widest, 1, "51 municipalities: one statement");
}

async fn nested_counts_add_one_statement_whatever_the_width(app: TestApp) {
    app.import(&municipal_flows()).await;
    let q = FAN_OUT.replace("first: 5) { edges", "first: 5) { totalCount edges");
    let (narrow, _) = statements_of(&app, &q, 2).await;
    let (wide, data) = statements_of(&app, &q, 7).await;
    for c in data["region"]["children"]["edges"].as_array().unwrap() {
        assert_eq!(c["node"]["flows"]["totalCount"], json!(9), "{c}");
    }
    eprintln!("fan-out with totalCount: {narrow} statements for 2 municipalities, {wide} for 7");
    assert_eq!(
        (narrow, wide),
        (2, 2),
        "pages in one statement, counts in another"
    );
}

async fn nested_totals_are_batched_too(app: TestApp) {
    app.import(&municipal_flows()).await;
    let q = r#"query($n: Int!) { region(code: "02") { children(first: $n) { edges { node { code
        total(direction: EXPORT, period: "2024-10") balance(period: "2024-10") { exports }
        growth(direction: EXPORT, period: "2024-10") { rate reason } } } } } }"#;
    let (narrow, _) = statements_of(&app, q, 2).await;
    let (wide, data) = statements_of(&app, q, 7).await;
    assert_eq!(narrow, wide);
    assert!(
        wide <= 2,
        "this period and the year before: at most two statements, got {wide}"
    );
    let mexicali = &data["region"]["children"]["edges"][1]["node"];
    // 3 partners × 3 products; values 2000 + 100·p + h.
    let expected: f64 = (1..=3)
        .flat_map(|p| (0..3).map(move |h| (2000 + 100 * p + h) as f64))
        .sum();
    assert_eq!(mexicali["total"].as_f64().unwrap(), expected);
    assert_eq!(mexicali["balance"]["exports"].as_f64().unwrap(), expected);
}

async fn nested_rankings_are_batched_too(app: TestApp) {
    app.import(&municipal_flows()).await;
    let q = r#"query($n: Int!) { region(code: "02") { children(first: $n) { edges { node { code
        topProducts(direction: EXPORT, period: "2024-10", level: 6, first: 2) { rank code value share }
        topPartners(direction: EXPORT, period: "2024-10", first: 1) { rank iso3 share } } } } } }"#;
    let (narrow, _) = statements_of(&app, q, 2).await;
    let (wide, data) = statements_of(&app, q, 7).await;
    assert_eq!(
        narrow, wide,
        "the count does not grow with the number of parents"
    );
    assert_eq!(wide, 2, "one statement per ranking field");
    // Tijuana (02004, the 4th municipality): values 4000 + 100·p + h for 3 partners × 3 products.
    let tijuana = &data["region"]["children"]["edges"][3]["node"];
    assert_eq!(tijuana["code"], "02004");
    let whole: f64 = (1..=3)
        .flat_map(|p| (0..3).map(move |h| (4000 + 100 * p + h) as f64))
        .sum();
    let top = &tijuana["topProducts"];
    // Product h = 2 (870899) sums 4102 + 4202 + 4302 over the partners.
    assert_eq!(top[0]["code"], "870899", "{top}");
    assert_eq!(top[0]["value"].as_f64().unwrap(), 12_606.0);
    assert!((top[0]["share"].as_f64().unwrap() - 12_606.0 / whole).abs() < 1e-12);
    assert_eq!(top[1]["rank"], json!(2));
    assert_eq!(
        tijuana["topPartners"][0]["iso3"], "CHN",
        "partner p = 3 carries the most"
    );
}

/// States' exports and imports in 2023 and 2024, and one month of 2024.
fn yearly_state_flows() -> String {
    let mut csv = String::from(
        "period,direction,region_code,partner_iso3,classification,product_code,value,currency,source\n",
    );
    for (s, state) in ["19", "26"].iter().enumerate() {
        for (y, year) in [2023, 2024].iter().enumerate() {
            for (d, direction) in ["EXPORT", "IMPORT"].iter().enumerate() {
                for month in [3, 6] {
                    let value = 1000 * (s + 1) + 100 * (y + 1) + 10 * d + month;
                    csv.push_str(&format!(
                        "{year}-{month:02},{direction},{state}001,USA,HS,854231,{value},USD,manual\n"
                    ));
                }
            }
        }
    }
    csv
}

/// A balance and its growth against the year before, under every state:
/// both calendar years come from one statement on the rollup, and a month
/// asked beside them adds one of its own.
async fn a_balance_and_its_growth_read_both_years_at_once(app: TestApp) {
    app.import(&yearly_state_flows()).await;
    let years = r#"query($n: Int!) { region(code: "00") { children(first: $n) { edges { node { code
        balance(period: "2024") { exports imports }
        growth(direction: EXPORT, period: "2024") { previous current } } } } } }"#;
    let (statements, data) = statements_of(&app, years, 32).await;
    assert_eq!(
        statements, 1,
        "2023 and 2024 in one statement, for all 32 states"
    );
    let states = data["region"]["children"]["edges"].as_array().unwrap();
    let node = |code: &str| &states.iter().find(|e| e["node"]["code"] == code).unwrap()["node"];
    // Values 1000·(s + 1) + 100·(y + 1) + 10·d + month, months 3 and 6.
    let sum = |s: u32, y: u32, d: u32| f64::from(2 * (1000 * (s + 1) + 100 * (y + 1) + 10 * d) + 9);
    let nuevo_leon = node("19");
    assert_eq!(
        nuevo_leon["balance"]["exports"].as_f64(),
        Some(sum(0, 1, 0))
    );
    assert_eq!(
        nuevo_leon["balance"]["imports"].as_f64(),
        Some(sum(0, 1, 1))
    );
    assert_eq!(
        nuevo_leon["growth"]["previous"].as_f64(),
        Some(sum(0, 0, 0))
    );
    assert_eq!(nuevo_leon["growth"]["current"].as_f64(), Some(sum(0, 1, 0)));
    assert_eq!(
        node("26")["growth"]["previous"].as_f64(),
        Some(sum(1, 0, 0))
    );

    let mixed = r#"query($n: Int!) { region(code: "00") { children(first: $n) { edges { node { code
        balance(period: "2024") { exports } total(direction: EXPORT, period: "2024-06") } } } } }"#;
    let (statements, data) = statements_of(&app, mixed, 32).await;
    assert_eq!(
        statements, 2,
        "the year from the rollup, the month from the flows"
    );
    let nuevo_leon = &data["region"]["children"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["code"] == "19")
        .unwrap()["node"];
    assert_eq!(
        nuevo_leon["total"].as_f64(),
        Some(f64::from(1000 + 200 + 6))
    );
    assert_eq!(
        nuevo_leon["balance"]["exports"].as_f64(),
        Some(sum(0, 1, 0))
    );
}
