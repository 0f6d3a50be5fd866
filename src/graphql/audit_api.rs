//! Audit queries and mutations, merged into the schema's roots.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use tradegraph_audit as engine;
use tradegraph_domain::Interval;

use super::audit::{
    AuditDocumentInput, AuditRun, AuditScopeInput, Claim, ClaimKind, DocumentAudit, Finding,
    FindingFilter, Report, Rule, RuleCount, numeric_id, rules, summary,
};
use super::connection::{after_offset, page_size};
use super::error::{ApiError, ApiResult};
use super::inputs::{Direction, parse_period, region_scope};
use super::mutation::require_admin;
use super::state;
use crate::store::audit::{self as service, ReportMeta};
use crate::store::data_rules::DataScope;

#[derive(Default)]
pub struct AuditQuery;

#[derive(Default)]
pub struct AuditMutation;

crate::offset_connection!(
    FindingConnection,
    FindingEdge,
    Finding,
    "A page of stored findings, newest first."
);
crate::offset_connection!(
    AuditRunConnection,
    AuditRunEdge,
    AuditRun,
    "A page of audit runs, newest first."
);
crate::offset_connection!(
    ReportConnection,
    ReportEdge,
    Report,
    "A page of stored reports, newest first."
);

fn page(first: Option<i32>, after: Option<&str>) -> Result<(usize, u64), ApiError> {
    Ok((after_offset(after)?, page_size(first)?))
}

#[Object]
impl AuditQuery {
    /// Audits a report pasted as text: its scope, the claims extracted, and
    /// every inconsistency found (among its own figures and against the
    /// stored flows). Nothing is stored; see `saveReport`.
    async fn audit_document(
        &self,
        ctx: &Context<'_>,
        input: AuditDocumentInput,
    ) -> ApiResult<DocumentAudit> {
        let doc = input.to_document()?;
        let s = state(ctx);
        let audit = service::audit_document(&s.db, &s.catalog, &doc)
            .await
            .map_err(ApiError::from)?;
        Ok(DocumentAudit(audit))
    }

