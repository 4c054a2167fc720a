//! Keyed hashes that let staff find a case by the requester's exact e-mail address or name
//! without decrypting every row, and without the stored value revealing either to someone who
//! reads the database (an unkeyed hash of an e-mail address is easily reversed by guessing).

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

#[derive(Clone)]
pub struct IndexKey([u8; 32]);

impl IndexKey {
    /// Derived from the master key, so operators have one secret to keep; the label keeps the
    /// two uses apart.
    pub fn derive(master: &[u8; 32]) -> IndexKey {
        let mut hasher = Sha256::new();
        hasher.update(b"madoguchi search index v1");
        hasher.update(master);
        IndexKey(hasher.finalize().into())
    }

    pub fn email(&self, email: &str) -> String {
        self.digest("email", &normalise_email(email))
    }

    pub fn name(&self, name: &str) -> String {
        self.digest("name", &normalise_name(name))
    }

    fn digest(&self, field: &str, value: &str) -> String {
        let Ok(mut mac) = HmacSha256::new_from_slice(&self.0) else {
            // HMAC accepts keys of any length; this branch cannot be taken.
            return String::new();
        };
        mac.update(field.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        crate::auth::token::hex(&mac.finalize().into_bytes())
    }
}

pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Names are compared without spaces of either width, so 「山田 花子」「山田　花子」「山田花子」 match.
pub fn normalise_name(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_inputs_match_and_keys_matter() {
        let key = IndexKey::derive(&[1; 32]);
        assert_eq!(
            key.email(" Hanako@Example.JP "),
            key.email("hanako@example.jp")
        );
        assert_eq!(key.name("山田　花子"), key.name("山田 花子"));
        assert_eq!(key.name("山田花子"), key.name(" 山田 花子 "));
        assert_ne!(
            key.email("hanako@example.jp"),
            key.name("hanako@example.jp"),
            "fields are separated"
        );
        assert_ne!(
            key.email("a@example.jp"),
            IndexKey::derive(&[2; 32]).email("a@example.jp")
        );
        assert_eq!(key.email("a@example.jp").len(), 64);
    }
}
