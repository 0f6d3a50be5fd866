//! Writes: authentication, validation naming field and rule, all-or-nothing imports.

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code};
use tradegraph_ingest::HEADER;

crate::on_both!(
    writes_need_the_admin_token,
    create_update_delete_round_trip,
    invalid_input_names_field_and_rule_and_writes_nothing,
    duplicate_flow_key_is_refused,
    import_is_all_or_nothing_and_names_row_column_rule,
    import_skip_invalid_writes_the_good_rows,
    import_refuses_a_stored_key_naming_its_line,
    import_registers_a_source_met_midway,
    an_invalid_row_batches_into_the_file_rejects_all_of_it,
);

const CREATE: &str = "mutation($i: CreateFlowInput!) { createFlow(input: $i) { id period direction value currency region { code } product { code } partner { iso3 } source { code } } }";

fn input() -> Value {
    json!({ "period": "2024-10", "direction": "IMPORT", "regionCode": "02002", "partnerIso3": "CHN",
            "productCode": "854231", "value": 47170000.0 })
}

async fn flow_count(app: &TestApp) -> u64 {
    app.data("{ flows(first: 0) { totalCount } }", json!({}))
        .await["flows"]["totalCount"]
        .as_u64()
        .unwrap()
}

async fn writes_need_the_admin_token(app: TestApp) {
    let before = flow_count(&app).await;
    let none = app.gql(CREATE, json!({ "i": input() })).await;
    assert_eq!(error_code(&none), "UNAUTHENTICATED", "{none}");
    let wrong = app
        .gql_with_token(CREATE, json!({ "i": input() }), Some("not-the-token"))
        .await;
    assert_eq!(error_code(&wrong), "UNAUTHENTICATED");
    assert_eq!(flow_count(&app).await, before);
}

async fn create_update_delete_round_trip(app: TestApp) {
    let created = app.gql_admin(CREATE, json!({ "i": input() })).await;
    let flow = &created["data"]["createFlow"];
    assert_eq!(flow["source"]["code"], "manual", "{created}");
    assert_eq!(flow["currency"], "USD");
    assert_eq!(flow["direction"], "IMPORT");
    let id = flow["id"].clone();
    let mut changed = input();
    changed["value"] = json!(50_000_000.0);
    let updated = app
        .gql_admin(
            "mutation($id: ID!, $i: CreateFlowInput!) { updateFlow(id: $id, input: $i) { id value } }",
            json!({ "id": id, "i": changed }),
        )
        .await;
    assert_eq!(
        updated["data"]["updateFlow"]["value"],
        json!(50_000_000.0),
        "{updated}"
    );
    let node = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on Flow { value } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(node["node"]["value"], json!(50_000_000.0));
    let del = "mutation($id: ID!) { deleteFlow(id: $id) { deleted } }";
    assert_eq!(
        app.gql_admin(del, json!({ "id": id })).await["data"]["deleteFlow"]["deleted"],
        json!(true)
    );
    assert_eq!(
        app.gql_admin(del, json!({ "id": id })).await["data"]["deleteFlow"]["deleted"],
        json!(false)
    );
}

async fn invalid_input_names_field_and_rule_and_writes_nothing(app: TestApp) {
    let before = flow_count(&app).await;
    for (patch, field, rule) in [
        (
            json!({ "regionCode": "02999" }),
            "regionCode",
            "unknown_region",
        ),
        (json!({ "regionCode": "2" }), "regionCode", "length"),
        (
            json!({ "partnerIso3": "ZZZ" }),
            "partnerIso3",
            "unknown_partner",
        ),
        (
            json!({ "productCode": "999998" }),
            "productCode",
            "unknown_product",
        ),
        (json!({ "value": -1.0 }), "value", "range"),
        (json!({ "period": "2024-13" }), "period", "period"),
        (json!({ "currency": "EUR" }), "currency", "currency"),
        (json!({ "source": "nobody" }), "source", "unknown_source"),
    ] {
        let mut i = input();
        for (k, v) in patch.as_object().unwrap() {
            i[k] = v.clone();
        }
        let body = app.gql_admin(CREATE, json!({ "i": i })).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{patch}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["field"], field,
            "{patch}: {body}"
        );
        assert_eq!(
            body["errors"][0]["extensions"]["rule"], rule,
            "{patch}: {body}"
        );
    }
    assert_eq!(flow_count(&app).await, before, "nothing was written");
}

