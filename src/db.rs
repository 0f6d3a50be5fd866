//! Database connection: SQLite (embedded default) or PostgreSQL, with a
//! counter of the SQL statements run, which `/metrics`, the benchmarks and
//! the N+1 tests read.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database as SeaDatabase, DatabaseConnection, DbErr,
};

/// The default database: a SQLite file in the working directory, created on
/// first run.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://tradegraph.db?mode=rwc";

/// PostgreSQL connections a server opens at most, unless told otherwise.
pub const DEFAULT_PG_POOL: u32 = 32;

/// A pooled connection idle at least this long is pinged before use.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(30);

/// A connection pool and the number of statements it has run.
#[derive(Clone, Debug)]
pub struct Database {
    pub conn: DatabaseConnection,
    statements: Arc<AtomicU64>,
}

impl Database {
    /// Connects to `url` with the default pool size; for PostgreSQL,
    /// `schema` (when given) is created if missing and becomes the search
    /// path, so tests can each own one.
    pub async fn connect(url: &str, schema: Option<&str>) -> Result<Self, DbErr> {
        Self::connect_with_pool(url, schema, None).await
    }

    /// [`Database::connect`] with at most `pool` connections (PostgreSQL
    /// [`DEFAULT_PG_POOL`], a SQLite file 8, in-memory SQLite always 1).
    pub async fn connect_with_pool(
        url: &str,
        schema: Option<&str>,
        pool: Option<u32>,
    ) -> Result<Self, DbErr> {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(10))
            // A busy connection is not pinged each time it leaves the pool:
            // that was a round trip to the database per statement. One idle
            // long enough to have been dropped by the server or a proxy is.
            .test_before_acquire_if_idle_for(PING_IF_IDLE_FOR);
        if url.starts_with("sqlite") {
            // An in-memory SQLite database exists per connection: one connection
            // keeps everything in one database.
            let pool = if url.contains(":memory:") || url.contains("mode=memory") {
                1
            } else {
                pool.unwrap_or(8).max(1)
            };
            options.max_connections(pool).min_connections(1);
        } else {
            let pool = pool.unwrap_or(DEFAULT_PG_POOL).max(1);
            options.max_connections(pool).min_connections(pool.min(2));
            if let Some(schema) = schema {
                let bootstrap = SeaDatabase::connect(url).await?;
                bootstrap
                    .execute_unprepared(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
                    .await?;
                bootstrap.close().await?;
                options.set_schema_search_path(schema.to_owned());
            }
        }
        let mut conn = SeaDatabase::connect(options).await?;
        let statements = Arc::new(AtomicU64::new(0));
        let counter = statements.clone();
        conn.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        Ok(Self { conn, statements })
    }

    /// SQL statements run since the pool was opened.
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    pub fn is_postgres(&self) -> bool {
        matches!(
            self.conn.get_database_backend(),
            sea_orm::DbBackend::Postgres
        )
    }
}
