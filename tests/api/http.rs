//! The HTTP surface: health, playground, limits, GET safety, CORS, error hygiene.

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code};

crate::on_both!(
    healthz_checks_the_database,
    playground_is_self_contained,
    oversized_bodies_are_refused_even_chunked,
    get_never_executes_operations,
    malformed_requests_get_clear_errors,
    depth_limit_stops_deep_queries,
    cors_allows_only_configured_origins,
    metrics_count_statements,
);

async fn healthz_checks_the_database(app: TestApp) {
    let r = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "ok");
}

async fn playground_is_self_contained(app: TestApp) {
    let r = app
        .client
        .get(format!("{}/graphql", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("graphiql"), "GraphiQL page");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no external URL in the page"
    );
    for asset in [
        "graphiql.min.js",
        "graphiql.min.css",
        "react.production.min.js",
        "react-dom.production.min.js",
    ] {
        assert!(html.contains(asset), "{asset} referenced");
        let r = app
            .client
            .get(format!("{}/graphql/assets/{asset}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{asset} served");
    }
    let missing = app
        .client
        .get(format!("{}/graphql/assets/nope.js", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

async fn oversized_bodies_are_refused_even_chunked(app: TestApp) {
    let big = format!(
        "{{\"query\":\"{{ __typename }}\",\"variables\":{{\"pad\":\"{}\"}}}}",
        "x".repeat(100 * 1024)
    );
    let r = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let chunks = futures::stream::iter(
        big.into_bytes()
            .chunks(8192)
            .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
            .collect::<Vec<_>>(),
    );
    let r = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        413,
        "a chunked body without Content-Length is limited too"
    );
}

async fn get_never_executes_operations(app: TestApp) {
    let mutation = "mutation { deleteFlow(id: \"Rmxvdzox\") { deleted } }";
    let r = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", mutation)])
        .bearer_auth(crate::helpers::TOKEN)
        .send()
        .await
        .unwrap();
    let body = r.text().await.unwrap();
    assert!(
        !body.contains("\"deleted\""),
        "GET serves the playground, never runs a mutation"
    );
    let still = app
        .data(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": "Rmxvdzox" }),
        )
        .await;
    assert!(still["node"].is_object(), "flow 1 still exists: {still}");
}

async fn malformed_requests_get_clear_errors(app: TestApp) {
    let r = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    let body = app
        .gql("{ region(code: \"02\") { nope } }", json!({}))
        .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nope")
    );
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
}

async fn depth_limit_stops_deep_queries(app: TestApp) {
    let mut q = String::from("code");
    for _ in 0..20 {
        q = format!("parent {{ {q} }}");
    }
    let body = app
        .gql(
            &format!("{{ region(code: \"02002\") {{ {q} }} }}"),
            json!({}),
        )
        .await;
    let msg = body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    assert!(msg.contains("nested too deep"), "{body}");
    assert_eq!(
        error_code(&body),
        "BAD_USER_INPUT",
        "every error carries a code: {body}"
    );
}

async fn cors_allows_only_configured_origins(app: TestApp) {
    let r = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("origin", "https://evil.example")
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers().get("access-control-allow-origin").is_none(),
        "no origin is allowed by default"
    );
}

async fn metrics_count_statements(app: TestApp) {
    app.data("{ flows(first: 1) { totalCount } }", json!({}))
        .await;
    let text = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("tradegraph_sql_statements_total"));
    assert!(
        text.contains("tradegraph_graphql_requests_total 1"),
        "{text}"
    );
    // The query's reads left their connections kept on PostgreSQL (one
    // per statement that ran at once), none on SQLite.
    let kept: usize = text
        .lines()
        .find_map(|l| l.strip_prefix("tradegraph_db_kept_connections "))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no kept-connections gauge: {text}"));
    assert_eq!(kept, app.state.db.kept_connections());
    if app.state.db.is_postgres() {
        assert!(kept >= 1, "{text}");
    } else {
        assert_eq!(kept, 0, "{text}");
    }
}
