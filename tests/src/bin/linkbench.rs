//! Short links' benchmark (one JSON line each):
//! - `redirects`: `concurrency` clients follow 100 short links (a browser's User-Agent, so
//!   every redirect is counted) on one instance for `duration` s — redirects per second and
//!   latency percentiles; then the same load on a static 302 route of a bare actix-web
//!   server (same allocator, one worker: `linkbench floor ADDR`), and Parley's share of it
//!   (the target: at least 0.8);
//! - `clicks`: that every redirect was counted exactly once (memory → Redis → PostgreSQL),
//!   and how long after the load the last click was written.
//!
//! Options (key=value): url=http://127.0.0.1:8081 floor=http://127.0.0.1:8090 duration=10
//! concurrency=32

#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use std::time::{Duration, Instant};

use actix_web::{web, App, HttpResponse, HttpServer};
use parley_tests::bench::{dev_token, pct};
use serde_json::{json, Value};

const BROWSER: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

async fn floor(addr: String) -> std::io::Result<()> {
    HttpServer::new(|| {
        App::new().route(
            "/s/{code}",
            web::get().to(|| async {
                HttpResponse::Found()
                    .insert_header(("location", "https://example.com/static"))
                    .insert_header(("cache-control", "private, no-store"))
                    .finish()
            }),
        )
    })
    .workers(1)
    .bind(addr)?
    .run()
    .await
}

/// Follows `codes` round-robin from `concurrency` clients for `duration`: (count, latencies ms).
async fn load(base: &str, codes: &[String], concurrency: usize, duration: Duration) -> (usize, Vec<f64>) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(BROWSER)
        .pool_max_idle_per_host(concurrency)
        .build()
        .unwrap();
    let deadline = Instant::now() + duration;
    let workers = (0..concurrency).map(|w| {
        let (http, base, codes) = (http.clone(), base.to_owned(), codes.to_vec());
        tokio::spawn(async move {
            let mut took = Vec::new();
            let mut i = w;
            while Instant::now() < deadline {
                let t = Instant::now();
                let res = http
                    .get(format!("{base}/s/{}", codes[i % codes.len()]))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 302);
                took.push(t.elapsed().as_secs_f64() * 1000.0);
                i += concurrency;
            }
            took
        })
    });
    let mut took = Vec::new();
    for w in futures_util::future::join_all(workers).await {
        took.extend(w.unwrap());
    }
    took.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (took.len(), took)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("floor") {
        floor(args.get(2).cloned().unwrap_or_else(|| "127.0.0.1:8090".into()))
            .await
            .unwrap();
        return;
    }
    parley::install_crypto_provider();
    let o = parley_tests::bench::options();
    let get = |k: &str, d: &str| parley_tests::bench::option(&o, k, d);
    let url = get("url", "http://127.0.0.1:8081");
    let floor_url = get("floor", "http://127.0.0.1:8090");
    let duration = Duration::from_secs(get("duration", "10").parse().unwrap());
    let concurrency: usize = get("concurrency", "32").parse().unwrap();
    let run = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let http = reqwest::Client::new();
    let token = dev_token(&http, &url, &format!("bench-links-{run}")).await;
    let mut codes = Vec::new();
    let mut ids = Vec::new();
    for i in 0..100 {
        let link: Value = http
            .post(format!("{url}/v1/links"))
            .bearer_auth(&token)
            .json(&json!({"long_url": format!("https://example.com/{run}/{i}")}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        codes.push(link["code"].as_str().unwrap().to_owned());
        ids.push(link["id"].as_str().unwrap().to_owned());
    }
    let (count, took) = load(&url, &codes, concurrency, duration).await;
    let per_s = count as f64 / duration.as_secs_f64();
    let (floor_count, floor_took) = load(&floor_url, &codes, concurrency, duration).await;
    let floor_per_s = floor_count as f64 / duration.as_secs_f64();
    println!(
        "{}",
        json!({"bench": "redirects", "links": codes.len(), "concurrency": concurrency,
               "redirects": count, "per_s": per_s.round(),
               "p50_ms": (pct(&took, 0.5) * 100.0).round() / 100.0,
               "p99_ms": (pct(&took, 0.99) * 100.0).round() / 100.0,
               "static_302_per_s": floor_per_s.round(),
               "static_302_p99_ms": (pct(&floor_took, 0.99) * 100.0).round() / 100.0,
               "share_of_static": ((per_s / floor_per_s) * 100.0).round() / 100.0})
    );

    // Every redirect counted once: the totals reach the count, and not beyond.
    let loaded = Instant::now();
    let mut counted = 0;
    while loaded.elapsed() < Duration::from_secs(60) {
        counted = 0;
        for id in &ids {
            let stats: Value = http
                .get(format!("{url}/v1/links/{id}/stats?days=1"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            counted += stats["total"].as_i64().unwrap();
        }
        if counted as usize >= count {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    println!(
        "{}",
        json!({"bench": "clicks", "redirects": count, "counted": counted, "exact": counted as usize == count,
               "written_within_s": (loaded.elapsed().as_secs_f64() * 10.0).round() / 10.0})
    );
}
