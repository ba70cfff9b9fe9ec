//! Settings from the environment, one nested struct per area. Names and defaults are the
//! README's configuration table.

use std::net::SocketAddr;
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthMode {
    /// Tokens issued by Clerk, verified against its JWKS or a PEM key.
    Clerk,
    /// A built-in issuer for local use: the service signs its own tokens.
    Dev,
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub bind_addr: SocketAddr,
    /// Where `/metrics` is served; None = on the API port.
    pub metrics_addr: Option<SocketAddr>,
    pub instance_id: String,
    pub cors_origins: Vec<String>,
    /// actix-web worker threads (each a single-threaded runtime).
    pub http_workers: usize,
    pub db: DbSettings,
    pub redis: RedisSettings,
    pub auth: AuthSettings,
    pub ws: WsSettings,
    pub posting: PostingSettings,
    pub jobs: JobSettings,
    pub push: PushSettings,
    pub files: FileSettings,
    pub payments: PaymentSettings,
    pub bookings: BookingSettings,
    pub links: LinkSettings,
    pub integrations: IntegrationSettings,
    pub channels: ChannelSettings,
}

/// E-mail and SMS (notification channels).
#[derive(Clone, Debug)]
pub struct ChannelSettings {
    /// `SMTP_URL` (`smtp://user:pass@host:port`, `?tls=required`, `smtps://`); None: no e-mail.
    pub smtp_url: Option<String>,
    /// `MAIL_FROM`: `Name <address>`.
    pub mail_from: String,
    /// SMTP connections kept open (`SMTP_POOL_SIZE`, default 4).
    pub smtp_pool: u32,
    /// Twilio (`TWILIO_ACCOUNT_SID`, `TWILIO_AUTH_TOKEN`, `TWILIO_FROM` or
    /// `TWILIO_MESSAGING_SERVICE_SID`, `TWILIO_API_BASE`); None: no SMS.
    pub twilio: Option<TwilioSettings>,
    /// How long mentions and DMs stay unread before a digest is mailed
    /// (`DIGEST_AFTER_MINUTES`, default 30).
    pub digest_after: Duration,
    /// How often due digests are looked for (`DIGEST_SWEEP_INTERVAL_S`, default 60).
    pub digest_sweep: Duration,
    /// Sends at once per instance (`CHANNEL_WORKERS`, default 4).
    pub workers: usize,
}

#[derive(Clone, Debug)]
pub struct TwilioSettings {
    pub account_sid: String,
    pub auth_token: String,
    /// A number (E.164) or, with `messaging_service`, None.
    pub from: Option<String>,
    pub messaging_service: Option<String>,
    pub api_base: String,
}

/// Bookings: holds, reminders, and the address calendar feeds are served at.
#[derive(Clone, Debug)]
pub struct BookingSettings {
    /// How long an unpaid booking keeps its slot (`BOOKING_HOLD_MINUTES`, default 30: not
    /// less than Stripe Checkout's shortest life).
    pub hold: Duration,
    /// How long before the start both are reminded (`BOOKING_REMINDER_MINUTES`, default 60).
    pub reminder: Duration,
    /// How often expired holds are released (`BOOKING_SWEEP_INTERVAL_S`, default 60).
    pub sweep_interval: Duration,
    /// This API's public address (`PUBLIC_URL`; default `http://{BIND_ADDR}`): calendar
    /// feed URLs start with it.
    pub public_url: String,
    /// The web app (`APP_URL`): invites link to the booking's page there.
    pub app_url: String,
}

/// Stripe. Without `STRIPE_SECRET_KEY` every paid feature answers 503, unless dev mode
/// points `STRIPE_API_BASE` at the project's offline stand-in (`make run` does).
/// Outside services each user connects (Notion), and the key their tokens are kept with.
#[derive(Clone, Debug)]
pub struct IntegrationSettings {
    /// `SECRETS_KEY`: base64 of 32 bytes; None: one made at start-up (stored tokens are
    /// unreadable after a restart: they show as disconnected).
    pub secrets_key: Option<[u8; 32]>,
    /// Notion's public OAuth connection (`NOTION_CLIENT_ID`, `NOTION_CLIENT_SECRET`,
    /// `NOTION_REDIRECT_URI`); None: only pasted tokens.
    pub notion_oauth: Option<NotionOAuth>,
    /// `NOTION_API_BASE`.
    pub notion_api_base: String,
}

