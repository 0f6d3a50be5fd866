//! Times the generator: `cargo run --release -p tradegraph-ingest --example
//! generate -- SCALE OUT.csv` (defaults: scale 1, the system's null device).

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::time::Instant;

use tradegraph_ingest::{GeneratorCatalog, generate};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let scale: f64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1.0);
    let out = args.next().unwrap_or_else(|| "/dev/null".to_string());
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data");
    let catalog = GeneratorCatalog::from_data_dir(&data)?;
    let mut writer = BufWriter::with_capacity(1 << 20, File::create(&out)?);
    let started = Instant::now();
    let stats = generate(scale, &catalog, &mut writer, |_| {})?;
    drop(writer);
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{} rows, {} bytes, US${} in {seconds:.3} s: {:.0} rows/s, {:.0} MB/s",
        stats.rows,
        stats.bytes,
        stats.total_value_usd,
        stats.rows as f64 / seconds,
        stats.bytes as f64 / seconds / 1e6
    );
    Ok(())
}
