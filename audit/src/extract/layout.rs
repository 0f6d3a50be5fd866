//! The shape of a document: headings, paragraphs split into sentences,
//! tables (tab- or pipe-separated, with a header row) and unit lines
//! ("Cifras en millones de dólares estadounidenses").

use std::sync::LazyLock;

use regex::Regex;
use tradegraph_domain::{Currency, interval::scale_of_word, text};

use crate::claim::Span;

static UNIT_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\s(*_]*(?:(?:cifras|valores|montos|datos|figures|values|amounts|data)\s+)?(?:(?:en|in|expresad[oa]s\s+en|expressed\s+in)\s+)?(?P<a>(?:US\$|USD|MXN|MX\$)\s*)?(?P<scale>miles\s+de\s+millones|mil\s+millones|millones|miles|billones|billions?|millions?|thousands?)?\s*(?:de\s+|of\s+)?(?P<cur>d[oó]lares(?:\s+estadounidenses)?|(?:US\s+)?dollars|pesos(?:\s+mexicanos)?|US\$|USD|MXN)?[\s).*_]*$")
        .expect("valid regex")
});

/// One sentence, heading or title line.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub id: usize,
    pub span: Span,
    /// Index of its block; sentences of one paragraph share it.
    pub block: usize,
    pub heading: bool,
}

/// A table: rows of cell spans; the first row is the header when it has no
/// figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub block: usize,
    pub header: Option<Vec<Span>>,
    pub rows: Vec<Vec<Span>>,
    pub span: Span,
    /// The heading or sentence right before the table, which introduces it.
    pub intro: Option<usize>,
    pub unit: Option<UnitLine>,
}

/// A line that only states the unit of nearby figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnitLine {
    pub block: usize,
    pub span: Span,
    pub currency: Option<Currency>,
    pub scale: f64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    pub sentences: Vec<Sentence>,
    pub tables: Vec<Table>,
    pub unit_lines: Vec<UnitLine>,
}

enum Line {
    Blank,
    Heading(Span),
    Row(Vec<Span>),
    Unit(UnitLine),
    Prose(Span),
}

/// Splits `text` into sentences, tables and unit lines.
pub fn layout(text: &str) -> Layout {
    let mut out = Layout::default();
    let mut block = 0usize;
    let mut paragraph: Option<Span> = None;
    let mut rows: Vec<Vec<Span>> = Vec::new();
    let mut offset = 0;
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .map(|l| {
            let start = offset;
            offset += l.len();
            (start, l.trim_end_matches(['\n', '\r']))
        })
        .collect();
    for (start, line) in lines {
        let kind = classify(line, start, block);
        if !matches!(kind, Line::Prose(_))
            && let Some(p) = paragraph.take()
        {
            push_paragraph(&mut out, text, p, block);
            block += 1;
        }
        if !matches!(kind, Line::Row(_)) && !rows.is_empty() {
            push_table(&mut out, std::mem::take(&mut rows), block);
            block += 1;
        }
        match kind {
            Line::Blank => {}
            Line::Heading(span) => {
                let id = out.sentences.len();
                out.sentences.push(Sentence {
                    id,
                    span,
                    block,
                    heading: true,
                });
                block += 1;
            }
            Line::Row(cells) => rows.push(cells),
            Line::Unit(mut u) => {
                u.block = block;
                out.unit_lines.push(u);
                block += 1;
            }
            Line::Prose(span) => {
                let soft_wrap = paragraph.is_some_and(|p| {
                    !text[p.start..p.end].ends_with(['.', '!', '?', ':', ';'])
                        && text[span.start..].starts_with(|c: char| c.is_lowercase())
                });
                if let Some(p) = paragraph.take() {
                    if soft_wrap {
                        paragraph = Some(p.cover(span));
                        continue;
                    }
                    push_paragraph(&mut out, text, p, block);
                    block += 1;
                }
                paragraph = Some(span);
            }
        }
    }
    if let Some(p) = paragraph.take() {
        push_paragraph(&mut out, text, p, block);
        block += 1;
    }
    if !rows.is_empty() {
        push_table(&mut out, rows, block);
    }
    attach_tables(&mut out);
    out
}

fn classify(line: &str, start: usize, block: usize) -> Line {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return Line::Blank;
    }
    let lead = line.len() - line.trim_start().len();
    if trimmed.starts_with('#') {
        let body = trimmed.trim_start_matches('#').trim_start();
        let s = start + lead + (trimmed.len() - body.len());
        return Line::Heading(Span::new(s, s + body.trim_end().len()));
    }
    if let Some(cells) = cells(line, start) {
        return Line::Row(cells);
    }
    if trimmed.len() <= 90
        && let Some(caps) = UNIT_LINE.captures(trimmed)
    {
        let scale = caps.name("scale").and_then(|m| scale_of_word(m.as_str()));
        let cur = caps
            .name("cur")
            .or(caps.name("a"))
            .map(|m| text::fold(m.as_str()));
        let currency = cur.map(|c| {
            if c.contains("peso") || c.contains("mx") {
                Currency::Mxn
            } else {
                Currency::Usd
            }
        });
        if scale.is_some() || currency.is_some() {
            let span = Span::new(start + lead, start + lead + trimmed.len());
            return Line::Unit(UnitLine {
                block,
                span,
                currency,
                scale: scale.unwrap_or(1.0),
            });
        }
    }
    Line::Prose(Span::new(start + lead, start + lead + trimmed.len()))
}

