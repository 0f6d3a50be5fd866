//! Lists, rankings and links between figures of prose: enumerations of
//! distinct subjects become groups; shares find their part and whole,
//! combined shares their parts, rates their two amounts.

use tradegraph_domain::{Period, text::fold};

use super::Builder;
use super::layout::Sentence;
use super::lexicon::has_word;
use super::periods::PeriodHit;
use crate::claim::{Claim, ClaimKind, EntityRef, Span};
use crate::gazetteer::EntityKind;

pub(super) struct Chain {
    pub kind: ClaimKind,
    pub members: Vec<usize>,
    pub subjects: Vec<String>,
    pub ranking: bool,
    pub complete: bool,
    pub sectors: Vec<&'static str>,
}

#[derive(Default)]
pub(super) struct Context {
    pub block: usize,
    pub chains: Vec<Chain>,
    pub last_percent_kind: Option<ClaimKind>,
    pub last_period: Option<Period>,
    pub prev_money: Vec<usize>,
}

/// What a figure's subject is.
#[derive(Clone)]
pub(super) enum Subject {
    Entity(EntityKind, EntityRef),
    Sector(&'static str, String),
    Rest(String),
}

impl Subject {
    pub(super) fn key(&self) -> String {
        match self {
            Subject::Entity(_, e) => e.key.clone().unwrap_or_else(|| fold(&e.surface)),
            Subject::Sector(code, _) => format!("SCIAN:{code}"),
            Subject::Rest(_) => "rest".into(),
        }
    }
}

pub(super) fn add_to_chain(
    ctx: &mut Context,
    id: usize,
    kind: ClaimKind,
    subject: &Option<Subject>,
    ranking: bool,
) {
    let Some(subject) = subject else { return };
    if !matches!(
        kind,
        ClaimKind::Share | ClaimKind::Growth | ClaimKind::Value
    ) {
        return;
    }
    let key = subject.key();
    let sector = match subject {
        Subject::Sector(code, _) => Some(*code),
        _ => None,
    };
    if let Some(chain) = ctx.chains.iter_mut().find(|c| c.kind == kind) {
        if chain.subjects.contains(&key) || (sector.is_some() == chain.sectors.is_empty()) {
            return;
        }
        chain.members.push(id);
        chain.subjects.push(key);
        chain.complete |= matches!(subject, Subject::Rest(_));
        chain.sectors.extend(sector);
        return;
    }
    ctx.chains.push(Chain {
        kind,
        members: vec![id],
        subjects: vec![key],
        ranking,
        complete: matches!(subject, Subject::Rest(_)),
        sectors: sector.into_iter().collect(),
    });
}

/// "The six states accounted for 64.8%": the parts are the open list's last N.
pub(super) fn link_combined(b: &mut Builder, id: usize, count: Option<usize>, ctx: &Context) {
    let kind = if b.claims[id].is_percent() {
        ClaimKind::Share
    } else {
        ClaimKind::Value
    };
    let Some(chain) = ctx.chains.iter().find(|c| c.kind == kind) else {
        return;
    };
    let n = count.unwrap_or(chain.members.len());
    if n < 2 || chain.members.len() < n {
        return;
    }
    b.claims[id].links.parts = chain.members[chain.members.len() - n..].to_vec();
}

/// A share's part (an amount of the same subject in the sentence) and whole
/// (a total of the region it is a share of, in this or the previous paragraph).
pub(super) fn link_share(
    b: &mut Builder,
    id: usize,
    s: &Sentence,
    fla: &str,
    here: &[usize],
    subject: &Option<Subject>,
) {
    let key = subject.as_ref().map(Subject::key);
    let share = b.claims[id].clone();
    let part = here.iter().rev().copied().filter(|&c| c != id).find(|&c| {
        let other = &b.claims[c];
        other.is_money() && other.kind == ClaimKind::Value && subject_key(other) == key
    });
    b.claims[id].links.part = part;
    let whole_region = whole_region(b, &share, fla);
    let Some(whole_region) = whole_region else {
        return;
    };
    let block_of = |c: &Claim| {
        c.sentence
            .and_then(|i| b.layout.sentences.get(i))
            .map(|x| x.block)
    };
    // The latest amount that fits: a share without a period of its own is
    // of the current whole, not of the earlier one it was compared with.
    let whole = b
        .claims
        .iter()
        .filter(|c| c.id != id && Some(c.id) != part && c.is_money())
        .filter(|c| {
            matches!(c.kind, ClaimKind::Total | ClaimKind::Value)
                && c.region_code() == Some(whole_region.as_str())
                && subject_key(c) != key
                && c.links.parts.is_empty()
                && block_of(c).is_some_and(|blk| blk + 1 >= s.block && blk <= s.block)
                && compatible(c.period, share.period)
                && (c.direction.is_none()
                    || share.direction.is_none()
                    || c.direction == share.direction)
        })
        .max_by_key(|c| (c.period.map(|p| p.end()), c.id))
        .map(|c| c.id);
    b.claims[id].links.whole = whole;
}

fn compatible(a: Option<Period>, b: Option<Period>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

fn subject_key(c: &Claim) -> Option<String> {
    if let Some(l) = &c.label {
        return Some(l.clone());
    }
    [&c.region, &c.partner]
        .into_iter()
        .flatten()
        .find(|e| !e.inferred)
        .map(|e| e.key.clone().unwrap_or_else(|| fold(&e.surface)))
}

/// The region a share is a share of: named after "of"/"de", the nation for
/// "national", the scope's state for "the state", else the scope.
fn whole_region(b: &Builder, share: &Claim, fla: &str) -> Option<String> {
    let t = fla.trim_start();
    let head: String = t.chars().take(60).collect();
    if ["of ", "de ", "del "].iter().any(|p| t.starts_with(p)) {
        let phrase_end = b.text[share.span.end..]
            .find([',', ';', '.', '\n'])
            .map_or(b.text.len(), |p| share.span.end + p);
        let window = Span::new(share.span.end, phrase_end.min(share.span.end + 40));
        if let Some(m) = b
            .mentions_in(window)
            .find(|m| m.kind == EntityKind::Region && m.span.start <= share.span.end + 12)
        {
            return m.key.clone();
        }
        if [
            "national",
            "nacional",
            "nacionales",
            "country",
            "pais",
            "nation",
        ]
        .iter()
        .any(|w| has_word(&head, w))
        {
            return Some("00".into());
        }
        if ["state", "estado", "estatal", "estatales"]
            .iter()
            .any(|w| has_word(&head, w))
        {
            return b.scope.as_deref().and_then(|s| b.gaz.state_of(s));
        }
    }
    b.scope.clone()
}

/// Growth and compound rates: the two amounts they describe, in this
/// sentence or the one before, and the years a compound rate spans.
pub(super) fn link_rates(b: &mut Builder, here: &[usize], hits: &[PeriodHit], ctx: &Context) {
    for &id in here {
        let kind = b.claims[id].kind;
        if !matches!(kind, ClaimKind::Growth | ClaimKind::Cagr) {
            continue;
        }
        let key = subject_key(&b.claims[id]);
        let same = |ids: &[usize], b: &Builder| -> Vec<usize> {
            ids.iter()
                .copied()
                .filter(|&c| {
                    let o = &b.claims[c];
                    o.is_money()
                        && o.links.parts.is_empty()
                        && (subject_key(o) == key || subject_key(o).is_none() || key.is_none())
                })
                .collect()
        };
        let mut values = same(here, b);
        if values.len() < 2 {
            values = same(&ctx.prev_money, b);
        }
        let range_years = hits.iter().find_map(|h| {
            h.from
                .map(|f| (h.period.end().year() - f.end().year()) as f64)
        });
        if kind == ClaimKind::Cagr {
            b.claims[id].years = range_years;
        }
        if values.len() != 2 {
            continue;
        }
        let (mut from, mut to) = (values[0], values[1]);
        if let (Some(p0), Some(p1)) = (b.claims[from].period, b.claims[to].period) {
            if p1.end() < p0.end() {
                std::mem::swap(&mut from, &mut to);
            }
            if kind == ClaimKind::Cagr {
                let (p0, p1) = (
                    b.claims[from].period.unwrap_or(p0),
                    b.claims[to].period.unwrap_or(p1),
                );
                let months = |p: Period| p.start().year() * 12 + p.start().month() as i32;
                b.claims[id].years = Some((months(p1) - months(p0)) as f64 / 12.0);
            }
        }
        // "between 2019 and 2024 … from X to Y": both amounts carry the
        // sentence's period; the range says which years they belong to.
        if let Some(h) = hits.iter().find(|h| h.from.is_some())
            && b.claims[from].period == b.claims[to].period
        {
            b.claims[from].period = h.from;
            b.claims[to].period = Some(h.period);
            if kind == ClaimKind::Cagr {
                b.claims[id].years = range_years;
            }
        }
        b.claims[id].links.from = Some(from);
        b.claims[id].links.to = Some(to);
    }
}
