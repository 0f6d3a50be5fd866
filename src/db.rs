//! Database connection: SQLite (embedded default) or PostgreSQL, with a
//! counter of the SQL statements run, which `/metrics`, the benchmarks and
//! the N+1 tests read.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use sea_orm::sqlx::pool::PoolConnection;
use sea_orm::sqlx::{self, AssertSqlSafe, PgPool, Postgres};
use sea_orm::{
    ConnAcquireErr, ConnectOptions, ConnectionTrait, Database as SeaDatabase, DatabaseConnection,
    DbBackend, DbErr, ExecResult, QueryResult, RuntimeErr, Statement, Values,
};
use sea_query_sqlx::SqlxValues;
use tokio::sync::{Semaphore, SemaphorePermit};

/// The default database: a SQLite file in the working directory, created on
/// first run.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://tradegraph.db?mode=rwc";

/// PostgreSQL connections a server opens at most, unless told otherwise.
pub const DEFAULT_PG_POOL: u32 = 32;

/// A pooled connection idle at least this long is pinged before use.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(30);

/// A connection kept out of the pool longer than this goes back to it, so
/// that the pool's own limits (its connections' lifetime) still apply.
const KEEP_AT_MOST: Duration = Duration::from_secs(300);

/// How long a statement waits for a connection before it fails.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// A connection pool and the number of statements it has run.
///
/// Reads through its [`ConnectionTrait`] (the resolvers' and the audit's) on
/// PostgreSQL reuse connections kept out of the pool between statements (see
/// [`Kept`]); everything else goes through `conn`.
#[derive(Clone, Debug)]
pub struct Database {
    pub conn: DatabaseConnection,
    statements: Arc<AtomicU64>,
    kept: Option<Arc<Kept>>,
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
        let mut pool_size = 0;
        options
            .sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(ACQUIRE_TIMEOUT)
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
            pool_size = pool.unwrap_or(DEFAULT_PG_POOL).max(1);
            options
                .max_connections(pool_size)
                .min_connections(pool_size.min(2));
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
        let kept = if pool_size > 0 {
            Kept::new(conn.get_postgres_connection_pool().clone(), pool_size)
        } else {
            None
        };
        Ok(Self {
            conn,
            statements,
            kept,
        })
    }

    /// PostgreSQL connections now kept out of the pool between reads.
    pub fn kept_connections(&self) -> usize {
        self.kept.as_ref().map_or(0, |k| k.len())
    }

    /// Counts a statement run around SeaORM, whose metric callback counts
    /// the others.
    fn count_statement(&self) {
        self.statements.fetch_add(1, Ordering::Relaxed);
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

/// PostgreSQL connections kept out of the pool between reads.
///
/// sqlx pings every connection it takes back into its pool (a `Sync` and its
/// `ReadyForQuery`), from a task spawned for it: one more round trip per
/// statement, which no pool option turns off. Keeping connections here
/// served q1 1.20× and q2 1.09× the requests (BENCHMARKS.md, twelfth
/// session). A read that ran to its end is past the
/// state that ping checks, so it leaves its connection here instead, and the
/// next read takes it. A read cancelled or failed mid-statement drops its
/// connection into the pool, whose ping then closes it if it is broken.
///
/// Reads hold one of `most` permits while they run, fewer than the pool's
/// connections, so writes and transactions, which take theirs from the pool,
/// always find some. The permits are handed out first come, first served, as
/// the pool's connections are: a read that finds none waits its turn, and
/// one finishing cannot hand its connection past it to a newer read. One
/// kept idle as long as the pool would ping it before use
/// ([`PING_IF_IDLE_FOR`]), or out of the pool for [`KEEP_AT_MOST`], goes back
/// to the pool instead of serving another read.
#[derive(Debug)]
struct Kept {
    pool: PgPool,
    idle: Mutex<Vec<Idle>>,
    permits: Semaphore,
}

/// A connection out of the pool: since when, and since when idle.
#[derive(Debug)]
struct Idle {
    conn: PoolConnection<Postgres>,
    out_since: Instant,
    idle_since: Instant,
}

impl Idle {
    fn is_stale(&self, now: Instant) -> bool {
        now.duration_since(self.idle_since) >= PING_IF_IDLE_FOR
            || now.duration_since(self.out_since) >= KEEP_AT_MOST
    }
}

/// A read's connection and its permit.
struct Held<'a> {
    idle: Idle,
    _permit: SemaphorePermit<'a>,
}

