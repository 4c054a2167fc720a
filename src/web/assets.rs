//! Static assets are compiled into the binary, so a deployment is one file plus its data directory.

use actix_web::HttpResponse;
use actix_web::http::header;

const APP_CSS: &str = include_str!("../../static/css/app.css");

pub async fn app_css() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(APP_CSS)
}
