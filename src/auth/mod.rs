//! Credentials: password hashing and one-time tokens.

pub mod password;
pub mod token;
pub mod totp;
