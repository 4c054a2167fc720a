//! Operator profiles (docs/operators.md §1): everything that differs between operators, as data.
//! Ready profiles are named for the command line; [`ProfileName::DEFAULT`] is `national`, the
//! one whose every rule is fixed by statute.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::domain::calendar::{BusinessCalendar, ClosedDayRules};
use crate::domain::deadline::{DeadlineRequest, Pause, PauseConvention, Period, PeriodSide};
use crate::domain::delivery::DeliveryMethod;
use crate::domain::explain::LegalBasis;
use crate::domain::extra_fields::{self, ExtraField};
use crate::domain::fees::{
    self, Colour, FeeError, FeeSchedule, FeeSource, KindFee, PageFee, PaperSize, PaymentMethod,
    Postage, Quote, QuoteRequest,
};
use crate::domain::holidays::JapaneseHolidays;
use crate::domain::identity::IdentityPolicy;
use crate::domain::kind::RequestKind;
use crate::domain::letters::settings::LetterSettings;
use crate::domain::lifecycle::{CaseFacts, Entry};
use crate::domain::money::Yen;
use crate::domain::names::stable_names;
use crate::domain::office::{Office, PaymentDestinations};
use crate::domain::office_seeds;
use crate::domain::provenance::Sourced;
use crate::domain::refusal::Refusal;
use crate::domain::regime::Regime;
use crate::domain::text::Bilingual;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProfileName {
    National,
    Private,
    Jmimo,
    Kanagawa,
    Fukushima,
}

stable_names!(ProfileName, "profile", {
    National => "national",
    Private => "private",
    Jmimo => "jmimo",
    Kanagawa => "kanagawa",
    Fukushima => "fukushima",
});

impl ProfileName {
    pub const DEFAULT: ProfileName = ProfileName::National;

    pub fn profile(self) -> OperatorProfile {
        let mut profile = match self {
            ProfileName::National => national(),
            ProfileName::Private => private(),
            ProfileName::Jmimo => jmimo(),
            ProfileName::Kanagawa => kanagawa(),
            ProfileName::Fukushima => fukushima(),
        };
        profile.office.payment = payment_destinations(self);
        profile
    }
}

/// An operator's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperatorProfile {
    pub name: ProfileName,
    pub label: Bilingual,
    pub regime: Regime,
    pub kinds_offered: Vec<RequestKind>,
    pub decision_period: Period,
    pub pause_convention: PauseConvention,
    pub max_extension_days: u32,
    pub agency_deadline_rollover: bool,
    pub payment_wait_stops_clock: bool,
    pub fee_schedules: Vec<FeeSchedule>,
    pub identity_policy: IdentityPolicy,
    pub closed_days: ClosedDayRules,
    pub due_soon_office_days: u32,
    /// Hours an online submission may stay unconfirmed before it is purged.
    pub unconfirmed_expiry_hours: u32,
    /// Default days given to answer a 補正 (Art. 77(3) "相当の期間"; practice value).
    pub correction_reply_days: u32,
    /// Office days after an unanswered 補正's reply-by date on which the request is dismissed
    /// without staff (0: never automatically; the assignee is told and decides).
    pub auto_dismiss_office_days: u32,
    pub delivery_methods: Vec<DeliveryMethod>,
    /// Who the operator is, how it is reached and paid, where originals go.
    pub office: Office,
    /// How its letters are numbered, dated and signed, and what their 教示 names.
    pub letters: LetterSettings,
    /// Fields this operator adds to the request form (e.g. 福島県's LINE account).
    pub extra_fields: Vec<ExtraField>,
}

impl OperatorProfile {
    pub fn offers(&self, kind: RequestKind) -> bool {
        self.kinds_offered.contains(&kind) && kind.exists_under(self.regime)
    }

    /// The operator's business calendar with its closures (from its database).
    pub fn calendar(&self, closures: impl IntoIterator<Item = NaiveDate>) -> BusinessCalendar {
        BusinessCalendar::new(self.closed_days, JapaneseHolidays::default(), closures)
    }