#[derive(Clone, Debug)]
pub struct NotionOAuth {
    pub client_id: String,
    pub client_secret: String,
    pub redirect_uri: String,
}

/// Short links (`LINKS_PROVIDER`).
#[derive(Clone, Debug)]
pub struct LinkSettings {
    pub provider: LinkProvider,
    /// The public base of `/s/{code}` links (`SHORT_LINK_BASE`; default `PUBLIC_URL`).
    pub short_base: Option<String>,
    /// Dev mode: links may lead to loopback addresses (to try them offline).
    pub allow_loopback: bool,
    /// How often counted clicks go from memory to Redis (`LINK_CLICK_PUSH_MS`).
    pub click_push: Duration,
    /// How often counted clicks are written to PostgreSQL (`LINK_CLICK_FLUSH_MS`).
    pub click_flush: Duration,
}

#[derive(Clone, Debug)]
pub enum LinkProvider {
    /// Our own codes, served at `/s/{code}`.
    Local,
    /// Bitly's API v4 (`BITLY_TOKEN`, `BITLY_GROUP_GUID`, `BITLY_DOMAIN`, `BITLY_API_BASE`).
    Bitly {
        token: String,
        group_guid: String,
        domain: Option<String>,
        api_base: String,
    },
}

#[derive(Clone, Debug)]
pub struct PaymentSettings {
    pub stripe_secret_key: Option<String>,
    /// Platform events (`/v1/webhooks/stripe`); several, comma-separated, during a rotation.
    pub webhook_secrets: Vec<String>,
    /// Connect events (`/v1/webhooks/stripe/connect`).
    pub connect_webhook_secrets: Vec<String>,
    pub api_base: String,
    pub fee_percent: u8,
    pub grace: Duration,
    /// Where Checkout and onboarding send the user back (the web app).
    pub app_url: String,
    pub tip_min: i64,
    pub tip_max: i64,
    /// How often lapsed subscriptions (grace over) are looked for.
    pub lapse_interval: Duration,
}

#[derive(Clone, Debug)]
pub struct FileSettings {
    /// Where the local object store keeps the bytes.
    pub dir: std::path::PathBuf,
    /// Key of the signed download URLs (base64 or any text). Instances behind one address
    /// must share it. None: one made at start-up (single instance only).
    pub signing_key: Option<String>,
    /// Largest upload (attachments and notes); avatars and room logos: AVATAR_MAX_BYTES.
    pub upload_max_bytes: u64,
    pub avatar_max_bytes: u64,
    /// What one user's files may add up to.
    pub quota_bytes: u64,
    /// How often unused uploads are looked for, and how old they must be to go.
    pub sweep_interval: Duration,
    pub unused_ttl: Duration,
    /// clamd's address: when set, every upload is scanned (INSTREAM) before it is kept.
    pub clamd_addr: Option<std::net::SocketAddr>,
    /// An S3-compatible store instead of the local one (when S3_BUCKET is set).
    pub s3: Option<crate::platform::storage::S3Config>,
}

#[derive(Clone, Debug)]
pub struct PushSettings {
    /// VAPID private key: a P-256 scalar, base64url (32 bytes). None: a key is generated at
    /// start-up (browser subscriptions then last until the next restart; `make run` keeps one).
    pub vapid_private_key: Option<String>,
    /// The contact push services see (`mailto:` or `https:`).
    pub vapid_subject: String,
    /// Accept push endpoints on loopback (http too): dev mode's default, never in
    /// production (`PUSH_ALLOW_LOOPBACK`).
    pub allow_loopback: bool,
    /// Pushes sent at once per instance (`PUSH_WORKERS`, default 4).
    pub workers: usize,
}

#[derive(Clone, Debug)]
pub struct DbSettings {
    pub url: String,
    pub pool_size: usize,
}

#[derive(Clone, Debug)]
pub struct RedisSettings {
    /// None: in-process bus, single instance.
    pub url: Option<String>,
    /// Prefix of every Redis key and channel, so several deployments (or tests) can share one Redis.
    pub prefix: String,
}

