//! The data-quality layer over GraphQL: documents, claims, findings, reports,
//! audit runs and the rule catalogue. The engine and the SQL live elsewhere;
//! these types present them.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::{audit_run, finding, report};
use tradegraph_audit as engine;

use super::error::{ApiError, ApiResult};
use super::inputs::{Direction, RegionLevel};
use super::node::global_id;
use super::partner::Partner;
use super::product::Product;
use super::region::Region;
use super::state;

/// How serious a finding is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "tradegraph_audit::Severity")]
pub enum Severity {
    /// Worth knowing, not necessarily wrong.
    Info,
    /// Probably wrong; a person should look.
    Warning,
    /// Cannot be right as printed.
    Error,
}

/// The rule catalogue's codes (see `rules`).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "tradegraph_audit::RuleCode")]
pub enum RuleCode {
    ShareSum,
    ShareValue,
    GrowthValue,
    Cagr,
    TotalSum,
    RankOrder,
    RankTextTable,
    RegionLabel,
    ScopeLevel,
    UnitMix,
    ClaimData,
    HierarchySum,
    LabelCode,
    DuplicateFlow,
}

/// What kind of statement a claim is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "tradegraph_audit::ClaimKind")]
pub enum ClaimKind {
    Value,
    Share,
    Growth,
    Cagr,
    Total,
    Rank,
    Mention,
}

/// How a report's scope region was found.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "tradegraph_audit::ScopeMethod")]
pub enum ScopeMethod {
    /// Given with the request.
    Given,
    /// Read from the title or first heading.
    Title,
    /// The region the text mentions most.
    Mentions,
}

/// A report to audit as text.
#[derive(InputObject, Clone, Debug)]
pub struct AuditDocumentInput {
    /// Markdown or plain text, Spanish or English; tables by tabs or pipes.
    pub text: String,
    /// The title, when it is not the text's first heading.
    pub title: Option<String>,
    /// The region the report is about (INEGI code); detected when absent.
    pub scope_region_code: Option<String>,
    /// `es` or `en`; detected when absent.
    pub language: Option<String>,
}

impl AuditDocumentInput {
    pub fn to_document(&self) -> Result<engine::Document, ApiError> {
        if self.text.trim().is_empty() {
            return Err(ApiError::bad_input(
                "input.text",
                "required",
                "the text is empty",
            ));
        }
        if let Some(l) = &self.language
            && !matches!(l.as_str(), "es" | "en")
        {
            return Err(ApiError::bad_input(
                "input.language",
                "language",
                format!("`{l}` is not `es` or `en`"),
            ));
        }
        Ok(engine::Document {
            text: self.text.clone(),
            title: self.title.clone(),
            scope_region_code: self.scope_region_code.clone(),
            language: self.language.clone(),
        })
    }
}

/// A closed interval: what a printed figure can mean, or what others imply.
#[derive(SimpleObject, Clone, Copy, Debug)]
pub struct Range {
    pub low: f64,
    pub high: f64,
}

impl From<tradegraph_domain::Interval> for Range {
    fn from(i: tradegraph_domain::Interval) -> Self {
        Self {
            low: i.lo(),
            high: i.hi(),
        }
    }
}

/// The region a report is about, and how it was found.
#[derive(SimpleObject, Clone)]
pub struct ReportScope {
    pub region_code: String,
    pub region: Option<Region>,
    pub method: ScopeMethod,
    /// The words it was read from.
    pub excerpt: Option<String>,
}

fn scope_of(ctx: &Context<'_>, s: &engine::Scope) -> ReportScope {
    ReportScope {
        region_code: s.region_code.clone(),
        region: state(ctx)
            .catalog
            .region(&s.region_code)
            .cloned()
            .map(Region),
        method: s.method.into(),
        excerpt: s.excerpt.clone(),
    }
}

/// One figure or statement taken from a report.
#[derive(Clone)]
pub struct Claim(pub Arc<engine::Claim>);

#[Object]
impl Claim {
    /// The claim's index in its report.
    async fn index(&self) -> u64 {
        self.0.id as u64
    }

    async fn kind(&self) -> ClaimKind {
        self.0.kind.into()
    }

    /// The figure as printed ("US$28.9 billion", "18.9%").
    async fn text(&self) -> Option<&str> {
        self.0.value.as_ref().map(|v| v.text.as_str())
    }

    /// What the printed figure can mean, in the unit's base (dollars, pesos, percent points).
    async fn value(&self) -> Option<Range> {
        self.0.interval().map(Into::into)
    }

