//! Official letters (公文書): one for every stage of a request — receipt, 補正 request, fee
//! invoice and receipt of payment, extension (Art. 83(2)), special extension (Art. 84), the
//! decision in each outcome, dismissal and transfer — each with its title, outgoing number, date,
//! addressee, sender and, for a public body's 処分, the 教示 (docs/notices.md §2-3).
//!
//! A new kind of letter is a [`LetterKind`] variant, its code and its title: the letterhead, the
//! number, the sender and the 教示 come from here for every kind alike.

pub mod dates;
pub mod holes;
pub mod numbering;
pub mod remedy;
pub mod settings;
pub mod titles;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::kind::RequestKind;
use crate::domain::outcome::Outcome;
use crate::domain::regime::Regime;
use crate::domain::text::Bilingual;
use dates::{DateStyle, english_date, japanese_date};
use settings::LetterSettings;

/// What a letter is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LetterKind {
    /// 受付通知.
    Receipt,
    /// 補正依頼 (Arts. 77(3), 91(3), 99(3)).
    CorrectionRequest,
    /// 手数料の納付通知.
    FeeInvoice,
    /// 手数料の受領通知.
    PaymentReceipt,
    /// 期限延長通知 (Arts. 83(2), 94(2), 102(2)): written, before the original deadline.
    Extension,
    /// 特例延長通知 (Arts. 84, 95, 103).
    SpecialExtension,
    /// The decision, one title per outcome.
    Decision(Outcome),
    /// Under Art. 84, the decision on a considerable part, decided within the 60 days: a letter
    /// of its own that says so and by when the rest is decided.
    PartDecision(Outcome),
    /// Under Art. 84, the decision on the remainder, by the date the special-extension notice
    /// stated: a letter of its own that names the part's letter.
    RemainderDecision(Outcome),
    /// Art. 86(3): to a third party that objected, that disclosure was decided over its
    /// objection, why, and the day of disclosure (at least two weeks later). Never shown to
    /// the requester: it names the third party.
    ThirdPartyNotice,
    /// 却下: a 処分 of its own, with its own 教示 at a public body.
    Dismissal,
    /// 移送通知 (Arts. 85, 96).
    Transfer,
}

impl LetterKind {
    /// The stable name stored with the letter, e.g. `decision.partial_disclosure`.
    pub fn code(self) -> String {
        match self {
            LetterKind::Receipt => "receipt".into(),
            LetterKind::CorrectionRequest => "correction_request".into(),
            LetterKind::FeeInvoice => "fee_invoice".into(),
            LetterKind::PaymentReceipt => "payment_receipt".into(),
            LetterKind::Extension => "extension".into(),
            LetterKind::SpecialExtension => "special_extension".into(),
            LetterKind::Decision(outcome) => format!("decision.{outcome}"),
            LetterKind::PartDecision(outcome) => format!("decision_part.{outcome}"),
            LetterKind::RemainderDecision(outcome) => format!("decision_remainder.{outcome}"),
            LetterKind::ThirdPartyNotice => THIRD_PARTY_NOTICE.into(),
            LetterKind::Dismissal => "dismissal".into(),
            LetterKind::Transfer => "transfer".into(),
        }
    }

    pub fn parse(code: &str) -> Option<LetterKind> {
        if let Some(outcome) = code.strip_prefix("decision.") {
            return outcome.parse().ok().map(LetterKind::Decision);
        }
        if let Some(outcome) = code.strip_prefix("decision_part.") {
            return outcome.parse().ok().map(LetterKind::PartDecision);
        }
        if let Some(outcome) = code.strip_prefix("decision_remainder.") {
            return outcome.parse().ok().map(LetterKind::RemainderDecision);
        }
        Some(match code {
            "receipt" => LetterKind::Receipt,
            "correction_request" => LetterKind::CorrectionRequest,
            "fee_invoice" => LetterKind::FeeInvoice,
            "payment_receipt" => LetterKind::PaymentReceipt,
            "extension" => LetterKind::Extension,
            "special_extension" => LetterKind::SpecialExtension,
            "dismissal" => LetterKind::Dismissal,
            "transfer" => LetterKind::Transfer,
            THIRD_PARTY_NOTICE => LetterKind::ThirdPartyNotice,
            _ => return None,
        })
    }

