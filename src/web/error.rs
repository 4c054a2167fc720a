//! The web layer's one error type, mapped once to HTTP, and the error pages. A page shows a
//! request id on 500 and never a cause or a stack; the cause goes to the log.

use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentType};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpMessage, HttpResponse, ResponseError};
use askama::Template;
use tracing_actix_web::RequestId;

use crate::db::DbError;
use crate::i18n::Lang;
use crate::service::accounts::AccountError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("bad request")]
    BadRequest,
    #[error("request body too large")]
    TooLarge,
    /// A staff page was requested without a valid session: send the person to sign in.
    #[error("sign-in required")]
    SignInRequired { next: String },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn internal(cause: impl std::fmt::Display) -> AppError {
        AppError::Internal(cause.to_string())
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => AppError::NotFound,
            DbError::Unavailable(why) => AppError::Unavailable(why),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<AccountError> for AppError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Db(db) => db.into(),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::BadRequest => StatusCode::BAD_REQUEST,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::SignInRequired { .. } => StatusCode::SEE_OTHER,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::SignInRequired { next } => HttpResponse::SeeOther()
                .insert_header((header::LOCATION, super::staff::login_url(next)))
                .finish(),
            // The body is filled in by `render_error_page`, which knows the language and request id.
            other => HttpResponse::new(other.status_code()),
        }
    }
}

/// Marks a response whose body is already a complete page (e.g. a form re-shown with 422), so the
/// error-page handler leaves it alone.
#[derive(Clone, Copy)]
pub struct CompletePage;

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
        400 | 403 | 404 | 413 | 422 | 429 | 503 => status.as_u16(),
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
    let message_key = format!("error.{code}.message");
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

/// Shorthand used by `render` when a form page is deliberately sent with an error status.
pub fn complete_page(status: StatusCode, body: String) -> HttpResponse {
    let mut response = HttpResponse::build(status)
        .content_type(ContentType::html())
        .body(body);
    response.extensions_mut().insert(CompletePage);
    response
}
