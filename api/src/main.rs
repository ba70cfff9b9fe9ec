// jemalloc: glibc malloc was a quarter of an instance's CPU under chat load (arena
// consolidation on the fan-out path).
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use anyhow::Context;
use parley::app::{self, Application};
use parley::platform::config::{AuthMode, Settings};
use tracing_subscriber::EnvFilter;

const USAGE: &str = "usage: parley [serve [--migrate] | migrate | openapi | asyncapi | vapid-keygen]";

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("parley: {e:#}");
        std::process::exit(1);
    }
}

async fn run() -> anyhow::Result<()> {
    let _ = dotenvy::dotenv();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or("serve");
    if command == "openapi" {
        print!("{}", parley::app::openapi::to_pretty_json());
        return Ok(());
    }
    if command == "vapid-keygen" {
        // A new VAPID private key (base64url P-256 scalar) for VAPID_PRIVATE_KEY.
        let vapid = parley::features::notifications::push::Vapid::generate(String::new());
        println!("{}", vapid.private_b64());
        return Ok(());
    }
    if command == "asyncapi" {
        print!("{}", parley::app::asyncapi::to_yaml());
        return Ok(());
    }
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn")))
        .init();
    match command {
        "migrate" => {
            let url = std::env::var("DATABASE_URL").context("DATABASE_URL is required")?;
            let applied = parley::platform::db::migrate(&url).await?;
            println!(
                "migrations applied: {}",
                if applied.is_empty() {
                    "none pending".into()
                } else {
                    applied.join(", ")
                }
            );
            Ok(())
        }
        "serve" => {
            let settings = Settings::from_env().map_err(|e| anyhow::anyhow!("{e}"))?;
            if args.iter().any(|a| a == "--migrate") {
                parley::platform::db::migrate(&settings.db.url).await?;
            }
            let dev = settings.auth.mode == AuthMode::Dev;
            let app = Application::build(settings).await?;
            if dev {
                let addr = app.addr();
                println!("Parley is up on http://{addr} (dev sign-in). API docs: http://{addr}/docs/");
                println!("Get a token:  curl -s -X POST http://{addr}/v1/dev/token -H 'content-type: application/json' -d '{{\"user_id\":\"user_alice\",\"name\":\"Alice\"}}'");
                println!("Then:         curl -s http://{addr}/v1/me -H \"authorization: Bearer $TOKEN\"");
            }
            if let Some(metrics) = app.metrics_addr() {
                println!("Metrics:      http://{metrics}/metrics");
            }
            let state = app.state().clone();
            let handles = app.handle();
            tokio::spawn(async move {
                wait_for_signal().await;
                tracing::info!("shutting down: closing sockets with 'reconnect'");
                app::stop(&state, &handles).await;
            });
            app.run().await?;
            Ok(())
        }
        other => anyhow::bail!("unknown command {other:?}\n{USAGE}"),
    }
}

async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
