//! Builds the application: settings → pool, bus, hub, workers → HTTP server; and stops it.

pub mod asyncapi;
pub mod middleware;
pub mod openapi;
pub mod routes;
pub mod state;

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServerHandle, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{from_fn, DefaultHeaders, ErrorHandlers};
use actix_web::{web, App, HttpServer};
use anyhow::Context;
use tokio_util::sync::CancellationToken;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use self::middleware::KnownPaths;
use self::openapi::ApiDoc;
use self::state::AppState;
use crate::auth::dev_issuer::DevIssuer;
use crate::auth::routes::DevMode;
use crate::auth::Verifier;
use crate::features::bookings::book::REMINDER_JOB as BOOKING_REMINDER_JOB;
use crate::features::bookings::jobs::{PaidBookings, Reminders};
use crate::features::bookings::Bookings;
use crate::features::clerk::routes::Intake;
use crate::features::clerk::service::{ClerkWebhooks, JOB_KIND as CLERK_WEBHOOK_JOB};
use crate::features::creators::subscriptions::SubscriptionEvents;
use crate::features::files::signing::UrlSigner;
use crate::features::files::upload::Rules;
use crate::features::files::uses::{DeleteObjects, DELETE_OBJECTS_JOB};
use crate::features::files::Files;
use crate::features::health::routes::Probes;
use crate::features::messages::posting::{Poster, PosterConfig};
use crate::features::notifications::push::{EndpointRule, PushSender, Vapid, JOB_KIND as PUSH_JOB};
use crate::features::notifications::{FanoutRetry, Notifier, RETRY_JOB as NOTIFY_RETRY_JOB};
use crate::features::payments::events::{StripeEvents, JOB_KIND as STRIPE_EVENT_JOB};
use crate::features::payments::refunds::{RefundJob, JOB_KIND as REFUND_JOB};
use crate::features::payments::stripe::Stripe;
use crate::features::payments::Payments;
use crate::features::users::signed_in::Authenticator;
use crate::platform::config::{decode_webhook_secret, AuthMode, Settings};
use crate::platform::events::Database;
use crate::platform::jobs::Jobs;
use crate::platform::limits::RateLimiter;
use crate::platform::storage::Storage;
use crate::platform::tasks::Tasks;
use crate::realtime::bus::Bus;
use crate::realtime::context::Realtime;
use crate::realtime::hub;
use crate::realtime::presence::Presence;
use crate::realtime::tickets::Tickets;

pub struct Application {
    server: Server,
    metrics_server: Option<Server>,
    addr: SocketAddr,
    metrics_addr: Option<SocketAddr>,
    state: AppState,
}

/// The verifier for the configured mode, and the dev issuer in dev mode.
fn auth_from_settings(settings: &mut Settings, self_url: &str) -> anyhow::Result<(Verifier, Option<Arc<DevIssuer>>)> {
    let auth = &mut settings.auth;
    Ok(match auth.mode {
        AuthMode::Dev => {
            if auth.clerk_issuer.is_empty() {
                auth.clerk_issuer = self_url.to_owned();
            }
            let issuer = DevIssuer::generate(auth.clerk_issuer.clone())?;
            // Dev mode verifies its own tokens with the issuer's key: no HTTP to itself.
            let verifier = Verifier::with_pem(auth.clerk_issuer.clone(), issuer.public_pem(), vec![])?;
            (verifier, Some(Arc::new(issuer)))
        }
        AuthMode::Clerk => {
            let parties = auth.clerk_authorized_parties.clone();
            let verifier = match &auth.clerk_jwt_key {
                Some(pem) => Verifier::with_pem(auth.clerk_issuer.clone(), pem, parties)?,
                None => Verifier::with_jwks(auth.clerk_issuer.clone(), auth.jwks_url(), parties),
            };
            (verifier, None)
        }
    })
}