    /// The article that fixes the decision period for `kind` (the regime table).
    pub fn decision_basis(&self, kind: RequestKind) -> LegalBasis {
        self.regime
            .kind_rules(kind)
            .map_or(LegalBasis::PRIVATE_WITHOUT_DELAY, |r| r.decision.basis())
    }

    /// The input for the decision deadline of a case under this profile. Everything the case
    /// itself decides (its kind, an Art. 83(2) extension, an Art. 84 special extension) is read
    /// from its facts, so no caller can leave a part out and two pages cannot disagree.
    pub fn decision_deadline_request<'a>(
        &self,
        facts: &CaseFacts,
        received_at: DateTime<Utc>,
        pauses: &'a [Pause],
        today: Option<NaiveDate>,
    ) -> DeadlineRequest<'a> {
        DeadlineRequest {
            received_at,
            period: self.decision_period,
            side: PeriodSide::Agency,
            basis: self.decision_basis(facts.kind),
            pauses,
            pause_convention: self.pause_convention,
            extension_days: facts.extension_days.unwrap_or(0),
            max_extension_days: self.max_extension_days,
            agency_deadline_rollover: self.agency_deadline_rollover,
            special: facts.special_extension_rest_by.and_then(|rest_by| {
                let rule = facts.rules()?.special?;
                Some(crate::domain::deadline::SpecialTerms {
                    effect: rule.effect,
                    basis: rule.basis,
                    rest_by,
                    part_decided: facts.part_outcome.is_some(),
                })
            }),
            due_soon_office_days: self.due_soon_office_days,
            today,
        }
    }

    /// A new case for `kind`, refused if the operator does not offer it.
    pub fn new_case(&self, kind: RequestKind, entry: Entry) -> Result<CaseFacts, Refusal> {
        if !self.offers(kind) {
            return Err(Refusal::KindNotOffered { kind });
        }
        CaseFacts::new(
            kind,
            self.regime,
            entry,
            self.max_extension_days,
            self.payment_wait_stops_clock,
        )
    }

    pub fn quote(&self, req: &QuoteRequest) -> Result<Quote, FeeError> {
        fees::quote(self.regime, &self.fee_schedules, req)
    }
}

