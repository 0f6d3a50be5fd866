//! The gazetteer: names of regions, partners and products, matched in text.
//!
//! It is built from plain entries the server gives it (it knows nothing of
//! the database). Prose is scanned for region and partner names, longest
//! match first, on word boundaries, accent- and case-insensitively; product
//! descriptions are too long and wordy for prose, so products are matched
//! only against short labels (table rows, ranked items) by content words.

mod matcher;
mod products;
#[cfg(any(test, feature = "testing"))]
mod testing;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tradegraph_domain::{RegionLevel, text};

pub use matcher::{Mention, RawMention};
pub use products::same_item;
#[cfg(any(test, feature = "testing"))]
pub use testing::load_entries_from_csv_dir;

/// What a gazetteer entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EntityKind {
    Region,
    Partner,
    Product,
}

/// One region, partner or product with its names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GazetteerEntry {
    pub kind: EntityKind,
    /// Region INEGI code (`02002`), partner ISO3 (`USA`), product key (`HS:8542`).
    pub key: String,
    /// Primary names first, then aliases.
    pub names: Vec<String>,
    /// A region's level.
    pub level: Option<RegionLevel>,
    /// A region's parent code (`00` for states); `None` for the nation.
    pub parent: Option<String>,
}

/// How a region stands to the report's scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ScopeRelation {
    Same,
    Descendant,
    Ancestor,
    /// Shares the scope's state without being inside or above the scope.
    SameState,
    Outside,
}

impl ScopeRelation {
    /// Whether figures of a region so related belong in a report of the scope.
    pub fn is_within(self) -> bool {
        matches!(self, Self::Same | Self::Descendant | Self::Ancestor)
    }
}

/// A name as indexed: the entry it names, and for abbreviations the exact
/// printed form the text must show (case-sensitive, e.g. `NL`, `EE.UU`).
#[derive(Debug, Clone)]
struct NameRef {
    entry: usize,
    exact: Option<String>,
}

/// Region, partner and product names, ready to be matched.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    entries: Vec<GazetteerEntry>,
    by_key: HashMap<EntityKind, HashMap<String, usize>>,
    // Looked up for every word of a text: hashed with foldhash, several
    // times faster than the standard SipHash on short words (the keys are
    // the reference names, not the text's).
    names: foldhash::HashMap<String, Vec<NameRef>>,
    first_words: foldhash::HashSet<String>,
    max_words: usize,
    products: products::ProductIndex,
}

impl Gazetteer {
    /// Indexes `entries`. Names with a trailing parenthesis ("Taiwán
    /// (Provincia de China)") are indexed with and without it; two-letter
    /// partner codes (ISO2: `NA`, `IN`, `ES`) are ignored because they are
    /// ordinary words in prose; short all-capital names and abbreviations
    /// (`USA`, `NL`, `EE.UU.`) only match when printed exactly so.
    pub fn new(entries: Vec<GazetteerEntry>) -> Self {
        let mut g = Gazetteer {
            by_key: HashMap::new(),
            names: foldhash::HashMap::default(),
            first_words: foldhash::HashSet::default(),
            max_words: 1,
            products: products::ProductIndex::default(),
            entries: Vec::new(),
        };
        for entry in entries {
            let index = g.entries.len();
            g.by_key
                .entry(entry.kind)
                .or_default()
                .insert(entry.key.clone(), index);
            if entry.kind == EntityKind::Product {
                g.products.add(index, &entry);
            } else {
                for name in &entry.names {
                    g.index_name(index, entry.kind, name);
                    if let Some((base, _)) = name.split_once(" (") {
                        g.index_name(index, entry.kind, base);
                    }
                }
            }
            g.entries.push(entry);
        }
        g
    }

    fn index_name(&mut self, entry: usize, kind: EntityKind, name: &str) {
        let name = name.trim();
        let letters = name.chars().filter(|c| c.is_alphabetic()).count();
        let has_lower = name.chars().any(|c| c.is_lowercase());
        if letters == 0 || (kind == EntityKind::Partner && letters <= 2 && !name.contains('.')) {
            return;
        }
        let words: Vec<String> = text::words(name).into_iter().map(|w| w.folded).collect();
        let Some(first) = words.first() else { return };
        let abbreviation = letters <= 6 && (!has_lower || name.contains('.')) && words.len() <= 3;
        let exact = abbreviation.then(|| exact_form(name));
        let key = words.join(" ");
        let refs = self.names.entry(key).or_default();
        if !refs.iter().any(|r| r.entry == entry && r.exact == exact) {
            refs.push(NameRef { entry, exact });
        }
        self.first_words.insert(first.clone());
        self.max_words = self.max_words.max(words.len());
    }

    /// All entries, in the order given.
    pub fn entries(&self) -> &[GazetteerEntry] {
        &self.entries
    }

    /// The entry of `kind` with `key`.
    pub fn get(&self, kind: EntityKind, key: &str) -> Option<&GazetteerEntry> {
        self.by_key.get(&kind)?.get(key).map(|&i| &self.entries[i])
    }

    /// The primary name of a region, partner or product.
    pub fn name_of(&self, kind: EntityKind, key: &str) -> Option<&str> {
        self.get(kind, key)
            .and_then(|e| e.names.first())
            .map(String::as_str)
    }

    /// A region's level: the entry's, else what its code implies.
    pub fn region_level(&self, code: &str) -> Option<RegionLevel> {
        self.get(EntityKind::Region, code)
            .and_then(|e| e.level)
            .or_else(|| RegionLevel::of_code(code))
    }

    /// The region's ancestors, nearest first.
    pub fn ancestors(&self, code: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut current = self
            .get(EntityKind::Region, code)
            .and_then(|e| e.parent.clone());
        while let Some(parent) = current {
            if out.contains(&parent) || parent == code {
                break;
            }
            current = self
                .get(EntityKind::Region, &parent)
                .and_then(|e| e.parent.clone());
            out.push(parent);
        }
        out
    }

    /// The region's state (itself for a state), if it has one.
    pub fn state_of(&self, code: &str) -> Option<String> {
        if self.region_level(code) == Some(RegionLevel::State) {
            return Some(code.to_string());
        }
        self.ancestors(code)
            .into_iter()
            .find(|a| self.region_level(a) == Some(RegionLevel::State))
    }

    /// How region `code` stands to `scope`.
    pub fn relation(&self, code: &str, scope: &str) -> ScopeRelation {
        if code == scope {
            return ScopeRelation::Same;
        }
        if self.ancestors(code).iter().any(|a| a == scope) {
            return ScopeRelation::Descendant;
        }
        if self.ancestors(scope).iter().any(|a| a == code) {
            return ScopeRelation::Ancestor;
        }
        match (self.state_of(code), self.state_of(scope)) {
            (Some(a), Some(b)) if a == b => ScopeRelation::SameState,
            _ => ScopeRelation::Outside,
        }
    }

    /// The product whose description best matches a short label ("Circuitos
    /// electrónicos integrados" → `HS:8542`), or `None` when no description
    /// covers the label's content words well enough or two tie.
    pub fn match_product(&self, label: &str) -> Option<&str> {
        self.products
            .best(label)
            .map(|i| self.entries[i].key.as_str())
    }
}

/// The printed form an abbreviation must show: whitespace and a final
/// period removed ("EE. UU." → "EE.UU").
fn exact_form(s: &str) -> String {
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    compact.trim_end_matches('.').to_string()
}
