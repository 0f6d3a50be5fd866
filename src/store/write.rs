//! Writes: single flows (the GraphQL mutations) and streaming CSV imports.
//! Both are all-or-nothing: a bad value or a clashing key writes nothing.

use std::io::Read;

use entity::{flow, source};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, QueryFilter, SqlErr, TransactionTrait,
};
use serde::Serialize;
use tracing::info;
use tradegraph_domain::{Classification, Currency, Direction, Period};
use tradegraph_ingest::{FlowRecord, LabelMismatch, ReaderOptions, RowError, SkippedRow};

use super::catalog::{self, Catalog};
use super::{StoreError, StoreResult};

/// A flow as the mutations take it, already parsed.
#[derive(Debug, Clone)]
pub struct NewFlow {
    pub period: Period,
    pub direction: Direction,
    pub region_code: String,
    pub partner_iso3: String,
    pub classification: Classification,
    pub product_code: String,
    pub value: f64,
    pub currency: Currency,
    pub source: String,
}

impl From<FlowRecord> for NewFlow {
    fn from(r: FlowRecord) -> Self {
        Self {
            period: r.period,
            direction: r.direction,
            region_code: r.region_code,
            partner_iso3: r.partner_iso3,
            classification: r.classification,
            product_code: r.product_code,
            value: r.value,
            currency: r.currency,
            source: r.source,
        }
    }
}

impl NewFlow {
    /// Checks every code against the catalogues; the error names the field.
    pub fn check(&self, catalog: &Catalog) -> StoreResult<i32> {
        if catalog
            .region(&self.region_code)
            .is_none_or(|r| r.code != self.region_code)
        {
            return Err(StoreError::invalid(
                "regionCode",
                "unknown_region",
                format!("`{}` is not a known INEGI region code", self.region_code),
            ));
        }
        if catalog
            .partner(&self.partner_iso3)
            .is_none_or(|p| p.iso3 != self.partner_iso3)
        {
            return Err(StoreError::invalid(
                "partnerIso3",
                "unknown_partner",
                format!(
                    "`{}` is not a known ISO 3166-1 alpha-3 code (or WLD)",
                    self.partner_iso3
                ),
            ));
        }
        if catalog
            .product(self.classification, &self.product_code)
            .is_none()
        {
            return Err(StoreError::invalid(
                "productCode",
                "unknown_product",
                format!(
                    "`{}` is not a known {} code (or TOTAL)",
                    self.product_code, self.classification
                ),
            ));
        }
        if !self.value.is_finite() || self.value < 0.0 {
            return Err(StoreError::invalid(
                "value",
                "non_negative",
                format!("{} is not a finite, non-negative value", self.value),
            ));
        }
        catalog
            .source_by_code(&self.source)
            .map(|s| s.id)
            .ok_or_else(|| {
                StoreError::invalid(
                    "source",
                    "unknown_source",
                    format!("`{}` is not a known source", self.source),
                )
            })
    }

    fn active(&self, source_id: i32) -> flow::ActiveModel {
        flow::ActiveModel {
            period_start: Set(self.period.start().key()),
            period_end: Set(self.period.end().key()),
            direction: Set(self.direction.as_str().into()),
            region_code: Set(self.region_code.clone()),
            partner_iso3: Set(self.partner_iso3.clone()),
            classification: Set(self.classification.as_str().into()),
            product_code: Set(self.product_code.clone()),
            value: Set(self.value),
            currency: Set(self.currency.as_str().into()),
            source_id: Set(source_id),
            ..Default::default()
        }
    }
}

fn duplicate(err: DbErr) -> StoreError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::invalid(
            "input",
            "DUPLICATE_FLOW",
            "a flow with the same period, direction, region, partner, product, currency and source already exists",
        ),
        _ => StoreError::Db(err),
    }
}

pub async fn create_flow(
    db: &DatabaseConnection,
    catalog: &Catalog,
    new: &NewFlow,
) -> StoreResult<flow::Model> {
    let source_id = new.check(catalog)?;
    new.active(source_id).insert(db).await.map_err(duplicate)
}

