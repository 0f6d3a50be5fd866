//! The audit service: runs the engine over documents and claims, answers its
//! data requests with SQL aggregates, runs the data rules, and stores
//! reports, claims, audit runs and findings (each save in one transaction).

use std::collections::{BTreeMap, HashMap};

use entity::{audit_run, claim, finding, report};
use futures::FutureExt;
use futures::stream::{self, StreamExt, TryStreamExt};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use tradegraph_audit::{
    Claim, Document, DocumentAudit, FigureKind, FigureRequest, Finding, RuleCode, Severity,
    ShareBase,
};
use tradegraph_domain::{Classification, Period};

use super::aggregates;
use super::catalog::Catalog;
use super::data_rules::{self, DataScope, FlowFinding};
use super::flows::{FlowSpec, ProductScope, RegionScope};
use super::{StoreError, StoreResult};

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// LABEL_CODE findings for the import rows whose names do not match their codes.
pub fn label_findings(mismatches: &[tradegraph_ingest::LabelMismatch]) -> Vec<Finding> {
    mismatches
        .iter()
        .map(|m| {
            let message = format!(
                "Line {}: {} `{}` is labelled “{}”{}.",
                m.line,
                m.column(),
                m.code,
                m.label,
                m.expected
                    .as_ref()
                    .map(|e| format!(", but that code is {e}"))
                    .unwrap_or_default()
            );
            let mut f = Finding::about(RuleCode::LabelCode, Severity::Warning, message, &[]);
            f.excerpt = format!("line {}: {} = {}", m.line, m.column(), m.label);
            match m.kind {
                tradegraph_ingest::LabelKind::Region => f.region_codes.push(m.code.clone()),
                tradegraph_ingest::LabelKind::Partner => f.partner_iso3s.push(m.code.clone()),
                tradegraph_ingest::LabelKind::Product(c) => {
                    f.product_keys.push(format!("{c}:{}", m.code))
                }
            }
            f
        })
        .collect()
}

fn spec_for(
    catalog: &Catalog,
    req: &FigureRequest,
    region: &str,
    partner: Option<&str>,
    product: Option<&str>,
    period: Period,
) -> Option<FlowSpec> {
    let r = catalog.region(region)?;
    let product = match product {
        Some(key) => {
            let (class, code) = key.split_once(':').unwrap_or(("HS", key));
            let class: Classification = class.parse().ok()?;
            let p = catalog.product(class, code)?;
            Some(ProductScope {
                classification: class,
                code: p.code.clone(),
                subtree: catalog.product_subtree(class, &p.code),
            })
        }
        None => None,
    };
    Some(FlowSpec {
        direction: Some(req.direction),
        period: Some(period),
        region: Some(RegionScope {
            code: r.code.clone(),
            level: r.level,
        }),
        partner_iso3: partner.map(str::to_owned),
        product,
        currency: Some(req.currency),
        ..Default::default()
    })
}

/// The stored totals a figure request compares with: its own and, for a
/// share or a growth rate, its base (the whole, or the year before).
struct Specs {
    own: FlowSpec,
    base: Option<FlowSpec>,
}

/// The specs behind `req`; `None` when a code does not resolve, or a
/// growth rate has no year before.
fn specs_of(catalog: &Catalog, req: &FigureRequest) -> Option<Specs> {
    let partner = req.partner_iso3.as_deref();
    let product = req.product_key.as_deref();
    let value_of = |region: &str, partner: Option<&str>, product: Option<&str>, period: Period| {
        spec_for(catalog, req, region, partner, product, period)
    };
    let own = value_of(&req.region_code, partner, product, req.period)?;
    let base = match &req.what {
        FigureKind::Value => None,
        FigureKind::ShareOf(ShareBase::Region(code)) => {
            Some(value_of(code, partner, product, req.period)?)
        }
        FigureKind::ShareOf(ShareBase::AllPartners) => {
            Some(value_of(&req.region_code, None, product, req.period)?)
        }
        FigureKind::ShareOf(ShareBase::AllProducts) => {
            Some(value_of(&req.region_code, partner, None, req.period)?)
        }
        FigureKind::Growth => {
            let previous = req.period.previous_year().ok()?;
            Some(value_of(&req.region_code, partner, product, previous)?)
        }
    };
    Some(Specs { own, base })
}

