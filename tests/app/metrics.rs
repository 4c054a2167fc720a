//! `/metrics` (docs/operations.md §4): Prometheus text, requests by route pattern (never the path
//! a person requested), the outbox and the cases; loopback only, or the configured token.

use crate::helpers::World;
use crate::portal::spawn_portal;
use crate::uploads::received_case;

#[tokio::test]
async fn metrics_count_requests_by_pattern_and_show_the_outbox_and_cases() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let case = received_case(&app, &world).await;
    assert_eq!(app.get(&case).await.status, 200);
    assert_eq!(app.get("/nowhere/receipt-2026-000001").await.status, 404);

    let metrics = app.get("/metrics").await;
    assert_eq!(metrics.status, 200, "{}", metrics.body);
    let text = metrics.body;
    assert!(
        text.contains(
            "madoguchi_http_requests_total{method=\"GET\",route=\"/case/{token}\",status=\"200\"}"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "madoguchi_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1"
        ),
        "{text}"
    );
    assert!(text.contains(
        "madoguchi_http_request_duration_seconds_bucket{route=\"/case/{token}\",le=\"+Inf\"}"
    ));
    let token = case.trim_start_matches("/case/");
    assert!(!text.contains(token), "no link in a label");
    assert!(!text.contains("2026-000001"), "no path in a label");
    // The confirmation and receipt mails wait in the outbox (tests send none by themselves).
    assert!(
        text.contains("# TYPE madoguchi_outbox_unsent gauge"),
        "{text}"
    );
    assert!(
        text.contains("madoguchi_outbox_oldest_unsent_age_seconds"),
        "{text}"
    );
    assert!(text.contains("madoguchi_cases_open 1"), "{text}");
    assert!(text.contains("madoguchi_cases_overdue 0"), "{text}");
}

#[tokio::test]
async fn with_a_token_configured_only_its_bearer_reads_metrics() {
    let world = World::new();
    let app = world
        .spawn_with(|vars| {
            vars.insert(
                "MADOGUCHI_METRICS_TOKEN".into(),
                "a-long-monitoring-token".into(),
            );
        })
        .await;
    assert_eq!(app.get("/metrics").await.status, 403);
    let wrong = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("a-long-monitoring-tokem")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 403);
    let right = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("a-long-monitoring-token")
        .send()
        .await
        .unwrap();
    assert_eq!(right.status().as_u16(), 200);
    assert!(right.text().await.unwrap().contains("madoguchi_cases_open"));
}
