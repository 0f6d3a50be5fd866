//! The reference data shipped inside the binary (see `data/SOURCES.md` for
//! sources and licences), loaded into an empty database in one transaction.

use std::collections::HashMap;

use entity::{partner, product, region, source};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    TransactionTrait,
};
use serde::Deserialize;
use tracing::info;
use tradegraph_domain::codes::{ALL_PARTNERS, ALL_PRODUCTS, NATION};

use super::{StoreError, StoreResult, catalog};

pub const STATES_CSV: &str = include_str!("../../data/mx_states.csv");
pub const MUNICIPALITIES_CSV: &str = include_str!("../../data/mx_municipalities.csv");
pub const REGION_ALIASES_CSV: &str = include_str!("../../data/region_aliases.csv");
pub const COUNTRIES_CSV: &str = include_str!("../../data/countries.csv");
pub const PARTNER_ALIASES_CSV: &str = include_str!("../../data/partner_aliases.csv");
pub const HS_CODES_CSV: &str = include_str!("../../data/hs_codes.csv");
pub const HS_LEGACY_CSV: &str = include_str!("../../data/hs_legacy_codes.csv");
pub const SCIAN_CSV: &str = include_str!("../../data/scian_sectors.csv");
pub const DATAMEXICO_SAMPLE_CSV: &str =
    include_str!("../../data/mx_state_trade_datamexico_sample.csv");

/// The flow sources every database starts with.
pub const BUILTIN_SOURCES: &[(&str, &str, &str, &str, &str, bool)] = &[
    (
        "datamexico",
        "Data México — foreign trade by state, HS6 × country",
        "Data México, Secretaría de Economía",
        "https://www.economia.gob.mx/datamexico/",
        "Libre Uso MX (free use with attribution; no endorsement implied)",
        false,
    ),
    (
        "manual",
        "Manual entry",
        "tradegraph users",
        "",
        "as stated by the contributor",
        false,
    ),
    (
        "synthetic",
        "Synthetic flows from `tradegraph generate`",
        "tradegraph",
        "",
        "generated data, not statistics",
        true,
    ),
];

fn rows<T: for<'de> Deserialize<'de>>(name: &str, csv_text: &str) -> StoreResult<Vec<T>> {
    csv::Reader::from_reader(csv_text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|e| StoreError::Data(format!("{name}: {e}")))
}

fn alias_map(name: &str, csv_text: &str) -> StoreResult<HashMap<String, Vec<String>>> {
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for (code, alias) in rows::<(String, String)>(name, csv_text)? {
        map.entry(code).or_default().push(alias);
    }
    Ok(map)
}

/// Keeps the first occurrence of each name, case-insensitively, without `primary`.
fn dedup_aliases(primary: &str, names: impl IntoIterator<Item = String>) -> String {
    let mut seen = vec![primary.to_lowercase()];
    let mut out = Vec::new();
    for n in names {
        let n = n.trim().to_owned();
        if !n.is_empty() && !seen.contains(&n.to_lowercase()) {
            seen.push(n.to_lowercase());
            out.push(n);
        }
    }
    serde_json::to_string(&out).unwrap_or_else(|_| "[]".into())
}

#[derive(Deserialize)]
struct StateRow {
    cve_ent: String,
    name: String,
    name_official: String,
    abbr_inegi: String,
    abbr: String,
    iso_3166_2: String,
    population_2020: Option<i64>,
}

#[derive(Deserialize)]
struct MunicipalityRow {
    cvegeo: String,
    cve_ent: String,
    name: String,
    population_2020: Option<i64>,
}

#[derive(Deserialize)]
struct CountryRow {
    iso2: String,
    iso3: String,
    iso_numeric: String,
    name_en: String,
    name_en_short: String,
    name_es: String,
    name_es_sat: String,
}

#[derive(Deserialize)]
struct HsRow {
    code: String,
    level: i32,
    parent: String,
    section: String,
    description_en: String,
    description_es: String,
    description_es_full: String,
}

#[derive(Deserialize)]
struct HsLegacyRow {
    code: String,
    parent: String,
    description_en: String,
}

#[derive(Deserialize)]
struct ScianRow {
    code: String,
    description_es: String,
    description_en: String,
}

fn region_models() -> StoreResult<Vec<region::ActiveModel>> {
    let extra = alias_map("region_aliases.csv", REGION_ALIASES_CSV)?;
    let extra_for = |code: &str| extra.get(code).cloned().unwrap_or_default();
    let mut out = vec![region::ActiveModel {
        code: Set(NATION.into()),
        name: Set("México".into()),
        level: Set("COUNTRY".into()),
        parent_code: Set(None),
        iso_code: Set(Some("MX".into())),
        aliases: Set(dedup_aliases("México", extra_for(NATION))),
        population: Set(None),
    }];
    let states: Vec<StateRow> = rows("mx_states.csv", STATES_CSV)?;
    let nation_population: i64 = states.iter().filter_map(|s| s.population_2020).sum();
    out[0].population = Set(Some(nation_population));
    for s in states {
        let names = [s.name_official, s.abbr_inegi, s.abbr, s.iso_3166_2.clone()].into_iter();
        out.push(region::ActiveModel {
            aliases: Set(dedup_aliases(&s.name, names.chain(extra_for(&s.cve_ent)))),
            code: Set(s.cve_ent),
            name: Set(s.name),
            level: Set("STATE".into()),
            parent_code: Set(Some(NATION.into())),
            iso_code: Set(Some(s.iso_3166_2)),
            population: Set(s.population_2020),
        });
    }
    for m in rows::<MunicipalityRow>("mx_municipalities.csv", MUNICIPALITIES_CSV)? {
        out.push(region::ActiveModel {
            aliases: Set(dedup_aliases(&m.name, extra_for(&m.cvegeo))),
            code: Set(m.cvegeo),
            name: Set(m.name),
            level: Set("MUNICIPALITY".into()),
            parent_code: Set(Some(m.cve_ent)),
            iso_code: Set(None),
            population: Set(m.population_2020),
        });
    }
    Ok(out)
}