/// One requested figure from the stored totals (`None`: no data).
fn answer(
    req: &FigureRequest,
    specs: &Specs,
    totals: &HashMap<&FlowSpec, Option<Option<f64>>>,
) -> Option<f64> {
    let total = |spec: &FlowSpec| totals.get(spec).copied().flatten();
    let value = total(&specs.own)?;
    let base = specs.base.as_ref().and_then(total);
    match &req.what {
        FigureKind::Value => value,
        FigureKind::ShareOf(_) => match (value, base) {
            (Some(v), Some(Some(b))) if b > 0.0 => Some(100.0 * v / b),
            _ => None,
        },
        FigureKind::Growth => match (value, base) {
            (Some(v), Some(Some(p))) if p > 0.0 => Some(100.0 * (v / p - 1.0)),
            _ => None,
        },
    }
}

/// Stored totals one document's CLAIM_DATA has in flight at once.
const CONCURRENT_FIGURES: usize = 8;

/// CLAIM_DATA: the claims' figures against the stored flows. A report's
/// claims share their bases (a country's total behind every state's share,
/// a year behind every growth): every distinct total is asked once, and
/// several at a time, so a report waits for its slowest figure rather than
/// for the sum of them.
pub async fn claim_data(
    db: &impl ConnectionTrait,
    catalog: &Catalog,
    claims: &[Claim],
    scope: Option<&str>,
) -> StoreResult<Vec<Finding>> {
    let requests: Vec<(FigureRequest, Option<Specs>)> =
        tradegraph_audit::data_requests(claims, scope)
            .into_iter()
            .map(|req| {
                let specs = specs_of(catalog, &req);
                (req, specs)
            })
            .collect();
    let distinct: std::collections::HashSet<&FlowSpec> = requests
        .iter()
        .filter_map(|(_, specs)| specs.as_ref())
        .flat_map(|s| std::iter::once(&s.own).chain(s.base.as_ref()))
        .collect();
    let distinct: Vec<&FlowSpec> = distinct.into_iter().collect();
    // Boxed: a stream over the borrowing closure's futures would not be Send.
    let pending: Vec<_> = distinct
        .iter()
        .map(|spec| aggregates::covered_total(db, catalog, spec).boxed())
        .collect();
    let figures: Vec<_> = stream::iter(pending)
        .buffered(CONCURRENT_FIGURES)
        .try_collect()
        .await?;
    let totals: HashMap<&FlowSpec, Option<Option<f64>>> =
        distinct.into_iter().zip(figures).collect();
    let answers: Vec<(FigureRequest, Option<f64>)> = requests
        .iter()
        .map(|(req, specs)| {
            let value = specs.as_ref().and_then(|s| answer(req, s, &totals));
            (req.clone(), value)
        })
        .collect();
    Ok(tradegraph_audit::check_claim_data(claims, &answers))
}

/// Extracts a document's claims and runs every report rule and CLAIM_DATA.
pub async fn audit_document(
    db: &impl ConnectionTrait,
    catalog: &Catalog,
    doc: &Document,
) -> StoreResult<DocumentAudit> {
    let gazetteer = catalog.gazetteer();
    let mut audit = tradegraph_audit::audit_document(doc, &gazetteer)
        .map_err(|e| StoreError::invalid("scopeRegionCode", "unknown_region", e.to_string()))?;
    let scope = audit.scope.as_ref().map(|s| s.region_code.clone());
    audit
        .findings
        .extend(claim_data(db, catalog, &audit.claims, scope.as_deref()).await?);
    Ok(audit)
}

/// Runs every rule over claims entered by hand.
pub async fn audit_claims(
    db: &impl ConnectionTrait,
    catalog: &Catalog,
    claims: &[Claim],
    scope: Option<&str>,
) -> StoreResult<Vec<Finding>> {
    let gazetteer = catalog.gazetteer();
    let mut findings = tradegraph_audit::audit_claims(claims.to_vec(), scope, &gazetteer)
        .map_err(|e| StoreError::invalid("scopeRegionCode", "unknown_region", e.to_string()))?;
    findings.extend(claim_data(db, catalog, claims, scope).await?);
    Ok(findings)
}

/// Report metadata as entered.
#[derive(Debug, Clone, Default)]
pub struct ReportMeta {
    pub title: String,
    pub publisher: Option<String>,
    pub published_on: Option<String>,
    pub language: String,
    pub text: String,
    pub scope_region_code: Option<String>,
    pub scope_method: Option<String>,
}

