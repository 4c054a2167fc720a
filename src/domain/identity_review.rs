//! What a reviewer checks on each identity document, and what must never be kept
//! (docs/identity.md §4: 番号法 Arts. 15/19/20; 健康保険法 Art. 194-2 告知要求制限).

use crate::domain::identity::DocumentType;
use crate::domain::names::stable_names;
use crate::domain::text::Bilingual;

/// One box a reviewer ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckItem {
    TypeAndLegibility,
    NameMatches,
    AddressMatches,
    BirthDateMatches,
    ValidOrFresh,
    OriginalCertificate,
    FrontSideOnly,
    InsurerNumberMasked,
    InsuredSymbolNumberMasked,
    QrCodeMasked,
    NoMyNumberOnResidentRecord,
    HonsekiMasked,
    RelationshipShown,
    MandateContent,
    SealMatches,
}

stable_names!(CheckItem, "checklist item", {
    TypeAndLegibility => "document_type",
    NameMatches => "name_matches",
    AddressMatches => "address_matches",
    BirthDateMatches => "birth_date_matches",
    ValidOrFresh => "valid_or_fresh",
    OriginalCertificate => "original_certificate",
    FrontSideOnly => "front_side_only",
    InsurerNumberMasked => "insurer_number_masked",
    InsuredSymbolNumberMasked => "insured_symbol_number_masked",
    QrCodeMasked => "qr_code_masked",
    NoMyNumberOnResidentRecord => "no_my_number_on_resident_record",
    HonsekiMasked => "honseki_masked",
    RelationshipShown => "relationship_shown",
    MandateContent => "mandate_content",
    SealMatches => "seal_matches",
});

impl CheckItem {
    pub fn text(self) -> Bilingual {
        use CheckItem::*;
        match self {
            TypeAndLegibility => Bilingual::fixed(
                "書類の種類が申告どおりで、判読できる",
                "The document is of the declared type and legible",
            ),
            NameMatches => Bilingual::fixed(
                "氏名が請求書と一致する",
                "The name matches the request form",
            ),
            AddressMatches => Bilingual::fixed(
                "住所が請求書と一致する（不一致なら住民票の写しを求める）",
                "The address matches the request form (if not, ask for a certificate of residence)",
            ),
            BirthDateMatches => Bilingual::fixed(
                "生年月日が請求書と一致する",
                "The date of birth matches the request form",
            ),
            ValidOrFresh => Bilingual::fixed(
                "有効期限内である／発行日が基準日数以内である",
                "Within its validity, or issued within the allowed number of days",
            ),
            OriginalCertificate => Bilingual::fixed(
                "原本である（必要な場合）",
                "It is an original (where required)",
            ),
            FrontSideOnly => Bilingual::fixed(
                "表面のみである（裏面の個人番号が写っていない）",
                "Front side only (the My Number on the back is not shown)",
            ),
            InsurerNumberMasked => Bilingual::fixed(
                "保険者番号が復元できないよう塗りつぶされている",
                "The insurer number is masked beyond recovery",
            ),
            InsuredSymbolNumberMasked => Bilingual::fixed(
                "被保険者等記号・番号が復元できないよう塗りつぶされている",
                "The insured person's symbol and number are masked beyond recovery",
            ),
            QrCodeMasked => {
                Bilingual::fixed("QRコードが塗りつぶされている", "The QR code is masked")
            }
            NoMyNumberOnResidentRecord => {
                Bilingual::fixed("個人番号の記載がない", "No My Number is printed on it")
            }
            HonsekiMasked => Bilingual::fixed(
                "本籍が塗りつぶされている",
                "The registered domicile (本籍) is blacked out",
            ),
            RelationshipShown => Bilingual::fixed(
                "本人と代理人の関係（続柄）が確認できる",
                "The relationship between the person and the representative is shown",
            ),
            MandateContent => Bilingual::fixed(
                "委任の内容・日付・本人の署名押印がある",
                "States what is mandated, the date, and bears the person's signature and seal",
            ),
            SealMatches => Bilingual::fixed(
                "委任状の印影が印鑑登録証明書と一致する",
                "The seal on the power of attorney matches the registration certificate",
            ),
        }
    }
}

