//! An official letter as a clean A4 page: the requester opens it through their private link,
//! staff from the case page; both see the same frozen letter and print it (print stylesheet,
//! `@page { size: A4 }`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::letters::LetterContent;
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::page::{PageContext, render};
use crate::web::staff::roles::CaseWorker;

/// `?text=ja`: the Japanese text of an English letter, the authoritative one.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LetterQuery {
    pub text: String,
}

impl LetterQuery {
    fn japanese(&self) -> bool {
        self.text == "ja"
    }
}

#[derive(Template)]
#[template(path = "letter.html")]
struct LetterPage {
    page: PageContext,
    back: String,
    /// Where the Japanese text is, on an English letter.
    japanese_href: Option<String>,
    letter: LetterContent,
}

fn letter_page(
    page: PageContext,
    back: String,
    here: String,
    letter: LetterContent,
) -> Result<HttpResponse, AppError> {
    let japanese_href = (letter.lang != "ja").then(|| format!("{here}?text=ja"));
    render(
        StatusCode::OK,
        &LetterPage {
            page,
            back,
            japanese_href,
            letter,
        },
    )
}

/// GET /case/{token}/letters/{letter}
pub async fn for_requester(
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<(String, String)>,
    query: web::Query<LetterQuery>,
) -> Result<HttpResponse, AppError> {
    let (token, letter_id) = path.into_inner();
    let letter = crate::service::letters::for_requester(
        &crate::web::portal::context(&state),
        &token,
        &letter_id,
        query.japanese(),
    )
    .await?
    .ok_or(AppError::NotFound)?;
    let back = format!("/case/{token}");
    let here = format!("{back}/letters/{letter_id}");
    letter_page(page, back, here, letter)
}

/// GET /staff/cases/{id}/letters/{letter}
pub async fn for_staff(
    state: web::Data<AppState>,
    me: CaseWorker,
    page: PageContext,
    path: web::Path<(String, String)>,
    query: web::Query<LetterQuery>,
) -> Result<HttpResponse, AppError> {
    let (case_id, letter_id) = path.into_inner();
    let cw = crate::web::staff::case::casework(&state).await?;
    let letter = crate::service::letters::for_staff(
        &cw,
        &me.actor,
        (&case_id, &letter_id),
        query.japanese(),
        state.now(),
    )
    .await?;
    let back = format!("/staff/cases/{case_id}");
    let here = format!("{back}/letters/{letter_id}");
    letter_page(page.with_staff(&me.staff.display_name), back, here, letter)
}
