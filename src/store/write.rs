//! Single-flow writes (the GraphQL mutations), all or nothing: a bad value
//! or a clashing key writes nothing. Bulk CSV imports are in `import.rs`.

use entity::{flow, source};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, SqlErr, TransactionTrait,
};
use tradegraph_domain::{Classification, Currency, Direction, Period};
use tradegraph_ingest::FlowRecord;

use super::catalog::Catalog;
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

pub(super) fn duplicate(err: DbErr) -> StoreError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::invalid(
            "input",
            "DUPLICATE_FLOW",
            "a flow with the same period, direction, region, partner, product, currency and source already exists",
        ),
        _ => StoreError::Db(err),
    }
}

/// Brings the yearly rollup up to date with changed flows, inside the
/// transaction that changed them.
async fn refresh_rollup<C: ConnectionTrait>(db: &C, changed: &[&flow::Model]) -> StoreResult<()> {
    let mut touched = super::rollup::Touched::default();
    for f in changed {
        touched.add(f.period_start, f.period_end, &f.region_code);
    }
    touched.refresh(db).await
}

pub async fn create_flow(
    db: &DatabaseConnection,
    catalog: &Catalog,
    new: &NewFlow,
) -> StoreResult<flow::Model> {
    let source_id = new.check(catalog)?;
    let txn = db.begin().await?;
    let created = new
        .active(source_id)
        .insert(&txn)
        .await
        .map_err(duplicate)?;
    refresh_rollup(&txn, &[&created]).await?;
    txn.commit().await?;
    Ok(created)
}

pub async fn update_flow(
    db: &DatabaseConnection,
    catalog: &Catalog,
    id: i64,
    new: &NewFlow,
) -> StoreResult<flow::Model> {
    let source_id = new.check(catalog)?;
    let txn = db.begin().await?;
    let Some(old) = flow::Entity::find_by_id(id).one(&txn).await? else {
        return Err(StoreError::NotFound(format!("flow {id}")));
    };
    let mut active = new.active(source_id);
    active.id = Set(id);
    let updated = active.update(&txn).await.map_err(duplicate)?;
    refresh_rollup(&txn, &[&old, &updated]).await?;
    txn.commit().await?;
    Ok(updated)
}

pub async fn delete_flow(db: &DatabaseConnection, id: i64) -> StoreResult<bool> {
    let txn = db.begin().await?;
    let Some(old) = flow::Entity::find_by_id(id).one(&txn).await? else {
        return Ok(false);
    };
    flow::Entity::delete_by_id(id).exec(&txn).await?;
    refresh_rollup(&txn, &[&old]).await?;
    txn.commit().await?;
    Ok(true)
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
