//! Test harness: spawns the real application (one or several instances) against a fresh
//! PostgreSQL database and the real Redis with a unique prefix, and a fake Clerk that
//! serves a real JWKS over HTTP. Tokens are signed with a real RSA key.

pub mod bench;
pub mod bitly;
pub mod clerk;
pub mod mail;
pub mod notion;
pub mod proxy;
pub mod push;
pub mod stripe;
pub mod twilio;
pub mod ws;

use std::time::Duration;

use parley::app::{self, Application, Handles};
use parley::platform::config::{
    AuthMode, AuthSettings, BookingSettings, ChannelSettings, DbSettings, FileSettings, IntegrationSettings,
    JobSettings, LinkProvider, LinkSettings, PaymentSettings, PostingSettings, PushSettings, RedisSettings, Settings,
    WsSettings,
};
use parley::platform::storage::S3Config;
use serde_json::{json, Value};
use tokio::sync::OnceCell;
use uuid::Uuid;

pub use clerk::FakeClerk;
pub use ws::WsClient;

pub fn pg_base() -> String {
    std::env::var("TEST_PG_BASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

pub fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

async fn admin_exec(sql: &str) {
    use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
    let mut conn = AsyncPgConnection::establish(&format!("{}/postgres", pg_base()))
        .await
        .expect("admin connection");
    conn.batch_execute(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A migrated template, made once per test process; each test copies it (fast).
async fn template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("parley_tpl_{}", std::process::id());
            admin_exec(&format!("DROP DATABASE IF EXISTS {name}")).await;
            admin_exec(&format!("CREATE DATABASE {name}")).await;
            parley::platform::db::migrate(&format!("{}/{name}", pg_base()))
                .await
                .expect("migrations apply");
            name
        })
        .await
}

/// A fresh, migrated database; returns its URL.
pub async fn fresh_database() -> String {
    let template = template().await;
    let name = format!("parley_t_{}", Uuid::new_v4().simple());
    admin_exec(&format!("CREATE DATABASE {name} TEMPLATE {template}")).await;
    format!("{}/{name}", pg_base())
}

pub fn base_settings(database_url: &str, clerk: &FakeClerk) -> Settings {
    Settings {
        bind_addr: "127.0.0.1:0".parse().unwrap(),
        metrics_addr: None,
        instance_id: format!("test-{}", &Uuid::new_v4().simple().to_string()[..8]),
        cors_origins: vec!["http://localhost:3000".into()],
        http_workers: 2,
        db: DbSettings {
            url: database_url.to_owned(),
            pool_size: 8,
        },
        redis: RedisSettings {
            url: None,
            prefix: format!("t{}", Uuid::new_v4().simple()),
        },
        auth: AuthSettings {
            mode: AuthMode::Clerk,
            clerk_issuer: clerk.issuer(),
            clerk_jwks_url: Some(clerk.jwks_url()),
            clerk_jwt_key: None,
            clerk_authorized_parties: vec!["http://localhost:3000".into()],
            clerk_webhook_secret: Some(clerk::WEBHOOK_SECRET.into()),
            dev_auth_force: false,
        },
        ws: WsSettings {
            auth_grace: Duration::from_secs(300),
            heartbeat: Duration::from_secs(20),
            idle_timeout: Duration::from_secs(60),
            queue_capacity: 1024,
            replay_cap: 1000,
            presence_ttl: Duration::from_secs(30),
            attendance_grace: Duration::from_millis(300),
        },
        posting: PostingSettings {
            send_rate_per_sec: 1000,
            batch_max: 256,
            batch_lanes: 2,
            batch_window: Duration::from_millis(2),
        },
        jobs: JobSettings {
            retry_base: Duration::from_millis(50),
            lease: Duration::from_secs(60),
            workers: 2,
        },
        push: PushSettings {
            vapid_private_key: None,
            vapid_subject: "mailto:tests@parley.invalid".into(),
            // The tests' push services listen on loopback, as in dev mode.
            allow_loopback: true,
            workers: 4,
        },
        files: FileSettings {
            dir: test_files_dir(),
            signing_key: Some(FILES_SIGNING_KEY.into()),
            upload_max_bytes: 1024 * 1024,
            avatar_max_bytes: 256 * 1024,
            quota_bytes: 3 * 1024 * 1024,
            sweep_interval: Duration::from_millis(100),
            unused_ttl: Duration::from_secs(24 * 3600),
            clamd_addr: None,
            s3: None,
        },
        payments: PaymentSettings {
            stripe_secret_key: None,
            webhook_secrets: vec![],
            connect_webhook_secrets: vec![],
            api_base: "http://127.0.0.1:9".into(),
            fee_percent: 10,
            grace: Duration::from_secs(7 * 86_400),
            app_url: "http://localhost:3000".into(),
            tip_min: 100,
            tip_max: 100_000,
            lapse_interval: Duration::from_secs(300),
        },
        bookings: BookingSettings {
            hold: Duration::from_secs(30 * 60),
            reminder: Duration::from_secs(60 * 60),
            sweep_interval: Duration::from_secs(60),
            public_url: "http://127.0.0.1:0".into(),
            app_url: "http://localhost:3000".into(),
        },
        links: LinkSettings {
            provider: LinkProvider::Local,
            short_base: None,
            allow_loopback: false,
            click_push: Duration::from_millis(20),
            click_flush: Duration::from_millis(50),
        },
        integrations: IntegrationSettings {
            secrets_key: Some([42; 32]),
            notion_oauth: None,
            notion_api_base: "http://127.0.0.1:9".into(),
        },
        channels: ChannelSettings {
            smtp_url: None,
            mail_from: "Parley Tests <bookings@parley.test>".into(),
            smtp_pool: 2,
            twilio: None,
            digest_after: Duration::from_secs(30 * 60),
            digest_sweep: Duration::from_millis(50),
            workers: 2,
        },
    }
}

/// The key the tests' instances sign download URLs with (so a test can sign one too).
pub const FILES_SIGNING_KEY: &str = "test-files-signing-key";

/// A fresh folder for one test's file store, under target/.
pub fn test_files_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/test-files")
        .join(Uuid::new_v4().simple().to_string())
}

