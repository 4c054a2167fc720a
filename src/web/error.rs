//! The web layer's one error type, mapped once to HTTP, and the error pages.
//!
//! # Error policy
//! - Each layer has one error type: the domain's small enums (`Refusal`, `*Problem`), `DbError`
//!   for the database, one enum per service, and [`AppError`] here.
//! - A service error becomes an `AppError` in this file only (the `From` impls below), so every
//!   mapping from a cause to a status is in one place. Handlers that turn an expected failure
//!   into a re-shown form (a refusal, a conflict, a wrong code) match the service error
//!   themselves; everything else goes through `?`.
//! - An internal error keeps its cause chain. The request's log line records the chain once
//!   (`telemetry.rs`), with the request id; the page shows the request id and never a cause.
//!   Causes from sealed personal records are cut before any text that could quote their
//!   values (a service's `Corrupt` variants carry a kind, not a message).
//! - Every error has a stable code that is also its message key (`error.404.message`,
//!   `field.csrf_expired`), so a page, a log line and a test name the same thing.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentType};
use actix_web::{HttpResponse, ResponseError};

use std::error::Error as StdError;
use std::panic::Location;

use crate::db::DbError;
use crate::service::accounts::AccountError;
use crate::service::casework::CaseworkError;
use crate::service::intake::submit::IntakeError;
use crate::service::staff_admin::StaffAdminError;

type Cause = Box<dyn StdError + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// The request cannot be acted on; `code` is the message key the page shows.
    #[error("bad request ({code})")]
    BadRequest { code: &'static str },
    #[error("request body too large")]
    TooLarge,
    /// A form's text over the largest body accepted (the fields' own limits come well before).
    #[error("form too large")]
    FormTooLarge,
    /// Someone else changed the record meanwhile (an optimistic-lock or uniqueness conflict): the
    /// person is asked to look again and retry, never shown a 500.
    #[error("conflicting change")]
    Conflict(#[source] Cause),
    /// A staff page was requested without a valid session: send the person to sign in.
    #[error("sign-in required")]
    SignInRequired { next: String },
    /// A signed-in account that must first do something (change a one-time password, set up a
    /// second factor): sent to the page where it does.
    #[error("a step is owed first")]
    Owes(&'static str),
    #[error("service unavailable")]
    Unavailable(#[source] Cause),
    /// A fault of ours: logged with its cause chain and where it was raised, never shown.
    #[error("internal error at {at}")]
    Internal {
        #[source]
        cause: Cause,
        at: &'static Location<'static>,
    },
}

impl AppError {
    /// An internal error caused by `cause`, remembering where it was raised.
    #[track_caller]
    pub fn internal(cause: impl Into<Cause>) -> AppError {
        AppError::Internal {
            cause: cause.into(),
            at: Location::caller(),
        }
    }

    pub fn bad_request(code: &'static str) -> AppError {
        AppError::BadRequest { code }
    }

    /// The stable code of this error, which is also the key of the message a page shows.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "error.404.message",
            AppError::Forbidden => "error.403.message",
            AppError::BadRequest { code } => code,
            AppError::TooLarge => "error.413.message",
            AppError::FormTooLarge => "error.413.form",
            AppError::Conflict(_) => "error.409.message",
            AppError::SignInRequired { .. } => "error.403.message",
            AppError::Owes(_) => "error.403.message",
            AppError::Unavailable(_) => "error.503.message",
            AppError::Internal { .. } => "error.500.message",
        }
    }

    /// The cause chain, outermost first, for the log.
    pub fn chain(&self) -> String {
        let mut text = self.to_string();
        let mut next = StdError::source(self);
        while let Some(cause) = next {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            next = cause.source();
        }
        text
    }
}

impl From<crate::service::letters::LetterError> for AppError {
    #[track_caller]
    fn from(e: crate::service::letters::LetterError) -> Self {
        use crate::service::letters::LetterError;
        match e {
            LetterError::NotFound => AppError::NotFound,
            LetterError::Db(db) => db.into(),
            other => AppError::internal(other),
        }
    }
}

impl From<DbError> for AppError {
    #[track_caller]
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => AppError::NotFound,
            DbError::Unavailable(_) => AppError::Unavailable(Box::new(e)),
            DbError::Conflict(_) => AppError::Conflict(Box::new(e)),
            other => AppError::internal(other),
        }
    }
}