/// The text form serde gives a unit enum variant (`"SHARE"`, `"TITLE"`).
pub fn serde_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn finding_model(
    f: &Finding,
    flow_ids: &[i64],
    run: Option<i64>,
    report: Option<i64>,
) -> finding::ActiveModel {
    finding::ActiveModel {
        audit_run_id: Set(run),
        report_id: Set(report),
        rule: Set(f.rule.as_str().into()),
        severity: Set(f.severity.as_str().into()),
        message: Set(f.message.clone()),
        excerpt: Set(f.excerpt.clone()),
        span_start: Set(f.span.map(|s| s.start as i32)),
        span_end: Set(f.span.map(|s| s.end as i32)),
        expected_lo: Set(f.expected.map(|i| i.lo())),
        expected_hi: Set(f.expected.map(|i| i.hi())),
        stated_lo: Set(f.stated.map(|i| i.lo())),
        stated_hi: Set(f.stated.map(|i| i.hi())),
        tolerance: Set(f.tolerance.clone()),
        claim_ids: Set(json(&f.claim_ids)),
        region_codes: Set(json(&f.region_codes)),
        partner_iso3s: Set(json(&f.partner_iso3s)),
        product_keys: Set(json(&f.product_keys)),
        flow_ids: Set(json(&flow_ids)),
        ..Default::default()
    }
}

