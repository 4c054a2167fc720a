//! Identity requirements (本人確認, docs/identity.md): which documents satisfy which requester type
//! under which policy. The reviewer's checklist, masking rules and upload warnings are in
//! [`crate::domain::identity_review`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::names::stable_names;
use crate::domain::text::Bilingual;

/// Who makes the request (APPI Art. 37(3) / 76(2); 施行令 agent article).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequesterType {
    /// 本人.
    Principal,
    /// 法定代理人（親権者）of a minor.
    Parent,
    /// 法定代理人（成年後見人）of an adult ward.
    AdultGuardian,
    /// 任意代理人 mandated by the person (public bodies since 2022).
    AppointedAgent,
}

stable_names!(RequesterType, "requester type", {
    Principal => "principal",
    Parent => "parent",
    AdultGuardian => "adult_guardian",
    AppointedAgent => "appointed_agent",
});

impl RequesterType {
    pub fn is_agent(self) -> bool {
        self != RequesterType::Principal
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            RequesterType::Principal => "本人",
            RequesterType::Parent => "法定代理人（親権者）",
            RequesterType::AdultGuardian => "法定代理人（成年後見人）",
            RequesterType::AppointedAgent => "任意代理人",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentType {
    DriversLicence,
    Passport,
    /// 個人番号カード: the front only (番号法 Arts. 15, 19, 20).
    MyNumberCard,
    ResidenceCard,
    SpecialPermanentResidentCertificate,
    BasicResidentRegisterCard,
    /// 資格確認書 (replaces the paper 保険証 since 2024-12-02).
    QualificationCertificate,
    /// Paper 健康保険証: invalid from 2025-12-02 by default.
    HealthInsuranceCard,
    /// 年金手帳 / 年金証書.
    PensionCertificate,
    /// 住民票の写し (without 個人番号).
    ResidentRecord,
    /// 戸籍謄本 / 抄本.
    FamilyRegister,
    /// 登記事項証明書 (後見登記等に関する法律 Art. 10).
    GuardianshipCertificate,
    /// 委任状.
    PowerOfAttorney,
    /// 印鑑登録証明書.
    SealCertificate,
}

stable_names!(DocumentType, "document type", {
    DriversLicence => "drivers_licence",
    Passport => "passport",
    MyNumberCard => "my_number_card",
    ResidenceCard => "residence_card",
    SpecialPermanentResidentCertificate => "special_permanent_resident_certificate",
    BasicResidentRegisterCard => "basic_resident_register_card",
    QualificationCertificate => "qualification_certificate",
    HealthInsuranceCard => "health_insurance_card",
    PensionCertificate => "pension_certificate",
    ResidentRecord => "resident_record",
    FamilyRegister => "family_register",
    GuardianshipCertificate => "guardianship_certificate",
    PowerOfAttorney => "power_of_attorney",
    SealCertificate => "seal_certificate",
});

impl DocumentType {
    /// Photo IDs: one is enough with private operators.
    pub fn is_photo_id(self) -> bool {
        use DocumentType::*;
        matches!(
            self,
            DriversLicence
                | Passport
                | MyNumberCard
                | ResidenceCard
                | SpecialPermanentResidentCertificate
                | BasicResidentRegisterCard
        )
    }

    /// Documents that identify a person (photo or not).
    pub fn is_identity_document(self) -> bool {
        use DocumentType::*;
        self.is_photo_id()
            || matches!(
                self,
                QualificationCertificate
                    | HealthInsuranceCard
                    | PensionCertificate
                    | ResidentRecord
            )
    }

    /// Certificates judged by their issue date (freshness).
    pub fn is_dated_certificate(self) -> bool {
        use DocumentType::*;
        matches!(
            self,
            ResidentRecord
                | FamilyRegister
                | GuardianshipCertificate
                | PowerOfAttorney
                | SealCertificate
        )
    }

    pub fn label_ja(self) -> &'static str {
        use DocumentType::*;
        match self {
            DriversLicence => "運転免許証",
            Passport => "パスポート",
            MyNumberCard => "マイナンバーカード（表面）",
            ResidenceCard => "在留カード",
            SpecialPermanentResidentCertificate => "特別永住者証明書",
            BasicResidentRegisterCard => "住民基本台帳カード（写真付き）",
            QualificationCertificate => "資格確認書",
            HealthInsuranceCard => "健康保険証",
            PensionCertificate => "年金手帳・年金証書",
            ResidentRecord => "住民票の写し",
            FamilyRegister => "戸籍謄本・抄本",
            GuardianshipCertificate => "登記事項証明書（成年後見）",
            PowerOfAttorney => "委任状",
            SealCertificate => "印鑑登録証明書",
        }
    }

    pub fn label_en(self) -> &'static str {
        use DocumentType::*;
        match self {
            DriversLicence => "Driving licence",
            Passport => "Passport",
            MyNumberCard => "My Number Card (front side)",
            ResidenceCard => "Residence card",
            SpecialPermanentResidentCertificate => "Special permanent resident certificate",
            BasicResidentRegisterCard => "Basic resident register card (with photo)",
            QualificationCertificate => "Health insurance eligibility certificate (資格確認書)",
            HealthInsuranceCard => "Health insurance card (paper)",
            PensionCertificate => "Pension book or certificate",
            ResidentRecord => "Certificate of residence (住民票の写し)",
            FamilyRegister => "Family register extract (戸籍謄本・抄本)",
            GuardianshipCertificate => "Certificate of registered matters (adult guardianship)",
            PowerOfAttorney => "Power of attorney (委任状)",
            SealCertificate => "Seal registration certificate (印鑑登録証明書)",
        }
    }
}

