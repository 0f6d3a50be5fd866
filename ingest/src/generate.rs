//! The deterministic synthetic flow generator.
//!
//! Output: tradegraph's flow CSV, one row per (month, direction,
//! municipality, partner, HS6 product), monthly from 2019-01 to 2025-12,
//! both directions, US dollars, source `synthetic`. Scale 1 is exactly
//! 1,000,000 rows; the same scale always gives the same bytes.
//!
//! Shape, chosen to look like Mexico's trade:
//! - rows are spread evenly over the 168 (month, direction) cells; inside a
//!   cell, municipality, partner and product are drawn with power-law
//!   (Zipf) weights over the catalogue's rank order, so border and
//!   industrial hubs, the USA and vehicles/electronics dominate; imports
//!   draw partners from a flatter law than exports (more Asia);
//! - half the product draws are shifted by a per-municipality offset, so
//!   each place has its own specialities;
//! - a few rows per cell go to municipalities in turn, so every
//!   municipality has flows (three or more at scale 1);
//! - values are log-normal, larger for higher-ranked places, partners and
//!   products, with seasonality, a 4 % yearly trend and the 2020 slump,
//!   rounded to whole dollars;
//! - keys are unique: each cell keeps the set of keys it has drawn (a few
//!   thousand integers at scale 1) and redraws repeats.

use std::collections::HashSet;
use std::hash::BuildHasherDefault;
use std::io::{self, Write};

use crate::dedup::MixHasher;
use crate::generator_catalog::GeneratorCatalog;
use crate::rng::{AliasTable, SplitMix64, exp, hash_str, ln, mix, powf};

/// Rows at scale 1.
pub const ROWS_PER_SCALE: u64 = 1_000_000;
/// The source slug of generated flows.
pub const SYNTHETIC_SOURCE: &str = "synthetic";
/// The first and last generated months, inclusive.
pub const MONTHS: ((i32, u32), (i32, u32)) = ((2019, 1), (2025, 12));
/// The header the generator writes.
pub const HEADER: &str =
    "period,direction,region_code,partner_iso3,classification,product_code,value,currency,source\n";

const SEED: u64 = 0x7472_6164_6567_7261; // "tradegra"
const MUNICIPALITY_EXPONENT: f64 = 1.0;
const EXPORT_PARTNER_EXPONENT: f64 = 2.4;
const IMPORT_PARTNER_EXPONENT: f64 = 1.2;
const PRODUCT_EXPONENT: f64 = 1.0;
/// Log-normal value: median e^11.5 ≈ US$99,000 before size effects.
const LOG_MEDIAN: f64 = 15.0;
const LOG_SIGMA: f64 = 1.6;
/// How much a rank's size effect lowers the log value per log rank.
const SIZE_EFFECT: (f64, f64, f64) = (0.35, 0.25, 0.15);
const YEARLY_GROWTH: f64 = 0.04;
const SEASON: [f64; 12] = [
    0.92, 0.95, 1.05, 0.98, 1.03, 1.01, 0.97, 1.02, 1.00, 1.06, 1.04, 0.97,
];
/// Rows each municipality gets in turn over the whole run, before the draws.
const FLOOR_PER_MUNICIPALITY: usize = 3;

/// What a run wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct GenerateStats {
    /// Data rows written (the header not counted).
    pub rows: u64,
    /// Bytes written, header included.
    pub bytes: u64,
    /// The sum of all values, in US dollars.
    pub total_value_usd: u128,
}

/// The number of rows `scale` gives: `scale × 1,000,000`, rounded.
/// Fails when the scale is not a positive finite number.
pub fn rows_for_scale(scale: f64) -> io::Result<u64> {
    let rows = (scale * ROWS_PER_SCALE as f64).round();
    if !scale.is_finite() || !(1.0..=1e12).contains(&rows) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("scale {scale} must be a positive number giving between 1 and 10^12 rows"),
        ));
    }
    Ok(rows as u64)
}

