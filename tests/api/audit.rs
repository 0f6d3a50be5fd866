//! The data-quality layer over GraphQL: documents, structured reports, the
//! data rules in SQL, stored findings. Each rule fires on planted errors and
//! stays quiet on correct data.

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code};
use tradegraph_ingest::HEADER;

crate::on_both!(
    catalogue_lists_every_rule,
    document_with_planted_errors_is_flagged_and_the_fixed_one_is_not,
    claim_data_checks_figures_against_complete_stored_data_only,
    claim_data_needs_every_month_and_every_child,
    create_report_runs_the_rules_on_structured_claims,
    save_report_needs_the_token_and_stores_everything,
    hierarchy_sum_fires_when_municipalities_exceed_their_state,
    hierarchy_sum_fires_when_states_exceed_the_nation,
    duplicate_flow_fires_when_sources_disagree,
    label_code_is_recorded_on_import,
    unknown_scope_is_bad_input,
);

const AUDIT: &str = "query($i: AuditDocumentInput!) { auditDocument(input: $i) { scope { regionCode method } language hasErrors claims { kind text } findings { rule severity message excerpt expected { low high } stated { low high } tolerance } } }";

fn rules_of(audit: &Value) -> Vec<(String, String)> {
    audit["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn catalogue_lists_every_rule(app: TestApp) {
    let d = app
        .data(
            "{ rules { code description defaultSeverity tolerance dataRule } }",
            json!({}),
        )
        .await;
    let codes: Vec<&str> = d["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    for code in [
        "SHARE_SUM",
        "SHARE_VALUE",
        "GROWTH_VALUE",
        "CAGR",
        "TOTAL_SUM",
        "RANK_ORDER",
        "RANK_TEXT_TABLE",
        "REGION_LABEL",
        "SCOPE_LEVEL",
        "UNIT_MIX",
        "CLAIM_DATA",
        "HIERARCHY_SUM",
        "LABEL_CODE",
        "DUPLICATE_FLOW",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
}

/// A state report written for this test: a ranking of partners with shares,
/// a total with its parts, and a growth rate with both values.
fn nuevo_leon_report(share_usa: &str, total: &str, growth: &str) -> String {
    format!(
        "# Comercio exterior | Nuevo León 2024\n\n\
         Las exportaciones de Nuevo León sumaron {total} millones de dólares en 2024, frente a 40,000 millones de dólares en 2023, \
         un aumento de {growth}% respecto al año anterior.\n\n\
         Los principales destinos fueron Estados Unidos con {share_usa}%, seguido de Canadá con 4.1% y China con 2.3%.\n\n\
         | Sector | Millones de dólares |\n|---|---|\n| Manufacturas | 41,500 |\n| Minería | 1,200 |\n| Agricultura | 300 |\n| Total | {total} |\n"
    )
}

async fn document_with_planted_errors_is_flagged_and_the_fixed_one_is_not(app: TestApp) {
    let clean = app
        .data(
            AUDIT,
            json!({ "i": { "text": nuevo_leon_report("88.2", "43,000", "7.5") } }),
        )
        .await;
    let a = &clean["auditDocument"];
    assert_eq!(a["scope"]["regionCode"], "19", "{a:#}");
    assert_eq!(a["language"], "es");
    assert!(a["claims"].as_array().unwrap().len() >= 6, "{a:#}");
    let loud: Vec<_> = rules_of(a)
        .into_iter()
        .filter(|(_, s)| s != "INFO")
        .collect();
    assert!(
        loud.is_empty(),
        "a correct report raises no ERROR or WARNING: {loud:?}\n{a:#}"
    );
    assert_eq!(a["hasErrors"], json!(false));

    // 45,000 against 40,000 is +12.5 %, not the 9.5 % stated.
    let wrong = app
        .data(
            AUDIT,
            json!({ "i": { "text": nuevo_leon_report("88.2", "45,000", "9.5") } }),
        )
        .await;
    let a = &wrong["auditDocument"];
    let rules: Vec<String> = rules_of(a).into_iter().map(|(r, _)| r).collect();
    assert!(
        rules.contains(&"GROWTH_VALUE".to_owned()),
        "{rules:?}\n{a:#}"
    );
    assert_eq!(a["hasErrors"], json!(true));
    let growth = a["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "GROWTH_VALUE")
        .unwrap();
    assert!(
        growth["expected"]["low"].is_number() && growth["stated"]["high"].is_number(),
        "both intervals: {growth}"
    );
}

const CREATE_REPORT: &str = "mutation($i: CreateReportInput!) { createReport(input: $i) { report { id title } auditRun { id kind findingCount } findings { rule severity message expected { low high } stated { low high } } } }";

fn value_claim(value: &str, region: &str, period: &str) -> Value {
    json!({ "kind": "VALUE", "value": value, "unit": "MONEY", "currency": "USD", "scale": 1e6,
            "regionCode": region, "productCode": "8542", "period": period, "direction": "EXPORT",
            "excerpt": format!("exports of integrated circuits: US${value} million") })
}

async fn claim_data_checks_figures_against_complete_stored_data_only(app: TestApp) {
    // Data México: Baja California exported 145,269,247 USD of 8542 in January 2024.
    let report = |claims: Vec<Value>| json!({ "i": { "title": "Circuitos", "scopeRegionCode": "02", "claims": claims } });
    let ok = app
        .gql_admin(
            CREATE_REPORT,
            report(vec![value_claim("145.3", "02", "2024-01")]),
        )
        .await;
    assert_eq!(
        ok["data"]["createReport"]["findings"],
        json!([]),
        "145.3 million rounds 145,269,247: {ok:#}"
    );
    let wrong = app
        .gql_admin(
            CREATE_REPORT,
            report(vec![value_claim("184.09", "02", "2024-01")]),
        )
        .await;
    let findings = wrong["data"]["createReport"]["findings"]
        .as_array()
        .unwrap();
    assert_eq!(findings.len(), 1, "{wrong:#}");
    assert_eq!(findings[0]["rule"], "CLAIM_DATA");
    assert!(findings[0]["expected"]["low"].as_f64().unwrap() <= 145_269_247.0);
    // The whole of 2024 is not stored (only January): nothing to compare with.
    let partial = app
        .gql_admin(
            CREATE_REPORT,
            report(vec![value_claim("999", "02", "2024")]),
        )
        .await;
    assert_eq!(
        partial["data"]["createReport"]["findings"],
        json!([]),
        "partial data never contradicts: {partial:#}"
    );
    // No flow is in pesos: nothing to compare with either (the coverage
    // statement probes no month when the region has no rows at all).
    let mut pesos = value_claim("184.09", "02", "2024-01");
    pesos["currency"] = json!("MXN");
    let none = app.gql_admin(CREATE_REPORT, report(vec![pesos])).await;
    assert_eq!(
        none["data"]["createReport"]["findings"],
        json!([]),
        "no stored flow in the claim's currency: {none:#}"
    );
}

/// CLAIM_DATA findings on a claim of 999 million for a quarter of a region
/// of Baja California: wrong whenever the stored flows cover it. The same
/// claim of all products together, whose coverage of a state is read from
/// the period totals instead of the flows, must get as many (the flows of
/// these tests are all of one product).
async fn quarter_findings(app: &TestApp, region: &str, quarter: &str) -> usize {
    let count = |claim: Value| async move {
        let body = app
            .gql_admin(
                CREATE_REPORT,
                json!({ "i": { "title": "Circuitos", "scopeRegionCode": "02", "claims": [claim] } }),
            )
            .await;
        body["data"]["createReport"]["findings"]
            .as_array()
            .unwrap_or_else(|| panic!("{body:#}"))
            .len()
    };
    let product = count(value_claim("999", region, quarter)).await;
    let mut all_products = value_claim("999", region, quarter);
    all_products.as_object_mut().unwrap().remove("productCode");
    assert_eq!(
        count(all_products).await,
        product,
        "{region} {quarter}: all products against product 8542"
    );
    product
}

/// Coverage of a state's quarter: every month (a quarterly flow covers its
/// three) and every municipality, or no comparison at all.
async fn claim_data_needs_every_month_and_every_child(app: TestApp) {
    let rows = |lines: &[(&str, &str)]| {
        let mut csv = String::from(HEADER);
        for (period, region) in lines {
            csv.push_str(&format!(
                "{period},EXPORT,{region},USA,HS,854231,1000000,USD,manual\n"
            ));
        }
        csv
    };
    let findings = |quarter| quarter_findings(&app, "02", quarter);
    let municipalities = [
        "02001", "02002", "02003", "02004", "02005", "02006", "02007",
    ];
    let months = |municipalities: &[&'static str], months: &[&'static str]| {
        let lines: Vec<(&str, &str)> = municipalities
            .iter()
            .flat_map(|m| months.iter().map(move |month| (*month, *m)))
            .collect();
        rows(&lines)
    };
    // The third quarter for six of Baja California's seven municipalities.
    app.import(&months(
        &municipalities[..6],
        &["2024-07", "2024-08", "2024-09"],
    ))
    .await;
    assert_eq!(findings("2024-Q3").await, 0, "a municipality is missing");
    assert_eq!(
        quarter_findings(&app, "02004", "2024-Q3").await,
        1,
        "a municipality has no children: its months suffice"
    );
    app.import(&months(&municipalities[6..], &["2024-08"]))
        .await;
    assert_eq!(findings("2024-Q3").await, 1, "every municipality: compared");
    // October and December for all seven; November only inside a quarterly
    // flow.
    app.import(&months(&municipalities, &["2024-10", "2024-12"]))
        .await;
    assert_eq!(findings("2024-Q4").await, 0, "November is missing");
    app.import(&rows(&[("2024-Q4", "02003")])).await;
    assert_eq!(findings("2024-Q4").await, 1, "every month: compared");
}

async fn create_report_runs_the_rules_on_structured_claims(app: TestApp) {
    let share = |v: &str, region: &str| json!({ "kind": "SHARE", "value": v, "unit": "PERCENT", "regionCode": region, "group": 1, "groupComplete": true, "period": "2025-Q3", "direction": "EXPORT" });
    let input = |a: &str, b: &str, c: &str| {
        json!({ "i": { "title": "Exportaciones por estado", "scopeRegionCode": "00",
                       "claims": [share(a, "08"), share(b, "05"), share(c, "19")] } })
    };
    let quiet = app
        .gql_admin(CREATE_REPORT, input("50.1", "30.2", "19.7"))
        .await;
    assert_eq!(
        quiet["data"]["createReport"]["findings"],
        json!([]),
        "{quiet:#}"
    );
    let loud = app
        .gql_admin(CREATE_REPORT, input("60.1", "30.2", "19.7"))
        .await;
    let f = &loud["data"]["createReport"]["findings"];
    assert_eq!(f[0]["rule"], "SHARE_SUM", "{loud:#}");
    assert_eq!(loud["data"]["createReport"]["auditRun"]["kind"], "REPORT");
    let bad_link = app
        .gql_admin(
            CREATE_REPORT,
            json!({ "i": { "title": "x", "claims": [{ "kind": "SHARE", "value": "5", "unit": "PERCENT", "whole": 7 }] } }),
        )
        .await;
    assert_eq!(error_code(&bad_link), "BAD_USER_INPUT");
    assert_eq!(
        bad_link["errors"][0]["extensions"]["field"],
        "input.claims[0].whole"
    );
}

async fn save_report_needs_the_token_and_stores_everything(app: TestApp) {
    let save = "mutation($i: AuditDocumentInput!) { saveReport(input: $i) { report { id title scopeRegion { code } } findings { rule } claims { kind } } }";
    let text = nuevo_leon_report("95.2", "45,000", "9.5");
    let denied = app.gql(save, json!({ "i": { "text": text } })).await;
    assert_eq!(error_code(&denied), "UNAUTHENTICATED");
    let saved = app.gql_admin(save, json!({ "i": { "text": text } })).await;
    let r = &saved["data"]["saveReport"];
    assert_eq!(r["report"]["scopeRegion"]["code"], "19", "{saved:#}");
    let id = r["report"]["id"].clone();
    let n = r["findings"].as_array().unwrap().len();
    assert_eq!(n, 3, "the three planted errors: {saved:#}");
    let stored = app
        .data(
            "query($id: ID!) { report(id: $id) { title claims { kind } findings { rule } }
               findings(filter: { reportId: $id }) { totalCount }
               auditSummary(filter: { reportId: $id }) { rule severity count } reports { totalCount } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(stored["report"]["findings"].as_array().unwrap().len(), n);
    assert_eq!(
        stored["report"]["claims"].as_array().unwrap().len(),
        r["claims"].as_array().unwrap().len()
    );
    assert_eq!(stored["findings"]["totalCount"], json!(n));
    let counted: i64 = stored["auditSummary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_i64().unwrap())
        .sum();
    assert_eq!(counted, n as i64);
    assert_eq!(stored["reports"]["totalCount"], json!(1));
}

const RUN: &str = "mutation($s: AuditScopeInput) { runAudit(scope: $s) { id kind findingCount errorCount counts { rule severity count } } }";

async fn findings_of_run(app: &TestApp, run: &Value) -> Vec<Value> {
    let d = app
        .data(
            "query($id: ID!) { findings(filter: { auditRunId: $id }, first: 500) { edges { node { rule severity message flowIds regions { code } } } } }",
            json!({ "id": run["id"] }),
        )
        .await;
    d["findings"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

/// A data audit over `scope` that finds nothing (`why` says why it must not).
async fn assert_quiet(app: &TestApp, scope: Value, why: &str) {
    let quiet = app.gql_admin(RUN, json!({ "s": scope })).await;
    assert_eq!(
        quiet["data"]["runAudit"]["findingCount"],
        json!(0),
        "{why}: {quiet:#}"
    );
}

/// A data audit over `scope` that finds one error, a HIERARCHY_SUM; its
/// findings.
async fn one_hierarchy_error(app: &TestApp, scope: Value) -> Vec<Value> {
    let loud = app.gql_admin(RUN, json!({ "s": scope })).await;
    let run = &loud["data"]["runAudit"];
    assert_eq!(run["errorCount"], json!(1), "{loud:#}");
    let findings = findings_of_run(app, run).await;
    assert_eq!(findings[0]["rule"], "HIERARCHY_SUM");
    findings
}

async fn hierarchy_sum_fires_when_municipalities_exceed_their_state(app: TestApp) {
    // The state's row (Data México): 854239 to USA, 2024-01 = 141,075,384.
    let rows = |a: u64, b: u64| {
        format!(
            "{HEADER}2024-01,EXPORT,02002,USA,HS,854239,{a},USD,datamexico\n2024-01,EXPORT,02004,USA,HS,854239,{b},USD,datamexico\n"
        )
    };
    app.import(&rows(100_000_000, 41_000_000)).await;
    assert_quiet(
        &app,
        json!({ "regionCode": "02", "period": "2024-01" }),
        "141.0 M under 141.08 M",
    )
    .await;

    let app2 = app; // same database: raise Tijuana above the state's figure
    app2.gql_admin(
        "mutation($c: String!) { importFlows(csv: $c) { committed } }",
        json!({ "c": format!("{HEADER}2024-01,EXPORT,02001,USA,HS,854239,5000000,USD,datamexico\n") }),
    )
    .await;
    let findings = one_hierarchy_error(&app2, json!({ "regionCode": "02" })).await;
    assert_eq!(findings[0]["regions"][0]["code"], "02");
    assert_eq!(
        findings[0]["flowIds"].as_array().unwrap().len(),
        1,
        "links the parent flow"
    );
    let msg = findings[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("146,000,000") && msg.contains("141,075,384"),
        "{msg}"
    );
}

async fn hierarchy_sum_fires_when_states_exceed_the_nation(app: TestApp) {
    // Baja California's row (Data México): 854239 to USA, 2024-01 =
    // 141,075,384. The nation's own row for that key equals it; on a new
    // month, two states add up to more than the nation's row.
    app.import(&format!(
        "{HEADER}2024-01,EXPORT,00,USA,HS,854239,141075384,USD,datamexico\n"
    ))
    .await;
    assert_quiet(&app, json!({ "period": "2024-01" }), "equal to the state").await;

    app.import(&format!(
        "{HEADER}2024-02,EXPORT,02,USA,HS,854239,300,USD,datamexico\n\
         2024-02,EXPORT,26,USA,HS,854239,200,USD,datamexico\n\
         2024-02,EXPORT,02001,USA,HS,854239,100,USD,datamexico\n\
         2024-02,EXPORT,00,USA,HS,854239,400,USD,datamexico\n"
    ))
    .await;
    let findings = one_hierarchy_error(&app, json!({ "period": "2024-02" })).await;
    assert_eq!(findings[0]["regions"][0]["code"], "00");
    let msg = findings[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("The 2 states") && msg.contains("500 USD") && msg.contains("400 USD"),
        "the two states, not the municipality, against the nation: {msg}"
    );
}

async fn duplicate_flow_fires_when_sources_disagree(app: TestApp) {
    let same = format!("{HEADER}2024-01,EXPORT,02,USA,HS,854239,141075384,USD,manual\n");
    app.import(&same).await;
    assert_quiet(
        &app,
        json!({ "period": "2024-01" }),
        "same value from two sources",
    )
    .await;
    let other = format!(
        "{HEADER}2024-01,EXPORT,02,USA,HS,854231,999,USD,manual\n2024-01,EXPORT,02,USA,HS,854231,1999,USD,synthetic\n"
    );
    app.import(&other).await;
    let loud = app
        .gql_admin(RUN, json!({ "s": { "period": "2024-01" } }))
        .await;
    let findings = findings_of_run(&app, &loud["data"]["runAudit"]).await;
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["rule"], "DUPLICATE_FLOW");
    assert_eq!(findings[0]["severity"], "WARNING");
    assert_eq!(findings[0]["flowIds"].as_array().unwrap().len(), 2);
}

async fn label_code_is_recorded_on_import(app: TestApp) {
    let csv = "period,direction,region_code,partner_iso3,classification,product_code,value,currency,source,region_name\n\
               2024-10,EXPORT,02004,USA,HS,854231,100,USD,manual,Mexicali\n\
               2024-10,EXPORT,02002,USA,HS,854231,100,USD,manual,Mexicali\n";
    let r = app
        .gql_admin(
            "mutation($c: String!) { importFlows(csv: $c) { committed labelMismatches } }",
            json!({ "c": csv }),
        )
        .await;
    assert_eq!(
        r["data"]["importFlows"],
        json!({ "committed": true, "labelMismatches": 1 }),
        "{r:#}"
    );
    let d = app.data("{ findings(filter: { rule: LABEL_CODE }) { totalCount edges { node { message regions { code } } } } }", json!({})).await;
    assert_eq!(d["findings"]["totalCount"], json!(1));
    let node = &d["findings"]["edges"][0]["node"];
    assert_eq!(node["regions"][0]["code"], "02004");
    assert!(
        node["message"].as_str().unwrap().contains("Tijuana"),
        "{node}"
    );
}

async fn unknown_scope_is_bad_input(app: TestApp) {
    let body = app
        .gql(
            AUDIT,
            json!({ "i": { "text": "Exportaciones 2024", "scopeRegionCode": "77" } }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "scopeRegionCode");
}
