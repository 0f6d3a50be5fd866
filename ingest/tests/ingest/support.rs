//! A catalogue over the project's real reference data, as the server builds it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use tradegraph_domain::Classification;
use tradegraph_ingest::Catalog;

/// HS 2012/2017 codes of the Data México sample missing from HS 2022.
pub const LEGACY_HS: [&str; 4] = ["842481", "845610", "852851", "940600"];

pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../data")
}

pub struct DataCatalog {
    regions: HashMap<String, String>,
    partners: HashMap<String, String>,
    products: HashMap<(Classification, String), String>,
}

impl Catalog for DataCatalog {
    fn region_name(&self, code: &str) -> Option<&str> {
        self.regions.get(code).map(String::as_str)
    }
    fn partner_name(&self, iso3: &str) -> Option<&str> {
        self.partners.get(iso3).map(String::as_str)
    }
    fn product_name(&self, classification: Classification, code: &str) -> Option<&str> {
        self.products
            .get(&(classification, code.to_string()))
            .map(String::as_str)
    }
}

fn rows(file: &str, columns: &[&str]) -> Vec<Vec<String>> {
    let mut csv = csv::Reader::from_path(data_dir().join(file)).unwrap();
    let header = csv.headers().unwrap().clone();
    let idx: Vec<usize> = columns
        .iter()
        .map(|c| header.iter().position(|h| h == *c).unwrap())
        .collect();
    csv.records()
        .map(|r| {
            let r = r.unwrap();
            idx.iter().map(|&i| r[i].to_string()).collect()
        })
        .collect()
}

fn load(with_legacy: bool) -> DataCatalog {
    let mut regions: HashMap<String, String> = HashMap::from([("00".into(), "México".into())]);
    for r in rows("mx_states.csv", &["cve_ent", "name"]) {
        regions.insert(r[0].clone(), r[1].clone());
    }
    for r in rows("mx_municipalities.csv", &["cvegeo", "name"]) {
        regions.insert(r[0].clone(), r[1].clone());
    }
    let partners = rows("countries.csv", &["iso3", "name_en"])
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let mut products: HashMap<(Classification, String), String> =
        rows("hs_codes.csv", &["code", "description_en"])
            .into_iter()
            .map(|r| ((Classification::Hs, r[0].clone()), r[1].clone()))
            .collect();
    if with_legacy {
        for code in LEGACY_HS {
            products.insert(
                (Classification::Hs, code.into()),
                format!("HS {code} (legacy)"),
            );
        }
    }
    for (code, name) in [
        ("11", "Agricultura"),
        ("21", "Minería"),
        ("31-33", "Industrias manufactureras"),
    ] {
        products.insert((Classification::Scian, code.into()), name.into());
    }
    DataCatalog {
        regions,
        partners,
        products,
    }
}

/// The real catalogue plus the sample's legacy HS codes.
pub fn catalog() -> &'static DataCatalog {
    static CATALOG: OnceLock<DataCatalog> = OnceLock::new();
    CATALOG.get_or_init(|| load(true))
}

/// The real catalogue without the legacy HS codes.
pub fn hs2022_catalog() -> &'static DataCatalog {
    static CATALOG: OnceLock<DataCatalog> = OnceLock::new();
    CATALOG.get_or_init(|| load(false))
}
