//! Who the operator is and how the public reaches and pays it (docs/operators.md): the
//! organisation that decides (実施機関 or the business), who signs its letters, its help desk,
//! where fees are paid and where originals are posted. Each value carries its provenance, so a
//! default that no seed states is shown to administrators as "to confirm" and never to the
//! public as fact.

use serde::Serialize;

use crate::domain::provenance::Sourced;
use crate::domain::text::Bilingual;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Office {
    /// The body that decides and sends letters: a public body's 実施機関 (e.g. 神奈川県知事)
    /// or a business's legal name.
    pub organisation: Sourced<Bilingual>,
    /// The office-holder who signs letters for the organisation, where letters name one.
    pub representative: Sourced<Option<Bilingual>>,
    /// The department that handles requests (e.g. 地域医療課).
    pub department: Sourced<Option<Bilingual>>,
    pub contact: Contact,
    pub payment: PaymentDestinations,
    /// Where originals (住民票, 印鑑登録証明書, …) must be posted, when a kind needs them.
    pub originals_to: Sourced<Option<PostalAddress>>,
}

/// The help desk the public writes to or calls (e.g. J-MIMO's 相談センター).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub desk: Sourced<Bilingual>,
    pub postal: Sourced<Option<PostalAddress>>,
    pub phone: Sourced<Option<String>>,
    pub freephone: Sourced<Option<String>>,
    pub email: Sourced<Option<String>>,
    pub web_form: Sourced<Option<String>>,
    pub hours: Sourced<Bilingual>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PostalAddress {
    /// 〒 without the mark, e.g. "100-0013".
    pub postcode: String,
    pub lines: Bilingual,
    /// The addressee line on the envelope (e.g. 「○○センター 開示請求受付係」).
    pub attention: Bilingual,
}

/// Where and how fees are paid (seed 004: 現金書留 or bank transfer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentDestinations {
    pub bank_account: Sourced<Option<BankAccount>>,
    /// The address for 現金書留 (cash by registered post).
    pub registered_cash_to: Sourced<Option<PostalAddress>>,
    /// Whether 収入印紙 (revenue stamps) are taken: the national bodies' way under Art. 89.
    pub revenue_stamps: Sourced<bool>,
    /// Who bears the transfer charge, etc.
    pub note: Sourced<Option<Bilingual>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BankAccount {
    pub bank: String,
    pub branch: String,
    /// 普通 or 当座.
    pub account_type: Bilingual,
    pub number: String,
    /// The holder's name as the bank shows it (katakana).
    pub holder: String,
}

impl Office {
    /// An office whose every value is a neutral default for the operator to confirm.
    pub fn to_confirm(organisation: Bilingual, hours: Bilingual) -> Office {
        Office {
            organisation: Sourced::to_confirm(organisation),
            representative: Sourced::to_confirm(None),
            department: Sourced::to_confirm(None),
            contact: Contact {
                desk: Sourced::to_confirm(Bilingual::fixed("お問い合わせ窓口", "Help desk")),
                postal: Sourced::to_confirm(None),
                phone: Sourced::to_confirm(None),
                freephone: Sourced::to_confirm(None),
                email: Sourced::to_confirm(None),
                web_form: Sourced::to_confirm(None),
                hours: Sourced::to_confirm(hours),
            },
            payment: PaymentDestinations {
                bank_account: Sourced::to_confirm(None),
                registered_cash_to: Sourced::to_confirm(None),
                revenue_stamps: Sourced::to_confirm(false),
                note: Sourced::to_confirm(None),
            },
            originals_to: Sourced::to_confirm(None),
        }
    }
}

/// Said instead of hours the operator has not confirmed.
pub const NEUTRAL_HOURS: Bilingual = Bilingual::fixed(
    "受付時間は窓口にお問い合わせください",
    "Please ask the help desk for its hours",
);

impl PostalAddress {
    /// One line as printed on a page or in a mail: 〒, address, addressee.
    pub fn one_line(&self) -> Bilingual {
        let postcode = if self.postcode.is_empty() {
            String::new()
        } else {
            format!("〒{} ", self.postcode)
        };
        let with = |lines: &str, attention: &str| {
            if attention.is_empty() {
                format!("{postcode}{lines}")
            } else {
                format!("{postcode}{lines} {attention}")
            }
        };
        Bilingual::owned(
            with(&self.lines.ja, &self.attention.ja),
            with(&self.lines.en, &self.attention.en),
        )
    }
}

/// One value of the office, named for pages and the administrator's table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfficeLine {
    /// A stable name (`phone`, `hours`, …): the form field and the page element id.
    pub field: &'static str,
    pub label: Bilingual,
    pub value: Bilingual,
    pub confirmed: bool,
    pub source: Bilingual,
}

