//! Large imports set the flow indexes aside and rebuild them before commit.
//! The mode is chosen from the input's size, so these tests hand the store a
//! small file with a large size hint.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;
use tradegraph::store::import::{self, ImportOptions};

use crate::helpers::{LARGE, TestApp};
use tradegraph_ingest::HEADER;

crate::on_both!(
    bulk_import_rebuilds_every_index,
    bulk_import_refuses_a_stored_key_and_writes_nothing,
    the_flow_key_migration_goes_down_and_up_again,
    index_builds_take_no_more_workers_than_spare_cores,
    bulk_import_numbers_its_rows_after_every_stored_id,
);

/// The `name` column of one catalogue query per backend.
async fn names(app: &TestApp, postgres: &str, sqlite: &str) -> Vec<String> {
    let db = &app.state.db.conn;
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => postgres,
        _ => sqlite,
    };
    db.query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String>("", "name").unwrap())
        .collect()
}

/// The flow indexes' names, sorted.
async fn flow_indexes(app: &TestApp) -> Vec<String> {
    names(
        app,
        "SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'flows' ORDER BY 1",
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'flows' ORDER BY 1",
    )
    .await
}

/// The key columns of the flow index `index`, in order.
async fn index_columns(app: &TestApp, index: &str) -> Vec<String> {
    names(
        app,
        &format!(
            "SELECT a.attname::text AS name FROM pg_index i \
             JOIN pg_class c ON c.oid = i.indexrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             CROSS JOIN LATERAL unnest(i.indkey[0:i.indnkeyatts - 1]) WITH ORDINALITY AS k(attnum, seqno) \
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum \
             WHERE c.relname = '{index}' AND n.nspname = current_schema() ORDER BY k.seqno"
        ),
        &format!("SELECT name FROM pragma_index_info('{index}') ORDER BY seqno"),
    )
    .await
}

/// `ix_flows_product`'s columns as migration 8 orders them, and as
/// migration 7 left them.
const PRODUCT_INDEX: [&str; 4] = [
    "product_code",
    "direction",
    "period_start",
    "classification",
];
const PRODUCT_INDEX_7: [&str; 4] = [
    "product_code",
    "classification",
    "direction",
    "period_start",
];

/// `ux_flows_key`'s columns as migration 8 orders them, and as migration 4
/// left them.
const KEY: [&str; 9] = [
    "partner_iso3",
    "direction",
    "period_start",
    "region_code",
    "product_code",
    "period_end",
    "classification",
    "currency",
    "source_id",
];
const KEY_4: [&str; 9] = [
    "partner_iso3",
    "direction",
    "period_start",
    "period_end",
    "region_code",
    "classification",
    "product_code",
    "currency",
    "source_id",
];

/// The foreign keys of `flows`, sorted.
async fn flow_foreign_keys(app: &TestApp) -> Vec<String> {
    names(
        app,
        "SELECT pg_get_constraintdef(k.oid) AS name FROM pg_constraint k \
         JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE t.relname = 'flows' AND n.nspname = current_schema() AND k.contype = 'f' ORDER BY 1",
        "SELECT \"from\" || ' -> ' || \"table\" AS name FROM pragma_foreign_key_list('flows') ORDER BY 1",
    )
    .await
}

async fn flow_count(app: &TestApp) -> u64 {
    app.data("{ flows(first: 0) { totalCount } }", json!({}))
        .await["flows"]["totalCount"]
        .as_u64()
        .unwrap()
}

fn rows(region: &str, n: usize) -> String {
    let mut csv = String::from(HEADER);
    for i in 0..n {
        csv.push_str(&format!(
            "2024-{:02},EXPORT,{region},USA,HS,854231,{},USD,manual\n",
            i % 12 + 1,
            1000 + i
        ));
    }
    csv
}

async fn bulk_import_rebuilds_every_index(app: TestApp) {
    let before = flow_indexes(&app).await;
    assert!(
        before.len() >= 4 && before.iter().any(|n| n == "ux_flows_key"),
        "the migrations' indexes: {before:?}"
    );
    let keys = flow_foreign_keys(&app).await;
    assert_eq!(keys.len(), 1, "the source key: {keys:?}");
    let count = flow_count(&app).await;
    let state_count = state_flows(&app).await;
    app.bulk_import(&rows("02004", 12)).await;
    assert_eq!(flow_indexes(&app).await, before);
    if app.state.db.conn.get_database_backend() == sea_orm::DbBackend::Sqlite {
        // The sorter threads the index builds took are given back.
        assert_eq!(app.sql_number("PRAGMA threads").await, Some(0.0));
    }
    assert_eq!(
        flow_foreign_keys(&app).await,
        keys,
        "the foreign key is back"
    );
    assert_eq!(flow_count(&app).await, count + 12);
    // Queryable through the rebuilt indexes and the refreshed rollup.
    let total = app
        .data(
            r#"{ region(code: "02004") { total(direction: EXPORT, period: "2024") } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        total["region"]["total"],
        json!((1000..1012).sum::<i32>() as f64)
    );
    assert_eq!(state_flows(&app).await, state_count + 12);
}