    /// Whether the letter notifies a 処分 that may be challenged, and so carries a public body's
    /// 教示 (行政不服審査法 Art. 82(1), 行政事件訴訟法 Art. 46(1)).
    /// The Art. 86(3) notice tells the third party of a 処分 it may challenge too (行政不服審査法
    /// Art. 2: anyone whose rights the 処分 affects), so it carries the 教示 as well.
    pub fn is_disposition(self) -> bool {
        matches!(
            self,
            LetterKind::Decision(_)
                | LetterKind::PartDecision(_)
                | LetterKind::RemainderDecision(_)
                | LetterKind::Dismissal
                | LetterKind::ThirdPartyNotice
        )
    }

    /// Whether the requester sees the letter: every letter is addressed to them but the notice
    /// to an objecting third party, which names that party.
    pub fn for_requester(self) -> bool {
        self != LetterKind::ThirdPartyNotice
    }

    /// The decision letter of `outcome` for a decision of `scope` (Art. 84's part and remainder
    /// each have their own).
    pub fn decision(outcome: Outcome, scope: crate::domain::lifecycle::DecisionScope) -> Self {
        use crate::domain::lifecycle::DecisionScope;
        match scope {
            DecisionScope::Whole => LetterKind::Decision(outcome),
            DecisionScope::Part => LetterKind::PartDecision(outcome),
            DecisionScope::Remainder => LetterKind::RemainderDecision(outcome),
        }
    }
}

/// The stored code of the Art. 86(3) notice, which the requester's pages leave out.
pub const THIRD_PARTY_NOTICE: &str = "third_party_notice";

/// Who sends the letter: the 実施機関 (or the business), its representative where one signs,
/// and whether the seal is omitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    pub organisation: Bilingual,
    pub representative: Option<Bilingual>,
    pub seal_omitted: bool,
}

/// A line of a letter's particulars: 「延長後の期限　令和8年12月6日」.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Particular {
    pub label: String,
    pub value: String,
}

/// A letter as issued: every word of it, frozen. The page, the print and the PDF are drawn from
/// this, never from the case as it is later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterContent {
    /// "ja" or "en".
    pub lang: String,
    pub title: String,
    pub number: String,
    pub date: String,
    pub addressee: String,
    pub sender: Vec<String>,
    /// 「（公印省略）」 where the operator omits the seal.
    pub seal_note: Option<String>,
    pub body: String,
    pub particulars: Vec<Particular>,
    /// The 教示 (public bodies' 処分) or the complaint contact (private operators).
    pub remedy: Option<String>,
    /// On an English letter: that the Japanese text is the authoritative one.
    pub authoritative_note: Option<String>,
}

/// Everything one letter says about its case.
pub struct LetterDraft<'a> {
    pub kind: LetterKind,
    pub request: RequestKind,
    pub regime: Regime,
    pub english: bool,
    pub number: String,
    pub issued_on: NaiveDate,
    /// The requester's name as they gave it.
    pub addressee: &'a str,
    pub sender: &'a Sender,
    pub body: Bilingual,
    pub particulars: Vec<(Bilingual, Bilingual)>,
    /// The complaint contact a private operator prints, where it has a public one.
    pub complaint_contact: Option<&'a Bilingual>,
}

/// The date as this operator's letters print it, in the letter's language.
pub fn letter_date(date: NaiveDate, style: DateStyle, english: bool) -> String {
    if english {
        english_date(date, style)
    } else {
        japanese_date(date, style)
    }
}

pub const AUTHORITATIVE_NOTE: Bilingual = Bilingual::fixed(
    "この通知書は日本語の文面を正本とします。",
    "This is a translation for your convenience. The Japanese text of this letter is the authoritative one.",
);

