//! The HTTP surface: `/graphql` (POST executes, GET serves the playground),
//! the playground's embedded assets, `/healthz`, `/metrics`.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use async_graphql::dataloader::DataLoader;
use async_graphql::{BatchRequest, BatchResponse, ErrorExtensions, Response, ServerError};
use futures::FutureExt;
use tracing::error;

use crate::graphql::batching::{Batched, LoadQueue};
use crate::graphql::error::ApiError;
use crate::graphql::loaders::{FlowCountLoader, FlowPageLoader, TopLoader, TotalsLoader};
use crate::graphql::{Admin, RequestState};
use crate::playground;
use crate::startup::AppState;

/// The query the playground opens with; it runs against the bundled data.
pub const EXAMPLE_QUERY: &str = r#"# Baja California's municipalities and their largest export flows,
# then the state's top products in January 2024 (Data México sample).
{
  region(code: "02") {
    name
    isoCode
    children(first: 3) {
      edges { node { code name } }
    }
    topProducts(direction: EXPORT, period: "2024-01", level: 4, first: 5) {
      rank code value share
      product { descriptionEn descriptionEs }
    }
    flows(filter: { period: "2024-01", direction: EXPORT }, first: 5) {
      totalCount
      edges { node { period value currency product { code descriptionEn } partner { nameEn } } }
    }
  }
}
"#;

pub fn server(state: AppState, listener: TcpListener) -> std::io::Result<Server> {
    let workers = state.config.workers;
    let mut server = HttpServer::new(move || {
        App::new()
            .wrap(cors(&state.config.cors_origins))
            .wrap(actix_web::middleware::Compress::default())
            .app_data(web::Data::new(state.clone()))
            .app_data(web::PayloadConfig::new(state.config.body_limit))
            .service(
                web::resource("/graphql")
                    .route(web::post().to(graphql))
                    .route(web::get().to(playground_page)),
            )
            .route("/graphql/assets/{name}", web::get().to(playground_asset))
            .route("/healthz", web::get().to(healthz))
            .route("/metrics", web::get().to(metrics))
            .route(
                "/",
                web::get().to(|| async {
                    HttpResponse::Found()
                        .insert_header((header::LOCATION, "/graphql"))
                        .finish()
                }),
            )
    })
    .listen(listener)?;
    if let Some(n) = workers {
        server = server.workers(n);
    }
    Ok(server.run())
}

fn cors(origins: &[String]) -> Cors {
    let base = Cors::default()
        .allowed_methods(["GET", "POST"])
        .allowed_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
        .max_age(3600);
    if origins.iter().any(|o| o == "*") {
        return base.allow_any_origin();
    }
    origins.iter().fold(base, |cors, o| cors.allowed_origin(o))
}

