//! The `tradegraph` command line.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use tradegraph::db::{DEFAULT_DATABASE_URL, Database};
use tradegraph::startup::{Application, Config, prepare_database};
use tradegraph::store::import::{self, ImportOptions};

/// mimalloc instead of the system allocator: a request builds and drops
/// thousands of small values (see BENCHMARKS.md, "allocator").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "tradegraph",
    version,
    about = "GraphQL server for foreign-trade statistics with a data-quality layer"
)]
struct Cli {
    /// Database URL: `sqlite://FILE?mode=rwc` (embedded default) or `postgres://user@host/db`.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    database_url: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the server (migrates and loads the bundled data on first start).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "TRADEGRAPH_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// Token that writes must present as `Authorization: Bearer <token>`; without it writes are disabled.
        #[arg(long, env = "TRADEGRAPH_ADMIN_TOKEN", hide_env_values = true)]
        admin_token: Option<String>,
        /// Browser origins allowed to call the API (repeat, or comma-separate; `*` for any).
        #[arg(
            long = "cors-origin",
            env = "TRADEGRAPH_CORS_ORIGINS",
            value_delimiter = ','
        )]
        cors_origins: Vec<String>,
        /// Seconds a request may run before it is stopped.
        #[arg(long, env = "TRADEGRAPH_REQUEST_TIMEOUT", default_value_t = 30)]
        request_timeout: u64,
        /// Largest request body in bytes.
        #[arg(long, env = "TRADEGRAPH_BODY_LIMIT", default_value_t = 2 * 1024 * 1024)]
        body_limit: usize,
        /// HTTP worker threads (default: one per core).
        #[arg(long, env = "TRADEGRAPH_WORKERS")]
        workers: Option<usize>,
        /// Database connections to open at most (default: 32 on PostgreSQL, 8 on a SQLite file).
        #[arg(long, env = "TRADEGRAPH_DB_POOL_SIZE", value_parser = clap::value_parser!(u32).range(1..))]
        db_pool_size: Option<u32>,
        /// Microseconds a batching loader waits for sibling keys (async-graphql's default is 1000).
        #[arg(long, env = "TRADEGRAPH_LOADER_DELAY_US", default_value_t = 0)]
        loader_delay_us: u64,
    },
    /// Apply pending migrations and load the bundled data if missing.
    Migrate,
    /// Same as `migrate`: load the bundled catalogues and sample flows into an empty database.
    Seed,
    /// Import flows from a CSV file (see ingest/FORMAT.md), all or nothing.
    Import {
        file: PathBuf,
        /// Write the valid rows and report the invalid ones instead of rejecting the file.
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Write deterministic synthetic flows (scale 1 = 1,000,000 rows) as CSV.
    Generate {
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Directory to write `flows.csv` into.
        #[arg(long)]
        out: PathBuf,
    },
    /// Audit report files (Markdown or text): prints the findings; exits 1 when any is an ERROR.
    Audit {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The region the reports are about (INEGI code); detected when absent.
        #[arg(long)]
        scope: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Run the data rules (HIERARCHY_SUM, DUPLICATE_FLOW) over the stored flows and store the run;
    /// exits 1 when any finding is an ERROR.
    AuditData {
        /// Only this region's subtree.
        #[arg(long)]
        region: Option<String>,
        /// Only flows inside this period.
        #[arg(long)]
        period: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    use std::process::ExitCode;
    match cli.command {
        Command::Serve {
            bind,
            admin_token,
            cors_origins,
            request_timeout,
            body_limit,
            workers,
            db_pool_size,
            loader_delay_us,
        } => {
            let config = Config {
                bind,
                database_url: cli.database_url,
                admin_token: admin_token.filter(|t| !t.is_empty()),
                cors_origins,
                request_timeout: Duration::from_secs(request_timeout),
                body_limit,
                workers,
                db_pool_size,
                loader_delay: Duration::from_micros(loader_delay_us),
                ..Config::default()
            };
            let app = Application::build(config).await?;
            eprintln!(
                "tradegraph is listening: playground at http://127.0.0.1:{}/graphql",
                app.port()
            );
            app.run_until_stopped().await?;
        }
        Command::Migrate | Command::Seed => {
            let db = Database::connect(&cli.database_url, None).await?;
            prepare_database(&db).await?;
            eprintln!("database ready: {}", cli.database_url);
        }
        Command::Import { file, skip_invalid } => {
            let db = Database::connect(&cli.database_url, None).await?;
            let catalog = prepare_database(&db).await?;
            let size = std::fs::metadata(&file)
                .with_context(|| format!("reading {}", file.display()))?
                .len();
            let input = std::io::BufReader::with_capacity(
                1 << 20,
                std::fs::File::open(&file)
                    .with_context(|| format!("opening {}", file.display()))?,
            );
            let bar = progress_bar(size);
            let started = std::time::Instant::now();
            let report = import::import(
                &db.conn,
                catalog.clone(),
                input,
                ImportOptions {
                    skip_invalid,
                    size_hint: Some(size),
                },
                |bytes| bar.set_position(bytes),
            )
            .await?;
            bar.finish_and_clear();
            for e in &report.errors {
                eprintln!("{}: {e}", file.display());
            }
            if report.error_count as usize > report.errors.len() {
                eprintln!(
                    "… and {} more invalid rows",
                    report.error_count as usize - report.errors.len()
                );
            }
            for s in &report.skipped {
                eprintln!(
                    "{}: line {}: skipped: {} ({})",
                    file.display(),
                    s.line,
                    s.message,
                    s.rule
                );
            }
            for m in &report.label_mismatches {
                eprintln!(
                    "{}: line {}: LABEL_CODE: {} `{}` is labelled `{}`{}",
                    file.display(),
                    m.line,
                    m.column(),
                    m.code,
                    m.label,
                    m.expected
                        .as_ref()
                        .map(|e| format!(" but is {e}"))
                        .unwrap_or_default()
                );
            }
            let secs = started.elapsed().as_secs_f64();
            if !report.committed {
                eprintln!(
                    "rejected: {} invalid rows, nothing written (use --skip-invalid to write the valid rows)",
                    report.error_count
                );
                return Ok(ExitCode::from(1));
            }
            eprintln!(
                "imported {} flows from {} rows in {:.2} s ({:.0} rows/s){}",
                report.inserted,
                report.rows_read,
                secs,
                report.rows_read as f64 / secs.max(1e-9),
                if report.error_count > 0 {
                    format!("; {} invalid rows skipped", report.error_count)
                } else {
                    String::new()
                }
            );
        }
        Command::Generate { scale, out } => {
            let rows = tradegraph_ingest::rows_for_scale(scale)?;
            let catalog = generator_catalog()?;
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            let path = out.join("flows.csv");
            let mut file =
                std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&path)?);
            let bar = progress_bar(rows);
            let stats =
                tradegraph_ingest::generate(scale, &catalog, &mut file, |n| bar.set_position(n))?;
            std::io::Write::flush(&mut file)?;
            bar.finish_and_clear();
            eprintln!(
                "wrote {} synthetic flows ({} bytes) to {}",
                stats.rows,
                stats.bytes,
                path.display()
            );
        }
        Command::Audit {
            files,
            scope,
            format,
        } => return audit_files(&cli.database_url, files, scope, format).await,
        Command::AuditData {
            region,
            period,
            format,
        } => {
            return audit_data(&cli.database_url, region, period, format).await;
        }
        Command::Schema => print!("{}", tradegraph::graphql::sdl()),
    }
    Ok(ExitCode::SUCCESS)
}