    /// Stored findings, newest first.
    async fn findings(
        &self,
        ctx: &Context<'_>,
        filter: Option<FindingFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<FindingConnection> {
        let filter = filter.unwrap_or_default().to_store()?;
        let (offset, limit) = page(first, after.as_deref())?;
        let (rows, total) = service::findings(&state(ctx).db, &filter, offset as u64, limit)
            .await
            .map_err(ApiError::from)?;
        Ok(FindingConnection::new(
            rows.into_iter().map(Finding::from).collect(),
            offset,
            total,
        ))
    }

    /// Audit runs, newest first.
    async fn audit_runs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<AuditRunConnection> {
        let (offset, limit) = page(first, after.as_deref())?;
        let (rows, total) = service::audit_runs(&state(ctx).db, offset as u64, limit)
            .await
            .map_err(ApiError::from)?;
        Ok(AuditRunConnection::new(
            rows.into_iter().map(AuditRun).collect(),
            offset,
            total,
        ))
    }

    /// Stored findings counted per rule and severity.
    async fn audit_summary(
        &self,
        ctx: &Context<'_>,
        filter: Option<FindingFilter>,
    ) -> ApiResult<Vec<RuleCount>> {
        summary(ctx, &filter.unwrap_or_default().to_store()?).await
    }

    /// The rule catalogue: code, description, default severity, tolerance.
    async fn rules(&self) -> Vec<Rule> {
        rules()
    }

    /// A stored report by id.
    async fn report(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Report>> {
        let id = numeric_id("id", "Report", &id)?;
        Ok(service::report(&state(ctx).db, id)
            .await
            .map_err(ApiError::from)?
            .map(Report))
    }

    /// Stored reports, newest first.
    async fn reports(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<ReportConnection> {
        let (offset, limit) = page(first, after.as_deref())?;
        let (rows, total) = service::reports(&state(ctx).db, offset as u64, limit)
            .await
            .map_err(ApiError::from)?;
        Ok(ReportConnection::new(
            rows.into_iter().map(Report).collect(),
            offset,
            total,
        ))
    }
}

/// A report entered as structured claims (for a frontend form).
#[derive(InputObject)]
pub struct CreateReportInput {
    pub title: String,
    pub publisher: Option<String>,
    /// Publication date, `YYYY-MM-DD`.
    pub published_on: Option<String>,
    #[graphql(default = "es")]
    pub language: String,
    /// The region the report is about (INEGI code).
    pub scope_region_code: Option<String>,
    /// The report's text, if any, kept with it.
    #[graphql(default)]
    pub text: String,
    pub claims: Vec<ClaimInput>,
}

/// The unit of a claimed figure.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ClaimUnit {
    Percent,
    Money,
    Count,
}

/// One figure or statement of a report. Links refer to other claims by
/// their index in `claims` (0-based).
#[derive(InputObject)]
pub struct ClaimInput {
    pub kind: ClaimKind,
    /// The figure as printed, e.g. `18.9` or `28.9`: its printed precision sets the tolerance.
    pub value: Option<String>,
    pub unit: Option<ClaimUnit>,
    /// `USD` or `MXN`, for money.
    pub currency: Option<String>,
    /// What the printed figure is multiplied by (1e6 for "millions").
    #[graphql(default = 1.0)]
    pub scale: f64,
    pub region_code: Option<String>,
    pub partner_iso3: Option<String>,
    /// An HS code.
    pub product_code: Option<String>,
    /// The item as written (a table row label).
    pub label: Option<String>,
    pub period: Option<String>,
    /// The earlier period of a growth or compound rate.
    pub base_period: Option<String>,
    /// Years a compound rate spans.
    pub years: Option<f64>,
    pub direction: Option<Direction>,
    /// Claims sharing a group number form one table, list or ranking.
    pub group: Option<i32>,
    #[graphql(default)]
    pub group_is_ranking: bool,
    /// The group covers the whole (it has a rest/others item or a total).
    #[graphql(default)]
    pub group_complete: bool,
    /// A stated rank (1 = first).
    pub rank: Option<u32>,
    #[graphql(default)]
    pub parts: Vec<i32>,
    pub part: Option<i32>,
    pub whole: Option<i32>,
    pub from: Option<i32>,
    pub to: Option<i32>,
    /// The sentence it came from.
    #[graphql(default)]
    pub excerpt: String,
}

fn to_claims(
    catalog: &crate::store::catalog::Catalog,
    inputs: &[ClaimInput],
) -> Result<Vec<engine::Claim>, ApiError> {
    let count = inputs.len();
    let mut group_positions = std::collections::HashMap::<i32, u32>::new();
    inputs
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let field = |name: &str| format!("input.claims[{i}].{name}");
            let link = |name: &str, v: Option<i32>| -> Result<Option<usize>, ApiError> {
                match v {
                    Some(n) if n < 0 || n as usize >= count || n as usize == i => {
                        Err(ApiError::bad_input(
                            field(name),
                            "claim_index",
                            format!(
                                "{n} is not the index of another claim (0–{})",
                                count.saturating_sub(1)
                            ),
                        ))
                    }
                    other => Ok(other.map(|n| n as usize)),
                }
            };
            let mut claim =
                engine::Claim::new(i, c.kind.into(), c.excerpt.clone(), engine::Span::default());
            if let Some(text) = &c.value {
                let base = Interval::from_printed(text)
                    .map_err(|e| ApiError::bad_input(field("value"), "number", e.to_string()))?;
                let interval = base * Interval::point(c.scale);
                claim.value = Some(engine::Stated {
                    text: text.clone(),
                    interval,
                    hedge: None,
                });
            }
            claim.unit = match c.unit {
                Some(ClaimUnit::Percent) => Some(engine::Unit::Percent),
                Some(ClaimUnit::Count) => Some(engine::Unit::Count),
                Some(ClaimUnit::Money) => Some(engine::Unit::Money {
                    currency: c
                        .currency
                        .as_deref()
                        .map(|s| super::inputs::parse_currency(&field("currency"), s))
                        .transpose()?,
                    scale: c.scale,
                }),
                None => None,
            };
            if let Some(code) = &c.region_code {
                let r = region_scope(catalog, &field("regionCode"), code)?;
                claim.region = Some(engine::EntityRef::resolved(&r.code, code, None));
            }
            if let Some(iso) = &c.partner_iso3 {
                let p = catalog.partner(iso).ok_or_else(|| {
                    ApiError::bad_input(
                        field("partnerIso3"),
                        "unknown_partner",
                        format!("`{iso}` is not a known ISO3 code"),
                    )
                })?;
                claim.partner = Some(engine::EntityRef::resolved(&p.iso3, iso, None));
            }
            if let Some(code) = &c.product_code {
                let p = catalog
                    .product(tradegraph_domain::Classification::Hs, code)
                    .ok_or_else(|| {
                        ApiError::bad_input(
                            field("productCode"),
                            "unknown_product",
                            format!("`{code}` is not a known HS code"),
                        )
                    })?;
                claim.product = Some(engine::EntityRef::resolved(
                    &format!("HS:{}", p.code),
                    code,
                    None,
                ));
            }
            claim.label = c.label.clone();
            claim.period = c
                .period
                .as_deref()
                .map(|p| parse_period(&field("period"), p))
                .transpose()?;
            claim.base_period = c
                .base_period
                .as_deref()
                .map(|p| parse_period(&field("basePeriod"), p))
                .transpose()?;
            claim.years = c.years;
            claim.direction = c.direction.map(Into::into);
            claim.rank = c.rank;
            if let Some(g) = c.group {
                let position = group_positions.entry(g).or_default();
                *position += 1;
                claim.group = Some(engine::GroupRef {
                    id: g.max(0) as usize,
                    kind: if c.group_is_ranking {
                        engine::GroupKind::Ranking
                    } else {
                        engine::GroupKind::List
                    },
                    complete: c.group_complete,
                    position: *position,
                });
            }
            claim.links = engine::Links {
                parts: c
                    .parts
                    .iter()
                    .map(|p| link("parts", Some(*p)).map(|o| o.unwrap_or_default()))
                    .collect::<Result<_, _>>()?,
                part: link("part", c.part)?,
                whole: link("whole", c.whole)?,
                from: link("from", c.from)?,
                to: link("to", c.to)?,
                table: None,
            };
            Ok(claim)
        })
        .collect()
}

