//! Figures in tables: one group per figure column, "Total" rows linked to
//! their parts, share and growth columns linked to the value columns they
//! are computed from.

use tradegraph_domain::{Currency, Period, interval::scale_of_word, text::fold};

use super::layout::Table;
use super::lexicon::{Cues, RANKING_CUES, REMAINDER_CUES, SECTORS, has_word, last_direction};
use super::numbers::{cell_number, figures, strip_tags};
use super::periods::periods;
use super::{Builder, TableGroup};
use crate::claim::{Claim, ClaimKind, EntityRef, GroupKind, GroupRef, Span, Stated, Unit};
use crate::gazetteer::EntityKind;

static GROWTH_HEADERS: Cues<&str> = Cues::new(&[
    "var",
    "variacion",
    "crec",
    "crecimiento",
    "growth",
    "change",
    "cambio",
    "tasa",
    "yoy",
]);
static SHARE_HEADERS: Cues<&str> =
    Cues::new(&["participacion", "part", "share", "porcentaje", "peso"]);

/// What one figure column holds.
struct Column {
    kind: ClaimKind,
    period: Option<Period>,
    /// Claim id per data row (`None` where the cell is not a figure).
    cells: Vec<Option<usize>>,
}

pub(crate) fn extract_tables(b: &mut Builder) {
    let tables = b.layout.tables.clone();
    for (ti, table) in tables.iter().enumerate() {
        extract_table(b, ti, table);
    }
}

