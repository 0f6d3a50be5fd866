//! CLAIM_DATA as a pure two-phase API: `data_requests` says which stored
//! figures would confirm or contradict a report's claims; the server answers
//! each with SQL; `check_claim_data` compares the answers with the claims.

use serde::{Deserialize, Serialize};
use tradegraph_domain::{Currency, Direction, Interval, Period};

use super::{claim, money, pct};
use crate::claim::{Claim, ClaimKind};
use crate::finding::{Finding, RuleCode, Severity};

/// What the share is a share of.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", tag = "type", content = "code")]
pub enum ShareBase {
    /// The same flow of another region (the nation, the state).
    Region(String),
    /// The region's flow with all partners.
    AllPartners,
    /// The region's flow in all products.
    AllProducts,
}

/// Which figure to compute from the flows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", tag = "type", content = "base")]
pub enum FigureKind {
    /// The sum of matching flows, in `currency`.
    Value,
    /// The matching flows as a percentage of the base's.
    ShareOf(ShareBase),
    /// Percentage change against the same months one year earlier.
    Growth,
}

/// One stored figure the server should compute.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FigureRequest {
    pub claim_id: usize,
    pub region_code: String,
    pub direction: Direction,
    #[serde(with = "crate::period_serde")]
    pub period: Period,
    /// `None` for all partners.
    pub partner_iso3: Option<String>,
    /// `None` for all products (e.g. `Some("HS:8542")`).
    pub product_key: Option<String>,
    pub currency: Currency,
    pub what: FigureKind,
}

/// The figures that would check the report's values, shares and growth
/// rates. Only claims whose region, partner, product, period and direction
/// are all resolved are asked about.
pub fn data_requests(claims: &[Claim], scope: Option<&str>) -> Vec<FigureRequest> {
    let mut out = Vec::new();
    for c in claims {
        let (Some(region), Some(direction), Some(period)) =
            (c.region_code(), c.direction, c.period)
        else {
            continue;
        };
        if c.value.as_ref().is_some_and(|v| v.hedge.is_some())
            && c.kind != ClaimKind::Value
            && c.kind != ClaimKind::Total
        {
            continue;
        }
        let unresolved =
            |e: &Option<crate::claim::EntityRef>| e.as_ref().is_some_and(|e| e.key.is_none());
        if unresolved(&c.partner)
            || unresolved(&c.product)
            || (c.label.is_some()
                && c.product.is_none()
                && c.partner.is_none()
                && c.region.as_ref().is_some_and(|r| r.inferred))
        {
            continue;
        }
        let partner_iso3 = c.partner_iso3().map(str::to_string);
        let product_key = c.product_key().map(str::to_string);
        let what = match c.kind {
            ClaimKind::Value | ClaimKind::Total if c.is_money() => FigureKind::Value,
            ClaimKind::Growth
                if c.base_period
                    .is_none_or(|b| Some(b) == period.previous_year().ok()) =>
            {
                FigureKind::Growth
            }
            ClaimKind::Share if c.is_percent() => match share_base(claims, c, scope) {
                Some(base) => FigureKind::ShareOf(base),
                None => continue,
            },
            _ => continue,
        };
        let currency = match what {
            FigureKind::Value => match c.unit.and_then(|u| u.currency()) {
                Some(cur) => cur,
                None => continue,
            },
            _ => c.unit.and_then(|u| u.currency()).unwrap_or(Currency::Usd),
        };
        out.push(FigureRequest {
            claim_id: c.id,
            region_code: region.to_string(),
            direction,
            period,
            partner_iso3,
            product_key,
            currency,
            what,
        });
    }
    out
}

fn share_base(claims: &[Claim], c: &Claim, scope: Option<&str>) -> Option<ShareBase> {
    if c.product_key().is_some() {
        return Some(ShareBase::AllProducts);
    }
    if c.partner_iso3().is_some() {
        return Some(ShareBase::AllPartners);
    }
    let region = c.region_code()?;
    let whole = c
        .links
        .whole
        .and_then(|w| claim(claims, w))
        .and_then(|w| w.region_code())
        .or(scope)?;
    (whole != region).then(|| ShareBase::Region(whole.to_string()))
}

/// Findings for every answered request whose stored figure falls outside
/// the claim's stated interval.
pub fn check_claim_data(
    claims: &[Claim],
    answers: &[(FigureRequest, Option<f64>)],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (req, answer) in answers {
        let (Some(actual), Some(c)) = (answer, claim(claims, req.claim_id)) else {
            continue;
        };
        let Some(stated) = c.interval() else { continue };
        if !actual.is_finite() || stated.contains(*actual) {
            continue;
        }
        let shown = match req.what {
            FigureKind::Value => format!("{} {}", req.currency, money(*actual)),
            _ => pct(Interval::point(*actual)),
        };
        let mut about = vec![req.region_code.clone()];
        about.extend(req.partner_iso3.iter().map(|p| format!("partner {p}")));
        about.extend(req.product_key.iter().cloned());
        let message = format!(
            "The report states {} for {} ({}, {} {}), but the stored flows give {shown}.",
            c.printed(),
            c.subject(),
            about.join(", "),
            req.direction.as_str().to_lowercase(),
            req.period
        );
        out.push(
            Finding::about(RuleCode::ClaimData, Severity::Warning, message, &[c]).with_intervals(
                Interval::point(*actual),
                stated,
                "the stored figure must lie inside the stated figure's interval",
            ),
        );
    }
    out
}