static CLAMD: OnceCell<std::net::SocketAddr> = OnceCell::const_new();

/// The EICAR test string, from two halves: no file of the repository contains it whole.
pub fn eicar() -> Vec<u8> {
    [
        r"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR",
        "-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*",
    ]
    .concat()
    .into_bytes()
}

/// Debian's clamd with one signature, EICAR's, written here (`api/scripts/clamd.sh`
/// installs and starts the daemon).
pub async fn clamd_addr() -> std::net::SocketAddr {
    *CLAMD
        .get_or_init(|| async {
            let db = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/clamd-db");
            std::fs::create_dir_all(&db).unwrap();
            let hex: String = eicar().iter().map(|b| format!("{b:02x}")).collect();
            std::fs::write(db.join("parley-test.ndb"), format!("Parley.Test.EICAR:0:*:{hex}\n")).unwrap();
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../api/scripts/clamd.sh");
            let out = run_script(tokio::process::Command::new("bash").arg(script).arg(&db)).await;
            assert!(
                out.status.success(),
                "api/scripts/clamd.sh: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let text = String::from_utf8(out.stdout).unwrap();
            text.trim()
                .strip_prefix("CLAMD_ADDR=")
                .expect("CLAMD_ADDR=")
                .parse()
                .unwrap()
        })
        .await
}

/// Runs a setup script to its end, failing (not hanging) when it takes over ten minutes:
/// a script that leaves a server holding its output would otherwise stall every test
/// waiting on it.
async fn run_script(command: &mut tokio::process::Command) -> std::process::Output {
    let limit = std::time::Duration::from_secs(600);
    match tokio::time::timeout(limit, command.kill_on_drop(true).output()).await {
        Ok(out) => out.unwrap_or_else(|e| panic!("running {command:?}: {e}")),
        Err(_) => panic!("{command:?} did not finish within {limit:?} (is something holding its output?)"),
    }
}

static S3: OnceCell<S3Config> = OnceCell::const_new();

/// The test S3 server (ministack with signature checks, `api/scripts/s3.sh` installs and
/// starts it), with a key prefix of its own for each call.
pub async fn s3_config() -> S3Config {
    let base = S3
        .get_or_init(|| async {
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../api/scripts/s3.sh");
            let out = run_script(tokio::process::Command::new("bash").arg(script)).await;
            assert!(
                out.status.success(),
                "api/scripts/s3.sh: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let vars: std::collections::HashMap<String, String> = String::from_utf8(out.stdout)
                .unwrap()
                .split_whitespace()
                .filter_map(|kv| kv.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
                .collect();
            S3Config {
                endpoint: Some(vars["S3_ENDPOINT"].clone()),
                bucket: vars["S3_BUCKET"].clone(),
                region: vars["S3_REGION"].clone(),
                access_key_id: vars["S3_ACCESS_KEY_ID"].clone(),
                secret_access_key: vars["S3_SECRET_ACCESS_KEY"].clone(),
                prefix: String::new(),
            }
        })
        .await;
    S3Config {
        prefix: format!("t{}", Uuid::new_v4().simple()),
        ..base.clone()
    }
}

/// One running instance.
pub struct TestApp {
    pub url: String,
    pub ws_url: String,
    pub clerk: FakeClerk,
    pub http: reqwest::Client,
    pub database_url: String,
    pub settings: Settings,
    /// Where `/metrics` is served when the settings put it off the API port.
    pub metrics_addr: Option<std::net::SocketAddr>,
    handle: Handles,
    state: parley::app::state::AppState,
}

impl TestApp {
    pub async fn start(settings: Settings, clerk: FakeClerk) -> TestApp {
        parley::install_crypto_provider();
        let database_url = settings.db.url.clone();
        let app = Application::build(settings.clone()).await.expect("the app starts");
        let addr = app.addr();
        let metrics_addr = app.metrics_addr();
        let handle = app.handle();
        let state = app.state().clone();
        tokio::spawn(app.run());
        TestApp {
            url: format!("http://{addr}"),
            ws_url: format!("ws://{addr}/v1/ws"),
            clerk,
            http: reqwest::Client::new(),
            database_url,
            settings,
            metrics_addr,
            handle,
            state,
        }
    }

    /// Graceful stop, as on SIGTERM.
    pub async fn stop(&self) {
        app::stop(&self.state, &self.handle).await;
    }

    /// A signed-up user: a token from the fake Clerk and the local profile created by `/v1/me`.
    pub async fn user(&self, name: &str) -> TestUser {
        let clerk_id = format!("user_{name}_{}", &Uuid::new_v4().simple().to_string()[..8]);
        let token = self.clerk.token(&clerk_id, json!({"name": name}));
        let me = self.get_json(&token, "/v1/me").await;
        TestUser {
            id: me["id"].as_str().unwrap().parse().unwrap(),
            clerk_id,
            token,
            name: name.to_owned(),
        }
    }

    /// A signed-up user whose Clerk account has an e-mail address (unique to this call).
    pub async fn user_with_email(&self, name: &str) -> (TestUser, String) {
        let clerk_id = format!("user_{name}_{}", &Uuid::new_v4().simple().to_string()[..8]);
        let email = format!("{}@parley.test", clerk_id.to_lowercase());
        let token = self.clerk.token(&clerk_id, json!({"name": name, "email": email}));
        let me = self.get_json(&token, "/v1/me").await;
        let user = TestUser {
            id: me["id"].as_str().unwrap().parse().unwrap(),
            clerk_id,
            token,
            name: name.to_owned(),
        };
        (user, email)
    }

    /// The same user, as seen through another instance (same Clerk, same token).
    pub fn request(&self, method: reqwest::Method, token: &str, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(token)
    }

    /// A public route's JSON (no token).
    pub async fn public_json(&self, path: &str) -> Value {
        self.http
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn get_json(&self, token: &str, path: &str) -> Value {
        let res = self.request(reqwest::Method::GET, token, path).send().await.unwrap();
        assert!(res.status().is_success(), "GET {path}: {}", res.status());
        res.json().await.unwrap()
    }

    // These return 'static futures (the request is built first) so tests can run many at once.
    pub fn get(&self, token: &str, path: &str) -> impl std::future::Future<Output = reqwest::Response> + 'static {
        let req = self.request(reqwest::Method::GET, token, path);
        async move { req.send().await.unwrap() }
    }

    pub fn post(
        &self,
        token: &str,
        path: &str,
        body: Value,
    ) -> impl std::future::Future<Output = reqwest::Response> + 'static {
        let req = self.request(reqwest::Method::POST, token, path).json(&body);
        async move { req.send().await.unwrap() }
    }

    pub fn patch(
        &self,
        token: &str,
        path: &str,
        body: Value,
    ) -> impl std::future::Future<Output = reqwest::Response> + 'static {
        let req = self.request(reqwest::Method::PATCH, token, path).json(&body);
        async move { req.send().await.unwrap() }
    }

    pub fn put(&self, token: &str, path: &str) -> impl std::future::Future<Output = reqwest::Response> + 'static {
        let req = self.request(reqwest::Method::PUT, token, path);
        async move { req.send().await.unwrap() }
    }

    pub fn delete(&self, token: &str, path: &str) -> impl std::future::Future<Output = reqwest::Response> + 'static {
        let req = self.request(reqwest::Method::DELETE, token, path);
        async move { req.send().await.unwrap() }
    }

    pub async fn create_room(&self, user: &TestUser, name: &str, kind: &str) -> Uuid {
        let res = self
            .post(&user.token, "/v1/rooms", json!({"name": name, "kind": kind}))
            .await;
        assert_eq!(res.status(), 201);
        let room: Value = res.json().await.unwrap();
        room["id"].as_str().unwrap().parse().unwrap()
    }

    pub async fn join(&self, user: &TestUser, room: Uuid) {
        let res = self
            .post(&user.token, &format!("/v1/rooms/{room}/join"), json!({}))
            .await;
        assert_eq!(res.status(), 200, "join");
    }

    pub async fn post_message(&self, user: &TestUser, room: Uuid, body: &str) -> Value {
        let res = self
            .post(
                &user.token,
                &format!("/v1/rooms/{room}/messages"),
                json!({"body": body, "client_msg_id": Uuid::new_v4().to_string()}),
            )
            .await;
        assert_eq!(res.status(), 201, "post message");
        res.json().await.unwrap()
    }

    /// The kinds of a room's log entries, oldest first (first page of 100).
    pub async fn event_kinds(&self, user: &TestUser, room: Uuid) -> Vec<String> {
        let page = self.get_json(&user.token, &format!("/v1/rooms/{room}/events")).await;
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_owned())
            .collect()
    }

    pub async fn connect(&self, user: &TestUser) -> WsClient {
        WsClient::connect(&self.ws_url, &user.token).await
    }

    /// Runs a statement against this app's database (to break or age something on purpose).
    pub async fn exec(&self, sql: &str) {
        use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
        let mut conn = AsyncPgConnection::establish(&self.database_url).await.unwrap();
        diesel::sql_query(sql).execute(&mut conn).await.unwrap();
    }

    /// Runs a statement against this app's database (for checks a client cannot make).
    pub async fn db_query_i64(&self, sql: &str) -> i64 {
        use diesel::sql_types::BigInt;
        use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        let mut conn = AsyncPgConnection::establish(&self.database_url).await.unwrap();
        diesel::sql_query(sql).get_result::<Row>(&mut conn).await.unwrap().n
    }

    /// One text value: the query's column must be named `t`.
    pub async fn db_query_text(&self, sql: &str) -> String {
        use diesel::sql_types::Text;
        use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = Text)]
            t: String,
        }
        let mut conn = AsyncPgConnection::establish(&self.database_url).await.unwrap();
        diesel::sql_query(sql).get_result::<Row>(&mut conn).await.unwrap().t
    }
}

