//! An official letter as a clean A4 page: the requester opens it through their private link,
//! staff from the case page; both see the same frozen letter and print it (print stylesheet,
//! `@page { size: A4 }`), or download it as a PDF set from the same words ("PDF で保存").

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::letters::LetterContent;
use crate::pdf::PdfError;
use crate::service::letter_access::Taken;
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

    /// The query again, for the links of the page: the PDF of the text being read.
    fn suffix(&self) -> &'static str {
        if self.japanese() { "?text=ja" } else { "" }
    }
}

#[derive(Template)]
#[template(path = "letter.html")]
struct LetterPage {
    page: PageContext,
    back: String,
    /// Where the Japanese text is, on an English letter.
    japanese_href: Option<String>,
    /// The same letter as a PDF.
    pdf_href: String,
    /// Why no PDF could be made (no Japanese font on the server), shown above the letter.
    pdf_unavailable: bool,
    letter: LetterContent,
}

/// Where a letter is read: the page to go back to, and the letter's own address.
struct Place {
    back: String,
    here: String,
}

fn letter_page(
    page: PageContext,
    place: Place,
    (letter, query): (LetterContent, &LetterQuery),
    pdf_unavailable: bool,
) -> Result<HttpResponse, AppError> {
    let japanese_href = (letter.lang != "ja").then(|| format!("{}?text=ja", place.here));
    let status = if pdf_unavailable {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    render(
        status,
        &LetterPage {
            page,
            back: place.back,
            japanese_href,
            pdf_href: format!("{}/pdf{}", place.here, query.suffix()),
            pdf_unavailable,
            letter,
        },
    )
}

/// The letter as an A4 PDF download; without a usable font, the letter's page saying so (503)
/// — the letter can still be printed from it.
async fn pdf_or_explain(
    state: &AppState,
    page: PageContext,
    place: Place,
    (letter, query): (LetterContent, &LetterQuery),
) -> Result<HttpResponse, AppError> {
    let font = match state.letter_font().await {
        Ok(font) => font,
        Err(problem @ (PdfError::NoFont(_) | PdfError::BadFont(_))) => {
            tracing::warn!(%problem, "letter PDF not made");
            return letter_page(page, place, (letter, query), true);
        }
        Err(other) => return Err(AppError::internal(other)),
    };
    let number = letter.number.clone();
    let bytes = web::block(move || crate::pdf::render(&letter, &font))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    // The number names the file (「令和8年度個情第12号.pdf」), percent-encoded for the header.
    let encoded: String = url::form_urlencoded::byte_serialize(number.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"letter.pdf\"; filename*=UTF-8''{encoded}.pdf"),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(bytes))
}

/// The requester's letter `letter_id` through the link `token`, as `taken`.
async fn requester_letter(
    state: &AppState,
    (token, letter_id): (&str, &str),
    query: &LetterQuery,
    taken: Taken,
) -> Result<(LetterContent, Place), AppError> {
    let letter = crate::service::letter_access::for_requester(
        &state.intake(),
        token,
        letter_id,
        (query.japanese(), taken),
    )
    .await?
    .ok_or(AppError::NotFound)?;
    let back = format!("/case/{token}");
    let here = format!("{back}/letters/{letter_id}");
    Ok((letter, Place { back, here }))
}

/// GET /case/{token}/letters/{letter}
pub async fn for_requester(
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<(String, String)>,
    query: web::Query<LetterQuery>,
) -> Result<HttpResponse, AppError> {
    let (token, letter_id) = path.into_inner();
    let (letter, place) =
        requester_letter(&state, (&token, &letter_id), &query, Taken::Page).await?;
    letter_page(page, place, (letter, &query), false)
}

/// GET /case/{token}/letters/{letter}/pdf
pub async fn pdf_for_requester(
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<(String, String)>,
    query: web::Query<LetterQuery>,
) -> Result<HttpResponse, AppError> {
    let (token, letter_id) = path.into_inner();
    let (letter, place) =
        requester_letter(&state, (&token, &letter_id), &query, Taken::Pdf).await?;
    pdf_or_explain(&state, page, place, (letter, &query)).await
}

/// A letter of case `case_id` for `me`, as `taken` (audited either way).
async fn staff_letter(
    state: &AppState,
    me: &CaseWorker,
    (case_id, letter_id): (&str, &str),
    query: &LetterQuery,
    taken: Taken,
) -> Result<(LetterContent, Place), AppError> {
    let cw = crate::web::staff::case::casework(state).await?;
    let letter = crate::service::letter_access::for_staff(
        &cw,
        &me.actor,
        (case_id, letter_id),
        (query.japanese(), taken),
        state.now(),
    )
    .await?;
    let back = format!("/staff/cases/{case_id}");
    let here = format!("{back}/letters/{letter_id}");
    Ok((letter, Place { back, here }))
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
    let (letter, place) =
        staff_letter(&state, &me, (&case_id, &letter_id), &query, Taken::Page).await?;
    let page = page.with_staff(&me.staff.display_name);
    letter_page(page, place, (letter, &query), false)
}

/// GET /staff/cases/{id}/letters/{letter}/pdf
pub async fn pdf_for_staff(
    state: web::Data<AppState>,
    me: CaseWorker,
    page: PageContext,
    path: web::Path<(String, String)>,
    query: web::Query<LetterQuery>,
) -> Result<HttpResponse, AppError> {
    let (case_id, letter_id) = path.into_inner();
    let (letter, place) =
        staff_letter(&state, &me, (&case_id, &letter_id), &query, Taken::Pdf).await?;
    let page = page.with_staff(&me.staff.display_name);
    pdf_or_explain(&state, page, place, (letter, &query)).await
}