/// Whose document it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Holder {
    /// The person the data are about (本人).
    Principal,
    /// The representative making the request.
    Agent,
}

/// How the documents reach the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Shown at the counter.
    InPerson,
    /// Copies by post or upload.
    Remote,
}

/// A document a reviewer has accepted as genuine, legible and correctly masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptedDocument {
    pub doc_type: DocumentType,
    pub holder: Holder,
    pub issued_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    /// An original rather than a photocopy or image.
    pub original: bool,
}

/// Maximum age of a certificate, per document type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Freshness {
    pub doc_type: DocumentType,
    pub max_age_days: u32,
}

/// What an appointed agent must add to the 委任状.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentExtraProof {
    None,
    /// 委任者の印鑑登録証明書 (private practice [S15]).
    SealCertificate,
    /// Either the seal certificate or a copy of the principal's ID (public bodies; the exact list
    /// is UNVERIFIED, docs/identity.md §2).
    SealCertificateOrPrincipalId,
}

/// An operator's identity rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityPolicy {
    /// Non-photo IDs needed when no photo ID is given (private practice: 2; public bodies: 1).
    pub non_photo_ids_needed: u32,
    /// Public bodies by mail: an ID copy plus an original 住民票の写し (施行令 Art. 21 per MOFA).
    pub remote_requires_resident_record: bool,
    pub freshness: Vec<Freshness>,
    /// Certificates must be originals, not copies.
    pub certificates_must_be_original: bool,
    /// A 住民票 showing the relationship (続柄) may prove parental authority (private practice).
    pub parent_may_use_resident_record: bool,
    pub agent_extra: AgentExtraProof,
    /// Paper 保険証 are invalid from this day (all expired by 2025-12-01, docs/identity.md §5).
    pub paper_insurance_card_invalid_from: Option<NaiveDate>,
}

impl IdentityPolicy {
    /// Public bodies (docs/identity.md §2): certificates within 30 days, originals.
    pub fn public_body() -> Self {
        let days30 = |doc_type| Freshness {
            doc_type,
            max_age_days: 30,
        };
        IdentityPolicy {
            non_photo_ids_needed: 1,
            remote_requires_resident_record: true,
            freshness: vec![
                days30(DocumentType::ResidentRecord),
                days30(DocumentType::FamilyRegister),
                days30(DocumentType::GuardianshipCertificate),
                days30(DocumentType::PowerOfAttorney),
                days30(DocumentType::SealCertificate),
            ],
            certificates_must_be_original: true,
            parent_may_use_resident_record: false,
            agent_extra: AgentExtraProof::SealCertificateOrPrincipalId,
            paper_insurance_card_invalid_from: NaiveDate::from_ymd_opt(2025, 12, 2),
        }
    }

    /// Private operators (docs/identity.md §3): one photo ID or two non-photo IDs; certificates
    /// within 3 months (common practice, UNVERIFIED as a norm; editable per document type).
    pub fn private_operator() -> Self {
        let days90 = |doc_type| Freshness {
            doc_type,
            max_age_days: 90,
        };
        IdentityPolicy {
            non_photo_ids_needed: 2,
            remote_requires_resident_record: false,
            freshness: vec![
                days90(DocumentType::ResidentRecord),
                days90(DocumentType::FamilyRegister),
                days90(DocumentType::GuardianshipCertificate),
                days90(DocumentType::PowerOfAttorney),
                days90(DocumentType::SealCertificate),
            ],
            certificates_must_be_original: false,
            parent_may_use_resident_record: true,
            agent_extra: AgentExtraProof::SealCertificate,
            paper_insurance_card_invalid_from: NaiveDate::from_ymd_opt(2025, 12, 2),
        }
    }