fn admin(req: &HttpRequest, token: Option<&str>) -> Admin {
    let Some(expected) = token else {
        return Admin::Disabled;
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    // Constant-time comparison: the time taken does not reveal a matching prefix.
    let same_len = given.len() == expected.len();
    let diff = given
        .bytes()
        .zip(expected.bytes())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if same_len && diff == 0 {
        Admin::Granted
    } else {
        Admin::Denied
    }
}

fn error_response(status: actix_web::http::StatusCode, err: ApiError) -> HttpResponse {
    let server_error = err
        .extend()
        .into_server_error(async_graphql::Pos::default());
    HttpResponse::build(status).json(Response::from_errors(vec![server_error]))
}

async fn graphql(req: HttpRequest, body: web::Bytes, state: web::Data<AppState>) -> HttpResponse {
    use actix_web::http::StatusCode;
    state.requests.fetch_add(1, Ordering::Relaxed);
    let mut batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                ApiError::bad_input(
                    "body",
                    "json",
                    format!("the body is not a GraphQL request in JSON: {e}"),
                ),
            );
        }
    };
    for request in batch.iter_mut() {
        state.documents.prepare(request);
    }
    let request_state = RequestState {
        db: state.db.clone(),
        catalog: state.catalog.snapshot(),
        catalogs: state.catalog.clone(),
        admin: admin(&req, state.config.admin_token.as_deref()),
    };
    // One set of loaders per request: batches by key, caches nothing across
    // requests; their loads run in the request's task (see `batching`).
    let db = || state.db.clone();
    let delay = state.config.loader_delay;
    let queue = LoadQueue::default();
    let catalog = || request_state.catalog.clone();
    let flows = FlowPageLoader {
        db: db(),
        catalog: catalog(),
    };
    let flows = Arc::new(DataLoader::new(flows, queue.spawner()).delay(delay));
    let totals = Arc::new(DataLoader::new(TotalsLoader { db: db() }, queue.spawner()).delay(delay));
    let counts = FlowCountLoader {
        db: db(),
        catalog: catalog(),
    };
    let counts = Arc::new(DataLoader::new(counts, queue.spawner()).delay(delay));
    let tops = TopLoader {
        db: db(),
        catalog: catalog(),
    };
    let tops = Arc::new(DataLoader::new(tops, queue.spawner()).delay(delay));
    let batch = batch
        .data(request_state)
        .data(flows)
        .data(totals)
        .data(counts)
        .data(tops);
    // Unconstrained: tokio's cooperative budget would otherwise make a ready
    // load look unready mid-request, and the loads start early.
    let execution = Batched::new(state.schema.execute_batch(batch), queue);
    let run = std::panic::AssertUnwindSafe(tokio::task::unconstrained(execution)).catch_unwind();
    let response: BatchResponse =
        match tokio::time::timeout(state.config.request_timeout, run).await {
            Ok(Ok(r)) => r,
            Ok(Err(_)) => {
                error!("a request panicked");
                return error_response(StatusCode::INTERNAL_SERVER_ERROR, ApiError::Internal);
            }
            Err(_) => {
                let mut e = ServerError::new(
                    format!(
                        "the request took longer than {:?} and was stopped",
                        state.config.request_timeout
                    ),
                    None,
                );
                e.extensions = Some({
                    let mut ext = async_graphql::ErrorExtensionValues::default();
                    ext.set("code", "TIMEOUT");
                    ext
                });
                return HttpResponse::ServiceUnavailable().json(Response::from_errors(vec![e]));
            }
        };
    HttpResponse::Ok().json(with_codes(response))
}

/// Errors raised by async-graphql itself (parse, validation, depth and
/// complexity limits, argument coercion) carry no code: they are all faults
/// of the request, so they get `BAD_USER_INPUT`.
fn with_codes(mut response: BatchResponse) -> BatchResponse {
    let responses: Vec<&mut Response> = match &mut response {
        BatchResponse::Single(r) => vec![r],
        BatchResponse::Batch(rs) => rs.iter_mut().collect(),
    };
    for r in responses {
        for e in &mut r.errors {
            let ext = e.extensions.get_or_insert_with(Default::default);
            if ext.get("code").is_none() {
                ext.set("code", "BAD_USER_INPUT");
                ext.set("rule", "graphql");
            }
        }
    }
    response
}

async fn playground_page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(playground::page(
            "/graphql",
            "/graphql/assets",
            EXAMPLE_QUERY,
        ))
}

async fn playground_asset(name: web::Path<String>) -> HttpResponse {
    match playground::asset(&name) {
        Some((bytes, content_type)) => HttpResponse::Ok()
            .content_type(content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .body(bytes),
        None => HttpResponse::NotFound().finish(),
    }
}

async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    match state.db.conn.ping().await {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })),
        Err(e) => {
            error!(error = %e, "health check failed");
            HttpResponse::ServiceUnavailable()
                .json(serde_json::json!({ "status": "unavailable", "database": "unreachable" }))
        }
    }
}

/// Counters for benchmarks and monitoring, in Prometheus text format, and
/// the connections reads keep out of the pool (PostgreSQL; see `db::Kept`).
async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(format!(
        "# TYPE tradegraph_sql_statements_total counter\ntradegraph_sql_statements_total {}\n# TYPE tradegraph_graphql_requests_total counter\ntradegraph_graphql_requests_total {}\n# TYPE tradegraph_db_kept_connections gauge\ntradegraph_db_kept_connections {}\n",
        state.db.statements(),
        state.requests.load(Ordering::Relaxed),
        state.db.kept_connections()
    ))
}
