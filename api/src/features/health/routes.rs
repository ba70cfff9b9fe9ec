use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::platform::db::DbPool;
use crate::realtime::hub::HubHandle;

/// What the health routes look at; registered as app data.
#[derive(Clone)]
pub struct Probes {
    pub db: DbPool,
    pub redis: Option<redis::aio::ConnectionManager>,
    pub hub: HubHandle,
    /// `/metrics` is served on METRICS_ADDR, not here.
    pub metrics_elsewhere: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok` or `unavailable`.
    pub status: &'static str,
    /// Per dependency: `ok`, `down`, or `not configured`.
    #[schema(value_type = Object)]
    pub checks: serde_json::Value,
}

/// What `GET /` answers: where to go next.
#[derive(Serialize, ToSchema)]
pub struct Index {
    pub name: &'static str,
    /// The API's version (the build's).
    pub version: &'static str,
    pub links: IndexLinks,
}

#[derive(Serialize, ToSchema)]
pub struct IndexLinks {
    /// Interactive API documentation.
    pub docs: &'static str,
    /// The OpenAPI 3.1 document of the REST API.
    pub openapi: &'static str,
    /// The AsyncAPI 3 document of the WebSocket protocol.
    pub asyncapi: &'static str,
    /// Readiness of this instance.
    pub readyz: &'static str,
}

/// The API's index: its name and version, and links to its documents.
#[utoipa::path(tag = "health", responses((status = 200, body = Index)))]
#[get("/")]
pub async fn index() -> HttpResponse {
    HttpResponse::Ok().json(Index {
        name: "Parley API",
        version: env!("CARGO_PKG_VERSION"),
        links: IndexLinks {
            docs: "/docs/",
            openapi: "/openapi.json",
            asyncapi: "/asyncapi.yaml",
            readyz: "/readyz",
        },
    })
}

/// Liveness: the process answers.
#[utoipa::path(tag = "health", responses((status = 200, body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        checks: serde_json::json!({}),
    })
}

/// Readiness: the database (and Redis, when configured) answer.
#[utoipa::path(tag = "health", responses((status = 200, body = Health), (status = 503, body = Health)))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<Probes>) -> HttpResponse {
    let db_ok = crate::platform::db::ping(&state.db).await.is_ok();
    let redis = match &state.redis {
        None => "not configured",
        Some(conn) => {
            let mut conn = conn.clone();
            match redis::cmd("PING").query_async::<String>(&mut conn).await {
                Ok(_) => "ok",
                Err(_) => "down",
            }
        }
    };
    let ready = db_ok && redis != "down";
    let body = Health {
        status: if ready { "ok" } else { "unavailable" },
        checks: serde_json::json!({"database": if db_ok { "ok" } else { "down" }, "redis": redis}),
    };
    if ready {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

/// Prometheus metrics: request counts and latency by route, pool usage, open sockets.
/// Served here unless METRICS_ADDR puts them on a separate address (then this is 404).
#[utoipa::path(tag = "health", responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
#[get("/metrics")]
pub async fn metrics(state: web::Data<Probes>) -> HttpResponse {
    if state.metrics_elsewhere {
        return crate::platform::error::no_such_route();
    }
    render_metrics(&state).await
}

/// The Prometheus text, for either address.
pub async fn render_metrics(state: &Probes) -> HttpResponse {
    let sockets = state.hub.stats().await.map(|s| s.connections).unwrap_or(0);
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(crate::platform::metrics::render(state.db.status(), sockets))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(index).service(healthz).service(readyz).service(metrics);
}
