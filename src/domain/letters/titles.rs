//! Letter titles. A public body's titles use the administrative forms (「…開示をする旨の決定に
//! ついて（通知）」; a 一部開示 is a decision to disclose, with what is withheld and why in the
//! letter); a private operator's say what happened in plain words, 「…について（通知）」, with no
//! administrative terms (no 決定, 却下 or 移送).

use super::LetterKind;
use crate::domain::kind::RequestKind;
use crate::domain::outcome::Outcome;
use crate::domain::regime::Regime;
use crate::domain::text::Bilingual;

/// What the request is called in a title: 「保有個人情報開示請求」.
pub fn request_noun(request: RequestKind, regime: Regime) -> Bilingual {
    use RequestKind::*;
    if regime.is_public_body() {
        return match request {
            Correction => Bilingual::fixed("保有個人情報訂正請求", "request for correction"),
            Suspension | ThirdPartyStop => {
                Bilingual::fixed("保有個人情報利用停止請求", "request to suspend use")
            }
            _ => Bilingual::fixed("保有個人情報開示請求", "request for disclosure"),
        };
    }
    match request {
        PurposeNotice => Bilingual::fixed(
            "利用目的の通知のご請求",
            "request to be told the purpose of use",
        ),
        Disclosure => Bilingual::fixed("保有個人データの開示のご請求", "request for disclosure"),
        ProvisionRecords => Bilingual::fixed(
            "第三者提供記録の開示のご請求",
            "request for disclosure of third-party provision records",
        ),
        Correction => Bilingual::fixed("保有個人データの訂正等のご請求", "request for correction"),
        Suspension => Bilingual::fixed("保有個人データの利用停止等のご請求", "request to stop use"),
        ThirdPartyStop => Bilingual::fixed(
            "第三者提供の停止のご請求",
            "request to stop provision to third parties",
        ),
        ProvisionStop => Bilingual::fixed(
            "医療情報の提供停止のお求め",
            "request to stop provision of medical information",
        ),
    }
}

/// The decision family of a public body's procedural titles: 開示決定等, 訂正決定等, 利用停止決定等.
fn decisions_word(request: RequestKind) -> Bilingual {
    match request {
        RequestKind::Correction => Bilingual::fixed("訂正決定等", "decision on correction"),
        RequestKind::Suspension | RequestKind::ThirdPartyStop => {
            Bilingual::fixed("利用停止決定等", "decision on suspension")
        }
        _ => Bilingual::fixed("開示決定等", "decision on disclosure"),
    }
}

fn owned(ja: String, en: String) -> Bilingual {
    Bilingual::owned(ja, en)
}

/// A decision's title under a public body.
fn public_decision(outcome: Outcome) -> Bilingual {
    use Outcome::*;
    match outcome {
        FullDisclosure | PartialDisclosure | Notify => Bilingual::fixed(
            "保有個人情報の開示をする旨の決定について（通知）",
            "Decision to disclose personal information",
        ),
        NonDisclosure | NeitherConfirmNorDeny | NotHeld | NotNotify => Bilingual::fixed(
            "保有個人情報の開示をしない旨の決定について（通知）",
            "Decision not to disclose personal information",
        ),
        Correct => Bilingual::fixed(
            "保有個人情報の訂正をする旨の決定について（通知）",
            "Decision to correct personal information",
        ),
        NotCorrect => Bilingual::fixed(
            "保有個人情報の訂正をしない旨の決定について（通知）",
            "Decision not to correct personal information",
        ),
        Suspend | StopProvision => Bilingual::fixed(
            "保有個人情報の利用停止をする旨の決定について（通知）",
            "Decision to suspend the use of personal information",
        ),
        NotSuspend | NotStopProvision => Bilingual::fixed(
            "保有個人情報の利用停止をしない旨の決定について（通知）",
            "Decision not to suspend the use of personal information",
        ),
        // Deletion is asked of a 次世代医療基盤法 producer, never of a public body; the titles
        // stay exhaustive all the same.
        Delete => Bilingual::fixed(
            "保有個人情報の削除をする旨の決定について（通知）",
            "Decision to delete personal information",
        ),
        NotDelete => Bilingual::fixed(
            "保有個人情報の削除をしない旨の決定について（通知）",
            "Decision not to delete personal information",
        ),
    }
}