/// The checklist for a document type, in review order.
pub fn checklist(doc_type: DocumentType) -> Vec<CheckItem> {
    use CheckItem::*;
    use DocumentType as D;
    let mut items = vec![TypeAndLegibility, NameMatches];
    let shows_address = !matches!(doc_type, D::Passport | D::FamilyRegister);
    if shows_address {
        items.push(AddressMatches);
    }
    if !matches!(doc_type, D::PowerOfAttorney) {
        items.push(BirthDateMatches);
    }
    items.push(ValidOrFresh);
    if doc_type.is_dated_certificate() {
        items.push(OriginalCertificate);
    }
    match doc_type {
        D::MyNumberCard => items.push(FrontSideOnly),
        D::HealthInsuranceCard | D::QualificationCertificate => {
            items.extend([InsurerNumberMasked, InsuredSymbolNumberMasked, QrCodeMasked]);
        }
        D::ResidentRecord => items.extend([NoMyNumberOnResidentRecord, RelationshipShown]),
        D::DriversLicence => items.push(HonsekiMasked),
        D::FamilyRegister => items.push(RelationshipShown),
        D::PowerOfAttorney => items.extend([MandateContent, SealMatches]),
        _ => {}
    }
    items
}

/// Something a reviewer found that must not be kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MaskingFinding {
    /// An image of the back of a マイナンバーカード: the My Number is present.
    MyNumberCardBackSide,
    MyNumberOnResidentRecord,
    InsuranceNumbersVisible,
    InsuranceQrCodeVisible,
    HonsekiVisible,
}

stable_names!(MaskingFinding, "masking finding", {
    MyNumberCardBackSide => "my_number_card_back_side",
    MyNumberOnResidentRecord => "my_number_on_resident_record",
    InsuranceNumbersVisible => "insurance_numbers_visible",
    InsuranceQrCodeVisible => "insurance_qr_code_visible",
    HonsekiVisible => "honseki_visible",
});

/// What to do about a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MaskingAction {
    /// Do not keep it: destroy the image (or mask irreversibly) and record that this was done
    /// (番号法 Art. 20 forbids keeping another person's 個人番号; handling detail UNVERIFIED).
    DestroyAndRecord,
    /// Mask so that it cannot be restored before storing (健康保険法 Art. 194-2; 本籍 practice).
    MaskBeforeStoring,
}

stable_names!(MaskingAction, "masking action", {
    DestroyAndRecord => "destroy_and_record",
    MaskBeforeStoring => "mask_before_storing",
});

impl MaskingFinding {
    pub fn required_action(self) -> MaskingAction {
        match self {
            MaskingFinding::MyNumberCardBackSide | MaskingFinding::MyNumberOnResidentRecord => {
                MaskingAction::DestroyAndRecord
            }
            MaskingFinding::InsuranceNumbersVisible
            | MaskingFinding::InsuranceQrCodeVisible
            | MaskingFinding::HonsekiVisible => MaskingAction::MaskBeforeStoring,
        }
    }

    /// The instruction for the reviewer.
    pub fn instruction(self) -> Bilingual {
        match self {
            MaskingFinding::MyNumberCardBackSide => Bilingual::fixed(
                "マイナンバーカードの裏面（個人番号）の画像は保管できません。直ちに廃棄し、廃棄した旨を記録して、表面のみの再提出を依頼してください。",
                "An image of the back of a My Number Card (the My Number) must not be kept: destroy it now, record the destruction, and ask for the front side only.",
            ),
            MaskingFinding::MyNumberOnResidentRecord => Bilingual::fixed(
                "個人番号が記載された住民票の写しは保管できません。個人番号を復元できないよう消去するか廃棄し、その旨を記録して、個人番号の記載のないものを依頼してください。",
                "A certificate of residence showing the My Number must not be kept: erase the number irreversibly or destroy it, record this, and ask for one without the My Number.",
            ),
            MaskingFinding::InsuranceNumbersVisible => Bilingual::fixed(
                "保険者番号・被保険者等記号・番号は告知要求制限の対象です。保存前に復元できないよう塗りつぶし、番号を転記しないでください。",
                "Insurer and insured numbers may not be collected (健康保険法 Art. 194-2): mask them beyond recovery before storing and never transcribe them.",
            ),
            MaskingFinding::InsuranceQrCodeVisible => Bilingual::fixed(
                "QRコードには被保険者番号等が含まれます。保存前に塗りつぶしてください。",
                "The QR code encodes the insurance numbers: mask it before storing.",
            ),
            MaskingFinding::HonsekiVisible => Bilingual::fixed(
                "運転免許証の本籍は不要です。保存前に塗りつぶしてください。",
                "The registered domicile on a driving licence is not needed: black it out before storing.",
            ),
        }
    }
}

