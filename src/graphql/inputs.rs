//! Enums and input objects, and their conversion into store-level specs
//! checked against the catalogue.

use async_graphql::{Enum, InputObject};
use tradegraph_domain::{Currency, Period};
use validator::Validate;

use super::error::ApiError;
use crate::store::catalog::Catalog;
use crate::store::flows::{self, FlowSpec, ProductScope, RegionScope};

/// Exports leave the region; imports enter it.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "tradegraph_domain::Direction")]
pub enum Direction {
    Export,
    Import,
}

/// A level of the territorial hierarchy.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "tradegraph_domain::RegionLevel")]
pub enum RegionLevel {
    Country,
    State,
    Municipality,
}

/// A product classification.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Default)]
#[graphql(remote = "tradegraph_domain::Classification")]
pub enum Classification {
    /// The Harmonized System: chapters (2 digits), headings (4), subheadings (6).
    #[default]
    #[graphql(name = "HS")]
    Hs,
    /// Mexico's SCIAN industry classification (sectors such as `31-33`).
    #[graphql(name = "SCIAN")]
    Scian,
}

/// How flows are ordered. Every order has a stable tie-break on the flow id.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Default)]
pub enum FlowOrder {
    #[default]
    ValueDesc,
    ValueAsc,
    PeriodDesc,
    PeriodAsc,
}

impl From<FlowOrder> for flows::FlowOrder {
    fn from(o: FlowOrder) -> Self {
        match o {
            FlowOrder::ValueDesc => Self::ValueDesc,
            FlowOrder::ValueAsc => Self::ValueAsc,
            FlowOrder::PeriodDesc => Self::PeriodDesc,
            FlowOrder::PeriodAsc => Self::PeriodAsc,
        }
    }
}

/// Which flows to keep. Every field narrows the result.
#[derive(InputObject, Clone, Debug, Default)]
pub struct FlowFilter {
    pub direction: Option<Direction>,
    /// Keeps flows inside this period: `2024`, `2024-Q3`, `2024-10` or `2024-01/2024-10`.
    pub period: Option<String>,
    /// INEGI code or ISO 3166-2 code; includes the region's whole subtree.
    pub region_code: Option<String>,
    /// ISO 3166-1 alpha-3, or `WLD` for rows covering all partners.
    pub partner_iso3: Option<String>,
    /// A product code; includes its whole subtree (`85` keeps every code under chapter 85).
    pub product_code: Option<String>,
    /// The classification of `productCode` (default HS when a product code is given).
    pub classification: Option<Classification>,
    /// A source code such as `datamexico`.
    pub source: Option<String>,
    /// `USD` or `MXN`.
    pub currency: Option<String>,
}

pub fn parse_period(field: &str, s: &str) -> Result<Period, ApiError> {
    Period::parse(s).map_err(|e| ApiError::bad_input(field, "period", e.to_string()))
}

pub fn parse_currency(field: &str, s: &str) -> Result<Currency, ApiError> {
    s.parse().map_err(|e: tradegraph_domain::ParseCodeError| {
        ApiError::bad_input(field, "currency", e.to_string())
    })
}

pub fn region_scope(catalog: &Catalog, field: &str, code: &str) -> Result<RegionScope, ApiError> {
    let region = catalog.region(code).ok_or_else(|| {
        ApiError::bad_input(
            field,
            "unknown_region",
            format!("`{code}` is not a known region code"),
        )
    })?;
    Ok(RegionScope {
        code: region.code.clone(),
        level: region.level,
    })
}

pub fn product_scope(
    catalog: &Catalog,
    field: &str,
    classification: tradegraph_domain::Classification,
    code: &str,
) -> Result<ProductScope, ApiError> {
    let product = catalog.product(classification, code).ok_or_else(|| {
        ApiError::bad_input(
            field,
            "unknown_product",
            format!("`{code}` is not a known {classification} code"),
        )
    })?;
    Ok(ProductScope {
        classification,
        code: product.code.clone(),
        subtree: catalog.product_subtree(classification, &product.code),
    })
}