pub async fn update_flow(
    db: &DatabaseConnection,
    catalog: &Catalog,
    id: i64,
    new: &NewFlow,
) -> StoreResult<flow::Model> {
    let source_id = new.check(catalog)?;
    if flow::Entity::find_by_id(id).one(db).await?.is_none() {
        return Err(StoreError::NotFound(format!("flow {id}")));
    }
    let mut active = new.active(source_id);
    active.id = Set(id);
    active.update(db).await.map_err(duplicate)
}

pub async fn delete_flow(db: &DatabaseConnection, id: i64) -> StoreResult<bool> {
    Ok(flow::Entity::delete_by_id(id).exec(db).await?.rows_affected > 0)
}

/// The outcome of an import. `errors` non-empty means nothing was written
/// (unless invalid rows were skipped on request).
#[derive(Debug, Default, Serialize)]
pub struct ImportReport {
    pub rows_read: u64,
    pub inserted: u64,
    /// Rows rejected; at most [`MAX_REPORTED_ERRORS`] are kept.
    pub errors: Vec<RowError>,
    pub error_count: u64,
    /// Rows left out by design (e.g. aggregate partners in Data México files).
    pub skipped: Vec<SkippedRow>,
    /// Labels that do not name their codes (`LABEL_CODE` findings).
    pub label_mismatches: Vec<LabelMismatch>,
    pub committed: bool,
    /// The audit run holding the LABEL_CODE findings, when there were any.
    pub label_run_id: Option<i64>,
}

pub const MAX_REPORTED_ERRORS: usize = 100;

/// Rows per INSERT: 11 parameters each keeps us under SQLite's and
/// PostgreSQL's parameter limits.
const BATCH: usize = 2_000;

#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Write the valid rows and report the invalid ones, instead of
    /// rejecting the whole file.
    pub skip_invalid: bool,
}

/// Registers a source slug met in an import that the catalogue lacks.
async fn ensure_sources(
    txn: &DatabaseTransaction,
    catalog: &Catalog,
    slugs: &[String],
) -> StoreResult<bool> {
    let missing: Vec<&String> = slugs
        .iter()
        .filter(|s| catalog.source_by_code(s).is_none())
        .collect();
    for slug in &missing {
        source::Entity::insert(source::ActiveModel {
            code: Set((*slug).clone()),
            name: Set(format!("Imported source `{slug}`")),
            publisher: Set("unknown".into()),
            url: Set(None),
            licence: Set("unknown".into()),
            synthetic: Set(false),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::column(source::Column::Code)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    }
    Ok(!missing.is_empty())
}

async fn source_ids<C: ConnectionTrait>(
    db: &C,
) -> StoreResult<std::collections::HashMap<String, i32>> {
    Ok(source::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.code, s.id))
        .collect())
}