async fn audit_files(
    database_url: &str,
    files: Vec<PathBuf>,
    scope: Option<String>,
    format: Format,
) -> anyhow::Result<std::process::ExitCode> {
    use tradegraph::store::audit;
    let db = Database::connect(database_url, None).await?;
    let catalog = prepare_database(&db).await?;
    if let Some(code) = &scope {
        anyhow::ensure!(
            catalog.region(code).is_some(),
            "--scope: `{code}` is not a known region code"
        );
    }
    let mut errors = 0;
    let mut reports = Vec::new();
    for file in &files {
        let text =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        let doc = tradegraph_audit::Document {
            text,
            scope_region_code: scope.clone(),
            ..Default::default()
        };
        let result = audit::audit_document(&db, &catalog, &doc).await?;
        errors += result
            .findings
            .iter()
            .filter(|f| f.severity == tradegraph_audit::Severity::Error)
            .count();
        match format {
            Format::Text => print_audit(file, &result, &catalog),
            Format::Json => reports.push(serde_json::json!({ "file": file, "audit": result })),
        }
    }
    if let Format::Json = format {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    }
    Ok(if errors > 0 {
        std::process::ExitCode::from(1)
    } else {
        std::process::ExitCode::SUCCESS
    })
}

fn print_audit(
    file: &std::path::Path,
    audit: &tradegraph_audit::DocumentAudit,
    catalog: &tradegraph::store::catalog::Catalog,
) {
    let scope = audit
        .scope
        .as_ref()
        .map(|s| {
            let name = catalog
                .region(&s.region_code)
                .map(|r| r.name.as_str())
                .unwrap_or("?");
            let method = format!("{:?}", s.method).to_lowercase();
            format!("{name} ({}, from {method})", s.region_code)
        })
        .unwrap_or_else(|| "not detected".into());
    println!(
        "{}: scope {scope}; {} claims, {} findings",
        file.display(),
        audit.claims.len(),
        audit.findings.len()
    );
    for f in &audit.findings {
        println!(
            "  {:<7} {:<15} {}",
            f.severity.as_str(),
            f.rule.as_str(),
            f.message
        );
        if !f.excerpt.is_empty() {
            println!(
                "  {:<7} {:<15} “{}”",
                "",
                "",
                f.excerpt.chars().take(160).collect::<String>()
            );
        }
        if let (Some(e), Some(s)) = (f.expected, f.stated) {
            println!("  {:<7} {:<15} expected {e}, stated {s}", "", "");
        }
    }
}