/// Baja California's flows of 2024 (a count the rollup answers).
async fn state_flows(app: &TestApp) -> u64 {
    app.data(
        r#"{ region(code: "02") { flows(filter: { period: "2024" }, first: 0) { totalCount } } }"#,
        json!({}),
    )
    .await["region"]["flows"]["totalCount"]
        .as_u64()
        .unwrap()
}

async fn bulk_import_refuses_a_stored_key_and_writes_nothing(app: TestApp) {
    app.import(&rows("02004", 3)).await;
    let before = flow_indexes(&app).await;
    let count = flow_count(&app).await;
    let catalog = app.state.catalog.snapshot();
    // Its first row repeats a stored key (same period, region, partner,
    // product, currency and source); the rest are new.
    let mut csv = rows("02004", 1);
    csv.push_str(&rows("02002", 5)[HEADER.len()..]);
    let input = std::io::Cursor::new(csv.into_bytes());
    let err = import::import(&app.state.db.conn, catalog, input, LARGE, |_| {})
        .await
        .unwrap_err();
    let text = err.to_string();
    assert_duplicate_flow(&err);
    assert!(
        text.contains("02004") && text.contains("USA"),
        "names the key: {text}"
    );
    assert_eq!(flow_count(&app).await, count, "nothing written");
    assert_eq!(flow_indexes(&app).await, before, "indexes back");
    assert_eq!(flow_foreign_keys(&app).await.len(), 1, "foreign key back");
}

/// The tables SQLite stores without a rowid (none on PostgreSQL), sorted.
async fn tables_without_rowid(app: &TestApp) -> Vec<String> {
    names(
        app,
        "SELECT relname::text AS name FROM pg_class WHERE false",
        "SELECT name FROM pragma_table_list WHERE wr = 1 ORDER BY 1",
    )
    .await
}

/// The last six migrations (the flow key led by the partner, the period
/// totals, the municipalities' period totals, the product and period
/// indexes reordered, the key's and the product index's later columns
/// reordered, the sums without a rowid on SQLite) undone and redone over
/// stored flows: the indexes and tables come back as they were, the flows
/// stay, the totals are filled again from them, and a stored key is still
/// refused.
async fn the_flow_key_migration_goes_down_and_up_again(app: TestApp) {
    let db = &app.state.db.conn;
    // The bundled sample is by state: a municipality's flows too.
    app.import(&rows("02002", 3)).await;
    let migrated = flow_indexes(&app).await;
    let count = flow_count(&app).await;
    const TOTALS: &str = "SELECT COUNT(*) FROM flow_totals";
    let totals = app.sql_number(TOTALS).await;
    assert!(totals > Some(0.0), "the bundled sample's totals");
    let municipal = app
        .sql_number("SELECT COUNT(*) FROM flow_totals WHERE LENGTH(scope_code) > 2")
        .await;
    assert!(municipal > Some(0.0), "the municipalities' totals");
    assert_eq!(index_columns(&app, "ix_flows_product").await, PRODUCT_INDEX);
    assert_eq!(index_columns(&app, "ux_flows_key").await, KEY);
    let sqlite = !app.state.db.is_postgres();
    let clustered: Vec<String> = if sqlite {
        vec!["flow_rollup".into(), "flow_totals".into()]
    } else {
        Vec::new()
    };
    assert_eq!(tables_without_rowid(&app).await, clustered);
    const ROLLUP: &str = "SELECT COUNT(*) FROM flow_rollup";
    let rollup = app.sql_number(ROLLUP).await;
    Migrator::down(db, Some(1)).await.unwrap();
    assert!(
        tables_without_rowid(&app).await.is_empty(),
        "migration 9 down"
    );
    assert_eq!(
        app.sql_number(ROLLUP).await,
        rollup,
        "the rollup's rows stay"
    );
    assert_eq!(app.sql_number(TOTALS).await, totals, "the totals stay");
    Migrator::down(db, Some(1)).await.unwrap();
    assert_eq!(
        index_columns(&app, "ix_flows_product").await,
        PRODUCT_INDEX_7,
        "migration 8 down"
    );
    assert_eq!(index_columns(&app, "ux_flows_key").await, KEY_4);
    Migrator::down(db, Some(1)).await.unwrap();
    let indexes = flow_indexes(&app).await;
    assert!(
        indexes.iter().any(|n| n == "ix_flows_direction_period")
            && !indexes.iter().any(|n| n == "ix_flows_period_direction"),
        "migration 7 down: the period index led by the direction again: {indexes:?}"
    );
    assert_eq!(
        index_columns(&app, "ix_flows_product").await[0],
        "classification"
    );
    Migrator::down(db, Some(1)).await.unwrap();
    assert_eq!(
        app.sql_number(TOTALS).await,
        totals.zip(municipal).map(|(t, m)| t - m),
        "migration 6 down: the states' and the country's totals stay"
    );
    Migrator::down(db, Some(2)).await.unwrap();
    let before = flow_indexes(&app).await;
    assert!(
        before.iter().any(|n| n == "ix_flows_partner"),
        "the partner index is back: {before:?}"
    );
    Migrator::up(db, None).await.unwrap();
    assert_eq!(app.sql_number(TOTALS).await, totals);
    assert_eq!(app.sql_number(ROLLUP).await, rollup);
    assert_eq!(tables_without_rowid(&app).await, clustered);
    assert_eq!(flow_indexes(&app).await, migrated);
    assert!(!migrated.iter().any(|n| n == "ix_flows_partner"));
    assert_eq!(index_columns(&app, "ix_flows_product").await, PRODUCT_INDEX);
    assert_eq!(index_columns(&app, "ux_flows_key").await, KEY);
    assert_eq!(flow_count(&app).await, count);
    // The unique key refuses a stored flow's key, row by row as in bulk.
    app.import(&rows("02004", 1)).await;
    let catalog = app.state.catalog.snapshot();
    for options in [ImportOptions::default(), LARGE] {
        let input = std::io::Cursor::new(rows("02004", 1).into_bytes());
        let err = import::import(db, catalog.clone(), input, options, |_| {})
            .await
            .unwrap_err();
        assert_duplicate_flow(&err);
    }
    assert_eq!(flow_count(&app).await, count + 1);
}

