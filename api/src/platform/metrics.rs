//! Prometheus metrics through the `metrics` facade: request counts and latency by route,
//! pool usage, open sockets, jobs. Recording takes no lock of ours; `/metrics` renders the
//! exporter's registry (served on the API port, or on METRICS_ADDR when set).

use std::sync::OnceLock;
use std::time::Duration;

use actix_web::http::Method;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];
const REQUESTS: &str = "parley_http_requests_total";
const LATENCY: &str = "parley_http_request_duration_seconds";

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's exporter (installed once: several app instances in one test process
/// share it).
pub fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(LATENCY.into()), &BUCKETS)
            .expect("buckets are not empty")
            .build_recorder();
        let handle = recorder.handle();
        // Another recorder may exist (a host application's); ours still renders its own.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// One handled request. `route` is the matched pattern (`/v1/rooms/{room_id}`), never the
/// raw path, so the label set stays bounded.
///
/// Each worker thread keeps the handles it used (the label set is bounded: routes ×
/// methods × statuses), so a request costs two atomic updates, not a registry lookup with
/// freshly built labels.
pub fn record_request(method: &Method, route: String, status: u16, elapsed: Duration) {
    type Handles = (metrics::Counter, metrics::Histogram);
    thread_local! {
        static CACHE: std::cell::RefCell<std::collections::HashMap<(&'static str, String, u16), Handles>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    let method = method_label(method);
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        let (requests, latency) = cache.entry((method, route, status)).or_insert_with_key(|(m, route, status)| {
            (
                metrics::counter!(REQUESTS, "method" => *m, "route" => route.clone(), "status" => status.to_string()),
                metrics::histogram!(LATENCY, "method" => *m, "route" => route.clone()),
            )
        });
        requests.increment(1);
        latency.record(elapsed.as_secs_f64());
    });
}

/// The text exposition, with the gauges read at scrape time.
pub fn render(pool: deadpool::Status, sockets: usize) -> String {
    metrics::gauge!("parley_db_pool_connections", "state" => "size").set(pool.size as f64);
    metrics::gauge!("parley_db_pool_connections", "state" => "available").set(pool.available as f64);
    metrics::gauge!("parley_db_pool_connections", "state" => "max").set(pool.max_size as f64);
    metrics::gauge!("parley_db_pool_waiting").set(pool.waiting as f64);
    metrics::gauge!("parley_websocket_connections").set(sockets as f64);
    handle().render()
}
