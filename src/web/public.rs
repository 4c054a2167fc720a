//! Pages anyone can see.

use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::error::AppError;
use super::page::{LANG_COOKIE, PageContext, render, safe_next};
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: PageContext,
}

/// The start page: the one page search engines may list (every other page says noindex).
pub async fn home(page: PageContext) -> Result<HttpResponse, AppError> {
    let mut response = render(StatusCode::OK, &HomePage { page })?;
    response.headers_mut().insert(
        actix_web::http::header::HeaderName::from_static("x-robots-tag"),
        actix_web::http::header::HeaderValue::from_static("all"),
    );
    Ok(response)
}

#[derive(serde::Deserialize)]
pub struct SwitchQuery {
    next: Option<String>,
}

/// Remembers the chosen language in a cookie and returns to the page the person was on; a plain
/// link, so it works without JavaScript.
pub async fn switch_language(
    code: web::Path<String>,
    query: web::Query<SwitchQuery>,
) -> Result<HttpResponse, AppError> {
    let lang = Lang::from_code(&code).ok_or(AppError::NotFound)?;
    let cookie = Cookie::build(LANG_COOKIE, lang.code())
        .path("/")
        .same_site(SameSite::Lax)
        .http_only(true)
        .max_age(Duration::days(365))
        .finish();
    Ok(HttpResponse::SeeOther()
        .insert_header(("Location", safe_next(query.next.as_deref(), "/")))
        .cookie(cookie)
        .finish())
}