/// Writes `scale × 1,000,000` synthetic flows (header first) to `out`,
/// calling `progress` with the number of rows written so far after each
/// (month, direction) block. Wrap a file in a `BufWriter`.
///
/// Fails on a bad scale, a catalogue too small for the requested rows, or
/// a write error.
pub fn generate(
    scale: f64,
    catalog: &GeneratorCatalog,
    out: &mut impl Write,
    mut progress: impl FnMut(u64),
) -> io::Result<GenerateStats> {
    let total_rows = rows_for_scale(scale)?;
    let model = Model::new(catalog)?;
    let months = month_list();
    let cells = months.len() as u64 * 2;
    let (per_cell, extra) = (total_rows / cells, total_rows % cells);
    let largest = per_cell + u64::from(extra > 0);
    if largest as f64 > model.key_space() / 4.0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "the catalogue is too small for {total_rows} distinct flows; use a smaller scale"
            ),
        ));
    }
    let floor = (FLOOR_PER_MUNICIPALITY * model.municipalities.len()).div_ceil(cells as usize);

    out.write_all(HEADER.as_bytes())?;
    let mut stats = GenerateStats {
        rows: 0,
        bytes: HEADER.len() as u64,
        total_value_usd: 0,
    };
    let mut cell = Cell::default();
    let mut buf = Vec::new();
    for (cell_index, (month_index, export)) in (0..months.len())
        .flat_map(|m| [(m, true), (m, false)])
        .enumerate()
    {
        let rows = (per_cell + u64::from((cell_index as u64) < extra)) as usize;
        let floor = floor.min(rows / 8).min(model.municipalities.len());
        let (year, month) = months[month_index];
        let context = CellContext {
            index: cell_index,
            rows,
            floor,
            export,
            log_shift: ln(SEASON[month as usize - 1] * slump(year, month))
                + YEARLY_GROWTH * f64::from(year - MONTHS.0.0),
        };
        model.fill(&context, &mut cell);
        buf.clear();
        let prefix = format!(
            "{year:04}-{month:02},{},",
            if export { "EXPORT" } else { "IMPORT" }
        );
        for &(key, value) in &cell.rows {
            model.write_row(&mut buf, prefix.as_bytes(), key, value);
            stats.total_value_usd += u128::from(value);
        }
        out.write_all(&buf)?;
        stats.rows += rows as u64;
        stats.bytes += buf.len() as u64;
        progress(stats.rows);
    }
    Ok(stats)
}

/// 2019-01 … 2025-12.
fn month_list() -> Vec<(i32, u32)> {
    let ((y0, m0), (y1, m1)) = MONTHS;
    let (first, last) = (y0 * 12 + m0 as i32 - 1, y1 * 12 + m1 as i32 - 1);
    (first..=last)
        .map(|i| (i / 12, (i % 12) as u32 + 1))
        .collect()
}

/// The 2020 pandemic slump in trade.
fn slump(year: i32, month: u32) -> f64 {
    match (year, month) {
        (2020, 4) => 0.6,
        (2020, 5) => 0.7,
        (2020, 6) => 0.85,
        _ => 1.0,
    }
}

struct CellContext {
    index: usize,
    rows: usize,
    floor: usize,
    export: bool,
    log_shift: f64,
}

/// One cell's rows as (key, value), reused from cell to cell.
#[derive(Default)]
struct Cell {
    seen: HashSet<u64, BuildHasherDefault<MixHasher>>,
    rows: Vec<(u64, u64)>,
}

/// Weights, size effects and code bytes, computed once per run.
struct Model<'a> {
    municipalities: &'a [String],
    partners: &'a [String],
    products: &'a [String],
    municipality_table: AliasTable,
    export_partner_table: AliasTable,
    import_partner_table: AliasTable,
    product_table: AliasTable,
    /// ln(rank + 1) for ranks up to the longest list.
    log_rank: Vec<f64>,
    /// Each municipality's product speciality offset.
    offsets: Vec<usize>,
}

