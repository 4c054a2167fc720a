use crate::helpers::World;

#[tokio::test]
async fn home_page_is_japanese_by_default_and_switches_to_english() {
    let world = World::new();
    let app = world.spawn().await;

    let home = app.get("/").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("<html lang=\"ja\">"));
    assert!(home.body.contains("個人情報の開示等の請求"));
    assert!(
        home.body.contains("href=\"/lang/en?next=/\""),
        "language switch link"
    );
    assert!(home.body.contains("本文へ移動"), "skip link");

    let switched = app.get("/lang/en?next=/").await;
    assert_eq!(switched.status, 303);
    assert_eq!(switched.location.as_deref(), Some("/"));
    let english = app.get("/").await;
    assert!(english.body.contains("<html lang=\"en\">"));
    assert!(
        english
            .body
            .contains("Requests about your personal information")
    );
    assert!(english.body.contains("href=\"/lang/ja?next=/\""));
}

#[tokio::test]
async fn language_switch_never_redirects_off_site() {
    let app = World::new().spawn().await;
    let switched = app.get("/lang/en?next=https://evil.example/").await;
    assert_eq!(switched.location.as_deref(), Some("/"));
    let protocol_relative = app.get("/lang/en?next=//evil.example/").await;
    assert_eq!(protocol_relative.location.as_deref(), Some("/"));
    assert_eq!(app.get("/lang/fr").await.status, 404);
}

#[tokio::test]
async fn health_and_readiness_probes_answer() {
    let app = World::new().spawn().await;
    let health = app.get("/healthz").await;
    assert_eq!((health.status, health.body.as_str()), (200, "ok"));
    let ready = app.get("/readyz").await;
    assert_eq!((ready.status, ready.body.as_str()), (200, "ready"));
}

#[tokio::test]
async fn stylesheet_is_served_from_the_binary() {
    let app = World::new().spawn().await;
    let response = app
        .client
        .get(app.url("/static/css/app.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/css; charset=utf-8"
    );
    assert!(response.text().await.unwrap().contains(".skip-link"));
}

#[tokio::test]
async fn unknown_pages_get_a_404_page_in_the_chosen_language() {
    let app = World::new().spawn().await;
    let missing = app.get("/no/such/page").await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("ページが見つかりません"));
    assert!(
        !missing.body.contains("問い合わせ番号"),
        "no reference on a 404"
    );
    app.get("/lang/en?next=/").await;
    let missing = app.get("/no/such/page").await;
    assert!(missing.body.contains("Page not found"));
}
