//! Flows over the bundled Data México sample: filters, orders, cursors and
//! the derived figures, checked against the sample's published spot totals.

use serde_json::json;

use crate::helpers::{TestApp, error_code};

crate::on_both!(
    period_filter_keeps_flows_inside_it,
    region_and_product_filters_include_subtrees,
    product_filters_read_their_subtrees_codes,
    keyset_pages_cover_everything_once_in_order,
    totals_growth_and_rankings_match_the_sample,
    growth_says_why_when_it_cannot,
    bad_filters_name_the_field,
    flow_listing_snapshot,
);

const COUNT: &str = "query($f: FlowFilter) { flows(filter: $f, first: 0) { totalCount } }";

async fn count(app: &TestApp, filter: serde_json::Value) -> u64 {
    app.data(COUNT, json!({ "f": filter })).await["flows"]["totalCount"]
        .as_u64()
        .unwrap()
}

async fn period_filter_keeps_flows_inside_it(app: TestApp) {
    let jan23 = count(&app, json!({ "period": "2023-01" })).await;
    let jan24 = count(&app, json!({ "period": "2024-01" })).await;
    assert_eq!(jan23, 824);
    assert_eq!(jan24, 767, "768 rows minus the aggregate `emu` partner row");
    assert_eq!(count(&app, json!({ "period": "2024" })).await, jan24);
    assert_eq!(count(&app, json!({ "period": "2024-Q1" })).await, jan24);
    assert_eq!(
        count(&app, json!({ "period": "2023-01/2024-01" })).await,
        jan23 + jan24
    );
    assert_eq!(count(&app, json!({ "period": "2024-02/2024-12" })).await, 0);
}

async fn region_and_product_filters_include_subtrees(app: TestApp) {
    let all = count(&app, json!({})).await;
    assert_eq!(count(&app, json!({ "regionCode": "00" })).await, all);
    assert_eq!(count(&app, json!({ "regionCode": "02" })).await, all);
    assert_eq!(count(&app, json!({ "regionCode": "MX-BCN" })).await, all);
    assert_eq!(count(&app, json!({ "regionCode": "03" })).await, 0);
    assert_eq!(
        count(&app, json!({ "regionCode": "02002" })).await,
        0,
        "the sample is state-level"
    );
    let ch85 = count(&app, json!({ "productCode": "85" })).await;
    let h8542 = count(&app, json!({ "productCode": "8542" })).await;
    assert!(ch85 > h8542 && h8542 > 0, "{ch85} {h8542}");
    assert_eq!(
        count(
            &app,
            json!({ "productCode": "8542", "partnerIso3": "USA", "period": "2024-01" })
        )
        .await,
        4
    );
}

/// A product filter reads the flows of its subtree's catalogue codes (as
/// equalities, which every database's planner can seek in the product
/// index): over a month, which the yearly rollup cannot answer, an HS
/// chapter and a heading count exactly the flows their codes prefix, as
/// plain SQL counts them, and `TOTAL` reads the all-products rows.
async fn product_filters_read_their_subtrees_codes(app: TestApp) {
    for code in ["85", "8542", "854231"] {
        let sql = format!(
            "SELECT COUNT(*) FROM flows WHERE classification = 'HS' \
             AND product_code LIKE '{code}%' AND period_start = 202401 AND period_end = 202401"
        );
        let expected = app.sql_number(&sql).await.unwrap() as u64;
        assert!(
            (1..=500).contains(&expected),
            "the sample has a page of flows of {code} in 2024-01: {expected}"
        );
        let listed = app
            .data(
                "query($f: FlowFilter) { flows(filter: $f, first: 500) { totalCount edges { node { product { code } } } } }",
                json!({ "f": { "productCode": code, "period": "2024-01" } }),
            )
            .await;
        assert_eq!(
            listed["flows"]["totalCount"].as_u64(),
            Some(expected),
            "{code}"
        );
        let edges = listed["flows"]["edges"].as_array().unwrap();
        assert_eq!(edges.len() as u64, expected, "{code}");
        assert!(
            edges.iter().all(|e| e["node"]["product"]["code"]
                .as_str()
                .unwrap()
                .starts_with(code)),
            "{code}"
        );
    }

    assert_eq!(count(&app, json!({ "productCode": "TOTAL" })).await, 0);
    let created = app
        .gql_admin(
            "mutation($i: CreateFlowInput!) { createFlow(input: $i) { id } }",
            json!({ "i": { "period": "2024-01", "direction": "EXPORT", "regionCode": "02",
                           "partnerIso3": "USA", "productCode": "TOTAL", "value": 5.0 } }),
        )
        .await;
    assert!(created.get("errors").is_none(), "{created:#}");
    assert_eq!(count(&app, json!({ "productCode": "TOTAL" })).await, 1);
    assert_eq!(
        count(&app, json!({ "productCode": "TOTAL", "period": "2024-01" })).await,
        1
    );
}

