//! The yearly rollup answers totals, counts and rankings of a state or the
//! country over a year, and the period totals their totals and counts over
//! any run of months; these tests hold every such answer to the same
//! question asked of the flows table in plain SQL, before and after imports
//! and each kind of mutation, and check the listings that read the rank
//! index page by page.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use tradegraph_ingest::HEADER;

crate::on_both!(
    rollup_answers_match_the_flows,
    mutations_keep_the_rollup_exact,
    per_cell_pages_match_a_full_sort,
    the_rollup_answers_years,
    an_import_adds_what_a_refresh_would,
    a_first_import_writes_the_sums_and_their_keys,
);

/// Flows in three states over two years, with the shapes a rollup can get
/// wrong: aggregate partners and products, a quarter, a whole year, a month
/// range across the new year, flows of a state and of the country itself,
/// and a second currency.
fn dataset() -> String {
    let mut csv = String::from(HEADER);
    let regions = ["02002", "02004", "19039", "19046", "14039", "02", "00"];
    let partners = ["USA", "CHN", "DEU"];
    let products = ["854231", "854239", "870899", "020110", "8542"];
    let mut n = 0u64;
    for year in [2023, 2024] {
        for month in [1, 6, 10] {
            for (r, region) in regions.iter().enumerate() {
                for (p, partner) in partners.iter().enumerate() {
                    for (h, product) in products.iter().enumerate() {
                        n += 1;
                        if n.is_multiple_of(3) {
                            continue;
                        }
                        let direction = if (r + p + h) % 2 == 0 {
                            "EXPORT"
                        } else {
                            "IMPORT"
                        };
                        let value = 1000.5 * (r + 1) as f64 + 37.25 * (p * 5 + h) as f64 + n as f64;
                        csv.push_str(&format!(
                            "{year}-{month:02},{direction},{region},{partner},HS,{product},{value},USD,manual\n"
                        ));
                    }
                }
            }
        }
    }
    csv.push_str(
        "2024,EXPORT,02004,WLD,HS,854231,99999,USD,manual\n\
         2024-10,EXPORT,02004,USA,HS,TOTAL,88888,USD,manual\n\
         2024-Q2,EXPORT,02004,USA,HS,854231,5000.75,USD,manual\n\
         2024,EXPORT,19039,CHN,HS,870899,12345.5,USD,manual\n\
         2023-11/2024-02,EXPORT,02004,USA,HS,854231,777,USD,manual\n\
         2024-06,EXPORT,02004,USA,HS,854231,4321,MXN,manual\n",
    );
    csv
}

const DETAIL: &str = "partner_iso3 <> 'WLD' AND product_code <> 'TOTAL' AND currency = 'USD'";

fn year(y: i32) -> String {
    format!("period_start >= {y}01 AND period_end <= {y}12")
}

/// The flows inside the months `start` to `end` (`YYYYMM`).
fn months(start: i32, end: i32) -> String {
    format!("period_start >= {start} AND period_start <= {end} AND period_end <= {end}")
}

/// Periods the yearly rollup cannot answer and the period totals can, with
/// their months: a quarter, a month, a range across the new year.
const PERIODS: [(&str, i32, i32); 4] = [
    ("2024-Q2", 202404, 202406),
    ("2024-06", 202406, 202406),
    ("2023-10", 202310, 202310),
    ("2023-11/2024-02", 202311, 202402),
];

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// `region(code).total` over `period` against the SQL sum of its subtree's
/// detail flows inside `months` (an SQL condition).
async fn check_total(app: &TestApp, code: &str, direction: &str, period: &str, months: &str) {
    let api = app
        .data(
            "query($c: String!, $d: Direction!, $p: String!) { region(code: $c) { total(direction: $d, period: $p) } }",
            json!({ "c": code, "d": direction, "p": period }),
        )
        .await["region"]["total"]
        .as_f64();
    let subtree = if code == "00" {
        "1 = 1".to_owned()
    } else {
        format!("region_code LIKE '{code}%'")
    };
    let sql = app.sql_number(
        &format!(
            "SELECT SUM(value) FROM flows WHERE {DETAIL} AND {subtree} AND direction = '{direction}' AND {months}"
        ),
    )
    .await;
    match (api, sql) {
        (Some(a), Some(s)) => assert!(close(a, s), "{code} {direction} {period}: api {a}, sql {s}"),
        (a, s) => assert_eq!(a, s, "{code} {direction} {period}"),
    }
}

