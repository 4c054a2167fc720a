//! Error pages, exercised through the same middleware the server uses, with handlers that fail
//! on purpose (the real routes never expose a way to force a 500).

use actix_web::middleware::ErrorHandlers;
use actix_web::{App, HttpResponse, test, web};
use madoguchi::telemetry::SafeRootSpan;
use madoguchi::web::error::AppError;
use madoguchi::web::error_page::render_error_page;
use tracing_actix_web::TracingLogger;

async fn fails() -> Result<HttpResponse, AppError> {
    Err(AppError::internal(
        "secret cause: connection to 10.0.0.7 refused for user hanako",
    ))
}

async fn forbidden() -> Result<HttpResponse, AppError> {
    Err(AppError::Forbidden)
}

async fn unprocessable() -> HttpResponse {
    HttpResponse::UnprocessableEntity().finish()
}

#[actix_web::test]
async fn error_pages_show_a_reference_on_500_and_never_the_cause() {
    let app = test::init_service(
        App::new()
            .wrap(ErrorHandlers::new().default_handler(render_error_page))
            .wrap(TracingLogger::<SafeRootSpan>::new())
            .route("/fails", web::get().to(fails))
            .route("/forbidden", web::get().to(forbidden))
            .route("/unprocessable", web::get().to(unprocessable)),
    )
    .await;

    let response =
        test::call_service(&app, test::TestRequest::get().uri("/fails").to_request()).await;
    assert_eq!(response.status().as_u16(), 500);
    let body = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
    assert!(body.contains("エラーが発生しました"));
    assert!(body.contains("問い合わせ番号"));
    let reference = body
        .split("<code>")
        .nth(1)
        .and_then(|s| s.split("</code>").next())
        .unwrap();
    assert_eq!(reference.len(), 36, "a UUID request id: {reference}");
    assert!(
        !body.contains("secret cause") && !body.contains("hanako") && !body.contains("10.0.0.7")
    );

    let response = test::call_service(
        &app,
        test::TestRequest::get().uri("/forbidden").to_request(),
    )
    .await;
    assert_eq!(response.status().as_u16(), 403);
    let body = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
    assert!(body.contains("アクセスできません"));
    assert!(!body.contains("問い合わせ番号"));

    let response = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/unprocessable")
            .cookie(actix_web::cookie::Cookie::new("lang", "en"))
            .to_request(),
    )
    .await;
    assert_eq!(response.status().as_u16(), 422);
    let body = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
    assert!(body.contains("Cannot process the request"));
}
