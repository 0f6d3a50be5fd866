//! Matching short product labels ("Circuitos electrónicos integrados",
//! "Bombas de aire o bombas de vacío") to product descriptions by their
//! content words. Deliberately strict: a label matches only when most of its
//! content words appear in one description and no other description does as
//! well; an unmatched label is fine (the claim keeps its text).

use std::collections::{HashMap, HashSet};

use tradegraph_domain::text;

use super::GazetteerEntry;

/// Words that carry no product meaning in Spanish or English descriptions.
const STOPWORDS: &[&str] = &[
    "a",
    "al",
    "and",
    "as",
    "con",
    "de",
    "del",
    "demas",
    "e",
    "el",
    "en",
    "for",
    "from",
    "in",
    "incluidos",
    "its",
    "la",
    "las",
    "lo",
    "los",
    "no",
    "not",
    "o",
    "of",
    "or",
    "other",
    "otras",
    "otros",
    "para",
    "parts",
    "por",
    "sus",
    "su",
    "the",
    "thereof",
    "u",
    "y",
    "whether",
    "with",
    "utilizados",
    "used",
    "articulos",
    "articles",
    "total",
];

/// Minimum share of a label's content words a description must contain.
const MIN_COVERAGE: f64 = 0.8;

/// Inverted index from content word to product entries.
#[derive(Debug, Clone, Default)]
pub struct ProductIndex {
    /// Per indexed product: its content words (union over its names).
    words: HashMap<usize, HashSet<String>>,
    postings: HashMap<String, Vec<usize>>,
}

impl ProductIndex {
    /// Indexes HS headings (`HS:` + 4 digits) and SCIAN sectors; other
    /// product levels have descriptions too generic ("Los demás") or too
    /// specific to match a report's labels reliably.
    pub fn add(&mut self, entry_index: usize, entry: &GazetteerEntry) {
        let code = entry
            .key
            .split_once(':')
            .map_or(entry.key.as_str(), |(_, c)| c);
        let indexable =
            entry.key.starts_with("SCIAN:") || (entry.key.starts_with("HS:") && code.len() == 4);
        if !indexable {
            return;
        }
        let words = self.words.entry(entry_index).or_default();
        for name in &entry.names {
            for w in content_words(name) {
                if words.insert(w.clone()) {
                    self.postings.entry(w).or_default().push(entry_index);
                }
            }
        }
    }

    /// The entry best covering the label's content words, if unambiguous.
    pub fn best(&self, label: &str) -> Option<usize> {
        let wanted: HashSet<String> = content_words(label).into_iter().collect();
        if wanted.len() < 2 {
            return None;
        }
        let mut hits: HashMap<usize, usize> = HashMap::new();
        for w in &wanted {
            for &e in self.postings.get(w).map(Vec::as_slice).unwrap_or(&[]) {
                *hits.entry(e).or_default() += 1;
            }
        }
        // Rank by label coverage, then by how much of the description the
        // label covers (a short precise description beats a long catch-all).
        let score = |e: usize, n: usize| {
            let total = self.words.get(&e).map_or(1, |w| w.len().max(1));
            (n as f64 / wanted.len() as f64, n as f64 / total as f64)
        };
        let mut ranked: Vec<(f64, f64, usize)> = hits
            .iter()
            .map(|(&e, &n)| {
                let (cov, prec) = score(e, n);
                (cov, prec, e)
            })
            .collect();
        ranked.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then(b.1.total_cmp(&a.1))
                .then(a.2.cmp(&b.2))
        });
        let (cov, prec, entry) = *ranked.first()?;
        if cov < MIN_COVERAGE {
            return None;
        }
        // A tie on coverage is settled only by a clearly more specific description.
        if let Some(&(cov2, prec2, _)) = ranked.get(1)
            && cov2 == cov
            && prec < prec2 * 1.5
        {
            return None;
        }
        Some(entry)
    }
}

/// Folded, singularised words of at least three letters, without stopwords.
fn content_words(s: &str) -> Vec<String> {
    text::words(s)
        .into_iter()
        .map(|w| w.folded)
        .filter(|w| w.chars().count() >= 3 && !w.chars().all(|c| c.is_ascii_digit()))
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .map(|w| singular(&w))
        .collect()
}

/// A crude singular: "fracturas" → "fractura", "vehiculos" → "vehiculo".
fn singular(w: &str) -> String {
    match w.strip_suffix('s') {
        Some(stem) if stem.chars().count() >= 4 && !stem.ends_with('s') => stem.to_string(),
        _ => w.to_string(),
    }
}

/// Whether two short labels name the same item: most content words of the
/// shorter one appear in the other ("Circuitos electrónicos integrados" and
/// "circuitos integrados electrónicos").
pub fn same_item(a: &str, b: &str) -> bool {
    let wa: HashSet<String> = content_words(a).into_iter().collect();
    let wb: HashSet<String> = content_words(b).into_iter().collect();
    let (small, large) = if wa.len() <= wb.len() {
        (&wa, &wb)
    } else {
        (&wb, &wa)
    };
    if small.is_empty() {
        return false;
    }
    let common = small.intersection(large).count();
    common * 10 >= small.len() * 7 && common * 10 >= large.len() * 4
}