/// `topProducts` at a level against SQL's GROUP BY, values and order.
async fn check_top_products(app: &TestApp, code: &str, level: usize, y: i32) {
    let data = app
        .data(
            "query($c: String!, $l: Int!, $p: String!) { region(code: $c) { topProducts(direction: EXPORT, period: $p, level: $l, first: 50) { code value share } } }",
            json!({ "c": code, "l": level, "p": y.to_string() }),
        )
        .await;
    let api = data["region"]["topProducts"].as_array().unwrap().clone();
    let subtree = if code == "00" {
        "1 = 1".to_owned()
    } else {
        format!("region_code LIKE '{code}%'")
    };
    let db = &app.state.db.conn;
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT SUBSTR(product_code, 1, {level}) AS k, SUM(value) AS v FROM flows \
                 WHERE {DETAIL} AND {subtree} AND direction = 'EXPORT' AND {} \
                 GROUP BY SUBSTR(product_code, 1, {level}) ORDER BY v DESC, k ASC",
                year(y)
            ),
        ))
        .await
        .unwrap();
    let whole: f64 = rows
        .iter()
        .map(|r| r.try_get::<f64>("", "v").unwrap())
        .sum();
    assert_eq!(api.len(), rows.len().min(50), "{code} level {level} {y}");
    for (a, r) in api.iter().zip(&rows) {
        let k: String = r.try_get("", "k").unwrap();
        let v: f64 = r.try_get("", "v").unwrap();
        assert_eq!(a["code"], json!(k), "{code} level {level} {y}");
        assert!(close(a["value"].as_f64().unwrap(), v), "{a} vs {v}");
        assert!(close(a["share"].as_f64().unwrap(), v / whole), "{a} share");
    }
}

/// `flows(filter).totalCount` against SQL's COUNT.
async fn check_count(app: &TestApp, filter: Value, sql_filter: &str) {
    let api = app
        .data(
            "query($f: FlowFilter) { flows(filter: $f, first: 0) { totalCount } }",
            json!({ "f": filter }),
        )
        .await["flows"]["totalCount"]
        .as_f64();
    let sql = app
        .sql_number(&format!("SELECT COUNT(*) FROM flows WHERE {sql_filter}"))
        .await;
    assert_eq!(api, sql, "{filter}");
}

