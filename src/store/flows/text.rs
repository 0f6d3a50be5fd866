//! [`FlowSpec`]'s conditions written as SQL text (see [`crate::store::sql`]),
//! for the statements written that way: the text twins of
//! [`FlowSpec::condition`] and [`FlowSpec::filters`]. The per-cell pages
//! test holds each filter to the sea-query form's answers.

use tradegraph_domain::{Classification, Direction, RegionLevel};

use super::{FlowSpec, ProductScope, prefix_upper};
use crate::store::sql::SqlText;

/// `spec`'s whole condition, each part preceded by ` AND `: the text twin
/// of [`FlowSpec::condition`].
pub(crate) fn write_condition(sql: &mut SqlText, spec: &FlowSpec) {
    match spec.direction {
        Some(d) => {
            sql.push(" AND direction = ").value(d.as_str());
        }
        None => {
            sql.push(" AND direction IN (")
                .list(Direction::ALL, |sql, d| {
                    sql.value(d.as_str());
                })
                .push(")");
        }
    }
    if let Some(p) = spec.period {
        let end = sql.bind(p.end().key());
        sql.push(" AND period_start >= ")
            .value(p.start().key())
            .push(" AND period_start <= ")
            .param(end)
            .push(" AND period_end <= ")
            .param(end);
    }
    write_filters(sql, spec);
}

/// Every condition of `spec` but the direction and the period, each
/// preceded by ` AND `: the text twin of [`FlowSpec::filters`].
pub(crate) fn write_filters(sql: &mut SqlText, spec: &FlowSpec) {
    if let Some(region) = &spec.region {
        match region.level {
            RegionLevel::Country => {}
            RegionLevel::State => {
                sql.push(" AND region_code >= ")
                    .value(region.code.as_str())
                    .push(" AND region_code < ")
                    .value(prefix_upper(&region.code));
            }
            RegionLevel::Municipality => {
                sql.push(" AND region_code = ").value(region.code.as_str());
            }
        }
    }
    if let Some(p) = &spec.partner_iso3 {
        sql.push(" AND partner_iso3 = ").value(p.as_str());
    }
    if let Some(p) = &spec.product {
        write_product(sql, p);
    }
    if let Some(c) = spec.classification {
        sql.push(" AND classification = ").value(c.as_str());
    }
    if let Some(s) = spec.source_id {
        sql.push(" AND source_id = ").value(s);
    }
    if let Some(c) = spec.currency {
        sql.push(" AND currency = ").value(c.as_str());
    }
    if spec.detail_only {
        sql.push(" AND partner_iso3 <> ")
            .value(tradegraph_domain::codes::ALL_PARTNERS)
            .push(" AND product_code <> ")
            .value(tradegraph_domain::codes::ALL_PRODUCTS);
    }
}

/// The text twin of [`ProductScope::condition`].
fn write_product(sql: &mut SqlText, p: &ProductScope) {
    sql.push(" AND classification = ")
        .value(p.classification.as_str());
    if p.subtree.is_empty()
        && p.classification == Classification::Hs
        && p.code.bytes().all(|b| b.is_ascii_digit())
    {
        sql.push(" AND product_code >= ")
            .value(p.code.as_str())
            .push(" AND product_code < ")
            .value(prefix_upper(&p.code));
    } else if p.subtree.is_empty() {
        sql.push(" AND 1 = 2");
    } else {
        sql.push(" AND product_code IN (")
            .list(&p.subtree, |sql, code| {
                sql.value(code.as_str());
            })
            .push(")");
    }
}
