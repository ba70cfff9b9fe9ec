//! The offline Twilio for `make run` and the web's end-to-end test: the fake Programmable
//! Messaging API, inbound replies POSTed signed to Parley's webhook (see
//! `parley_tests::twilio`).
//!
//! Env: `FAKE_TWILIO_ADDR` (127.0.0.1:12131), `FAKE_TWILIO_INBOUND_URL` (where replies are
//! POSTed, e.g. `http://127.0.0.1:8080/v1/webhooks/twilio`; unset: `/_fake/reply` answers
//! 409), `FAKE_TWILIO_SIGNED_URL` (the public URL replies are signed for; default the
//! inbound URL).

use parley_tests::twilio::{FakeTwilio, ACCOUNT_SID, AUTH_TOKEN, FROM, MESSAGING_SERVICE_SID};

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

#[tokio::main]
async fn main() {
    let addr = env("FAKE_TWILIO_ADDR").unwrap_or_else(|| "127.0.0.1:12131".into());
    let bind = match addr.parse() {
        Ok(bind) => bind,
        Err(e) => {
            eprintln!("fake-twilio: FAKE_TWILIO_ADDR={addr}: {e}");
            std::process::exit(2);
        }
    };
    let fake = FakeTwilio::start_on(bind).await;
    println!(
        "fake Twilio on {} (account {ACCOUNT_SID}, auth token {AUTH_TOKEN}, from {FROM}, messaging service {MESSAGING_SERVICE_SID})",
        fake.base()
    );
    if let Some(inbound) = env("FAKE_TWILIO_INBOUND_URL") {
        let signed = env("FAKE_TWILIO_SIGNED_URL").unwrap_or_else(|| inbound.clone());
        fake.set_inbound(&inbound, &signed);
        println!("replies go to {inbound}, signed for {signed}");
    }
    tokio::signal::ctrl_c().await.ok();
}
