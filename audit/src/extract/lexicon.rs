//! Cue words of the genre, in Spanish and English, all folded (lower case,
//! no accents). Matching is on word boundaries of folded text.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use tradegraph_domain::{Direction, RegionLevel};

/// A list of cue phrases found as whole words, all of them in one pass over
/// the text: an Aho-Corasick automaton over the list, built on first use.
/// An entry is a phrase, or a phrase and what it means (`(phrase, value)`).
///
/// The extractor asks each list about every sentence and figure; searched
/// phrase by phrase, with a searcher built per phrase and per question, the
/// lists took half of the audit's time on the top-10 article.
pub struct Cues<E: 'static> {
    entries: &'static [E],
    automaton: OnceLock<AhoCorasick>,
}

/// An entry of a [`Cues`] list: its phrase.
pub trait Cue {
    fn phrase(&self) -> &'static str;
}

impl Cue for &'static str {
    fn phrase(&self) -> &'static str {
        self
    }
}

impl<T> Cue for (&'static str, T) {
    fn phrase(&self) -> &'static str {
        self.0
    }
}

impl<E: Cue> Cues<E> {
    pub const fn new(entries: &'static [E]) -> Self {
        Self {
            entries,
            automaton: OnceLock::new(),
        }
    }

    pub fn entries(&self) -> &'static [E] {
        self.entries
    }

    fn automaton(&self) -> &AhoCorasick {
        self.automaton.get_or_init(|| {
            AhoCorasick::new(self.entries.iter().map(Cue::phrase))
                .expect("a cue list is a few dozen short phrases")
        })
    }

    /// Every whole-word occurrence in `hay`, overlapping ones too, as its
    /// position and the index of its entry.
    pub fn matches<'h>(&'h self, hay: &'h str) -> impl Iterator<Item = (usize, usize)> + 'h {
        self.automaton()
            .find_overlapping_iter(hay)
            .filter(|m| !m.is_empty() && is_boundary(hay, m.start(), m.end()))
            .map(|m| (m.start(), m.pattern().as_usize()))
    }

    /// Whether any entry occurs in `hay`.
    pub fn any(&self, hay: &str) -> bool {
        self.matches(hay).next().is_some()
    }

    /// The entry occurring last in `hay` and its position; of several
    /// starting there, the longest (then the one listed last).
    pub fn last(&self, hay: &str) -> Option<(usize, &'static E)> {
        self.matches(hay)
            .max_by_key(|&(at, i)| (at, self.entries[i].phrase().len(), i))
            .map(|(at, i)| (at, &self.entries[i]))
    }

    /// The first entry of the list that occurs in `hay`.
    pub fn first_listed(&self, hay: &str) -> Option<&'static E> {
        self.matches(hay)
            .map(|(_, i)| i)
            .min()
            .map(|i| &self.entries[i])
    }
}

/// Words announcing a change between two periods; `true` when it is a fall.
pub static GROWTH_CUES: Cues<(&str, bool)> = Cues::new(&[
    ("increase", false),
    ("increased", false),
    ("increases", false),
    ("rise", false),
    ("rose", false),
    ("risen", false),
    ("rising", false),
    ("grew", false),
    ("grow", false),
    ("growth", false),
    ("growing", false),
    ("gain", false),
    ("gained", false),
    ("jumped", false),
    ("climbed", false),
    ("surged", false),
    ("up", false),
    ("expanded", false),
    ("aumento", false),
    ("aumentaron", false),
    ("aumentar", false),
    ("incremento", false),
    ("incrementaron", false),
    ("crecimiento", false),
    ("crecio", false),
    ("crecieron", false),
    ("alza", false),
    ("avance", false),
    ("avanzo", false),
    ("subio", false),
    ("subieron", false),
    ("repunte", false),
    ("fell", true),
    ("fall", true),
    ("falls", true),
    ("fallen", true),
    ("decline", true),
    ("declined", true),
    ("declines", true),
    ("decrease", true),
    ("decreased", true),
    ("drop", true),
    ("dropped", true),
    ("down", true),
    ("contraction", true),
    ("contracted", true),
    ("shrank", true),
    ("plunged", true),
    ("disminucion", true),
    ("disminuyo", true),
    ("disminuyeron", true),
    ("caida", true),
    ("cayo", true),
    ("cayeron", true),
    ("descenso", true),
    ("retroceso", true),
    ("retrocedio", true),
    ("baja", true),
    ("bajaron", true),
    ("contraccion", true),
    ("decrecio", true),
    ("reduccion", true),
    ("redujo", true),
    ("variacion", false),
]);

