//! Building the application: configuration, database preparation (migrate,
//! seed on first start), the shared schema, and the HTTP server bound to a
//! port (port 0 in tests).

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::dev::Server;
use migration::{Migrator, MigratorTrait};
use tracing::{info, warn};

use crate::db::Database;
use crate::graphql::{self, AppSchema};
use crate::http;
use crate::store::catalog::{Catalog, CatalogHandle};
use crate::store::{StoreResult, import, seed, write};

/// Everything `serve` can be told.
#[derive(Clone, Debug)]
pub struct Config {
    pub bind: String,
    pub database_url: String,
    /// PostgreSQL schema to use (created if missing); tests give each their own.
    pub database_schema: Option<String>,
    pub admin_token: Option<String>,
    /// Origins allowed to call the API from a browser; `*` allows any.
    pub cors_origins: Vec<String>,
    pub request_timeout: Duration,
    /// Largest request body, in bytes (chunked bodies included).
    pub body_limit: usize,
    /// How often the catalogue version is polled.
    pub catalog_refresh: Duration,
    pub workers: Option<usize>,
    /// Database connections the server opens at most (`None`: the default
    /// of [`Database::connect_with_pool`]).
    pub db_pool_size: Option<u32>,
    /// How long a DataLoader waits for sibling keys before it queries.
    /// Siblings register within one poll, so zero loses no batching.
    pub loader_delay: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            database_url: crate::db::DEFAULT_DATABASE_URL.into(),
            database_schema: None,
            admin_token: None,
            cors_origins: Vec::new(),
            request_timeout: Duration::from_secs(30),
            body_limit: 2 * 1024 * 1024,
            catalog_refresh: Duration::from_secs(5),
            workers: None,
            db_pool_size: None,
            loader_delay: Duration::ZERO,
        }
    }
}

/// Shared, immutable-per-process application state.
#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    pub catalog: CatalogHandle,
    pub schema: AppSchema,
    pub config: Config,
    pub requests: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// Parsed documents by query text, shared by the workers.
    pub documents: std::sync::Arc<crate::graphql::documents::DocumentCache>,
}

/// Migrates, and loads the bundled reference data and sample flows into an
/// empty database. Later runs find them and do nothing.
pub async fn prepare_database(db: &Database) -> StoreResult<Arc<Catalog>> {
    Migrator::up(&db.conn, None).await?;
    if !seed::is_seeded(&db.conn).await? {
        seed::seed_catalogues(&db.conn).await?;
    }
    let catalog = Arc::new(Catalog::load(&db.conn).await?);
    if !write::has_flows_from(&db.conn, tradegraph_ingest::data_mexico::SOURCE).await? {
        let report = import::import(
            &db.conn,
            catalog.clone(),
            seed::DATAMEXICO_SAMPLE_CSV.as_bytes(),
            import::ImportOptions::default(),
            |_| {},
        )
        .await?;
        if !report.committed {
            let first = report
                .errors
                .first()
                .map(ToString::to_string)
                .unwrap_or_default();
            return Err(crate::store::StoreError::Data(format!(
                "bundled Data México sample rejected: {first}"
            )));
        }
        info!(flows = report.inserted, "Data México sample loaded");
    }
    Ok(catalog)
}

pub struct Application {
    port: u16,
    server: Server,
    pub state: AppState,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let started = Instant::now();
        let db = Database::connect_with_pool(
            &config.database_url,
            config.database_schema.as_deref(),
            config.db_pool_size,
        )
        .await?;
        let catalog = CatalogHandle::new(prepare_database(&db).await?);
        let listener = TcpListener::bind(&config.bind)?;
        let port = listener.local_addr()?.port();
        let state = AppState {
            db,
            catalog,
            schema: graphql::builder().finish(),
            config,
            requests: Default::default(),
            documents: Default::default(),
        };
        spawn_catalog_refresh(state.clone());
        let server = http::server(state.clone(), listener)?;
        info!(
            port,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "ready"
        );
        Ok(Self {
            port,
            server,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Polls the catalogue version so every replica picks up catalogue writes.
fn spawn_catalog_refresh(state: AppState) {
    let every = state.config.catalog_refresh;
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.tick().await;
        loop {
            tick.tick().await;
            match state.catalog.refresh_if_changed(&state.db.conn).await {
                Ok(true) => info!("catalogue reloaded"),
                Ok(false) => {}
                Err(e) => warn!(error = %e, "catalogue refresh failed"),
            }
        }
    });
}
