//! Stripe webhook throughput: N signed events, each delivered to every instance (so every
//! event arrives once more as a duplicate), then the time until the jobs queue has applied
//! them all. Prints one JSON line.
//!
//! Options (key=value): urls=http://a,http://b events=4000 concurrency=32
//! secret=whsec_… db=postgres://…/parley_bench
//!
//! The events name objects Parley does not hold (a payment intent, a subscription, a charge
//! of someone else's), so applying one is a lookup: what is measured is the path every
//! event takes — signature check, the store-once insert with its job, the claim, the
//! handler and marking it done.

use std::time::{Duration, Instant};

use diesel::sql_types::{BigInt, Double};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use futures_util::StreamExt;
use parley_tests::stripe::signature_header;
use serde_json::json;

#[derive(diesel::QueryableByName)]
struct Done {
    #[diesel(sql_type = BigInt)]
    done: i64,
    #[diesel(sql_type = Double)]
    span_s: f64,
}

#[tokio::main]
async fn main() {
    parley::install_crypto_provider();
    let o = parley_tests::bench::options();
    let get = |k: &str, d: &str| parley_tests::bench::option(&o, k, d);
    let urls = parley_tests::bench::urls(&o);
    let n: usize = get("events", "4000").parse().unwrap();
    let concurrency: usize = get("concurrency", "32").parse().unwrap();
    let secret = get("secret", parley_tests::stripe::WEBHOOK_SECRET);
    let db = get("db", "postgres://postgres@127.0.0.1:5432/parley_bench");
    let run = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let kinds = [
        "payment_intent.succeeded",
        "charge.refunded",
        "customer.subscription.updated",
        "invoice.paid",
    ];
    let now = chrono::Utc::now().timestamp();
    let bodies: Vec<String> = (0..n)
        .map(|i| {
            let kind = kinds[i % kinds.len()];
            let object = json!({"id": format!("obj_{run}_{i}"), "object": "x", "status": "active",
                "payment_intent": format!("pi_{run}_{i}"), "amount_refunded": 100,
                "metadata": {"payment_id": uuid::Uuid::new_v4(), "subscription_id": uuid::Uuid::new_v4()},
                "parent": {"subscription_details": {"metadata": {}}}});
            json!({"id": format!("evt_{run}_{i}"), "object": "event", "type": kind, "created": now,
                "api_version": "2026-10-28.endive", "livemode": false, "data": {"object": object}})
            .to_string()
        })
        .collect();
    let http = reqwest::Client::builder().pool_max_idle_per_host(64).build().unwrap();
    let deliveries: Vec<(String, String)> = bodies
        .iter()
        .flat_map(|b| urls.iter().map(move |u| (format!("{u}/v1/webhooks/stripe"), b.clone())))
        .collect();
    let total = deliveries.len();
    let t0 = Instant::now();
    let statuses: Vec<u16> = futures_util::stream::iter(deliveries)
        .map(|(url, body)| {
            let (http, secret) = (http.clone(), secret.clone());
            async move {
                let t = chrono::Utc::now().timestamp();
                let header = signature_header(t, &body, std::slice::from_ref(&secret));
                let res = http
                    .post(url)
                    .header("content-type", "application/json")
                    .header("stripe-signature", header)
                    .body(body)
                    .send()
                    .await;
                res.map(|r| r.status().as_u16()).unwrap_or(0)
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let received_s = t0.elapsed().as_secs_f64();
    let accepted = statuses.iter().filter(|s| **s == 200).count();
    let mut conn = AsyncPgConnection::establish(&db).await.expect("the bench database");
    let query = format!(
        "SELECT count(*)::int8 AS done, coalesce(extract(epoch FROM max(finished_at) - min(created_at)), 0)::float8 AS span_s \
         FROM jobs WHERE kind = 'stripe.event' AND status = 'done' AND payload->>'event_id' LIKE 'evt_{run}_%'"
    );
    let deadline = Instant::now() + Duration::from_secs(300);
    let done = loop {
        let d: Done = diesel::sql_query(&query).get_result(&mut conn).await.unwrap();
        if d.done as usize >= n || Instant::now() > deadline {
            break d;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    println!(
        "{}",
        json!({
            "mode": "webhooks", "instances": urls.len(), "events": n, "deliveries": total, "accepted": accepted,
            "refused": total - accepted, "received_per_s": (total as f64 / received_s).round(),
            "applied": done.done, "applied_per_s": (done.done as f64 / done.span_s.max(1e-9)).round(),
            "apply_span_s": (done.span_s * 100.0).round() / 100.0,
        })
    );
}
