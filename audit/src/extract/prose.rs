//! Figures in prose: what each percentage or amount is (value, total,
//! share, growth, compound rate), whom it is about, when, in which
//! direction, and which list or ranking it belongs to.

use tradegraph_domain::{Period, text::fold};

use super::Builder;
use super::layout::Sentence;
use super::lexicon::*;
use super::numbers::{Figure, FigureUnit, figures};
use super::periods::{PeriodHit, periods};
use crate::claim::{Claim, ClaimKind, EntityRef, GroupKind, GroupRef, Span, Stated};
use crate::gazetteer::EntityKind;

/// An open enumeration: claims of one kind about distinct subjects.
struct Chain {
    kind: ClaimKind,
    members: Vec<usize>,
    subjects: Vec<String>,
    ranking: bool,
    complete: bool,
    sectors: Vec<&'static str>,
}

#[derive(Default)]
struct Context {
    block: usize,
    chains: Vec<Chain>,
    last_percent_kind: Option<ClaimKind>,
    last_period: Option<Period>,
    prev_money: Vec<usize>,
}

/// What a figure's subject is.
#[derive(Clone)]
enum Subject {
    Entity(EntityKind, EntityRef),
    Sector(&'static str, String),
    Rest(String),
}

impl Subject {
    fn key(&self) -> String {
        match self {
            Subject::Entity(_, e) => e.key.clone().unwrap_or_else(|| fold(&e.surface)),
            Subject::Sector(code, _) => format!("SCIAN:{code}"),
            Subject::Rest(_) => "rest".into(),
        }
    }
}

const OWN_PERIOD_GAPS: &[&str] = &[
    "", ",", "in", "en", "de", "del", "during", "durante", "en el", "in the", "for", "para",
];
const ANAPHORA: &[&str] = &[
    "the period",
    "the quarter",
    "that period",
    "el periodo",
    "el trimestre",
    "ese periodo",
    "dicho periodo",
    "this period",
    "the year",
];
const YEAR_BEFORE: &[&str] = &[
    "a year earlier",
    "year earlier",
    "year-on-year",
    "year on year",
    "annual",
    "anual",
    "interanual",
    "respecto al ano anterior",
    "ano anterior",
    "previous year",
    "prior year",
    "same period",
    "mismo periodo",
    "same time period",
    "a year ago",
];
const GLOBAL: &[&str] = &[
    "global",
    "world",
    "worldwide",
    "mundial",
    "mundiales",
    "region as a whole",
    "latin america",
    "america latina",
];
const CLAUSE_BREAKS: &[&str] = &["while", "mientras", "whereas", "but", "pero", "meanwhile"];

pub(crate) fn extract_prose(b: &mut Builder) {
    let sentences = b.layout.sentences.clone();
    let mut ctx = Context::default();
    for s in &sentences {
        sentence(b, s, &mut ctx);
    }
    let chains = std::mem::take(&mut ctx.chains);
    close(b, chains);
}

fn close(b: &mut Builder, chains: Vec<Chain>) {
    for chain in chains.into_iter().filter(|c| c.members.len() >= 2) {
        let id = b.new_group();
        let complete = chain.complete
            || ["31-33", "21", "11"]
                .iter()
                .all(|s| chain.sectors.contains(s));
        let kind = if chain.ranking {
            GroupKind::Ranking
        } else {
            GroupKind::List
        };
        for (i, &m) in chain.members.iter().enumerate() {
            b.claims[m].group = Some(GroupRef {
                id,
                kind,
                complete,
                position: i as u32 + 1,
            });
        }
    }
}

fn sentence(b: &mut Builder, s: &Sentence, ctx: &mut Context) {
    let folded = fold(b.slice(s.span));
    if s.block != ctx.block {
        let chains = std::mem::take(&mut ctx.chains);
        close(b, chains);
        ctx.block = s.block;
        ctx.prev_money.clear();
        ctx.last_percent_kind = None;
    } else if !CONTINUATION_CUES.iter().any(|c| folded.starts_with(c)) {
        let (keep, done): (Vec<Chain>, Vec<Chain>) = std::mem::take(&mut ctx.chains)
            .into_iter()
            .partition(|c| !c.sectors.is_empty());
        close(b, done);
        ctx.chains = keep;
    }
    let ranking_here = RANKING_CUES.iter().any(|c| has_word(&folded, c));
    for c in &mut ctx.chains {
        c.ranking |= ranking_here;
    }
    let figs = figures(b.text, s.span);
    if figs.is_empty() {
        return;
    }
    let hits = periods(b.text, s.span);
    let prior_owned: Vec<Span> = figs
        .iter()
        .filter(|f| {
            let lb = fold(&b.text[s.span.start..f.span.start]);
            ["up from", "down from", "compared with", "frente a"].iter().any(|p| lb.trim_end().ends_with(p))
        })
        .filter_map(|f| own_period_hit(b, f, &hits).map(|h| h.span))
        .collect();
    let free: Vec<PeriodHit> = hits.iter().copied().filter(|h| !prior_owned.contains(&h.span)).collect();
    let (main, base) = sentence_periods(&free, &folded, ctx);
    if let Some(p) = main {
        ctx.last_period = Some(p);
    }
    let direction = last_direction(&folded).map(|(_, d)| d);
    let global = GLOBAL.iter().any(|g| has_word(&folded, g));
    let has_region = b.mentions_in(s.span).any(|m| m.kind == EntityKind::Region);
    let mut previous: Option<(ClaimKind, Option<Subject>)> = None;
    let mut here: Vec<usize> = Vec::new();
    let mut from_level = false;
    for (i, fig) in figs.iter().enumerate() {
        let lb_start = if i == 0 {
            s.span.start
        } else {
            figs[i - 1].span.end
        };
        let la_end = figs.get(i + 1).map_or(s.span.end, |n| n.span.start);
        let flb = masked(b, Span::new(lb_start, fig.span.start));
        let fla = masked(b, Span::new(fig.span.end, la_end));
        let next_lb = figs.get(i + 1).map(|n| masked(b, Span::new(fig.span.end, n.span.start)));
        let class = classify(
            fig,
            &flb,
            &fla,
            next_lb.as_deref(),
            from_level,
            &folded,
            previous.as_ref().map(|p| p.0),
            ctx.last_percent_kind,
        );
        from_level = class.from_level;
        let mut subject = find_subject(b, Span::new(lb_start, fig.span.start), &flb);
        if subject.is_none()
            && class.combined.is_none()
            && !CLAUSE_BREAKS.iter().any(|w| has_word(&flb, w))
        {
            subject = previous.as_ref().and_then(|p| p.1.clone());
        }
        let mut c = Claim::new(0, class.kind, b.excerpt(s.span), fig.span);
        c.sentence = Some(s.id);
        c.value = Some(signed(fig.stated.clone(), class.fall));
        c.unit = Some(unit_near(b, s, fig.unit).to_unit());
        c.direction = last_direction(&flb)
            .or_else(|| last_direction(&fla))
            .map(|(_, d)| d)
            .or(direction);
        c.period = own_period(b, fig, &hits).or(if class.prior { None } else { main });
        if matches!(class.kind, ClaimKind::Growth | ClaimKind::Cagr) {
            c.base_period = base;
        }
        match &subject {
            Some(Subject::Entity(EntityKind::Region, e)) => c.region = Some(e.clone()),
            Some(Subject::Entity(EntityKind::Partner, e)) => c.partner = Some(e.clone()),
            Some(Subject::Sector(code, surface)) => {
                let key = format!("SCIAN:{code}");
                let known = b.gaz.get(EntityKind::Product, &key).is_some();
                c.product = Some(EntityRef {
                    key: known.then_some(key),
                    surface: surface.clone(),
                    ..EntityRef::default()
                });
                c.label = Some(surface.clone());
            }
            Some(Subject::Rest(surface)) => c.label = Some(surface.clone()),
            _ => {}
        }
        if c.region.is_none()
            && !global
            && !has_region
            && c.direction.is_some()
            && class.combined.is_none()
        {
            c.region = b.scope_ref();
        }
        let id = b.push(c);
        here.push(id);
        if class.kind == ClaimKind::Share {
            link_share(b, id, s, &fla, &here, &subject);
        }
        if let Some(count) = class.combined {
            link_combined(b, id, count, ctx);
        } else if !class.prior {
            add_to_chain(ctx, id, class.kind, &subject, ranking_here);
        }
        if fig.unit == FigureUnit::Percent {
            ctx.last_percent_kind = Some(class.kind);
        }
        previous = Some((class.kind, subject));
    }
    link_rates(b, &here, &hits, ctx);
    let money: Vec<usize> = here
        .iter()
        .copied()
        .filter(|&i| b.claims[i].is_money())
        .collect();
    if !money.is_empty() {
        ctx.prev_money = money;
    }
}

struct Class {
    kind: ClaimKind,
    fall: bool,
    combined: Option<Option<usize>>,
    prior: bool,
    from_level: bool,
}

#[allow(clippy::too_many_arguments)]
fn classify(
    fig: &Figure,
    flb: &str,
    fla: &str,
    next_lb: Option<&str>,
    prev_from_level: bool,
    sentence: &str,
    prev_kind: Option<ClaimKind>,
    last_percent: Option<ClaimKind>,
) -> Class {
    let combined = COMBINED_CUES.iter().find(|c| has_word(flb, c)).map(|c| {
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
    if CAGR_CUES
        .iter()
        .any(|c| has_word(flb, c) || has_word(&head, c))
    {
        class.kind = ClaimKind::Cagr;
        return class;
    }
    let share_in_sentence = SHARE_CUES.iter().any(|c| has_word(sentence, c));
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
        class.kind = if share_in_sentence {
            ClaimKind::Share
        } else {
            ClaimKind::Value
        };
        return class;
    }
    let growth = last_growth_cue(flb);
    let share = last_cue(flb, SHARE_CUES).map(|(p, _)| p);
    let first_clause = head.split([',', ';', '.', ':']).next().unwrap_or("");
    let ahead_growth = last_growth_cue(&first_clause.split_whitespace().take(2).collect::<Vec<_>>().join(" "));
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

/// The folded text of `span` with region and partner names blanked out, so
/// that "Baja California" is not read as "baja" (a fall).
fn masked(b: &Builder, span: Span) -> String {
    let mut raw = String::with_capacity(span.end - span.start);
    let mut at = span.start;
    for m in b.mentions_in(span) {
        raw.push_str(&b.text[at..m.span.start]);
        raw.extend(std::iter::repeat_n('#', m.span.end - m.span.start));
        at = m.span.end;
    }
    raw.push_str(&b.text[at..span.end]);
    fold(&raw)
}

/// A stated growth of a fall is negative.
fn signed(mut stated: Stated, fall: bool) -> Stated {
    if fall && stated.interval.lo() >= 0.0 {
        stated.interval = -stated.interval;
    }
    stated
}

/// A bare `$` takes its currency and scale from a unit line next to the paragraph.
fn unit_near(b: &Builder, s: &Sentence, unit: FigureUnit) -> FigureUnit {
    match unit {
        FigureUnit::Money {
            currency: None,
            scale,
        } => {
            let line = b
                .layout
                .unit_lines
                .iter()
                .find(|u| u.block + 1 == s.block || u.block == s.block + 1);
            match line {
                Some(u) => FigureUnit::Money {
                    currency: u.currency,
                    scale: if scale == 1.0 { u.scale } else { scale },
                },
                None => unit,
            }
        }
        other => other,
    }
}

/// The last region/partner name, sector or "rest" before the figure.
fn find_subject(b: &Builder, window: Span, flb: &str) -> Option<Subject> {
    let mention = b.mentions_in(window).last().map(|m| {
        let pos = fold(&b.text[window.start..m.span.start]).len();
        (pos, Subject::Entity(m.kind, Builder::entity_ref(m)))
    });
    let sector = SECTORS
        .iter()
        .filter_map(|(w, code)| {
            rfind_word(flb, w).map(|p| (p + w.len(), w.len(), Subject::Sector(code, (*w).to_string())))
        })
        .max_by_key(|(end, len, _)| (*end, *len))
        .map(|(end, len, s)| (end - len, s));
    let rest = REMAINDER_CUES
        .iter()
        .filter_map(|w| rfind_word(flb, w).map(|p| (p, Subject::Rest((*w).to_string()))))
        .max_by_key(|(p, _)| *p);
    [mention, sector, rest]
        .into_iter()
        .flatten()
        .max_by_key(|(p, _)| *p)
        .map(|(_, s)| s)
}

/// The period written right after the figure ("US$2.4 trillion in 2005").
fn own_period(b: &Builder, fig: &Figure, hits: &[PeriodHit]) -> Option<Period> {
    own_period_hit(b, fig, hits).map(|h| h.period)
}

fn own_period_hit<'h>(b: &Builder, fig: &Figure, hits: &'h [PeriodHit]) -> Option<&'h PeriodHit> {
    hits.iter().find(|h| {
        h.span.start >= fig.span.end
            && h.span.start - fig.span.end <= 14
            && OWN_PERIOD_GAPS.contains(&fold(&b.text[fig.span.end..h.span.start]).trim())
    })
}

/// The sentence's period (the latest written, or carried over by "the
/// period") and the base a change is measured from.
fn sentence_periods(hits: &[PeriodHit], folded: &str, ctx: &Context) -> (Option<Period>, Option<Period>) {
    let latest = hits.iter().max_by_key(|h| h.period.end()).copied();
    let main = latest.map(|h| h.period).or_else(|| {
        ANAPHORA
            .iter()
            .any(|a| has_word(folded, a))
            .then_some(ctx.last_period)
            .flatten()
    });
    let earliest = hits
        .iter()
        .filter(|h| Some(h.period) != main)
        .min_by_key(|h| h.period.end())
        .map(|h| h.period);
    let base = latest.and_then(|h| h.from).or(earliest).or_else(|| {
        (YEAR_BEFORE.iter().any(|w| has_word(folded, w)))
            .then(|| main.and_then(|p| p.previous_year().ok()))
            .flatten()
    });
    (main, base)
}

fn add_to_chain(
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
        if chain.subjects.contains(&key) || (sector.is_some() != !chain.sectors.is_empty()) {
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
fn link_combined(b: &mut Builder, id: usize, count: Option<usize>, ctx: &Context) {
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
fn link_share(
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
    let whole = b
        .claims
        .iter()
        .rev()
        .filter(|c| c.id != id && Some(c.id) != part && c.is_money())
        .find(|c| {
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
        let phrase_end = b.text[share.span.end..].find([',', ';', '.', '\n']).map_or(b.text.len(), |p| share.span.end + p);
        let window = Span::new(share.span.end, phrase_end.min(share.span.end + 40));
        if let Some(m) = b.mentions_in(window).find(|m| m.kind == EntityKind::Region && m.span.start <= share.span.end + 12) {
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
fn link_rates(b: &mut Builder, here: &[usize], hits: &[PeriodHit], ctx: &Context) {
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
        let range_years = hits.iter().find_map(|h| h.from.map(|f| (h.period.end().year() - f.end().year()) as f64));
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
