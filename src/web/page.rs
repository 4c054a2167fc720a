//! What every page needs: the language, the current path (for the language switch), the CSRF
//! token for its forms, and who is signed in.

use actix_session::SessionExt;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse};
use askama::Template;
use std::future::{Ready, ready};
use std::sync::{Arc, OnceLock};

use super::error::{AppError, complete_page};
use crate::domain::role::Role;
use crate::i18n::Lang;

pub const LANG_COOKIE: &str = "lang";

#[derive(Debug, Clone)]
pub struct PageContext {
    pub lang: Lang,
    pub path: String,
    pub csrf: String,
    pub staff_name: Option<String>,
    /// The signed-in member of staff's role, once a staff extractor of this request has read it.
    role: RoleSlot,
}

/// Where a request's staff extractor leaves the role it read, for the page built in the same
/// request: the menu offers only the pages that role can open. Shared through the request's
/// extensions, so it does not matter which of the two extractors runs first.
#[derive(Debug, Clone, Default)]
pub struct RoleSlot(Arc<OnceLock<Role>>);

impl RoleSlot {
    pub fn of(req: &HttpRequest) -> RoleSlot {
        if let Some(slot) = req.extensions().get::<RoleSlot>() {
            return slot.clone();
        }
        let slot = RoleSlot::default();
        req.extensions_mut().insert(slot.clone());
        slot
    }

    pub fn set(&self, role: Role) {
        // A request has one signed-in member of staff: a second extractor finds the same role.
        let _ = self.0.set(role);
    }
}

impl PageContext {
    pub fn from_http_request(req: &HttpRequest) -> PageContext {
        let lang = req
            .cookie(LANG_COOKIE)
            .and_then(|c| Lang::from_code(c.value()))
            .unwrap_or_default();
        let csrf = super::csrf::token(&req.get_session());
        PageContext {
            lang,
            path: req.path().to_string(),
            csrf,
            staff_name: None,
            role: RoleSlot::of(req),
        }
    }

    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    /// A message whose key ends in a value, e.g. `request.content.ground.` + `leak`.
    pub fn t_in(&self, prefix: &str, value: &str) -> &'static str {
        self.lang.t(&format!("{prefix}{value}"))
    }

    /// Link that switches the language and comes back to this page.
    pub fn switch_href(&self) -> String {
        format!(
            "/lang/{}?next={}",
            self.lang.other().code(),
            encode_path(&self.path)
        )
    }

    pub fn with_staff(mut self, name: &str) -> PageContext {
        self.staff_name = Some(name.to_string());
        self
    }

    fn role_is(&self, roles: &[Role]) -> bool {
        self.role.0.get().is_some_and(|role| roles.contains(role))
    }

    /// The menu's case pages (queue, paper intake): staff and approvers.
    pub fn menu_cases(&self) -> bool {
        self.role_is(&[Role::Staff, Role::Approver])
    }

    /// The dashboard: approvers.
    pub fn menu_dashboard(&self) -> bool {
        self.role_is(&[Role::Approver])
    }

    /// The operator's settings: administrators.
    pub fn menu_admin(&self) -> bool {
        self.role_is(&[Role::Admin])
    }

    /// The audit log: auditors.
    pub fn menu_audit(&self) -> bool {
        self.role_is(&[Role::Auditor])
    }
}

impl FromRequest for PageContext {
    type Error = AppError;
    type Future = Ready<Result<PageContext, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(PageContext::from_http_request(req)))
    }
}

/// Renders a template with a status. Non-200 pages (a form re-shown with 422) are marked complete
/// so the error-page handler keeps them.
pub fn render<T: Template>(status: StatusCode, template: &T) -> Result<HttpResponse, AppError> {
    let body = template.render()?;
    Ok(complete_page(status, body))
}

pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .finish()
}

/// Only paths on this site may be redirect targets, so links cannot bounce people elsewhere. The
/// target is resolved the way a browser resolves a `Location` (a WHATWG URL parser, which drops
/// tabs and newlines and reads `\\` as `/`) against a placeholder origin; anything that leaves
/// that origin falls back. What comes back is the parsed path and query, percent-encoded, so
/// it is always a valid header value.
pub fn safe_next(next: Option<&str>, fallback: &str) -> String {
    let Ok(here) = url::Url::parse("https://madoguchi.invalid/") else {
        return fallback.to_string();
    };
    let resolved = next
        .filter(|p| p.starts_with('/'))
        .and_then(|p| here.join(p).ok());
    match resolved {
        Some(url) if url.origin() == here.origin() => match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        },
        _ => fallback.to_string(),
    }
}

fn encode_path(path: &str) -> String {
    use std::fmt::Write;
    // Every page links the other language with its own path; written into one buffer.
    let mut encoded = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                encoded.push(b as char)
            }
            other => {
                let _ = write!(encoded, "%{other:02X}");
            }
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_targets_stay_on_this_site() {
        assert_eq!(safe_next(Some("/staff"), "/"), "/staff");
        assert_eq!(safe_next(Some("//evil.example"), "/"), "/");
        assert_eq!(safe_next(Some("https://evil.example"), "/"), "/");
        assert_eq!(safe_next(Some("/\\evil"), "/"), "/");
        assert_eq!(safe_next(None, "/x"), "/x");
        // Browsers drop tabs and newlines before resolving: "/\t/evil.example" is "//evil.example".
        for hostile in [
            "/\t/evil.example/x",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "\t//evil.example",
            "/\\/evil.example",
            "https:/evil.example",
        ] {
            assert_eq!(safe_next(Some(hostile), "/"), "/", "{hostile:?}");
        }
        // Control characters never reach a header: they are encoded or dropped.
        for odd in ["/staff\0x", "/a\x7fb", "/a\x0bb\x0cc\x1bd"] {
            let target = safe_next(Some(odd), "/");
            assert!(
                target.starts_with('/') && target.bytes().all(|b| b.is_ascii_graphic()),
                "{target:?}"
            );
        }
        assert_eq!(
            safe_next(Some("/staff/cases?page=2"), "/"),
            "/staff/cases?page=2"
        );
    }

    #[test]
    fn paths_are_encoded_for_the_next_parameter() {
        assert_eq!(encode_path("/setup/a b&c"), "/setup/a%20b%26c");
    }
}
