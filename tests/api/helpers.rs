//! Spawning a test server and talking to it.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};
use tradegraph::startup::{Application, Config};

pub const TOKEN: &str = "test-admin-token";

/// Import options that make the store treat any file as a large one (the
/// flows' indexes set aside and rebuilt), whatever its size.
pub const LARGE: tradegraph::store::import::ImportOptions =
    tradegraph::store::import::ImportOptions {
        skip_invalid: false,
        size_hint: Some(1 << 30),
    };

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: tradegraph::startup::AppState,
}

fn postgres_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A schema name unique to this test run and test.
fn unique_schema() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(
        "t_{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000,
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    let (database_url, database_schema) = match backend {
        Backend::Sqlite => ("sqlite::memory:".to_owned(), None),
        Backend::Postgres => (postgres_url(), Some(unique_schema())),
    };
    let config = Config {
        bind: "127.0.0.1:0".into(),
        database_url: database_url.clone(),
        database_schema,
        admin_token: Some(TOKEN.into()),
        body_limit: 64 * 1024,
        workers: Some(1),
        ..Config::default()
    };
    let app = Application::build(config).await.unwrap_or_else(|e| {
        panic!(
            "could not start the test server on {backend:?} ({database_url}): {e:#}\n\
             PostgreSQL tests need a server: set TEST_DATABASE_URL, or run .ci/run which starts one"
        )
    });
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state.clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::new(),
        state,
    }
}

impl TestApp {
    /// Runs a GraphQL operation and returns the whole response body.
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        self.gql_with_token(query, variables, None).await
    }

    pub async fn gql_admin(&self, query: &str, variables: Value) -> Value {
        self.gql_with_token(query, variables, Some(TOKEN)).await
    }

    pub async fn gql_with_token(
        &self,
        query: &str,
        variables: Value,
        token: Option<&str>,
    ) -> Value {
        let mut req = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.expect("request failed");
        resp.json().await.expect("response is not JSON")
    }

    /// `data` of a response that must have no errors.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self.gql(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// SQL statements the server has run so far.
    pub fn statements(&self) -> u64 {
        self.state.db.statements()
    }

    /// One number (a float or an integer, or NULL) from SQL run directly on
    /// the server's database.
    pub async fn sql_number(&self, sql: &str) -> Option<f64> {
        use sea_orm::{ConnectionTrait, Statement};
        let db = &self.state.db.conn;
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                sql.to_owned(),
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index::<Option<f64>>(0)
            .or_else(|_| {
                row.try_get_by_index::<Option<i64>>(0)
                    .map(|v| v.map(|v| v as f64))
            })
            .unwrap()
    }

    /// Imports CSV text through the mutation; panics unless it commits.
    pub async fn import(&self, csv: &str) -> Value {
        let body = self
            .gql_admin(
                "mutation($csv: String!) { importFlows(csv: $csv) { inserted committed errorCount errors { line column rule message } } }",
                json!({ "csv": csv }),
            )
            .await;
        assert_eq!(
            body["data"]["importFlows"]["committed"],
            json!(true),
            "import failed: {body:#}"
        );
        body["data"]["importFlows"].clone()
    }

    /// Imports `csv` through the store as a large file ([`LARGE`]) and
    /// expects it committed.
    pub async fn bulk_import(&self, csv: &str) {
        let catalog = self.state.catalog.snapshot();
        let report = tradegraph::store::import::import(
            &self.state.db.conn,
            catalog,
            std::io::Cursor::new(csv.as_bytes().to_vec()),
            LARGE,
            |_| {},
        )
        .await
        .unwrap();
        assert!(report.committed, "{report:?}");
    }
}

/// The `extensions.code` of the first error.
pub fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("<no code>")
}

/// Declares one test per backend from an `async fn(TestApp)`.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await).await
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await).await
                }
            )+
        }
    };
}
