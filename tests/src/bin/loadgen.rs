//! Parley's load generator. Targets running instances in dev auth mode and prints one JSON
//! line per run. Modes:
//!   chat        C clients in R rooms spread over the instances, one sender per room
//!   ramp        chat at rising rates: the highest with p99 delivery <= 100 ms and no loss
//!   connections N idle sockets on one instance: the server's memory per socket
//!   rest        REST posting and history paging
//!   fanout      one @room mention in a room of M members spread over the instances: the
//!               time until every other member's socket has its notification
//! Options are key=value: urls=http://a,http://b clients=1000 rooms=100 rate=3600
//! duration=10 bursty=false body=100 count=19000 pid=N start=1000 step=1000 max=20000
//! mentions=0 (percent of sends that mention another member of the room; every socket then
//! also subscribes to its notifications) members=1000 repeat=5
//! ppv=0 (percent of sends that are pay-per-view; the senders onboard first through
//! stripe=http://fake-stripe, whose webhooks must reach the instances)

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use parley_tests::bench::{dev_token, field_of, rss_kib};
use serde_json::{json, Value};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

type Opts = HashMap<String, String>;

fn opt<T: std::str::FromStr>(o: &Opts, k: &str, d: T) -> T {
    o.get(k).and_then(|v| v.parse().ok()).unwrap_or(d)
}

fn ws_config() -> WebSocketConfig {
    // tungstenite's default read buffer is 128 KiB per socket: far too much for thousands.
    WebSocketConfig::default().read_buffer_size(4096).write_buffer_size(0)
}

#[tokio::main]
async fn main() {
    parley::install_crypto_provider();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().cloned().unwrap_or_else(|| "chat".into());
    let o: Opts = args
        .iter()
        .skip(1)
        .filter_map(|a| a.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let urls: Vec<String> = opt(&o, "urls", "http://127.0.0.1:8081,http://127.0.0.1:8082".to_owned())
        .split(',')
        .map(str::to_owned)
        .collect();
    match mode.as_str() {
        "chat" => {
            let r = chat(&urls, &o, opt(&o, "rate", 3600.0)).await;
            println!("{r}");
        }
        "ramp" => {
            let (mut rate, step, max) = (
                opt(&o, "start", 1000.0),
                opt(&o, "step", 1000.0),
                opt(&o, "max", 20000.0),
            );
            let mut best = Value::Null;
            while rate <= max {
                let r = chat(&urls, &o, rate).await;
                eprintln!("{r}");
                let good = r["lost"] == 0
                    && r["duplicated"] == 0
                    && r["out_of_order"] == 0
                    && r["delivery_ms"]["p99"].as_f64().unwrap_or(1e9) <= 100.0;
                if !good {
                    break;
                }
                best = r;
                rate += step;
            }
            println!("{}", json!({"mode": "ramp", "highest_good": best}));
        }
        "connections" => println!("{}", connections(&urls[0], &o).await),
        "rest" => println!("{}", rest(&urls[0], &o).await),
        "fanout" => println!("{}", fanout(&urls, &o).await),
        other => eprintln!("unknown mode {other}"),
    }
}

/// Creates a public room and answers its id.
async fn create_room(http: &reqwest::Client, url: &str, token: &str, name: &str) -> String {
    let req = http
        .post(format!("{url}/v1/rooms"))
        .bearer_auth(token)
        .json(&json!({"name": name, "kind": "public"}));
    field_of(req, "id").await
}

async fn join(http: &reqwest::Client, url: &str, room: &str, token: &str) {
    let res = http
        .post(format!("{url}/v1/rooms/{room}/join"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "join: {}", res.status());
}

/// CPU seconds used so far by processes with these names (and by this process).
fn cpu_seconds() -> HashMap<String, f64> {
    let mut out: HashMap<String, f64> = HashMap::new();
    let read = |path: &str| std::fs::read_to_string(path).ok();
    let ticks = |stat: &str| -> f64 {
        let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let f: Vec<&str> = after.split_whitespace().collect();
        (f.get(11).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0)
            + f.get(12).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0))
            / 100.0
    };
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for entry in dir.flatten() {
            let pid = entry.file_name().to_string_lossy().to_string();
            if !pid.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            let Some(comm) = read(&format!("/proc/{pid}/comm")) else {
                continue;
            };
            let name = match comm.trim() {
                "parley" => "parley",
                "postgres" => "postgres",
                "redis-server" => "redis",
                _ => continue,
            };
            if let Some(stat) = read(&format!("/proc/{pid}/stat")) {
                *out.entry(name.to_owned()).or_default() += ticks(&stat);
            }
        }
    }
    if let Some(stat) = read("/proc/self/stat") {
        out.insert("generator".into(), ticks(&stat));
    }
    out
}