async fn duplicate_flow_key_is_refused(app: TestApp) {
    assert!(
        app.gql_admin(CREATE, json!({ "i": input() }))
            .await
            .get("errors")
            .is_none()
    );
    let mut again = input();
    again["value"] = json!(1.0);
    let body = app.gql_admin(CREATE, json!({ "i": again })).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["rule"], "DUPLICATE_FLOW");
}

async fn import_is_all_or_nothing_and_names_row_column_rule(app: TestApp) {
    let before = flow_count(&app).await;
    let csv = format!(
        "{HEADER}2024-10,EXPORT,02002,USA,HS,854231,100,USD,manual\n2024-10,EXPORT,02099,USA,HS,854231,100,USD,manual\n2024-10,EXPORT,02004,USA,HS,854231,-5,USD,manual\n"
    );
    let body = app
        .gql_admin(
            "mutation($c: String!) { importFlows(csv: $c) { committed inserted errorCount errors { line column rule message } } }",
            json!({ "c": csv }),
        )
        .await;
    let r = &body["data"]["importFlows"];
    assert_eq!(r["committed"], json!(false), "{body}");
    assert_eq!(r["inserted"], json!(0));
    assert_eq!(r["errorCount"], json!(2));
    assert_eq!(r["errors"][0]["line"], json!(3));
    assert_eq!(r["errors"][0]["column"], "region_code");
    assert_eq!(r["errors"][0]["rule"], "unknown_region");
    assert_eq!(r["errors"][1]["column"], "value");
    assert_eq!(flow_count(&app).await, before, "nothing was written");
}

async fn import_skip_invalid_writes_the_good_rows(app: TestApp) {
    let before = flow_count(&app).await;
    let csv = format!(
        "{HEADER}2024-10,EXPORT,02002,USA,HS,854231,100,USD,manual\n2024-10,EXPORT,02099,USA,HS,854231,100,USD,manual\n2024-10,EXPORT,02004,USA,HS,854231,7,USD,manual\n"
    );
    let body = app
        .gql_admin(
            "mutation($c: String!) { importFlows(csv: $c, skipInvalid: true) { committed inserted errorCount } }",
            json!({ "c": csv }),
        )
        .await;
    assert_eq!(
        body["data"]["importFlows"],
        json!({ "committed": true, "inserted": 2, "errorCount": 1 }),
        "{body}"
    );
    assert_eq!(flow_count(&app).await, before + 2);
}

async fn import_refuses_a_stored_key_naming_its_line(app: TestApp) {
    app.import(&format!(
        "{HEADER}2024-10,EXPORT,02004,USA,HS,854231,100,USD,manual\n"
    ))
    .await;
    let before = flow_count(&app).await;
    // Line 3 repeats the stored key (only the value differs).
    let csv = format!(
        "{HEADER}2024-11,EXPORT,02004,USA,HS,854231,100,USD,manual\n2024-10,EXPORT,02004,USA,HS,854231,999,USD,manual\n"
    );
    let body = app
        .gql_admin(
            "mutation($c: String!) { importFlows(csv: $c) { committed } }",
            json!({ "c": csv }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["rule"], "DUPLICATE_FLOW", "{body}");
    // PostgreSQL names the row (`line 3`); SQLite the batch (`lines 2–3`).
    let field = error["extensions"]["field"].as_str().unwrap();
    assert!(
        field.starts_with("line") && field.ends_with('3'),
        "names the line: {body}"
    );
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("nothing was written"),
        "{body}"
    );
    assert_eq!(flow_count(&app).await, before, "nothing was written");
}

