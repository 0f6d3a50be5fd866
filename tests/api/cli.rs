//! The command line as an editor's CI uses it: the real binary, a fresh
//! SQLite file, exit codes.

use std::process::{Command, Output};

fn tradegraph(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tradegraph"))
        .args(args)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/cli.db?mode=rwc", dir.display()),
        )
        .env("RUST_LOG", "warn")
        .output()
        .expect("run tradegraph")
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tradegraph-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn audit_exits_1_on_errors_and_0_on_a_correct_report() {
    let dir = temp_dir("audit");
    let report = |growth: &str| {
        format!(
            "# Exportaciones | Coahuila 2024\n\nLas exportaciones de Coahuila sumaron 60,000 millones de dólares en 2024, \
             frente a 50,000 millones de dólares en 2023, un aumento de {growth}% respecto al año anterior.\n"
        )
    };
    let good = dir.join("good.md");
    let bad = dir.join("bad.md");
    std::fs::write(&good, report("20.0")).unwrap();
    std::fs::write(&bad, report("12.0")).unwrap();

    let ok = tradegraph(&dir, &["audit", good.to_str().unwrap()]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(stdout.contains("scope Coahuila (05"), "{stdout}");

    let failed = tradegraph(&dir, &["audit", bad.to_str().unwrap(), "--format", "json"]);
    assert_eq!(
        failed.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&failed.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&failed.stdout).expect("JSON output");
    assert_eq!(json[0]["audit"]["findings"][0]["rule"], "GROWTH_VALUE");

    let unknown = tradegraph(&dir, &["audit", good.to_str().unwrap(), "--scope", "77"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("--scope"));
}

#[test]
fn import_rejects_a_bad_file_whole_and_names_the_row() {
    let dir = temp_dir("import");
    let csv = dir.join("flows.csv");
    std::fs::write(
        &csv,
        "period,direction,region_code,partner_iso3,classification,product_code,value,currency,source\n\
         2024-10,EXPORT,02002,USA,HS,854231,100,USD,manual\n\
         2024-10,EXPORT,02002,USA,HS,854231x,100,USD,manual\n",
    )
    .unwrap();
    let out = tradegraph(&dir, &["import", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 3, column product_code"), "{stderr}");
    assert!(stderr.contains("nothing written"), "{stderr}");

    let skip = tradegraph(&dir, &["import", csv.to_str().unwrap(), "--skip-invalid"]);
    assert_eq!(
        skip.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&skip.stderr)
    );
    assert!(String::from_utf8_lossy(&skip.stderr).contains("imported 1 flows"));
}

#[test]
fn schema_command_prints_the_committed_sdl() {
    let dir = temp_dir("schema");
    let out = tradegraph(&dir, &["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), committed);
}
