//! Stated ranks: ordinal statements ("en primer lugar se encuentran …, el
//! segundo corresponde a …") linked to the table they describe, and lists
//! of names presented as a ranking ("los principales destinos fueron
//! Estados Unidos, Canadá y El Salvador").

use std::sync::LazyLock;

use regex::Regex;
use tradegraph_domain::text::fold;

use super::Builder;
use super::layout::Sentence;
use super::lexicon::{RANKING_CUES, last_direction};
use super::numbers::figures;
use crate::claim::{Claim, ClaimKind, EntityRef, GroupKind, GroupRef, Span};
use crate::gazetteer::{EntityKind, Mention};

static ORDINAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:(?:en|in|el|la|lo|the)\s+)?(?:(?:el|la|the)\s+)?(primer|primero|primera|segundo|segunda|tercer|tercero|tercera|cuarto|cuarta|quinto|quinta|first|second|third|fourth|fifth)(?:\s+(?:lugar|sitio|puesto|posici[oó]n|place|position))?(?-u:\b)")
        .expect("valid regex")
});
static VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*,?\s*(?:se\s+encuentra[n]?|se\s+ubica[n]?|le\s+corresponde\s+a(?:l)?|corresponde[n]?\s+a(?:l)?|lo\s+ocupa[n]?|es|son|fue|fueron|est[aá][n]?|figura[n]?|destaca[n]?|aparece[n]?|is|was|are|were|goes\s+to|went\s+to|corresponds\s+to)\s+(?:(?:el|la|los|las|the)\s+)?")
        .expect("valid regex")
});

pub(crate) fn extract_ordinals(b: &mut Builder) {
    let sentences = b.layout.sentences.clone();
    for s in &sentences {
        ordinal_statements(b, s);
        named_ranking(b, s);
    }
}

fn rank_of(word: &str) -> u32 {
    match fold(word).as_str() {
        "primer" | "primero" | "primera" | "first" => 1,
        "segundo" | "segunda" | "second" => 2,
        "tercer" | "tercero" | "tercera" | "third" => 3,
        "cuarto" | "cuarta" | "fourth" => 4,
        _ => 5,
    }
}

/// "en primer lugar se encuentran X y el segundo corresponde a Y".
fn ordinal_statements(b: &mut Builder, s: &Sentence) {
    let body = b.slice(s.span).to_string();
    let found: Vec<(usize, usize, u32)> = ORDINAL
        .captures_iter(&body)
        .filter_map(|c| {
            Some((
                c.get(0)?.start(),
                c.get(0)?.end(),
                rank_of(c.get(1)?.as_str()),
            ))
        })
        .collect();
    let table = described_table(b, s);
    for (k, &(start, end, rank)) in found.iter().enumerate() {
        let Some(verb) = VERB.find(&body[end..]) else {
            continue;
        };
        let item_start = end + verb.end();
        let item_end = found.get(k + 1).map_or(body.len(), |n| n.0).max(item_start);
        let item = body[item_start..item_end]
            .trim_end_matches(|c: char| c.is_whitespace() || ".,;:".contains(c))
            .trim_end_matches(" y")
            .trim_end_matches(" and")
            .trim_end_matches(|c: char| c.is_whitespace() || ".,;:".contains(c));
        if item.is_empty() || item.len() > 160 {
            continue;
        }
        let span = Span::new(s.span.start + start, s.span.start + item_start + item.len());
        let mut c = Claim::new(0, ClaimKind::Rank, b.excerpt(s.span), span);
        c.rank = Some(rank);
        c.label = Some(item.to_string());
        c.sentence = Some(s.id);
        c.direction = last_direction(&fold(&body)).map(|(_, d)| d);
        let item_span = Span::new(
            s.span.start + item_start,
            s.span.start + item_start + item.len(),
        );
        for m in b.mentions_in(item_span) {
            match m.kind {
                EntityKind::Region if c.region.is_none() => c.region = Some(Builder::entity_ref(m)),
                EntityKind::Partner if c.partner.is_none() => {
                    c.partner = Some(Builder::entity_ref(m))
                }
                _ => {}
            }
        }
        if let Some(key) = b.gaz.match_product(item) {
            c.product = Some(EntityRef {
                key: Some(key.to_string()),
                surface: item.to_string(),
                ..EntityRef::default()
            });
        }
        c.links.table = table;
        b.push(c);
    }
}

/// The table a sentence describes: one it introduces, or one right before
/// or after its paragraph whose direction agrees.
fn described_table(b: &Builder, s: &Sentence) -> Option<usize> {
    let direction = last_direction(&fold(b.slice(s.span))).map(|(_, d)| d);
    let agrees = |d: Option<tradegraph_domain::Direction>| {
        d.is_none() || direction.is_none() || d == direction
    };
    let candidates = b.table_groups.iter().filter(|g| {
        let t = &b.layout.tables[g.table];
        t.intro == Some(s.id)
            || t.block == s.block + 1
            || t.block + 1 == s.block
            || (t.block == s.block + 2 && t.intro.is_some_and(|i| b.layout.sentences[i].heading))
    });
    let mut best = None;
    for g in candidates {
        if agrees(g.direction) {
            let t = &b.layout.tables[g.table];
            if best.is_none() || t.block > s.block {
                best = Some(g.group);
            }
        }
    }
    best
}

/// Names enumerated after a ranking cue, in a sentence without figures.
fn named_ranking(b: &mut Builder, s: &Sentence) {
    let folded = fold(b.slice(s.span));
    if !RANKING_CUES.any(&folded) || !figures(b.text, s.span).is_empty() {
        return;
    }
    let mentions: Vec<Mention> = b.mentions_in(s.span).cloned().collect();
    let mut run: Vec<&Mention> = Vec::new();
    let mut best: Vec<&Mention> = Vec::new();
    for m in &mentions {
        let continues = run.last().is_some_and(|p: &&Mention| {
            p.kind == m.kind
                && matches!(
                    fold(&b.text[p.span.end..m.span.start]).trim(),
                    "," | "y" | "e" | "and" | ", y" | ", and"
                )
        });
        if !continues {
            if run.len() > best.len() {
                best = std::mem::take(&mut run);
            }
            run.clear();
        }
        run.push(m);
    }
    if run.len() > best.len() {
        best = run;
    }
    if best.len() < 2 {
        return;
    }
    let group = b.new_group();
    let direction = last_direction(&folded).map(|(_, d)| d);
    for (i, m) in best.iter().enumerate() {
        let mut c = Claim::new(0, ClaimKind::Rank, b.excerpt(s.span), m.span);
        c.rank = Some(i as u32 + 1);
        c.sentence = Some(s.id);
        c.direction = direction;
        c.group = Some(GroupRef {
            id: group,
            kind: GroupKind::Ranking,
            complete: false,
            position: i as u32 + 1,
        });
        match m.kind {
            EntityKind::Partner => {
                c.partner = Some(Builder::entity_ref(m));
                c.region = b.scope_ref();
            }
            _ => c.region = Some(Builder::entity_ref(m)),
        }
        b.push(c);
    }
}
