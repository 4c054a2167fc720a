//! Figures for a monitoring system, in Prometheus' text format (`docs/operations.md §4`): requests
//! by route pattern and status, their latency, the mail outbox and the open and overdue cases.
//! Labels hold route patterns (`/case/{token}`), methods and status codes only: never a path as
//! requested, so never a token, a receipt number or an address.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::db::{Db, DbError, outbox};
use crate::domain::calendar::BusinessCalendar;
use crate::service::dashboard::{self, DashboardCache};

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Latency {
    /// Requests at or under each bound (not cumulative; summed when written).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Requests {
    /// (method, route pattern, status) → count.
    counts: BTreeMap<(String, String, u16), u64>,
    /// route pattern → latency.
    latency: BTreeMap<String, Latency>,
}

/// What this instance has served since it started.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<Requests>,
    /// Seconds the last reminder sweep of this instance took.
    last_sweep: Mutex<Option<f64>>,
}

impl Metrics {
    pub fn new() -> Arc<Metrics> {
        Arc::new(Metrics::default())
    }

    /// Records how long a reminder sweep took.
    pub fn observe_sweep(&self, took: Duration) {
        *self
            .last_sweep
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(took.as_secs_f64());
    }

    fn last_sweep_seconds(&self) -> Option<f64> {
        *self
            .last_sweep
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts one answered request. `route` is the pattern that matched, never the path.
    pub fn observe(&self, method: &str, route: &str, status: u16, took: Duration) {
        let seconds = took.as_secs_f64();
        let mut requests = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
        *requests
            .counts
            .entry((method.to_string(), route.to_string(), status))
            .or_default() += 1;
        let latency = requests.latency.entry(route.to_string()).or_default();
        if let Some(bucket) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            latency.buckets[bucket] += 1;
        }
        latency.count += 1;
        latency.sum += seconds;
    }

