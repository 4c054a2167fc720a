//! Time-based one-time codes (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps — what every
//! authenticator app reads from an `otpauth://` link) and the recovery codes that stand in for a
//! lost phone. A code is accepted one step either side of now (clock drift), and a step once used
//! is refused afterwards (the caller stores the step [`verify`] returns).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Secret, TOTP};

const DIGITS: usize = 6;
const STEP_SECONDS: u64 = 30;
/// RFC 4226 recommends 160 bits.
const SECRET_BYTES: usize = 20;
pub const RECOVERY_CODES: usize = 10;

/// A new random secret.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_BYTES];
    rand::rng().fill_bytes(&mut secret);
    secret
}

/// The secret as people type it into an app (base32, grouped by four).
pub fn typed_form(secret: &[u8]) -> String {
    let Secret::Encoded(encoded) = Secret::Raw(secret.to_vec()).to_encoded() else {
        return String::new();
    };
    encoded
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn totp(secret: &[u8]) -> Option<TOTP> {
    TOTP::new(Algorithm::SHA1, DIGITS, 1, STEP_SECONDS, secret.to_vec()).ok()
}

/// The `otpauth://` link an authenticator app reads from the QR code.
pub fn otpauth_link(secret: &[u8], issuer: &str, account: &str) -> String {
    let Secret::Encoded(encoded) = Secret::Raw(secret.to_vec()).to_encoded() else {
        return String::new();
    };
    // A colon separates issuer and account in the label, so neither may hold one.
    let issuer = issuer.replace(':', " ");
    let account = account.replace(':', " ");
    let label: String =
        url::form_urlencoded::byte_serialize(format!("{issuer}:{account}").as_bytes())
            .collect::<String>()
            .replace('+', "%20");
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("secret", &encoded)
        .append_pair("issuer", &issuer)
        .append_pair("algorithm", "SHA1")
        .append_pair("digits", "6")
        .append_pair("period", "30")
        .finish()
        .replace('+', "%20");
    format!("otpauth://totp/{label}?{query}")
}

/// The QR code of `link` as an SVG element, drawn without any image library.
pub fn qr_svg(link: &str) -> String {
    match qrcode::QrCode::new(link.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(200, 200)
                .quiet_zone(true)
                .build();
            // Inline in an HTML page, the XML declaration has no place.
            match svg.find("<svg") {
                Some(start) => svg[start..].to_string(),
                None => svg,
            }
        }
        Err(_) => String::new(),
    }
}

/// The time step a valid `code` belongs to, when it is valid at `unix_seconds` (±1 step) and
/// later than `last_used_step`; None otherwise.
pub fn verify(
    secret: &[u8],
    code: &str,
    unix_seconds: i64,
    last_used_step: Option<i64>,
) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret)?;
    let now_step = unix_seconds.max(0) / STEP_SECONDS as i64;
    let mut matched = None;
    // Every candidate is computed and compared, so the time taken does not say which matched.
    for step in [now_step - 1, now_step, now_step + 1] {
        if step < 0 {
            continue;
        }
        let expected = totp.generate(step as u64 * STEP_SECONDS);
        let same: bool = expected.as_bytes().ct_eq(code.as_bytes()).into();
        if same && last_used_step.is_none_or(|last| step > last) {
            matched = Some(step);
        }
    }
    matched
}

/// The code an app would show at `unix_seconds` (tests and the setup page's check).
pub fn code_at(secret: &[u8], unix_seconds: i64) -> String {
    totp(secret)
        .map(|t| t.generate(unix_seconds.max(0) as u64))
        .unwrap_or_default()
}

/// Ten new recovery codes, each `xxxxx-xxxxx` from an alphabet without look-alike characters
/// (about 50 bits each: enough for a code that works once and is rate limited with sign-in).
pub fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut code = String::with_capacity(11);
            for i in 0..10 {
                if i == 5 {
                    code.push('-');
                }
                let pick = (rng.next_u32() as usize) % ALPHABET.len();
                code.push(char::from(ALPHABET[pick]));
            }
            code
        })
        .collect()
}

/// A recovery code as typed (any case, with or without its hyphen or spaces), normalised.
pub fn normalise_recovery_code(typed: &str) -> String {
    let compact: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if compact.len() == 10 {
        format!("{}-{}", &compact[..5], &compact[5..])
    } else {
        compact
    }
}

/// Sealed secrets are stored as text.
pub fn encode_sealed(sealed: &[u8]) -> String {
    STANDARD.encode(sealed)
}

pub fn decode_sealed(text: &str) -> Option<Vec<u8>> {
    STANDARD.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1, truncated to six digits.
    #[test]
    fn matches_the_rfc_test_vectors() {
        let secret = b"12345678901234567890";
        assert_eq!(code_at(secret, 59), "287082");
        assert_eq!(code_at(secret, 1_111_111_109), "081804");
        assert_eq!(code_at(secret, 2_000_000_000), "279037");
    }

    #[test]
    fn accepts_one_step_of_drift_and_never_the_same_step_twice() {
        let secret = new_secret();
        let now = 1_800_000_000;
        let code = code_at(&secret, now);
        let step = verify(&secret, &code, now, None).expect("current code");
        assert_eq!(verify(&secret, &code, now, Some(step)), None, "replayed");
        let previous = code_at(&secret, now - 30);
        assert!(verify(&secret, &previous, now, None).is_some(), "drift");
        let old = code_at(&secret, now - 90);
        assert_eq!(verify(&secret, &old, now, None), None, "too old");
        assert_eq!(verify(&secret, "12345", now, None), None);
        assert_eq!(verify(&secret, "abcdef", now, None), None);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(verify(&secret, &spaced, now, None).is_some());
    }

    #[test]
    fn recovery_codes_are_distinct_and_normalise() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let unique: std::collections::BTreeSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let code = &codes[0];
        assert_eq!(
            normalise_recovery_code(&code.to_uppercase().replace('-', " ")),
            *code
        );
    }

    #[test]
    fn the_link_names_issuer_and_account() {
        let link = otpauth_link(b"12345678901234567890", "窓口", "a@example.jp");
        assert!(link.starts_with("otpauth://totp/"));
        assert!(link.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
        assert!(qr_svg(&link).starts_with("<svg"));
    }
}
