//! The catalogues (regions, partners, products, sources) held in memory.
//!
//! They are small (about 2,500 regions, 250 partners, 7,000 products) and
//! read-mostly, so every request reads them from a shared snapshot instead of
//! the database. The `catalog_version` row in `meta` is bumped by every
//! catalogue write; each server replica polls it in the background and
//! reloads when it changes, so several replicas over one database stay
//! consistent without a statement per request.

use std::sync::{Arc, RwLock};

use entity::{meta, partner, product, region, source};
use sea_orm::{
    ActiveValue::Set, DatabaseConnection, EntityTrait, QueryOrder, sea_query::OnConflict,
};
use tradegraph_domain::{Classification, RegionLevel, text::fold};

use super::{StoreError, StoreResult};

pub const CATALOG_VERSION_KEY: &str = "catalog_version";

#[derive(Debug, Clone)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub level: RegionLevel,
    pub parent_code: Option<String>,
    pub iso_code: Option<String>,
    pub aliases: Vec<String>,
    pub population: Option<i64>,
    folded: String,
}

#[derive(Debug, Clone)]
pub struct Partner {
    pub iso3: String,
    pub iso2: Option<String>,
    pub name_en: String,
    pub name_es: String,
    pub aliases: Vec<String>,
    folded: String,
}

#[derive(Debug, Clone)]
pub struct Product {
    pub classification: Classification,
    pub code: String,
    pub level: i32,
    pub parent_code: Option<String>,
    pub description_en: String,
    pub description_es: Option<String>,
    pub section: Option<String>,
    folded: String,
}

#[derive(Debug, Clone)]
pub struct Source {
    pub id: i32,
    pub code: String,
    pub name: String,
    pub publisher: String,
    pub url: Option<String>,
    pub licence: String,
    pub synthetic: bool,
}

/// Indexes keyed by code, hashed with foldhash: an import looks up a
/// region, a partner and a product for every row it reads, and a query
/// resolves every flow's product and partner here.
type ByCode<T> = foldhash::HashMap<String, T>;

/// A [`ByCode`] index per classification, so that a product is looked up
/// by `&str` with no key to build.
#[derive(Default)]
struct ByProduct<T>(foldhash::HashMap<Classification, ByCode<T>>);

impl<T> ByProduct<T> {
    fn get(&self, classification: Classification, code: &str) -> Option<&T> {
        self.0.get(&classification)?.get(code)
    }

    fn entry(&mut self, classification: Classification, code: String) -> &mut T
    where
        T: Default,
    {
        self.0
            .entry(classification)
            .or_default()
            .entry(code)
            .or_default()
    }
}

/// One consistent snapshot of every catalogue.
#[derive(Default)]
pub struct Catalog {
    pub version: String,
    regions: Vec<Arc<Region>>,
    region_index: ByCode<usize>,
    region_children: ByCode<Vec<usize>>,
    partners: Vec<Arc<Partner>>,
    partner_index: ByCode<usize>,
    products: Vec<Arc<Product>>,
    product_index: ByProduct<usize>,
    product_children: ByProduct<Vec<usize>>,
    sources: Vec<Arc<Source>>,
    /// The audit's name index over this snapshot, built on first use.
    gazetteer: std::sync::OnceLock<Arc<tradegraph_audit::Gazetteer>>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("version", &self.version)
            .field("regions", &self.regions.len())
            .field("partners", &self.partners.len())
            .field("products", &self.products.len())
            .finish()
    }
}

fn aliases(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

fn folded_names<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names
        .into_iter()
        .map(fold)
        .collect::<Vec<_>>()
        .join("\u{1f}")
}

impl Catalog {
    /// Reads every catalogue (four statements).
    pub async fn load(db: &DatabaseConnection) -> StoreResult<Self> {
        let version = meta::Entity::find_by_id(CATALOG_VERSION_KEY.to_owned())
            .one(db)
            .await?
            .map(|m| m.value)
            .unwrap_or_default();
        let regions = region::Entity::find()
            .order_by_asc(region::Column::Code)
            .all(db)
            .await?;
        let partners = partner::Entity::find()
            .order_by_asc(partner::Column::Iso3)
            .all(db)
            .await?;
        let products = product::Entity::find()
            .order_by_asc(product::Column::Classification)
            .order_by_asc(product::Column::Code)
            .all(db)
            .await?;
        let sources = source::Entity::find()
            .order_by_asc(source::Column::Id)
            .all(db)
            .await?;
        Self::build(version, regions, partners, products, sources)
    }

