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