fn line<T>(
    field: &'static str,
    label: Bilingual,
    sourced: &Sourced<T>,
    show: impl Fn(&T) -> Option<Bilingual>,
) -> Option<OfficeLine> {
    show(&sourced.value).map(|value| OfficeLine {
        field,
        label,
        value,
        confirmed: sourced.is_confirmed(),
        source: sourced.source_text(),
    })
}

fn text(value: &Option<String>) -> Option<Bilingual> {
    value
        .as_ref()
        .filter(|v| !v.is_empty())
        .map(|v| Bilingual::owned(v.clone(), v.clone()))
}

fn address(value: &Option<PostalAddress>) -> Option<Bilingual> {
    value.as_ref().map(PostalAddress::one_line)
}

fn bilingual(value: &Option<Bilingual>) -> Option<Bilingual> {
    value.clone().filter(|v| !v.ja.is_empty())
}

impl Office {
    /// Every value but payment (that is the fees' side), each with where it comes from: the
    /// administrator's view, "to confirm" values included and marked.
    pub fn lines(&self) -> Vec<OfficeLine> {
        let c = &self.contact;
        [
            line(
                "organisation",
                Bilingual::fixed("実施機関・事業者", "Organisation"),
                &self.organisation,
                |v| Some(v.clone()),
            ),
            line(
                "representative",
                Bilingual::fixed("代表者（文書の名義人）", "Representative (signs letters)"),
                &self.representative,
                bilingual,
            ),
            line(
                "department",
                Bilingual::fixed("担当部署", "Department"),
                &self.department,
                bilingual,
            ),
            line(
                "desk",
                Bilingual::fixed("窓口", "Help desk"),
                &c.desk,
                |v| Some(v.clone()),
            ),
            line(
                "postal",
                Bilingual::fixed("所在地", "Address"),
                &c.postal,
                address,
            ),
            line("phone", Bilingual::fixed("電話", "Phone"), &c.phone, text),
            line(
                "freephone",
                Bilingual::fixed("フリーダイヤル", "Freephone"),
                &c.freephone,
                text,
            ),
            line("email", Bilingual::fixed("メール", "Email"), &c.email, text),
            line(
                "web_form",
                Bilingual::fixed("問い合わせフォーム", "Web form"),
                &c.web_form,
                text,
            ),
            line(
                "hours",
                Bilingual::fixed("受付時間", "Office hours"),
                &c.hours,
                |v| Some(v.clone()),
            ),
            line(
                "originals_to",
                Bilingual::fixed("原本の送付先", "Where originals are posted"),
                &self.originals_to,
                address,
            ),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// What the public is shown of the help desk: confirmed values only, in a fixed order; hours
    /// still to confirm become a neutral statement rather than a guess.
    pub fn public_contact(&self) -> Vec<OfficeLine> {
        let mut lines: Vec<OfficeLine> = self
            .lines()
            .into_iter()
            .filter(|l| l.confirmed)
            .filter(|l| {
                matches!(
                    l.field,
                    "department"
                        | "desk"
                        | "postal"
                        | "phone"
                        | "freephone"
                        | "email"
                        | "web_form"
                        | "hours"
                )
            })
            .collect();
        if !self.contact.hours.is_confirmed() {
            lines.push(OfficeLine {
                field: "hours",
                label: Bilingual::fixed("受付時間", "Office hours"),
                value: NEUTRAL_HOURS,
                confirmed: false,
                source: self.contact.hours.source_text(),
            });
        }
        lines
    }

    /// Where originals go, as the public may be told: the confirmed address, if any.
    pub fn public_originals_to(&self) -> Option<Bilingual> {
        self.originals_to
            .public()
            .and_then(|v| v.as_ref())
            .map(PostalAddress::one_line)
    }

    /// The hours as the public may be told them (none while they are a placeholder).
    pub fn public_hours(&self) -> Option<&Bilingual> {
        self.contact.hours.public()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_listed_for_administrators_and_hidden_from_the_public() {
        let mut office = Office::to_confirm(
            Bilingual::fixed("テスト機関", "Test body"),
            Bilingual::fixed("平日", "Weekdays"),
        );
        office.contact.phone = Sourced::seed(Some("03-0000-0000".into()), "900", "§1");
        let all = office.lines();
        assert!(all.iter().any(|l| l.field == "hours" && !l.confirmed));
        let public = office.public_contact();
        assert_eq!(public.len(), 2);
        assert_eq!(public[0].field, "phone");
        assert_eq!(public[1].value, NEUTRAL_HOURS);
        assert_eq!(office.public_hours(), None);
        assert_eq!(office.public_originals_to(), None);
    }

    #[test]
    fn an_address_reads_on_one_line() {
        let a = PostalAddress {
            postcode: "112-0002".into(),
            lines: Bilingual::fixed("東京都小石川一丁目28番1号", "1-28-1 Koishikawa, Tokyo"),
            attention: Bilingual::fixed("相談センター", "Consultation centre"),
        };
        assert_eq!(
            a.one_line().ja,
            "〒112-0002 東京都小石川一丁目28番1号 相談センター"
        );
    }
}