pub struct TestUser {
    pub id: Uuid,
    pub clerk_id: String,
    pub token: String,
    pub name: String,
}

/// A single instance with the in-process bus.
pub async fn spawn_app() -> TestApp {
    let clerk = FakeClerk::start().await;
    let db = fresh_database().await;
    TestApp::start(base_settings(&db, &clerk), clerk).await
}

/// A single instance with a settings tweak.
pub async fn spawn_app_with(tweak: impl FnOnce(&mut Settings)) -> TestApp {
    let clerk = FakeClerk::start().await;
    let db = fresh_database().await;
    let mut settings = base_settings(&db, &clerk);
    tweak(&mut settings);
    TestApp::start(settings, clerk).await
}

/// Several instances sharing one database, one Redis (one prefix) and one Clerk.
pub async fn spawn_cluster(n: usize) -> Vec<TestApp> {
    spawn_cluster_with(n, |_| {}).await
}

pub async fn spawn_cluster_with(n: usize, tweak: impl Fn(&mut Settings)) -> Vec<TestApp> {
    let clerk = FakeClerk::start().await;
    let db = fresh_database().await;
    let mut settings = base_settings(&db, &clerk);
    settings.redis.url = Some(redis_url());
    tweak(&mut settings);
    let mut apps = Vec::new();
    for i in 0..n {
        let mut s = settings.clone();
        s.instance_id = format!("{}-{i}", settings.instance_id);
        apps.push(TestApp::start(s, clerk.clone()).await);
    }
    apps
}

