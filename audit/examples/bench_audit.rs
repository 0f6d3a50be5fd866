//! Audit throughput: builds the gazetteer from `data/` once, then audits each
//! corpus document and a ~5 KB synthetic report many times, printing the
//! median and 90th percentile per document.
//!
//! `cargo run --release -p tradegraph-audit --example bench_audit [RUNS] [NAME]`
//!
//! RUNS (200 by default) audits per document; NAME keeps the documents whose
//! name contains it (under `valgrind --tool=callgrind`, one document and a
//! few runs give an instruction count that does not depend on the machine's
//! load).

use std::path::Path;
use std::time::Instant;

use tradegraph_audit::{Document, Gazetteer, audit_document, load_entries_from_csv_dir};

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args
        .next()
        .map(|a| a.parse().expect("RUNS: a number of audits per document"))
        .unwrap_or(200)
        .max(1);
    let only = args.next().unwrap_or_default();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let started = Instant::now();
    let gaz = Gazetteer::new(load_entries_from_csv_dir(&root.join("../data")));
    println!(
        "gazetteer: {} entries built in {} ms",
        gaz.entries().len(),
        started.elapsed().as_millis()
    );
    let corpus = root.join("tests/corpus");
    let mut docs: Vec<(String, String)> = [
        "mexicali-comercio-exterior-2025-11.md",
        "mexicali-maquiladora-exports-2024.txt",
        "mexico-top10-exporter-states-3q2025.txt",
    ]
    .iter()
    .filter_map(|name| {
        std::fs::read_to_string(corpus.join(name))
            .ok()
            .map(|t| (name.to_string(), t))
    })
    .collect();
    docs.push(("synthetic (~5 KB)".into(), synthetic(5_000)));
    docs.retain(|(name, _)| name.contains(&only));
    println!(
        "{:<42} {:>7} {:>8} {:>12} {:>10}",
        "document", "bytes", "claims", "median µs", "p90 µs"
    );
    for (name, text) in &docs {
        let doc = Document {
            text: text.clone(),
            ..Document::default()
        };
        let mut times = Vec::with_capacity(runs);
        let mut claims = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let audit = audit_document(&doc, &gaz).expect("no scope given, cannot fail");
            times.push(t.elapsed().as_micros());
            claims = audit.claims.len();
        }
        times.sort_unstable();
        println!(
            "{name:<42} {:>7} {claims:>8} {:>12} {:>10}",
            text.len(),
            times[runs / 2],
            times[runs * 9 / 10]
        );
    }
}

/// A Spanish state report with prose, rankings and a table, repeated with
/// varying figures until it reaches `bytes`.
fn synthetic(bytes: usize) -> String {
    let states = [
        "Chihuahua",
        "Coahuila",
        "Nuevo León",
        "Baja California",
        "Jalisco",
        "Tamaulipas",
        "Sonora",
        "Guanajuato",
    ];
    let mut out = String::from("# Comercio exterior | México, tercer trimestre de 2025\n\n");
    let mut i = 0;
    while out.len() < bytes {
        let a = states[i % states.len()];
        let b = states[(i + 3) % states.len()];
        let v = 1000.0 + (i * 137 % 900) as f64;
        out.push_str(&format!(
            "En el tercer trimestre de 2025, {a} exportó {v:.1} millones de dólares, un aumento de {:.1}% respecto al mismo periodo de 2024, seguido de {b} con {:.1}% de las exportaciones nacionales. \
             Las importaciones desde Estados Unidos, China y Corea del Sur crecieron {:.1}%.\n\n",
            2.0 + (i % 7) as f64,
            9.0 - (i % 5) as f64,
            1.5 + (i % 3) as f64
        ));
        if i % 3 == 0 {
            out.push_str("| Producto | Valor | Participación % |\n|---|---:|---:|\n| Circuitos electrónicos integrados | 500.0 | 50.0 |\n| Bombas de aire o bombas de vacío | 300.0 | 30.0 |\n| Resto | 200.0 | 20.0 |\n| Total | 1,000.0 | 100.0 |\n\nCifras en millones de dólares.\n\n");
        }
        i += 1;
    }
    out
}
