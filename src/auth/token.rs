//! Random bearer tokens (setup links, later case links and confirmation links) and their digests.
//! Only digests are stored, so a database leak does not hand out working links.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// 32 random bytes, URL-safe base64 (43 characters).
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A private case link: the id of its case, so that the case is found by its primary key, and a
/// random token. Neither part alone opens the case.
pub fn case_link(case_id: &str) -> String {
    format!("{case_id}{ID_SEPARATOR}{}", generate())
}

/// Between the id a token names and its secret: not in URL-safe base64 nor in a UUID.
const ID_SEPARATOR: char = '.';

/// The case id a link from [`case_link`] names; `None` for links issued before links named cases.
pub fn case_named_by(link: &str) -> Option<&str> {
    link.split_once(ID_SEPARATOR)
        .map(|(case_id, _)| case_id)
        .filter(|case_id| !case_id.is_empty())
}

/// A browser's draft token once its draft is stored: the row's id, so that the draft is found by
/// its primary key, and the random secret the browser was given before the first save.
pub fn draft_token(id: i32, secret: &str) -> String {
    format!("{id}{ID_SEPARATOR}{secret}")
}

/// The row id a draft token names (none before the draft's first save, and in tokens issued
/// before tokens named their row) and its secret.
pub fn draft_token_parts(token: &str) -> (Option<i32>, &str) {
    match token.split_once(ID_SEPARATOR) {
        Some((id, secret)) if !secret.is_empty() => match id.parse() {
            Ok(id) => (Some(id), secret),
            Err(_) => (None, token),
        },
        _ => (None, token),
    }
}

pub fn digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Lower-case hexadecimal; a digest is formatted on every request that carries a token, where
/// a `format!` per byte showed in profiles.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_digests_stable() {
        let a = generate();
        assert_eq!(a.len(), 43);
        assert_ne!(a, generate());
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
    }

    #[test]
    fn case_links_name_their_case_and_older_links_none() {
        let case_id = "019ae3f0-5c1e-7b3a-9f00-0123456789ab";
        let link = case_link(case_id);
        assert_eq!(case_named_by(&link), Some(case_id));
        assert_ne!(link, case_link(case_id));
        assert!(
            link.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)),
            "a link is one URL path segment: {link}"
        );
        assert_eq!(case_named_by(&generate()), None);
        assert_eq!(case_named_by(".abc"), None);
    }

    #[test]
    fn draft_tokens_name_their_row_once_stored() {
        let secret = generate();
        assert_eq!(draft_token_parts(&secret), (None, secret.as_str()));
        let named = draft_token(42, &secret);
        assert_eq!(draft_token_parts(&named), (Some(42), secret.as_str()));
        assert_eq!(draft_token_parts("x.abc"), (None, "x.abc"));
        assert_eq!(draft_token_parts("42."), (None, "42."));
    }
}