#[derive(Clone, Debug)]
pub struct AuthSettings {
    pub mode: AuthMode,
    /// Expected `iss`. In dev mode, the service's own base URL.
    pub clerk_issuer: String,
    pub clerk_jwks_url: Option<String>,
    pub clerk_jwt_key: Option<String>,
    pub clerk_authorized_parties: Vec<String>,
    pub clerk_webhook_secret: Option<String>,
    /// Allows dev auth on a non-loopback address (never in production).
    pub dev_auth_force: bool,
}

#[derive(Clone, Debug)]
pub struct WsSettings {
    pub auth_grace: Duration,
    pub heartbeat: Duration,
    pub idle_timeout: Duration,
    pub queue_capacity: usize,
    pub replay_cap: i64,
    pub presence_ttl: Duration,
    /// How long after a session participant's last socket in the room goes they count as
    /// still there (`SESSION_ATTENDANCE_GRACE_S`, default 10): a reconnect does not split
    /// their attendance.
    pub attendance_grace: Duration,
}

#[derive(Clone, Debug)]
pub struct PostingSettings {
    pub send_rate_per_sec: u32,
    pub batch_max: usize,
    /// Group-commit lanes (posts are spread over them by room).
    pub batch_lanes: usize,
    /// How long a lane waits for more posts before committing a batch.
    pub batch_window: Duration,
}

#[derive(Clone, Debug)]
pub struct JobSettings {
    /// First retry delay of a failing job (doubles each time).
    pub retry_base: Duration,
    /// How long a claimed job stays invisible to other workers (`JOB_LEASE_S`, default 300):
    /// longer than any job's own time limit; when it runs out the job is due again.
    pub lease: Duration,
    /// Workers of the database lane (Clerk and Stripe events…) per instance (`JOB_WORKERS`,
    /// default 2).
    pub workers: usize,
}

#[derive(Debug, thiserror::Error)]
#[error("configuration: {name}: {problem}")]
pub struct ConfigError {
    pub name: &'static str,
    pub problem: String,
}

type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

fn var(env: Lookup, name: &'static str) -> Option<String> {
    env(name).filter(|v| !v.trim().is_empty())
}

fn parsed<T: std::str::FromStr>(env: Lookup, name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match var(env, name) {
        None => Ok(default),
        Some(raw) => raw.trim().parse().map_err(|e| ConfigError {
            name,
            problem: format!("cannot parse {raw:?}: {e}"),
        }),
    }
}