/// A source the catalogue lacks is registered where the file first names
/// it, and the rows before and after it are all written.
async fn import_registers_a_source_met_midway(app: TestApp) {
    let before = flow_count(&app).await;
    let csv = format!(
        "{HEADER}2024-10,EXPORT,02004,USA,HS,854231,1,USD,manual\n\
         2024-10,EXPORT,02004,USA,HS,854239,2,USD,customs-feed\n\
         2024-10,EXPORT,02004,USA,HS,870899,3,USD,manual\n\
         2024-11,EXPORT,02004,USA,HS,870899,4,USD,customs-feed\n"
    );
    let imported = app.import(&csv).await;
    assert_eq!(imported["inserted"], json!(4), "{imported}");
    assert_eq!(flow_count(&app).await, before + 4);
    // The new source is served at once: the import reloads the server's
    // catalogue before it answers, without waiting for the poll.
    let flows = app
        .data(
            r#"{ region(code: "02004") { flows(filter: { period: "2024-10/2024-11" }, first: 50) { nodes { value source { code } } } } }"#,
            json!({}),
        )
        .await;
    let mut seen: Vec<(i64, String)> = flows["region"]["flows"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{flows:#}"))
        .iter()
        .map(|n| {
            (
                n["value"].as_f64().unwrap() as i64,
                n["source"]["code"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{n}"))
                    .to_owned(),
            )
        })
        .filter(|(v, _)| *v <= 4)
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            (1, "manual".to_owned()),
            (2, "customs-feed".to_owned()),
            (3, "manual".to_owned()),
            (4, "customs-feed".to_owned())
        ]
    );
}

/// 6,000 rows with distinct keys, the one at `bad_line` naming an unknown
/// region.
fn many_rows(bad_line: usize) -> String {
    let mut csv = String::from(HEADER);
    let mut line = 1;
    for region in ["02002", "02004"] {
        for product in ["854231", "870323", "847130", "851713", "870899"] {
            for partner in ["USA", "CHN", "CAN", "DEU", "JPN"] {
                for direction in ["EXPORT", "IMPORT"] {
                    for month in 0..60 {
                        line += 1;
                        let region = if line == bad_line { "02099" } else { region };
                        let period = format!("{}-{:02}", 2020 + month / 12, month % 12 + 1);
                        csv.push_str(&format!(
                            "{period},{direction},{region},{partner},HS,{product},{line},USD,manual\n"
                        ));
                    }
                }
            }
        }
    }
    csv
}

/// The report of importing `csv`, and the progress reported on the way.
async fn import_through_the_store(
    app: &TestApp,
    csv: &str,
    skip_invalid: bool,
) -> (tradegraph::store::import::ImportReport, Vec<u64>) {
    let mut progress = Vec::new();
    let options = tradegraph::store::import::ImportOptions {
        skip_invalid,
        size_hint: None,
    };
    let report = tradegraph::store::import::import(
        &app.state.db.conn,
        app.state.catalog.snapshot(),
        std::io::Cursor::new(csv.as_bytes().to_vec()),
        options,
        |bytes| progress.push(bytes),
    )
    .await
    .unwrap();
    (report, progress)
}

/// The file is read on a thread of its own, in batches of 1,024 rows that
/// reach the database before the bad row is read: still nothing is written.
/// (Through the store: the file is larger than the test server's body limit.)
async fn an_invalid_row_batches_into_the_file_rejects_all_of_it(app: TestApp) {
    let before = flow_count(&app).await;
    let csv = many_rows(4_500);
    let (report, _) = import_through_the_store(&app, &csv, false).await;
    assert!(!report.committed);
    assert_eq!((report.error_count, report.inserted), (1, 0));
    let error = &report.errors[0];
    assert_eq!(
        (error.line, error.column.as_str(), error.rule),
        (4_500, "region_code", "unknown_region"),
        "{error:?}"
    );
    assert_eq!(report.rows_read, 6_000, "the whole file was read");
    assert_eq!(flow_count(&app).await, before, "nothing was written");

    let (report, progress) = import_through_the_store(&app, &csv, true).await;
    assert!(report.committed);
    assert_eq!(report.inserted, 5_999);
    assert_eq!(flow_count(&app).await, before + 5_999);
    assert!(progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
    assert_eq!(progress.last(), Some(&(csv.len() as u64)));
}