async fn check_everything(app: &TestApp) {
    for code in ["00", "02", "19", "14", "02004", "19039"] {
        for direction in ["EXPORT", "IMPORT"] {
            for y in [2023, 2024] {
                check_total(app, code, direction, &y.to_string(), &year(y)).await;
            }
            for (period, start, end) in PERIODS {
                check_total(app, code, direction, period, &months(start, end)).await;
            }
        }
    }
    for code in ["00", "02"] {
        for level in [2, 4] {
            check_top_products(app, code, level, 2024).await;
        }
    }
    check_count(
        app,
        json!({ "direction": "EXPORT", "period": "2024", "productCode": "85" }),
        &format!(
            "direction = 'EXPORT' AND {} AND classification = 'HS' AND product_code >= '85' AND product_code < '86'",
            year(2024)
        ),
    )
    .await;
    check_count(
        app,
        json!({ "period": "2024", "regionCode": "02" }),
        &format!("{} AND region_code LIKE '02%'", year(2024)),
    )
    .await;
    check_count(
        app,
        json!({ "period": "2023", "currency": "USD" }),
        &format!("{} AND currency = 'USD'", year(2023)),
    )
    .await;
    for (period, start, end) in PERIODS {
        check_count(
            app,
            json!({ "period": period, "regionCode": "02" }),
            &format!("{} AND region_code LIKE '02%'", months(start, end)),
        )
        .await;
        check_count(
            app,
            json!({ "period": period, "regionCode": "02004" }),
            &format!("{} AND region_code = '02004'", months(start, end)),
        )
        .await;
        check_count(
            app,
            json!({ "period": period, "direction": "EXPORT" }),
            &format!("{} AND direction = 'EXPORT'", months(start, end)),
        )
        .await;
    }
    // The states ranked for a product, from the states' own rollup rows.
    let ranked = app
        .data(
            r#"{ product(code: "8542") { topRegions(direction: EXPORT, period: "2024") { code value } } }"#,
            json!({}),
        )
        .await;
    for entry in ranked["product"]["topRegions"].as_array().unwrap() {
        let code = entry["code"].as_str().unwrap();
        let sql = app.sql_number(
            &format!(
                "SELECT SUM(value) FROM flows WHERE {DETAIL} AND region_code LIKE '{code}%' AND region_code <> '00' \
                 AND direction = 'EXPORT' AND product_code LIKE '8542%' AND {}",
                year(2024)
            ),
        )
        .await
        .unwrap();
        assert!(
            close(entry["value"].as_f64().unwrap(), sql),
            "{entry} vs {sql}"
        );
    }
}

async fn rollup_answers_match_the_flows(app: TestApp) {
    app.import(&dataset()).await;
    check_everything(&app).await;
    // A second import into the same years refreshes them.
    app.import(&format!(
        "{HEADER}2024-03,EXPORT,19046,USA,HS,854231,250000,USD,manual\n\
         2023-07,IMPORT,00,CHN,HS,870899,125000,USD,manual\n"
    ))
    .await;
    check_everything(&app).await;
}

async fn total(app: &TestApp, code: &str, y: &str) -> f64 {
    app.data(
        "query($c: String!, $p: String!) { region(code: $c) { total(direction: EXPORT, period: $p) } }",
        json!({ "c": code, "p": y }),
    )
    .await["region"]["total"]
    .as_f64()
    .unwrap_or(0.0)
}