    fn write_requests(&self, out: &mut String) {
        let requests = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
        out.push_str("# HELP madoguchi_http_requests_total Requests answered, by method, route pattern and status.\n");
        out.push_str("# TYPE madoguchi_http_requests_total counter\n");
        for ((method, route, status), count) in &requests.counts {
            let _ = writeln!(
                out,
                "madoguchi_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {count}",
                escape(method),
                escape(route)
            );
        }
        out.push_str(
            "# HELP madoguchi_http_request_duration_seconds Time to answer, by route pattern.\n",
        );
        out.push_str("# TYPE madoguchi_http_request_duration_seconds histogram\n");
        for (route, latency) in &requests.latency {
            let route = escape(route);
            let mut cumulative = 0;
            for (bound, count) in BUCKETS.iter().zip(latency.buckets) {
                cumulative += count;
                let _ = writeln!(
                    out,
                    "madoguchi_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "madoguchi_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\n\
                 madoguchi_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\n\
                 madoguchi_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                latency.count, latency.sum, latency.count
            );
        }
    }
}

/// Figures read from the database when scraped.
#[derive(Debug, Clone, PartialEq)]
pub struct Gauges {
    pub outbox_unsent: i64,
    pub outbox_oldest_unsent_seconds: f64,
    pub cases_open: i64,
    pub cases_overdue: i64,
    /// When the case figures were counted (they are kept for a few seconds, as on the dashboard).
    pub cases_counted_at: DateTime<Utc>,
    /// When the newest backup set was taken, by the command or the schedule.
    pub backup_newest_at: Option<DateTime<Utc>>,
}

/// Reads the gauges: the outbox at once, the case figures as the dashboard last counted them.
pub async fn gauges(
    db: &Db,
    cache: &Arc<DashboardCache>,
    calendar: &BusinessCalendar,
    now: DateTime<Utc>,
) -> Result<Gauges, DbError> {
    let (unsent, oldest) = db.read(outbox::unsent).await?;
    let (counted, counted_at) = dashboard::figures(db, cache, calendar, now).await?;
    let backup_newest_at = db
        .read(crate::db::backup::newest_set_at)
        .await?
        .map(|at| at.and_utc());
    Ok(Gauges {
        outbox_unsent: unsent,
        outbox_oldest_unsent_seconds: oldest.map_or(0.0, |created| {
            ((now.naive_utc() - created).num_milliseconds().max(0) as f64) / 1000.0
        }),
        cases_open: counted.states.iter().map(|(_, n)| n).sum(),
        cases_overdue: counted.overdue,
        cases_counted_at: counted_at,
        backup_newest_at,
    })
}

/// The whole exposition.
pub fn render(metrics: &Metrics, gauges: &Gauges) -> String {
    let mut out = String::with_capacity(4096);
    metrics.write_requests(&mut out);
    for (name, help, value) in [
        (
            "madoguchi_outbox_unsent",
            "Mails not yet accepted by the relay.",
            gauges.outbox_unsent as f64,
        ),
        (
            "madoguchi_outbox_oldest_unsent_age_seconds",
            "Age of the oldest mail not yet sent (0 when none waits).",
            gauges.outbox_oldest_unsent_seconds,
        ),
        (
            "madoguchi_cases_open",
            "Cases not finished (as last counted).",
            gauges.cases_open as f64,
        ),
        (
            "madoguchi_cases_overdue",
            "Open cases past their decision deadline (as last counted).",
            gauges.cases_overdue as f64,
        ),
        (
            "madoguchi_cases_counted_timestamp_seconds",
            "When the case figures were counted.",
            gauges.cases_counted_at.timestamp() as f64,
        ),
    ] {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
        );
    }
    // Absent rather than a made-up value when there is none: an alert on `absent()` or on the
    // age catches a deployment that never backs up.
    let optional = [
        (
            "madoguchi_backup_newest_timestamp_seconds",
            "When the newest backup set was taken.",
            gauges.backup_newest_at.map(|at| at.timestamp() as f64),
        ),
        (
            "madoguchi_reminder_sweep_duration_seconds",
            "How long this instance's last reminder and escalation sweep took.",
            metrics.last_sweep_seconds(),
        ),
    ];
    for (name, help, value) in optional {
        if let Some(value) = value {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        }
    }
    out
}

/// Label values are quoted: a backslash, a quote and a newline are escaped.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_pattern_with_cumulative_buckets() {
        let metrics = Metrics::default();
        metrics.observe("GET", "/case/{token}", 200, Duration::from_millis(3));
        metrics.observe("GET", "/case/{token}", 200, Duration::from_millis(30));
        metrics.observe("POST", "/request/submit", 303, Duration::from_secs(20));
        let text = render(
            &metrics,
            &Gauges {
                outbox_unsent: 2,
                outbox_oldest_unsent_seconds: 1.5,
                cases_open: 7,
                cases_overdue: 1,
                cases_counted_at: DateTime::<Utc>::UNIX_EPOCH,
                backup_newest_at: None,
            },
        );
        assert!(text.contains(
            "madoguchi_http_requests_total{method=\"GET\",route=\"/case/{token}\",status=\"200\"} 2"
        ));
        assert!(text.contains(
            "madoguchi_http_request_duration_seconds_bucket{route=\"/case/{token}\",le=\"0.005\"} 1"
        ));
        assert!(text.contains(
            "madoguchi_http_request_duration_seconds_bucket{route=\"/case/{token}\",le=\"0.05\"} 2"
        ));
        assert!(text.contains(
            "madoguchi_http_request_duration_seconds_bucket{route=\"/request/submit\",le=\"10\"} 0"
        ));
        assert!(text.contains(
            "madoguchi_http_request_duration_seconds_bucket{route=\"/request/submit\",le=\"+Inf\"} 1"
        ));
        assert!(text.contains("madoguchi_outbox_oldest_unsent_age_seconds 1.5"));
        assert!(text.contains("madoguchi_cases_overdue 1"));
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
