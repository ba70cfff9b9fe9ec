//! What the benchmark binaries (`loadgen`, `filebench`) share.

use std::collections::HashMap;

use serde_json::{json, Value};

/// A benchmark's `key=value` arguments.
/// The `p` quantile (0..=1) of sorted samples (0 for none).
pub fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

pub fn options() -> HashMap<String, String> {
    std::env::args()
        .skip(1)
        .filter_map(|a| a.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect()
}

/// The option `key`, or `default`.
pub fn option(o: &HashMap<String, String>, key: &str, default: &str) -> String {
    o.get(key).cloned().unwrap_or_else(|| default.to_owned())
}

/// The instances to load (`urls=http://a,http://b`; the two of `make bench` by default).
pub fn urls(o: &HashMap<String, String>) -> Vec<String> {
    option(o, "urls", "http://127.0.0.1:8081,http://127.0.0.1:8082")
        .split(',')
        .map(str::to_owned)
        .collect()
}

/// Sends a setup request and answers one string field of its JSON reply.
pub async fn field_of(req: reqwest::RequestBuilder, field: &str) -> String {
    let reply: Value = req.send().await.unwrap().json().await.unwrap();
    reply[field].as_str().unwrap().to_owned()
}

/// A token from the dev issuer (`AUTH_MODE=dev`) for `user`.
pub async fn dev_token(http: &reqwest::Client, url: &str, user: &str) -> String {
    let req = http
        .post(format!("{url}/v1/dev/token"))
        .json(&json!({"user_id": user, "name": user}));
    field_of(req, "token").await
}

/// A process's resident memory, in KiB (0 when it cannot be read).
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Makes the token's user a creator Stripe lets sell: onboarding through the fake Stripe
/// (`stripe` is its base URL), then waiting for `account.updated` to be applied.
pub async fn onboard(http: &reqwest::Client, url: &str, token: &str, stripe: &str) {
    let req = http
        .post(format!("{url}/v1/payouts/account"))
        .bearer_auth(token)
        .json(&json!({}));
    let link = field_of(req, "onboarding_url").await;
    let account = crate::stripe_id(&link);
    let done = http
        .post(format!("{stripe}/_fake/accounts/{account}/complete_onboarding"))
        .send()
        .await
        .unwrap();
    assert!(done.status().is_success(), "onboarding {account}: {}", done.status());
    for _ in 0..500 {
        let state: Value = http
            .get(format!("{url}/v1/payouts/account"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if state["charges_enabled"] == true {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("account {account} was not enabled");
}
