//! Argon2id password hashes in PHC string form. Verification reads the parameters from the stored
//! hash, so the cost can be raised later without invalidating existing accounts.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 128;

/// Hashing cost. `Standard` is Argon2id's recommended default (19 MiB, 2 passes); `Fast` exists for
/// test suites that create many accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cost {
    Standard,
    Fast,
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

pub fn hash(password: &str, cost: Cost) -> Result<String, HashError> {
    let params = match cost {
        Cost::Standard => Params::default(),
        Cost::Fast => Params::new(1024, 1, 1, None).map_err(|e| HashError(e.to_string()))?,
    };
    let salt = SaltString::generate(&mut OsRng);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// False for a wrong password and for a malformed stored hash alike.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of a random password, to spend the same time when an account does not exist and so
/// not reveal which e-mail addresses have accounts.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash(&super::token::generate(), Cost::Standard).unwrap_or_default())
}

/// Passwords people choose most often (12 characters or longer, lower-cased, sorted): the part of
/// the SecLists "10 million passwords, top 1 million" list that our length rule lets through
/// (CC BY-SA 3.0; docs/security.md). NIST SP 800-63B §5.1.1.2 asks to refuse them.
const COMMON: &str = include_str!("common_passwords.txt");

/// Why a new password is refused, beyond its length: it is on the list of common passwords, is
/// one character repeated, or contains the account's e-mail name.
pub fn weakness(password: &str, email: &str) -> Option<&'static str> {
    let lowered = password.to_lowercase();
    if COMMON
        .lines()
        .collect::<Vec<_>>()
        .binary_search(&lowered.as_str())
        .is_ok()
    {
        return Some("password_common");
    }
    let mut chars = lowered.chars();
    if let Some(first) = chars.next()
        && chars.all(|c| c == first)
    {
        return Some("password_common");
    }
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    if local.chars().count() >= 4 && lowered.contains(&local) {
        return Some("password_personal");
    }
    None
}

/// Generates a password for `staff add` when the operator does not supply one.
pub fn generate() -> String {
    super::token::generate()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_password() {
        let stored = hash("correct horse battery", Cost::Fast).unwrap();
        assert!(stored.starts_with("$argon2id$v=19$"));
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("correct horse batterY", &stored));
        assert!(!verify("anything", "not a phc string"));
    }

    #[test]
    fn common_and_personal_passwords_are_refused() {
        assert_eq!(weakness("qwerty123456", "a@x.jp"), Some("password_common"));
        assert_eq!(weakness("QWERTY123456", "a@x.jp"), Some("password_common"));
        assert_eq!(weakness("zzzzzzzzzzzz", "a@x.jp"), Some("password_common"));
        assert_eq!(
            weakness("tanaka-hanako-2026", "hanako@x.jp"),
            Some("password_personal")
        );
        assert_eq!(weakness("correct horse battery staple", "a@x.jp"), None);
        let list: Vec<&str> = COMMON.lines().collect();
        assert!(
            list.windows(2).all(|w| w[0] < w[1]),
            "sorted for binary search"
        );
    }
}