/// A decision's title from a private operator, in plain words.
fn private_decision(outcome: Outcome, request: RequestKind) -> Bilingual {
    use Outcome::*;
    let data = if request == RequestKind::ProvisionRecords {
        Bilingual::fixed("第三者提供記録", "third-party provision records")
    } else {
        Bilingual::fixed("保有個人データ", "personal data")
    };
    let medical = request == RequestKind::ProvisionStop;
    match outcome {
        Notify => Bilingual::fixed(
            "保有個人データの利用目的について（通知）",
            "The purpose of use of your personal data",
        ),
        NotNotify => Bilingual::fixed(
            "保有個人データの利用目的を通知しないことについて（通知）",
            "We will not notify the purpose of use",
        ),
        FullDisclosure | PartialDisclosure => owned(
            format!("{}の開示について（通知）", data.ja),
            format!("Disclosure of your {}", data.en),
        ),
        NonDisclosure | NeitherConfirmNorDeny => owned(
            format!("{}を開示しないことについて（通知）", data.ja),
            format!("We will not disclose your {}", data.en),
        ),
        NotHeld => owned(
            format!("ご請求の{}が存在しないことについて（通知）", data.ja),
            format!("We hold no {} as requested", data.en),
        ),
        Correct => Bilingual::fixed(
            "保有個人データの訂正等の実施について（通知）",
            "Your personal data has been corrected",
        ),
        NotCorrect => Bilingual::fixed(
            "保有個人データの訂正等を行わないことについて（通知）",
            "We will not correct your personal data",
        ),
        Suspend => Bilingual::fixed(
            "保有個人データの利用停止等の実施について（通知）",
            "We have stopped using your personal data",
        ),
        NotSuspend => Bilingual::fixed(
            "保有個人データの利用停止等を行わないことについて（通知）",
            "We will not stop using your personal data",
        ),
        StopProvision if medical => Bilingual::fixed(
            "医療情報の提供停止について（通知）",
            "We have stopped providing your medical information",
        ),
        NotStopProvision if medical => Bilingual::fixed(
            "医療情報の提供停止を行わないことについて（通知）",
            "We will not stop providing your medical information",
        ),
        StopProvision => Bilingual::fixed(
            "第三者提供の停止の実施について（通知）",
            "We have stopped providing your data to third parties",
        ),
        NotStopProvision => Bilingual::fixed(
            "第三者提供の停止を行わないことについて（通知）",
            "We will not stop providing your data to third parties",
        ),
        Delete => Bilingual::fixed(
            "医療情報の削除について（通知）",
            "We have deleted your medical information",
        ),
        NotDelete => Bilingual::fixed(
            "医療情報の削除を行わないことについて（通知）",
            "We will not delete your medical information",
        ),
    }
}

/// A decision title narrowed to one of Art. 84's two decisions: 「…の決定（相当の部分）について
/// （通知）」. A title without 「の決定について」 (a private operator's) takes the words before
/// its last 「について」.
fn scoped(whole: Bilingual, (ja, en): (&str, &str)) -> Bilingual {
    let ja_title = match whole.ja.rfind("について") {
        Some(at) => format!("{}（{ja}）{}", &whole.ja[..at], &whole.ja[at..]),
        None => format!("{}（{ja}）", whole.ja),
    };
    owned(ja_title, format!("{} ({en}, Art. 84)", whole.en))
}