async fn audit_data(
    database_url: &str,
    region: Option<String>,
    period: Option<String>,
    format: Format,
) -> anyhow::Result<std::process::ExitCode> {
    use tradegraph::store::{audit, data_rules::DataScope, flows::RegionScope};
    let db = Database::connect(database_url, None).await?;
    let catalog = prepare_database(&db).await?;
    let region = match region {
        Some(code) => {
            let r = catalog
                .region(&code)
                .with_context(|| format!("--region: `{code}` is not a known region code"))?;
            Some(RegionScope {
                code: r.code.clone(),
                level: r.level,
            })
        }
        None => None,
    };
    let period = period
        .map(|p| tradegraph_domain::Period::parse(&p))
        .transpose()
        .context("--period")?;
    let started = std::time::Instant::now();
    let run = audit::run_audit(&db.conn, &catalog, DataScope { region, period }, None).await?;
    let filter = audit::FindingFilter {
        audit_run_id: Some(run.id),
        ..Default::default()
    };
    let (findings, _) = audit::findings(&db, &filter, 0, 10_000).await?;
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "auditRun": run.id, "findingCount": run.finding_count, "errorCount": run.error_count,
                "seconds": started.elapsed().as_secs_f64(),
                "findings": findings.iter().map(|f| serde_json::json!({
                    "rule": f.rule, "severity": f.severity, "message": f.message, "excerpt": f.excerpt
                })).collect::<Vec<_>>()
            }))?
        ),
        Format::Text => {
            for f in &findings {
                println!("{:<7} {:<15} {}", f.severity, f.rule, f.message);
            }
            eprintln!(
                "audit run {}: {} findings ({} errors) in {:.2} s",
                run.id,
                run.finding_count,
                run.error_count,
                started.elapsed().as_secs_f64()
            );
        }
    }
    Ok(if run.error_count > 0 {
        std::process::ExitCode::from(1)
    } else {
        std::process::ExitCode::SUCCESS
    })
}

/// The generator's catalogue, from the reference data embedded in the binary.
fn generator_catalog() -> anyhow::Result<tradegraph_ingest::GeneratorCatalog> {
    use tradegraph::store::seed;
    Ok(tradegraph_ingest::GeneratorCatalog::from_readers(
        seed::MUNICIPALITIES_CSV.as_bytes(),
        seed::COUNTRIES_CSV.as_bytes(),
        seed::HS_CODES_CSV.as_bytes(),
    )?)
}

/// A progress bar on a terminal; nothing when stderr is redirected.
fn progress_bar(len: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {percent}% ({eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}
