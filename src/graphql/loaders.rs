//! Batched loads: every nested list of flows or totals under a list of
//! parents is answered by one statement per distinct argument set, so the
//! statement count follows the query's shape, not the number of rows.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use entity::flow;
use tradegraph_domain::{Classification, Currency, Period, RegionLevel};

use crate::db::Database;
use crate::store::StoreError;
use crate::store::aggregates::{self, GroupBy, Ranked, Totals};
use crate::store::catalog::Catalog;
use crate::store::flows::{self, FlowSpec, PageSpec, Parents};

/// A parent whose flows are listed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ParentKey {
    Region(RegionLevel, String),
    Partner(String),
    /// An HS product, by code (its subtree by prefix).
    HsProduct(String),
}

/// One parent's page of flows under shared arguments.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FlowPageKey {
    pub parent: ParentKey,
    pub spec: Arc<FlowSpec>,
    pub page: Arc<PageSpec>,
}

#[derive(Debug, Default)]
pub struct FlowPage {
    pub rows: Vec<flow::Model>,
    pub has_next: bool,
}

pub type LoadError = Arc<StoreError>;

pub struct FlowPageLoader {
    pub db: Database,
    /// The request's catalogue snapshot.
    pub catalog: Arc<Catalog>,
}

/// Keys sharing one statement: same kind of parent and same arguments.
type GroupKey = (Group, Arc<FlowSpec>, Arc<PageSpec>);

/// Which keys can share one statement.
#[derive(PartialEq, Eq, Hash)]
enum Group {
    Region(RegionLevel),
    Partner,
    Hs(usize),
}

impl ParentKey {
    fn group(&self) -> Group {
        match self {
            ParentKey::Region(level, _) => Group::Region(*level),
            ParentKey::Partner(_) => Group::Partner,
            ParentKey::HsProduct(code) => Group::Hs(code.len()),
        }
    }

    fn code(&self) -> &str {
        match self {
            ParentKey::Region(_, c) | ParentKey::Partner(c) | ParentKey::HsProduct(c) => c,
        }
    }

    /// The key the SQL computes for this parent's rows.
    fn sql_key(&self) -> &str {
        match self {
            ParentKey::Region(RegionLevel::Country, _) => "00",
            other => other.code(),
        }
    }
}

impl Group {
    /// The parents of `codes`; HS products with their subtrees' codes from
    /// the request's catalogue.
    fn parents(&self, codes: Vec<String>, catalog: &Catalog) -> Parents {
        match self {
            Group::Region(level) => Parents::Regions(*level, codes),
            Group::Partner => Parents::Partners(codes),
            Group::Hs(len) => Parents::HsProducts {
                len: *len,
                subtree: codes
                    .iter()
                    .flat_map(|code| catalog.product_subtree(Classification::Hs, code))
                    .collect(),
                codes,
            },
        }
    }
}

impl Loader<FlowPageKey> for FlowPageLoader {
    type Value = Arc<FlowPage>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[FlowPageKey],
    ) -> Result<HashMap<FlowPageKey, Self::Value>, Self::Error> {
        let mut groups: HashMap<GroupKey, Vec<&FlowPageKey>> = HashMap::new();
        for key in keys {
            groups
                .entry((key.parent.group(), key.spec.clone(), key.page.clone()))
                .or_default()
                .push(key);
        }
        let mut out = HashMap::new();
        for ((group, spec, page), members) in groups {
            let codes = members.iter().map(|k| k.parent.code().to_owned()).collect();
            let parents = group.parents(codes, &self.catalog);
            let rows = flows::pages_by_parent(&self.db, &parents, &spec, &page)
                .await
                .map_err(Arc::new)?;
            let mut by_parent: HashMap<String, Vec<flow::Model>> = HashMap::new();
            for (parent, row) in rows {
                by_parent.entry(parent).or_default().push(row);
            }
            for key in members {
                // Parents' keys are distinct within a group: each takes its rows.
                let mut rows = by_parent.remove(key.parent.sql_key()).unwrap_or_default();
                let has_next = rows.len() as u64 > page.first;
                rows.truncate(page.first as usize);
                out.insert(key.clone(), Arc::new(FlowPage { rows, has_next }));
            }
        }
        Ok(out)
    }
}

/// One parent's count of flows under shared filters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FlowCountKey {
    pub parent: ParentKey,
    pub spec: Arc<FlowSpec>,
}

