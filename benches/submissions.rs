//! Submissions per second on SQLite: N requests are filled in beforehand (each by its own
//! browser-like client), then their final submit is fired over 16 concurrent keep-alive
//! connections (each submit carries its own browser's session cookie), and the latency of each
//! submit is recorded. Run: `cargo bench --bench submissions [-- N]`.
//!
//! With `--prepare BASE FILE` it only fills in N drafts on the server at BASE and writes each
//! browser's cookie and CSRF token to FILE, for `benches/submissions.sh` to submit with wrk.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use madoguchi::auth::password::Cost;
use madoguchi::config::Config;
use madoguchi::startup::Application;

const CONNECTIONS: usize = 16;

fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    html.find(marker)
        .map(|i| &html[i + marker.len()..])
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string()
}

async fn post(client: &reqwest::Client, url: &str, csrf: &str, fields: &[(&str, &str)]) -> String {
    post_as(client, None, url, csrf, fields).await
}

async fn post_as(
    client: &reqwest::Client,
    cookie: Option<&str>,
    url: &str,
    csrf: &str,
    fields: &[(&str, &str)],
) -> String {
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf)];
    form.extend_from_slice(fields);
    let body = form
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                v.bytes().map(|b| format!("%{b:02X}")).collect::<String>()
            )
        })
        .collect::<Vec<_>>()
        .join("&");
    let mut request = client
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.body(body).send().await.expect("POST");
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The session cookie and CSRF token of a browser whose draft is complete, ready to submit.
async fn prepared(base: &str) -> (String, String) {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = client
        .get(format!("{base}/request"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .unwrap_or_default();
    let csrf = csrf_of(&page);
    post(
        &client,
        &format!("{base}/request"),
        &csrf,
        &[
            ("kind", "correction"),
            ("requester_type", "principal"),
            ("consent", "2026-11-21"),
        ],
    )
    .await;
    post(
        &client,
        &format!("{base}/request/person"),
        &csrf,
        &[
            ("name", "山田 花子"),
            ("name_kana", "ヤマダ ハナコ"),
            ("birth_date", "1990-04-01"),
            ("postal_code", "231-8588"),
            ("address", "横浜市中区日本大通1"),
            ("phone", "045-210-1111"),
            ("email", "bench@example.jp"),
        ],
    )
    .await;
    // A public body's correction follows a disclosure received within 90 days (開示前置).
    let disclosed_on = (chrono::Utc::now() - chrono::Duration::days(10))
        .format("%Y-%m-%d")
        .to_string();
    let next = post(
        &client,
        &format!("{base}/request/content"),
        &csrf,
        &[
            ("data_description", "住所"),
            ("current_content", "旧"),
            ("correct_content", "新"),
            ("prior_disclosure_on", &disclosed_on),
        ],
    )
    .await;
    assert_eq!(next, "/request/review", "draft complete");
    let url = reqwest::Url::parse(base).expect("base URL");
    let cookie = reqwest::cookie::CookieStore::cookies(&*jar, &url)
        .and_then(|v| v.to_str().ok().map(str::to_string))
        .expect("session cookie");
    (cookie, csrf)
}

/// `count` complete drafts, filled in a few browsers at a time.
async fn prepare_all(base: &str, count: usize) -> Vec<(String, String)> {
    let mut drafts = Vec::with_capacity(count);
    let mut browsers = tokio::task::JoinSet::new();
    for share in 0..8 {
        let base = base.to_string();
        let mine = count / 8 + usize::from(share < count % 8);
        browsers.spawn(async move {
            let mut drafts = Vec::with_capacity(mine);
            for _ in 0..mine {
                drafts.push(prepared(&base).await);
            }
            drafts
        });
    }
    while let Some(done) = browsers.join_next().await {
        drafts.extend(done.expect("browser"));
    }
    drafts
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or_default()
}

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kib| kib / 1024.0)
        .unwrap_or_default()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(2000);
    if let Some(at) = args.iter().position(|a| a == "--prepare") {
        let (Some(base), Some(file)) = (args.get(at + 1), args.get(at + 2)) else {
            panic!("usage: submissions N --prepare BASE FILE");
        };
        let drafts = prepare_all(base, count).await;
        let lines: String = drafts
            .iter()
            .map(|(cookie, csrf)| format!("{cookie}\t{csrf}\n"))
            .collect();
        std::fs::write(file, lines).expect("write the drafts file");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let vars: BTreeMap<String, String> = [
        ("MADOGUCHI_DATA_DIR", dir.path().display().to_string()),
        ("MADOGUCHI_BIND", "127.0.0.1:0".into()),
        ("MADOGUCHI_RATE_LIMIT_PER_MINUTE", "0".into()),
        ("MADOGUCHI_MAIL_POLL_SECONDS", "3600".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let app = Application::build_with(Config::from_vars(&vars).expect("config"), Cost::Fast)
        .await
        .expect("app");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());

    let started = Instant::now();
    let clients = prepare_all(&base, count).await;
    println!(
        "prepared {count} drafts in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    if let Ok(pause) = std::env::var("BENCH_PAUSE_SECONDS") {
        // Time to attach a profiler to the submission phase alone.
        tokio::time::sleep(Duration::from_secs(pause.parse().unwrap_or(0))).await;
    }

    let queue = Arc::new(std::sync::Mutex::new(clients));
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..CONNECTIONS {
        let (queue, base) = (queue.clone(), base.clone());
        workers.spawn(async move {
            // One keep-alive connection per worker, as a load generator's connection would be.
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .pool_max_idle_per_host(1)
                .build()
                .expect("client");
            let url = format!("{base}/request/submit");
            let mut latencies = Vec::new();
            loop {
                let next = queue.lock().ok().and_then(|mut q| q.pop());
                let Some((cookie, csrf)) = next else { break };
                let t = Instant::now();
                let location = post_as(&client, Some(&cookie), &url, &csrf, &[]).await;
                latencies.push(t.elapsed());
                assert_eq!(location, "/request/sent", "submission accepted");
            }
            latencies
        });
    }
    let mut latencies = Vec::with_capacity(count);
    while let Some(done) = workers.join_next().await {
        latencies.extend(done.expect("worker"));
    }
    let elapsed = started.elapsed();
    latencies.sort();
    println!(
        "submissions: {count} at {CONNECTIONS} connections in {:.2} s = {:.0}/s; p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; process RSS (server and client) {:.0} MiB",
        elapsed.as_secs_f64(),
        count as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
        rss_mib(),
    );
}
