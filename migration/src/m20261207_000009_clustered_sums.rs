//! On SQLite, the yearly rollup and the period totals become tables
//! without a rowid: each row is stored once, in its primary key's b-tree.
//!
//! A SQLite table with a composite primary key is two b-trees, the rows by
//! rowid and the key beside them with the rowid of each row. Every row was
//! then written twice, and every read found a key and then looked up its
//! row by rowid. These rows are small (ten short columns) and always found
//! by their key, the case SQLite's documentation gives for `WITHOUT ROWID`.
//!
//! Measured on scale 1 (BENCHMARKS.md, sixteenth session):
//! - in the `sqlite3` shell, the 279,282 rollup and 231,956 totals rows
//!   inserted in key order into empty tables, three alternating rounds:
//!   0.40–0.60 s against 0.49–0.66 s, and the commit 0.08–0.09 s against
//!   0.13–0.20 s;
//! - reads, the server over a copy of one database migrated and one not
//!   (`bench/ab.sh`, 3 rounds): q5 1.22 times the requests per second at
//!   c=64, the corpus reports 1.19 and 1.21 times at c=1.
//!
//! PostgreSQL is left as it is: its tables are heaps, and a primary key is
//! always an index beside them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::rollup::{TABLE, TOTALS_TABLE};
use crate::{
    m20261122_000003_rollup as rollup_table, m20261203_000005_flow_totals as totals_table,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

const WITHOUT_ROWID: &str = "WITHOUT ROWID";

/// Rebuilds SQLite's `name` from `definition` (its migration's own), without
/// a rowid or with one, holding the same rows.
async fn rebuild(
    m: &SchemaManager<'_>,
    name: &str,
    mut definition: TableCreateStatement,
    without_rowid: bool,
) -> Result<(), DbErr> {
    let rebuilt = format!("{name}_rebuilt");
    definition.table(Alias::new(&rebuilt));
    if without_rowid {
        definition.extra(WITHOUT_ROWID);
    }
    m.create_table(definition).await?;
    // The same definition, so the same columns in the same order.
    let db = m.get_connection();
    db.execute_unprepared(&format!("INSERT INTO {rebuilt} SELECT * FROM {name}"))
        .await?;
    db.execute_unprepared(&format!("DROP TABLE {name}")).await?;
    db.execute_unprepared(&format!("ALTER TABLE {rebuilt} RENAME TO {name}"))
        .await?;
    Ok(())
}

/// Both tables rebuilt on SQLite (nothing on PostgreSQL).
async fn rebuild_both(m: &SchemaManager<'_>, without_rowid: bool) -> Result<(), DbErr> {
    if m.get_database_backend() != DbBackend::Sqlite {
        return Ok(());
    }
    rebuild(m, TABLE, rollup_table::table(), without_rowid).await?;
    rebuild(m, TOTALS_TABLE, totals_table::table(), without_rowid).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on SQLite too: a table is never left half copied.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        rebuild_both(m, true).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        rebuild_both(m, false).await
    }
}