fn list(env: Lookup, name: &'static str, default: &str) -> Vec<String> {
    var(env, name)
        .unwrap_or_else(|| default.to_owned())
        .split(',')
        .map(|s| s.trim().trim_end_matches('/').to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The webhook secret of dev mode when none is configured (public: dev mode only), so the
/// Clerk webhook route can be tried offline with the same signature checks.
pub const DEV_WEBHOOK_SECRET: &str = "whsec_cGFybGV5LWRldi13ZWJob29rLXNlY3JldA==";

/// A Svix secret is `whsec_` + base64; the raw key bytes.
pub fn decode_webhook_secret(secret: &str) -> Result<Vec<u8>, String> {
    use base64::Engine;
    let raw = secret.strip_prefix("whsec_").unwrap_or(secret);
    base64::engine::general_purpose::STANDARD
        .decode(raw)
        .map_err(|e| format!("not base64 after whsec_: {e}"))
}

impl Settings {
    /// Reads the environment (after `.env`, when present). One clear error per bad value.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(&|name| std::env::var(name).ok())
    }

    /// Reads settings through `env` (the process environment, or a map in tests).
    pub fn from_lookup(env: Lookup) -> Result<Self, ConfigError> {
        let database_url = var(env, "DATABASE_URL").ok_or(ConfigError {
            name: "DATABASE_URL",
            problem: "required (make run sets it for you)".into(),
        })?;
        let bind_addr: SocketAddr = parsed(env, "BIND_ADDR", "127.0.0.1:8080".parse().expect("literal"))?;
        let dev_mode = var(env, "AUTH_MODE").as_deref() == Some("dev");
        let metrics_addr = match var(env, "METRICS_ADDR") {
            None => None,
            Some(raw) => Some(raw.trim().parse().map_err(|e| ConfigError {
                name: "METRICS_ADDR",
                problem: format!("cannot parse {raw:?}: {e}"),
            })?),
        };
        let instance_id = var(env, "INSTANCE_ID").unwrap_or_else(|| {
            let host = std::fs::read_to_string("/etc/hostname")
                .map(|h| h.trim().to_owned())
                .unwrap_or_else(|_| "parley".into());
            format!("{host}-{}", std::process::id())
        });
        let secs = |name, default| parsed(env, name, default).map(Duration::from_secs);
        Ok(Self {
            bind_addr,
            metrics_addr,
            instance_id,
            cors_origins: list(env, "CORS_ORIGINS", "http://localhost:3000"),
            http_workers: parsed(
                env,
                "HTTP_WORKERS",
                std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
            )?,
            db: DbSettings {
                url: database_url,
                pool_size: parsed(env, "DB_POOL_SIZE", 16)?,
            },
            redis: RedisSettings {
                url: var(env, "REDIS_URL"),
                prefix: var(env, "REDIS_PREFIX").unwrap_or_else(|| "parley".into()),
            },
            auth: auth_settings(env, bind_addr)?,
            ws: WsSettings {
                auth_grace: secs("WS_AUTH_GRACE_S", 300)?,
                heartbeat: secs("WS_HEARTBEAT_S", 20)?,
                idle_timeout: secs("WS_IDLE_TIMEOUT_S", 60)?,
                queue_capacity: parsed(env, "WS_QUEUE_CAPACITY", 1024)?,
                replay_cap: parsed(env, "WS_REPLAY_CAP", 1000)?,
                presence_ttl: secs("PRESENCE_TTL_S", 30)?,
                attendance_grace: secs("SESSION_ATTENDANCE_GRACE_S", 10)?,
            },
            posting: PostingSettings {
                send_rate_per_sec: parsed(env, "SEND_RATE_PER_SEC", 50)?,
                batch_max: parsed(env, "BATCH_MAX", 256)?,
                batch_lanes: parsed(env, "BATCH_LANES", 1)?,
                batch_window: Duration::from_millis(parsed(env, "BATCH_WINDOW_MS", 5)?),
            },
            push: PushSettings {
                vapid_private_key: var(env, "VAPID_PRIVATE_KEY"),
                vapid_subject: var(env, "VAPID_SUBJECT").unwrap_or_else(|| "mailto:admin@parley.invalid".into()),
                allow_loopback: parsed(env, "PUSH_ALLOW_LOOPBACK", dev_mode)?,
                workers: parsed(env, "PUSH_WORKERS", 4)?,
            },
            files: FileSettings {
                dir: var(env, "FILES_DIR").unwrap_or_else(|| ".data/files".into()).into(),
                signing_key: var(env, "FILES_SIGNING_KEY"),
                upload_max_bytes: parsed(env, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024)?,
                avatar_max_bytes: parsed(env, "AVATAR_MAX_BYTES", 4 * 1024 * 1024)?,
                quota_bytes: parsed(env, "USER_STORAGE_QUOTA_BYTES", 1024 * 1024 * 1024)?,
                sweep_interval: Duration::from_secs(parsed(env, "FILES_SWEEP_INTERVAL_S", 3600)?),
                unused_ttl: Duration::from_secs(parsed(env, "FILES_UNUSED_TTL_S", 24 * 3600)?),
                clamd_addr: match var(env, "CLAMD_ADDR") {
                    None => None,
                    Some(v) => Some(v.parse().map_err(|_| ConfigError {
                        name: "CLAMD_ADDR",
                        problem: format!("must be host:port (an IP address), not {v:?}"),
                    })?),
                },
                s3: s3_settings(env)?,
            },
            payments: payment_settings(env)?,
            bookings: booking_settings(env, bind_addr)?,
            links: link_settings(env, dev_mode)?,
            integrations: integration_settings(env)?,
            channels: channel_settings(env)?,
            jobs: JobSettings {
                retry_base: Duration::from_millis(parsed(
                    env,
                    "JOB_RETRY_BASE_MS",
                    parsed(env, "WEBHOOK_RETRY_BASE_MS", 1000)?,
                )?),
                lease: Duration::from_secs(parsed(env, "JOB_LEASE_S", 300)?),
                workers: parsed(env, "JOB_WORKERS", 2)?,
            },
        })
    }
}

fn payment_settings(env: Lookup) -> Result<PaymentSettings, ConfigError> {
    let fee_percent: u8 = parsed(env, "PLATFORM_FEE_PERCENT", 10)?;
    if fee_percent >= 100 {
        return Err(ConfigError {
            name: "PLATFORM_FEE_PERCENT",
            problem: "must be 0 to 99".into(),
        });
    }
    let secrets = |name| list(env, name, "");
    Ok(PaymentSettings {
        stripe_secret_key: var(env, "STRIPE_SECRET_KEY"),
        webhook_secrets: secrets("STRIPE_WEBHOOK_SECRET"),
        connect_webhook_secrets: secrets("STRIPE_CONNECT_WEBHOOK_SECRET"),
        api_base: var(env, "STRIPE_API_BASE")
            .unwrap_or_else(|| "https://api.stripe.com".into())
            .trim_end_matches('/')
            .to_owned(),
        fee_percent,
        grace: Duration::from_secs(parsed::<u64>(env, "SUBSCRIPTION_GRACE_DAYS", 7)? * 86_400),
        app_url: var(env, "APP_URL")
            .unwrap_or_else(|| "http://localhost:3000".into())
            .trim_end_matches('/')
            .to_owned(),
        tip_min: parsed(env, "TIP_MIN_AMOUNT", 100)?,
        tip_max: parsed(env, "TIP_MAX_AMOUNT", 100_000)?,
        lapse_interval: Duration::from_secs(parsed(env, "SUBSCRIPTION_LAPSE_INTERVAL_S", 300)?),
    })
}

fn booking_settings(env: Lookup, bind_addr: SocketAddr) -> Result<BookingSettings, ConfigError> {
    let hold: u64 = parsed(env, "BOOKING_HOLD_MINUTES", 30)?;
    if !(30..=1440).contains(&hold) {
        return Err(ConfigError {
            name: "BOOKING_HOLD_MINUTES",
            problem: "must be 30 to 1440 (a Checkout page lives 30 minutes to 24 hours)".into(),
        });
    }
    Ok(BookingSettings {
        hold: Duration::from_secs(hold * 60),
        reminder: Duration::from_secs(parsed::<u64>(env, "BOOKING_REMINDER_MINUTES", 60)? * 60),
        sweep_interval: Duration::from_secs(parsed(env, "BOOKING_SWEEP_INTERVAL_S", 60)?.max(1)),
        public_url: var(env, "PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{bind_addr}"))
            .trim_end_matches('/')
            .to_owned(),
        app_url: var(env, "APP_URL")
            .unwrap_or_else(|| "http://localhost:3000".into())
            .trim_end_matches('/')
            .to_owned(),
    })
}