/// CPU seconds spent per process name between two `cpu_seconds` readings.
fn cpu_delta(before: &HashMap<String, f64>, after: &HashMap<String, f64>) -> HashMap<String, f64> {
    after
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                ((v - before.get(k).copied().unwrap_or(0.0)) * 100.0).round() / 100.0,
            )
        })
        .collect()
}

fn percentiles(mut v: Vec<f64>) -> Value {
    if v.is_empty() {
        return json!({"p50": null, "p99": null, "max": null});
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    json!({"p50": (at(0.5) * 100.0).round() / 100.0, "p99": (at(0.99) * 100.0).round() / 100.0, "max": (v[v.len() - 1] * 100.0).round() / 100.0})
}

#[derive(Default)]
struct ClientStats {
    delivered: u64,
    duplicated: u64,
    out_of_order: u64,
    delivery_ms: Vec<f64>,
    ack_ms: Vec<f64>,
    sent: u64,
    acked: u64,
    errors: u64,
    /// Refused sends by error code (`unavailable` while a dependency is down, …).
    error_codes: std::collections::BTreeMap<String, u64>,
    /// The sender's highest acknowledged seq: readers are done when they reach it.
    max_acked_seq: i64,
    /// When the last ack and the last delivery arrived, after the start signal.
    last_ack: Duration,
    last_delivery: Duration,
    /// `notification` frames received.
    notified: u64,
}

async fn chat(urls: &[String], o: &Opts, rate: f64) -> Value {
    let clients: usize = opt(o, "clients", 1000);
    let rooms: usize = opt(o, "rooms", 100);
    let duration = Duration::from_secs_f64(opt(o, "duration", 10.0));
    let bursty: bool = opt(o, "bursty", false);
    let body_len: usize = opt(o, "body", 100);
    let mention_pct: u64 = opt(o, "mentions", 0);
    let ppv_pct: u64 = opt(o, "ppv", 0);
    let members = clients / rooms;
    let http = reqwest::Client::builder().pool_max_idle_per_host(64).build().unwrap();
    let run = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();

    // Set-up over REST: users, rooms, memberships.
    let tokens: Vec<String> = futures_util::stream::iter(0..clients)
        .map(|i| {
            let (http, url) = (http.clone(), urls[i % urls.len()].clone());
            let run = run.clone();
            async move { dev_token(&http, &url, &format!("lg{run}-{i}")).await }
        })
        .buffered(64)
        .collect()
        .await;
    let mut room_ids = Vec::new();
    for r in 0..rooms {
        room_ids.push(create_room(&http, &urls[0], &tokens[r * members], &format!("load {r}")).await);
    }
    futures_util::stream::iter(0..clients)
        .filter(|i| std::future::ready(i % members != 0))
        .map(|i| {
            let (http, url, token, room) = (
                http.clone(),
                urls[i % urls.len()].clone(),
                tokens[i].clone(),
                room_ids[i / members].clone(),
            );
            async move { join(&http, &url, &room, &token).await }
        })
        .buffer_unordered(64)
        .collect::<Vec<_>>()
        .await;
    if ppv_pct > 0 {
        let stripe: String = opt(o, "stripe", "http://127.0.0.1:12114".to_owned());
        futures_util::stream::iter(0..rooms)
            .map(|r| {
                let idx = r * members + r % 2 % members;
                let (http, url, token, stripe) = (
                    http.clone(),
                    urls[idx % urls.len()].clone(),
                    tokens[idx].clone(),
                    stripe.clone(),
                );
                async move { parley_tests::bench::onboard(&http, &url, &token, &stripe).await }
            })
            .buffer_unordered(16)
            .collect::<Vec<_>>()
            .await;
    }
    // Whom each room's sender mentions: the member after it.
    let targets: Vec<String> = if mention_pct > 0 {
        futures_util::stream::iter(0..rooms)
            .map(|r| {
                let sender = r % 2 % members;
                let idx = r * members + (sender + 1) % members;
                // Dev tokens verify on the instance that issued them.
                let req = http
                    .get(format!("{}/v1/me", urls[idx % urls.len()]))
                    .bearer_auth(&tokens[idx]);
                async move { field_of(req, "id").await }
            })
            .buffered(32)
            .collect()
            .await
    } else {
        vec![String::new(); rooms]
    };

    let (go_tx, go_rx) = watch::channel(false);
    let subscribed = Arc::new(AtomicUsize::new(0));
    let final_seq: Arc<Vec<AtomicI64>> = Arc::new((0..rooms).map(|_| AtomicI64::new(i64::MAX)).collect());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..clients {
        let url = urls[i % urls.len()].replace("http://", "ws://") + "/v1/ws";
        let token = tokens[i].clone();
        let room_idx = i / members;
        let room = room_ids[room_idx].clone();
        // One sender per room, alternating between instances room by room.
        let is_sender = i % members == room_idx % 2 % members;
        let mention_target = targets[room_idx].clone();
        let (mut go, subscribed, final_seq) = (go_rx.clone(), subscribed.clone(), final_seq.clone());
        tasks.push(tokio::spawn(async move {
            let mut stats = ClientStats::default();
            let mut req = url.into_client_request().unwrap();
            req.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
            let (ws, _) = tokio_tungstenite::connect_async_with_config(req, Some(ws_config()), true).await.expect("connect");
            let (mut sink, mut stream) = ws.split();
            let _hello = stream.next().await;
            sink.send(Message::Text(json!({"type": "subscribe", "room_id": room, "ref": "s"}).to_string().into())).await.unwrap();
            if mention_pct > 0 {
                let frame = json!({"type": "subscribe_notifications", "ref": "n"});
                sink.send(Message::Text(frame.to_string().into())).await.unwrap();
            }
            let mut last: i64;
            loop {
                if let Some(Ok(Message::Text(t))) = stream.next().await {
                    let v: Value = serde_json::from_str(&t).unwrap();
                    if v["ref"] == "s" {
                        last = v["last_seq"].as_i64().unwrap();
                        break;
                    }
                }
            }
            subscribed.fetch_add(1, Ordering::SeqCst);
            while !*go.borrow() {
                go.changed().await.unwrap();
            }
            let t0 = Instant::now();
            let mut seen: HashSet<i64> = HashSet::new();
            let mut sent_at: HashMap<u64, Instant> = HashMap::new();
            let interval = Duration::from_secs_f64(rooms as f64 / rate);
            // Stagger senders over one interval so rooms do not send in lockstep.
            let offset = interval.mul_f64((room_idx as f64 * 0.618).fract());
            let mut next_send = t0 + offset;
            let mut n: u64 = 0;
            let mut sending = is_sender;
            let drain_deadline = t0 + duration + Duration::from_secs(10);
            loop {
                let done_sending = !sending;
                let target = final_seq[room_idx].load(Ordering::SeqCst);
                if done_sending && last >= target {
                    break;
                }
                if Instant::now() > drain_deadline {
                    break;
                }
                let wake = if sending { next_send } else { drain_deadline };
                tokio::select! {
                    _ = tokio::time::sleep_until(wake.into()), if sending => {
                        if t0.elapsed() >= duration {
                            sending = false;
                            // All acks in: publish the room's final seq for the readers.
                            while stats.acked + stats.errors < stats.sent {
                                match stream.next().await {
                                    Some(Ok(Message::Text(t))) => handle(&t, &mut stats, &mut sent_at, &mut seen, &mut last, t0),
                                    _ => break,
                                }
                            }
                            final_seq[room_idx].store(stats.max_acked_seq, Ordering::SeqCst);
                            continue;
                        }
                        let burst = if bursty { 10 } else { 1 };
                        for _ in 0..burst {
                            let ts = t0.elapsed().as_micros();
                            let mut body = format!("{i}:{n}:{ts}:");
                            body.extend(std::iter::repeat_n('x', body_len.saturating_sub(body.len())));
                            sent_at.insert(n, Instant::now());
                            let mut frame = json!({"type": "send", "room_id": room, "client_msg_id": format!("{i}-{n}-{ts}"), "body": body, "ref": n});
                            // mention_pct of the sends, spread evenly.
                            if (n + 1) * mention_pct / 100 > n * mention_pct / 100 {
                                frame["mentions"] = json!({"user_ids": [mention_target]});
                            }
                            // ppv_pct of the sends are pay-per-view: members get them locked,
                            // with the timestamped text as the preview.
                            if (n + 1) * ppv_pct / 100 > n * ppv_pct / 100 {
                                let preview: String = frame["body"].as_str().unwrap_or_default().chars().take(280).collect();
                                frame["ppv"] = json!({"amount": 500, "currency": "usd", "preview": preview});
                            }
                            if sink.send(Message::Text(frame.to_string().into())).await.is_err() {
                                sending = false;
                                break;
                            }
                            n += 1;
                            stats.sent += 1;
                        }
                        next_send += interval * burst;
                    }
                    msg = stream.next() => match msg {
                        Some(Ok(Message::Text(t))) => handle(&t, &mut stats, &mut sent_at, &mut seen, &mut last, t0),
                        Some(Ok(_)) => {}
                        _ => break,
                    },
                }
            }
            stats
        }));
    }
    while subscribed.load(Ordering::SeqCst) < clients {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let setup_s = started.elapsed().as_secs_f64();
    let cpu_before = cpu_seconds();
    let t0 = Instant::now();
    go_tx.send(true).unwrap();
    let mut all = ClientStats::default();
    for t in tasks {
        let s = t.await.unwrap();
        all.delivered += s.delivered;
        all.duplicated += s.duplicated;
        all.out_of_order += s.out_of_order;
        all.delivery_ms.extend(s.delivery_ms);
        all.ack_ms.extend(s.ack_ms);
        all.sent += s.sent;
        all.acked += s.acked;
        all.errors += s.errors;
        for (code, n) in s.error_codes {
            *all.error_codes.entry(code).or_default() += n;
        }
        all.notified += s.notified;
        all.last_ack = all.last_ack.max(s.last_ack);
        all.last_delivery = all.last_delivery.max(s.last_delivery);
    }
    let wall = t0.elapsed().as_secs_f64();
    let cpu_after = cpu_seconds();
    let cpu = cpu_delta(&cpu_before, &cpu_after);
    let expected = all.acked * members as u64;
    let server_cpu = cpu.get("parley").copied().unwrap_or(0.0)
        + cpu.get("postgres").copied().unwrap_or(0.0)
        + cpu.get("redis").copied().unwrap_or(0.0);
    let secs = duration.as_secs_f64();
    // Rates over the time the server took, not the time the generator offered load: at
    // saturation acks and deliveries trail the last send.
    let ack_span = all.last_ack.as_secs_f64().max(secs);
    let delivery_span = all.last_delivery.as_secs_f64().max(secs);
    json!({
        "mode": "chat", "target_rate": rate, "clients": clients, "rooms": rooms, "members": members, "bursty": bursty,
        "mention_pct": mention_pct, "ppv_pct": ppv_pct, "notified": all.notified,
        "duration_s": secs, "setup_s": (setup_s * 10.0).round() / 10.0, "wall_s": (wall * 10.0).round() / 10.0,
        "sent": all.sent, "acknowledged": all.acked, "errors": all.errors, "error_codes": all.error_codes, "delivered": all.delivered, "expected": expected,
        "lost": expected.saturating_sub(all.delivered), "duplicated": all.duplicated, "out_of_order": all.out_of_order,
        "ack_ms": percentiles(all.ack_ms), "delivery_ms": percentiles(all.delivery_ms),
        "offered_per_s": (all.sent as f64 / secs).round(),
        "acked_per_s": (all.acked as f64 / ack_span).round(), "delivered_per_s": (all.delivered as f64 / delivery_span).round(),
        "last_ack_s": (ack_span * 100.0).round() / 100.0, "last_delivery_s": (delivery_span * 100.0).round() / 100.0,
        "cpu_s": cpu,
        "server_cpu_ms_per_1000_deliveries": if all.delivered > 0 { (server_cpu * 1000.0 / all.delivered as f64 * 1000.0 * 100.0).round() / 100.0 } else { 0.0 },
        "generator_cpu_pct_per_1000_deliveries_s": if all.delivered > 0 { (cpu.get("generator").copied().unwrap_or(0.0) / wall * 100.0 / (all.delivered as f64 / wall / 1000.0) * 100.0).round() / 100.0 } else { 0.0 },
    })
}

/// The fields of a server frame the generator looks at, borrowed from the text: parsing a
/// whole `Value` per delivery made the generator cost more than the server's own JSON work.
#[derive(serde::Deserialize)]
struct Frame<'a> {
    #[serde(rename = "type", borrow)]
    kind: &'a str,
    #[serde(borrow, default)]
    event: Option<&'a str>,
    #[serde(default)]
    seq: Option<i64>,
    #[serde(rename = "ref", default)]
    reference: Option<Value>,
    #[serde(borrow, default)]
    data: Option<FrameData<'a>>,
    /// A message on `ok`, a text on `error`.
    #[serde(default)]
    message: Option<Value>,
    #[serde(borrow, default)]
    code: Option<&'a str>,
}

#[derive(serde::Deserialize)]
struct FrameData<'a> {
    #[serde(borrow, default)]
    body: Option<std::borrow::Cow<'a, str>>,
    /// A locked pay-per-view message's (the bench puts the same text there).
    #[serde(borrow, default)]
    preview: Option<std::borrow::Cow<'a, str>>,
}

