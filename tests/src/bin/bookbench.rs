//! Bookings' benchmark (one JSON line each):
//! - `slots`: a host with rich availability (three ranges a day, every day, in a DST zone,
//!   and a date override a week), 15-minute steps, buffers, a daily limit and 40 bookings
//!   in the way; clients ask for 60 days of slots at `concurrency` for `duration` s —
//!   requests per second and latency percentiles on one instance;
//! - `race`: `clients` clients race for `slots` slots (each slot wanted by clients/slots of
//!   them, all at once, over every instance) — bookings answered per second, and the proof
//!   that exactly one won each slot and every loser got 409.
//!
//! Options (key=value): urls=http://a,http://b duration=10 concurrency=16 clients=200 slots=50

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{Duration as Span, Utc};
use parley_tests::bench::{dev_token, pct};
use serde_json::{json, Value};

async fn setup_host(http: &reqwest::Client, url: &str, name: &str) -> (String, String) {
    let token = dev_token(http, url, name).await;
    let me: Value = http
        .get(format!("{url}/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let weekly: Vec<Value> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .flat_map(|d| {
            [("06:00", "10:00"), ("11:00", "15:30"), ("16:00", "22:00")]
                .map(|(s, e)| json!({"day": d, "start": s, "end": e}))
        })
        .collect();
    let today = Utc::now().date_naive();
    let overrides: Vec<Value> = (1..9)
        .map(|w| {
            json!({"date": (today + Span::days(w * 7)).to_string(),
                   "ranges": [{"start": "08:00", "end": "12:00"}]})
        })
        .collect();
    let res = http
        .put(format!("{url}/v1/availability"))
        .bearer_auth(&token)
        .json(&json!({"time_zone": "America/New_York", "weekly": weekly, "overrides": overrides}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "availability: {}", res.status());
    (token, me["id"].as_str().unwrap().to_owned())
}

async fn booking_type(http: &reqwest::Client, url: &str, token: &str, body: Value) -> String {
    let res: Value = http
        .post(format!("{url}/v1/booking-types"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    res["id"].as_str().unwrap().to_owned()
}

async fn slots(http: &reqwest::Client, url: &str, host: &str, slug: &str, days: i64) -> Vec<String> {
    let from = Utc::now();
    let to = from + Span::days(days);
    let q = format!(
        "{url}/v1/hosts/{host}/booking-types/{slug}/slots?from={}&to={}",
        from.format("%Y-%m-%dT%H:%M:%SZ"),
        to.format("%Y-%m-%dT%H:%M:%SZ")
    );
    let res: Value = http.get(q).send().await.unwrap().json().await.unwrap();
    res["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::main]
async fn main() {
    parley::install_crypto_provider();
    let o = parley_tests::bench::options();
    let get = |k: &str, d: &str| parley_tests::bench::option(&o, k, d);
    let urls = parley_tests::bench::urls(&o);
    let duration = Duration::from_secs(get("duration", "10").parse().unwrap());
    let concurrency: usize = get("concurrency", "16").parse().unwrap();
    let clients: usize = get("clients", "200").parse().unwrap();
    let wanted: usize = get("slots", "50").parse().unwrap();
    let run = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let http = reqwest::Client::new();
    let url = urls[0].clone();

    // Slots: a rich schedule, with bookings in the way.
    let (host_token, host) = setup_host(&http, &url, &format!("bench-host-{run}")).await;
    let rich = booking_type(
        &http,
        &url,
        &host_token,
        json!({"title": "Rich", "slug": "rich", "length_minutes": 45, "slot_interval_minutes": 15,
               "buffer_before_minutes": 10, "buffer_after_minutes": 10, "max_per_day": 8}),
    )
    .await;
    let first = slots(&http, &url, &host, "rich", 60).await;
    let booker = dev_token(&http, &url, &format!("bench-booker-{run}")).await;
    for start in first.iter().step_by((first.len() / 40).max(1)).take(40) {
        http.post(format!("{url}/v1/bookings"))
            .bearer_auth(&booker)
            .json(&json!({"booking_type_id": rich, "start": start, "tz": "Europe/Berlin"}))
            .send()
            .await
            .unwrap();
    }
    let offered = slots(&http, &url, &host, "rich", 60).await.len();
    let deadline = Instant::now() + duration;
    let workers = (0..concurrency).map(|_| {
        let (http, url, host) = (http.clone(), url.clone(), host.clone());
        tokio::spawn(async move {
            let mut took = Vec::new();
            while Instant::now() < deadline {
                let t = Instant::now();
                let n = slots(&http, &url, &host, "rich", 60).await.len();
                assert!(n > 0);
                took.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            took
        })
    });
    let mut took: Vec<f64> = Vec::new();
    for w in futures_util::future::join_all(workers).await {
        took.extend(w.unwrap());
    }
    took.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "{}",
        json!({"bench": "slots", "days": 60, "offered": offered, "bookings_in_the_way": 40,
               "concurrency": concurrency, "requests": took.len(),
               "per_s": (took.len() as f64 / duration.as_secs_f64()).round(),
               "p50_ms": (pct(&took, 0.5) * 10.0).round() / 10.0,
               "p99_ms": (pct(&took, 0.99) * 10.0).round() / 10.0})
    );

    // The race: every slot wanted by several clients at once, over every instance.
    let (race_token, race_host) = setup_host(&http, &url, &format!("bench-race-{run}")).await;
    let race = booking_type(
        &http,
        &url,
        &race_token,
        json!({"title": "Race", "slug": "race", "length_minutes": 30}),
    )
    .await;
    let targets: Vec<String> = slots(&http, &url, &race_host, "race", 30)
        .await
        .into_iter()
        .take(wanted)
        .collect();
    assert_eq!(targets.len(), wanted, "enough slots to race for");
    let mut tokens = Vec::with_capacity(clients);
    for i in 0..clients {
        // Dev tokens are each instance's own: a client asks the instance it books on.
        let at = &urls[i % urls.len()];
        tokens.push(dev_token(&http, at, &format!("bench-client-{run}-{i}")).await);
    }
    let started = Instant::now();
    let attempts = tokens.iter().enumerate().map(|(i, token)| {
        let (http, race) = (http.clone(), race.clone());
        let url = urls[i % urls.len()].clone();
        let start = targets[i % wanted].clone();
        let token = token.clone();
        async move {
            let res = http
                .post(format!("{url}/v1/bookings"))
                .bearer_auth(&token)
                .json(&json!({"booking_type_id": race, "start": start, "tz": "UTC"}))
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap_or(Value::Null);
            (status, body["code"].as_str().map(str::to_owned))
        }
    });
    let answers = futures_util::future::join_all(attempts).await;
    let span = started.elapsed();
    let won = answers.iter().filter(|(s, _)| *s == 201).count();
    let lost_409 = answers
        .iter()
        .filter(|(s, c)| *s == 409 && c.as_deref() == Some("slot_taken"))
        .count();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (status, code) in &answers {
        *seen
            .entry(format!("{status} {}", code.as_deref().unwrap_or("-")))
            .or_default() += 1;
    }
    assert_eq!(won, wanted, "exactly one booking per slot: {seen:?}");
    assert_eq!(won + lost_409, clients, "every loser is a 409 slot_taken");
    println!(
        "{}",
        json!({"bench": "booking_race", "clients": clients, "slots": wanted, "instances": urls.len(),
               "won": won, "lost_409": lost_409, "seconds": (span.as_secs_f64() * 1000.0).round() / 1000.0,
               "bookings_per_s": (clients as f64 / span.as_secs_f64()).round()})
    );
}
