//! The document extractor: from Markdown or plain text, Spanish or English,
//! to claims. Layout first (headings, sentences, tables, unit lines), then
//! names (gazetteer), the scope, and the figures of prose and tables with
//! their entities, periods, directions and links.

mod classify;
pub mod layout;
pub mod lexicon;
mod links;
pub mod numbers;
pub mod periods;
mod prose;
mod ranks;
pub mod scope;
mod tables;

use std::sync::LazyLock;

use regex::Regex;
use tradegraph_domain::{Direction, text};

use crate::claim::{Claim, ClaimKind, EntityRef, Span};
use crate::gazetteer::{EntityKind, Gazetteer, Mention};
use layout::Layout;
pub use scope::{Scope, ScopeMethod};

static LEVEL_PHRASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:en|in)\s+(?:el|la|the|this|este|esta)\s+(?:estado|entidad|municipio|pa[ií]s|state|municipality|country)(?-u:\b)")
        .expect("valid regex")
});

/// What the extractor read from a document.
#[derive(Debug, Clone)]
pub struct Extraction {
    pub scope: Option<Scope>,
    /// `"es"` or `"en"`.
    pub language: String,
    pub claims: Vec<Claim>,
}

/// Extracts the claims of `text`. `given_scope` must be a known region code
/// (the caller checks); `title` is the document's title when known apart
/// from its text.
pub fn extract(
    text: &str,
    title: Option<&str>,
    given_scope: Option<&str>,
    gaz: &Gazetteer,
) -> Extraction {
    let layout = layout::layout(text);
    let raws = gaz.scan(text);
    let scope = scope::detect(text, title, given_scope, &layout, &raws, gaz);
    let scope_code = scope.as_ref().map(|s| s.region_code.clone());
    let mentions = gaz.resolve(text, &raws, scope_code.as_deref());
    let mut b = Builder {
        text,
        gaz,
        layout: &layout,
        mentions,
        scope: scope_code,
        claims: Vec::new(),
        next_group: 0,
        table_groups: Vec::new(),
    };
    b.mention_claims();
    tables::extract_tables(&mut b);
    prose::extract_prose(&mut b);
    ranks::extract_ordinals(&mut b);
    b.level_claims();
    Extraction {
        scope,
        language: detect_language(text),
        claims: b.claims,
    }
}

/// The claims group standing for a table when prose describes it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TableGroup {
    pub table: usize,
    pub group: usize,
    pub direction: Option<Direction>,
}

/// Shared state of one extraction.
pub(crate) struct Builder<'a> {
    pub text: &'a str,
    pub gaz: &'a Gazetteer,
    pub layout: &'a Layout,
    pub mentions: Vec<Mention>,
    pub scope: Option<String>,
    pub claims: Vec<Claim>,
    pub next_group: usize,
    /// Per table: the group of its first figure column and its direction.
    pub table_groups: Vec<TableGroup>,
}

impl Builder<'_> {
    /// Adds a claim, numbering it.
    pub fn push(&mut self, mut claim: Claim) -> usize {
        claim.id = self.claims.len();
        self.claims.push(claim);
        self.claims.len() - 1
    }

    pub fn new_group(&mut self) -> usize {
        self.next_group += 1;
        self.next_group - 1
    }

    pub fn slice(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }

    /// The excerpt a claim of this span shows: its sentence, capped.
    pub fn excerpt(&self, span: Span) -> String {
        let s = self.slice(span).trim();
        if s.len() <= 400 {
            return s.to_string();
        }
        let cut = (0..=400)
            .rev()
            .find(|&i| s.is_char_boundary(i))
            .unwrap_or(0);
        format!("{}…", &s[..cut])
    }

    /// Mentions inside `span`, in order.
    pub fn mentions_in(&self, span: Span) -> impl Iterator<Item = &Mention> {
        self.mentions.iter().filter(move |m| span.contains(m.span))
    }

    pub fn entity_ref(m: &Mention) -> EntityRef {
        EntityRef {
            key: m.key.clone(),
            surface: m.surface.clone(),
            span: Some(m.span),
            candidates: m.candidates.clone(),
            inferred: false,
        }
    }

    /// The scope as an inferred region reference.
    pub fn scope_ref(&self) -> Option<EntityRef> {
        let code = self.scope.as_ref()?;
        let name = self.gaz.name_of(EntityKind::Region, code).unwrap_or(code);
        Some(EntityRef {
            key: Some(code.clone()),
            surface: name.to_string(),
            inferred: true,
            ..EntityRef::default()
        })
    }

    /// One MENTION claim per region or partner name.
    fn mention_claims(&mut self) {
        let layout = self.layout;
        for m in self.mentions.clone() {
            let sentence = layout.sentences.iter().find(|s| s.span.contains(m.span));
            let table_row = layout
                .tables
                .iter()
                .flat_map(|t| &t.rows)
                .find(|r| r.iter().any(|c| c.contains(m.span)));
            let context = match (sentence, table_row) {
                (Some(s), _) => s.span,
                (None, Some(row)) => row[0].cover(row[row.len() - 1]),
                (None, None) => m.span,
            };
            let mut c = Claim::new(0, ClaimKind::Mention, self.excerpt(context), m.span);
            c.sentence = sentence.map(|s| s.id);
            match m.kind {
                EntityKind::Region => c.region = Some(Self::entity_ref(&m)),
                EntityKind::Partner => c.partner = Some(Self::entity_ref(&m)),
                EntityKind::Product => c.product = Some(Self::entity_ref(&m)),
            }
            self.push(c);
        }
    }

    /// MENTION claims for locative wording naming an administrative level
    /// ("en el estado", "in the country").
    fn level_claims(&mut self) {
        let layout = self.layout;
        for s in &layout.sentences {
            let body = &self.text[s.span.start..s.span.end];
            for m in LEVEL_PHRASE.find_iter(body) {
                let words = text::words(m.as_str());
                let Some(last) = words.last() else { continue };
                let Some(level) = lexicon::LEVEL_WORDS
                    .iter()
                    .find(|(w, _)| *w == last.folded)
                    .map(|(_, l)| *l)
                else {
                    continue;
                };
                let span = Span::new(s.span.start + m.start(), s.span.start + m.end());
                let mut c = Claim::new(0, ClaimKind::Mention, self.excerpt(s.span), span);
                c.level = Some(level);
                c.label = Some(m.as_str().to_string());
                c.sentence = Some(s.id);
                self.push(c);
            }
        }
    }
}

/// `"es"` or `"en"` by counting function words.
pub fn detect_language(text: &str) -> String {
    const ES: &[&str] = &[
        "de", "la", "el", "los", "las", "en", "que", "y", "del", "por", "con", "se",
    ];
    const EN: &[&str] = &[
        "the", "of", "and", "in", "to", "from", "with", "by", "was", "is", "at", "its",
    ];
    let (mut es, mut en) = (0, 0);
    // The words of `text::words`, folded into one buffer.
    let mut folded = String::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(2000)
    {
        folded.clear();
        word.chars()
            .for_each(|c| text::fold_char_into(c, &mut folded));
        es += usize::from(ES.contains(&folded.as_str()));
        en += usize::from(EN.contains(&folded.as_str()));
    }
    if es > en { "es".into() } else { "en".into() }
}