    fn build(
        version: String,
        regions: Vec<region::Model>,
        partners: Vec<partner::Model>,
        products: Vec<product::Model>,
        sources: Vec<source::Model>,
    ) -> StoreResult<Self> {
        let mut catalog = Catalog {
            version,
            ..Default::default()
        };
        for r in regions {
            let level = r
                .level
                .parse()
                .map_err(|e| StoreError::Data(format!("region {}: {e}", r.code)))?;
            let aliases = aliases(&r.aliases);
            let folded = folded_names(
                std::iter::once(r.name.as_str()).chain(aliases.iter().map(String::as_str)),
            );
            let index = catalog.regions.len();
            catalog.region_index.insert(r.code.clone(), index);
            if let Some(iso) = &r.iso_code {
                catalog.region_index.insert(iso.to_ascii_uppercase(), index);
            }
            if let Some(parent) = &r.parent_code {
                catalog
                    .region_children
                    .entry(parent.clone())
                    .or_default()
                    .push(index);
            }
            catalog.regions.push(Arc::new(Region {
                code: r.code,
                name: r.name,
                level,
                parent_code: r.parent_code,
                iso_code: r.iso_code,
                aliases,
                population: r.population,
                folded,
            }));
        }
        for p in partners {
            let aliases = aliases(&p.aliases);
            let folded = folded_names(
                [p.name_en.as_str(), p.name_es.as_str(), p.iso3.as_str()]
                    .into_iter()
                    .chain(aliases.iter().map(String::as_str)),
            );
            catalog
                .partner_index
                .insert(p.iso3.clone(), catalog.partners.len());
            catalog.partners.push(Arc::new(Partner {
                iso3: p.iso3,
                iso2: p.iso2,
                name_en: p.name_en,
                name_es: p.name_es,
                aliases,
                folded,
            }));
        }
        for p in products {
            let classification: Classification = p
                .classification
                .parse()
                .map_err(|e| StoreError::Data(format!("product {}: {e}", p.code)))?;
            let folded = folded_names(
                [p.code.as_str(), p.description_en.as_str()]
                    .into_iter()
                    .chain(p.description_es.as_deref()),
            );
            let index = catalog.products.len();
            *catalog.product_index.entry(classification, p.code.clone()) = index;
            if let Some(parent) = &p.parent_code {
                catalog
                    .product_children
                    .entry(classification, parent.clone())
                    .push(index);
            }
            catalog.products.push(Arc::new(Product {
                classification,
                code: p.code,
                level: p.level,
                parent_code: p.parent_code,
                description_en: p.description_en,
                description_es: p.description_es,
                section: p.section,
                folded,
            }));
        }
        catalog.sources = sources
            .into_iter()
            .map(|s| {
                Arc::new(Source {
                    id: s.id,
                    code: s.code,
                    name: s.name,
                    publisher: s.publisher,
                    url: s.url,
                    licence: s.licence,
                    synthetic: s.synthetic,
                })
            })
            .collect();
        Ok(catalog)
    }

    /// A region by INEGI code or ISO 3166-2 code (`MX-BCN`).
    pub fn region(&self, code: &str) -> Option<&Arc<Region>> {
        let index = self
            .region_index
            .get(code)
            .or_else(|| self.region_index.get(&code.to_ascii_uppercase()))?;
        self.regions.get(*index)
    }

    pub fn regions(&self) -> &[Arc<Region>] {
        &self.regions
    }

    pub fn region_children(&self, code: &str) -> impl Iterator<Item = &Arc<Region>> {
        self.region_children
            .get(code)
            .into_iter()
            .flatten()
            .map(|i| &self.regions[*i])
    }

    /// From the region's parent up to the nation.
    pub fn region_ancestors(&self, code: &str) -> Vec<Arc<Region>> {
        let mut out = Vec::new();
        let mut next = self.region(code).and_then(|r| r.parent_code.clone());
        while let Some(code) = next {
            match self.region(&code) {
                Some(r) => {
                    next = r.parent_code.clone();
                    out.push(r.clone());
                }
                None => break,
            }
        }
        out
    }

    pub fn partner(&self, iso3: &str) -> Option<&Arc<Partner>> {
        let index = self
            .partner_index
            .get(iso3)
            .or_else(|| self.partner_index.get(&iso3.to_ascii_uppercase()))?;
        self.partners.get(*index)
    }

    pub fn partners(&self) -> &[Arc<Partner>] {
        &self.partners
    }

    pub fn product(&self, classification: Classification, code: &str) -> Option<&Arc<Product>> {
        let index = self.product_index.get(classification, code)?;
        self.products.get(*index)
    }