fn handle(
    t: &str,
    stats: &mut ClientStats,
    sent_at: &mut HashMap<u64, Instant>,
    seen: &mut HashSet<i64>,
    last: &mut i64,
    t0: Instant,
) {
    let Ok(f) = serde_json::from_str::<Frame>(t) else {
        return;
    };
    match f.kind {
        "event" if f.event == Some("message.created") => {
            let seq = f.seq.unwrap_or(0);
            if seq <= *last {
                if seen.contains(&seq) {
                    stats.duplicated += 1;
                } else {
                    stats.out_of_order += 1;
                }
                return;
            }
            if seq > *last + 1 {
                stats.out_of_order += 1;
            }
            *last = seq;
            seen.insert(seq);
            stats.delivered += 1;
            stats.last_delivery = t0.elapsed();
            if let Some(ts) = f
                .data
                .and_then(|d| d.body.or(d.preview))
                .and_then(|b| b.split(':').nth(2).and_then(|s| s.parse::<u128>().ok()))
            {
                let now = t0.elapsed().as_micros();
                stats.delivery_ms.push(now.saturating_sub(ts) as f64 / 1000.0);
            }
        }
        "event" => {
            let seq = f.seq.unwrap_or(0);
            if seq > *last {
                *last = seq;
            }
        }
        "notification" => stats.notified += 1,
        "ok" | "error" => {
            if let Some(n) = f.reference.as_ref().and_then(Value::as_u64) {
                if let Some(at) = sent_at.remove(&n) {
                    if f.kind == "ok" {
                        stats.acked += 1;
                        stats.last_ack = t0.elapsed();
                        stats.ack_ms.push(at.elapsed().as_secs_f64() * 1000.0);
                        let seq = f.message.and_then(|m| m["seq"].as_i64()).unwrap_or(0);
                        stats.max_acked_seq = stats.max_acked_seq.max(seq);
                    } else {
                        stats.errors += 1;
                        *stats.error_codes.entry(f.code.unwrap_or("?").to_owned()).or_default() += 1;
                    }
                }
            }
        }
        _ => {}
    }
}