    pub fn max_age_days(&self, doc_type: DocumentType) -> Option<u32> {
        self.freshness
            .iter()
            .find(|f| f.doc_type == doc_type)
            .map(|f| f.max_age_days)
    }

    /// Why a document does not count today, if it does not.
    pub fn problem(&self, doc: &AcceptedDocument, today: NaiveDate) -> Option<Missing> {
        let label = doc.doc_type.label_ja();
        let label_en = doc.doc_type.label_en();
        if let Some(expiry) = doc.expires_on
            && expiry < today
        {
            return Some(Missing::new(
                "document_expired",
                format!("{label}の有効期限（{expiry}）が切れています。"),
                format!("{label_en} expired on {expiry}."),
            ));
        }
        if doc.doc_type == DocumentType::HealthInsuranceCard
            && let Some(from) = self.paper_insurance_card_invalid_from
            && today >= from
        {
            return Some(Missing::new(
                "paper_insurance_card_invalid",
                format!("紙の健康保険証は{from}以降使用できません（資格確認書をご利用ください）。"),
                format!(
                    "Paper health insurance cards are invalid from {from}; use the 資格確認書."
                ),
            ));
        }
        if !doc.doc_type.is_dated_certificate() {
            return None;
        }
        if self.certificates_must_be_original && !doc.original {
            return Some(Missing::new(
                "certificate_not_original",
                format!("{label}は原本が必要です（コピー不可）。"),
                format!("{label_en} must be an original, not a copy."),
            ));
        }
        let Some(issued) = doc.issued_on.filter(|d| *d <= today) else {
            return Some(Missing::new(
                "issue_date_unknown",
                format!("{label}の発行日が確認できません。"),
                format!("The issue date of the {label_en} is missing or in the future."),
            ));
        };
        let age = (today - issued).num_days();
        match self.max_age_days(doc.doc_type) {
            Some(max) if age > i64::from(max) => Some(Missing::new(
                "certificate_too_old",
                format!(
                    "{label}は発行から{max}日以内のものが必要です（{issued}発行、{age}日経過）。"
                ),
                format!(
                    "The {label_en} must be issued within {max} days (issued {issued}, {age} days ago)."
                ),
            )),
            _ => None,
        }
    }
}

/// Something still needed, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    pub code: &'static str,
    pub text: Bilingual,
}

impl Missing {
    fn new(code: &'static str, ja: String, en: String) -> Self {
        Missing {
            code,
            text: Bilingual::owned(ja, en),
        }
    }

    fn fixed(code: &'static str, ja: &'static str, en: &'static str) -> Self {
        Missing {
            code,
            text: Bilingual::fixed(ja, en),
        }
    }
}

/// The verdict on a set of accepted documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", content = "missing", rename_all = "snake_case")]
pub enum IdentityEvaluation {
    Satisfied,
    Missing(Vec<Missing>),
}

impl IdentityEvaluation {
    pub fn is_satisfied(&self) -> bool {
        matches!(self, IdentityEvaluation::Satisfied)
    }
}