/// The title of a letter of `kind` on a `request` under `regime`.
pub fn title(kind: LetterKind, request: RequestKind, regime: Regime) -> Bilingual {
    let noun = request_noun(request, regime);
    let public = regime.is_public_body();
    match kind {
        LetterKind::Receipt => owned(
            format!("{}の受付について（通知）", noun.ja),
            format!("Receipt of your {}", noun.en),
        ),
        LetterKind::CorrectionRequest if public => owned(
            format!("{}書の補正について（依頼）", noun.ja),
            format!("Request to amend your {}", noun.en),
        ),
        LetterKind::CorrectionRequest => owned(
            format!("{}の内容の確認について（お願い）", noun.ja),
            format!("Please complete your {}", noun.en),
        ),
        LetterKind::FeeInvoice => {
            Bilingual::fixed("手数料の納付について（通知）", "Fees to be paid")
        }
        LetterKind::PaymentReceipt => {
            Bilingual::fixed("手数料の受領について（通知）", "Receipt of your payment")
        }
        LetterKind::Extension if public => {
            let word = decisions_word(request);
            owned(
                format!("{}の期限の延長について（通知）", word.ja),
                format!("Extension of the period for the {}", word.en),
            )
        }
        LetterKind::Extension => owned(
            format!("{}へのご回答の時期について（通知）", noun.ja),
            format!("When we will answer your {}", noun.en),
        ),
        LetterKind::SpecialExtension => {
            let word = decisions_word(request);
            owned(
                format!("{}の期限の特例規定の適用について（通知）", word.ja),
                format!(
                    "Special extension of the period for the {} (large volume)",
                    word.en
                ),
            )
        }
        LetterKind::Decision(outcome) if public => public_decision(outcome),
        LetterKind::Decision(outcome) => private_decision(outcome, request),
        // Art. 84 is a public body's rule; its two decisions are told apart in the title.
        LetterKind::PartDecision(outcome) => scoped(
            title(LetterKind::Decision(outcome), request, regime),
            ("相当の部分", "considerable part decided first"),
        ),
        LetterKind::RemainderDecision(outcome) => scoped(
            title(LetterKind::Decision(outcome), request, regime),
            ("残りの部分", "remainder"),
        ),
        LetterKind::ThirdPartyNotice => Bilingual::fixed(
            "反対意見書に係る保有個人情報の開示決定について（通知）",
            "Decision to disclose information you objected to",
        ),
        LetterKind::Dismissal if public => owned(
            format!("{}の却下について（通知）", noun.ja),
            format!("Dismissal of your {}", noun.en),
        ),
        LetterKind::Dismissal => owned(
            format!("{}にお応えできないことについて（通知）", noun.ja),
            format!("We cannot proceed with your {}", noun.en),
        ),
        LetterKind::Transfer => owned(
            format!("{}に係る事案の移送について（通知）", noun.ja),
            format!("Transfer of your {} to another body", noun.en),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn public_titles_follow_the_forms() {
        let t = |kind, request, regime| title(kind, request, regime).ja.into_owned();
        let partial = LetterKind::Decision(Outcome::PartialDisclosure);
        assert_eq!(
            t(partial, RequestKind::Disclosure, Regime::NationalBody),
            "保有個人情報の開示をする旨の決定について（通知）"
        );
        assert_eq!(
            t(
                LetterKind::Decision(Outcome::NotHeld),
                RequestKind::Disclosure,
                Regime::LocalBody
            ),
            "保有個人情報の開示をしない旨の決定について（通知）"
        );
        assert_eq!(
            t(
                LetterKind::Decision(Outcome::NotCorrect),
                RequestKind::Correction,
                Regime::LocalBody
            ),
            "保有個人情報の訂正をしない旨の決定について（通知）"
        );
        assert_eq!(
            t(
                LetterKind::Decision(Outcome::Suspend),
                RequestKind::Suspension,
                Regime::NationalBody
            ),
            "保有個人情報の利用停止をする旨の決定について（通知）"
        );
        assert_eq!(
            t(
                LetterKind::Extension,
                RequestKind::Disclosure,
                Regime::NationalBody
            ),
            "開示決定等の期限の延長について（通知）"
        );
        assert_eq!(
            t(
                LetterKind::SpecialExtension,
                RequestKind::Correction,
                Regime::NationalBody
            ),
            "訂正決定等の期限の特例規定の適用について（通知）"
        );
        assert_eq!(
            t(
                LetterKind::Transfer,
                RequestKind::Disclosure,
                Regime::NationalBody
            ),
            "保有個人情報開示請求に係る事案の移送について（通知）"
        );
        assert_eq!(
            t(
                LetterKind::CorrectionRequest,
                RequestKind::Disclosure,
                Regime::LocalBody
            ),
            "保有個人情報開示請求書の補正について（依頼）"
        );
    }

    const ADMINISTRATIVE: [&str; 6] = ["決定", "却下", "移送", "補正", "保有個人情報", "処分"];

    fn all_kinds() -> Vec<LetterKind> {
        let mut kinds = vec![
            LetterKind::Receipt,
            LetterKind::CorrectionRequest,
            LetterKind::FeeInvoice,
            LetterKind::PaymentReceipt,
            LetterKind::Extension,
            LetterKind::SpecialExtension,
            LetterKind::Dismissal,
        ];
        kinds.extend(Outcome::ALL.iter().map(|o| LetterKind::Decision(*o)));
        kinds
    }

    #[test]
    fn art_84_decisions_and_the_third_party_notice_have_titles_of_their_own() {
        let t = |kind| title(kind, RequestKind::Disclosure, Regime::NationalBody);
        let partial = Outcome::PartialDisclosure;
        assert_eq!(
            t(LetterKind::PartDecision(partial)).ja,
            "保有個人情報の開示をする旨の決定（相当の部分）について（通知）"
        );
        assert_eq!(
            t(LetterKind::RemainderDecision(Outcome::NonDisclosure)).ja,
            "保有個人情報の開示をしない旨の決定（残りの部分）について（通知）"
        );
        assert!(
            t(LetterKind::RemainderDecision(partial))
                .en
                .ends_with("(remainder, Art. 84)")
        );
        assert_eq!(
            t(LetterKind::ThirdPartyNotice).ja,
            "反対意見書に係る保有個人情報の開示決定について（通知）"
        );
    }

    proptest! {
        /// Every letter a private operator can send is a 「…について（通知）」 (or a request)
        /// without administrative terms, and a public body's decision to disclose never says
        /// it does not.
        #[test]
        fn titles_fit_their_regime(
            k in 0usize..20, r in 0usize..7,
            regime in prop::sample::select(vec![Regime::PrivateBusiness, Regime::MedicalDataHandler, Regime::NationalBody, Regime::LocalBody]),
        ) {
            let kinds = all_kinds();
            let kind = kinds[k % kinds.len()];
            let request = RequestKind::ALL[r % RequestKind::ALL.len()];
            let t = title(kind, request, regime);
            prop_assert!(t.ja.ends_with('）') && !t.en.is_empty());
            if !regime.is_public_body() && kind != LetterKind::SpecialExtension {
                for word in ADMINISTRATIVE {
                    prop_assert!(!t.ja.contains(word), "{} in {}", word, t.ja);
                }
            }
            if let (true, LetterKind::Decision(o)) = (regime.is_public_body(), kind) {
                prop_assert_eq!(t.ja.contains("しない旨"), o.refuses() && o != Outcome::PartialDisclosure);
            }
        }
    }
}
