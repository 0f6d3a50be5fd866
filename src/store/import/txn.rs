//! An import's transaction on the pool's own driver. PostgreSQL's `COPY`
//! needs the connection itself, which SeaORM's transaction does not hand
//! out; so the whole import, from `BEGIN` to `COMMIT`, runs here.

use std::sync::Arc;

use sea_orm::sqlx::{
    self, AssertSqlSafe, Postgres, Sqlite, Transaction, postgres::PgRow, sqlite::SqliteRow,
};
use sea_orm::{DatabaseConnection, DbBackend, DbErr, RuntimeErr};

/// Turns a driver error into SeaORM's, so [`DbErr::sql_err`] still
/// recognises unique-key violations.
pub(super) fn db_err(err: sqlx::Error) -> DbErr {
    DbErr::Exec(RuntimeErr::SqlxError(Arc::new(err)))
}

pub(super) enum Txn {
    Postgres(Transaction<'static, Postgres>),
    Sqlite(Transaction<'static, Sqlite>),
}

impl Txn {
    pub async fn begin(db: &DatabaseConnection) -> Result<Self, DbErr> {
        Ok(match db.get_database_backend() {
            DbBackend::Postgres => Self::Postgres(
                db.get_postgres_connection_pool()
                    .begin()
                    .await
                    .map_err(db_err)?,
            ),
            DbBackend::Sqlite => Self::Sqlite(
                db.get_sqlite_connection_pool()
                    .begin()
                    .await
                    .map_err(db_err)?,
            ),
            other => {
                return Err(DbErr::Custom(format!(
                    "imports run on PostgreSQL or SQLite, not {other:?}"
                )));
            }
        })
    }

    pub fn backend(&self) -> DbBackend {
        match self {
            Self::Postgres(_) => DbBackend::Postgres,
            Self::Sqlite(_) => DbBackend::Sqlite,
        }
    }

    /// Runs one or more statements as they are, without preparing them.
    /// (The driver takes SQL text it does not check as owned text.)
    pub async fn execute(&mut self, sql: &str) -> Result<u64, DbErr> {
        match self {
            Self::Postgres(tx) => sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
                .execute(&mut **tx)
                .await
                .map(|r| r.rows_affected()),
            Self::Sqlite(tx) => sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
                .execute(&mut **tx)
                .await
                .map(|r| r.rows_affected()),
        }
        .map_err(db_err)
    }

    /// Every row of a query, as a tuple or any type both drivers decode.
    pub async fn fetch_all<T>(&mut self, sql: &str) -> Result<Vec<T>, DbErr>
    where
        T: for<'r> sqlx::FromRow<'r, PgRow> + for<'r> sqlx::FromRow<'r, SqliteRow> + Send + Unpin,
    {
        match self {
            Self::Postgres(tx) => {
                sqlx::query_as(AssertSqlSafe(sql.to_owned()))
                    .fetch_all(&mut **tx)
                    .await
            }
            Self::Sqlite(tx) => {
                sqlx::query_as(AssertSqlSafe(sql.to_owned()))
                    .fetch_all(&mut **tx)
                    .await
            }
        }
        .map_err(db_err)
    }

    /// The first column of the first row, if any.
    pub async fn fetch_i64(&mut self, sql: &str) -> Result<Option<i64>, DbErr> {
        Ok(self
            .fetch_all::<(i64,)>(sql)
            .await?
            .into_iter()
            .next()
            .map(|(v,)| v))
    }

    pub async fn commit(self) -> Result<(), DbErr> {
        match self {
            Self::Postgres(tx) => tx.commit().await,
            Self::Sqlite(tx) => tx.commit().await,
        }
        .map_err(db_err)
    }

    pub async fn rollback(self) -> Result<(), DbErr> {
        match self {
            Self::Postgres(tx) => tx.rollback().await,
            Self::Sqlite(tx) => tx.rollback().await,
        }
        .map_err(db_err)
    }
}
