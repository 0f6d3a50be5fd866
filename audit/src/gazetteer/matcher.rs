//! Scanning text for names, and resolving what each name means.
//!
//! Scanning is longest-match on folded words: at each word the longest
//! indexed name starting there wins, so "Baja California Sur" is never read as
//! "Baja California", nor "Baja California" as "California". Resolution then
//! picks one entity per mention using the report's scope.

use tradegraph_domain::{RegionLevel, text};

use super::{EntityKind, Gazetteer, ScopeRelation, exact_form};
use crate::claim::Span;

/// A name found in the text, before resolution: every entry it may mean.
#[derive(Debug, Clone)]
pub struct RawMention {
    pub span: Span,
    pub surface: String,
    candidates: Vec<usize>,
    /// "estado de X" / "municipio de X" restricts X to that level.
    level_cue: Option<RegionLevel>,
    /// "exports to X", "importaciones desde X": X is a trading partner.
    partner_cue: bool,
}

/// A resolved mention: one entity, or the candidates of an ambiguous name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub kind: EntityKind,
    /// `None` when the name stays ambiguous.
    pub key: Option<String>,
    pub candidates: Vec<String>,
    pub surface: String,
    pub span: Span,
}

/// Words that may precede a place name inside a sentence without making it
/// part of a longer proper noun ("Bank of Mexico", "De Mexicali a…").
const FUNCTION_WORDS: &[&str] = &[
    "a",
    "al",
    "and",
    "de",
    "del",
    "desde",
    "e",
    "el",
    "en",
    "for",
    "from",
    "in",
    "la",
    "las",
    "los",
    "of",
    "on",
    "para",
    "por",
    "the",
    "to",
    "y",
    "with",
    "con",
    "hacia",
    "entre",
    "between",
    "between",
    "sobre",
    "como",
    "than",
    "que",
    "at",
    "by",
    "mientras",
    "while",
    "including",
    "incluyendo",
    "followed",
    "seguido",
];
const PARTNER_CUES: &[&str] = &["to", "from", "with", "hacia", "desde", "a", "con", "into"];
const MONTHS: &[&str] = &[
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "setiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

impl Gazetteer {
    /// Every region or partner name in `text`, longest match first.
    pub fn scan(&self, text: &str) -> Vec<RawMention> {
        let words = text::words(text);
        let mut out = Vec::new();
        let mut i = 0;
        while i < words.len() {
            match self.match_at(text, &words, i) {
                Some((len, candidates)) => {
                    let start_word = if is_ciudad_prefix(text, &words, i) {
                        i - 1
                    } else {
                        i
                    };
                    let span = Span::new(words[start_word].start, words[i + len - 1].end);
                    let mut level_cue = level_cue(&words, start_word);
                    if start_word != i {
                        level_cue = Some(RegionLevel::Municipality);
                    }
                    out.push(RawMention {
                        span,
                        surface: text[span.start..span.end].to_string(),
                        candidates,
                        level_cue,
                        partner_cue: start_word > 0
                            && PARTNER_CUES.contains(&words[start_word - 1].folded.as_str()),
                    });
                    i += len;
                }
                None => i += 1,
            }
        }
        out
    }

    fn match_at(&self, text: &str, words: &[text::Word], i: usize) -> Option<(usize, Vec<usize>)> {
        if !self.first_words.contains(&words[i].folded) {
            return None;
        }
        let longest = self.max_words.min(words.len() - i);
        // The key of the longest candidate, shortened a word at a time.
        let mut key = words[i..i + longest]
            .iter()
            .map(|w| w.folded.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        for len in (1..=longest).rev() {
            if len < longest {
                key.truncate(key.len() - words[i + len].folded.len() - 1);
            }
            if len > 1 && !joined(text, &words[i + len - 2], &words[i + len - 1]) {
                continue;
            }
            let Some(refs) = self.names.get(&key) else {
                continue;
            };
            let slice = &text[words[i].start..words[i + len - 1].end];
            let capitalized = slice.chars().next().is_some_and(|c| !c.is_lowercase());
            let mut candidates = Vec::new();
            let mut exact_hit = false;
            for r in refs {
                let ok = match &r.exact {
                    Some(form) => {
                        let hit = exact_form(slice) == *form;
                        exact_hit |= hit;
                        hit
                    }
                    None => capitalized,
                };
                if ok && !candidates.contains(&r.entry) {
                    candidates.push(r.entry);
                }
            }
            if candidates.is_empty() {
                continue;
            }
            if len == 1 && !exact_hit && inside_longer_proper_noun(text, words, i) {
                return None;
            }
            return Some((len, candidates));
        }
        None
    }

    /// Resolves every scanned mention against the report's scope.
    pub fn resolve(&self, text: &str, raws: &[RawMention], scope: Option<&str>) -> Vec<Mention> {
        (0..raws.len())
            .filter_map(|i| self.resolve_one(text, raws, i, scope))
            .collect()
    }

    fn resolve_one(
        &self,
        text: &str,
        raws: &[RawMention],
        i: usize,
        scope: Option<&str>,
    ) -> Option<Mention> {
        let raw = &raws[i];
        let of_kind = |k: EntityKind| -> Vec<usize> {
            raw.candidates
                .iter()
                .copied()
                .filter(|&c| self.entries[c].kind == k)
                .collect()
        };
        let mut regions = of_kind(EntityKind::Region);
        let partners = of_kind(EntityKind::Partner);
        if let Some(level) = raw.level_cue {
            let at_level: Vec<usize> = regions
                .iter()
                .copied()
                .filter(|&c| self.region_level(&self.entries[c].key) == Some(level))
                .collect();
            if !at_level.is_empty() {
                regions = at_level;
            }
        }
        let region_choice = (!regions.is_empty()).then(|| self.choose_region(&regions, scope));
        let use_partner = !partners.is_empty()
            && match &region_choice {
                None => true,
                Some(_) if raw.level_cue.is_some() => false,
                Some(_) if raw.partner_cue || self.next_to_partner(text, raws, i) => true,
                Some((best, _)) => match (best, scope) {
                    (Some(code), Some(s)) => match self.relation(code, s) {
                        // A place below the scope that is also a country ("China",
                        // Nuevo León): the list or the nouns around it decide.
                        ScopeRelation::Descendant | ScopeRelation::SameState => {
                            self.partner_context(text, raws, i)
                        }
                        relation => !relation.is_within(),
                    },
                    (Some(code), None) => {
                        self.region_level(code) == Some(RegionLevel::Municipality)
                    }
                    (None, _) => true,
                },
            };
        let (kind, key, candidates) = if use_partner {
            let keys: Vec<String> = partners
                .iter()
                .map(|&c| self.entries[c].key.clone())
                .collect();
            let key = (keys.len() == 1).then(|| keys[0].clone());
            (EntityKind::Partner, key, keys)
        } else {
            let (key, candidates) = region_choice?;
            (EntityKind::Region, key, candidates)
        };
        Some(Mention {
            kind,
            key,
            candidates: if candidates.len() > 1 {
                candidates
            } else {
                Vec::new()
            },
            surface: raw.surface.clone(),
            span: raw.span,
        })
    }

    /// The best region among candidates: the scope itself, then inside or
    /// above it, then in its state, then anywhere; ties go to the higher
    /// level (the state over its namesake municipality), else stay ambiguous.
    fn choose_region(
        &self,
        candidates: &[usize],
        scope: Option<&str>,
    ) -> (Option<String>, Vec<String>) {
        let keys: Vec<&str> = candidates
            .iter()
            .map(|&c| self.entries[c].key.as_str())
            .collect();
        let rank = |k: &str| match scope {
            Some(s) => match self.relation(k, s) {
                ScopeRelation::Same => 0,
                ScopeRelation::Descendant | ScopeRelation::Ancestor => 1,
                ScopeRelation::SameState => 2,
                ScopeRelation::Outside => 3,
            },
            None => 3,
        };
        let best_rank = keys.iter().map(|k| rank(k)).min().unwrap_or(3);
        let best: Vec<&str> = keys
            .iter()
            .copied()
            .filter(|k| rank(k) == best_rank)
            .collect();
        let depth = |k: &str| match self.region_level(k) {
            Some(RegionLevel::Country) => 0,
            Some(RegionLevel::State) => 1,
            _ => 2,
        };
        let top = best.iter().map(|k| depth(k)).min().unwrap_or(2);
        let at_top: Vec<&str> = best.into_iter().filter(|k| depth(k) == top).collect();
        let all = keys.iter().map(|k| k.to_string()).collect();
        if at_top.len() == 1 {
            (Some(at_top[0].to_string()), all)
        } else {
            (None, all)
        }
    }

    /// Whether the previous or next mention is a partner in the same
    /// enumeration ("Estados Unidos, China y Taiwán").
    fn next_to_partner(&self, text: &str, raws: &[RawMention], i: usize) -> bool {
        let partner_only = |r: &RawMention| {
            r.candidates
                .iter()
                .all(|&c| self.entries[c].kind == EntityKind::Partner)
        };
        let enumerated = |gap: &str| {
            let g = text::fold(gap);
            matches!(
                g.trim(),
                "," | "y" | "e" | "and" | ", y" | ", and" | "" | ";"
            )
        };
        let before = i > 0
            && partner_only(&raws[i - 1])
            && enumerated(&text[raws[i - 1].span.end..raws[i].span.start]);
        let after = i + 1 < raws.len()
            && partner_only(&raws[i + 1])
            && enumerated(&text[raws[i].span.end..raws[i + 1].span.start]);
        before || after
    }
}

/// Words that may separate the items of a list with figures ("Estados
/// Unidos con 95.2%, seguido de Canadá con 4.1% y China"): the figures'
/// numbers and units aside, nothing else may stand between two items.
const LIST_GAP_WORDS: &[&str] = &[
    "con",
    "with",
    "at",
    "de",
    "del",
    "of",
    "y",
    "e",
    "and",
    "seguido",
    "seguida",
    "seguidos",
    "seguidas",
    "followed",
    "by",
    "por",
    "ciento",
    "percent",
    "per",
    "cent",
    "millones",
    "millon",
    "mil",
    "million",
    "millions",
    "billion",
    "billions",
    "dolares",
    "dollars",
    "pesos",
    "us",
    "usd",
    "mdd",
    "mxn",
    "the",
    "el",
    "la",
    "los",
    "las",
    "luego",
    "then",
    "finalmente",
    "finally",
];
/// Nouns after which an ambiguous name is a trading partner ("el principal
/// destino fue China") ...
const PARTNER_CONTEXT: &[&str] = &[
    "destino",
    "destinos",
    "pais",
    "paises",
    "origen",
    "proveedor",
    "proveedores",
    "comprador",
    "compradores",
    "mercado",
    "mercados",
    "socio",
    "socios",
    "destination",
    "destinations",
    "country",
    "countries",
    "origin",
    "supplier",
    "suppliers",
    "buyer",
    "buyers",
    "market",
    "markets",
    "partner",
    "partners",
];
/// ... unless a nearer noun names a territorial unit ("el municipio de
/// origen de las exportaciones fue China").
const REGION_CONTEXT: &[&str] = &[
    "municipio",
    "municipios",
    "municipal",
    "estado",
    "estados",
    "entidad",
    "entidades",
    "ciudad",
    "ciudades",
    "localidad",
    "localidades",
    "municipality",
    "municipalities",
    "state",
    "states",
    "city",
    "cities",
    "town",
    "towns",
];

impl Gazetteer {
    /// Whether the context makes a name that is both a place inside the
    /// scope and a country the trading partner: the other items of its
    /// list (figures between them allowed) are partners and none is a
    /// region, or, with no such list, the nearest context noun before it
    /// in its sentence names partners (destino, país, origen, proveedor,
    /// market…) rather than territorial units (municipio, estado, city…).
    fn partner_context(&self, text: &str, raws: &[RawMention], i: usize) -> bool {
        let only =
            |r: &RawMention, k: EntityKind| r.candidates.iter().all(|&c| self.entries[c].kind == k);
        let mut partner_items = false;
        let mut region_items = false;
        let neighbours = [
            i.checked_sub(1).map(|p| (p, p, i)),
            (i + 1 < raws.len()).then_some((i + 1, i, i + 1)),
        ];
        for (n, a, z) in neighbours.into_iter().flatten() {
            if !list_gap(&text[raws[a].span.end..raws[z].span.start]) {
                continue;
            }
            partner_items |= only(&raws[n], EntityKind::Partner);
            region_items |= only(&raws[n], EntityKind::Region);
        }
        if partner_items || region_items {
            return partner_items && !region_items;
        }
        let before = text::fold(sentence_before(text, raws[i].span.start));
        let last = |words: &[&str]| {
            words
                .iter()
                .flat_map(|w| {
                    word_positions(&before, w).filter(|&p| !modifier(&before, p, w.len()))
                })
                .max()
        };
        match (last(PARTNER_CONTEXT), last(REGION_CONTEXT)) {
            (Some(p), Some(r)) => p > r,
            (Some(_), None) => true,
            _ => false,
        }
    }
}

/// Whether the text between two names separates items of one list, with
/// their figures: numbers, percent and currency signs and the words of
/// `LIST_GAP_WORDS` only, within one sentence.
fn list_gap(gap: &str) -> bool {
    if gap.len() > 80 || gap.contains('\n') {
        return false;
    }
    let chars: Vec<char> = gap.chars().collect();
    for (k, c) in chars.iter().enumerate() {
        if matches!(c, '.' | '!' | '?' | ';' | ':')
            && chars.get(k + 1).is_none_or(|n| n.is_whitespace())
        {
            return false;
        }
    }
    let folded = text::fold(gap);
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        .all(|w| LIST_GAP_WORDS.contains(&w))
}

/// The text of `at`'s sentence before it (at most 200 bytes).
fn sentence_before(text: &str, at: usize) -> &str {
    let mut start = at.saturating_sub(200);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    let window = &text[start..at];
    let cut = window
        .char_indices()
        .filter(|&(k, c)| {
            c == '\n'
                || (matches!(c, '.' | '!' | '?')
                    && window[k + 1..].starts_with(char::is_whitespace))
        })
        .map(|(k, c)| k + c.len_utf8())
        .next_back()
        .unwrap_or(0);
    &window[cut..]
}

/// Whether the noun at `hay[p..p + len]` only qualifies another one: "del
/// estado", "en el municipio", "of the state", "the state's".
fn modifier(hay: &str, p: usize, len: usize) -> bool {
    if hay[p + len..].starts_with("'s") {
        return true;
    }
    let prev: Vec<&str> = hay[..p].split_whitespace().rev().take(2).collect();
    let preposition = |w: &str| matches!(w, "del" | "de" | "en" | "of" | "in" | "from" | "desde");
    let article = |w: &str| {
        matches!(
            w,
            "el" | "la" | "los" | "las" | "the" | "este" | "esta" | "this" | "that" | "ese" | "esa"
        )
    };
    match prev.as_slice() {
        [w, ..] if preposition(w) => true,
        [a, w] => article(a) && preposition(w),
        _ => false,
    }
}

/// Positions of the whole word `w` in folded `hay`.
fn word_positions<'a>(hay: &'a str, w: &'a str) -> impl Iterator<Item = usize> + 'a {
    hay.match_indices(w)
        .filter(move |&(p, _)| {
            !hay[..p]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
                && !hay[p + w.len()..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric)
        })
        .map(|(p, _)| p)
}

/// Whether two consecutive words may belong to one name: only spaces and
/// name punctuation (".", "-", "'") between them, on one line.
fn joined(text: &str, a: &text::Word, b: &text::Word) -> bool {
    let gap = &text[a.end..b.start];
    gap.len() <= 3
        && gap
            .chars()
            .all(|c| matches!(c, ' ' | '.' | '-' | '\'' | '’'))
}

/// "Ciudad Juárez": the word before a municipality name is "Ciudad".
fn is_ciudad_prefix(text: &str, words: &[text::Word], i: usize) -> bool {
    i > 0 && words[i - 1].folded == "ciudad" && &text[words[i - 1].end..words[i].start] == " "
}

/// "estado de X", "state of X", "municipio de X", "municipality of X".
fn level_cue(words: &[text::Word], i: usize) -> Option<RegionLevel> {
    if i < 2 {
        return None;
    }
    match (words[i - 2].folded.as_str(), words[i - 1].folded.as_str()) {
        ("estado" | "entidad", "de") | ("state", "of") => Some(RegionLevel::State),
        ("municipio", "de") | ("municipality", "of") | ("ciudad", "de") | ("city", "of") => {
            Some(RegionLevel::Municipality)
        }
        _ => None,
    }
}

/// A one-word place name right after another capitalised word that is not
/// the first of its sentence is most likely part of a person's or an
/// institution's name ("Norma Alicia Bustamante", "Samuel García").
/// Title-case lines are exempt, since there every word is capitalised.
fn inside_longer_proper_noun(text: &str, words: &[text::Word], i: usize) -> bool {
    if i == 0 {
        return false;
    }
    let prev = &words[i - 1];
    if &text[prev.end..words[i].start] != " "
        || FUNCTION_WORDS.contains(&prev.folded.as_str())
        || MONTHS.contains(&prev.folded.as_str())
        || prev.folded == "ciudad"
        || !text[prev.start..].starts_with(|c: char| c.is_uppercase())
    {
        return false;
    }
    let before_prev = text[..prev.start].trim_end_matches([' ', '\t', '"', '“', '(', '*', '#']);
    let sentence_initial =
        before_prev.is_empty() || before_prev.ends_with(['.', '\n', ':', '!', '?', '|', '>', ';']);
    !sentence_initial && !title_case_line(text, prev.start)
}

/// Whether most long words of the line around `at` are capitalised.
fn title_case_line(text: &str, at: usize) -> bool {
    let start = text[..at].rfind('\n').map_or(0, |p| p + 1);
    let end = text[at..].find('\n').map_or(text.len(), |p| at + p);
    let line = &text[start..end];
    let long: Vec<&str> = line
        .split_whitespace()
        .filter(|w| w.chars().count() >= 4)
        .collect();
    let capitalized = long
        .iter()
        .filter(|w| w.starts_with(|c: char| c.is_uppercase()))
        .count();
    !line.trim_end().ends_with('.') && !long.is_empty() && capitalized * 4 >= long.len() * 3
}
