//! The 教示 of a public body's 処分 (行政不服審査法 Art. 82(1), 行政事件訴訟法 Art. 46(1)): where a
//! 審査請求 goes and within what period, and whom to sue and within what period — every value
//! from the operator's letter settings. A value the operator has not confirmed is never printed
//! to the requester as fact: the letter names the authority by the statute that fixes it, and a
//! staff preview shows the default marked 「要確認」.

use super::settings::LetterSettings;
use crate::domain::provenance::Sourced;
use crate::domain::text::Bilingual;

/// Who reads the text: the requester (confirmed values only) or staff previewing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Requester,
    StaffPreview,
}

/// The value to print: confirmed, or the statutory description for the requester, or the
/// default marked to confirm on a staff preview.
fn shown(
    value: &Sourced<Option<Bilingual>>,
    statutory: Bilingual,
    audience: Audience,
) -> Bilingual {
    match (value.public(), &value.value, audience) {
        (Some(Some(v)), _, _) => v.clone(),
        (_, Some(v), Audience::StaffPreview) => Bilingual::owned(
            format!("{}【要確認】", v.ja),
            format!("{} [to confirm]", v.en),
        ),
        (_, None, Audience::StaffPreview) => Bilingual::owned(
            format!("{}【要確認】", statutory.ja),
            format!("{} [to confirm]", statutory.en),
        ),
        _ => statutory,
    }
}

fn months(value: &Sourced<u32>, audience: Audience) -> (String, String) {
    let marker = !value.is_confirmed() && audience == Audience::StaffPreview;
    (
        format!(
            "{}か月{}",
            value.value,
            if marker { "【要確認】" } else { "" }
        ),
        format!(
            "{} months{}",
            value.value,
            if marker { " [to confirm]" } else { "" }
        ),
    )
}

/// The 教示 printed under a public body's decision or dismissal.
pub fn instruction(settings: &LetterSettings, audience: Audience) -> Bilingual {
    let authority = shown(
        &settings.review_authority,
        Bilingual::fixed(
            "行政不服審査法第4条の規定により審査請求をすべき行政庁",
            "the authority that the Administrative Appeal Act (Art. 4) designates",
        ),
        audience,
    );
    let defendant = shown(
        &settings.lawsuit_defendant,
        Bilingual::fixed(
            "行政事件訴訟法第11条の規定により被告とすべき者",
            "the defendant that the Administrative Case Litigation Act (Art. 11) designates",
        ),
        audience,
    );
    let (review_ja, review_en) = months(&settings.review_months, audience);
    let (suit_ja, suit_en) = months(&settings.lawsuit_months, audience);
    Bilingual::owned(
        format!(
            "【教示】\n1　この決定に不服がある場合は、行政不服審査法第2条の規定により、この決定があったことを知った日の翌日から起算して{review_ja}以内に、{}に対して審査請求をすることができます。\n2　この決定の取消しを求める訴訟は、行政事件訴訟法第14条の規定により、この決定があったことを知った日から{suit_ja}以内に、{}を被告として提起することができます。ただし、1の審査請求をした場合には、その審査請求に対する裁決があったことを知った日から{suit_ja}以内に提起することができます。",
            authority.ja, defendant.ja
        ),
        format!(
            "[How to challenge this decision]\n1. If you object to this decision, you may file a request for review with {} within {review_en} from the day after you learned of it (Administrative Appeal Act, Art. 2).\n2. You may bring an action to revoke this decision against {} within {suit_en} from the day you learned of it (Administrative Case Litigation Act, Art. 14); if you file a request for review, within {suit_en} from the day you learn of the ruling on it.",
            authority.en, defendant.en
        ),
    )
}

/// A private operator's closing: where to take a complaint about how the request was handled.
pub fn complaint(contact: &Bilingual) -> Bilingual {
    Bilingual::owned(
        format!(
            "【お問い合わせ・苦情の申出先】\nこの通知の内容についてのお問い合わせや、個人情報の取扱いに関する苦情は、{}までお申し出ください。",
            contact.ja
        ),
        format!(
            "[Questions and complaints]\nFor questions about this letter or complaints about how we handle personal information, please contact {}.",
            contact.en
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::provenance::Provenance;
    use crate::domain::regime::Regime;

    #[test]
    fn unconfirmed_names_are_never_printed_as_fact() {
        let mut settings = LetterSettings::defaults(Regime::LocalBody, None);
        settings.lawsuit_defendant =
            Sourced::to_confirm(Some(Bilingual::fixed("神奈川県", "Kanagawa")));
        let letter = instruction(&settings, Audience::Requester).ja;
        assert!(letter.contains("行政不服審査法第4条の規定により審査請求をすべき行政庁に対して"));
        assert!(letter.contains("行政事件訴訟法第11条の規定により被告とすべき者を被告として"));
        assert!(!letter.contains("神奈川県") && !letter.contains("要確認"));
        let preview = instruction(&settings, Audience::StaffPreview).ja;
        assert!(
            preview.contains("神奈川県【要確認】を被告として"),
            "{preview}"
        );
        assert!(
            preview.contains("3か月以内"),
            "statutory periods are confirmed"
        );

        settings.review_authority = Sourced {
            value: Some(Bilingual::fixed("神奈川県知事", "the Governor of Kanagawa")),
            provenance: Provenance::ConfirmedByOperator,
        };
        let letter = instruction(&settings, Audience::Requester);
        assert!(
            letter
                .ja
                .contains("3か月以内に、神奈川県知事に対して審査請求")
        );
        assert!(
            letter
                .en
                .contains("with the Governor of Kanagawa within 3 months")
        );
        assert!(letter.ja.contains("6か月以内"));
    }
}