async fn keyset_pages_cover_everything_once_in_order(app: TestApp) {
    let q = "query($a: String, $o: FlowOrder) { flows(filter: { productCode: \"85\" }, orderBy: $o, first: 37, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { node { id value period } } } }";
    for order in ["VALUE_DESC", "VALUE_ASC", "PERIOD_DESC", "PERIOD_ASC"] {
        let (mut after, mut ids, mut values, mut periods) =
            (json!(null), Vec::new(), Vec::new(), Vec::new());
        let total = loop {
            let d = app.data(q, json!({ "a": after, "o": order })).await;
            let c = &d["flows"];
            for e in c["edges"].as_array().unwrap() {
                ids.push(e["node"]["id"].as_str().unwrap().to_owned());
                values.push(e["node"]["value"].as_f64().unwrap());
                periods.push(e["node"]["period"].as_str().unwrap().to_owned());
            }
            if !c["pageInfo"]["hasNextPage"].as_bool().unwrap() {
                break c["totalCount"].as_u64().unwrap();
            }
            after = c["pageInfo"]["endCursor"].clone();
        };
        assert_eq!(ids.len() as u64, total, "{order}: every flow once");
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "{order}: no flow twice");
        let sorted = |v: &[f64], desc: bool| {
            v.windows(2)
                .all(|w| if desc { w[0] >= w[1] } else { w[0] <= w[1] })
        };
        match order {
            "VALUE_DESC" => assert!(sorted(&values, true)),
            "VALUE_ASC" => assert!(sorted(&values, false)),
            "PERIOD_DESC" => assert!(periods.windows(2).all(|w| w[0] >= w[1])),
            _ => assert!(periods.windows(2).all(|w| w[0] <= w[1])),
        }
    }
    let wrong = app
        .gql(
            "query($a: String) { flows(orderBy: PERIOD_ASC, after: $a) { totalCount } }",
            json!({ "a": app.data(q, json!({ "o": "VALUE_DESC" })).await["flows"]["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(
        error_code(&wrong),
        "BAD_USER_INPUT",
        "a cursor of another order is refused: {wrong}"
    );
}

async fn totals_growth_and_rankings_match_the_sample(app: TestApp) {
    // Spot totals from the data's README (Data México, Baja California exports).
    let d = app
        .data(
            r#"{ region(code: "02") {
                jan24: total(direction: EXPORT, period: "2024-01")
                jan23: total(direction: EXPORT, period: "2023-01")
                growth(direction: EXPORT, period: "2024-01") { rate previous current previousPeriod }
                balance(period: "2024-01") { exports imports balance }
                topProducts(direction: EXPORT, period: "2024-01", level: 4, first: 500) { rank code value share }
                topPartners(direction: EXPORT, period: "2024-01", first: 1) { rank iso3 partner { nameEs } }
              }
              product(code: "8542") {
                topPartners(direction: EXPORT, period: "2024", first: 1) { iso3 value }
                topRegions(direction: EXPORT, period: "2023-01") { code value share }
              } }"#,
            json!({}),
        )
        .await;
    let r = &d["region"];
    assert_eq!(r["jan23"], json!(1_726_339_102.0));
    // The README's 1,609,008,107 less the one `emu` (aggregate partner) row of 2,381.
    assert_eq!(r["jan24"], json!(1_609_005_726.0));
    let rate = r["growth"]["rate"].as_f64().unwrap();
    assert!(
        (rate - (1_609_005_726.0 / 1_726_339_102.0 - 1.0)).abs() < 1e-12,
        "{rate}"
    );
    assert_eq!(r["growth"]["previousPeriod"], "2023-01");
    assert_eq!(
        r["balance"]["imports"],
        json!(null),
        "the sample has no imports"
    );
    assert_eq!(r["balance"]["balance"], json!(null));
    let top = r["topProducts"].as_array().unwrap();
    let by_code = |c: &str| {
        top.iter().find(|t| t["code"] == c).unwrap()["value"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(by_code("8414"), 46_894_248.0);
    assert_eq!(by_code("8542"), 145_269_247.0);
    assert_eq!(by_code("9018"), 262_792_104.0);
    assert_eq!(by_code("9021"), 59_854_970.0);
    let shares: f64 = top.iter().map(|t| t["share"].as_f64().unwrap()).sum();
    assert!(
        (shares - 1.0).abs() < 1e-9,
        "shares of a complete ranking add up to 1: {shares}"
    );
    let ranks: Vec<u64> = top.iter().map(|t| t["rank"].as_u64().unwrap()).collect();
    assert_eq!(ranks, (1..=top.len() as u64).collect::<Vec<_>>());
    assert!(
        top.windows(2)
            .all(|w| w[0]["value"].as_f64() >= w[1]["value"].as_f64())
    );
    assert_eq!(r["topPartners"][0]["iso3"], "USA");
    assert_eq!(
        d["product"]["topPartners"][0],
        json!({ "iso3": "USA", "value": 142_329_712.0 })
    );
    assert_eq!(
        d["product"]["topRegions"][0],
        json!({ "code": "02", "value": 86_731_692.0, "share": 1.0 })
    );
}

async fn growth_says_why_when_it_cannot(app: TestApp) {
    let d = app
        .data(r#"{ region(code: "02") { growth(direction: EXPORT, period: "2023-01") { rate reason } } }"#, json!({}))
        .await;
    assert_eq!(d["region"]["growth"]["rate"], json!(null));
    let reason = d["region"]["growth"]["reason"].as_str().unwrap();
    assert!(reason.contains("2022-01"), "{reason}");
    let d = app
        .data(r#"{ region(code: "02") { growth(direction: IMPORT, period: "2024-01") { rate reason } } }"#, json!({}))
        .await;
    assert!(
        d["region"]["growth"]["reason"]
            .as_str()
            .unwrap()
            .contains("imports")
    );
}

async fn bad_filters_name_the_field(app: TestApp) {
    for (filter, field, rule) in [
        (json!({ "period": "2024-13" }), "filter.period", "period"),
        (
            json!({ "regionCode": "99" }),
            "filter.regionCode",
            "unknown_region",
        ),
        (
            json!({ "partnerIso3": "XXX" }),
            "filter.partnerIso3",
            "unknown_partner",
        ),
        (
            json!({ "productCode": "0000" }),
            "filter.productCode",
            "unknown_product",
        ),
        (json!({ "currency": "EUR" }), "filter.currency", "currency"),
        (
            json!({ "source": "nope" }),
            "filter.source",
            "unknown_source",
        ),
    ] {
        let body = app.gql(COUNT, json!({ "f": filter })).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
        assert_eq!(body["errors"][0]["extensions"]["rule"], rule, "{body}");
    }
}

async fn flow_listing_snapshot(app: TestApp) {
    let d = app
        .data(
            r#"{ flows(filter: { productCode: "9018", period: "2024-01", direction: EXPORT }, first: 3) {
                totalCount
                edges { node { period direction value currency region { code name } partner { iso3 nameEn nameEs }
                               product { code level descriptionEn descriptionEs } source { code publisher licence synthetic } } } } }"#,
            json!({}),
        )
        .await;
    insta::assert_json_snapshot!("flows_9018_2024_01", d);
}
