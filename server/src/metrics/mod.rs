//! `GET /metrics` in Prometheus's text format: connections, messages, request latencies.
//! Counts only, but counts are metadata too (how many people are online, how busy the
//! server is): without --metrics-token only this machine may read them; with one, only
//! who presents it (also from this machine, which may be a proxy passing the LAN on).
//! Anyone else gets 404 (`endpoint`, above the shared state; the counters are below it).

pub mod endpoint;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Instant;

/// The latency histogram's upper bounds, in seconds.
const BOUNDS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

#[derive(Default)]
pub struct Metrics {
    /// Who else may read /metrics: `Authorization: Bearer <token>`.
    pub token: Option<String>,
    /// Requests by status class: 1xx..5xx.
    by_class: [AtomicU64; 5],
    /// Cumulative per bound, then +Inf.
    buckets: [AtomicU64; BOUNDS.len() + 1],
    sum_micros: AtomicU64,
    messages: AtomicU64,
    commits: AtomicU64,
}

impl Metrics {
    pub fn with_token(token: Option<String>) -> Self {
        Self {
            token: token.filter(|t| !t.is_empty()),
            ..Self::default()
        }
    }

    /// A message was stored (not a repeat of one already stored).
    pub fn message(&self) {
        self.messages.fetch_add(1, Relaxed);
    }

    /// A batch of messages was committed (messages ÷ commits is the batching achieved).
    pub fn commit(&self) {
        self.commits.fetch_add(1, Relaxed);
    }

    fn request(&self, status: StatusCode, secs: f64) {
        let class = usize::from(status.as_u16() / 100).clamp(1, 5) - 1;
        self.by_class[class].fetch_add(1, Relaxed);
        for (i, bound) in BOUNDS.iter().enumerate() {
            if secs <= *bound {
                self.buckets[i].fetch_add(1, Relaxed);
            }
        }
        self.buckets[BOUNDS.len()].fetch_add(1, Relaxed);
        self.sum_micros.fetch_add((secs * 1e6) as u64, Relaxed);
    }

    fn render(&self, connections: usize, online: usize, uptime: u64) -> String {
        let mut o = String::new();
        let gauges = [
            (
                "hearth_socket_connections",
                "gauge",
                "Open WebSockets (browser tabs) on this process.",
                connections as u64,
            ),
            (
                "hearth_users_online",
                "gauge",
                "People with a tab open, on any process.",
                online as u64,
            ),
            (
                "hearth_messages_total",
                "counter",
                "Messages stored through this process.",
                self.messages.load(Relaxed),
            ),
            (
                "hearth_message_commits_total",
                "counter",
                "Transactions that stored messages (several senders' messages share one).",
                self.commits.load(Relaxed),
            ),
            (
                "hearth_uptime_seconds",
                "gauge",
                "Seconds since this process started.",
                uptime,
            ),
        ];
        for (name, kind, help, value) in gauges {
            head(&mut o, name, kind, help);
            let _ = writeln!(o, "{name} {value}");
        }
        let n = "hearth_http_requests_total";
        head(
            &mut o,
            n,
            "counter",
            "HTTP requests answered, by status class.",
        );
        for (i, c) in self.by_class.iter().enumerate() {
            let _ = writeln!(o, "{n}{{class=\"{}xx\"}} {}", i + 1, c.load(Relaxed));
        }
        let n = "hearth_http_request_duration_seconds";
        head(
            &mut o,
            n,
            "histogram",
            "Time to answer an HTTP request (a socket: until the upgrade).",
        );
        for (i, bound) in BOUNDS.iter().enumerate() {
            let _ = writeln!(
                o,
                "{n}_bucket{{le=\"{bound}\"}} {}",
                self.buckets[i].load(Relaxed)
            );
        }
        let count = self.buckets[BOUNDS.len()].load(Relaxed);
        let _ = writeln!(o, "{n}_bucket{{le=\"+Inf\"}} {count}");
        let sum = self.sum_micros.load(Relaxed) as f64 / 1e6;
        let _ = writeln!(o, "{n}_sum {sum}\n{n}_count {count}");
        o
    }
}

fn head(o: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(o, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// Times every request.
pub async fn track(State(m): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let res = next.run(req).await;
    // A refusal answered as data counts as what it is (a wrong password as a 401).
    m.request(crate::limit::outcome(&res), start.elapsed().as_secs_f64());
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_is_cumulative() {
        let m = Metrics::default();
        m.request(StatusCode::OK, 0.003);
        m.request(StatusCode::OK, 0.2);
        m.request(StatusCode::NOT_FOUND, 9.0);
        m.message();
        let text = m.render(2, 1, 60);
        assert!(text.contains("hearth_http_request_duration_seconds_bucket{le=\"0.005\"} 1\n"));
        assert!(text.contains("hearth_http_request_duration_seconds_bucket{le=\"0.25\"} 2\n"));
        assert!(text.contains("hearth_http_request_duration_seconds_bucket{le=\"+Inf\"} 3\n"));
        assert!(text.contains("hearth_http_requests_total{class=\"2xx\"} 2\n"));
        assert!(text.contains("hearth_http_requests_total{class=\"4xx\"} 1\n"));
        assert!(text.contains("hearth_messages_total 1\n"));
        assert!(text.contains("hearth_socket_connections 2\n"));
    }
}
