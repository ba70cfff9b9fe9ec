//! A fake Stripe for tests and offline development: a small stateful server speaking Stripe's
//! wire format (Bearer auth, bracketed form bodies, Stripe JSON objects and errors,
//! idempotency replays) that sends signed webhooks to Parley when a control action (the
//! hosted pages' buttons, a `/_fake/...` route or a handle method) changes state.
//!
//! Delivery is synchronous from a control action: it returns once every event it made was
//! POSTed (or held), with Parley's statuses. Events that API calls cause (`charge.refunded`,
//! `customer.subscription.updated`/`deleted`) go out in the background, as Stripe's do;
//! `settle()` waits for them.

mod actions;
mod api;
mod billing;
mod control;
mod form;
mod pages;
mod payments;
#[cfg(test)]
mod selftest;
#[cfg(test)]
mod selftest_billing;
mod state;
mod webhook;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use actix_web::{web, App, HttpServer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use state::{ApiError, API_VERSION};
pub use webhook::{signature, signature_header};

use state::State;

/// The dev/test secret key (`make run` offline mode and the tests).
pub const SECRET_KEY: &str = "sk_test_parley";
/// Signing secret of the platform ("account") webhook endpoint.
pub const WEBHOOK_SECRET: &str = "whsec_parleyDevPlatformSecret0000000000";
/// Signing secret of the Connect webhook endpoint.
pub const CONNECT_WEBHOOK_SECRET: &str = "whsec_parleyDevConnectSecret00000000000";

pub struct FakeStripeConfig {
    pub secret_key: String,
    pub webhook_secret: String,
    pub connect_webhook_secret: String,
    /// Default 127.0.0.1:0.
    pub bind: Option<SocketAddr>,
    /// Base of the URLs the fake hands out (checkout pages...); default `http://<bound addr>`.
    pub public_base: Option<String>,
    /// Retry failed deliveries in the background (1 s, 2 s, 4 s, 8 s): the binary's mode.
    pub retry_deliveries: bool,
}

impl Default for FakeStripeConfig {
    fn default() -> Self {
        Self {
            secret_key: SECRET_KEY.into(),
            webhook_secret: WEBHOOK_SECRET.into(),
            connect_webhook_secret: CONNECT_WEBHOOK_SECRET.into(),
            bind: None,
            public_base: None,
            retry_deliveries: false,
        }
    }
}

/// One API request as the fake received it.
#[derive(Debug, Clone, Serialize)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub idempotency_key: Option<String>,
    pub stripe_version: Option<String>,
    pub params: Vec<(String, String)>,
    pub status: u16,
    pub replayed: bool,
}

/// How to send an event again (`deliver`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Delivery {
    /// The `t` to sign with; default now.
    pub timestamp: Option<i64>,
    /// Sign with each (one `v1` per secret); default the endpoint's current secret(s).
    pub secrets: Option<Vec<String>>,
    /// Change the body after signing.
    pub tamper_body: bool,
    /// Send no `Stripe-Signature` header.
    pub omit_signature: bool,
}

/// An event a control action made, with Parley's answer: `None` when held, `Some(0)` when
/// the connection failed or no webhook URL is set.
#[derive(Debug, Clone, Serialize)]
pub struct Sent {
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub status: Option<u16>,
}

/// A state change Stripe would make on its own (a customer paying, a renewal...).
#[derive(Debug, Clone)]
pub enum Action {
    CompleteOnboarding(String),
    RestrictAccount(String),
    PayCheckout(String),
    DeclineCheckout(String),
    ExpireCheckout(String),
    SucceedPaymentIntent(String),
    FailPaymentIntent(String),
    Invoice {
        subscription: String,
        paid: bool,
    },
    EndPeriod(String),
    CancelSubscriptionNow(String),
    /// What the portal's "Cancel subscription" does: `cancel_at_period_end=true`.
    CancelAtPeriodEnd(String),
    /// A refund made in the Dashboard (no metadata of Parley's): the rest of the charge.
    RefundInDashboard(String),
    /// The cardholder disputes a charge: `charge.dispute.created`.
    OpenDispute(String),
    /// The bank decides a dispute: `charge.dispute.closed`, won or lost.
    CloseDispute {
        dispute: String,
        won: bool,
    },
}