impl FlowFilter {
    /// The store-level filter, every code checked against the catalogue.
    pub fn to_spec(&self, catalog: &Catalog) -> Result<FlowSpec, ApiError> {
        let classification = self.classification.map(Into::into);
        let mut spec = FlowSpec {
            direction: self.direction.map(Into::into),
            period: self
                .period
                .as_deref()
                .map(|p| parse_period("filter.period", p))
                .transpose()?,
            classification,
            currency: self
                .currency
                .as_deref()
                .map(|c| parse_currency("filter.currency", c))
                .transpose()?,
            ..Default::default()
        };
        if let Some(code) = &self.region_code {
            spec.region = Some(region_scope(catalog, "filter.regionCode", code)?);
        }
        if let Some(iso3) = &self.partner_iso3 {
            let partner = catalog.partner(iso3).ok_or_else(|| {
                ApiError::bad_input(
                    "filter.partnerIso3",
                    "unknown_partner",
                    format!("`{iso3}` is not a known ISO3 code"),
                )
            })?;
            spec.partner_iso3 = Some(partner.iso3.clone());
        }
        if let Some(code) = &self.product_code {
            let class = classification.unwrap_or(tradegraph_domain::Classification::Hs);
            spec.product = Some(product_scope(catalog, "filter.productCode", class, code)?);
        }
        if let Some(code) = &self.source {
            let source = catalog.source_by_code(code).ok_or_else(|| {
                ApiError::bad_input(
                    "filter.source",
                    "unknown_source",
                    format!("`{code}` is not a known source"),
                )
            })?;
            spec.source_id = Some(source.id);
        }
        Ok(spec)
    }
}

fn valid_period(s: &str) -> Result<(), validator::ValidationError> {
    Period::parse(s).map(|_| ()).map_err(|e| {
        let mut err = validator::ValidationError::new("period");
        err.message = Some(e.to_string().into());
        err
    })
}

/// A flow to record. Codes are checked against the catalogues; nothing is
/// written when any field is invalid.
#[derive(InputObject, Validate, Clone, Debug)]
pub struct CreateFlowInput {
    /// `2024`, `2024-Q3`, `2024-10` or `2024-01/2024-10`.
    #[validate(custom(function = "valid_period"))]
    pub period: String,
    pub direction: Direction,
    /// INEGI code: `00`, `02`, `02002`.
    #[validate(length(min = 2, max = 5, message = "an INEGI code has 2 or 5 digits"))]
    pub region_code: String,
    /// ISO 3166-1 alpha-3, or `WLD` for all partners.
    #[validate(length(equal = 3, message = "an ISO3 code has 3 letters"))]
    pub partner_iso3: String,
    /// A product code of `classification`, or `TOTAL`.
    #[validate(length(min = 2, max = 10, message = "a product code has 2 to 10 characters"))]
    pub product_code: String,
    #[graphql(default)]
    pub classification: Classification,
    #[validate(range(min = 0.0, message = "a trade value cannot be negative"))]
    pub value: f64,
    /// `USD` or `MXN`.
    #[graphql(default = "USD")]
    pub currency: String,
    /// A source code; manual entries by default.
    #[graphql(default = "manual")]
    #[validate(length(min = 1, max = 64))]
    pub source: String,
}

impl CreateFlowInput {
    pub fn to_new_flow(&self) -> Result<crate::store::write::NewFlow, ApiError> {
        // `validate()` names the camelCase field in its errors.
        self.validate().map_err(|e| camel_case_fields(e.into()))?;
        Ok(crate::store::write::NewFlow {
            period: parse_period("period", &self.period)?,
            direction: self.direction.into(),
            region_code: self.region_code.clone(),
            partner_iso3: self.partner_iso3.to_ascii_uppercase(),
            classification: self.classification.into(),
            product_code: self.product_code.clone(),
            value: self.value,
            currency: parse_currency("currency", &self.currency)?,
            source: self.source.clone(),
        })
    }
}

fn camel_case_fields(e: ApiError) -> ApiError {
    match e {
        ApiError::BadInput {
            field,
            rule,
            message,
        } => {
            let camel = async_graphql::Name::new(field.clone());
            let camel = to_camel(camel.as_str());
            ApiError::BadInput {
                message: message.replacen(&field, &camel, 1),
                field: camel,
                rule,
            }
        }
        other => other,
    }
}

fn to_camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut upper = false;
    for c in s.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