async fn insert_findings<C: ConnectionTrait>(
    db: &C,
    findings: &[FlowFinding],
    run: Option<i64>,
    report: Option<i64>,
) -> StoreResult<()> {
    for chunk in findings.chunks(500) {
        let models: Vec<_> = chunk
            .iter()
            .map(|f| finding_model(&f.finding, &f.flow_ids, run, report))
            .collect();
        finding::Entity::insert_many(models)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

async fn insert_run<C: ConnectionTrait>(
    db: &C,
    kind: &str,
    region: Option<String>,
    period: Option<String>,
    report: Option<i64>,
    started: String,
    findings: &[FlowFinding],
) -> StoreResult<audit_run::Model> {
    let errors = findings
        .iter()
        .filter(|f| f.finding.severity == Severity::Error)
        .count();
    Ok(audit_run::ActiveModel {
        kind: Set(kind.into()),
        region_code: Set(region),
        period: Set(period),
        report_id: Set(report),
        started_at: Set(started),
        finished_at: Set(now()),
        finding_count: Set(findings.len() as i32),
        error_count: Set(errors as i32),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

fn plain(findings: Vec<Finding>) -> Vec<FlowFinding> {
    findings
        .into_iter()
        .map(|finding| FlowFinding {
            finding,
            flow_ids: Vec::new(),
        })
        .collect()
}

/// Stores a report with its claims, and an audit run with its findings, all or nothing.
pub async fn save_report(
    db: &DatabaseConnection,
    meta: ReportMeta,
    claims: &[Claim],
    findings: Vec<Finding>,
) -> StoreResult<(report::Model, audit_run::Model)> {
    let started = now();
    let txn = db.begin().await?;
    let report = report::ActiveModel {
        title: Set(meta.title),
        publisher: Set(meta.publisher),
        published_on: Set(meta.published_on),
        language: Set(meta.language),
        text: Set(meta.text),
        scope_region_code: Set(meta.scope_region_code.clone()),
        scope_method: Set(meta.scope_method),
        created_at: Set(started.clone()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for chunk in claims.chunks(500) {
        let models: Vec<_> = chunk
            .iter()
            .map(|c| claim::ActiveModel {
                report_id: Set(report.id),
                ordinal: Set(c.id as i32),
                kind: Set(serde_name(&c.kind)),
                excerpt: Set(c.excerpt.clone()),
                data: Set(json(c)),
                ..Default::default()
            })
            .collect();
        claim::Entity::insert_many(models)
            .exec_without_returning(&txn)
            .await?;
    }
    let findings = plain(findings);
    let run = insert_run(
        &txn,
        "REPORT",
        meta.scope_region_code,
        None,
        Some(report.id),
        started,
        &findings,
    )
    .await?;
    insert_findings(&txn, &findings, Some(run.id), Some(report.id)).await?;
    txn.commit().await?;
    Ok((report, run))
}

pub async fn report(db: &impl ConnectionTrait, id: i64) -> StoreResult<Option<report::Model>> {
    Ok(report::Entity::find_by_id(id).one(db).await?)
}

pub async fn reports(
    db: &impl ConnectionTrait,
    offset: u64,
    limit: u64,
) -> StoreResult<(Vec<report::Model>, u64)> {
    let total = report::Entity::find().count(db).await?;
    let rows = report::Entity::find()
        .order_by_desc(report::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// A stored report's claims, in order.
pub async fn claims_of(db: &impl ConnectionTrait, report_id: i64) -> StoreResult<Vec<Claim>> {
    let rows = claim::Entity::find()
        .filter(claim::Column::ReportId.eq(report_id))
        .order_by_asc(claim::Column::Ordinal)
        .all(db)
        .await?;
    rows.into_iter()
        .map(|r| {
            serde_json::from_str(&r.data)
                .map_err(|e| StoreError::Data(format!("claim {}: {e}", r.id)))
        })
        .collect()
}

/// Runs the data rules over a scope (and, with a report, that report's
/// rules against the current data) and stores the run.
pub async fn run_audit(
    db: &DatabaseConnection,
    catalog: &Catalog,
    scope: DataScope,
    report_id: Option<i64>,
) -> StoreResult<audit_run::Model> {
    let started = now();
    let mut findings = data_rules::hierarchy_sum(db, catalog, &scope).await?;
    findings.extend(data_rules::duplicate_flow(db, &scope).await?);
    if let Some(id) = report_id {
        let report = report::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("report {id}")))?;
        let claims = claims_of(db, id).await?;
        findings.extend(plain(
            audit_claims(db, catalog, &claims, report.scope_region_code.as_deref()).await?,
        ));
    }
    let txn = db.begin().await?;
    let run = insert_run(
        &txn,
        if report_id.is_some() {
            "REPORT"
        } else {
            "DATA"
        },
        scope.region.as_ref().map(|r| r.code.clone()),
        scope.period.map(|p| p.to_string()),
        report_id,
        started,
        &findings,
    )
    .await?;
    insert_findings(&txn, &findings, Some(run.id), report_id).await?;
    txn.commit().await?;
    Ok(run)
}

/// Stores LABEL_CODE findings met during an import as an `IMPORT` run.
pub async fn record_import_findings(
    db: &DatabaseConnection,
    findings: Vec<Finding>,
) -> StoreResult<Option<audit_run::Model>> {
    if findings.is_empty() {
        return Ok(None);
    }
    let started = now();
    let findings = plain(findings);
    let txn = db.begin().await?;
    let run = insert_run(&txn, "IMPORT", None, None, None, started, &findings).await?;
    insert_findings(&txn, &findings, Some(run.id), None).await?;
    txn.commit().await?;
    Ok(Some(run))
}

/// Which stored findings to list.
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    pub rule: Option<RuleCode>,
    pub severity: Option<Severity>,
    pub region_code: Option<String>,
    pub report_id: Option<i64>,
    pub audit_run_id: Option<i64>,
}

impl FindingFilter {
    fn apply<S: QueryFilter>(&self, mut q: S) -> S {
        if let Some(r) = self.rule {
            q = q.filter(finding::Column::Rule.eq(r.as_str()));
        }
        if let Some(s) = self.severity {
            q = q.filter(finding::Column::Severity.eq(s.as_str()));
        }
        if let Some(code) = &self.region_code {
            q = q.filter(Expr::col(finding::Column::RegionCodes).like(format!("%\"{code}\"%")));
        }
        if let Some(id) = self.report_id {
            q = q.filter(finding::Column::ReportId.eq(id));
        }
        if let Some(id) = self.audit_run_id {
            q = q.filter(finding::Column::AuditRunId.eq(id));
        }
        q
    }
}

pub async fn findings(
    db: &impl ConnectionTrait,
    filter: &FindingFilter,
    offset: u64,
    limit: u64,
) -> StoreResult<(Vec<finding::Model>, u64)> {
    let total = filter.apply(finding::Entity::find()).count(db).await?;
    let rows = filter
        .apply(finding::Entity::find())
        .order_by_desc(finding::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

pub async fn audit_runs(
    db: &impl ConnectionTrait,
    offset: u64,
    limit: u64,
) -> StoreResult<(Vec<audit_run::Model>, u64)> {
    let total = audit_run::Entity::find().count(db).await?;
    let rows = audit_run::Entity::find()
        .order_by_desc(audit_run::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

#[derive(Debug, FromQueryResult)]
pub struct RuleCount {
    pub rule: String,
    pub severity: String,
    pub count: i64,
}

/// Findings counted per rule and severity (in SQL).
pub async fn summary(
    db: &impl ConnectionTrait,
    filter: &FindingFilter,
) -> StoreResult<Vec<RuleCount>> {
    let q = filter
        .apply(finding::Entity::find())
        .select_only()
        .column(finding::Column::Rule)
        .column(finding::Column::Severity)
        .column_as(finding::Column::Id.count(), "count")
        .group_by(finding::Column::Rule)
        .group_by(finding::Column::Severity)
        .order_by_asc(finding::Column::Rule)
        .order_by_asc(finding::Column::Severity);
    Ok(q.into_model::<RuleCount>().all(db).await?)
}

/// Findings per rule, for messages and CLI summaries.
pub fn count_by_rule(findings: &[Finding]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for f in findings {
        *out.entry(f.rule.as_str().to_owned()).or_default() += 1;
    }
    out
}
