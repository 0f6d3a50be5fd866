//! Regions, partners and products: look-ups, filters, nesting, pagination, node ids.

use serde_json::json;

use crate::helpers::{TestApp, error_code};

crate::on_both!(
    region_by_inegi_and_iso_code,
    regions_filter_by_level_parent_and_accentless_search,
    region_children_paginate_with_cursors,
    partners_and_products_search_both_languages,
    product_hierarchy_both_ways,
    node_refetches_every_type,
    page_size_above_maximum_is_rejected,
);

async fn region_by_inegi_and_iso_code(app: TestApp) {
    let q = "query($c: String!) { region(code: $c) { code name level isoCode parent { code } ancestors { code } } }";
    let d = app.data(q, json!({ "c": "02002" })).await;
    assert_eq!(d["region"]["name"], "Mexicali");
    assert_eq!(d["region"]["level"], "MUNICIPALITY");
    assert_eq!(
        d["region"]["ancestors"],
        json!([{ "code": "02" }, { "code": "00" }])
    );
    let d = app.data(q, json!({ "c": "MX-BCN" })).await;
    assert_eq!(d["region"]["code"], "02");
    assert_eq!(d["region"]["parent"]["code"], "00");
    let d = app.data(q, json!({ "c": "99" })).await;
    assert_eq!(d["region"], json!(null));
}

async fn regions_filter_by_level_parent_and_accentless_search(app: TestApp) {
    let q = "query($f: RegionFilter) { regions(filter: $f, first: 500) { totalCount edges { node { code name } } } }";
    let d = app.data(q, json!({ "f": { "level": "STATE" } })).await;
    assert_eq!(d["regions"]["totalCount"], 32);
    let d = app.data(q, json!({ "f": { "parentCode": "02" } })).await;
    assert_eq!(
        d["regions"]["totalCount"], 7,
        "Baja California has 7 municipalities: {d}"
    );
    let d = app
        .data(
            q,
            json!({ "f": { "search": "nuevo leon", "level": "STATE" } }),
        )
        .await;
    assert_eq!(d["regions"]["edges"][0]["node"]["code"], "19");
    let d = app
        .data(
            q,
            json!({ "f": { "search": "Juárez", "level": "MUNICIPALITY" } }),
        )
        .await;
    assert!(
        d["regions"]["totalCount"].as_u64().unwrap() > 3,
        "several municipalities are called Juárez: {d}"
    );
    assert_eq!(
        app.data(q, json!({ "f": { "level": "MUNICIPALITY" } }))
            .await["regions"]["totalCount"],
        2478
    );
}

async fn region_children_paginate_with_cursors(app: TestApp) {
    let q = "query($a: String) { region(code: \"02\") { children(first: 3, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { node { code } } } } }";
    let mut seen = Vec::new();
    let mut after = json!(null);
    loop {
        let d = app.data(q, json!({ "a": after })).await;
        let c = &d["region"]["children"];
        for e in c["edges"].as_array().unwrap() {
            seen.push(e["node"]["code"].as_str().unwrap().to_owned());
        }
        if !c["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = c["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(
        seen,
        [
            "02001", "02002", "02003", "02004", "02005", "02006", "02007"
        ]
    );
}

async fn partners_and_products_search_both_languages(app: TestApp) {
    let q = "query($s: String!) { partners(filter: { search: $s }) { edges { node { iso3 nameEs } } } }";
    for s in ["Estados Unidos", "united states of america", "taiwan"] {
        let d = app.data(q, json!({ "s": s })).await;
        let codes: Vec<_> = d["partners"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["iso3"].clone())
            .collect();
        assert!(
            codes.contains(&json!("USA")) || codes.contains(&json!("TWN")),
            "{s}: {codes:?}"
        );
    }
    let q = "query($s: String!) { products(filter: { search: $s, level: 4 }) { edges { node { code } } } }";
    let en = app
        .data(q, json!({ "s": "electronic integrated circuits" }))
        .await;
    let es = app
        .data(q, json!({ "s": "circuitos electronicos integrados" }))
        .await;
    assert_eq!(en["products"]["edges"][0]["node"]["code"], "8542");
    assert_eq!(es["products"]["edges"][0]["node"]["code"], "8542");
}

async fn product_hierarchy_both_ways(app: TestApp) {
    let q = "{ product(code: \"854231\") { level descriptionEn parent { code parent { code children { code } } } } sector: product(code: \"31-33\", classification: SCIAN) { descriptionEs level } }";
    let d = app.data(q, json!({})).await;
    assert_eq!(d["product"]["level"], 6);
    assert_eq!(d["product"]["parent"]["code"], "8542");
    assert_eq!(d["product"]["parent"]["parent"]["code"], "85");
    let children = d["product"]["parent"]["parent"]["children"]
        .as_array()
        .unwrap();
    assert!(children.iter().any(|c| c["code"] == "8542"));
    assert_eq!(d["sector"]["descriptionEs"], "Industrias manufactureras");
}

async fn node_refetches_every_type(app: TestApp) {
    let d = app
        .data(
            "{ region(code: \"02\") { id } partner(iso3: \"USA\") { id } product(code: \"8542\") { id } flows(first: 1) { edges { node { id value } } } }",
            json!({}),
        )
        .await;
    for (id, typename) in [
        (&d["region"]["id"], "Region"),
        (&d["partner"]["id"], "Partner"),
        (&d["product"]["id"], "Product"),
        (&d["flows"]["edges"][0]["node"]["id"], "Flow"),
    ] {
        let n = app
            .data(
                "query($id: ID!) { node(id: $id) { __typename id } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(n["node"]["__typename"], typename);
        assert_eq!(&n["node"]["id"], id);
    }
    let bad = app
        .gql("{ node(id: \"not-an-id\") { id } }", json!({}))
        .await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");
}

async fn page_size_above_maximum_is_rejected(app: TestApp) {
    let body = app
        .gql("{ flows(first: 501) { totalCount } }", json!({}))
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "first");
    assert_eq!(body["errors"][0]["extensions"]["rule"], "max_page_size");
    let ok = app
        .data("{ regions(first: 500) { edges { cursor } } }", json!({}))
        .await;
    assert_eq!(ok["regions"]["edges"].as_array().unwrap().len(), 500);
    let default = app
        .data("{ regions { edges { cursor } } }", json!({}))
        .await;
    assert_eq!(default["regions"]["edges"].as_array().unwrap().len(), 50);
}