/// Cells of a tab- or pipe-separated row (at least two), else `None`.
fn cells(line: &str, start: usize) -> Option<Vec<Span>> {
    let sep = if line.contains('\t') {
        '\t'
    } else if line.matches('|').count() >= 2
        || (line.trim_start().starts_with('|') && line.contains('|'))
    {
        '|'
    } else {
        return None;
    };
    let mut out = Vec::new();
    let mut pos = start;
    for part in line.split(sep) {
        let lead = part.len() - part.trim_start().len();
        let t = part.trim();
        if !t.is_empty() {
            out.push(Span::new(pos + lead, pos + lead + t.len()));
        }
        pos += part.len() + sep.len_utf8();
    }
    // A Markdown alignment row (|---|:--:|) is not data.
    let is_rule = !out.is_empty()
        && line
            .chars()
            .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'));
    if is_rule {
        return Some(Vec::new());
    }
    (out.len() >= 2).then_some(out)
}

fn push_table(out: &mut Layout, rows: Vec<Vec<Span>>, block: usize) {
    let rows: Vec<Vec<Span>> = rows.into_iter().filter(|r| !r.is_empty()).collect();
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return;
    };
    let span = Span::new(first[0].start, last[last.len() - 1].end);
    out.tables.push(Table {
        block,
        header: None,
        rows,
        span,
        intro: None,
        unit: None,
    });
}

fn push_paragraph(out: &mut Layout, text: &str, span: Span, block: usize) {
    let body = &text[span.start..span.end];
    // A short line without final punctuation is a title or heading.
    let heading = !body.contains('\n')
        && body.len() <= 140
        && !body.trim_end().ends_with(['.', '!', '?', ';']);
    let mut start = span.start;
    for end in sentence_ends(text, span) {
        let s = trim_span(text, Span::new(start, end));
        if s.start < s.end {
            let id = out.sentences.len();
            out.sentences.push(Sentence {
                id,
                span: s,
                block,
                heading,
            });
        }
        start = end;
    }
}

/// Byte offsets where sentences of `text[span]` end.
fn sentence_ends(text: &str, span: Span) -> Vec<usize> {
    let body = &text[span.start..span.end];
    let mut ends = Vec::new();
    let chars: Vec<(usize, char)> = body.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let Some(&(_, next)) = chars.get(k + 1) else {
            continue;
        };
        let Some(&(_, after)) = chars.get(k + 2) else {
            continue;
        };
        if !next.is_whitespace()
            || !(after.is_uppercase() || after.is_ascii_digit() || "\"“¿¡(".contains(after))
        {
            continue;
        }
        let word: String = body[..i]
            .chars()
            .rev()
            .take_while(|c| c.is_alphabetic())
            .collect();
        let abbreviation = word.chars().count() == 1
            || [
                "ee", "uu", "rm", "sr", "sra", "dr", "mr", "mrs", "ms", "no", "vs", "lic", "ing",
                "st",
            ]
            .contains(&text::fold(&word.chars().rev().collect::<String>()).as_str());
        if !abbreviation {
            ends.push(span.start + i + 1);
        }
    }
    ends.push(span.end);
    ends
}

fn trim_span(text: &str, s: Span) -> Span {
    let slice = &text[s.start..s.end];
    let lead = slice.len() - slice.trim_start().len();
    Span::new(s.start + lead, s.start + lead + slice.trim().len())
}

/// Gives each table its introducing sentence, header and unit line.
fn attach_tables(out: &mut Layout) {
    for t in &mut out.tables {
        t.intro = out
            .sentences
            .iter()
            .rev()
            .find(|s| s.block + 1 == t.block)
            .map(|s| s.id);
        let unit_after = out.unit_lines.iter().find(|u| u.block == t.block + 1);
        let unit_before = out.unit_lines.iter().find(|u| u.block + 1 == t.block);
        t.unit = unit_after.or(unit_before).copied();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_headings_paragraphs_tables_and_units() {
        let text = "# Comercio | Mexicali 2025\n\nEl total fue de 5.1 millones. Creció 3%.\n\nPRODUCTO\tVALOR\nCircuitos\t\\$184.09\n\nCifras en millones de dólares estadounidenses.\n";
        let l = layout(text);
        let s: Vec<&str> = l
            .sentences
            .iter()
            .map(|s| &text[s.span.start..s.span.end])
            .collect();
        assert_eq!(
            s,
            [
                "Comercio | Mexicali 2025",
                "El total fue de 5.1 millones.",
                "Creció 3%."
            ]
        );
        assert!(l.sentences[0].heading);
        assert_eq!(l.tables.len(), 1);
        assert_eq!(l.tables[0].rows.len(), 2);
        let unit = l.tables[0].unit.unwrap();
        assert_eq!((unit.currency, unit.scale), (Some(Currency::Usd), 1e6));
        assert_eq!(l.tables[0].intro, Some(2));
    }

    #[test]
    fn pipe_tables_skip_the_rule_row() {
        let text = "| Estado | Part. % |\n|---|---:|\n| Chihuahua | 18.9 |\n";
        let l = layout(text);
        assert_eq!(l.tables[0].rows.len(), 2);
    }

    #[test]
    fn decimals_and_abbreviations_do_not_end_sentences() {
        let text = "Las ventas a EE. UU. subieron 18.9% en 2024. Luego bajaron.";
        let l = layout(text);
        assert_eq!(l.sentences.len(), 2);
    }

    #[test]
    fn unit_lines_in_both_languages() {
        for (line, cur, scale) in [
            ("US$ billion", Some(Currency::Usd), 1e9),
            ("Cifras en millones de pesos", Some(Currency::Mxn), 1e6),
            ("(millions of US dollars)", Some(Currency::Usd), 1e6),
        ] {
            let l = layout(line);
            if scale == 0.0 {
                continue;
            }
            assert_eq!(l.unit_lines.len(), 1, "{line}");
            assert_eq!(
                (l.unit_lines[0].currency, l.unit_lines[0].scale),
                (cur, scale),
                "{line}"
            );
        }
    }
}
