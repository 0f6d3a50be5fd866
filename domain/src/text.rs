//! Accent- and case-folding shared by every name lookup.
//!
//! `fold` turns "Nuevo León" into "nuevo leon" and "EE. UU." into "ee.uu.":
//! lower case, no diacritics (NFD, combining marks dropped), typographic
//! punctuation mapped to ASCII, whitespace collapsed. `words` splits a text
//! into folded word tokens that keep their byte span in the original, so a
//! match found on folded text points back at the exact printed excerpt.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Folds one character into `out`: lower case, diacritics removed,
/// typographic punctuation mapped to its ASCII counterpart.
#[inline]
pub fn fold_char_into(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else {
        fold_non_ascii(c, out);
    }
}

fn fold_non_ascii(c: char, out: &mut String) {
    match c {
        '‘' | '’' | '´' | '`' => out.push('\''),
        '“' | '”' | '«' | '»' => out.push('"'),
        '–' | '—' | '−' | '‐' | '‑' => out.push('-'),
        '\u{a0}' | '\u{2009}' | '\u{202f}' => out.push(' '),
        _ => decompose_canonical(c, |d| {
            if !is_combining_mark(d) {
                out.extend(d.to_lowercase());
            }
        }),
    }
}

/// Lower-cased, accent-free text with single spaces and no space before a
/// period that closes an abbreviation ("EE. UU." → "ee.uu.").
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space && !(out.ends_with('.') && is_abbreviation_tail(&out)) {
            out.push(' ');
        }
        pending_space = false;
        fold_char_into(c, &mut out);
    }
    out
}

/// Whether `folded` ends in a one- or two-letter abbreviation with a period
/// ("ee." in "ee. uu."), after which a space is not significant.
fn is_abbreviation_tail(folded: &str) -> bool {
    let body = &folded[..folded.len() - 1];
    let tail: String = body
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect();
    let before = body[..body.len() - tail.len()].chars().next_back();
    (1..=2).contains(&tail.chars().count()) && matches!(before, None | Some(' ') | Some('.'))
}

/// A word of a text: its folded form and its byte span in the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub folded: String,
    pub start: usize,
    pub end: usize,
}

/// The alphanumeric words of `s`, folded, with their byte spans in `s`.
/// Punctuation separates words: "EE.UU." gives `ee`, `uu`; "US$28.9" gives
/// `us`, `28`, `9`.
pub fn words(s: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut current: Option<Word> = None;
    for (i, c) in s.char_indices() {
        if c.is_alphanumeric() {
            let w = current.get_or_insert_with(|| Word {
                folded: String::new(),
                start: i,
                end: i,
            });
            fold_char_into(c, &mut w.folded);
            w.end = i + c.len_utf8();
        } else if let Some(w) = current.take() {
            out.push(w);
        }
    }
    out.extend(current);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_spaces() {
        assert_eq!(fold("Nuevo León"), "nuevo leon");
        assert_eq!(fold("  CIUDAD   de\tMÉXICO "), "ciudad de mexico");
        assert_eq!(fold("Ñuu Savi"), "nuu savi");
        assert_eq!(fold("Querétaro"), fold("QUERETARO"));
    }

    #[test]
    fn folds_abbreviations_and_punctuation() {
        assert_eq!(fold("EE.UU."), "ee.uu.");
        assert_eq!(fold("EE. UU."), "ee.uu.");
        assert_eq!(fold("U. S."), "u.s.");
        assert_eq!(fold("enero–octubre"), "enero-octubre");
        assert_eq!(fold("Mexico’s"), "mexico's");
        assert_eq!(fold("Coah. Saltillo"), "coah. saltillo");
    }

    #[test]
    fn words_keep_their_spans() {
        let s = "Exportó a EE.UU. US$28.9";
        let ws = words(s);
        let folded: Vec<&str> = ws.iter().map(|w| w.folded.as_str()).collect();
        assert_eq!(folded, ["exporto", "a", "ee", "uu", "us", "28", "9"]);
        assert_eq!(&s[ws[0].start..ws[0].end], "Exportó");
        assert_eq!(&s[ws[2].start..ws[3].end], "EE.UU");
    }
}