/// Words announcing a part's percentage of a whole.
pub static SHARE_CUES: Cues<&str> = Cues::new(&[
    "share",
    "shares",
    "accounted",
    "accounting",
    "account",
    "accounts",
    "represent",
    "represents",
    "represented",
    "representing",
    "representa",
    "representan",
    "representaron",
    "represento",
    "participacion",
    "participa",
    "contributed",
    "contributing",
    "contribution",
    "aporto",
    "aportaron",
    "aporta",
    "concentro",
    "concentra",
    "concentraron",
    "porcentaje",
    "proportion",
    "proporcion",
    "equivalente",
    "equivalent",
]);

/// Words announcing an average annual (compound) rate.
pub static CAGR_CUES: Cues<&str> = Cues::new(&[
    "average annual",
    "annual average",
    "compound annual",
    "cagr",
    "tmca",
    "tcma",
    "tasa media anual",
    "crecimiento anual promedio",
    "tasa promedio anual",
    "promedio anual",
    "media anual",
    "anual compuesta",
    "per year on average",
    "a year on average",
    "average yearly",
]);

/// Phrases presenting a list as a ranking.
pub static RANKING_CUES: Cues<&str> = Cues::new(&[
    "followed by",
    "led by",
    "seguido de",
    "seguido por",
    "seguida de",
    "seguidos de",
    "le siguen",
    "le sigue",
    "le siguieron",
    "le siguio",
    "encabezado por",
    "encabezada por",
    "los principales",
    "las principales",
    "el principal",
    "la principal",
    "main",
    "leading",
    "largest",
    "biggest",
    "top",
    "mayor",
    "mayores",
    "primer lugar",
    "primeros lugares",
    "ranking",
    "ranked",
    "ranks",
    "principal",
]);

/// Nouns of a breakdown of one whole: the items listed after them with a
/// bare percentage ("Canadá con 4.1%") are shares.
pub static LIST_NOUNS: Cues<&str> = Cues::new(&[
    "destinos",
    "destino",
    "mercados",
    "socios",
    "paises",
    "proveedores",
    "compradores",
    "origen",
    "sectores",
    "estados",
    "entidades",
    "municipios",
    "destinations",
    "destination",
    "markets",
    "partners",
    "countries",
    "suppliers",
    "buyers",
    "sectors",
    "states",
    "municipalities",
]);

/// Words of a level that is not a share of a whole: a list of rates
/// ("the highest tariff rates were China at 45%, …") does not add up.
pub static RATE_WORDS: Cues<&str> = Cues::new(&[
    "tasa",
    "tasas",
    "rate",
    "rates",
    "arancel",
    "aranceles",
    "arancelaria",
    "arancelarias",
    "tariff",
    "tariffs",
    "inflacion",
    "inflation",
    "desempleo",
    "unemployment",
    "margen",
    "margin",
    "rendimiento",
    "yield",
    "indice",
    "index",
    "utilizacion",
    "utilization",
    "ocupacion",
    "occupancy",
]);

/// Sentence openings that continue the previous sentence's list.
pub const CONTINUATION_CUES: &[&str] = &[
    "it was followed by",
    "they were followed by",
    "followed by",
    "next came",
    "then came",
    "including",
    "le sigue",
    "le siguen",
    "le siguio",
    "le siguieron",
    "seguido de",
    "seguido por",
    "seguida de",
    "seguidos de",
    "incluyendo",
    "en segundo lugar",
    "en tercer lugar",
    "second",
    "third",
];

/// Phrases summing the list before them ("the six states accounted for").
pub static COMBINED_CUES: Cues<&str> = Cues::new(&[
    "together",
    "combined",
    "jointly",
    "in total",
    "altogether",
    "en conjunto",
    "conjuntamente",
    "juntos",
    "juntas",
    "en total",
    "the six",
    "the five",
    "the four",
    "the three",
    "the two",
    "the seven",
    "the eight",
    "the ten",
    "these",
    "los seis",
    "los cinco",
    "los cuatro",
    "los tres",
    "los dos",
    "las seis",
    "las cinco",
    "las cuatro",
    "las tres",
    "las dos",
    "estos",
    "estas",
]);

/// Items that make a breakdown complete.
pub static REMAINDER_CUES: Cues<&str> = Cues::new(&[
    "resto",
    "el resto",
    "los demas",
    "las demas",
    "otros",
    "otras",
    "others",
    "other",
    "the rest",
    "rest",
    "remaining",
    "remainder",
    "demas",
]);

