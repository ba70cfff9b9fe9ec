//! The offline Stripe for `make run`: a fake Stripe API with hosted Checkout, onboarding and
//! portal pages, delivering signed webhooks to a local Parley (retrying failed deliveries).
//!
//! Env: `FAKE_STRIPE_ADDR` (127.0.0.1:12111), `FAKE_STRIPE_PUBLIC_BASE` (default
//! `http://<addr>`), `STRIPE_SECRET_KEY`, `STRIPE_WEBHOOK_SECRET`,
//! `STRIPE_CONNECT_WEBHOOK_SECRET` (dev constants by default), `PARLEY_WEBHOOK_URL`,
//! `PARLEY_CONNECT_WEBHOOK_URL`.

use parley_tests::stripe::{FakeStripe, FakeStripeConfig, CONNECT_WEBHOOK_SECRET, SECRET_KEY, WEBHOOK_SECRET};

fn env(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

#[tokio::main]
async fn main() {
    let addr = env("FAKE_STRIPE_ADDR", "127.0.0.1:12111");
    let bind = match addr.parse() {
        Ok(bind) => bind,
        Err(e) => {
            eprintln!("fake-stripe: FAKE_STRIPE_ADDR={addr}: {e}");
            std::process::exit(2);
        }
    };
    let fake = FakeStripe::start(FakeStripeConfig {
        secret_key: env("STRIPE_SECRET_KEY", SECRET_KEY),
        webhook_secret: env("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET),
        connect_webhook_secret: env("STRIPE_CONNECT_WEBHOOK_SECRET", CONNECT_WEBHOOK_SECRET),
        bind: Some(bind),
        public_base: std::env::var("FAKE_STRIPE_PUBLIC_BASE").ok().filter(|v| !v.is_empty()),
        retry_deliveries: true,
    })
    .await;
    fake.set_webhook_urls(
        &env("PARLEY_WEBHOOK_URL", "http://127.0.0.1:8080/v1/webhooks/stripe"),
        &env(
            "PARLEY_CONNECT_WEBHOOK_URL",
            "http://127.0.0.1:8080/v1/webhooks/stripe/connect",
        ),
    );
    println!("fake-stripe listening on {}", fake.base);
    let _ = tokio::signal::ctrl_c().await;
}
