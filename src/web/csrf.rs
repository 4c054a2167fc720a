//! Every form posts the session's CSRF token. These extractors check it before any handler code
//! runs and hand the handler the parsed form as [`Posted::Fresh`] (act on it) or
//! [`Posted::Stale`] (an old tab or a forged post: show the form again with what was typed and
//! "the form expired"). A handler cannot reach the form without being told which it is, and no
//! handler compares tokens itself.
//!
//! The same pass refuses, in every field of every form, characters nobody types (controls,
//! direction overrides) and what looks like an Individual Number (マイナンバー), which this
//! service must not collect (docs/security.md §6). The answer is a 400 page that says which and
//! what to do; the browser's back button returns to the form as typed.

use actix_multipart::form::{MultipartCollect, MultipartForm};
use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

use super::error::AppError;
use crate::domain::text;

const SESSION_KEY: &str = "csrf";
/// The largest urlencoded form accepted: far above any field's own limit (a decision draft is the
/// longest), so that a long text meets its field's message, with what was typed kept, and not
/// this limit.
const FORM_LIMIT: usize = 1024 * 1024;

/// The token to put in this session's forms (created on first use).
pub fn token(session: &Session) -> String {
    if let Ok(Some(token)) = session.get::<String>(SESSION_KEY) {
        return token;
    }
    let token = crate::auth::token::generate();
    // A session that cannot be written yields a token that will not verify; the form then asks
    // to resubmit.
    let _ = session.insert(SESSION_KEY, &token);
    token
}

/// A fresh token for this session (after signing in).
pub fn renew(session: &Session) -> Result<(), AppError> {
    session
        .insert(SESSION_KEY, crate::auth::token::generate())
        .map_err(AppError::internal)
}

fn matches(session: &Session, submitted: &str) -> bool {
    match session.get::<String>(SESSION_KEY) {
        Ok(Some(expected)) => expected.as_bytes().ct_eq(submitted.as_bytes()).into(),
        _ => false,
    }
}

/// A posted form, with the verdict on its CSRF token.
pub enum Posted<T> {
    Fresh(T),
    Stale(T),
}

impl<T> Posted<T> {
    /// The form when fresh; a plain 400 for posts with nothing to show again (sign-out buttons).
    pub fn fresh(self) -> Result<T, AppError> {
        match self {
            Posted::Fresh(form) => Ok(form),
            Posted::Stale(_) => Err(AppError::bad_request("field.csrf_expired")),
        }
    }

    /// The form and whether it is fresh, for handlers that check every field anyway and show
    /// all problems at once.
    pub fn split(self) -> (T, bool) {
        match self {
            Posted::Fresh(form) => (form, true),
            Posted::Stale(form) => (form, false),
        }
    }

    /// The form as typed, fresh or not (to show it again).
    pub fn form(&self) -> &T {
        match self {
            Posted::Fresh(form) | Posted::Stale(form) => form,
        }
    }

    fn checked(form: T, session: &Session, submitted: &str) -> Posted<T> {
        if matches(session, submitted) {
            Posted::Fresh(form)
        } else {
            Posted::Stale(form)
        }
    }
}

/// An `application/x-www-form-urlencoded` form of type `T`, its token checked.
pub struct CsrfForm<T>(pub Posted<T>);

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let urlencoded = req.content_type() == "application/x-www-form-urlencoded";
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !urlencoded {
                return Err(AppError::bad_request("error.400.message"));
            }
            let body = body.await.map_err(|_| AppError::FormTooLarge)?;
            if body.len() > FORM_LIMIT {
                return Err(AppError::FormTooLarge);
            }
            let form: T = serde_urlencoded::from_bytes(&body)
                .map_err(|_| AppError::bad_request("error.400.message"))?;
            // One scan of the pairs: the token, and what nobody should send in any field.
            let mut csrf = String::new();
            for (name, value) in url::form_urlencoded::parse(&body) {
                if name == "csrf" {
                    csrf = value.into_owned();
                } else if text::unusable_character(&value).is_some() {
                    return Err(AppError::bad_request("field.unusable_characters"));
                } else if text::contains_individual_number(&value) {
                    return Err(AppError::bad_request("field.individual_number"));
                }
            }
            Ok(CsrfForm(Posted::checked(form, &session, &csrf)))
        })
    }
}

/// A multipart form that carries its token in a `csrf` field.
pub trait CarriesCsrf {
    fn csrf(&self) -> &str;
}

/// A `multipart/form-data` form of type `T` (uploads), its token checked once the body is read.
pub struct CsrfMultipart<T>(pub Posted<T>);

impl<T: MultipartCollect + CarriesCsrf + 'static> FromRequest for CsrfMultipart<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let form = MultipartForm::<T>::from_request(req, payload);
        Box::pin(async move {
            let MultipartForm(form) = form.await?;
            let csrf = form.csrf().to_string();
            Ok(CsrfMultipart(Posted::checked(form, &session, &csrf)))
        })
    }
}