impl From<AccountError> for AppError {
    #[track_caller]
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Db(db) => db.into(),
            other => AppError::internal(other),
        }
    }
}

impl From<CaseworkError> for AppError {
    #[track_caller]
    fn from(e: CaseworkError) -> Self {
        match e {
            CaseworkError::NotFound => AppError::NotFound,
            CaseworkError::Forbidden => AppError::Forbidden,
            CaseworkError::Db(db) => db.into(),
            other => AppError::internal(other),
        }
    }
}

impl From<IntakeError> for AppError {
    #[track_caller]
    fn from(e: IntakeError) -> Self {
        match e {
            IntakeError::Db(db) => db.into(),
            other => AppError::internal(other),
        }
    }
}

impl From<StaffAdminError> for AppError {
    #[track_caller]
    fn from(e: StaffAdminError) -> Self {
        match e {
            StaffAdminError::NotFound => AppError::NotFound,
            StaffAdminError::Db(db) => db.into(),
            other => AppError::internal(other),
        }
    }
}

impl From<askama::Error> for AppError {
    #[track_caller]
    fn from(e: askama::Error) -> Self {
        AppError::internal(e)
    }
}

/// The message key of a failed response, kept for the error page.
#[derive(Clone, Copy)]
pub struct ErrorCode(pub &'static str);

/// Where someone who must sign in is sent, coming back to `next` afterwards.
fn login_url(next: &str) -> String {
    let encoded: String = next
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect();
    format!("/staff/login?next={encoded}")
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::TooLarge | AppError::FormTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::SignInRequired { .. } | AppError::Owes(_) => StatusCode::SEE_OTHER,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::SignInRequired { next } => HttpResponse::SeeOther()
                .insert_header((header::LOCATION, login_url(next)))
                .finish(),
            AppError::Owes(page) => HttpResponse::SeeOther()
                .insert_header((header::LOCATION, *page))
                .finish(),
            // The body is filled in by `render_error_page`, which knows the language and request id.
            other => {
                let mut response = HttpResponse::new(other.status_code());
                response.extensions_mut().insert(ErrorCode(other.code()));
                response
            }
        }
    }
}

/// Marks a response whose body is already a complete page (e.g. a form re-shown with 422), so the
/// error-page handler leaves it alone.
#[derive(Clone, Copy)]
pub struct CompletePage;

/// Shorthand used by `render` when a form page is deliberately sent with an error status.
pub fn complete_page(status: StatusCode, body: String) -> HttpResponse {
    let mut response = HttpResponse::build(status)
        .content_type(ContentType::html())
        .body(body);
    response.extensions_mut().insert(CompletePage);
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn every_code_is_a_message_and_internal_errors_keep_their_chain() {
        let io = std::io::Error::other("disk on fire");
        let errors = [
            AppError::NotFound,
            AppError::Forbidden,
            AppError::bad_request("field.csrf_expired"),
            AppError::TooLarge,
            AppError::FormTooLarge,
            AppError::Conflict(Box::new(DbError::Conflict("version".into()))),
            AppError::SignInRequired {
                next: String::new(),
            },
            AppError::Owes("/staff"),
            AppError::Unavailable(Box::new(DbError::Unavailable("pool".into()))),
            AppError::internal(DbError::Query(
                diesel::result::Error::BrokenTransactionManager,
            )),
        ];
        for error in &errors {
            assert!(Lang::has(error.code()), "{}", error.code());
        }
        let chain = AppError::internal(io).chain();
        assert!(
            chain.starts_with("internal error at src/web/error.rs:"),
            "{chain}"
        );
        assert!(chain.ends_with(": disk on fire"), "{chain}");
    }
}