/// Decides whether the accepted documents prove who is asking and, for agents, their authority.
pub fn evaluate(
    requester: RequesterType,
    channel: Channel,
    documents: &[AcceptedDocument],
    policy: &IdentityPolicy,
    today: NaiveDate,
) -> IdentityEvaluation {
    let mut missing: Vec<Missing> = documents
        .iter()
        .filter_map(|d| policy.problem(d, today))
        .collect();
    let valid: Vec<&AcceptedDocument> = documents
        .iter()
        .filter(|d| policy.problem(d, today).is_none())
        .collect();
    let has = |holder: Holder, doc_type: DocumentType| {
        valid
            .iter()
            .any(|d| d.holder == holder && d.doc_type == doc_type)
    };

    // The person presenting: the principal, or the agent (whose own ID is required too).
    let presenter = if requester.is_agent() {
        Holder::Agent
    } else {
        Holder::Principal
    };
    let mut ids: Vec<DocumentType> = valid
        .iter()
        .filter(|d| d.holder == presenter && d.doc_type.is_identity_document())
        .map(|d| d.doc_type)
        .collect();
    ids.sort_by_key(|t| t.as_str());
    ids.dedup();
    let remote_rr = channel == Channel::Remote && policy.remote_requires_resident_record;
    if remote_rr {
        // An ID copy plus a fresh original 住民票の写し; the 住民票 does not count as the ID.
        let others = ids
            .iter()
            .filter(|t| **t != DocumentType::ResidentRecord)
            .count();
        if others == 0 {
            missing.push(own_id_missing(presenter, policy));
        }
        if !has(presenter, DocumentType::ResidentRecord) {
            missing.push(Missing::fixed(
                "resident_record",
                "住民票の写し（原本・発行から30日以内・個人番号の記載のないもの）",
                "An original certificate of residence issued within 30 days, without the My Number",
            ));
        }
    } else {
        let photo = ids.iter().any(|t| t.is_photo_id());
        let non_photo = ids.iter().filter(|t| !t.is_photo_id()).count();
        if !photo && non_photo < policy.non_photo_ids_needed as usize {
            missing.push(own_id_missing(presenter, policy));
        }
    }

    match requester {
        RequesterType::Principal => {}
        RequesterType::Parent => {
            let by_register = has(Holder::Principal, DocumentType::FamilyRegister)
                || has(Holder::Agent, DocumentType::FamilyRegister);
            let by_rr = policy.parent_may_use_resident_record
                && has(Holder::Principal, DocumentType::ResidentRecord);
            if !(by_register || by_rr) {
                missing.push(Missing::fixed(
                    "parental_authority",
                    "親権者であることを証明する書類（戸籍謄本・抄本など）",
                    "Proof of parental authority (family register extract, etc.)",
                ));
            }
        }
        RequesterType::AdultGuardian => {
            if !(has(Holder::Agent, DocumentType::GuardianshipCertificate)
                || has(Holder::Principal, DocumentType::GuardianshipCertificate))
            {
                missing.push(Missing::fixed(
                    "guardianship",
                    "成年後見人であることを証明する登記事項証明書",
                    "Certificate of registered matters proving the adult guardianship",
                ));
            }
        }
        RequesterType::AppointedAgent => {
            if !(has(Holder::Principal, DocumentType::PowerOfAttorney)
                || has(Holder::Agent, DocumentType::PowerOfAttorney))
            {
                missing.push(Missing::fixed(
                    "power_of_attorney",
                    "本人が作成した委任状",
                    "A power of attorney made by the person",
                ));
            }
            let seal = has(Holder::Principal, DocumentType::SealCertificate);
            let principal_id = valid
                .iter()
                .any(|d| d.holder == Holder::Principal && d.doc_type.is_identity_document());
            match policy.agent_extra {
                AgentExtraProof::None => {}
                AgentExtraProof::SealCertificate if !seal => missing.push(Missing::fixed(
                    "seal_certificate",
                    "委任状に押印した実印の印鑑登録証明書（本人のもの）",
                    "The person's seal registration certificate for the seal on the power of attorney",
                )),
                AgentExtraProof::SealCertificateOrPrincipalId if !(seal || principal_id) => {
                    missing.push(Missing::fixed(
                        "seal_certificate_or_principal_id",
                        "本人の印鑑登録証明書、又は本人の本人確認書類の写し",
                        "The person's seal registration certificate, or a copy of the person's ID",
                    ))
                }
                _ => {}
            }
        }
    }

    if missing.is_empty() {
        IdentityEvaluation::Satisfied
    } else {
        IdentityEvaluation::Missing(missing)
    }
}

fn own_id_missing(presenter: Holder, policy: &IdentityPolicy) -> Missing {
    let (who_ja, who_en) = match presenter {
        Holder::Principal => ("本人", "the person's"),
        Holder::Agent => ("代理人ご自身", "the agent's own"),
    };
    if policy.non_photo_ids_needed <= 1 {
        Missing::new(
            "identity_document",
            format!(
                "{who_ja}の本人確認書類1点（運転免許証、マイナンバーカード（表面）、資格確認書など）"
            ),
            format!(
                "One of {who_en} identity documents (driving licence, My Number Card front, 資格確認書, etc.)"
            ),
        )
    } else {
        Missing::new(
            "identity_document",
            format!(
                "{who_ja}の本人確認書類：顔写真付きのもの1点、又は顔写真のないもの{}点",
                policy.non_photo_ids_needed
            ),
            format!(
                "{} identity documents: one with a photo, or {} without",
                capitalise(who_en),
                policy.non_photo_ids_needed
            ),
        )
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
#[path = "identity_tests.rs"]
mod tests;
