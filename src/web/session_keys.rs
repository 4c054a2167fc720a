//! Changing the session key without signing everybody out (docs/operations.md §8). The cookie
//! store seals the whole session (a requester's draft token, a staff session token, the CSRF
//! token) under one key. In front of it, [`accept_other_keys`] opens a cookie sealed under one of
//! the other keys an instance knows (the previous key, or the next one before it takes over),
//! seals it again under the current key for the store, and marks the request; behind it,
//! [`reissue_marked`] renews such a session, so the response carries the cookie under the current
//! key and the browser leaves the old key behind. A cookie under no known key is no session.

use actix_session::SessionExt;
use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, CookieJar, Key};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{COOKIE, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};

/// The session cookie's name.
pub const COOKIE_NAME: &str = "madoguchi";

/// The key new cookies are sealed under, and the others cookies are still read under.
pub struct SessionKeyring {
    pub current: Key,
    pub others: Vec<Key>,
}

/// Marks a request whose cookie was sealed under another key.
#[derive(Clone, Copy)]
struct Reissue;

impl SessionKeyring {
    /// The cookie value (as sent) sealed again under the current key, when it is sealed under
    /// one of the other keys; None when the current key opens it, or no key does.
    pub fn reseal(&self, value: &str) -> Option<String> {
        if open(&self.current, value).is_some() {
            return None;
        }
        let content = self.others.iter().find_map(|key| open(key, value))?;
        Some(seal(&self.current, content))
    }
}

/// What `key` opens of a cookie value (authenticated decryption, the cookie's name bound in).
pub fn open(key: &Key, value: &str) -> Option<String> {
    let mut jar = CookieJar::new();
    jar.add_original(Cookie::new(COOKIE_NAME, value.to_string()));
    jar.private(key)
        .get(COOKIE_NAME)
        .map(|c| c.value().to_string())
}

/// `content` sealed under `key`, as the cookie store seals it.
pub fn seal(key: &Key, content: String) -> String {
    let mut jar = CookieJar::new();
    jar.private_mut(key).add(Cookie::new(COOKIE_NAME, content));
    jar.get(COOKIE_NAME)
        .map(|c| c.value().to_string())
        .unwrap_or_default()
}

/// Runs in front of the session middleware: a cookie under another known key reaches it sealed
/// under the current key, and the request is marked for [`reissue_marked`].
pub async fn accept_other_keys(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let resealed = req
        .app_data::<web::Data<SessionKeyring>>()
        .filter(|keyring| !keyring.others.is_empty())
        .and_then(|keyring| resealed_header(keyring, &req));
    if let Some(header) = resealed {
        req.headers_mut().insert(COOKIE, header);
        req.extensions_mut().insert(Reissue);
    }
    next.call(req).await
}

/// The request's cookies in one header, the session cookie resealed; None when nothing changes.
/// Read from the raw headers: the session middleware parses them after this.
fn resealed_header(keyring: &SessionKeyring, req: &ServiceRequest) -> Option<HeaderValue> {
    let mut changed = false;
    let mut pairs = Vec::new();
    for header in req.headers().get_all(COOKIE) {
        for pair in header.to_str().ok()?.split(';').map(str::trim) {
            // Sent percent-encoded, as the session layer sets it (and decodes it).
            let ours = Cookie::parse_encoded(pair)
                .ok()
                .filter(|c| c.name() == COOKIE_NAME);
            match ours {
                Some(cookie) if !changed => match keyring.reseal(cookie.value()) {
                    Some(resealed) => {
                        changed = true;
                        pairs.push(format!("{COOKIE_NAME}={resealed}"));
                    }
                    None => pairs.push(pair.to_string()),
                },
                _ => pairs.push(pair.to_string()),
            }
        }
    }
    if !changed {
        return None;
    }
    HeaderValue::from_str(&pairs.join("; ")).ok()
}

/// Runs behind the session middleware: a session whose cookie came under another key is renewed,
/// so the response seals it under the current key (its content is unchanged).
pub async fn reissue_marked(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.extensions().get::<Reissue>().is_some() {
        req.get_session().renew();
    }
    next.call(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_under_another_key_is_resealed_under_the_current_one() {
        let (old, new, stranger) = (Key::generate(), Key::generate(), Key::generate());
        let ring = SessionKeyring {
            current: new.clone(),
            others: vec![old.clone()],
        };
        let under_old = seal(&old, r#"{"draft":"\"abc\""}"#.into());
        let resealed = ring.reseal(&under_old).expect("resealed");
        assert_eq!(
            open(&new, &resealed).as_deref(),
            Some(r#"{"draft":"\"abc\""}"#)
        );
        assert_eq!(open(&old, &resealed), None);
        assert_eq!(
            ring.reseal(&resealed),
            None,
            "already under the current key"
        );
        assert_eq!(ring.reseal(&seal(&stranger, "{}".into())), None);
        assert_eq!(ring.reseal("not a sealed value"), None);
    }
}
