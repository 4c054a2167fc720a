//! The office values an administrator types or confirms (docs/operators.md): the help desk's
//! phone, freephone, mail address, web form and postal address, where originals are posted, and a
//! "確認した" box for each value still marked "to confirm". A value typed differently from the
//! profile's, or confirmed as it stands, becomes [`Provenance::ConfirmedByOperator`] and from then
//! on is shown to the public.
//!
//! [`Provenance::ConfirmedByOperator`]: crate::domain::provenance::Provenance

use serde::{Deserialize, Serialize};

use crate::domain::office::{Office, PostalAddress};
use crate::domain::provenance::Sourced;
use crate::domain::text::Bilingual;

pub const CONTACT_MAX_CHARS: usize = 200;

/// The typed office values, whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OfficeAdjustments {
    pub phone: String,
    pub freephone: String,
    pub email: String,
    pub web_form: String,
    pub postal_postcode: String,
    pub postal_ja: String,
    pub postal_en: String,
    pub originals_postcode: String,
    pub originals_ja: String,
    pub originals_en: String,
    /// Names of values ([`crate::domain::office::OfficeLine::field`]) confirmed as they stand.
    pub confirmed: Vec<String>,
}

/// The text fields of the form, in the order shown.
pub const TEXT_FIELDS: [&str; 10] = [
    "phone",
    "freephone",
    "email",
    "web_form",
    "postal_postcode",
    "postal_ja",
    "postal_en",
    "originals_postcode",
    "originals_ja",
    "originals_en",
];

fn address_parts(a: &Option<PostalAddress>) -> (String, String, String) {
    a.as_ref().map_or_else(Default::default, |a| {
        (
            a.postcode.clone(),
            a.lines.ja.to_string(),
            a.lines.en.to_string(),
        )
    })
}

impl OfficeAdjustments {
    pub fn of(office: &Office) -> OfficeAdjustments {
        let c = &office.contact;
        let (postal_postcode, postal_ja, postal_en) = address_parts(&c.postal.value);
        let (originals_postcode, originals_ja, originals_en) =
            address_parts(&office.originals_to.value);
        OfficeAdjustments {
            phone: c.phone.value.clone().unwrap_or_default(),
            freephone: c.freephone.value.clone().unwrap_or_default(),
            email: c.email.value.clone().unwrap_or_default(),
            web_form: c.web_form.value.clone().unwrap_or_default(),
            postal_postcode,
            postal_ja,
            postal_en,
            originals_postcode,
            originals_ja,
            originals_en,
            confirmed: Vec::new(),
        }
    }

    pub fn get(&self, field: &str) -> &str {
        match field {
            "phone" => &self.phone,
            "freephone" => &self.freephone,
            "email" => &self.email,
            "web_form" => &self.web_form,
            "postal_postcode" => &self.postal_postcode,
            "postal_ja" => &self.postal_ja,
            "postal_en" => &self.postal_en,
            "originals_postcode" => &self.originals_postcode,
            "originals_ja" => &self.originals_ja,
            "originals_en" => &self.originals_en,
            _ => "",
        }
    }

    fn is_confirmed(&self, field: &str) -> bool {
        self.confirmed.iter().any(|f| f == field)
    }

    /// `office` with these values: what differs, or is confirmed, becomes the operator's.
    pub fn apply(&self, office: &mut Office) {
        let c = &mut office.contact;
        settle_text(&mut c.phone, &self.phone, self.is_confirmed("phone"));
        settle_text(
            &mut c.freephone,
            &self.freephone,
            self.is_confirmed("freephone"),
        );
        settle_text(&mut c.email, &self.email, self.is_confirmed("email"));
        settle_text(
            &mut c.web_form,
            &self.web_form,
            self.is_confirmed("web_form"),
        );
        let desk = c.desk.value.clone();
        settle_address(
            &mut c.postal,
            (&self.postal_postcode, &self.postal_ja, &self.postal_en),
            &desk,
            self.is_confirmed("postal"),
        );
        settle_address(
            &mut office.originals_to,
            (
                &self.originals_postcode,
                &self.originals_ja,
                &self.originals_en,
            ),
            &desk,
            self.is_confirmed("originals_to"),
        );
        for (field, confirm) in [
            ("organisation", &mut office.organisation as &mut dyn Confirm),
            ("representative", &mut office.representative),
            ("department", &mut office.department),
            ("desk", &mut office.contact.desk),
        ] {
            if self.is_confirmed(field) {
                confirm.confirm();
            }
        }
    }
}

