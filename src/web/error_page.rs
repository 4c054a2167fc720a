//! The error pages: every 4xx/5xx response that is not already a complete page gets one, in
//! the reader's language, with the request id on a 500 and never a cause.

use actix_web::HttpMessage;
use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header;
use actix_web::middleware::ErrorHandlerResponse;
use askama::Template;
use tracing_actix_web::RequestId;

use super::error::{CompletePage, ErrorCode};
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: super::page::PageContext,
    status: u16,
    title: &'static str,
    message: &'static str,
    request_id: Option<String>,
}

/// Replaces the body of every 4xx/5xx response that is not already a complete page.
pub fn render_error_page<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    if res.response().extensions().get::<CompletePage>().is_some() {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let code = match status.as_u16() {
        400 | 403 | 404 | 409 | 413 | 422 | 429 | 503 => status.as_u16(),
        405 | 415 => 400,
        s if s >= 500 => 500,
        _ => 400,
    };
    let page = super::page::PageContext::from_http_request(res.request());
    let lang: Lang = page.lang;
    let request_id = (code == 500).then(|| {
        res.request()
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default()
    });
    let title_key = format!("error.{code}.title");
    // A 400 says what was wrong when the error named it (an expired form, say).
    let message_key = match res.response().extensions().get::<ErrorCode>() {
        Some(ErrorCode(key)) if code == 400 || code == 413 => (*key).to_string(),
        _ => format!("error.{code}.message"),
    };
    let body = ErrorPage {
        page,
        status: code,
        title: lang.t(&title_key),
        message: lang.t(&message_key),
        request_id,
    }
    .render()
    .unwrap_or_else(|_| format!("<!doctype html><title>{code}</title><h1>{code}</h1>"));
    let (req, mut response) = res.into_parts();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    let response = response.set_body(BoxBody::new(body));
    let res = ServiceResponse::new(req, response).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(res))
}