fn extract_table(b: &mut Builder, ti: usize, table: &Table) {
    let Some(first) = table.rows.first() else {
        return;
    };
    // A header may hold years ("2023", "2024") but no other figure.
    let numeric = |row: &[Span]| {
        row.iter().skip(1).any(|c| {
            let t = b.slice(*c).trim();
            let year = t.len() == 4 && (t.starts_with("19") || t.starts_with("20"));
            cell_number(t).is_some() && !year
        })
    };
    let (header, data): (Option<&Vec<Span>>, &[Vec<Span>]) = if numeric(first) {
        (None, &table.rows[..])
    } else {
        (Some(first), &table.rows[1..])
    };
    if data.is_empty() {
        return;
    }
    let header_texts: Vec<String> = (0..64)
        .map(|i| {
            header
                .and_then(|h| h.get(i))
                .map(|c| fold(b.slice(*c)))
                .unwrap_or_default()
        })
        .collect();
    let header_text = |i: usize| header_texts.get(i).cloned().unwrap_or_default();
    let intro = table
        .intro
        .map(|i| fold(b.slice(b.layout.sentences[i].span)))
        .unwrap_or_default();
    let all_headers = header
        .map(|h| {
            h.iter()
                .map(|c| fold(b.slice(*c)))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    let direction = last_direction(&all_headers)
        .or_else(|| last_direction(&intro))
        .map(|(_, d)| d);
    let intro_ranks = table.intro.is_some_and(|i| intro_describes(b, i, data));
    let ranked = (intro_ranks && RANKING_CUES.any(&intro)) || RANKING_CUES.any(&all_headers);
    let context_period = table
        .intro
        .and_then(|i| {
            periods(b.text, b.layout.sentences[i].span)
                .into_iter()
                .max_by_key(|h| h.period.end())
        })
        .map(|h| h.period);
    let labels: Vec<String> = data
        .iter()
        .map(|r| strip_tags(b.slice(r[0])).trim().to_string())
        .collect();
    let is_total = |l: &str| fold(l).starts_with("total");
    let covers_whole = labels.iter().any(|l| {
        REMAINDER_CUES
            .entries()
            .contains(&fold(l).trim_end_matches('.').trim())
    }) || all_sectors(&labels);
    let width = data.iter().map(Vec::len).max().unwrap_or(0);
    let ranking_column = ranked
        .then(|| ranking_column(b, data, &header_texts))
        .flatten();
    let mut columns: Vec<Column> = Vec::new();
    for col in 1..width {
        let h = header_text(col);
        let parsed: Vec<_> = data
            .iter()
            .map(|r| {
                r.get(col)
                    .and_then(|c| cell_number(b.slice(*c)).map(|n| (*c, n)))
            })
            .collect();
        if parsed.iter().flatten().count() < 2 {
            continue;
        }
        let all_pct = parsed.iter().flatten().all(|(_, n)| n.1);
        let kind = if GROWTH_HEADERS.any(&h) {
            ClaimKind::Growth
        } else if h.contains('%') || all_pct || SHARE_HEADERS.any(&h) {
            ClaimKind::Share
        } else {
            ClaimKind::Value
        };
        let period = header
            .and_then(|hd| hd.get(col))
            .and_then(|c| periods(b.text, *c).first().map(|p| p.period))
            .or(context_period);
        let unit = column_unit(
            kind,
            &h,
            table,
            parsed.iter().flatten().find_map(|(_, n)| n.2),
        );
        let scale = match unit {
            Unit::Money { scale, .. } => scale,
            _ => 1.0,
        };
        let group = b.new_group();
        let members_total = data.len() - labels.iter().filter(|l| is_total(l)).count();
        let complete = covers_whole || (!ranked && labels.iter().any(|l| is_total(l)));
        let group_kind = if ranking_column == Some(col) {
            GroupKind::Ranking
        } else {
            GroupKind::Table
        };
        let mut cells = Vec::new();
        let mut members = Vec::new();
        let mut total_id = None;
        let mut position = 0;
        for (ri, cell) in parsed.iter().enumerate() {
            let Some((span, (interval, _, _))) = cell else {
                cells.push(None);
                continue;
            };
            let row = &data[ri];
            let total = is_total(&labels[ri]);
            let mut c = Claim::new(
                0,
                if total { ClaimKind::Total } else { kind },
                b.excerpt(row[0].cover(row[row.len() - 1])),
                *span,
            );
            c.value = Some(Stated {
                text: strip_tags(b.slice(*span)).trim().to_string(),
                interval: interval.scale(scale),
                hedge: None,
            });
            c.unit = Some(unit);
            c.label = Some(labels[ri].clone());
            c.direction = direction;
            c.period = period;
            c.sentence = table.intro;
            if total && kind != ClaimKind::Value {
                c.kind = kind;
            }
            entities(b, &mut c, row[0], &labels[ri], total);
            if !total {
                position += 1;
                c.group = Some(GroupRef {
                    id: group,
                    kind: group_kind,
                    complete,
                    position,
                });
            }
            let id = b.push(c);
            if total {
                total_id = Some(id);
            } else {
                members.push(id);
            }
            cells.push(Some(id));
        }
        if let Some(t) = total_id
            && kind != ClaimKind::Growth
            && members.len() == members_total.min(members.len())
        {
            b.claims[t].kind = ClaimKind::Total;
            b.claims[t].links.parts = members.clone();
        }
        if columns.is_empty() {
            b.table_groups.push(TableGroup {
                table: ti,
                group,
                direction,
            });
        }
        columns.push(Column {
            kind,
            period,
            cells,
        });
    }
    link_columns(b, &columns, &labels);
}

/// Whether the sentence before a table speaks of the table's rows: it has
/// no figures of its own (it introduces the table), or it names one of the
/// rows. A sentence ranking destinations with their own percentages does
/// not make the sector table after it a ranking.
fn intro_describes(b: &Builder, intro: usize, data: &[Vec<Span>]) -> bool {
    let span = b.layout.sentences[intro].span;
    if figures(b.text, span).is_empty() {
        return true;
    }
    let folded = fold(b.slice(span));
    let keys: Vec<&str> = b
        .mentions_in(span)
        .filter_map(|m| m.key.as_deref())
        .collect();
    data.iter().any(|row| {
        let label = fold(strip_tags(b.slice(row[0])).trim());
        let named = b
            .mentions_in(row[0])
            .any(|m| m.key.as_deref().is_some_and(|k| keys.contains(&k)));
        named || (label.len() >= 4 && has_word(&folded, &label))
    })
}

/// Row labels naming manufacturing, mining and agriculture: a breakdown of
/// all goods by sector, as complete as one with a "rest" row.
fn all_sectors(labels: &[String]) -> bool {
    let covered: Vec<&str> = labels
        .iter()
        .filter_map(|l| {
            let folded = fold(l);
            SECTORS.first_listed(&folded).map(|(_, code)| *code)
        })
        .collect();
    ["31-33", "21", "11"].iter().all(|s| covered.contains(s))
}

/// The column a ranked table is ordered by: its last column of amounts,
/// else its first column of figures.
fn ranking_column(b: &Builder, data: &[Vec<Span>], headers: &[String]) -> Option<usize> {
    let width = data.iter().map(Vec::len).max().unwrap_or(0);
    let figures = |col: usize| {
        data.iter()
            .filter(|r| {
                r.get(col)
                    .is_some_and(|c| cell_number(b.slice(*c)).is_some())
            })
            .count()
            >= 2
    };
    let amounts = |col: usize| {
        let h = headers.get(col).map(String::as_str).unwrap_or("");
        let percent = data
            .iter()
            .filter_map(|r| r.get(col))
            .any(|c| b.slice(*c).contains('%'));
        !h.contains('%') && !percent && !GROWTH_HEADERS.any(h) && !SHARE_HEADERS.any(h)
    };
    (1..width)
        .rev()
        .find(|&c| figures(c) && amounts(c))
        .or_else(|| (1..width).find(|&c| figures(c)))
}

fn column_unit(
    kind: ClaimKind,
    header: &str,
    table: &Table,
    cell_currency: Option<Currency>,
) -> Unit {
    if kind != ClaimKind::Value {
        return Unit::Percent;
    }
    let header_currency = if header.contains("peso") || header.contains("mxn") {
        Some(Currency::Mxn)
    } else if header.contains("dolar")
        || header.contains("dollar")
        || header.contains("usd")
        || header.contains("us$")
    {
        Some(Currency::Usd)
    } else {
        None
    };
    let header_scale = header
        .split(|c: char| !c.is_alphabetic())
        .find_map(|w| scale_of_word(w).filter(|_| w.len() > 3));
    let currency = cell_currency
        .or(header_currency)
        .or(table.unit.and_then(|u| u.currency));
    let scale = header_scale.or(table.unit.map(|u| u.scale)).unwrap_or(1.0);
    if currency.is_none() && table.unit.is_none() && header_scale.is_none() {
        return Unit::Count;
    }
    Unit::Money { currency, scale }
}

/// Entities of a row: names in its label, else the product its label describes.
fn entities(b: &Builder, c: &mut Claim, label_span: Span, label: &str, total: bool) {
    if total {
        c.region = b.scope_ref();
        return;
    }
    for m in b.mentions_in(label_span) {
        match m.kind {
            EntityKind::Region if c.region.is_none() => c.region = Some(Builder::entity_ref(m)),
            EntityKind::Partner if c.partner.is_none() => c.partner = Some(Builder::entity_ref(m)),
            _ => {}
        }
    }
    if c.region.is_none() && c.partner.is_none() {
        if let Some(key) = b.gaz.match_product(label) {
            c.product = Some(EntityRef {
                key: Some(key.to_string()),
                surface: label.to_string(),
                ..EntityRef::default()
            });
        }
        c.region = b.scope_ref();
    } else if c.region.is_none() {
        c.region = b.scope_ref();
    }
}

/// Share columns to their value column and its Total; growth columns to two
/// value columns of different periods.
fn link_columns(b: &mut Builder, columns: &[Column], labels: &[String]) {
    let values: Vec<&Column> = columns
        .iter()
        .filter(|c| c.kind == ClaimKind::Value)
        .collect();
    let total_row = labels.iter().position(|l| fold(l).starts_with("total"));
    for col in columns {
        for (ri, cell) in col.cells.iter().enumerate() {
            let Some(id) = *cell else { continue };
            match col.kind {
                ClaimKind::Share if values.len() == 1 && Some(ri) != total_row => {
                    b.claims[id].links.part = values[0].cells[ri];
                    b.claims[id].links.whole = total_row.and_then(|t| values[0].cells[t]);
                }
                ClaimKind::Growth if values.len() == 2 => {
                    let (a, z) = (values[0], values[1]);
                    let (from, to) = match (a.period, z.period) {
                        (Some(pa), Some(pz)) if pa.end() < pz.end() => (a, z),
                        (Some(pa), Some(pz)) if pz.end() < pa.end() => (z, a),
                        _ => continue,
                    };
                    b.claims[id].links.from = from.cells[ri];
                    b.claims[id].links.to = to.cells[ri];
                    b.claims[id].base_period = from.period;
                    b.claims[id].period = to.period;
                }
                _ => {}
            }
        }
    }
}