async fn mutations_keep_the_rollup_exact(app: TestApp) {
    app.import(&dataset()).await;
    let (state, country) = (
        total(&app, "19", "2024").await,
        total(&app, "00", "2024").await,
    );
    let created = app
        .gql_admin(
            "mutation($i: CreateFlowInput!) { createFlow(input: $i) { id } }",
            json!({ "i": { "period": "2024-05", "direction": "EXPORT", "regionCode": "19039",
                           "partnerIso3": "USA", "productCode": "854231", "value": 1000000.0 } }),
        )
        .await;
    let id = created["data"]["createFlow"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{created:#}"))
        .to_owned();
    assert!(close(total(&app, "19", "2024").await, state + 1e6));
    assert!(close(total(&app, "00", "2024").await, country + 1e6));
    check_everything(&app).await;

    // Moved to another state and year: both years and both states change.
    let (bc_2023, country_2023) = (
        total(&app, "02", "2023").await,
        total(&app, "00", "2023").await,
    );
    let updated = app
        .gql_admin(
            "mutation($id: ID!, $i: CreateFlowInput!) { updateFlow(id: $id, input: $i) { id } }",
            json!({ "id": id, "i": { "period": "2023-05", "direction": "EXPORT", "regionCode": "02004",
                                     "partnerIso3": "USA", "productCode": "854231", "value": 2000000.0 } }),
        )
        .await;
    assert!(updated.get("errors").is_none(), "{updated:#}");
    assert!(close(total(&app, "19", "2024").await, state));
    assert!(close(total(&app, "00", "2024").await, country));
    assert!(close(total(&app, "02", "2023").await, bc_2023 + 2e6));
    assert!(close(total(&app, "00", "2023").await, country_2023 + 2e6));
    check_everything(&app).await;

    let deleted = app
        .gql_admin(
            "mutation($id: ID!) { deleteFlow(id: $id) { deleted } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        deleted["data"]["deleteFlow"]["deleted"],
        json!(true),
        "{deleted:#}"
    );
    assert!(close(total(&app, "02", "2023").await, bc_2023));
    assert!(close(total(&app, "00", "2023").await, country_2023));
    check_everything(&app).await;
}

/// A municipality's pages by value, read per (direction, month) cell, against
/// one sort of all its flows: same rows, same order, same cursors; nested
/// under its state (a page per municipality) and on its own (the cells
/// merged into one page).
async fn per_cell_pages_match_a_full_sort(app: TestApp) {
    app.import(&dataset()).await;
    for (filter, order) in [
        (json!({ "period": "2024" }), "VALUE_DESC"),
        (
            json!({ "period": "2024", "direction": "EXPORT" }),
            "VALUE_ASC",
        ),
        (json!({ "period": "2023-06" }), "VALUE_DESC"),
        // Every filter a cell checks besides its direction and month.
        (
            json!({ "period": "2024", "partnerIso3": "USA", "currency": "USD", "source": "manual" }),
            "VALUE_DESC",
        ),
        (
            json!({ "period": "2024-01/2024-10", "productCode": "85" }),
            "VALUE_ASC",
        ),
        (
            json!({ "period": "2024", "productCode": "8542" }),
            "VALUE_DESC",
        ),
    ] {
        // Every page of 4, following cursors, through the nested (per-cell) path.
        let mut paged = Vec::new();
        let mut after = Value::Null;
        loop {
            let data = app
                .data(
                    "query($f: FlowFilter, $o: FlowOrder!, $a: String) { region(code: \"02\") { children(first: 10) { edges { node { code
                       flows(filter: $f, orderBy: $o, first: 4, after: $a) { pageInfo { hasNextPage endCursor } edges { node { id value } } } } } } } }",
                    json!({ "f": filter, "o": order, "a": after }),
                )
                .await;
            let tijuana = data["region"]["children"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["node"]["code"] == json!("02004"))
                .unwrap()["node"]["flows"]
                .clone();
            for e in tijuana["edges"].as_array().unwrap() {
                paged.push(e["node"]["id"].clone());
            }
            if tijuana["pageInfo"]["hasNextPage"] != json!(true) {
                break;
            }
            after = tijuana["pageInfo"]["endCursor"].clone();
        }
        // The same listing at the top level, one page, sorted by the database.
        let mut f = filter.clone();
        f["regionCode"] = json!("02004");
        let whole = app
            .data(
                "query($f: FlowFilter, $o: FlowOrder!) { flows(filter: $f, orderBy: $o, first: 500) { edges { node { id } } } }",
                json!({ "f": f, "o": order }),
            )
            .await;
        let sorted: Vec<Value> = whole["flows"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["id"].clone())
            .collect();
        assert!(sorted.len() > 8, "enough flows to page through: {filter}");
        assert_eq!(paged, sorted, "{filter} {order}");

        // The municipality on its own: its cells' pages merged into one.
        let mut single = Vec::new();
        let mut after = Value::Null;
        loop {
            let data = app
                .data(
                    "query($f: FlowFilter, $o: FlowOrder!, $a: String) { region(code: \"02004\") {
                       flows(filter: $f, orderBy: $o, first: 4, after: $a) { pageInfo { hasNextPage endCursor } edges { node { id value } } } } }",
                    json!({ "f": filter, "o": order, "a": after }),
                )
                .await;
            let flows = &data["region"]["flows"];
            for e in flows["edges"].as_array().unwrap() {
                single.push(e["node"]["id"].clone());
            }
            if flows["pageInfo"]["hasNextPage"] != json!(true) {
                break;
            }
            after = flows["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(single, sorted, "one municipality: {filter} {order}");
    }
}