/// Puts a letter together: title, letterhead and, where the law asks for one, the 教示.
pub fn compose(draft: &LetterDraft<'_>, settings: &LetterSettings) -> LetterContent {
    let pick = |b: &Bilingual| -> String {
        if draft.english {
            b.en.to_string()
        } else {
            b.ja.to_string()
        }
    };
    let title = titles::title(draft.kind, draft.request, draft.regime);
    let mut sender = vec![pick(&draft.sender.organisation)];
    if let Some(representative) = &draft.sender.representative {
        let representative = pick(representative);
        // 「神奈川県知事」 signed by 「神奈川県知事 黒岩 裕治」 is one line, not the title twice.
        if representative.starts_with(sender[0].as_str()) {
            sender[0] = representative;
        } else {
            sender.push(representative);
        }
    }
    let remedy = if draft.regime.is_public_body() {
        draft
            .kind
            .is_disposition()
            .then(|| remedy::instruction(settings, remedy::Audience::Requester))
            .map(|b| pick(&b))
    } else if draft.kind.is_disposition() {
        draft
            .complaint_contact
            .map(|contact| pick(&remedy::complaint(contact)))
    } else {
        None
    };
    LetterContent {
        lang: if draft.english { "en" } else { "ja" }.to_string(),
        title: pick(&title),
        number: draft.number.clone(),
        date: letter_date(draft.issued_on, settings.date_style.value, draft.english),
        addressee: if draft.english {
            draft.addressee.to_string()
        } else {
            format!("{}　様", draft.addressee)
        },
        sender,
        seal_note: draft
            .sender
            .seal_omitted
            .then(|| pick(&Bilingual::fixed("（公印省略）", "(Official seal omitted)"))),
        body: pick(&draft.body),
        particulars: draft
            .particulars
            .iter()
            .map(|(label, value)| Particular {
                label: pick(label),
                value: pick(value),
            })
            .collect(),
        remedy,
        authoritative_note: draft.english.then(|| AUTHORITATIVE_NOTE.en.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::provenance::Sourced;

    #[test]
    fn every_kind_reads_back_from_its_code() {
        let mut kinds = vec![
            LetterKind::Receipt,
            LetterKind::CorrectionRequest,
            LetterKind::FeeInvoice,
            LetterKind::PaymentReceipt,
            LetterKind::Extension,
            LetterKind::SpecialExtension,
            LetterKind::Dismissal,
            LetterKind::Transfer,
            LetterKind::ThirdPartyNotice,
        ];
        for o in Outcome::ALL {
            kinds.extend([
                LetterKind::Decision(*o),
                LetterKind::PartDecision(*o),
                LetterKind::RemainderDecision(*o),
            ]);
        }
        for kind in kinds {
            assert_eq!(LetterKind::parse(&kind.code()), Some(kind));
        }
        assert_eq!(LetterKind::parse("decision.maybe"), None);
        assert_eq!(LetterKind::parse("decision_part.maybe"), None);
        assert_eq!(LetterKind::parse("postcard"), None);
        assert!(!LetterKind::ThirdPartyNotice.for_requester());
        assert!(LetterKind::Transfer.for_requester());
    }

    fn sender() -> Sender {
        Sender {
            organisation: Bilingual::fixed("神奈川県知事", "Governor of Kanagawa"),
            representative: None,
            seal_omitted: true,
        }
    }

    #[test]
    fn a_public_decision_carries_the_instruction_and_a_private_one_the_contact() {
        let sender = sender();
        let mut settings = LetterSettings::defaults(Regime::LocalBody, None);
        settings.review_authority = Sourced {
            value: Some(Bilingual::fixed("神奈川県知事", "the Governor of Kanagawa")),
            provenance: crate::domain::provenance::Provenance::ConfirmedByOperator,
        };
        let draft = LetterDraft {
            kind: LetterKind::Decision(Outcome::PartialDisclosure),
            request: RequestKind::Disclosure,
            regime: Regime::LocalBody,
            english: false,
            number: "令和8年度個情第1号".into(),
            issued_on: NaiveDate::from_ymd_opt(2026, 12, 6).unwrap(),
            addressee: "山田 太郎",
            sender: &sender,
            body: Bilingual::fixed("開示します。", "We disclose."),
            particulars: vec![],
            complaint_contact: None,
        };
        let letter = compose(&draft, &settings);
        assert_eq!(
            letter.title,
            "保有個人情報の開示をする旨の決定について（通知）"
        );
        assert_eq!(letter.date, "令和8年12月6日");
        assert_eq!(letter.addressee, "山田 太郎　様");
        assert_eq!(letter.seal_note.as_deref(), Some("（公印省略）"));
        let remedy = letter.remedy.unwrap();
        assert!(remedy.contains("神奈川県知事に対して審査請求"), "{remedy}");
        assert!(remedy.contains("3か月以内") && remedy.contains("6か月以内"));
        assert!(letter.authoritative_note.is_none());

        let contact = Bilingual::fixed("お客様相談室", "Customer desk");
        let private = LetterDraft {
            regime: Regime::PrivateBusiness,
            english: true,
            complaint_contact: Some(&contact),
            ..draft
        };
        let letter = compose(
            &private,
            &LetterSettings::defaults(Regime::PrivateBusiness, None),
        );
        let remedy = letter.remedy.unwrap();
        assert!(!remedy.contains("review") && remedy.contains("Customer desk"));
        assert!(letter.authoritative_note.unwrap().contains("authoritative"));
        assert_eq!(letter.date, "6 December 2026 (Reiwa 8)");
    }
}