fn channel_settings(env: Lookup) -> Result<ChannelSettings, ConfigError> {
    let twilio = match (var(env, "TWILIO_ACCOUNT_SID"), var(env, "TWILIO_AUTH_TOKEN")) {
        (None, None) => None,
        (Some(account_sid), Some(auth_token)) => {
            let from = var(env, "TWILIO_FROM");
            let messaging_service = var(env, "TWILIO_MESSAGING_SERVICE_SID");
            if from.is_none() && messaging_service.is_none() {
                return Err(ConfigError {
                    name: "TWILIO_FROM",
                    problem: "required with TWILIO_ACCOUNT_SID (or TWILIO_MESSAGING_SERVICE_SID)".into(),
                });
            }
            Some(TwilioSettings {
                account_sid,
                auth_token,
                from,
                messaging_service,
                api_base: var(env, "TWILIO_API_BASE")
                    .unwrap_or_else(|| "https://api.twilio.com".into())
                    .trim_end_matches('/')
                    .to_owned(),
            })
        }
        (Some(_), None) => {
            return Err(ConfigError {
                name: "TWILIO_AUTH_TOKEN",
                problem: "required with TWILIO_ACCOUNT_SID".into(),
            })
        }
        (None, Some(_)) => {
            return Err(ConfigError {
                name: "TWILIO_ACCOUNT_SID",
                problem: "required with TWILIO_AUTH_TOKEN".into(),
            })
        }
    };
    Ok(ChannelSettings {
        smtp_url: var(env, "SMTP_URL"),
        mail_from: var(env, "MAIL_FROM").unwrap_or_else(|| "Parley <no-reply@parley.invalid>".into()),
        smtp_pool: parsed(env, "SMTP_POOL_SIZE", 4)?,
        twilio,
        digest_after: Duration::from_secs(parsed::<u64>(env, "DIGEST_AFTER_MINUTES", 30)? * 60),
        digest_sweep: Duration::from_secs(parsed(env, "DIGEST_SWEEP_INTERVAL_S", 60)?.max(1)),
        workers: parsed(env, "CHANNEL_WORKERS", 4)?,
    })
}

