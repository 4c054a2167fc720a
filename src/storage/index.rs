//! Keyed hashes that let staff find a case by the requester's exact e-mail address, or by a name
//! (the person's or the agent's, written or read in kana), without decrypting every row, and
//! without the stored value revealing any of them to someone who reads the database (an unkeyed
//! hash of an e-mail address or a name is easily reversed by guessing).

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

/// Names and their kana readings are compared as one form, so that what a clerk types finds what
/// the requester typed: NFKC (half-width ｶﾀｶﾅ and full-width ＡＢＣ to their usual width), hiragana as
/// katakana, no spaces of either width, lower case. 「山田 花子」「山田　花子」「山田花子」 match, and
/// 「ヤマダ ハナコ」「やまだはなこ」「ﾔﾏﾀﾞ ﾊﾅｺ」 match.
pub fn normalise_name(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfkc()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            // The hiragana block sits 0x60 below its katakana twins (ぁ..ゖ → ァ..ヶ).
            'ぁ'..='ゖ' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            other => other,
        })
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

    #[test]
    fn a_reading_matches_in_katakana_or_hiragana_of_either_width() {
        let key = IndexKey::derive(&[1; 32]);
        let reading = key.name("ヤマダ ハナコ");
        for typed in [
            "やまだ はなこ",
            "やまだはなこ",
            "ﾔﾏﾀﾞ ﾊﾅｺ",
            "ヤマダ　ハナコ",
            "ﾔﾏﾀﾞﾊﾅｺ",
        ] {
            assert_eq!(key.name(typed), reading, "{typed}");
        }
        assert_eq!(
            key.name("ガッコウ"),
            key.name("ｶﾞｯｺｳ"),
            "voiced marks compose"
        );
        assert_ne!(key.name("ヤマダ ハナコ"), key.name("ヤマダ ハナ"));
        assert_eq!(key.name("ＹＡＭＡＤＡ Hanako"), key.name("yamada hanako"));
    }
}