    pub fn products(&self) -> &[Arc<Product>] {
        &self.products
    }

    pub fn product_children(
        &self,
        classification: Classification,
        code: &str,
    ) -> impl Iterator<Item = &Arc<Product>> {
        self.product_children
            .get(classification, code)
            .into_iter()
            .flatten()
            .map(|i| &self.products[*i])
    }

    /// Every code in a product's subtree, itself included.
    pub fn product_subtree(&self, classification: Classification, code: &str) -> Vec<String> {
        let mut out = vec![code.to_owned()];
        let mut i = 0;
        while i < out.len() {
            let children: Vec<String> = self
                .product_children(classification, &out[i])
                .map(|p| p.code.clone())
                .collect();
            out.extend(children);
            i += 1;
        }
        out
    }

    pub fn sources(&self) -> &[Arc<Source>] {
        &self.sources
    }

    pub fn source_by_code(&self, code: &str) -> Option<&Arc<Source>> {
        self.sources.iter().find(|s| s.code == code)
    }

    /// The gazetteer the audit resolves names with, built once per snapshot.
    pub fn gazetteer(&self) -> Arc<tradegraph_audit::Gazetteer> {
        self.gazetteer
            .get_or_init(|| Arc::new(super::gazetteer::build(self)))
            .clone()
    }

    pub fn source_by_id(&self, id: i32) -> Option<&Arc<Source>> {
        self.sources.iter().find(|s| s.id == id)
    }
}

/// How well a folded search string matches a list of folded names
/// (separated by U+001F): 0 an exact name, 1 a name's prefix, 2 anywhere;
/// `None` no match. An empty needle matches everything equally.
pub fn search_rank(folded: &str, needle: &str) -> Option<u8> {
    if needle.is_empty() {
        return Some(0);
    }
    folded
        .split('\u{1f}')
        .filter_map(|name| {
            if name == needle {
                Some(0)
            } else if name.starts_with(needle) {
                Some(1)
            } else if name.contains(needle) {
                Some(2)
            } else {
                None
            }
        })
        .min()
}

impl Region {
    pub fn search_rank(&self, folded_needle: &str) -> Option<u8> {
        if self.code == folded_needle {
            return Some(0);
        }
        search_rank(&self.folded, folded_needle)
    }
}

impl Partner {
    pub fn search_rank(&self, folded_needle: &str) -> Option<u8> {
        search_rank(&self.folded, folded_needle)
    }
}

impl Product {
    pub fn search_rank(&self, folded_needle: &str) -> Option<u8> {
        search_rank(&self.folded, folded_needle)
    }
}

/// The live snapshot shared by every request, swapped whole on reload.
#[derive(Debug, Clone, Default)]
pub struct CatalogHandle(Arc<RwLock<Arc<Catalog>>>);

impl CatalogHandle {
    pub fn new(catalog: Arc<Catalog>) -> Self {
        Self(Arc::new(RwLock::new(catalog)))
    }

    pub fn snapshot(&self) -> Arc<Catalog> {
        match self.0.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn replace(&self, catalog: Catalog) {
        let mut guard = match self.0.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = Arc::new(catalog);
    }

    /// Reloads when the stored version differs from the snapshot's (one
    /// statement when nothing changed).
    pub async fn refresh_if_changed(&self, db: &DatabaseConnection) -> StoreResult<bool> {
        let stored = meta::Entity::find_by_id(CATALOG_VERSION_KEY.to_owned())
            .one(db)
            .await?
            .map(|m| m.value)
            .unwrap_or_default();
        if stored == self.snapshot().version {
            return Ok(false);
        }
        self.replace(Catalog::load(db).await?);
        Ok(true)
    }
}

/// Marks the catalogues changed, so every replica reloads them.
pub async fn bump_version<C: sea_orm::ConnectionTrait>(db: &C) -> StoreResult<()> {
    db.execute_raw(bump_version_statement(db.get_database_backend()))
        .await?;
    Ok(())
}

/// The statement [`bump_version`] runs, for writers on their own connection.
pub fn bump_version_statement(backend: sea_orm::DbBackend) -> sea_orm::Statement {
    use sea_orm::QueryTrait;
    let version = format!(
        "{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    );
    meta::Entity::insert(meta::ActiveModel {
        key: Set(CATALOG_VERSION_KEY.to_owned()),
        value: Set(version),
    })
    .on_conflict(
        OnConflict::column(meta::Column::Key)
            .update_column(meta::Column::Value)
            .to_owned(),
    )
    .build(backend)
}