impl<'a> Model<'a> {
    fn new(catalog: &'a GeneratorCatalog) -> io::Result<Self> {
        let lists = [
            &catalog.municipalities,
            &catalog.partners,
            &catalog.products,
        ];
        if lists.iter().any(|l| l.is_empty()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the generator catalogue needs at least one municipality, partner and product",
            ));
        }
        let longest = lists.iter().map(|l| l.len()).max().unwrap_or(0);
        let log_rank: Vec<f64> = (0..longest).map(|r| ln(r as f64 + 1.0)).collect();
        let zipf = |n: usize, s: f64| {
            AliasTable::new(&(0..n).map(|r| powf(r as f64 + 1.0, -s)).collect::<Vec<_>>())
        };
        let products = catalog.products.len();
        Ok(Self {
            municipalities: &catalog.municipalities,
            partners: &catalog.partners,
            products: &catalog.products,
            municipality_table: zipf(catalog.municipalities.len(), MUNICIPALITY_EXPONENT),
            export_partner_table: zipf(catalog.partners.len(), EXPORT_PARTNER_EXPONENT),
            import_partner_table: zipf(catalog.partners.len(), IMPORT_PARTNER_EXPONENT),
            product_table: zipf(products, PRODUCT_EXPONENT),
            log_rank,
            offsets: catalog
                .municipalities
                .iter()
                .map(|m| (hash_str(m) % products as u64) as usize)
                .collect(),
        })
    }

    fn key_space(&self) -> f64 {
        self.municipalities.len() as f64 * self.partners.len() as f64 * self.products.len() as f64
    }

    fn key(&self, m: usize, p: usize, h: usize) -> u64 {
        (m as u64 * self.partners.len() as u64 + p as u64) * self.products.len() as u64 + h as u64
    }

    /// Draws the cell's distinct keys and their values, sorted by key.
    fn fill(&self, ctx: &CellContext, cell: &mut Cell) {
        let mut rng = SplitMix64::new(mix(SEED ^ mix(ctx.index as u64 + 1)));
        let partners = if ctx.export {
            &self.export_partner_table
        } else {
            &self.import_partner_table
        };
        cell.seen.clear();
        cell.rows.clear();
        let n = self.municipalities.len();
        let first = ctx.index * ctx.floor;
        let mut attempts = 0usize;
        while cell.rows.len() < ctx.rows {
            attempts += 1;
            let i = cell.rows.len();
            let m = if i < ctx.floor {
                (first + i) % n
            } else {
                self.municipality_table.sample(&mut rng)
            };
            let p = partners.sample(&mut rng);
            let rank = self.product_table.sample(&mut rng);
            let h = if rng.next_u64() & 1 == 0 {
                rank
            } else {
                (rank + self.offsets[m]) % self.products.len()
            };
            // Past many repeats (only with tiny catalogues), draw uniformly:
            // the key space is at least four times the cell, so this ends.
            let (m, p, h) = if attempts > 20 * ctx.rows + 1000 {
                (
                    rng.below(n),
                    rng.below(self.partners.len()),
                    rng.below(self.products.len()),
                )
            } else {
                (m, p, h)
            };
            let key = self.key(m, p, h);
            if !cell.seen.insert(key) {
                continue;
            }
            let (a, b, c) = SIZE_EFFECT;
            let log_value = LOG_MEDIAN + LOG_SIGMA * rng.normal() + ctx.log_shift
                - a * self.log_rank[m]
                - b * self.log_rank[p]
                - c * self.log_rank[rank];
            let value = exp(log_value).round().max(1.0) as u64;
            cell.rows.push((key, value));
        }
        cell.rows.sort_unstable_by_key(|&(key, _)| key);
    }

    fn write_row(&self, buf: &mut Vec<u8>, prefix: &[u8], key: u64, value: u64) {
        let products = self.products.len() as u64;
        let partners = self.partners.len() as u64;
        let h = (key % products) as usize;
        let p = (key / products % partners) as usize;
        let m = (key / products / partners) as usize;
        buf.extend_from_slice(prefix);
        buf.extend_from_slice(self.municipalities[m].as_bytes());
        buf.push(b',');
        buf.extend_from_slice(self.partners[p].as_bytes());
        buf.extend_from_slice(b",HS,");
        buf.extend_from_slice(self.products[h].as_bytes());
        buf.push(b',');
        write_integer(buf, value);
        buf.extend_from_slice(b",USD,synthetic\n");
    }
}

fn write_integer(buf: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[i..]);
}