/// The rollup and the period totals really are what answer a region's
/// totals: flows deleted behind the server's back (no refresh) leave a
/// state's year and month and a municipality's month unchanged, while a
/// count of the municipality's month for one product chapter, which reads
/// the flows, sees the deletion.
async fn the_rollup_answers_years(app: TestApp) {
    app.import(&dataset()).await;
    let year_before = total(&app, "19", "2024").await;
    let month_before = total(&app, "19", "2024-06").await;
    let municipality_before = total(&app, "19039", "2024-06").await;
    assert!(year_before > 0.0 && month_before > 0.0 && municipality_before > 0.0);
    let chapter = app
        .sql_number(
            "SELECT MIN(CAST(SUBSTR(product_code, 1, 2) AS BIGINT)) FROM flows \
             WHERE region_code = '19039' AND period_start = 202406 AND classification = 'HS' \
             AND product_code <> 'TOTAL'",
        )
        .await
        .expect("the sample has HS flows for 19039 in 2024-06");
    let chapter_count = || async {
        app.data(
            "query($f: FlowFilter) { flows(filter: $f, first: 0) { totalCount } }",
            json!({ "f": { "regionCode": "19039", "period": "2024-06",
                           "productCode": format!("{chapter:02}") } }),
        )
        .await["flows"]["totalCount"]
            .as_i64()
            .unwrap()
    };
    assert!(chapter_count().await > 0);
    let db = &app.state.db.conn;
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "DELETE FROM flows WHERE region_code LIKE '19%' AND period_start = 202406".to_owned(),
    ))
    .await
    .unwrap();
    assert_eq!(total(&app, "19", "2024").await, year_before);
    assert_eq!(total(&app, "19", "2024-06").await, month_before);
    assert_eq!(total(&app, "19039", "2024-06").await, municipality_before);
    assert_eq!(chapter_count().await, 0);
}

/// Every rollup row, ordered by its key, with its sum and count.
async fn rollup_rows(app: &TestApp) -> Vec<(String, f64, i64)> {
    keyed_rows(
        app,
        "SELECT scope_code || ' ' || year || ' ' || direction || ' ' || classification || ' ' \
         || product_key || ' ' || currency || ' ' || source_id || ' ' || detail AS k, value, n \
         FROM flow_rollup ORDER BY k",
    )
    .await
}

/// Every period totals row, ordered by its key, with its sum and count.
async fn totals_rows(app: &TestApp) -> Vec<(String, f64, i64)> {
    keyed_rows(
        app,
        "SELECT scope_code || ' ' || period_start || ' ' || period_end || ' ' || direction || ' ' \
         || classification || ' ' || currency || ' ' || source_id || ' ' || detail AS k, value, n \
         FROM flow_totals ORDER BY k",
    )
    .await
}

/// The rows of `sql`, a statement yielding a text key `k`, `value` and `n`.
async fn keyed_rows(app: &TestApp, sql: &str) -> Vec<(String, f64, i64)> {
    let db = &app.state.db.conn;
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            (
                r.try_get::<String>("", "k").unwrap(),
                r.try_get::<f64>("", "value").unwrap(),
                r.try_get::<i64>("", "n").unwrap(),
            )
        })
        .collect()
}

