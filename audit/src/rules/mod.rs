//! The rules: pure functions over claims (and the scope). Each returns its
//! findings; `run` runs every internal-consistency rule.
//!
//! All arithmetic is on intervals (see `tradegraph_domain::Interval`): a
//! finding is raised only when the stated interval and the one computed from
//! the other stated figures cannot meet.

mod data;
mod ranking;
mod rates;
mod regions;
mod shares;
mod totals;
mod units;

use tradegraph_domain::Interval;

pub use data::{FigureKind, FigureRequest, ShareBase, check_claim_data, data_requests};

use crate::claim::Claim;
use crate::finding::Finding;
use crate::gazetteer::Gazetteer;

/// Every rule over a report's own claims, in catalogue order.
pub fn run(claims: &[Claim], scope: Option<&str>, gaz: &Gazetteer) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(shares::share_sum(claims));
    out.extend(shares::share_value(claims));
    out.extend(rates::growth_value(claims));
    out.extend(rates::cagr(claims));
    out.extend(totals::total_sum(claims));
    out.extend(ranking::rank_order(claims));
    out.extend(ranking::rank_text_table(claims));
    if let Some(scope) = scope {
        out.extend(regions::region_label(claims, scope, gaz));
        out.extend(regions::scope_level(claims, scope, gaz));
    }
    out.extend(units::unit_mix(claims));
    out
}

/// The claim with `id` (claims entered by hand may not be numbered by position).
pub(crate) fn claim(claims: &[Claim], id: usize) -> Option<&Claim> {
    claims
        .get(id)
        .filter(|c| c.id == id)
        .or_else(|| claims.iter().find(|c| c.id == id))
}

/// Whether two money claims can be combined: same currency, or both unstated.
pub(crate) fn same_currency(a: &Claim, b: &Claim) -> bool {
    a.is_money()
        && b.is_money()
        && a.unit.and_then(|u| u.currency()) == b.unit.and_then(|u| u.currency())
}

pub(crate) const TOLERANCE: &str = "each stated figure taken as the interval its printed precision allows (hedges such as \"nearly\" widen it), carried through the arithmetic";

/// "18.9%" style for a percent interval: its midpoint with one decimal.
pub(crate) fn pct(i: Interval) -> String {
    if i.lo().is_infinite() || i.hi().is_infinite() {
        return i.to_string();
    }
    format!("{:.1}%", i.midpoint())
}

/// A money amount in words a reader compares with the text.
pub(crate) fn money(v: f64) -> String {
    let a = v.abs();
    let (d, unit) = if a >= 1e12 {
        (1e12, " trillion")
    } else if a >= 1e9 {
        (1e9, " billion")
    } else if a >= 1e6 {
        (1e6, " million")
    } else {
        (1.0, "")
    };
    format!("{:.2}{unit}", v / d)
}
