//! Builds the application: settings -> pool, bus, hub, workers -> HTTP server.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Instant;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServerHandle, Service, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{DefaultHeaders, ErrorHandlerResponse, ErrorHandlers};
use actix_web::{web, App, HttpResponse, HttpServer};
use anyhow::Context;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::dev::DevIssuer;
use crate::auth::Verifier;
use crate::config::{AuthMode, Settings};
use crate::domain::posting::Poster;
use crate::error::Problem;
use crate::metrics::Metrics;
use crate::openapi::ApiDoc;
use crate::realtime::bus::Bus;
use crate::realtime::hub;
use crate::realtime::limits::RateLimiter;
use crate::realtime::presence::Presence;
use crate::realtime::tickets::Tickets;
use crate::state::AppState;

pub struct Application {
    server: Server,
    addr: SocketAddr,
    state: AppState,
}

impl Application {
    pub async fn build(mut settings: Settings) -> anyhow::Result<Self> {
        crate::install_crypto_provider();
        let listener =
            TcpListener::bind(settings.bind_addr).with_context(|| format!("binding {}", settings.bind_addr))?;
        let addr = listener.local_addr()?;
        let self_url = format!(
            "http://{}:{}",
            if addr.ip().is_unspecified() {
                "127.0.0.1".into()
            } else {
                addr.ip().to_string()
            },
            addr.port()
        );

        let (verifier, dev) = match settings.auth_mode {
            AuthMode::Dev => {
                if settings.clerk_issuer.is_empty() {
                    settings.clerk_issuer = self_url.clone();
                }
                let issuer = DevIssuer::generate(settings.clerk_issuer.clone())?;
                let jwks = format!("{self_url}/v1/dev/jwks.json");
                (
                    Verifier::with_jwks(settings.clerk_issuer.clone(), jwks, vec![]),
                    Some(Arc::new(issuer)),
                )
            }
            AuthMode::Clerk => {
                let parties = settings.clerk_authorized_parties.clone();
                let verifier = match &settings.clerk_jwt_key {
                    Some(pem) => Verifier::with_pem(settings.clerk_issuer.clone(), pem, parties)?,
                    None => Verifier::with_jwks(settings.clerk_issuer.clone(), settings.jwks_url(), parties),
                };
                (verifier, None)
            }
        };
        let webhook_secret = match &settings.clerk_webhook_secret {
            Some(s) => Some(Arc::new(
                crate::auth::svix::decode_secret(s).map_err(anyhow::Error::msg)?,
            )),
            None => None,
        };

        let db = crate::db::pool(&settings.database_url, settings.db_pool_size)?;
        crate::db::ping(&db)
            .await
            .context("the database does not answer (DATABASE_URL)")?;

        let (hub_handle, hub_task) = hub::channel();
        let bus = match &settings.redis_url {
            Some(url) => Bus::redis(
                hub_handle.clone(),
                settings.instance_id.clone(),
                url,
                settings.redis_prefix.clone(),
            )
            .await
            .context("connecting to Redis (REDIS_URL)")?,
            None => Bus::local(hub_handle.clone(), settings.instance_id.clone()),
        };
        hub_task.spawn(db.clone(), bus.clone());
        let redis = bus.redis_connection();
        let presence = Presence::new(bus.clone(), settings.redis_prefix.clone(), settings.presence_ttl);
        let tickets = Tickets::new(redis.clone(), settings.redis_prefix.clone());
        let limiter = RateLimiter::new(redis.clone(), settings.redis_prefix.clone(), settings.send_rate_per_sec);
        let poster = Poster::start(
            db.clone(),
            bus.clone(),
            limiter,
            settings.batch_lanes,
            settings.batch_max,
            settings.batch_window,
        );

        let state = AppState {
            settings: Arc::new(settings),
            db,
            redis,
            verifier: Arc::new(verifier),
            dev,
            webhook_secret,
            webhook_wake: Arc::new(Notify::new()),
            hub: hub_handle,
            bus,
            poster,
            presence,
            tickets,
            metrics: Arc::new(Metrics::default()),
            shutdown: CancellationToken::new(),
        };
        tokio::spawn(crate::domain::webhooks::run_worker(state.clone()));

        let app_state = state.clone();
        let server = HttpServer::new(move || build_app(app_state.clone()))
            .workers(state.settings.http_workers.max(1))
            .listen(listener)?
            .disable_signals()
            .shutdown_timeout(5)
            .run();
        tracing::info!(%addr, instance = %state.settings.instance_id, "listening");
        Ok(Self { server, addr, state })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Runs until `stop` (or the server fails).
    pub async fn run(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Graceful stop: sockets let their in-flight writes commit and close with "reconnect",
/// presence entries are withdrawn, then the HTTP server drains.
pub async fn stop(state: &AppState, handle: &ServerHandle) {
    state.shutdown.cancel();
    state.presence.clear_local().await;
    handle.stop(true).await;
}

fn build_app(
    state: AppState,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([header::HeaderName::from_static("x-request-id")])
        .max_age(600);
    for origin in &state.settings.cors_origins {
        cors = cors.allowed_origin(origin);
    }
    App::new()
        .wrap(ErrorHandlers::new().default_handler(problem_for_bare_errors))
        .wrap(
            DefaultHeaders::new()
                .add(("X-Content-Type-Options", "nosniff"))
                .add(("X-Frame-Options", "DENY"))
                .add(("Referrer-Policy", "no-referrer"))
                .add(("Cross-Origin-Opener-Policy", "same-origin")),
        )
        .wrap(cors)
        .wrap_fn(|req, srv| {
            // A request id on every response and in the logs; never the query string (tickets).
            let request_id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .filter(|v| !v.is_empty() && v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
                .map(str::to_owned)
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            let metrics = req.app_data::<web::Data<AppState>>().map(|s| s.metrics.clone());
            let method = req.method().to_string();
            let span = tracing::info_span!("request", request_id = %request_id, method = %method, path = %req.path());
            let started = Instant::now();
            let fut = srv.call(req);
            async move {
                let mut res = fut.await?;
                if let Ok(value) = HeaderValue::from_str(&request_id) {
                    res.headers_mut()
                        .insert(header::HeaderName::from_static("x-request-id"), value);
                }
                let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".into());
                let status = res.status().as_u16();
                if let Some(metrics) = metrics {
                    metrics.record(&method, &route, status, started.elapsed());
                }
                tracing::info!(status, elapsed_ms = started.elapsed().as_millis() as u64, "handled");
                Ok(res)
            }
            .instrument(span)
        })
        .app_data(web::Data::new(state))
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::http::configure)
        .openapi_service(|api| SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", api))
        .into_app()
        .service(web::redirect("/docs", "/docs/"))
}

/// Responses that the framework produced without a body of ours (unknown route, wrong
/// method, CORS refusal…) become problem+json too.
fn problem_for_bare_errors<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .response()
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/problem+json") || ct.starts_with("application/json"));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (code, detail) = match status.as_u16() {
        404 => ("not_found", "no such route"),
        405 => ("method_not_allowed", "method not allowed on this route"),
        401 => ("unauthorized", "authentication required"),
        403 => ("forbidden", "not allowed"),
        413 => ("too_large", "request too large"),
        415 => ("unsupported_media_type", "unsupported content type"),
        400..=499 => ("invalid", "invalid request"),
        _ => ("internal", "internal error"),
    };
    let body = serde_json::to_string(&Problem::new(status, code, detail)).unwrap_or_default();
    let (req, _) = res.into_parts();
    let response = HttpResponse::build(status)
        .content_type("application/problem+json")
        .body(body);
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}
