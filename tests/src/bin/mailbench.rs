//! E-mail benchmark (one JSON line each), with the code the `channels.send` job runs:
//! - `render`: booking confirmations rendered (subject, text, HTML) and built into MIME
//!   messages with their invite, per second on one core;
//! - `smtp`: the same, handed to a real SMTP server that requires AUTH (MailDev, through
//!   lettre's connection pool) by `concurrency` senders — e-mails accepted per second and the
//!   latency of one hand-over.
//!
//! Options (key=value): smtp=smtp://parley:parley-smtp-bench@127.0.0.1:12028 count=2000
//! concurrency=8

use std::sync::Arc;
use std::time::Instant;

use parley::features::channels::mail::{Invite, Mailer, Message, Outcome};
use parley::features::channels::templates;
use parley::features::channels::views::ChannelKind;
use parley_tests::bench::pct;

#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
use serde_json::json;
use uuid::Uuid;

fn context(i: usize) -> serde_json::Value {
    json!({
        "name": format!("Client {i}"),
        "title": "Intro call",
        "with": "Grace Hopper",
        "when": "Fri 11 Dec 2026, 11:00 (Europe/Paris)",
        "app_url": "http://localhost:3000",
        "path": format!("/bookings/{i}"),
        "note": "Bring the slides",
        "unsubscribe_url": "http://127.0.0.1:8080/v1/unsubscribe/AaJTvGQ-ceyDS9M6HmH3r2Jvb2tpbmdfY29uZmlybWVk",
        "settings_url": "http://localhost:3000/settings/channels",
    })
}

const ICS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Parley//Bookings//EN\r\nMETHOD:REQUEST\r\n\
BEGIN:VEVENT\r\nUID:bench@parley\r\nDTSTAMP:20261208T000000Z\r\nDTSTART:20261211T100000Z\r\n\
DTEND:20261211T103000Z\r\nSEQUENCE:0\r\nSUMMARY:Intro call with Grace Hopper\r\nSTATUS:CONFIRMED\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n";

fn message(mailer: &Mailer, i: usize) -> Message {
    let rendered = templates::mail(ChannelKind::BookingConfirmed, &context(i))
        .expect("renders")
        .expect("has a mail");
    let invite = Invite {
        method: "REQUEST".into(),
        ics: ICS.into(),
    };
    let to = format!("client{i}@bench.parley.test");
    mailer
        .build(
            Uuid::now_v7(),
            (&to, "Client"),
            &rendered,
            Some(&invite),
            "http://127.0.0.1:8080/v1/unsubscribe/x",
        )
        .expect("builds")
}

#[tokio::main]
async fn main() {
    parley::install_crypto_provider();
    let args = parley_tests::bench::options();
    let smtp = args
        .get("smtp")
        .cloned()
        .unwrap_or_else(|| "smtp://parley:parley-smtp-bench@127.0.0.1:12028".into());
    let count: usize = args.get("count").and_then(|v| v.parse().ok()).unwrap_or(2000);
    let concurrency: usize = args.get("concurrency").and_then(|v| v.parse().ok()).unwrap_or(8);
    let mailer =
        Arc::new(Mailer::new(&smtp, "Parley Bench <bookings@parley.test>", concurrency as u32).expect("SMTP_URL"));

    let start = Instant::now();
    let mut bytes = 0;
    for i in 0..count {
        bytes += message(&mailer, i).formatted().len();
    }
    let took = start.elapsed().as_secs_f64();
    println!(
        "{}",
        json!({"bench": "mail_render", "messages": count, "per_sec": (count as f64 / took).round(),
               "avg_bytes": bytes / count})
    );

    let start = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (mailer, next) = (mailer.clone(), next.clone());
        workers.spawn(async move {
            let mut lat = Vec::new();
            let mut failed = 0;
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= count {
                    return (lat, failed);
                }
                let t = Instant::now();
                let m = message(&mailer, i);
                match mailer.send(m).await {
                    Outcome::Sent(_) => lat.push(t.elapsed().as_secs_f64() * 1000.0),
                    other => {
                        failed += 1;
                        eprintln!("mailbench: {other:?}");
                    }
                }
            }
        });
    }
    let (mut lat, mut failed) = (Vec::new(), 0);
    while let Some(done) = workers.join_next().await {
        let (l, f) = done.expect("a sender");
        lat.extend(l);
        failed += f;
    }
    let took = start.elapsed().as_secs_f64();
    lat.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{}",
        json!({"bench": "mail_smtp", "messages": count, "failed": failed, "concurrency": concurrency,
               "per_sec": (lat.len() as f64 / took).round(),
               "p50_ms": pct(&lat, 0.50), "p99_ms": pct(&lat, 0.99)})
    );
}