pub struct FlowCountLoader {
    pub db: Database,
    /// The request's catalogue snapshot.
    pub catalog: Arc<Catalog>,
}

impl Loader<FlowCountKey> for FlowCountLoader {
    type Value = u64;
    type Error = LoadError;

    async fn load(&self, keys: &[FlowCountKey]) -> Result<HashMap<FlowCountKey, u64>, Self::Error> {
        let mut groups: HashMap<(Group, Arc<FlowSpec>), Vec<&FlowCountKey>> = HashMap::new();
        for key in keys {
            groups
                .entry((key.parent.group(), key.spec.clone()))
                .or_default()
                .push(key);
        }
        let mut out = HashMap::new();
        for ((group, spec), members) in groups {
            let codes = members.iter().map(|k| k.parent.code().to_owned()).collect();
            let counts =
                flows::counts_by_parent(&self.db, &group.parents(codes, &self.catalog), &spec)
                    .await
                    .map_err(Arc::new)?;
            for key in members {
                out.insert(
                    key.clone(),
                    counts.get(key.parent.sql_key()).copied().unwrap_or(0),
                );
            }
        }
        Ok(out)
    }
}

/// One parent's ranking under shared filters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TopKey {
    pub parent: ParentKey,
    pub spec: Arc<FlowSpec>,
    pub group: GroupBy,
    pub first: u64,
}

pub struct TopLoader {
    pub db: Database,
    /// The request's catalogue snapshot.
    pub catalog: Arc<Catalog>,
}

impl Loader<TopKey> for TopLoader {
    type Value = Arc<Vec<Ranked>>;
    type Error = LoadError;

    async fn load(&self, keys: &[TopKey]) -> Result<HashMap<TopKey, Self::Value>, Self::Error> {
        type Shared = (Group, Arc<FlowSpec>, GroupBy, u64);
        let mut groups: HashMap<Shared, Vec<&TopKey>> = HashMap::new();
        for key in keys {
            groups
                .entry((key.parent.group(), key.spec.clone(), key.group, key.first))
                .or_default()
                .push(key);
        }
        let mut out = HashMap::new();
        for ((group, spec, by, first), members) in groups {
            let codes = members.iter().map(|k| k.parent.code().to_owned()).collect();
            let mut ranked = aggregates::top_by_parent(
                &self.db,
                &group.parents(codes, &self.catalog),
                &spec,
                by,
                first,
            )
            .await
            .map_err(Arc::new)?;
            for key in members {
                let list = ranked.remove(key.parent.sql_key()).unwrap_or_default();
                out.insert(key.clone(), Arc::new(list));
            }
        }
        Ok(out)
    }
}

/// A region's totals over a period, in a currency, optionally one source's.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TotalsKey {
    pub level: RegionLevel,
    pub code: String,
    pub period: Period,
    pub currency: Currency,
    pub source_id: Option<i32>,
}

pub struct TotalsLoader {
    pub db: Database,
}

impl Loader<TotalsKey> for TotalsLoader {
    type Value = Totals;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[TotalsKey],
    ) -> Result<HashMap<TotalsKey, Self::Value>, Self::Error> {
        // One group per level and currency: its periods are read together.
        let mut groups: HashMap<(RegionLevel, Currency, Option<i32>), Vec<&TotalsKey>> =
            HashMap::new();
        for key in keys {
            groups
                .entry((key.level, key.currency, key.source_id))
                .or_default()
                .push(key);
        }
        let mut out = HashMap::new();
        for ((level, currency, source_id), members) in groups {
            let mut codes: Vec<String> = members.iter().map(|k| k.code.clone()).collect();
            codes.sort_unstable();
            codes.dedup();
            let mut periods: Vec<Period> = members.iter().map(|k| k.period).collect();
            periods.sort_unstable_by_key(|p| (p.start().key(), p.end().key()));
            periods.dedup();
            let totals =
                aggregates::region_totals(&self.db, level, codes, &periods, currency, source_id)
                    .await
                    .map_err(Arc::new)?;
            for key in members {
                let code = if level == RegionLevel::Country {
                    "00"
                } else {
                    key.code.as_str()
                };
                let found = totals.get(&(key.period, code.to_owned()));
                out.insert(key.clone(), found.copied().unwrap_or_default());
            }
        }
        Ok(out)
    }
}