fn assert_duplicate_flow(err: &tradegraph::store::StoreError) {
    assert!(
        matches!(
            err,
            tradegraph::store::StoreError::Invalid {
                rule: "DUPLICATE_FLOW",
                ..
            }
        ),
        "{err:?}"
    );
}

/// The tests' PostgreSQL runs on this machine (127.0.0.1): a bulk import's
/// index builds get its `max_parallel_maintenance_workers`, but no more
/// than the cores beside the build's own process. On SQLite they get a
/// sorter thread per spare core (SQLite allows 8 at most). Either setting
/// is back as it was after.
async fn index_builds_take_no_more_workers_than_spare_cores(app: TestApp) {
    let db = &app.state.db.conn;
    let spare = std::thread::available_parallelism().unwrap().get() as i64 - 1;
    let workers = import::index_build_workers(db).await.unwrap();
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        assert_eq!(workers, spare.min(8));
        assert_eq!(app.sql_number("PRAGMA threads").await, Some(0.0));
        return;
    }
    let setting = app
        .sql_number("SELECT current_setting('max_parallel_maintenance_workers')::float8")
        .await
        .unwrap() as i64;
    assert_eq!(workers, setting.min(spare));
    // Only the import's transaction is changed.
    let after = app
        .sql_number("SELECT current_setting('max_parallel_maintenance_workers')::float8")
        .await;
    assert_eq!(after, Some(setting as f64));
}

/// A bulk import on PostgreSQL gives its rows their ids itself, from a
/// range past both the id sequence and every stored id; the sequence then
/// goes on after them, so that the next import's rows (ids from the
/// column's default) clash with none. SQLite numbers rows past the largest
/// id in any case.
async fn bulk_import_numbers_its_rows_after_every_stored_id(app: TestApp) {
    let largest = app.sql_number("SELECT MAX(id) FROM flows").await.unwrap();
    // A row moved past what the sequence has given out, as a hand-written
    // id would be.
    let moved = largest + 100.0;
    let update = format!("UPDATE flows SET id = {moved} WHERE id = {largest} RETURNING id");
    assert_eq!(app.sql_number(&update).await, Some(moved));
    // Its last six rows name a source not registered yet: the rows are
    // sent in two streams, with the source registered between them, and
    // the ids run on across both.
    let csv = rows("02003", 12);
    let (head, tail) = csv.split_at(csv.match_indices('\n').nth(6).unwrap().0 + 1);
    app.bulk_import(&format!("{head}{}", tail.replace(",manual", ",new-source")))
        .await;
    let first = moved + 1.0;
    assert_eq!(
        id_range(&app, "02003").await,
        (Some(first), Some(first + 11.0))
    );
    let second_stream = "SELECT MIN(f.id) FROM flows f JOIN sources s ON s.id = f.source_id \
         WHERE s.code = 'new-source'";
    assert_eq!(app.sql_number(second_stream).await, Some(first + 6.0));
    // Through the column's default: a small import is not a bulk one.
    app.import(&rows("02005", 2)).await;
    assert_eq!(
        id_range(&app, "02005").await,
        (Some(first + 12.0), Some(first + 13.0))
    );
}

/// The smallest and the largest id of `region`'s flows.
async fn id_range(app: &TestApp, region: &str) -> (Option<f64>, Option<f64>) {
    let sql = |f: &str| format!("SELECT {f}(id) FROM flows WHERE region_code = '{region}'");
    (
        app.sql_number(&sql("MIN")).await,
        app.sql_number(&sql("MAX")).await,
    )
}