/// Waits for a condition that the system makes true asynchronously (a webhook applied,
/// a presence entry expired), checking every 20 ms, failing after `limit`.
pub async fn eventually<F, Fut>(limit: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if check().await {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Instances with payments on, against the fake Stripe (webhooks go to the first one).
pub struct Paid {
    pub apps: Vec<TestApp>,
    pub stripe: stripe::FakeStripe,
}

pub async fn spawn_paid(n: usize, tweak: impl Fn(&mut Settings)) -> Paid {
    let fake = stripe::FakeStripe::start(stripe::FakeStripeConfig::default()).await;
    let base = fake.base.clone();
    let apps = spawn_cluster_with(n, |s| {
        s.payments.stripe_secret_key = Some(stripe::SECRET_KEY.into());
        s.payments.webhook_secrets = vec![stripe::WEBHOOK_SECRET.into()];
        s.payments.connect_webhook_secrets = vec![stripe::CONNECT_WEBHOOK_SECRET.into()];
        s.payments.api_base = base.clone();
        s.payments.lapse_interval = Duration::from_millis(100);
        tweak(s);
    })
    .await;
    fake.set_webhook_urls(
        &format!("{}/v1/webhooks/stripe", apps[0].url),
        &format!("{}/v1/webhooks/stripe/connect", apps[0].url),
    );
    Paid { apps, stripe: fake }
}

/// The last path segment of a Stripe-hosted URL (`…/checkout/cs_…` → `cs_…`).
pub fn stripe_id(url: &str) -> String {
    url.split('?')
        .next()
        .unwrap_or(url)
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned()
}

impl Paid {
    pub fn app(&self) -> &TestApp {
        &self.apps[0]
    }

    /// A creator whose payout account Stripe has enabled (onboarding completed).
    pub async fn creator(&self, name: &str) -> TestUser {
        let app = self.app();
        let user = app.user(name).await;
        let res = app.post(&user.token, "/v1/payouts/account", json!({})).await;
        assert_eq!(res.status(), 200, "onboarding starts");
        let body: Value = res.json().await.unwrap();
        let account = stripe_id(body["onboarding_url"].as_str().unwrap());
        self.stripe.complete_onboarding(&account).await;
        eventually(Duration::from_secs(10), "the account is enabled", || async {
            app.get_json(&user.token, "/v1/payouts/account").await["charges_enabled"] == true
        })
        .await;
        user
    }

    /// Pays a Checkout URL and waits for Parley to see the payment settled.
    pub async fn pay(&self, payer: &TestUser, started: &Value) {
        let session = stripe_id(started["checkout_url"].as_str().unwrap());
        let sent = self.stripe.pay_checkout(&session).await;
        assert!(
            sent.iter().all(|s| s.status == Some(200)),
            "every event accepted: {sent:?}"
        );
        let path = format!("/v1/payments/{}", started["payment_id"].as_str().unwrap());
        let app = self.app();
        eventually(Duration::from_secs(10), "the payment settles", || async {
            app.get_json(&payer.token, &path).await["status"] == "succeeded"
        })
        .await;
    }
}