/// Imports add their sums to the stored rollup instead of re-reading the
/// flows (see `store::import`); what they leave must be what the rollup's
/// own definition, a refresh from the flows, gives: row for row, after a
/// plain import and after a bulk one on top of it. The first import's years
/// are stored already (the bundled sample), so its sums are added to stored
/// rows; the second's year is new, so its rows are written as they are;
/// the third's rows outnumber that year's, which are rewritten with them.
async fn an_import_adds_what_a_refresh_would(app: TestApp) {
    app.import(&dataset()).await;
    let mut bulk = String::from(HEADER);
    let products = ["854231", "854239", "870899", "020110"];
    for (i, region) in ["02004", "19039", "00", "14039"].iter().enumerate() {
        for month in 1..=12 {
            bulk.push_str(&format!(
                "2025-{month:02},IMPORT,{region},CHN,HS,{},{}.5,USD,synthetic\n",
                products[i],
                month * 100 + i
            ));
        }
    }
    bulk.push_str("2025,EXPORT,02004,WLD,HS,TOTAL,5,MXN,a-new-source\n");
    app.bulk_import(&bulk).await;
    // A third import onto that new year, adding more rollup rows than the
    // year holds: the stored rows are taken out, added to and written back
    // with the new ones. Its imports of 02004's 854231 share their rollup
    // rows with the second import's.
    let stored_2025 = app
        .sql_number("SELECT COUNT(*) FROM flow_rollup WHERE year = 2025")
        .await
        .unwrap_or(0.0);
    let mut more = String::from(HEADER);
    for region in ["02004", "02002", "19039", "19046", "14039", "00"] {
        for product in ["854231", "854239", "870899", "020110", "840991", "847130"] {
            for (month, direction) in [(3, "EXPORT"), (7, "IMPORT")] {
                more.push_str(&format!(
                    "2025-{month:02},{direction},{region},USA,HS,{product},{month}.25,USD,synthetic\n"
                ));
            }
        }
    }
    app.import(&more).await;
    let added = app
        .sql_number("SELECT COUNT(*) FROM flow_rollup WHERE year = 2025")
        .await
        .unwrap_or(0.0)
        - stored_2025;
    assert!(
        stored_2025 > 0.0 && added > stored_2025,
        "the third import must add more rows ({added}) than 2025 held ({stored_2025})"
    );
    assert_rows_are_a_refresh(&app, 100).await;
}

/// The rollup and the period totals row for row against a refresh from the
/// flows; each holds at least `min_rows`.
async fn assert_rows_are_a_refresh(app: &TestApp, min_rows: usize) {
    let imported = (rollup_rows(app).await, totals_rows(app).await);
    let db = &app.state.db.conn;
    migration::rollup::refresh(db, None, None).await.unwrap();
    migration::rollup::refresh_totals(db, None, None)
        .await
        .unwrap();
    let refreshed = (rollup_rows(app).await, totals_rows(app).await);
    for (imported, refreshed) in [(&imported.0, &refreshed.0), (&imported.1, &refreshed.1)] {
        assert!(imported.len() >= min_rows, "rows: {}", imported.len());
        assert_eq!(imported.len(), refreshed.len());
        for (a, b) in imported.iter().zip(refreshed) {
            assert_eq!((&a.0, a.2), (&b.0, b.2));
            assert!(close(a.1, b.1), "{a:?} vs {b:?}");
        }
    }
}

/// A large import into an empty store writes the rollup and the period
/// totals whole; on PostgreSQL their primary keys are set aside for it and
/// built again after, as the flows' indexes are (`store::import::sums`).
/// The keys must be back, with their columns, and the rows those a refresh
/// gives.
async fn a_first_import_writes_the_sums_and_their_keys(app: TestApp) {
    let db = &app.state.db.conn;
    for table in ["flows", "flow_rollup", "flow_totals"] {
        db.execute_raw(Statement::from_string(
            db.get_database_backend(),
            format!("DELETE FROM {table}"),
        ))
        .await
        .unwrap();
    }
    app.bulk_import(&dataset()).await;
    assert_rows_are_a_refresh(&app, 50).await;
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return;
    }
    for (table, key) in [
        (
            "flow_rollup",
            "PRIMARY KEY (scope_code, year, direction, product_key, classification, currency, source_id, detail)",
        ),
        (
            "flow_totals",
            "PRIMARY KEY (scope_code, direction, period_start, period_end, classification, currency, source_id, detail)",
        ),
    ] {
        let row = db
            .query_one_raw(Statement::from_string(
                sea_orm::DbBackend::Postgres,
                format!(
                    "SELECT k.conname AS name, pg_get_constraintdef(k.oid) AS def FROM pg_constraint k \
                     WHERE k.conrelid = '{table}'::regclass AND k.contype = 'p'"
                ),
            ))
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{table} has no primary key after the import"));
        let name: String = row.try_get("", "name").unwrap();
        let def: String = row.try_get("", "def").unwrap();
        assert_eq!(
            (name.as_str(), def.as_str()),
            (format!("{table}_pkey").as_str(), key)
        );
    }
}
