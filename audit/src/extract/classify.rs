//! What a figure in prose is: value, total, share, growth or compound
//! rate, read from the cue words around it.

use super::lexicon::*;
use super::numbers::{Figure, FigureUnit};
use crate::claim::ClaimKind;

pub(super) struct Class {
    pub kind: ClaimKind,
    pub fall: bool,
    pub combined: Option<Option<usize>>,
    pub prior: bool,
    pub from_level: bool,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn classify(
    fig: &Figure,
    flb: &str,
    fla: &str,
    next_lb: Option<&str>,
    prev_from_level: bool,
    sentence: &str,
    prev_kind: Option<ClaimKind>,
    last_percent: Option<ClaimKind>,
) -> Class {
    let combined = COMBINED_CUES.first_listed(flb).map(|c| {
        let word = c.split_whitespace().nth(1).unwrap_or("");
        count_word(word)
    });
    let mut class = Class {
        kind: ClaimKind::Value,
        fall: false,
        combined: None,
        prior: false,
        from_level: false,
    };
    let lb = flb.trim_end();
    if fig.unit != FigureUnit::Percent {
        let total = has_word(flb, "total")
            || fla.trim_start().starts_with("in total")
            || fla.trim_start().starts_with("en total");
        class.kind = if total || combined.is_some() {
            ClaimKind::Total
        } else {
            ClaimKind::Value
        };
        class.combined = combined
            .filter(|_| !total || has_word(flb, "together") || has_word(flb, "en conjunto"));
        return class;
    }
    let head: String = fla.chars().take(40).collect();
    if CAGR_CUES.any(flb) || CAGR_CUES.any(&head) {
        class.kind = ClaimKind::Cagr;
        return class;
    }
    if [
        "up from",
        "down from",
        "compared with",
        "compared to",
        "frente a",
        "versus",
        "vs",
        "contra",
    ]
    .iter()
    .any(|p| ends_with_word(lb, p))
    {
        class.prior = true;
        class.kind = prev_kind.unwrap_or(ClaimKind::Value);
        return class;
    }
    let opens = ["from", "de", "desde", "del"]
        .iter()
        .any(|w| ends_with_word(lb, w));
    let next_closes = next_lb.is_some_and(|n| {
        ["to", "a", "al", "hasta"]
            .iter()
            .any(|w| ends_with_word(n.trim_end(), w))
    });
    let closes = ["to", "a", "al", "hasta"]
        .iter()
        .any(|w| ends_with_word(lb, w));
    if (opens && next_closes) || (closes && prev_from_level) {
        class.from_level = opens && next_closes;
        class.prior = opens && next_closes;
        class.kind = if SHARE_CUES.any(sentence) {
            ClaimKind::Share
        } else {
            ClaimKind::Value
        };
        return class;
    }
    let growth = last_growth_cue(flb);
    let share = SHARE_CUES.last(flb).map(|(p, _)| p);
    let first_clause = head.split([',', ';', '.', ':']).next().unwrap_or("");
    let ahead_growth = last_growth_cue(
        &first_clause
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" "),
    );
    let ahead_share = ["of ", "de ", "del "]
        .iter()
        .any(|p| fla.trim_start().starts_with(p));
    class.kind = match (growth, share) {
        (Some((g, fall)), Some(sh)) if g > sh => {
            class.fall = fall;
            ClaimKind::Growth
        }
        (Some((_, fall)), None) => {
            class.fall = fall;
            ClaimKind::Growth
        }
        (_, Some(_)) => ClaimKind::Share,
        (None, None) => match ahead_growth {
            Some((_, fall)) => {
                class.fall = fall;
                ClaimKind::Growth
            }
            None if ahead_share => ClaimKind::Share,
            None => prev_kind.or(last_percent).unwrap_or(ClaimKind::Value),
        },
    };
    if class.kind == ClaimKind::Share {
        class.combined = combined;
    }
    class
}

fn ends_with_word(hay: &str, w: &str) -> bool {
    hay.ends_with(w)
        && hay[..hay.len() - w.len()]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
}
