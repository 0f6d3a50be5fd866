//! Figures in prose: what each percentage or amount is (value, total,
//! share, growth, compound rate), whom it is about, when, in which
//! direction, and which list or ranking it belongs to.

use tradegraph_domain::{Period, text::fold};

use super::Builder;
use super::classify::classify;
use super::layout::Sentence;
use super::lexicon::*;
use super::links::{Chain, Context, Subject, add_to_chain, link_combined, link_rates, link_share};
use super::numbers::{Figure, FigureUnit, figures};
use super::periods::{PeriodHit, periods};
use crate::claim::{Claim, ClaimKind, EntityRef, GroupKind, GroupRef, Span, Stated};
use crate::gazetteer::EntityKind;

const OWN_PERIOD_GAPS: &[&str] = &[
    "", ",", "in", "en", "de", "del", "during", "durante", "en el", "in the", "for", "para",
];
static ANAPHORA: Cues<&str> = Cues::new(&[
    "the period",
    "the quarter",
    "that period",
    "el periodo",
    "el trimestre",
    "ese periodo",
    "dicho periodo",
    "this period",
    "the year",
]);
static YEAR_BEFORE: Cues<&str> = Cues::new(&[
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
]);
static GLOBAL: Cues<&str> = Cues::new(&[
    "global",
    "world",
    "worldwide",
    "mundial",
    "mundiales",
    "region as a whole",
    "latin america",
    "america latina",
]);
static CLAUSE_BREAKS: Cues<&str> =
    Cues::new(&["while", "mientras", "whereas", "but", "pero", "meanwhile"]);

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
    let ranking_here = RANKING_CUES.any(&folded);
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
            ["up from", "down from", "compared with", "frente a"]
                .iter()
                .any(|p| lb.trim_end().ends_with(p))
        })
        .filter_map(|f| own_period_hit(b, f, &hits).map(|h| h.span))
        .collect();
    let free: Vec<PeriodHit> = hits
        .iter()
        .copied()
        .filter(|h| !prior_owned.contains(&h.span))
        .collect();
    let (main, base) = sentence_periods(&free, &folded, ctx);
    if let Some(p) = main {
        ctx.last_period = Some(p);
    }
    let direction = last_direction(&folded).map(|(_, d)| d);
    let global = GLOBAL.any(&folded);
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
        let next_lb = figs
            .get(i + 1)
            .map(|n| masked(b, Span::new(fig.span.end, n.span.start)));
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
        if subject.is_none() && class.combined.is_none() && !CLAUSE_BREAKS.any(&flb) {
            subject = previous.as_ref().and_then(|p| p.1.clone());
        }
        let mut class = class;
        if class.kind == ClaimKind::Value
            && fig.unit == FigureUnit::Percent
            && class.combined.is_none()
            && !class.prior
            && subject.is_some()
            && (ranking_here || LIST_NOUNS.any(&folded))
            && !RATE_WORDS.any(&folded)
        {
            // "Los principales destinos fueron Estados Unidos con 95.2%, …":
            // a percentage attached to an item of a ranked list of
            // partners, regions or sectors is its share of the whole.
            class.kind = ClaimKind::Share;
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
    // The sector phrase ending last ("agriculture and livestock" over the
    // "livestock" inside it).
    let sector = SECTORS
        .matches(flb)
        .map(|(at, i)| (at, SECTORS.entries()[i]))
        .max_by_key(|(at, (w, _))| (at + w.len(), w.len()))
        .map(|(at, (w, code))| (at, Subject::Sector(code, w.to_string())));
    let rest = REMAINDER_CUES
        .last(flb)
        .map(|(at, w)| (at, Subject::Rest((*w).to_string())));
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
fn sentence_periods(
    hits: &[PeriodHit],
    folded: &str,
    ctx: &Context,
) -> (Option<Period>, Option<Period>) {
    let latest = hits.iter().max_by_key(|h| h.period.end()).copied();
    let main = latest
        .map(|h| h.period)
        .or_else(|| ANAPHORA.any(folded).then_some(ctx.last_period).flatten());
    let earliest = hits
        .iter()
        .filter(|h| Some(h.period) != main)
        .min_by_key(|h| h.period.end())
        .map(|h| h.period);
    let base = latest.and_then(|h| h.from).or(earliest).or_else(|| {
        YEAR_BEFORE
            .any(folded)
            .then(|| main.and_then(|p| p.previous_year().ok()))
            .flatten()
    });
    (main, base)
}