/// Streams a flow CSV into the database in one transaction.
/// `progress` is called with the bytes read so far after every batch.
pub async fn import<R: Read>(
    db: &DatabaseConnection,
    catalog: &Catalog,
    input: R,
    options: ImportOptions,
    mut progress: impl FnMut(u64),
) -> StoreResult<ImportReport> {
    let mut reader =
        tradegraph_ingest::reader_with_options(input, catalog, ReaderOptions::default())
            .map_err(|e| StoreError::invalid("file", "format", e.to_string()))?;
    let mut report = ImportReport::default();
    let txn = db.begin().await?;
    let mut ids = source_ids(&txn).await?;
    let mut batch: Vec<FlowRecord> = Vec::with_capacity(BATCH);
    let mut writing = true;
    loop {
        let next = reader.next();
        let done = next.is_none();
        match next {
            Some(Ok(record)) => {
                report
                    .label_mismatches
                    .extend(record.label_mismatches(catalog));
                if writing {
                    batch.push(record);
                }
            }
            Some(Err(e)) => {
                report.error_count += 1;
                if report.errors.len() < MAX_REPORTED_ERRORS {
                    report.errors.push(e);
                }
                // Without --skip-invalid one bad row rejects the file: keep
                // reading only to report the other bad rows.
                writing = options.skip_invalid;
                if !writing {
                    batch.clear();
                }
            }
            None => {}
        }
        if writing && (batch.len() >= BATCH || (done && !batch.is_empty())) {
            let slugs: Vec<String> = batch.iter().map(|r| r.source.clone()).collect();
            if slugs.iter().any(|s| !ids.contains_key(s)) {
                let mut unique = slugs;
                unique.sort();
                unique.dedup();
                ensure_sources(&txn, catalog, &unique).await?;
                catalog::bump_version(&txn).await?;
                ids = source_ids(&txn).await?;
            }
            let first_line = batch.first().map(|r| r.line).unwrap_or_default();
            let last_line = batch.last().map(|r| r.line).unwrap_or_default();
            let models = batch.drain(..).map(|r| {
                let source_id = ids.get(&r.source).copied().unwrap_or_default();
                NewFlow::from(r).active(source_id)
            });
            let inserted = models.len() as u64;
            if let Err(err) = flow::Entity::insert_many(models)
                .exec_without_returning(&txn)
                .await
            {
                let err = match duplicate(err) {
                    StoreError::Invalid { .. } => StoreError::invalid(
                        format!("lines {first_line}–{last_line}"),
                        "DUPLICATE_FLOW",
                        "a row repeats the key of a flow already stored (period, direction, region, partner, product, currency, source); nothing was written",
                    ),
                    other => other,
                };
                txn.rollback().await?;
                return Err(err);
            }
            report.inserted += inserted;
            progress(reader.bytes_read());
        }
        if done {
            break;
        }
    }
    report.rows_read = reader.rows_read();
    report.skipped = reader.skipped().to_vec();
    if report.error_count > 0 && !options.skip_invalid {
        txn.rollback().await?;
        report.inserted = 0;
        return Ok(report);
    }
    txn.commit().await?;
    report.committed = true;
    report.label_run_id = super::audit::record_import_findings(
        db,
        super::audit::label_findings(&report.label_mismatches),
    )
    .await?
    .map(|run| run.id);
    progress(reader.bytes_read());
    info!(
        rows = report.rows_read,
        inserted = report.inserted,
        errors = report.error_count,
        "import finished"
    );
    Ok(report)
}

/// Whether any flow of this source is stored.
pub async fn has_flows_from(db: &DatabaseConnection, source_code: &str) -> StoreResult<bool> {
    let Some(src) = source::Entity::find()
        .filter(source::Column::Code.eq(source_code))
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    Ok(flow::Entity::find()
        .filter(flow::Column::SourceId.eq(src.id))
        .one(db)
        .await?
        .is_some())
}

impl tradegraph_ingest::Catalog for Catalog {
    fn region_name(&self, code: &str) -> Option<&str> {
        self.region(code)
            .filter(|r| r.code == code)
            .map(|r| r.name.as_str())
    }

    fn partner_name(&self, iso3: &str) -> Option<&str> {
        self.partner(iso3)
            .filter(|p| p.iso3 == iso3)
            .map(|p| p.name_en.as_str())
    }

    fn product_name(&self, classification: Classification, code: &str) -> Option<&str> {
        self.product(classification, code)
            .map(|p| p.description_en.as_str())
    }

    fn label_matches(&self, kind: tradegraph_ingest::LabelKind, code: &str, label: &str) -> bool {
        use tradegraph_domain::text::fold;
        use tradegraph_ingest::LabelKind;
        let wanted = fold(label);
        match kind {
            LabelKind::Region => self.region(code).is_some_and(|r| {
                std::iter::once(&r.name)
                    .chain(r.aliases.iter())
                    .any(|n| fold(n) == wanted)
            }),
            LabelKind::Partner => self.partner(code).is_some_and(|p| {
                [&p.name_en, &p.name_es]
                    .into_iter()
                    .chain(p.aliases.iter())
                    .any(|n| fold(n) == wanted)
            }),
            LabelKind::Product(_) => true,
        }
    }
}
