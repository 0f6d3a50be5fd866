//! Times the reader: `cargo run --release -p tradegraph-ingest --example
//! read -- FILE.csv`, checking codes against the catalogue in `data/`.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::Path;
use std::time::Instant;

use tradegraph_domain::Classification;
use tradegraph_ingest::{Catalog, ReaderOptions, reader_with_options};

/// Codes only: every known code is named "?".
struct Codes(HashSet<String>, HashSet<String>, HashSet<String>);

impl Catalog for Codes {
    fn region_name(&self, code: &str) -> Option<&str> {
        self.0.contains(code).then_some("?")
    }
    fn partner_name(&self, iso3: &str) -> Option<&str> {
        self.1.contains(iso3).then_some("?")
    }
    fn product_name(&self, _: Classification, code: &str) -> Option<&str> {
        self.2.contains(code).then_some("?")
    }
}

fn column(path: &Path, name: &str) -> Result<HashSet<String>, Box<dyn std::error::Error>> {
    let mut csv = csv::Reader::from_path(path)?;
    let index = csv
        .headers()?
        .iter()
        .position(|h| h == name)
        .ok_or("no such column")?;
    let mut codes = HashSet::new();
    for row in csv.records() {
        codes.insert(row?.get(index).unwrap_or("").to_string());
    }
    Ok(codes)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let file = std::env::args().nth(1).ok_or("usage: read FILE.csv")?;
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data");
    let mut regions = column(&data.join("mx_municipalities.csv"), "cvegeo")?;
    regions.extend(column(&data.join("mx_states.csv"), "cve_ent")?);
    regions.insert("00".into());
    let mut products = column(&data.join("hs_codes.csv"), "code")?;
    products.extend(["842481", "845610", "852851", "940600"].map(String::from));
    let catalog = Codes(
        regions,
        column(&data.join("countries.csv"), "iso3")?,
        products,
    );

    let started = Instant::now();
    // NO_DUPLICATE_CHECK=1 measures the reader without the duplicate index.
    let options = ReaderOptions {
        check_duplicates: std::env::var_os("NO_DUPLICATE_CHECK").is_none(),
        ..ReaderOptions::default()
    };
    let mut flows = reader_with_options(File::open(&file)?, &catalog, options)?;
    let (mut good, mut bad) = (0u64, HashMap::<&str, u64>::new());
    for row in flows.by_ref() {
        match row {
            Ok(_) => good += 1,
            Err(e) => *bad.entry(e.rule).or_default() += 1,
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{good} flows, errors {bad:?}, {} bytes in {seconds:.3} s: {:.0} rows/s",
        flows.bytes_read(),
        flows.rows_read() as f64 / seconds
    );
    Ok(())
}