fn integration_settings(env: Lookup) -> Result<IntegrationSettings, ConfigError> {
    use base64::Engine;
    let secrets_key = match var(env, "SECRETS_KEY") {
        None => None,
        Some(raw) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(raw.trim())
                .map_err(|e| ConfigError {
                    name: "SECRETS_KEY",
                    problem: format!("not base64: {e}"),
                })?;
            Some(<[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| ConfigError {
                name: "SECRETS_KEY",
                problem: format!("must be 32 bytes (base64 of them), not {}", bytes.len()),
            })?)
        }
    };
    let notion_oauth = match (var(env, "NOTION_CLIENT_ID"), var(env, "NOTION_CLIENT_SECRET")) {
        (None, None) => None,
        (Some(client_id), Some(client_secret)) => Some(NotionOAuth {
            client_id,
            client_secret,
            redirect_uri: var(env, "NOTION_REDIRECT_URI").ok_or(ConfigError {
                name: "NOTION_REDIRECT_URI",
                problem: "required with NOTION_CLIENT_ID (this API's /v1/integrations/notion/callback)".into(),
            })?,
        }),
        (Some(_), None) => {
            return Err(ConfigError {
                name: "NOTION_CLIENT_SECRET",
                problem: "required with NOTION_CLIENT_ID".into(),
            })
        }
        (None, Some(_)) => {
            return Err(ConfigError {
                name: "NOTION_CLIENT_ID",
                problem: "required with NOTION_CLIENT_SECRET".into(),
            })
        }
    };
    Ok(IntegrationSettings {
        secrets_key,
        notion_oauth,
        notion_api_base: var(env, "NOTION_API_BASE")
            .unwrap_or_else(|| "https://api.notion.com".into())
            .trim_end_matches('/')
            .to_owned(),
    })
}

fn link_settings(env: Lookup, dev_mode: bool) -> Result<LinkSettings, ConfigError> {
    let required = |name: &'static str| {
        var(env, name).ok_or(ConfigError {
            name,
            problem: "required when LINKS_PROVIDER=bitly".into(),
        })
    };
    let provider = match var(env, "LINKS_PROVIDER").as_deref().unwrap_or("local") {
        "local" => LinkProvider::Local,
        "bitly" => LinkProvider::Bitly {
            token: required("BITLY_TOKEN")?,
            group_guid: required("BITLY_GROUP_GUID")?,
            domain: var(env, "BITLY_DOMAIN"),
            api_base: var(env, "BITLY_API_BASE")
                .unwrap_or_else(|| "https://api-ssl.bitly.com".into())
                .trim_end_matches('/')
                .to_owned(),
        },
        other => {
            return Err(ConfigError {
                name: "LINKS_PROVIDER",
                problem: format!("must be local or bitly, not {other:?}"),
            })
        }
    };
    let short_base = match var(env, "SHORT_LINK_BASE") {
        Some(b) => {
            let parsed = url::Url::parse(&b).map_err(|e| ConfigError {
                name: "SHORT_LINK_BASE",
                problem: format!("not a URL: {e}"),
            })?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(ConfigError {
                    name: "SHORT_LINK_BASE",
                    problem: "must be an http or https URL".into(),
                });
            }
            Some(b.trim_end_matches('/').to_owned())
        }
        None => None,
    };
    Ok(LinkSettings {
        provider,
        short_base,
        allow_loopback: dev_mode,
        click_push: Duration::from_millis(parsed(env, "LINK_CLICK_PUSH_MS", 250)?.max(10)),
        click_flush: Duration::from_millis(parsed(env, "LINK_CLICK_FLUSH_MS", 2000)?.max(10)),
    })
}