    /// `%`, `USD`, `MXN`, …
    async fn unit(&self) -> Option<&'static str> {
        self.0.unit.as_ref().map(|u| u.label())
    }

    async fn region_code(&self) -> Option<&str> {
        self.0.region_code()
    }

    async fn region(&self, ctx: &Context<'_>) -> Option<Region> {
        state(ctx)
            .catalog
            .region(self.0.region_code()?)
            .cloned()
            .map(Region)
    }

    async fn partner(&self, ctx: &Context<'_>) -> Option<Partner> {
        state(ctx)
            .catalog
            .partner(self.0.partner_iso3()?)
            .cloned()
            .map(Partner)
    }

    async fn product(&self, ctx: &Context<'_>) -> Option<Product> {
        product_by_key(ctx, self.0.product_key()?)
    }

    /// The item the figure is about, as written (a table row, a list item).
    async fn label(&self) -> Option<&str> {
        self.0.label.as_deref()
    }

    async fn period(&self) -> Option<String> {
        self.0.period.map(|p| p.to_string())
    }

    async fn direction(&self) -> Option<Direction> {
        self.0.direction.map(Into::into)
    }

    /// A stated position in a ranking (1 = first).
    async fn rank(&self) -> Option<u32> {
        self.0.rank
    }

    /// An administrative level the wording refers to.
    async fn level(&self) -> Option<RegionLevel> {
        self.0.level.map(Into::into)
    }

    /// The sentence or table row it came from.
    async fn excerpt(&self) -> &str {
        &self.0.excerpt
    }

    /// Byte offsets of the excerpt in the text.
    async fn span_start(&self) -> u64 {
        self.0.span.start as u64
    }

    async fn span_end(&self) -> u64 {
        self.0.span.end as u64
    }
}

fn product_by_key(ctx: &Context<'_>, key: &str) -> Option<Product> {
    let (class, code) = key.split_once(':')?;
    state(ctx)
        .catalog
        .product(class.parse().ok()?, code)
        .cloned()
        .map(Product)
}

/// One inconsistency, explained.
#[derive(Clone, Debug)]
pub struct Finding {
    id: Option<i64>,
    report_id: Option<i64>,
    audit_run_id: Option<i64>,
    finding: engine::Finding,
    flow_ids: Vec<i64>,
}

impl From<engine::Finding> for Finding {
    fn from(finding: engine::Finding) -> Self {
        Self {
            id: None,
            report_id: None,
            audit_run_id: None,
            finding,
            flow_ids: Vec::new(),
        }
    }
}

/// A severity as stored (its catalogue text); unknown text reads as INFO.
fn stored_severity(text: &str) -> engine::Severity {
    match text {
        "ERROR" => engine::Severity::Error,
        "WARNING" => engine::Severity::Warning,
        _ => engine::Severity::Info,
    }
}

fn list<T: serde::de::DeserializeOwned>(json: &str) -> Vec<T> {
    serde_json::from_str(json).unwrap_or_default()
}

impl From<finding::Model> for Finding {
    fn from(m: finding::Model) -> Self {
        let interval =
            |lo: Option<f64>, hi: Option<f64>| tradegraph_domain::Interval::new(lo?, hi?).ok();
        let finding = engine::Finding {
            rule: m.rule.parse().unwrap_or(engine::RuleCode::ClaimData),
            severity: stored_severity(&m.severity),
            message: m.message,
            excerpt: m.excerpt,
            span: m
                .span_start
                .zip(m.span_end)
                .map(|(s, e)| engine::Span::new(s as usize, e as usize)),
            expected: interval(m.expected_lo, m.expected_hi),
            stated: interval(m.stated_lo, m.stated_hi),
            tolerance: m.tolerance,
            claim_ids: list(&m.claim_ids),
            region_codes: list(&m.region_codes),
            partner_iso3s: list(&m.partner_iso3s),
            product_keys: list(&m.product_keys),
        };
        Self {
            id: Some(m.id),
            report_id: m.report_id,
            audit_run_id: m.audit_run_id,
            finding,
            flow_ids: list(&m.flow_ids),
        }
    }
}

#[Object]
impl Finding {
    /// Set once the finding is stored.
    async fn id(&self) -> Option<ID> {
        self.id.map(|id| global_id("Finding", &id.to_string()))
    }

    async fn rule(&self) -> RuleCode {
        self.finding.rule.into()
    }

    async fn severity(&self) -> Severity {
        self.finding.severity.into()
    }

    /// What is wrong, with the figures, in words.
    async fn message(&self) -> &str {
        &self.finding.message
    }

    async fn excerpt(&self) -> &str {
        &self.finding.excerpt
    }

    async fn span_start(&self) -> Option<u64> {
        self.finding.span.map(|s| s.start as u64)
    }

