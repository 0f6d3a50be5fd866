//! Reads on PostgreSQL keep their connection out of the pool for the next
//! read (sqlx would ping it on the way back in); one cancelled or failed
//! mid-statement goes back to the pool. SQLite reads go through the pool.

use std::time::Duration;

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, TransactionTrait};
use tradegraph::db::Database;

use crate::helpers::TestApp;

crate::on_both!(
    a_read_that_ends_keeps_its_connection_for_the_next,
    a_cancelled_or_failed_read_leaves_nothing_kept,
    kept_connections_leave_the_pool_room_for_writes,
);

/// The first column of a one-row, one-integer read.
async fn one(db: &Database, sql: &str) -> Result<Option<i64>, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    Ok(row.map(|r| r.try_get_by_index::<i64>(0).unwrap()))
}

fn is_postgres(db: &Database) -> bool {
    db.get_database_backend() == DbBackend::Postgres
}

async fn a_read_that_ends_keeps_its_connection_for_the_next(app: TestApp) {
    let db = &app.state.db;
    let before = db.statements();
    let (first, second) = if is_postgres(db) {
        let sql = "SELECT pg_backend_pid()::int8";
        (one(db, sql).await.unwrap(), one(db, sql).await.unwrap())
    } else {
        (
            one(db, "SELECT 7").await.unwrap(),
            one(db, "SELECT 7").await.unwrap(),
        )
    };
    assert_eq!(db.statements() - before, 2, "both reads are counted");
    if is_postgres(db) {
        assert_eq!(first, second, "the second read ran on the first's session");
        assert_eq!(db.kept_connections(), 1);
    } else {
        assert_eq!((first, second), (Some(7), Some(7)));
        assert_eq!(db.kept_connections(), 0, "SQLite keeps nothing");
    }
}

async fn a_cancelled_or_failed_read_leaves_nothing_kept(app: TestApp) {
    let db = &app.state.db;
    if is_postgres(db) {
        one(db, "SELECT 1::int8").await.unwrap();
        assert_eq!(db.kept_connections(), 1);
        // Dropped mid-statement: its connection goes to the pool, not back here.
        let cancelled = tokio::time::timeout(
            Duration::from_millis(100),
            one(db, "SELECT 1::int8 FROM pg_sleep(2)"),
        )
        .await;
        assert!(cancelled.is_err(), "the read outlived its timeout");
        assert_eq!(db.kept_connections(), 0);
    }
    let failed = one(db, "SELECT n FROM no_such_table").await.unwrap_err();
    assert!(failed.to_string().contains("no_such_table"), "{failed}");
    assert_eq!(db.kept_connections(), 0);
    assert_eq!(
        one(db, "SELECT CAST(41 + 1 AS BIGINT)").await.unwrap(),
        Some(42)
    );
    assert_eq!(
        db.kept_connections(),
        usize::from(is_postgres(db)),
        "the read after them keeps its connection again (on PostgreSQL)"
    );
}

/// 30 reads at once take 30 of the pool's 32 connections; no more than 24
/// stay kept afterwards, so a transaction still finds one at once.
async fn kept_connections_leave_the_pool_room_for_writes(app: TestApp) {
    let db = &app.state.db;
    let sql = if is_postgres(db) {
        "SELECT 1::int8 FROM pg_sleep(0.2)"
    } else {
        "SELECT CAST(1 AS BIGINT)"
    };
    let reads = (0..30).map(|_| one(db, sql));
    for read in futures::future::join_all(reads).await {
        assert_eq!(read.unwrap(), Some(1));
    }
    let expected = if is_postgres(db) { 24 } else { 0 };
    assert_eq!(db.kept_connections(), expected);
    let txn = tokio::time::timeout(Duration::from_secs(5), db.conn.begin())
        .await
        .expect("a transaction waited for a connection")
        .unwrap();
    txn.commit().await.unwrap();
    // And the server's own reads still run.
    let data = app
        .data(r#"{ region(code: "02") { name } }"#, serde_json::json!({}))
        .await;
    assert_eq!(data["region"]["name"], "Baja California");
}