/// Confirming a value as it stands, whatever its type.
pub trait Confirm {
    fn confirm(&mut self);
}

impl<T: Clone> Confirm for Sourced<T> {
    fn confirm(&mut self) {
        if !self.is_confirmed() {
            *self = Sourced::confirmed(self.value.clone());
        }
    }
}

fn settle_text(value: &mut Sourced<Option<String>>, typed: &str, confirm: bool) {
    let typed = (!typed.is_empty()).then(|| typed.to_string());
    if typed != value.value {
        *value = Sourced::confirmed(typed);
    } else if confirm {
        value.confirm();
    }
}

fn settle_address(
    value: &mut Sourced<Option<PostalAddress>>,
    (postcode, ja, en): (&str, &str, &str),
    desk: &Bilingual,
    confirm: bool,
) {
    let (now_postcode, now_ja, now_en) = address_parts(&value.value);
    if (postcode, ja, en) == (now_postcode.as_str(), now_ja.as_str(), now_en.as_str()) {
        if confirm {
            value.confirm();
        }
        return;
    }
    let typed = (!ja.is_empty()).then(|| PostalAddress {
        postcode: postcode.to_string(),
        lines: Bilingual::owned(
            ja.to_string(),
            if en.is_empty() { ja } else { en }.to_string(),
        ),
        attention: value
            .value
            .as_ref()
            .map_or_else(|| desk.clone(), |a| a.attention.clone()),
    });
    *value = Sourced::confirmed(typed);
}

/// What is wrong with a typed office value, if anything: its message code.
pub fn problem(field: &str, value: &str) -> Option<&'static str> {
    if value.chars().count() > CONTACT_MAX_CHARS {
        return Some("too_long");
    }
    if value.is_empty() {
        return None;
    }
    match field {
        "email" if !looks_like_email(value) => Some("not_an_email"),
        "web_form" if !(value.starts_with("https://") || value.starts_with("http://")) => {
            Some("not_a_web_address")
        }
        "postal_postcode" | "originals_postcode" if !is_postcode(value) => Some("not_a_postcode"),
        "phone" | "freephone" if !value.chars().any(|c| c.is_ascii_digit()) => Some("not_a_phone"),
        _ => None,
    }
}

fn looks_like_email(value: &str) -> bool {
    let mut parts = value.split('@');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(local), Some(domain), None)
            if !local.is_empty() && domain.contains('.') && !value.contains(char::is_whitespace)
    )
}

/// `123-4567`.
fn is_postcode(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 8
        && b[3] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 3 || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::office_seeds;
    use crate::domain::provenance::Provenance;

    #[test]
    fn unchanged_values_keep_their_source_and_typed_ones_become_confirmed() {
        let seeded = office_seeds::kanagawa();
        let mut office = seeded.clone();
        OfficeAdjustments::of(&seeded).apply(&mut office);
        assert_eq!(office, seeded);

        let mut typed = OfficeAdjustments::of(&seeded);
        typed.originals_postcode = "231-8588".into();
        typed.email = "mebyo@example.jp".into();
        typed.confirmed = vec!["freephone".into()];
        typed.apply(&mut office);
        assert_eq!(office.contact.phone, seeded.contact.phone);
        assert_eq!(
            office.contact.email.provenance,
            Provenance::ConfirmedByOperator
        );
        assert!(
            office
                .public_originals_to()
                .unwrap()
                .ja
                .starts_with("〒231-8588 ")
        );
        // Confirming an empty value says "we have none": it is no longer a placeholder.
        assert!(office.contact.freephone.is_confirmed());
        assert_eq!(office.contact.freephone.value, None);
    }

    #[test]
    fn typed_values_are_checked() {
        assert_eq!(problem("email", "mebyo.example.jp"), Some("not_an_email"));
        assert_eq!(problem("email", "a@b.jp"), None);
        assert_eq!(
            problem("web_form", "www.example.jp"),
            Some("not_a_web_address")
        );
        assert_eq!(
            problem("postal_postcode", "2318588"),
            Some("not_a_postcode")
        );
        assert_eq!(problem("postal_postcode", "231-8588"), None);
        assert_eq!(problem("phone", "なし"), Some("not_a_phone"));
        assert_eq!(problem("phone", ""), None);
    }
}