/// Where each ready profile's fees are paid, from its seed or statute only (docs/fees.md §8);
/// everything else stays a placeholder to confirm, never shown to the public.
fn payment_destinations(name: ProfileName) -> PaymentDestinations {
    let unconfirmed = PaymentDestinations {
        bank_account: Sourced::to_confirm(None),
        registered_cash_to: Sourced::to_confirm(None),
        revenue_stamps: Sourced::to_confirm(false),
        note: Sourced::to_confirm(None),
    };
    match name {
        // A national body's fee is paid with 収入印紙 (APPI Art. 89(1), 施行令 Art. 27).
        ProfileName::National => PaymentDestinations {
            revenue_stamps: Sourced::statute(true, "APPI Art. 89(1); 施行令 Art. 27"),
            ..unconfirmed
        },
        // Seed 004 says the fee is paid in advance by 現金書留 or bank transfer, and nothing
        // else: no account, and no address for the 現金書留 (its 相談センター address is where
        // request forms go); those stay for J-MIMO to confirm.
        ProfileName::Jmimo => PaymentDestinations {
            revenue_stamps: Sourced::seed(false, "004", "各請求に関する方法について 1"),
            note: Sourced::seed(
                Some(Bilingual::fixed(
                    "開示請求・利用目的の通知請求の手数料は、事前に現金書留の送付又は金融機関へのお振込みでお支払いください。",
                    "The fee for a disclosure or purpose-of-use request is paid in advance, by cash in a registered letter (現金書留) or by bank transfer.",
                )),
                "004",
                "各請求に関する方法について 1",
            ),
            ..unconfirmed
        },
        ProfileName::Private | ProfileName::Kanagawa | ProfileName::Fukushima => unconfirmed,
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn kind_fee(kind: RequestKind, standard: i64, online: i64) -> KindFee {
    KindFee {
        kind,
        standard: Yen(standard),
        online: Yen(online),
    }
}

fn page(size: PaperSize, colour: Colour, yen: i64) -> PageFee {
    PageFee {
        size,
        colour,
        per_page: Yen(yen),
    }
}

const PUBLIC_KINDS: [RequestKind; 3] = [
    RequestKind::Disclosure,
    RequestKind::Correction,
    RequestKind::Suspension,
];

/// A national administrative body: 30 days, 初日不算入, closed days of 行政機関の休日に関する法律,
/// 300円 / 200円 online per 施行令 Art. 27, postage at cost per Art. 28.
fn national() -> OperatorProfile {
    OperatorProfile {
        name: ProfileName::National,
        label: Bilingual::fixed("国の行政機関", "National administrative body"),
        regime: Regime::NationalBody,
        letters: LetterSettings::defaults(Regime::NationalBody, None),
        kinds_offered: PUBLIC_KINDS.to_vec(),
        decision_period: Period::CalendarDays {
            days: 30,
            first_day_counted: false,
        },
        pause_convention: PauseConvention::EndMinusStart,
        max_extension_days: 30,
        agency_deadline_rollover: false,
        payment_wait_stops_clock: true,
        fee_schedules: vec![FeeSchedule {
            effective_from: date(2022, 4, 1),
            request_fees: vec![kind_fee(RequestKind::Disclosure, 300, 200)],
            page_fees: Vec::new(),
            disc_fee: Yen::ZERO,
            postage: Postage::AtCost { estimate: Yen(110) },
            payment_methods: vec![PaymentMethod::RevenueStamp, PaymentMethod::Online],
            prepaid: true,
            source: FeeSource::Statute("APPI Art. 89(1); 施行令 Arts. 27, 28"),
        }],
        identity_policy: IdentityPolicy::public_body(),
        closed_days: ClosedDayRules::ADMINISTRATIVE,
        due_soon_office_days: 5,
        unconfirmed_expiry_hours: 72,
        correction_reply_days: 14,
        auto_dismiss_office_days: 0,
        delivery_methods: vec![
            DeliveryMethod::Counter,
            DeliveryMethod::PaperByPost,
            DeliveryMethod::DiscByPost,
        ],
        office: office_seeds::national(),
        extra_fields: Vec::new(),
    }
}

/// A private business: "遅滞なく" operationalised as 10 office days (about the two weeks of APPI
/// Art. 39); the fee values are example defaults within the usual 500-1,000円 (docs/fees.md §4),
/// editable by the operator.
fn private() -> OperatorProfile {
    OperatorProfile {
        name: ProfileName::Private,
        label: Bilingual::fixed("個人情報取扱事業者", "Private business"),
        regime: Regime::PrivateBusiness,
        letters: LetterSettings::defaults(Regime::PrivateBusiness, None),
        kinds_offered: vec![
            RequestKind::PurposeNotice,
            RequestKind::Disclosure,
            RequestKind::ProvisionRecords,
            RequestKind::Correction,
            RequestKind::Suspension,
            RequestKind::ThirdPartyStop,
        ],
        decision_period: Period::OfficeDays { days: 10 },
        pause_convention: PauseConvention::EndMinusStart,
        max_extension_days: 0,
        agency_deadline_rollover: false,
        payment_wait_stops_clock: true,
        fee_schedules: vec![FeeSchedule {
            effective_from: date(2022, 4, 1),
            request_fees: vec![
                kind_fee(RequestKind::PurposeNotice, 1000, 800),
                kind_fee(RequestKind::Disclosure, 1000, 800),
                kind_fee(RequestKind::ProvisionRecords, 1000, 800),
            ],
            page_fees: vec![
                page(PaperSize::A4, Colour::Mono, 10),
                page(PaperSize::A4, Colour::Colour, 20),
                page(PaperSize::A3, Colour::Mono, 20),
                page(PaperSize::A3, Colour::Colour, 40),
            ],
            disc_fee: Yen(100),
            postage: Postage::AtCost { estimate: Yen(110) },
            payment_methods: vec![PaymentMethod::BankTransfer, PaymentMethod::PostalMoneyOrder],
            prepaid: true,
            // Example defaults: the business sets its own fee (APPI Art. 38(2)).
            source: FeeSource::ToConfirm,
        }],
        identity_policy: IdentityPolicy::private_operator(),
        closed_days: ClosedDayRules::ADMINISTRATIVE,
        due_soon_office_days: 3,
        unconfirmed_expiry_hours: 72,
        correction_reply_days: 14,
        auto_dismiss_office_days: 0,
        delivery_methods: vec![
            DeliveryMethod::ElectronicDownload,
            DeliveryMethod::PaperByPost,
            DeliveryMethod::DiscByPost,
        ],
        office: office_seeds::private(),
        extra_fields: Vec::new(),
    }
}

/// J-MIMO (private business and certified producer under 次世代医療基盤法), from its published
/// procedure (seed 004): 4,000円 per disclosure or purpose-notice request, 50円 per A4 B/W page,
/// 1,500円 per disc, prepaid by 現金書留 or bank transfer; other requests free. The schedule's
/// effective date is not published; 2024-04-01 (the amended act) is assumed.
fn jmimo() -> OperatorProfile {
    OperatorProfile {
        name: ProfileName::Jmimo,
        label: Bilingual::fixed(
            "一般財団法人日本医師会医療情報管理機構（J-MIMO）",
            "J-MIMO (Japan Medical Association Medical Information Management Organization)",
        ),
        regime: Regime::MedicalDataHandler,
        letters: LetterSettings::defaults(Regime::MedicalDataHandler, None),
        kinds_offered: RequestKind::ALL.to_vec(),
        decision_period: Period::OfficeDays { days: 10 },
        pause_convention: PauseConvention::EndMinusStart,
        max_extension_days: 0,
        agency_deadline_rollover: false,
        payment_wait_stops_clock: true,
        fee_schedules: vec![FeeSchedule {
            effective_from: date(2024, 4, 1),
            request_fees: vec![
                kind_fee(RequestKind::PurposeNotice, 4000, 4000),
                kind_fee(RequestKind::Disclosure, 4000, 4000),
                kind_fee(RequestKind::ProvisionRecords, 4000, 4000),
            ],
            page_fees: vec![page(PaperSize::A4, Colour::Mono, 50)],
            disc_fee: Yen(1500),
            postage: Postage::Included,
            payment_methods: vec![PaymentMethod::RegisteredCash, PaymentMethod::BankTransfer],
            prepaid: true,
            source: FeeSource::Seed {
                document: "004",
                section: "各請求に関する方法について 1",
            },
        }],
        identity_policy: IdentityPolicy::private_operator(),
        closed_days: ClosedDayRules::ADMINISTRATIVE,
        due_soon_office_days: 3,
        unconfirmed_expiry_hours: 72,
        correction_reply_days: 14,
        auto_dismiss_office_days: 0,
        delivery_methods: vec![DeliveryMethod::PaperByPost, DeliveryMethod::DiscByPost],
        office: office_seeds::jmimo(),
        extra_fields: Vec::new(),
    }
}

/// The schedule of a local body. UNVERIFIED: the prefectures' 条例 values were not found
/// (docs/fees.md §3); these are operator-editable defaults modelled on 松山市 (request free,
/// copies 10円 A4 B/W, 20円 colour, postage at cost).
fn local_fees() -> Vec<FeeSchedule> {
    vec![FeeSchedule {
        effective_from: date(2023, 4, 1),
        request_fees: vec![kind_fee(RequestKind::Disclosure, 0, 0)],
        page_fees: vec![
            page(PaperSize::A4, Colour::Mono, 10),
            page(PaperSize::A4, Colour::Colour, 20),
            page(PaperSize::A3, Colour::Mono, 10),
            page(PaperSize::A3, Colour::Colour, 20),
        ],
        disc_fee: Yen(100),
        postage: Postage::AtCost { estimate: Yen(110) },
        payment_methods: vec![
            PaymentMethod::Counter,
            PaymentMethod::PostalMoneyOrder,
            PaymentMethod::BankTransfer,
        ],
        prepaid: false,
        source: FeeSource::ToConfirm,
    }]
}

/// 神奈川県 マイME-BYOカルテ: local body, 30-day decisions with 補正 exclusion and extension
/// (docs/operators.md §3); 初日不算入 and the year-end closure are assumed (UNVERIFIED, editable).
fn kanagawa() -> OperatorProfile {
    OperatorProfile {
        name: ProfileName::Kanagawa,
        label: Bilingual::fixed(
            "神奈川県（マイME-BYOカルテ）",
            "Kanagawa Prefecture (My ME-BYO Karte)",
        ),
        regime: Regime::LocalBody,
        letters: LetterSettings::defaults(
            Regime::LocalBody,
            Some(Bilingual::fixed("神奈川県", "Kanagawa Prefecture")),
        ),
        kinds_offered: PUBLIC_KINDS.to_vec(),
        decision_period: Period::CalendarDays {
            days: 30,
            first_day_counted: false,
        },
        pause_convention: PauseConvention::EndMinusStart,
        max_extension_days: 30,
        agency_deadline_rollover: false,
        payment_wait_stops_clock: true,
        fee_schedules: local_fees(),
        identity_policy: IdentityPolicy::public_body(),
        closed_days: ClosedDayRules::ADMINISTRATIVE,
        due_soon_office_days: 5,
        unconfirmed_expiry_hours: 72,
        correction_reply_days: 14,
        auto_dismiss_office_days: 0,
        delivery_methods: vec![
            DeliveryMethod::Counter,
            DeliveryMethod::PaperByPost,
            DeliveryMethod::DiscByPost,
        ],
        office: office_seeds::kanagawa(),
        extra_fields: Vec::new(),
    }
}

/// 福島県 LINE account: local body offering disclosure, correction and suspension. Period,
/// office hours and fees are UNVERIFIED defaults equal to Kanagawa's, editable by the operator.
fn fukushima() -> OperatorProfile {
    OperatorProfile {
        name: ProfileName::Fukushima,
        label: Bilingual::fixed(
            "福島県（LINE公式アカウント）",
            "Fukushima Prefecture (LINE official account)",
        ),
        office: office_seeds::fukushima(),
        extra_fields: extra_fields::line_account(),
        letters: LetterSettings::defaults(
            Regime::LocalBody,
            Some(Bilingual::fixed("福島県", "Fukushima Prefecture")),
        ),
        ..kanagawa()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_is_consistent() {
        for name in ProfileName::ALL {
            let p = name.profile();
            assert_eq!(p.name, *name);
            assert_eq!(name.as_str().parse::<ProfileName>(), Ok(*name));
            assert!(
                p.kinds_offered.iter().all(|k| k.exists_under(p.regime)),
                "{name}"
            );
            assert!(p.max_extension_days <= 30);
            // The calendar cache is built once from the configured profile; an administrator's
            // choice of another ready profile must not need a different one.
            assert_eq!(
                p.closed_days,
                ProfileName::DEFAULT.profile().closed_days,
                "{name}"
            );
            for schedule in &p.fee_schedules {
                for fee in &schedule.request_fees {
                    assert!(fee.kind.may_carry_fee(p.regime), "{name}: {}", fee.kind);
                }
            }
        }
        assert_eq!(ProfileName::DEFAULT.profile().regime, Regime::NationalBody);
        let err = "tokyo".parse::<ProfileName>().unwrap_err().to_string();
        assert_eq!(
            err,
            "unknown profile `tokyo` (expected one of: national, private, jmimo, kanagawa, fukushima)"
        );
    }

    #[test]
    fn profiles_give_cases_and_deadline_inputs() {
        let p = ProfileName::Kanagawa.profile();
        assert!(
            p.new_case(RequestKind::PurposeNotice, Entry::Online)
                .is_err()
        );
        let case = p.new_case(RequestKind::Correction, Entry::Online).unwrap();
        assert_eq!(case.max_extension_days, 30);
        let received = DateTime::parse_from_rfc3339("2025-04-01T09:00:00+09:00")
            .unwrap()
            .to_utc();
        let req = p.decision_deadline_request(&case, received, &[], None);
        assert_eq!(req.basis, LegalBasis::APPI_94);
        assert_eq!(
            ProfileName::Jmimo
                .profile()
                .decision_basis(RequestKind::ProvisionStop),
            LegalBasis::MEDICAL_PROVISION_STOP
        );
    }
}
