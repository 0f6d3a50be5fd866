//! Claims: the figures and statements taken from a report.
//!
//! A claim is self-contained and serialisable (the server stores claims as
//! JSON): the printed value and the interval its precision allows, the unit,
//! the resolved entities, period and direction, and links to the claims it
//! relates to (the parts of a total, the whole of a share, the two ends of a
//! growth rate). The rules read nothing else, so a report entered as
//! structured claims is audited exactly like one extracted from text.

use serde::{Deserialize, Serialize};
use tradegraph_domain::{Currency, Direction, Interval, Period, RegionLevel};

/// What kind of statement a claim is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ClaimKind {
    /// An amount or a level ("exports reached US$28.9 billion").
    Value,
    /// A part's percentage of a whole.
    Share,
    /// A change between two periods, in percent.
    Growth,
    /// An average annual (compound) rate, in percent.
    Cagr,
    /// A whole that its listed parts should add up to.
    Total,
    /// A position in a ranking ("en primer lugar", "followed by").
    Rank,
    /// A mention of a region, partner, product or administrative level.
    Mention,
}

/// A byte range `[start, end)` in the audited text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// The unit a value is stated in.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", tag = "type")]
pub enum Unit {
    /// Percent (shares, growth and compound rates).
    Percent,
    /// An amount of money. `scale` is the multiplier the text printed the
    /// figure in (1e6 for "millones de dólares"); the claim's interval is
    /// already multiplied out. `currency` is `None` for a bare `$` with no
    /// unit line saying which dollar or peso it is.
    Money {
        currency: Option<Currency>,
        scale: f64,
    },
    /// A plain count or index without a currency.
    Count,
}

impl Unit {
    pub fn currency(&self) -> Option<Currency> {
        match self {
            Unit::Money { currency, .. } => *currency,
            _ => None,
        }
    }

    pub fn is_money(&self) -> bool {
        matches!(self, Unit::Money { .. })
    }

    /// How the unit reads in a message: "%", "USD", "MXN", "money".
    pub fn label(&self) -> &'static str {
        match self {
            Unit::Percent => "%",
            Unit::Money {
                currency: Some(c), ..
            } => c.as_str(),
            Unit::Money { currency: None, .. } => "money of unstated currency",
            Unit::Count => "count",
        }
    }
}

/// How a figure was printed and the interval its precision allows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stated {
    /// The figure as printed, e.g. "US$28.9 billion" or "18.9%".
    pub text: String,
    /// The figure in the unit's base (dollars, pesos, percent points).
    pub interval: Interval,
    /// A hedge that widened the interval ("nearly", "more than", "about").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hedge: Option<String>,
}

/// A region, partner or product a claim is about.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EntityRef {
    /// Region INEGI code, partner ISO3 or product key; `None` when the text
    /// did not resolve to exactly one entity.
    pub key: Option<String>,
    /// The text as written.
    pub surface: String,
    /// Where it was written, when it came from the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// The candidates an ambiguous name could mean.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<String>,
    /// True when the entity was not written next to the figure but taken
    /// from the report's scope.
    #[serde(default)]
    pub inferred: bool,
}

impl EntityRef {
    pub fn resolved(key: &str, surface: &str, span: Option<Span>) -> Self {
        Self {
            key: Some(key.to_string()),
            surface: surface.to_string(),
            span,
            ..Self::default()
        }
    }
}

/// The kind of structure grouping claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum GroupKind {
    /// The cells of one table column.
    Table,
    /// An enumeration in prose ("Coahuila at 11.6%, Nuevo León at 9.7%").
    List,
    /// A list presented as a ranking ("led by … followed by", "los principales").
    Ranking,
}

/// Membership of a claim in a table column, list or ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRef {
    pub id: usize,
    pub kind: GroupKind,
    /// The members are meant to cover the whole (a "rest"/"others" item, a
    /// "Total" row, or a complete sector breakdown).
    pub complete: bool,
    /// 1-based position in the table or list, in the order printed.
    pub position: u32,
}

/// Links from a claim to the claims it is computed from or compared with.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Links {
    /// Parts of a total or of a combined share.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<usize>,
    /// The value a share is the part of (amount of the part).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<usize>,
    /// The whole a share is a share of (amount of the whole).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub whole: Option<usize>,
    /// Start value of a growth or compound rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<usize>,
    /// End value of a growth or compound rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<usize>,
    /// For a stated rank: the table group the sentence describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<usize>,
}

/// One figure or statement of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// Index of the claim in its report.
    pub id: usize,
    pub kind: ClaimKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Stated>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Unit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<EntityRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner: Option<EntityRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<EntityRef>,
    /// The item the figure is about, as written (table row label, list item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::period_serde::option"
    )]
    pub period: Option<Period>,
    /// The earlier period a growth or compound rate starts from.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::period_serde::option"
    )]
    pub base_period: Option<Period>,
    /// Years a compound rate spans, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupRef>,
    /// A stated position ("the second"): 1-based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
    #[serde(default)]
    pub links: Links,
    /// For a mention of an administrative level ("en el estado", "national").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<RegionLevel>,
    /// Index of the sentence, heading or table row the claim was read from;
    /// a table's cells carry the sentence that introduces the table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentence: Option<usize>,
    pub excerpt: String,
    pub span: Span,
}

impl Claim {
    /// A bare claim of `kind`; builders fill in the rest.
    pub fn new(id: usize, kind: ClaimKind, excerpt: impl Into<String>, span: Span) -> Self {
        Self {
            id,
            kind,
            value: None,
            unit: None,
            region: None,
            partner: None,
            product: None,
            label: None,
            period: None,
            base_period: None,
            years: None,
            direction: None,
            group: None,
            rank: None,
            links: Links::default(),
            level: None,
            sentence: None,
            excerpt: excerpt.into(),
            span,
        }
    }

    /// The stated interval, when the claim has a value.
    pub fn interval(&self) -> Option<Interval> {
        self.value.as_ref().map(|v| v.interval)
    }

    /// The printed figure, or the excerpt when there is none.
    pub fn printed(&self) -> &str {
        self.value
            .as_ref()
            .map_or(self.excerpt.as_str(), |v| v.text.as_str())
    }

    pub fn is_percent(&self) -> bool {
        matches!(self.unit, Some(Unit::Percent))
    }

    pub fn is_money(&self) -> bool {
        self.unit.is_some_and(|u| u.is_money())
    }

    pub fn region_code(&self) -> Option<&str> {
        self.region.as_ref().and_then(|e| e.key.as_deref())
    }

    pub fn partner_iso3(&self) -> Option<&str> {
        self.partner.as_ref().and_then(|e| e.key.as_deref())
    }

    pub fn product_key(&self) -> Option<&str> {
        self.product.as_ref().and_then(|e| e.key.as_deref())
    }

    /// What the figure is about, for messages: the label, else an entity's
    /// surface text, else the printed figure.
    pub fn subject(&self) -> String {
        if let Some(label) = &self.label {
            return label.clone();
        }
        for e in [&self.product, &self.partner, &self.region]
            .into_iter()
            .flatten()
        {
            if !e.inferred {
                return e.surface.clone();
            }
        }
        self.printed().to_string()
    }
}