/// Warnings shown before a requester uploads identity documents.
pub const PRE_UPLOAD_WARNINGS: &[Bilingual] = &[
    Bilingual::fixed(
        "マイナンバーカードは表面のみをアップロードしてください。裏面（個人番号）は送らないでください。",
        "Upload only the front of your My Number Card. Do not send the back (it shows your My Number).",
    ),
    Bilingual::fixed(
        "資格確認書・健康保険証は、保険者番号、被保険者等記号・番号およびQRコードを塗りつぶしてからアップロードしてください。",
        "On a health insurance eligibility certificate or insurance card, mask the insurer number, the insured person's symbol and number, and the QR code before uploading.",
    ),
    Bilingual::fixed(
        "住民票の写しは、個人番号の記載のないものを取得してください。",
        "Obtain your certificate of residence without the My Number printed on it.",
    ),
    Bilingual::fixed(
        "運転免許証に本籍が記載されている場合は、塗りつぶしてください。",
        "If your driving licence shows your registered domicile (本籍), black it out.",
    ),
    Bilingual::fixed(
        "紙の健康保険証は2025年12月2日以降、本人確認書類として使えません。",
        "Paper health insurance cards cannot be used as identity documents from 2 December 2025.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn my_number_card_front_only_and_back_is_destroyed() {
        assert!(checklist(DocumentType::MyNumberCard).contains(&CheckItem::FrontSideOnly));
        assert_eq!(
            MaskingFinding::MyNumberCardBackSide.required_action(),
            MaskingAction::DestroyAndRecord
        );
        assert!(
            MaskingFinding::MyNumberCardBackSide
                .instruction()
                .ja
                .contains("廃棄")
        );
    }

    #[test]
    fn insurance_documents_need_three_masks() {
        for doc in [
            DocumentType::HealthInsuranceCard,
            DocumentType::QualificationCertificate,
        ] {
            let items = checklist(doc);
            for item in [
                CheckItem::InsurerNumberMasked,
                CheckItem::InsuredSymbolNumberMasked,
                CheckItem::QrCodeMasked,
            ] {
                assert!(items.contains(&item), "{doc}: {item}");
            }
        }
        assert_eq!(
            MaskingFinding::InsuranceQrCodeVisible.required_action(),
            MaskingAction::MaskBeforeStoring
        );
    }

    #[test]
    fn other_document_rules() {
        assert!(
            checklist(DocumentType::ResidentRecord)
                .contains(&CheckItem::NoMyNumberOnResidentRecord)
        );
        assert!(checklist(DocumentType::DriversLicence).contains(&CheckItem::HonsekiMasked));
        assert_eq!(
            checklist(DocumentType::Passport),
            vec![
                CheckItem::TypeAndLegibility,
                CheckItem::NameMatches,
                CheckItem::BirthDateMatches,
                CheckItem::ValidOrFresh
            ]
        );
        assert!(checklist(DocumentType::PowerOfAttorney).contains(&CheckItem::SealMatches));
        for doc in DocumentType::ALL {
            let items = checklist(*doc);
            assert_eq!(items[0], CheckItem::TypeAndLegibility);
            assert!(items.contains(&CheckItem::ValidOrFresh));
        }
        assert_eq!(PRE_UPLOAD_WARNINGS.len(), 5);
        assert!(
            PRE_UPLOAD_WARNINGS
                .iter()
                .all(|w| !w.ja.is_empty() && !w.en.is_empty())
        );
    }
}
