//! Prometheus text metrics: request counts and latency by route, pool usage, sockets.
//! Hand-rolled (a few counters and one histogram family) to keep the dependency tree lean.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

#[derive(Default)]
struct RouteStats {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<(String, String), RouteStats>>,
}

impl Metrics {
    pub fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        *self
            .requests
            .lock()
            .expect("lock")
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default() += 1;
        let mut latency = self.latency.lock().expect("lock");
        let stats = latency.entry((method.to_owned(), route.to_owned())).or_default();
        stats.count += 1;
        stats.sum += secs;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                stats.buckets[i] += 1;
            }
        }
    }

    pub fn render(&self, pool: deadpool::Status, sockets: usize) -> String {
        let mut out = String::new();
        out.push_str("# HELP parley_http_requests_total HTTP requests by route and status.\n# TYPE parley_http_requests_total counter\n");
        for ((method, route, status), n) in self.requests.lock().expect("lock").iter() {
            let _ = writeln!(
                out,
                "parley_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        out.push_str("# HELP parley_http_request_duration_seconds HTTP latency by route.\n# TYPE parley_http_request_duration_seconds histogram\n");
        for ((method, route), s) in self.latency.lock().expect("lock").iter() {
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(out, "parley_http_request_duration_seconds_bucket{{method=\"{method}\",route=\"{route}\",le=\"{bound}\"}} {}", s.buckets[i]);
            }
            let _ = writeln!(
                out,
                "parley_http_request_duration_seconds_bucket{{method=\"{method}\",route=\"{route}\",le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "parley_http_request_duration_seconds_sum{{method=\"{method}\",route=\"{route}\"}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "parley_http_request_duration_seconds_count{{method=\"{method}\",route=\"{route}\"}} {}",
                s.count
            );
        }
        let _ = writeln!(
            out,
            "# HELP parley_db_pool_connections Database pool connections.\n# TYPE parley_db_pool_connections gauge"
        );
        let _ = writeln!(out, "parley_db_pool_connections{{state=\"size\"}} {}", pool.size);
        let _ = writeln!(
            out,
            "parley_db_pool_connections{{state=\"available\"}} {}",
            pool.available
        );
        let _ = writeln!(out, "parley_db_pool_connections{{state=\"max\"}} {}", pool.max_size);
        let _ = writeln!(out, "parley_db_pool_waiting {}", pool.waiting);
        let _ = writeln!(out, "# HELP parley_websocket_connections Open WebSockets on this instance.\n# TYPE parley_websocket_connections gauge\nparley_websocket_connections {sockets}");
        out
    }
}