fn partner_models() -> StoreResult<Vec<partner::ActiveModel>> {
    let extra = alias_map("partner_aliases.csv", PARTNER_ALIASES_CSV)?;
    let mut out = vec![partner::ActiveModel {
        iso3: Set(ALL_PARTNERS.into()),
        iso2: Set(None),
        iso_numeric: Set(Some("000".into())),
        name_en: Set("World (all partners)".into()),
        name_es: Set("Mundo (todos los socios)".into()),
        aliases: Set(r#"["World","Mundo","Total"]"#.into()),
    }];
    for c in rows::<CountryRow>("countries.csv", COUNTRIES_CSV)? {
        let names = [c.name_en_short, c.name_es.clone(), c.name_es_sat]
            .into_iter()
            .chain(extra.get(&c.iso3).cloned().unwrap_or_default());
        out.push(partner::ActiveModel {
            aliases: Set(dedup_aliases(&c.name_en, names)),
            iso3: Set(c.iso3),
            iso2: Set(Some(c.iso2)),
            iso_numeric: Set(Some(c.iso_numeric)),
            name_en: Set(c.name_en),
            name_es: Set(c.name_es),
        });
    }
    Ok(out)
}

fn product(
    classification: &str,
    code: &str,
    level: i32,
    parent: Option<&str>,
) -> product::ActiveModel {
    product::ActiveModel {
        classification: Set(classification.into()),
        code: Set(code.into()),
        level: Set(level),
        parent_code: Set(parent.map(Into::into)),
        description_en: Set(String::new()),
        description_es: Set(None),
        section: Set(None),
    }
}

fn product_models() -> StoreResult<Vec<product::ActiveModel>> {
    let mut out = Vec::new();
    for classification in ["HS", "SCIAN"] {
        let mut total = product(classification, ALL_PRODUCTS, 0, None);
        total.description_en = Set("All products".into());
        total.description_es = Set(Some("Todos los productos".into()));
        out.push(total);
    }
    for r in rows::<HsRow>("hs_codes.csv", HS_CODES_CSV)? {
        let parent = (!r.parent.is_empty()).then_some(r.parent.as_str());
        let mut p = product("HS", &r.code, r.level, parent);
        p.description_en = Set(r.description_en);
        // The full Spanish text reads on its own ("Caballos: Los demás").
        let es = if r.description_es_full.is_empty() {
            r.description_es
        } else {
            r.description_es_full
        };
        p.description_es = Set((!es.is_empty()).then_some(es));
        p.section = Set((!r.section.is_empty()).then_some(r.section));
        out.push(p);
    }
    for r in rows::<HsLegacyRow>("hs_legacy_codes.csv", HS_LEGACY_CSV)? {
        let mut p = product("HS", &r.code, 6, Some(&r.parent));
        p.description_en = Set(r.description_en);
        out.push(p);
    }
    for r in rows::<ScianRow>("scian_sectors.csv", SCIAN_CSV)? {
        let mut p = product("SCIAN", &r.code, 2, None);
        p.description_en = Set(r.description_en);
        p.description_es = Set(Some(r.description_es));
        out.push(p);
    }
    Ok(out)
}

fn source_models() -> Vec<source::ActiveModel> {
    BUILTIN_SOURCES
        .iter()
        .map(
            |(code, name, publisher, url, licence, synthetic)| source::ActiveModel {
                code: Set((*code).into()),
                name: Set((*name).into()),
                publisher: Set((*publisher).into()),
                url: Set((!url.is_empty()).then(|| (*url).into())),
                licence: Set((*licence).into()),
                synthetic: Set(*synthetic),
                ..Default::default()
            },
        )
        .collect()
}

/// Inserts in chunks small enough for every backend's parameter limit.
async fn insert_chunked<C, A>(db: &C, models: Vec<A>) -> StoreResult<()>
where
    C: ConnectionTrait,
    A: sea_orm::ActiveModelTrait + Send,
{
    let mut models = models.into_iter().peekable();
    while models.peek().is_some() {
        let chunk: Vec<A> = models.by_ref().take(500).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Whether the catalogues have been loaded.
pub async fn is_seeded(db: &DatabaseConnection) -> StoreResult<bool> {
    Ok(region::Entity::find().count(db).await? > 0)
}

/// Loads the catalogues and the sources into an empty database, all or nothing.
pub async fn seed_catalogues(db: &DatabaseConnection) -> StoreResult<()> {
    let (regions, partners, products) = (region_models()?, partner_models()?, product_models()?);
    let counts = (regions.len(), partners.len(), products.len());
    let txn = db.begin().await?;
    insert_chunked(&txn, regions).await?;
    insert_chunked(&txn, partners).await?;
    insert_chunked(&txn, products).await?;
    insert_chunked(&txn, source_models()).await?;
    catalog::bump_version(&txn).await?;
    txn.commit().await?;
    info!(
        regions = counts.0,
        partners = counts.1,
        products = counts.2,
        "catalogues loaded"
    );
    Ok(())
}