impl Application {
    pub async fn build(mut settings: Settings) -> anyhow::Result<Self> {
        crate::install_crypto_provider();
        crate::platform::metrics::handle();
        let listener =
            TcpListener::bind(settings.bind_addr).with_context(|| format!("binding {}", settings.bind_addr))?;
        let addr = listener.local_addr()?;
        let host = if addr.ip().is_unspecified() {
            "127.0.0.1".into()
        } else {
            addr.ip().to_string()
        };
        let self_url = format!("http://{host}:{}", addr.port());
        let (verifier, dev) = auth_from_settings(&mut settings, &self_url)?;
        let webhook_secret = match &settings.auth.clerk_webhook_secret {
            Some(s) => Some(Arc::new(decode_webhook_secret(s).map_err(anyhow::Error::msg)?)),
            None => None,
        };

        let db = crate::platform::db::pool(&settings.db.url, settings.db.pool_size)?;
        crate::platform::db::ping(&db)
            .await
            .context("the database does not answer (DATABASE_URL)")?;

        let tasks = Tasks::new();
        let (hub_handle, hub_task) = hub::channel();
        let bus = match &settings.redis.url {
            Some(url) => Bus::redis(
                hub_handle.clone(),
                settings.instance_id.clone(),
                url,
                settings.redis.prefix.clone(),
                &tasks,
            )
            .await
            .context("connecting to Redis (REDIS_URL)")?,
            None => Bus::local(hub_handle.clone(), settings.instance_id.clone()),
        };
        hub_task.spawn(db.clone(), Arc::new(bus.clone()), &tasks);
        let redis = bus.redis_connection();
        let prefix = settings.redis.prefix.clone();
        let presence = Presence::new(bus.clone(), prefix.clone(), settings.ws.presence_ttl, &tasks);
        let viewing = Presence::viewing(bus.clone(), prefix.clone(), settings.ws.presence_ttl, &tasks);
        let tickets = Tickets::new(redis.clone(), prefix.clone());
        let vapid = match &settings.push.vapid_private_key {
            Some(key) => Vapid::from_private(key, settings.push.vapid_subject.clone())
                .context("VAPID_PRIVATE_KEY must be a base64url P-256 private key (32 bytes)")?,
            None => Vapid::generate(settings.push.vapid_subject.clone()),
        };
        let storage = match &settings.files.s3 {
            Some(s3) => Storage::s3(s3).context("the S3 file store (S3_*)")?,
            None => Storage::local(&settings.files.dir).context("the file store (FILES_DIR)")?,
        };
        let push_rule = EndpointRule {
            allow_loopback: settings.push.allow_loopback,
        };
        let stripe = Stripe::new(
            &settings.payments.api_base,
            settings.payments.stripe_secret_key.as_deref(),
        )?;
        let jobs = Jobs::new(
            db.clone(),
            settings.jobs.retry_base,
            settings.jobs.lease,
            settings.jobs.workers,
        );
        let waker = jobs.clone(); // shares the worker's wake-up, not its handlers
        let notifier = Notifier::new(
            db.clone(),
            Arc::new(bus.clone()),
            Arc::new(viewing.clone()),
            Arc::new(move || waker.wake()),
        );
        let mut booking_settings = settings.bookings.clone();
        if booking_settings.public_url.ends_with(":0") {
            // Bound to any port (tests): the feed URLs name the one it got.
            booking_settings.public_url = format!("http://{addr}");
        }
        let links = links_from_settings(&settings, &booking_settings.public_url, redis.clone(), &prefix)?;
        tasks.spawn(links.clicks.clone().run(
            db.clone(),
            settings.links.click_push,
            settings.links.click_flush,
            tasks.stopping().clone(),
        ));
        let integrations = crate::features::integrations::Integrations::new(
            crate::features::integrations::notion::Notion::new(&settings.integrations.notion_api_base)?,
            settings.integrations.secrets_key,
            settings.integrations.notion_oauth.clone(),
            &settings.payments.app_url,
        );
        if settings.integrations.secrets_key.is_none() {
            tracing::warn!("SECRETS_KEY is not set: connected services' tokens are kept with a key made now, unreadable after a restart");
        }
        if integrations.notion.base().contains("127.0.0.1") || integrations.notion.base().contains("localhost") {
            tracing::warn!(api = %integrations.notion.base(), "Notion: OFFLINE TEST MODE (a local fake Notion)");
        }
        let channels = channels_from_settings(&settings, &booking_settings.public_url)?;
        let bookings = Bookings {
            settings: Arc::new(booking_settings),
            app_url: settings.payments.app_url.clone(),
        };
        let jobs = jobs
            .with_handler(
                CLERK_WEBHOOK_JOB,
                Arc::new(ClerkWebhooks {
                    publish: Arc::new(bus.clone()),
                }),
            )
            .with_task(
                PUSH_JOB,
                Arc::new(PushSender::new(vapid.clone(), push_rule)?),
                settings.push.workers,
            )
            .with_handler(NOTIFY_RETRY_JOB, Arc::new(FanoutRetry(notifier.clone())))
            .with_task(DELETE_OBJECTS_JOB, Arc::new(DeleteObjects(storage.clone())), 2)
            .with_task(REFUND_JOB, Arc::new(RefundJob { stripe: stripe.clone() }), 2)
            .with_task(
                crate::features::integrations::service::EXPORT_JOB,
                Arc::new(crate::features::integrations::export::NotionExports {
                    integ: integrations.clone(),
                }),
                2,
            )
            .with_handler(
                STRIPE_EVENT_JOB,
                Arc::new(StripeEvents {
                    publish: Arc::new(bus.clone()),
                    routes: vec![Arc::new(SubscriptionEvents {
                        settings: Arc::new(settings.payments.clone()),
                    })],
                    deliverers: vec![Arc::new(PaidBookings {
                        settings: bookings.settings.clone(),
                    })],
                }),
            )
            .with_task(
                crate::features::channels::service::SEND_JOB,
                Arc::new(crate::features::channels::send::SendDelivery(channels.clone())),
                settings.channels.workers,
            )
            .with_handler(
                BOOKING_REMINDER_JOB,
                Arc::new(Reminders {
                    publish: Arc::new(bus.clone()),
                    settings: bookings.settings.clone(),
                }),
            );
        let payments = Payments {
            stripe,
            settings: Arc::new(settings.payments.clone()),
            jobs: jobs.clone(),
        };
        tasks.spawn(jobs.clone().run(tasks.stopping().clone()));
        let posting = &settings.posting;
        // Message sends and uploads count against one per-user limit.
        let limiter = RateLimiter::new(redis.clone(), prefix, posting.send_rate_per_sec);
        let poster = Poster::start(
            PosterConfig {
                db: db.clone(),
                publish: Arc::new(bus.clone()),
                limiter: limiter.clone(),
                notifier,
                lanes: posting.batch_lanes,
                batch_max: posting.batch_max,
                window: posting.batch_window,
            },
            &tasks,
        );

        let files = Files {
            storage: storage.clone(),
            signer: match &settings.files.signing_key {
                Some(key) => UrlSigner::new(key.as_bytes()),
                None => UrlSigner::random(),
            },
            rules: Rules {
                upload_max: settings.files.upload_max_bytes,
                avatar_max: settings.files.avatar_max_bytes,
                quota: settings.files.quota_bytes,
                scanner: settings.files.clamd_addr,
            },
            limiter,
        };
        tasks.spawn(crate::features::files::sweep::run(
            db.clone(),
            settings.files.sweep_interval,
            settings.files.unused_ttl,
            tasks.stopping().clone(),
        ));
        let verifier = Arc::new(verifier);
        let settings = Arc::new(settings);
        let store = Database {
            db: db.clone(),
            publish: Arc::new(bus.clone()),
        };
        tasks.spawn(crate::features::creators::subscriptions::run_sweep(
            store.clone(),
            settings.payments.lapse_interval,
            tasks.stopping().clone(),
        ));
        tasks.spawn(crate::features::bookings::jobs::run_sweep(
            store.clone(),
            settings.bookings.sweep_interval,
            tasks.stopping().clone(),
        ));
        let waker = jobs.clone();
        tasks.spawn(crate::features::channels::digest::run_sweep(
            store.clone(),
            settings.channels.digest_after,
            settings.channels.digest_sweep,
            move || waker.wake(),
            tasks.stopping().clone(),
        ));
        presence.set_hook(Arc::new(crate::realtime::attendance::Attendance {
            store: store.clone(),
            presence: presence.downgrade(),
            grace: settings.ws.attendance_grace,
        }));
        let sessions = crate::features::sessions::Sessions {
            in_room: Arc::new(presence.clone()),
            grace: settings.ws.attendance_grace,
        };
        let shutdown = CancellationToken::new();
        let realtime = Arc::new(Realtime {
            settings: settings.clone(),
            store: store.clone(),
            poster: poster.clone(),
            hub: hub_handle.clone(),
            bus: bus.clone(),
            presence: presence.clone(),
            viewing: viewing.clone(),
            tickets,
            verifier: verifier.clone(),
            shutdown: shutdown.clone(),
        });
        let state = AppState {
            authenticator: Authenticator {
                verifier,
                db: db.clone(),
                dev_phone: settings.auth.mode == AuthMode::Dev,
            },
            intake: Intake {
                secret: webhook_secret,
                jobs,
            },
            probes: Probes {
                db,
                redis,
                hub: hub_handle,
                metrics_elsewhere: settings.metrics_addr.is_some(),
            },
            dev: DevMode(dev),
            vapid,
            push_rule,
            files,
            payments,
            bookings,
            sessions,
            links,
            integrations,
            channels,
            settings,
            store,
            poster,
            realtime,
            presence,
            tasks,
            shutdown,
        };
        let known = web::Data::new(KnownPaths::from_document(&openapi::document()));

        let app_state = state.clone();
        let server = HttpServer::new(move || build_app(&app_state, known.clone()))
            .workers(state.settings.http_workers.max(1))
            .listen(listener)?
            .disable_signals()
            .shutdown_timeout(5)
            .run();
        let (metrics_server, metrics_addr) = match state.settings.metrics_addr {
            Some(bind) => {
                let (server, bound) = metrics_server(state.clone(), bind)?;
                (Some(server), Some(bound))
            }
            None => (None, None),
        };
        tracing::info!(%addr, instance = %state.settings.instance_id, "listening");
        Ok(Self {
            server,
            metrics_server,
            addr,
            metrics_addr,
            state,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where `/metrics` is served when METRICS_ADDR is set.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_addr
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn handle(&self) -> Handles {
        Handles {
            api: self.server.handle(),
            metrics: self.metrics_server.as_ref().map(Server::handle),
        }
    }

    /// Runs until `stop` (or the server fails).
    pub async fn run(self) -> std::io::Result<()> {
        if let Some(metrics) = self.metrics_server {
            tokio::spawn(metrics);
        }
        self.server.await
    }
}

/// The running servers, to stop them.
#[derive(Clone)]
pub struct Handles {
    api: ServerHandle,
    metrics: Option<ServerHandle>,
}

/// Graceful stop: sockets let their in-flight writes commit and close with "reconnect",
/// presence entries are withdrawn, the HTTP server drains, then the background tasks
/// (hub, bus, group commit, jobs) stop and are awaited.
pub async fn stop(state: &AppState, handles: &Handles) {
    state.shutdown.cancel();
    state.presence.clear_local().await;
    state.realtime.viewing.clear_local().await;
    handles.api.stop(true).await;
    if let Some(metrics) = &handles.metrics {
        metrics.stop(true).await;
    }
    state.tasks.stop().await;
}

/// The short-link provider the settings name, with its click counter; says on start-up
/// which one is used and whether it is a local fake (test mode).
/// E-mail and SMS, each off without its settings; the log says which run against a local
/// stand-in (test mode).
fn channels_from_settings(
    settings: &Settings,
    public_url: &str,
) -> anyhow::Result<crate::features::channels::Channels> {
    use crate::features::channels::{mail::Mailer, sms, Channels};
    use sha2::Digest;
    let c = &settings.channels;
    let mailer = match &c.smtp_url {
        Some(url) => {
            let mailer = Mailer::new(url, &c.mail_from, c.smtp_pool)?;
            match mailer.local {
                true => tracing::warn!("e-mail: OFFLINE TEST MODE (a local SMTP catcher: SMTP_URL is on this machine)"),
                false => tracing::info!("e-mail: SMTP"),
            }
            Some(mailer)
        }
        None => {
            tracing::warn!("e-mail: off (no SMTP_URL): no booking mails or digests are sent");
            None
        }
    };
    let twilio = match &c.twilio {
        Some(t) => {
            let sender = match (&t.messaging_service, &t.from) {
                (Some(service), _) => sms::Sender::Service(service.clone()),
                (None, Some(from)) => sms::Sender::From(from.clone()),
                (None, None) => anyhow::bail!("TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID is required"),
            };
            let twilio = sms::Twilio::new(&t.api_base, &t.account_sid, &t.auth_token, sender)?;
            if t.api_base.contains("127.0.0.1") || t.api_base.contains("localhost") {
                tracing::warn!(api = %t.api_base, "SMS: OFFLINE TEST MODE (a local fake Twilio)");
            } else {
                tracing::info!("SMS: Twilio");
            }
            Some(twilio)
        }
        None => {
            tracing::warn!("SMS: off (no TWILIO_ACCOUNT_SID)");
            None
        }
    };
    // Unsubscribe links outlive restarts when SECRETS_KEY is set (a key of their own,
    // derived from it).
    let unsubscribe_key: [u8; 32] = match settings.integrations.secrets_key {
        Some(key) => sha2::Sha256::new()
            .chain_update(b"parley-unsubscribe-key")
            .chain_update(key)
            .finalize()
            .into(),
        None => rand::random(),
    };
    Ok(Channels {
        mailer,
        twilio,
        unsubscribe_key,
        public_url: public_url.to_owned(),
        app_url: settings.payments.app_url.clone(),
        digest_after: c.digest_after,
    })
}

fn links_from_settings(
    settings: &Settings,
    public_url: &str,
    redis: Option<redis::aio::ConnectionManager>,
    prefix: &str,
) -> anyhow::Result<crate::features::links::Links> {
    use crate::features::links::provider::{Bitly, Local, Shortener};
    use crate::platform::config::LinkProvider;
    let base = format!("{}/s/", settings.links.short_base.as_deref().unwrap_or(public_url));
    let shortener: Arc<dyn Shortener> = match &settings.links.provider {
        LinkProvider::Local => {
            tracing::info!(base = %base, "short links: our own codes (LINKS_PROVIDER=local)");
            Arc::new(Local {
                base: base.as_str().into(),
            })
        }
        LinkProvider::Bitly {
            token,
            group_guid,
            domain,
            api_base,
        } => {
            let loopback = url::Url::parse(api_base)
                .ok()
                .and_then(|u| {
                    u.host_str()
                        .map(|h| h == "127.0.0.1" || h == "localhost" || h == "[::1]")
                })
                .unwrap_or(false);
            if loopback {
                tracing::warn!(api = %api_base, "short links: Bitly in OFFLINE TEST MODE (a local fake Bitly)");
            } else {
                tracing::info!(api = %api_base, "short links: Bitly");
            }
            Arc::new(Bitly::new(api_base, token.clone(), group_guid.clone(), domain.clone())?)
        }
    };
    let clicks = crate::features::links::clicks::Clicks::new(redis, prefix);
    Ok(crate::features::links::Links::new(
        shortener,
        &base,
        settings.links.allow_loopback,
        clicks,
    ))
}

fn metrics_server(state: AppState, bind: SocketAddr) -> anyhow::Result<(Server, SocketAddr)> {
    let listener = TcpListener::bind(bind).with_context(|| format!("binding METRICS_ADDR {bind}"))?;
    let bound = listener.local_addr()?;
    let server = HttpServer::new(move || {
        App::new().app_data(web::Data::new(state.probes.clone())).route(
            "/metrics",
            web::get().to(|probes: web::Data<Probes>| async move {
                crate::features::health::routes::render_metrics(&probes).await
            }),
        )
    })
    .workers(1)
    .listen(listener)?
    .disable_signals()
    .shutdown_timeout(1)
    .run();
    Ok((server, bound))
}

fn build_app(
    state: &AppState,
    known: web::Data<KnownPaths>,
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
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::HeaderName::from_static("x-request-id"),
            header::HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            header::HeaderName::from_static("x-request-id"),
            header::HeaderName::from_static("idempotent-replayed"),
        ])
        .max_age(600);
    for origin in &state.settings.cors_origins {
        cors = cors.allowed_origin(origin);
    }
    App::new()
        .wrap(ErrorHandlers::new().default_handler(middleware::problem_for_bare_errors))
        .wrap(
            DefaultHeaders::new()
                .add(("X-Content-Type-Options", "nosniff"))
                .add(("X-Frame-Options", "DENY"))
                .add(("Referrer-Policy", "no-referrer"))
                .add(("Cross-Origin-Opener-Policy", "same-origin")),
        )
        .wrap(cors)
        .wrap(from_fn(middleware::observe))
        .app_data(web::Data::new(state.store.clone()))
        .app_data(web::Data::new(state.poster.clone()))
        .app_data(web::Data::new(state.authenticator.clone()))
        .app_data(web::Data::new(state.intake.clone()))
        .app_data(web::Data::new(state.probes.clone()))
        .app_data(web::Data::new(state.dev.clone()))
        .app_data(web::Data::new(state.vapid.clone()))
        .app_data(web::Data::new(state.push_rule))
        .app_data(web::Data::new(state.files.clone()))
        .app_data(web::Data::new(state.payments.clone()))
        .app_data(web::Data::new(state.bookings.clone()))
        .app_data(web::Data::new(state.links.clone()))
        .app_data(web::Data::new(state.integrations.clone()))
        .app_data(web::Data::new(state.channels.clone()))
        .app_data(web::Data::new(state.sessions.clone()))
        .app_data(web::Data::from(state.realtime.clone()))
        .app_data(known)
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::configure)
        .openapi_service(|api| SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", openapi::finish(api)))
        .into_app()
        .service(web::redirect("/docs", "/docs/"))
        .route(
            "/asyncapi.yaml",
            web::get().to(|| async {
                actix_web::HttpResponse::Ok()
                    .content_type("application/yaml")
                    .body(asyncapi::to_yaml())
            }),
        )
        .default_service(web::to(middleware::unmatched))
}