impl Kept {
    /// Kept connections for a pool of `pool_size`, if it can spare any; a
    /// task returns the stale ones while the server is quiet.
    fn new(pool: PgPool, pool_size: u32) -> Option<Arc<Self>> {
        let pool_size = pool_size as usize;
        let most = pool_size.saturating_sub((pool_size / 4).max(2));
        if most == 0 {
            return None;
        }
        let kept = Arc::new(Self {
            pool,
            idle: Mutex::new(Vec::with_capacity(most)),
            permits: Semaphore::new(most),
        });
        let weak: Weak<Self> = Arc::downgrade(&kept);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(PING_IF_IDLE_FOR);
            loop {
                tick.tick().await;
                match weak.upgrade() {
                    Some(kept) => kept.return_stale(),
                    None => break,
                }
            }
        });
        Some(kept)
    }

    fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Idle>> {
        // The vector is whole after any panic: a push or pop either ran or not.
        self.idle.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A permit, then the connection last left here, else one from the pool.
    async fn take(&self) -> Result<Held<'_>, DbErr> {
        let permit = tokio::time::timeout(ACQUIRE_TIMEOUT, self.permits.acquire())
            .await
            .map_err(|_| DbErr::ConnectionAcquire(ConnAcquireErr::Timeout))?
            .map_err(|_| DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed))?;
        let now = Instant::now();
        let mut stale = Vec::new();
        let fresh = {
            let mut idle = self.lock();
            loop {
                match idle.pop() {
                    Some(c) if c.is_stale(now) => stale.push(c),
                    other => break other,
                }
            }
        };
        // Dropped outside the lock: each goes back to the pool.
        drop(stale);
        let idle = match fresh {
            Some(c) => c,
            None => Idle {
                conn: self.pool.acquire().await.map_err(acquire_error)?,
                out_since: now,
                idle_since: now,
            },
        };
        Ok(Held {
            idle,
            _permit: permit,
        })
    }

    /// Keeps the connection of a read that ran to its end, then lets the
    /// next read in.
    fn leave(&self, held: Held<'_>) {
        let Held { mut idle, _permit } = held;
        idle.idle_since = Instant::now();
        self.lock().push(idle);
    }

    /// Returns to the pool every connection stale now; the oldest are first.
    fn return_stale(&self) {
        let now = Instant::now();
        let stale: Vec<Idle> = {
            let mut idle = self.lock();
            let n = idle.iter().take_while(|c| c.is_stale(now)).count();
            idle.drain(..n).collect()
        };
        drop(stale);
    }
}

/// `stmt` as sqlx runs it, its text and values moved, not copied.
fn pg_query(stmt: Statement) -> sqlx::query::Query<'static, Postgres, SqlxValues> {
    let values = stmt.values.unwrap_or(Values(Vec::new()));
    sqlx::query_with(AssertSqlSafe(stmt.sql), SqlxValues(values))
}

/// sqlx's errors as SeaORM reports them through its own pool.
fn query_error(e: sqlx::Error) -> DbErr {
    DbErr::Query(RuntimeErr::SqlxError(Arc::new(e)))
}

fn acquire_error(e: sqlx::Error) -> DbErr {
    match e {
        sqlx::Error::PoolTimedOut => DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
        sqlx::Error::PoolClosed => DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed),
        e => DbErr::Conn(RuntimeErr::SqlxError(Arc::new(e))),
    }
}

/// Reads go through [`Kept`] connections on PostgreSQL; statements that
/// write go through the pool.
#[async_trait::async_trait]
impl ConnectionTrait for Database {
    fn get_database_backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.conn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.conn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        let Some(kept) = &self.kept else {
            return self.conn.query_one_raw(stmt).await;
        };
        let mut c = kept.take().await?;
        self.count_statement();
        // On an error or a cancellation `c` drops into the pool.
        let row = pg_query(stmt)
            .fetch_optional(&mut *c.idle.conn)
            .await
            .map_err(query_error)?;
        kept.leave(c);
        Ok(row.map(QueryResult::from))
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        let Some(kept) = &self.kept else {
            return self.conn.query_all_raw(stmt).await;
        };
        let mut c = kept.take().await?;
        self.count_statement();
        let rows = pg_query(stmt)
            .fetch_all(&mut *c.idle.conn)
            .await
            .map_err(query_error)?;
        kept.leave(c);
        Ok(rows.into_iter().map(QueryResult::from).collect())
    }
}