    async fn span_end(&self) -> Option<u64> {
        self.finding.span.map(|s| s.end as u64)
    }

    /// What the other figures (or the stored data) imply.
    async fn expected(&self) -> Option<Range> {
        self.finding.expected.map(Into::into)
    }

    /// What the text states, as the interval its printed precision allows.
    async fn stated(&self) -> Option<Range> {
        self.finding.stated.map(Into::into)
    }

    /// How the tolerance was worked out.
    async fn tolerance(&self) -> Option<&str> {
        self.finding.tolerance.as_deref()
    }

    /// Indexes of the claims involved, in their report.
    async fn claim_indexes(&self) -> Vec<u64> {
        self.finding.claim_ids.iter().map(|i| *i as u64).collect()
    }

    async fn regions(&self, ctx: &Context<'_>) -> Vec<Region> {
        let c = &state(ctx).catalog;
        self.finding
            .region_codes
            .iter()
            .filter_map(|code| c.region(code).cloned().map(Region))
            .collect()
    }

    async fn partners(&self, ctx: &Context<'_>) -> Vec<Partner> {
        let c = &state(ctx).catalog;
        self.finding
            .partner_iso3s
            .iter()
            .filter_map(|iso| c.partner(iso).cloned().map(Partner))
            .collect()
    }

    async fn products(&self, ctx: &Context<'_>) -> Vec<Product> {
        self.finding
            .product_keys
            .iter()
            .filter_map(|k| product_by_key(ctx, k))
            .collect()
    }

    /// Global ids of the stored flows involved (data rules).
    async fn flow_ids(&self) -> Vec<ID> {
        self.flow_ids
            .iter()
            .map(|id| global_id("Flow", &id.to_string()))
            .collect()
    }

    async fn report_id(&self) -> Option<ID> {
        self.report_id
            .map(|id| global_id("Report", &id.to_string()))
    }

    async fn audit_run_id(&self) -> Option<ID> {
        self.audit_run_id
            .map(|id| global_id("AuditRun", &id.to_string()))
    }
}

/// What the audit of a document found (nothing is stored).
pub struct DocumentAudit(pub engine::DocumentAudit);

#[Object]
impl DocumentAudit {
    /// The region the report is about; null when it could not be told.
    async fn scope(&self, ctx: &Context<'_>) -> Option<ReportScope> {
        self.0.scope.as_ref().map(|s| scope_of(ctx, s))
    }

    async fn language(&self) -> &str {
        &self.0.language
    }

    async fn claims(&self) -> Vec<Claim> {
        self.0
            .claims
            .iter()
            .cloned()
            .map(|c| Claim(Arc::new(c)))
            .collect()
    }

    async fn findings(&self) -> Vec<Finding> {
        self.0.findings.iter().cloned().map(Finding::from).collect()
    }

    /// True when any finding is an ERROR.
    async fn has_errors(&self) -> bool {
        self.0
            .findings
            .iter()
            .any(|f| f.severity == engine::Severity::Error)
    }
}

/// A stored report with its claims and findings.
pub struct Report(pub report::Model);

#[Object]
impl Report {
    async fn id(&self) -> ID {
        global_id("Report", &self.0.id.to_string())
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    async fn publisher(&self) -> Option<&str> {
        self.0.publisher.as_deref()
    }

    async fn published_on(&self) -> Option<&str> {
        self.0.published_on.as_deref()
    }

    async fn language(&self) -> &str {
        &self.0.language
    }

    async fn text(&self) -> &str {
        &self.0.text
    }

    async fn scope_region(&self, ctx: &Context<'_>) -> Option<Region> {
        state(ctx)
            .catalog
            .region(self.0.scope_region_code.as_deref()?)
            .cloned()
            .map(Region)
    }

    async fn scope_method(&self) -> Option<&str> {
        self.0.scope_method.as_deref()
    }

    async fn created_at(&self) -> &str {
        &self.0.created_at
    }

    async fn claims(&self, ctx: &Context<'_>) -> ApiResult<Vec<Claim>> {
        let claims = crate::store::audit::claims_of(&state(ctx).db, self.0.id)
            .await
            .map_err(ApiError::from)?;
        Ok(claims.into_iter().map(|c| Claim(Arc::new(c))).collect())
    }

    /// The findings of every audit of this report, newest first.
    async fn findings(&self, ctx: &Context<'_>) -> ApiResult<Vec<Finding>> {
        let filter = crate::store::audit::FindingFilter {
            report_id: Some(self.0.id),
            ..Default::default()
        };
        let (rows, _) = crate::store::audit::findings(&state(ctx).db, &filter, 0, 10_000)
            .await
            .map_err(ApiError::from)?;
        Ok(rows.into_iter().map(Finding::from).collect())
    }
}

/// One execution of the rules over a scope.
pub struct AuditRun(pub audit_run::Model);

#[Object]
impl AuditRun {
    async fn id(&self) -> ID {
        global_id("AuditRun", &self.0.id.to_string())
    }