fn s3_settings(env: Lookup) -> Result<Option<crate::platform::storage::S3Config>, ConfigError> {
    let Some(bucket) = var(env, "S3_BUCKET") else {
        return Ok(None);
    };
    let required = |name: &'static str| {
        var(env, name).ok_or(ConfigError {
            name,
            problem: "required when S3_BUCKET is set".into(),
        })
    };
    Ok(Some(crate::platform::storage::S3Config {
        endpoint: var(env, "S3_ENDPOINT"),
        bucket,
        region: var(env, "S3_REGION").unwrap_or_else(|| "us-east-1".into()),
        access_key_id: required("S3_ACCESS_KEY_ID")?,
        secret_access_key: required("S3_SECRET_ACCESS_KEY")?,
        prefix: var(env, "S3_PREFIX").unwrap_or_default(),
    }))
}

fn auth_settings(env: Lookup, bind_addr: SocketAddr) -> Result<AuthSettings, ConfigError> {
    let mode = match var(env, "AUTH_MODE").as_deref().unwrap_or("clerk") {
        "clerk" => AuthMode::Clerk,
        "dev" => AuthMode::Dev,
        other => {
            return Err(ConfigError {
                name: "AUTH_MODE",
                problem: format!("must be clerk or dev, not {other:?}"),
            })
        }
    };
    let dev_auth_force = parsed(env, "DEV_AUTH_FORCE", false)?;
    if mode == AuthMode::Dev && !bind_addr.ip().is_loopback() && !dev_auth_force {
        return Err(ConfigError {
            name: "AUTH_MODE",
            problem: format!(
                "dev sign-in on the non-loopback address {bind_addr} would let anyone mint tokens; set DEV_AUTH_FORCE=true to do it anyway"
            ),
        });
    }
    let clerk_issuer = match (&mode, var(env, "CLERK_ISSUER")) {
        (_, Some(iss)) => iss.trim_end_matches('/').to_owned(),
        (AuthMode::Dev, None) => String::new(), // filled in at start-up with the bound address
        (AuthMode::Clerk, None) => {
            return Err(ConfigError {
                name: "CLERK_ISSUER",
                problem: "required unless AUTH_MODE=dev (your Clerk Frontend API URL)".into(),
            })
        }
    };
    let clerk_jwt_key = var(env, "CLERK_JWT_KEY").map(|k| k.replace("\\n", "\n"));
    if let Some(key) = &clerk_jwt_key {
        jsonwebtoken::DecodingKey::from_rsa_pem(key.as_bytes()).map_err(|e| ConfigError {
            name: "CLERK_JWT_KEY",
            problem: format!("not a PEM RSA public key: {e}"),
        })?;
    }
    let clerk_webhook_secret =
        var(env, "CLERK_WEBHOOK_SECRET").or_else(|| (mode == AuthMode::Dev).then(|| DEV_WEBHOOK_SECRET.to_owned()));
    if let Some(secret) = &clerk_webhook_secret {
        decode_webhook_secret(secret).map_err(|problem| ConfigError {
            name: "CLERK_WEBHOOK_SECRET",
            problem,
        })?;
    }
    Ok(AuthSettings {
        mode,
        clerk_issuer,
        clerk_jwks_url: var(env, "CLERK_JWKS_URL"),
        clerk_jwt_key,
        clerk_authorized_parties: list(env, "CLERK_AUTHORIZED_PARTIES", ""),
        clerk_webhook_secret,
        dev_auth_force,
    })
}

impl AuthSettings {
    /// The JWKS the verifier reads: explicit, else the issuer's well-known path.
    pub fn jwks_url(&self) -> String {
        self.clerk_jwks_url
            .clone()
            .unwrap_or_else(|| format!("{}/.well-known/jwks.json", self.clerk_issuer))
    }
}
