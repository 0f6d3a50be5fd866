//! The codes the synthetic generator draws from, ranked: earlier entries
//! carry more trade.

use std::collections::HashSet;
use std::io;
use std::path::Path;

use crate::rng::hash_str;

/// Municipalities that concentrate Mexico's manufacturing trade (border
/// maquiladora cities, the Monterrey, Bajío and Guadalajara clusters, the
/// oil municipalities), by INEGI code. Codes absent from the catalogue are
/// ignored.
const TRADE_HUBS: [&str; 36] = [
    "02004", "08037", "19039", "02002", "28032", "05030", "19006", "19046", "28022", "28027",
    "26043", "14120", "11020", "19048", "22014", "05027", "01001", "21114", "19026", "14039",
    "11017", "11007", "26030", "05035", "05025", "11037", "22011", "19021", "15106", "08019",
    "24028", "05002", "26055", "14098", "04003", "27004",
];

/// Mexico's main trading partners, largest first.
const MAIN_PARTNERS: [&str; 20] = [
    "USA", "CAN", "CHN", "DEU", "JPN", "KOR", "TWN", "ESP", "BRA", "IND", "NLD", "MYS", "VNM",
    "ITA", "FRA", "GBR", "COL", "CHL", "THA", "GTM",
];

/// HS 2022 subheadings among Mexico's largest trade flows: vehicles and
/// their parts, computers, phones, televisions, wiring, medical devices,
/// crude and refined oil, processors.
const MAIN_PRODUCTS: [&str; 24] = [
    "870323", "847130", "870899", "851713", "270900", "852872", "854430", "870421", "901890",
    "847150", "870840", "840734", "271019", "852990", "870332", "854231", "940190", "841510",
    "854442", "848180", "850440", "870324", "901839", "847170",
];

/// The codes the generator draws from. Each list is in rank order: the
/// generator gives the first entries the largest share of rows and value,
/// with weights falling off as a power law down the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratorCatalog {
    /// INEGI 5-digit municipality codes (`02004`).
    pub municipalities: Vec<String>,
    /// ISO 3166-1 alpha-3 partner codes (`USA`), Mexico excluded.
    pub partners: Vec<String>,
    /// HS 6-digit product codes (`854231`).
    pub products: Vec<String>,
}

impl GeneratorCatalog {
    /// Reads `mx_municipalities.csv`, `countries.csv` and `hs_codes.csv`
    /// (level 6) from `dir`, the project's `data/` folder.
    ///
    /// Ranks: known trade hubs first, then the other municipalities by
    /// population; main partners first, then the others in a fixed
    /// pseudo-random order; main products likewise. Mexico itself and HS
    /// `999999` (commodities not specified) are left out.
    pub fn from_data_dir(dir: &Path) -> io::Result<Self> {
        let open = |name: &str| {
            let path = dir.join(name);
            std::fs::File::open(&path)
                .map(io::BufReader::new)
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
        };
        Self::from_readers(
            open("mx_municipalities.csv")?,
            open("countries.csv")?,
            open("hs_codes.csv")?,
        )
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", dir.display())))
    }

    /// [`Self::from_data_dir`] over already-open CSV inputs (e.g. data
    /// embedded in a binary).
    pub fn from_readers(
        municipalities: impl io::Read,
        countries: impl io::Read,
        hs_codes: impl io::Read,
    ) -> io::Result<Self> {
        let mut municipalities: Vec<(String, u64)> = read_columns(
            "mx_municipalities.csv",
            municipalities,
            &["cvegeo", "population_2020"],
        )?
        .into_iter()
        .map(|mut row| {
            let population = row[1].parse().unwrap_or(0);
            (std::mem::take(&mut row[0]), population)
        })
        .collect();
        municipalities.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let municipalities = hubs_first(
            &TRADE_HUBS,
            municipalities.into_iter().map(|(code, _)| code).collect(),
            false,
        );

        let partners: Vec<String> = read_columns("countries.csv", countries, &["iso3"])?
            .into_iter()
            .map(|mut row| std::mem::take(&mut row[0]))
            .filter(|code| code != "MEX")
            .collect();
        let partners = hubs_first(&MAIN_PARTNERS, partners, true);

        let products: Vec<String> = read_columns("hs_codes.csv", hs_codes, &["code", "level"])?
            .into_iter()
            .filter(|row| row[1] == "6" && row[0] != "999999")
            .map(|mut row| std::mem::take(&mut row[0]))
            .collect();
        let products = hubs_first(&MAIN_PRODUCTS, products, true);

        for (what, list) in [
            ("municipalities", &municipalities),
            ("partners", &partners),
            ("products", &products),
        ] {
            if list.is_empty() {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("no {what} found"),
                ));
            }
        }
        Ok(Self {
            municipalities,
            partners,
            products,
        })
    }
}

/// `preferred` codes present in `all`, in their order, then the rest of
/// `all` (shuffled by a fixed hash of the code when `shuffle`, so the tail
/// does not follow the file's alphabetical order).
fn hubs_first(preferred: &[&str], all: Vec<String>, shuffle: bool) -> Vec<String> {
    let present: HashSet<&str> = all.iter().map(String::as_str).collect();
    let mut ranked: Vec<String> = preferred
        .iter()
        .filter(|c| present.contains(**c))
        .map(|c| c.to_string())
        .collect();
    let chosen: HashSet<String> = ranked.iter().cloned().collect();
    let mut rest: Vec<String> = all.into_iter().filter(|c| !chosen.contains(c)).collect();
    if shuffle {
        rest.sort_by_key(|code| (hash_str(code), code.clone()));
    }
    ranked.extend(rest);
    ranked
}

/// The named columns of every row of a CSV file, as text.
fn read_columns(file: &str, input: impl io::Read, names: &[&str]) -> io::Result<Vec<Vec<String>>> {
    let bad = |e: csv::Error| io::Error::new(io::ErrorKind::InvalidData, format!("{file}: {e}"));
    let mut csv = csv::Reader::from_reader(input);
    let header = csv.headers().map_err(bad)?.clone();
    let indexes = names
        .iter()
        .map(|column| {
            header.iter().position(|h| h == *column).ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{file} has no column `{column}`"),
                )
            })
        })
        .collect::<io::Result<Vec<usize>>>()?;
    let mut rows = Vec::new();
    for record in csv.records() {
        let record = record.map_err(bad)?;
        rows.push(
            indexes
                .iter()
                .map(|&i| record.get(i).unwrap_or("").to_string())
                .collect(),
        );
    }
    Ok(rows)
}
