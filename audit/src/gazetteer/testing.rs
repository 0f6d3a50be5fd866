//! Gazetteer entries straight from the reference CSVs of `data/`, for tests
//! and the benchmark. The server builds its entries from the database, where
//! the same names and aliases live.

use std::path::Path;

use tradegraph_domain::RegionLevel;

use super::{EntityKind, GazetteerEntry};

/// Aliases the CSVs lack but every report uses; in the server they are rows
/// of the alias tables.
const PARTNER_ALIASES: &[(&str, &[&str])] = &[
    (
        "USA",
        &[
            "Estados Unidos",
            "United States",
            "EE.UU.",
            "EEUU",
            "EUA",
            "U.S.",
        ],
    ),
    ("GBR", &["United Kingdom", "Reino Unido"]),
    ("KOR", &["Corea del Sur", "Korea"]),
];

/// Regions (nation, states, municipalities), partners and HS headings read
/// from `mx_states.csv`, `mx_municipalities.csv`, `countries.csv` and
/// `hs_codes.csv` in `dir`. Missing or malformed files give fewer entries.
pub fn load_entries_from_csv_dir(dir: &Path) -> Vec<GazetteerEntry> {
    let nation = ["México", "Mexico", "República Mexicana"].map(String::from);
    let mut out = vec![region("00", None, RegionLevel::Country, &nation)];
    for r in rows(&dir.join("mx_states.csv")) {
        let (code, name, official, abbr, iso) = (&r[0], &r[1], &r[2], &r[3], &r[5]);
        let mut names = vec![name.clone(), official.clone(), iso.clone()];
        if abbr.chars().all(|c| c.is_ascii_uppercase()) {
            names.push(abbr.clone());
        }
        if code == "15" {
            names.push("Estado de México".into());
        }
        if code == "09" {
            names.push("Mexico City".into());
        }
        out.push(region(code, Some("00"), RegionLevel::State, &names));
    }
    for r in rows(&dir.join("mx_municipalities.csv")) {
        out.push(region(
            &r[0],
            Some(&r[1]),
            RegionLevel::Municipality,
            std::slice::from_ref(&r[3]),
        ));
    }
    for r in rows(&dir.join("countries.csv")) {
        let iso3 = r[1].clone();
        let mut names = vec![
            r[4].clone(),
            r[3].clone(),
            r[5].clone(),
            r[6].clone(),
            iso3.clone(),
        ];
        if let Some((_, aliases)) = PARTNER_ALIASES.iter().find(|(k, _)| *k == iso3) {
            names.extend(aliases.iter().map(|a| a.to_string()));
        }
        out.push(GazetteerEntry {
            kind: EntityKind::Partner,
            key: iso3,
            names,
            level: None,
            parent: None,
        });
    }
    for r in rows(&dir.join("hs_codes.csv")) {
        if r[1] == "4" {
            let names = vec![r[7].clone(), r[6].clone()];
            out.push(GazetteerEntry {
                kind: EntityKind::Product,
                key: format!("HS:{}", r[0]),
                names,
                level: None,
                parent: None,
            });
        }
    }
    out
}

fn region(
    code: &str,
    parent: Option<&str>,
    level: RegionLevel,
    names: &[String],
) -> GazetteerEntry {
    GazetteerEntry {
        kind: EntityKind::Region,
        key: code.to_string(),
        names: names.iter().filter(|n| !n.is_empty()).cloned().collect(),
        level: Some(level),
        parent: parent.map(str::to_string),
    }
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    let Ok(mut reader) = csv::Reader::from_path(path) else {
        return Vec::new();
    };
    reader
        .records()
        .filter_map(Result::ok)
        .map(|r| r.iter().map(str::to_string).collect())
        .collect()
}