/// Economic sectors; a list naming manufacturing, mining and agriculture
/// covers all goods exports.
pub static SECTORS: Cues<(&str, &str)> = Cues::new(&[
    ("manufacturing", "31-33"),
    ("manufactures", "31-33"),
    ("manufacturas", "31-33"),
    ("manufacturera", "31-33"),
    ("manufactureras", "31-33"),
    ("mining", "21"),
    ("mineria", "21"),
    ("extractivas", "21"),
    ("extractive", "21"),
    ("oil", "21"),
    ("petroleras", "21"),
    ("agriculture", "11"),
    ("agricultura", "11"),
    ("agropecuario", "11"),
    ("agropecuarias", "11"),
    ("agropecuaria", "11"),
    ("agriculture and livestock", "11"),
    ("livestock", "11"),
]);

/// Hedges in front of a figure and how they widen its interval:
/// (phrase, lower factor, upper factor); `None` keeps the printed bound,
/// infinity drops it.
pub const HEDGES: &[(&str, Option<f64>, Option<f64>)] = &[
    ("nearly", Some(0.9), None),
    ("almost", Some(0.9), None),
    ("close to", Some(0.9), None),
    ("casi", Some(0.9), None),
    ("cerca de", Some(0.9), None),
    ("about", Some(0.9), Some(1.1)),
    ("around", Some(0.9), Some(1.1)),
    ("approximately", Some(0.9), Some(1.1)),
    ("roughly", Some(0.9), Some(1.1)),
    ("some", Some(0.9), Some(1.1)),
    ("aproximadamente", Some(0.9), Some(1.1)),
    ("alrededor de", Some(0.9), Some(1.1)),
    ("more than", None, Some(f64::INFINITY)),
    ("over", None, Some(f64::INFINITY)),
    ("exceeded", None, Some(f64::INFINITY)),
    ("above", None, Some(f64::INFINITY)),
    ("at least", None, Some(f64::INFINITY)),
    ("mas de", None, Some(f64::INFINITY)),
    ("supero", None, Some(f64::INFINITY)),
    ("superaron", None, Some(f64::INFINITY)),
    ("al menos", None, Some(f64::INFINITY)),
    ("less than", Some(0.0), None),
    ("under", Some(0.0), None),
    ("below", Some(0.0), None),
    ("menos de", Some(0.0), None),
    ("up to", Some(0.0), None),
];

/// Words naming a trade direction.
pub static DIRECTION_CUES: Cues<(&str, Direction)> = Cues::new(&[
    ("exports", Direction::Export),
    ("export", Direction::Export),
    ("exported", Direction::Export),
    ("exporting", Direction::Export),
    ("exporter", Direction::Export),
    ("shipments", Direction::Export),
    ("exportaciones", Direction::Export),
    ("exportacion", Direction::Export),
    ("exporto", Direction::Export),
    ("exportaron", Direction::Export),
    ("ventas", Direction::Export),
    ("venta", Direction::Export),
    ("imports", Direction::Import),
    ("import", Direction::Import),
    ("imported", Direction::Import),
    ("importaciones", Direction::Import),
    ("importacion", Direction::Import),
    ("importo", Direction::Import),
    ("compras", Direction::Import),
    ("compra", Direction::Import),
    ("purchases", Direction::Import),
]);

/// Words naming an administrative level.
pub const LEVEL_WORDS: &[(&str, RegionLevel)] = &[
    ("estado", RegionLevel::State),
    ("entidad", RegionLevel::State),
    ("state", RegionLevel::State),
    ("estatal", RegionLevel::State),
    ("municipio", RegionLevel::Municipality),
    ("municipality", RegionLevel::Municipality),
    ("municipal", RegionLevel::Municipality),
    ("pais", RegionLevel::Country),
    ("country", RegionLevel::Country),
    ("nacion", RegionLevel::Country),
    ("nation", RegionLevel::Country),
    ("nacional", RegionLevel::Country),
    ("national", RegionLevel::Country),
];

/// Position of the last occurrence of `phrase` as whole words in `hay`:
/// for a single phrase; a list of them is a [`Cues`].
pub fn rfind_word(hay: &str, phrase: &str) -> Option<usize> {
    // Every occurrence, overlapping ones too, found forwards by memchr's
    // vectorised search; the last one that is whole words wins.
    if phrase.is_empty() {
        return None;
    }
    let finder = memchr::memmem::Finder::new(phrase);
    let mut last = None;
    let mut from = 0;
    while let Some(at) = finder.find(&hay.as_bytes()[from..]) {
        let i = from + at;
        if is_boundary(hay, i, i + phrase.len()) {
            last = Some(i);
        }
        // The next (possibly overlapping) match starts after this one's
        // first character; a match of valid UTF-8 starts on a boundary.
        from = i + hay[i..].chars().next().map_or(1, char::len_utf8);
    }
    last
}

