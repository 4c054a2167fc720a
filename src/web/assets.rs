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

const FAVICON_ICO: &[u8] = include_bytes!("../../static/img/favicon.ico");
const FAVICON_SVG: &str = include_str!("../../static/img/favicon.svg");

/// `/favicon.ico`, which browsers and crawlers ask for whatever the page says.
pub async fn favicon_ico() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/x-icon")
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(FAVICON_ICO)
}

/// The icon pages link to (sharp at every size).
pub async fn favicon_svg() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(FAVICON_SVG)
}