async fn connections(url: &str, o: &Opts) -> Value {
    let count: usize = opt(o, "count", 19000);
    let pid: u32 = opt(o, "pid", 0);
    let http = reqwest::Client::new();
    let token = dev_token(&http, url, "lg-idle").await;
    let ws_url = url.replace("http://", "ws://") + "/v1/ws";
    // Warm up one socket so one-off allocations are not charged to the measurement.
    let mut warm = Vec::new();
    for _ in 0..10 {
        let mut req = ws_url.clone().into_client_request().unwrap();
        req.headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        warm.push(
            tokio_tungstenite::connect_async_with_config(req, Some(ws_config()), true)
                .await
                .unwrap()
                .0,
        );
    }
    let before = rss_kib(pid);
    let opened = Arc::new(AtomicUsize::new(0));
    let sockets: Vec<_> = futures_util::stream::iter(0..count)
        .map(|_| {
            let (ws_url, token, opened) = (ws_url.clone(), token.clone(), opened.clone());
            async move {
                let mut req = ws_url.into_client_request().unwrap();
                req.headers_mut()
                    .insert("authorization", format!("Bearer {token}").parse().unwrap());
                let r = tokio_tungstenite::connect_async_with_config(req, Some(ws_config()), true)
                    .await
                    .ok()
                    .map(|(ws, _)| ws);
                if r.is_some() {
                    opened.fetch_add(1, Ordering::SeqCst);
                }
                r
            }
        })
        .buffer_unordered(128)
        .collect()
        .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = rss_kib(pid);
    let n = opened.load(Ordering::SeqCst);
    drop(sockets);
    drop(warm);
    json!({"mode": "connections", "requested": count, "opened": n, "server_rss_kib_before": before, "server_rss_kib_after": after,
        "server_kib_per_socket": if n > 0 { ((after.saturating_sub(before)) as f64 / n as f64 * 100.0).round() / 100.0 } else { 0.0 }})
}

