//! The files benchmark (`make bench`): upload throughput through the API against a plain
//! write of the same bytes to the same store, the server's memory while many large uploads
//! stream at once, and download redirects per second. Prints one JSON line per measurement.
//!
//! filebench url=http://127.0.0.1:8085 pid=PID dir=FILES_DIR [size=5000000 uploaders=8
//! files=48 big=10000000 big_uploads=32 duration=5]

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parley::platform::storage::Storage;
use parley_tests::bench::{dev_token, rss_kib};
use rand::RngCore;
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

type Opts = HashMap<String, String>;

fn opt<T: std::str::FromStr>(o: &Opts, k: &str, d: T) -> T {
    o.get(k).and_then(|v| v.parse().ok()).unwrap_or(d)
}

/// `size` bytes a server types as a PDF (the header) with random content after it.
fn payload(size: usize) -> Vec<u8> {
    let mut b = vec![0u8; size];
    rand::thread_rng().fill_bytes(&mut b);
    b[..9].copy_from_slice(b"%PDF-1.7\n");
    b
}

/// Uploads `bytes` as a file; its id.
async fn upload(http: &reqwest::Client, url: &str, token: &str, bytes: Vec<u8>) -> String {
    let form = Form::new().part("file", Part::bytes(bytes).file_name("bench.pdf"));
    let res = http
        .post(format!("{url}/v1/files"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "upload: {}", res.text().await.unwrap());
    let body: Value = res.json().await.unwrap();
    body["id"].as_str().unwrap().to_owned()
}

/// MB/s of `uploaders` tasks each storing `files / uploaders` payloads through the API.
async fn through_api(url: &str, data: &Arc<Vec<u8>>, uploaders: usize, files: usize) -> (f64, Vec<String>) {
    let http = reqwest::Client::new();
    let mut tokens = Vec::new();
    for i in 0..uploaders {
        tokens.push(dev_token(&http, url, &format!("bench_up_{i}_{}", rand::random::<u32>())).await);
    }
    let started = Instant::now();
    let tasks: Vec<_> = tokens
        .into_iter()
        .map(|t| {
            let (http, url, data) = (http.clone(), url.to_owned(), data.clone());
            tokio::spawn(async move {
                let mut ids = Vec::new();
                for _ in 0..files / uploaders {
                    ids.push(upload(&http, &url, &t, data.to_vec()).await);
                }
                (t, ids)
            })
        })
        .collect();
    let mut ids = Vec::new();
    for t in tasks {
        let (token, mine) = t.await.unwrap();
        ids.extend(mine.into_iter().map(|id| format!("{token} {id}")));
    }
    let bytes = (files / uploaders * uploaders * data.len()) as f64;
    (bytes / started.elapsed().as_secs_f64() / 1e6, ids)
}

/// MB/s of the same writes straight to the store (object_store, the same part sizes).
async fn plain_writes(dir: &str, data: &Arc<Vec<u8>>, writers: usize, files: usize) -> f64 {
    let storage = Storage::local(std::path::Path::new(dir)).unwrap();
    let started = Instant::now();
    let tasks: Vec<_> = (0..writers)
        .map(|w| {
            let (storage, data) = (storage.clone(), data.clone());
            tokio::spawn(async move {
                for i in 0..files / writers {
                    let key = format!("bench-plain/{w}-{i}");
                    let mut up = storage.begin(&key).await.unwrap();
                    for chunk in data.chunks(64 * 1024) {
                        up.write(chunk).await.unwrap();
                    }
                    up.finish().await.unwrap();
                    storage.delete(&key).await.unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let bytes = (files / writers * writers * data.len()) as f64;
    bytes / started.elapsed().as_secs_f64() / 1e6
}

/// The server's peak RSS above idle while `n` uploads of `size` bytes run at once.
async fn memory(url: &str, pid: u32, size: usize, n: usize) -> Value {
    let http = reqwest::Client::new();
    let t = dev_token(&http, url, &format!("bench_mem_{}", rand::random::<u32>())).await;
    let data = Arc::new(payload(size));
    let idle = rss_kib(pid);
    let (peak, done) = (Arc::new(AtomicU64::new(idle)), Arc::new(AtomicBool::new(false)));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(pid), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let started = Instant::now();
    let uploads: Vec<_> = (0..n)
        .map(|_| {
            let (http, url, t, data) = (http.clone(), url.to_owned(), t.clone(), data.clone());
            tokio::spawn(async move { upload(&http, &url, &t, data.to_vec()).await })
        })
        .collect();
    for u in uploads {
        u.await.unwrap();
    }
    done.store(true, Ordering::Relaxed);
    sampler.await.unwrap();
    let peak = peak.load(Ordering::Relaxed);
    json!({"mode": "upload_memory", "uploads": n, "bytes_each": size, "seconds": started.elapsed().as_secs_f64(),
           "idle_rss_mib": idle as f64 / 1024.0, "peak_rss_mib": peak as f64 / 1024.0,
           "above_idle_mib": (peak - idle) as f64 / 1024.0})
}

/// Download redirects answered per second (32 clients, no redirect followed).
async fn redirects(url: &str, ids: &[String], duration: Duration) -> Value {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let count = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + duration;
    let tasks: Vec<_> = (0..32)
        .map(|c| {
            let (http, url, count) = (http.clone(), url.to_owned(), count.clone());
            let (token, id) = ids[c % ids.len()]
                .split_once(' ')
                .map(|(a, b)| (a.to_owned(), b.to_owned()))
                .unwrap();
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    let res = http
                        .get(format!("{url}/v1/files/{id}/download"))
                        .bearer_auth(&token)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(res.status(), 302);
                    count.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let n = count.load(Ordering::Relaxed);
    json!({"mode": "download_redirects", "clients": 32, "redirects": n, "per_second": n as f64 / duration.as_secs_f64()})
}

#[tokio::main]
async fn main() {
    parley::install_crypto_provider();
    let o: Opts = std::env::args()
        .skip(1)
        .filter_map(|a| a.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect();
    let url: String = opt(&o, "url", "http://127.0.0.1:8085".to_owned());
    let dir: String = opt(&o, "dir", "target/bench-files".to_owned());
    let pid: u32 = opt(&o, "pid", 0);
    let (size, uploaders, files) = (
        opt(&o, "size", 5_000_000),
        opt(&o, "uploaders", 8),
        opt(&o, "files", 48),
    );
    let data = Arc::new(payload(size));
    // Warm both paths once, then measure them back to back.
    plain_writes(&dir, &data, uploaders, uploaders).await;
    through_api(&url, &data, uploaders, uploaders).await;
    let plain = plain_writes(&dir, &data, uploaders, files).await;
    let (api, ids) = through_api(&url, &data, uploaders, files).await;
    println!(
        "{}",
        json!({"mode": "upload_throughput", "bytes_each": size, "uploaders": uploaders, "files": files,
               "plain_write_mb_s": plain, "api_upload_mb_s": api, "ratio": api / plain})
    );
    println!(
        "{}",
        memory(&url, pid, opt(&o, "big", 10_000_000), opt(&o, "big_uploads", 32)).await
    );
    let duration = Duration::from_secs(opt(&o, "duration", 5));
    println!("{}", redirects(&url, &ids, duration).await);
}
