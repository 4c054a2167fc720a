//! Argon2id password hashes in PHC string form. Verification reads the parameters from the stored
//! hash, so the cost can be raised later without invalidating existing accounts.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
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
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(password.as_bytes())
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
}