async fn rest(url: &str, o: &Opts) -> Value {
    let concurrency: usize = opt(o, "concurrency", 32);
    let duration = Duration::from_secs_f64(opt(o, "duration", 10.0));
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .unwrap();
    let mut tokens = Vec::new();
    for i in 0..concurrency {
        tokens.push(dev_token(&http, url, &format!("lg-rest-{i}")).await);
    }
    let room = create_room(&http, url, &tokens[0], "rest bench").await;
    for t in &tokens[1..] {
        join(&http, url, &room, t).await;
    }
    let run_phase = |paging: bool| {
        let (http, tokens, room, url) = (http.clone(), tokens.clone(), room.clone(), url.to_owned());
        async move {
            let cpu0 = cpu_seconds();
            let t0 = Instant::now();
            let handles: Vec<_> = (0..concurrency)
                .map(|i| {
                    let (http, token, room, url) = (http.clone(), tokens[i].clone(), room.clone(), url.clone());
                    tokio::spawn(async move {
                        let mut lat = Vec::new();
                        let mut n = 0u64;
                        while t0.elapsed() < duration {
                            let at = Instant::now();
                            let ok = if paging {
                                let before = 1 + (n * 7919 + i as u64 * 104729) % 20000;
                                http.get(format!("{url}/v1/rooms/{room}/messages?before={before}&limit=50")).bearer_auth(&token).send().await.map(|r| r.status().is_success()).unwrap_or(false)
                            } else {
                                http.post(format!("{url}/v1/rooms/{room}/messages")).bearer_auth(&token)
                                    .json(&json!({"body": "x".repeat(100), "client_msg_id": format!("{i}-{n}-{}", uuid::Uuid::new_v4().simple())}))
                                    .send().await.map(|r| r.status().as_u16() == 201).unwrap_or(false)
                            };
                            if ok {
                                lat.push(at.elapsed().as_secs_f64() * 1000.0);
                            }
                            n += 1;
                        }
                        lat
                    })
                })
                .collect();
            let mut lat = Vec::new();
            for h in handles {
                lat.extend(h.await.unwrap());
            }
            let secs = t0.elapsed().as_secs_f64();
            let cpu1 = cpu_seconds();
            let cpu = cpu_delta(&cpu0, &cpu1);
            json!({"requests": lat.len(), "per_s": (lat.len() as f64 / secs).round(), "latency_ms": percentiles(lat), "cpu_s": cpu})
        }
    };
    let post = run_phase(false).await;
    let page = run_phase(true).await;
    json!({"mode": "rest", "concurrency": concurrency, "duration_s": duration.as_secs_f64(), "post_messages": post, "page_history": page})
}