/// A stored report and what its audit found.
#[derive(SimpleObject)]
pub struct ReportAudit {
    pub report: Report,
    pub audit_run: AuditRun,
    pub findings: Vec<Finding>,
    pub claims: Vec<Claim>,
}

#[Object]
impl AuditMutation {
    /// Audits a report pasted as text and stores it with its claims and findings.
    async fn save_report(
        &self,
        ctx: &Context<'_>,
        input: AuditDocumentInput,
    ) -> ApiResult<ReportAudit> {
        require_admin(ctx)?;
        let doc = input.to_document()?;
        let s = state(ctx);
        let audit = service::audit_document(&s.db, &s.catalog, &doc)
            .await
            .map_err(ApiError::from)?;
        let title = doc
            .title
            .clone()
            .or_else(|| {
                doc.text
                    .lines()
                    .map(|l| l.trim_start_matches('#').trim())
                    .find(|l| !l.is_empty())
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| "Untitled report".into());
        let meta = ReportMeta {
            title,
            language: audit.language.clone(),
            text: doc.text.clone(),
            scope_region_code: audit.scope.as_ref().map(|s| s.region_code.clone()),
            scope_method: audit.scope.as_ref().map(|s| service::serde_name(&s.method)),
            ..Default::default()
        };
        let (report, run) =
            service::save_report(&s.db.conn, meta, &audit.claims, audit.findings.clone())
                .await
                .map_err(ApiError::from)?;
        Ok(ReportAudit {
            report: Report(report),
            audit_run: AuditRun(run),
            findings: audit.findings.into_iter().map(Finding::from).collect(),
            claims: audit
                .claims
                .into_iter()
                .map(|c| Claim(Arc::new(c)))
                .collect(),
        })
    }

    /// Stores a report entered as structured claims and answers with its findings.
    async fn create_report(
        &self,
        ctx: &Context<'_>,
        input: CreateReportInput,
    ) -> ApiResult<ReportAudit> {
        require_admin(ctx)?;
        if input.title.trim().is_empty() {
            return Err(
                ApiError::bad_input("input.title", "required", "the title is empty").into(),
            );
        }
        let s = state(ctx);
        let scope = input
            .scope_region_code
            .as_deref()
            .map(|c| region_scope(&s.catalog, "input.scopeRegionCode", c))
            .transpose()?;
        let claims = to_claims(&s.catalog, &input.claims)?;
        let scope_code = scope.as_ref().map(|r| r.code.clone());
        let findings = service::audit_claims(&s.db, &s.catalog, &claims, scope_code.as_deref())
            .await
            .map_err(ApiError::from)?;
        let meta = ReportMeta {
            title: input.title,
            publisher: input.publisher,
            published_on: input.published_on,
            language: input.language,
            text: input.text,
            scope_method: scope_code.as_ref().map(|_| "GIVEN".to_owned()),
            scope_region_code: scope_code,
        };
        let (report, run) = service::save_report(&s.db.conn, meta, &claims, findings.clone())
            .await
            .map_err(ApiError::from)?;
        Ok(ReportAudit {
            report: Report(report),
            audit_run: AuditRun(run),
            findings: findings.into_iter().map(Finding::from).collect(),
            claims: claims.into_iter().map(|c| Claim(Arc::new(c))).collect(),
        })
    }

    /// Runs the data rules (HIERARCHY_SUM, DUPLICATE_FLOW; CLAIM_DATA for a
    /// report) over a scope and stores the run with its findings.
    async fn run_audit(
        &self,
        ctx: &Context<'_>,
        scope: Option<AuditScopeInput>,
    ) -> ApiResult<AuditRun> {
        require_admin(ctx)?;
        let s = state(ctx);
        let scope = scope.unwrap_or_default();
        let data_scope = DataScope {
            region: scope
                .region_code
                .as_deref()
                .map(|c| region_scope(&s.catalog, "scope.regionCode", c))
                .transpose()?,
            period: scope
                .period
                .as_deref()
                .map(|p| parse_period("scope.period", p))
                .transpose()?,
        };
        let report = scope
            .report_id
            .as_ref()
            .map(|id| numeric_id("scope.reportId", "Report", id))
            .transpose()?;
        let run = service::run_audit(&s.db.conn, &s.catalog, data_scope, report)
            .await
            .map_err(ApiError::from)?;
        Ok(AuditRun(run))
    }
}