    /// `DATA`, `REPORT` or `IMPORT`.
    async fn kind(&self) -> &str {
        &self.0.kind
    }

    async fn region_code(&self) -> Option<&str> {
        self.0.region_code.as_deref()
    }

    async fn period(&self) -> Option<&str> {
        self.0.period.as_deref()
    }

    async fn report_id(&self) -> Option<ID> {
        self.0
            .report_id
            .map(|id| global_id("Report", &id.to_string()))
    }

    async fn started_at(&self) -> &str {
        &self.0.started_at
    }

    async fn finished_at(&self) -> &str {
        &self.0.finished_at
    }

    async fn finding_count(&self) -> i32 {
        self.0.finding_count
    }

    async fn error_count(&self) -> i32 {
        self.0.error_count
    }

    /// Findings of this run counted per rule and severity.
    async fn counts(&self, ctx: &Context<'_>) -> ApiResult<Vec<RuleCount>> {
        let filter = crate::store::audit::FindingFilter {
            audit_run_id: Some(self.0.id),
            ..Default::default()
        };
        summary(ctx, &filter).await
    }
}

/// A count of findings of one rule and severity.
#[derive(SimpleObject)]
pub struct RuleCount {
    pub rule: RuleCode,
    pub severity: Severity,
    pub count: i64,
}

pub async fn summary(
    ctx: &Context<'_>,
    filter: &crate::store::audit::FindingFilter,
) -> ApiResult<Vec<RuleCount>> {
    let rows = crate::store::audit::summary(&state(ctx).db, filter)
        .await
        .map_err(ApiError::from)?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let rule: engine::RuleCode = r.rule.parse().ok()?;
            let severity = stored_severity(&r.severity);
            Some(RuleCount {
                rule: rule.into(),
                severity: severity.into(),
                count: r.count,
            })
        })
        .collect())
}

/// A rule of the catalogue.
#[derive(SimpleObject)]
pub struct Rule {
    pub code: RuleCode,
    pub description: String,
    pub default_severity: Severity,
    /// How the rule tolerates rounding.
    pub tolerance: String,
    /// True for rules over the stored data (run by `runAudit`), false for rules over a report.
    pub data_rule: bool,
}

pub fn rules() -> Vec<Rule> {
    engine::rules()
        .iter()
        .map(|r| Rule {
            code: r.code.into(),
            description: r.description.into(),
            default_severity: r.default_severity.into(),
            tolerance: r.tolerance.into(),
            data_rule: r.data_rule,
        })
        .collect()
}

/// Which stored findings to list.
#[derive(InputObject, Default)]
pub struct FindingFilter {
    pub rule: Option<RuleCode>,
    pub severity: Option<Severity>,
    /// Findings that involve this region (INEGI code).
    pub region_code: Option<String>,
    pub report_id: Option<ID>,
    pub audit_run_id: Option<ID>,
}

pub fn numeric_id(field: &str, kind: &str, id: &ID) -> Result<i64, ApiError> {
    let (k, key) = super::node::parse_global_id(id)?;
    match (k == kind, key.parse()) {
        (true, Ok(n)) => Ok(n),
        _ => Err(ApiError::bad_input(
            field,
            "global_id",
            format!("`{}` is not a {kind} id", id.as_str()),
        )),
    }
}

impl FindingFilter {
    pub fn to_store(&self) -> Result<crate::store::audit::FindingFilter, ApiError> {
        Ok(crate::store::audit::FindingFilter {
            rule: self.rule.map(Into::into),
            severity: self.severity.map(Into::into),
            region_code: self.region_code.clone(),
            report_id: self
                .report_id
                .as_ref()
                .map(|id| numeric_id("filter.reportId", "Report", id))
                .transpose()?,
            audit_run_id: self
                .audit_run_id
                .as_ref()
                .map(|id| numeric_id("filter.auditRunId", "AuditRun", id))
                .transpose()?,
        })
    }
}

/// What `runAudit` covers; every field narrows it.
#[derive(InputObject, Default)]
pub struct AuditScopeInput {
    /// A region and its subtree.
    pub region_code: Option<String>,
    /// `2024`, `2024-Q3`, `2024-10` or `2024-01/2024-10`.
    pub period: Option<String>,
    /// Also re-check this stored report against the current data.
    pub report_id: Option<ID>,
}