#[derive(Clone)]
pub struct FakeStripe {
    /// `http://127.0.0.1:<port>` (or the configured public base): point Parley's API base here.
    pub base: String,
    state: Arc<Mutex<State>>,
    client: reqwest::Client,
    secret_key: Arc<str>,
    retry: bool,
    background: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl FakeStripe {
    pub async fn start(cfg: FakeStripeConfig) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let listener = std::net::TcpListener::bind(cfg.bind.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0))))
            .expect("fake Stripe: bind");
        let addr = listener.local_addr().expect("fake Stripe: local address");
        let base = cfg.public_base.unwrap_or_else(|| format!("http://{addr}"));
        let base = base.trim_end_matches('/').to_owned();
        let state = State {
            base: base.clone(),
            secrets: [vec![cfg.webhook_secret], vec![cfg.connect_webhook_secret]],
            ..State::default()
        };
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(15))
            .pool_max_idle_per_host(0)
            .build()
            .expect("fake Stripe: HTTP client");
        let fake = Self {
            base,
            state: Arc::new(Mutex::new(state)),
            client,
            secret_key: cfg.secret_key.into(),
            retry: cfg.retry_deliveries,
            background: Arc::default(),
        };
        let data = web::Data::new(fake.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .configure(pages::routes)
                .configure(control::routes)
                .default_service(web::to(api::handle))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("fake Stripe: listen")
        .run();
        tokio::spawn(server);
        fake
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Where events go: the platform ("account") endpoint and the Connect endpoint.
    pub fn set_webhook_urls(&self, platform: &str, connect: &str) {
        self.lock().webhook_urls = [Some(platform.to_owned()), Some(connect.to_owned())];
    }

    /// While on, events are recorded but not sent (see `held`, `release_held`).
    pub fn hold(&self, on: bool) {
        self.lock().hold = on;
    }

    /// Every event, in creation order.
    pub fn events(&self) -> Vec<Value> {
        self.lock().events.iter().map(|e| e.event.clone()).collect()
    }

    /// Events of one type, in creation order.
    pub fn events_of(&self, kind: &str) -> Vec<Value> {
        self.events().into_iter().filter(|e| e["type"] == kind).collect()
    }

    /// Events recorded while holding and not yet released.
    pub fn held(&self) -> Vec<Value> {
        let s = self.lock();
        s.held
            .iter()
            .filter_map(|id| s.event(id))
            .map(|e| e.event.clone())
            .collect()
    }

    /// Parley's status for every delivery attempt of an event (0 = connection failed).
    pub fn deliveries(&self, event_id: &str) -> Vec<u16> {
        self.lock()
            .event(event_id)
            .map(|e| e.deliveries.clone())
            .unwrap_or_default()
    }

    /// From now on sign platform events with the old and the new secret (two `v1=`).
    pub fn rotate_webhook_secret(&self, new: &str) {
        self.lock().secrets[0].push(new.to_owned());
    }

    pub fn rotate_connect_webhook_secret(&self, new: &str) {
        self.lock().secrets[1].push(new.to_owned());
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// The current state of any object by id.
    pub fn object(&self, id: &str) -> Option<Value> {
        self.lock().objects.get(id).cloned()
    }

    /// Runs a control action and delivers its events; `Err` when Stripe would refuse it.
    pub async fn act(&self, action: Action) -> Result<Vec<Sent>, ApiError> {
        let ids = {
            let mut s = self.lock();
            let from = s.events.len();
            s.apply(&action)?;
            s.events_since(from)
        };
        Ok(self.dispatch(ids).await)
    }

    async fn must(&self, action: Action) -> Vec<Sent> {
        let what = format!("{action:?}");
        self.act(action)
            .await
            .unwrap_or_else(|e| panic!("fake Stripe refused {what}: {e}"))
    }

    pub async fn complete_onboarding(&self, account: &str) -> Vec<Sent> {
        self.must(Action::CompleteOnboarding(account.into())).await
    }

    pub async fn restrict_account(&self, account: &str) -> Vec<Sent> {
        self.must(Action::RestrictAccount(account.into())).await
    }

    pub async fn pay_checkout(&self, session: &str) -> Vec<Sent> {
        self.must(Action::PayCheckout(session.into())).await
    }

    pub async fn decline_checkout(&self, session: &str) -> Vec<Sent> {
        self.must(Action::DeclineCheckout(session.into())).await
    }

    pub async fn expire_checkout(&self, session: &str) -> Vec<Sent> {
        self.must(Action::ExpireCheckout(session.into())).await
    }

    pub async fn succeed_payment_intent(&self, intent: &str) -> Vec<Sent> {
        self.must(Action::SucceedPaymentIntent(intent.into())).await
    }

    pub async fn fail_payment_intent(&self, intent: &str) -> Vec<Sent> {
        self.must(Action::FailPaymentIntent(intent.into())).await
    }

    /// The next period's invoice, paid or failed (a failed one is retried by the next call).
    pub async fn invoice(&self, subscription: &str, paid: bool) -> Vec<Sent> {
        self.must(Action::Invoice {
            subscription: subscription.into(),
            paid,
        })
        .await
    }

    pub async fn end_period(&self, subscription: &str) -> Vec<Sent> {
        self.must(Action::EndPeriod(subscription.into())).await
    }

    pub async fn cancel_subscription_now(&self, subscription: &str) -> Vec<Sent> {
        self.must(Action::CancelSubscriptionNow(subscription.into())).await
    }

    pub async fn cancel_at_period_end(&self, subscription: &str) -> Vec<Sent> {
        self.must(Action::CancelAtPeriodEnd(subscription.into())).await
    }

    pub async fn refund_in_dashboard(&self, charge: &str) -> Vec<Sent> {
        self.must(Action::RefundInDashboard(charge.into())).await
    }

    pub async fn open_dispute(&self, charge: &str) -> Vec<Sent> {
        self.must(Action::OpenDispute(charge.into())).await
    }

    pub async fn close_dispute(&self, dispute: &str, won: bool) -> Vec<Sent> {
        self.must(Action::CloseDispute {
            dispute: dispute.into(),
            won,
        })
        .await
    }
}
