//! Pages for a link that no longer leads anywhere (an unknown case link, an expired
//! confirmation, a lapsed download): what happened and what to do, never a bare "not found".

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::page::{PageContext, render};

/// A case link or a download that no longer leads anywhere: what happened and what to do, never a
/// bare "not found".
#[derive(Template)]
#[template(path = "portal/link_gone.html")]
struct LinkGonePage {
    page: PageContext,
    title_key: &'static str,
    what_happened: String,
    what_to_do_key: &'static str,
    back_to_case: Option<String>,
}

/// The page for a case link that finds no case: mistyped, replaced by a newer one, or a request
/// deleted because its address was never confirmed.
pub fn link_unknown(state: &AppState, page: PageContext) -> Result<HttpResponse, AppError> {
    let what_happened = page.t("link_gone.unknown").replace(
        "{hours}",
        &state.profile().unconfirmed_expiry_hours.to_string(),
    );
    render(
        StatusCode::NOT_FOUND,
        &LinkGonePage {
            page,
            title_key: "link_gone.unknown_title",
            what_happened,
            what_to_do_key: "link_gone.unknown_do",
            back_to_case: None,
        },
    )
}

/// The page for a confirmation link followed after the request was kept as long as it is.
pub fn confirmation_expired(state: &AppState, page: PageContext) -> Result<HttpResponse, AppError> {
    let what_happened = page.t("link_gone.expired").replace(
        "{hours}",
        &state.profile().unconfirmed_expiry_hours.to_string(),
    );
    render(
        StatusCode::GONE,
        &LinkGonePage {
            page,
            title_key: "link_gone.expired_title",
            what_happened,
            what_to_do_key: "link_gone.expired_do",
            back_to_case: None,
        },
    )
}

/// The page for a disclosed file past its download period (or withdrawn from the case).
pub fn download_gone(page: PageContext, access_token: &str) -> Result<HttpResponse, AppError> {
    render(
        StatusCode::NOT_FOUND,
        &LinkGonePage {
            what_happened: page.t("link_gone.download").to_string(),
            page,
            title_key: "link_gone.download_title",
            what_to_do_key: "link_gone.download_do",
            back_to_case: Some(format!("/case/{access_token}")),
        },
    )
}