/// One @room mention in a room of `members` (the owner and the rest, spread over the
/// instances, every socket subscribed to its notifications): the time from the post until
/// every other member's socket has its `notification` frame, `repeat` times.
async fn fanout(urls: &[String], o: &Opts) -> Value {
    let members: usize = opt(o, "members", 1000);
    let repeat: usize = opt(o, "repeat", 5);
    let http = reqwest::Client::builder().pool_max_idle_per_host(64).build().unwrap();
    let run = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let tokens: Vec<String> = futures_util::stream::iter(0..members)
        .map(|i| {
            let (http, url, run) = (http.clone(), urls[i % urls.len()].clone(), run.clone());
            async move { dev_token(&http, &url, &format!("fo{run}-{i}")).await }
        })
        .buffered(64)
        .collect()
        .await;
    let room = create_room(&http, &urls[0], &tokens[0], "everyone").await;
    futures_util::stream::iter(1..members)
        .map(|i| {
            let (http, url, token, room) = (
                http.clone(),
                urls[i % urls.len()].clone(),
                tokens[i].clone(),
                room.clone(),
            );
            async move { join(&http, &url, &room, &token).await }
        })
        .buffer_unordered(64)
        .collect::<Vec<_>>()
        .await;
    let received = Arc::new(AtomicUsize::new(0));
    let ready = Arc::new(AtomicUsize::new(0));
    let arrived = Arc::new(tokio::sync::Notify::new());
    for i in 1..members {
        let url = urls[i % urls.len()].replace("http://", "ws://") + "/v1/ws";
        let token = tokens[i].clone();
        let (received, ready, arrived) = (received.clone(), ready.clone(), arrived.clone());
        tokio::spawn(async move {
            let mut req = url.into_client_request().unwrap();
            req.headers_mut()
                .insert("authorization", format!("Bearer {token}").parse().unwrap());
            let (ws, _) = tokio_tungstenite::connect_async_with_config(req, Some(ws_config()), true)
                .await
                .expect("connect");
            let (mut sink, mut stream) = ws.split();
            let frame = json!({"type": "subscribe_notifications", "ref": "n"});
            sink.send(Message::Text(frame.to_string().into())).await.unwrap();
            while let Some(Ok(msg)) = stream.next().await {
                let Message::Text(t) = msg else { continue };
                let Ok(f) = serde_json::from_str::<Frame>(&t) else {
                    continue;
                };
                match f.kind {
                    "ok" => {
                        ready.fetch_add(1, Ordering::SeqCst);
                        arrived.notify_one();
                    }
                    "notification" => {
                        received.fetch_add(1, Ordering::SeqCst);
                        arrived.notify_one();
                    }
                    _ => {}
                }
            }
        });
    }
    while ready.load(Ordering::SeqCst) < members - 1 {
        let _ = tokio::time::timeout(Duration::from_millis(100), arrived.notified()).await;
    }
    let mut ms = Vec::new();
    for k in 1..=repeat {
        let started = Instant::now();
        let res = http
            .post(format!("{}/v1/rooms/{room}/messages", urls[0]))
            .bearer_auth(&tokens[0])
            .json(&json!({"body": format!("standup {k}"), "client_msg_id": format!("fo-{run}-{k}"), "mentions": {"room": true}}))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "@room post: {}", res.status());
        let ack_ms = started.elapsed().as_secs_f64() * 1000.0;
        while received.load(Ordering::SeqCst) < k * (members - 1) {
            let _ = tokio::time::timeout(Duration::from_millis(100), arrived.notified()).await;
            assert!(started.elapsed() < Duration::from_secs(30), "fan-out did not complete");
        }
        ms.push((ack_ms, started.elapsed().as_secs_f64() * 1000.0));
    }
    let (acks, all): (Vec<f64>, Vec<f64>) = ms.into_iter().unzip();
    json!({"mode": "fanout", "members": members, "instances": urls.len(), "repeat": repeat,
        "post_ack_ms": percentiles(acks), "all_sockets_notified_ms": percentiles(all)})
}