/// Whether `phrase` occurs as whole words in `hay`.
pub fn has_word(hay: &str, phrase: &str) -> bool {
    rfind_word(hay, phrase).is_some()
}

fn is_boundary(hay: &str, start: usize, end: usize) -> bool {
    let before = hay[..start].chars().next_back();
    let after = hay[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// The last growth cue in `hay`: position and whether it is a fall.
pub fn last_growth_cue(hay: &str) -> Option<(usize, bool)> {
    GROWTH_CUES.last(hay).map(|(at, (_, fall))| (at, *fall))
}

/// The last direction named in `hay`.
pub fn last_direction(hay: &str) -> Option<(usize, Direction)> {
    DIRECTION_CUES.last(hay).map(|(at, (_, d))| (at, *d))
}

/// Number words up to twelve, English and Spanish.
pub fn count_word(w: &str) -> Option<usize> {
    const WORDS: &[(&str, usize)] = &[
        ("two", 2),
        ("three", 3),
        ("four", 4),
        ("five", 5),
        ("six", 6),
        ("seven", 7),
        ("eight", 8),
        ("nine", 9),
        ("ten", 10),
        ("eleven", 11),
        ("twelve", 12),
        ("dos", 2),
        ("tres", 3),
        ("cuatro", 4),
        ("cinco", 5),
        ("seis", 6),
        ("siete", 7),
        ("ocho", 8),
        ("nueve", 9),
        ("diez", 10),
        ("once", 11),
        ("doce", 12),
    ];
    WORDS
        .iter()
        .find(|(k, _)| *k == w)
        .map(|(_, n)| *n)
        .or_else(|| w.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::{Cues, rfind_word};

    static LIST: Cues<(&str, u8)> = Cues::new(&[
        ("aa", 1),
        ("a a", 2),
        ("año", 3),
        ("fell", 4),
        ("fell by", 5),
    ]);

    #[test]
    fn a_cue_list_finds_whole_words_only() {
        let found = |hay: &str| -> Vec<(usize, u8)> {
            let mut m: Vec<_> = LIST
                .matches(hay)
                .map(|(at, i)| (at, LIST.entries()[i].1))
                .collect();
            m.sort();
            m
        };
        assert_eq!(found("aa bb aa"), [(0, 1), (6, 1)]);
        assert_eq!(found("aaaa aaa"), [], "never whole");
        assert_eq!(
            found("aa a a"),
            [(0, 1), (3, 2)],
            "overlapping a partial one"
        );
        assert_eq!(found("x añoaño ño año"), [(15, 3)], "after multibyte chars");
        assert_eq!(found("it fell by 3%"), [(3, 4), (3, 5)]);
        assert!(LIST.any("it fell"));
        assert!(!LIST.any("it fellow"));
        assert!(!LIST.any(""));
    }

    #[test]
    fn a_cue_list_picks_the_last_then_longest_then_first_listed() {
        let last = |hay: &str| LIST.last(hay).map(|(at, e)| (at, e.1));
        assert_eq!(
            last("by aa fell by"),
            Some((6, 5)),
            "longest at the last start"
        );
        assert_eq!(last("fell by aa"), Some((8, 1)));
        assert_eq!(last("aa fell"), Some((3, 4)));
        assert_eq!(last("nothing here"), None);
        assert_eq!(LIST.first_listed("fell aa").map(|e| e.1), Some(1));
        assert_eq!(LIST.first_listed("fell by").map(|e| e.1), Some(4));
    }

    #[test]
    fn rfind_word_finds_the_last_whole_word_match() {
        assert_eq!(rfind_word("aa bb aa", "aa"), Some(6));
        assert_eq!(
            rfind_word("aa aaa", "aa"),
            Some(0),
            "skips matches inside words"
        );
        assert_eq!(rfind_word("aaaa", "aa"), None, "overlapping, never whole");
        assert_eq!(
            rfind_word("aa a a", "a a"),
            Some(3),
            "a whole match overlapping a partial one before it"
        );
        assert_eq!(
            rfind_word("ño año", "ño"),
            Some(0),
            "after a multibyte char"
        );
        assert_eq!(rfind_word("año x año", "año"), Some(7));
        assert_eq!(rfind_word("x añoaño", "año"), None);
        assert_eq!(rfind_word("exportaciones", "exportacion"), None);
        assert_eq!(rfind_word("", "a"), None);
        assert_eq!(rfind_word("a", ""), None);
    }
}
