//! The audit's gazetteer, built from the catalogue snapshot.
//!
//! Not every catalogue alias is a safe name to look for in prose: INEGI's
//! dotted abbreviations (`Son.`, `Col.`, `Ver.`) are ordinary words, and
//! three-letter codes (`MEX`, `COL`) collide with country codes. Only names,
//! long abbreviations (`CDMX`, `BC`), dotted initials (`B.C.`, `S.L.P.`) and
//! ISO codes (`MX-BCN`) are kept.

use tradegraph_audit::{EntityKind, Gazetteer, GazetteerEntry};
use tradegraph_domain::codes::ALL_PARTNERS;

use super::catalog::Catalog;

fn safe_region_alias(alias: &str) -> bool {
    let has_lower = alias.chars().any(char::is_lowercase);
    let letters = alias.chars().filter(|c| c.is_alphabetic()).count();
    if has_lower {
        // A name ("Coahuila de Zaragoza", "Q. Roo"), not an abbreviation like "Ags.".
        return !alias.ends_with('.') && letters >= 4;
    }
    let dotted_initials = alias.contains('.')
        && alias
            .chars()
            .all(|c| c.is_ascii_uppercase() || c == '.' || c == ' ');
    let iso = alias.contains('-');
    let plain = alias.chars().all(|c| c.is_ascii_uppercase()) && letters != 3;
    dotted_initials || iso || plain
}

pub fn build(catalog: &Catalog) -> Gazetteer {
    let mut entries = Vec::new();
    for r in catalog.regions() {
        let names = std::iter::once(r.name.clone())
            .chain(r.aliases.iter().filter(|a| safe_region_alias(a)).cloned())
            .collect();
        entries.push(GazetteerEntry {
            kind: EntityKind::Region,
            key: r.code.clone(),
            names,
            level: Some(r.level),
            parent: r.parent_code.clone(),
        });
    }
    for p in catalog.partners().iter().filter(|p| p.iso3 != ALL_PARTNERS) {
        let names = [p.name_en.clone(), p.name_es.clone()]
            .into_iter()
            .chain(p.aliases.iter().cloned())
            .chain(std::iter::once(p.iso3.clone()))
            .collect();
        entries.push(GazetteerEntry {
            kind: EntityKind::Partner,
            key: p.iso3.clone(),
            names,
            level: None,
            parent: None,
        });
    }
    for p in catalog.products().iter().filter(|p| p.level == 4) {
        let names = p
            .description_es
            .iter()
            .cloned()
            .chain(std::iter::once(p.description_en.clone()))
            .collect();
        entries.push(GazetteerEntry {
            kind: EntityKind::Product,
            key: format!("{}:{}", p.classification, p.code),
            names,
            level: None,
            parent: None,
        });
    }
    Gazetteer::new(entries)
}

#[cfg(test)]
mod tests {
    use super::safe_region_alias;

    #[test]
    fn keeps_names_and_safe_abbreviations_only() {
        for ok in [
            "Coahuila de Zaragoza",
            "CDMX",
            "BC",
            "B.C.",
            "S.L.P.",
            "MX-BCN",
            "Q. Roo",
            "Estado de México",
        ] {
            assert!(safe_region_alias(ok), "{ok}");
        }
        for bad in ["Son.", "Col.", "Ags.", "MEX", "COL", "SLP"] {
            assert!(!safe_region_alias(bad), "{bad}");
        }
    }
}
