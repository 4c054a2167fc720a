//! Each ready profile's office as its operator's published policy states it (the seeds in
//! docs/operators.md): every value the seed gives carries the seed and its section; what the seed
//! does not give is a placeholder "to confirm", which the public is never shown as fact.

use crate::domain::office::{Contact, Office, PaymentDestinations, PostalAddress};
use crate::domain::provenance::Sourced;
use crate::domain::text::Bilingual;

const JMIMO: &str = "004 J-MIMO プライバシーポリシー";
const KANAGAWA_POLICY: &str = "000 神奈川県マイME-BYOカルテ個人情報保護方針";
const KANAGAWA_SECURITY: &str = "001 神奈川県健康情報等プラットフォーム セキュリティポリシー";
const FUKUSHIMA: &str = "003 福島県LINE公式アカウント個人情報保護方針";

fn payment_to_confirm() -> PaymentDestinations {
    PaymentDestinations {
        bank_account: Sourced::to_confirm(None),
        registered_cash_to: Sourced::to_confirm(None),
        revenue_stamps: Sourced::to_confirm(false),
        note: Sourced::to_confirm(None),
    }
}

/// J-MIMO's 認定事業管理情報等相談センター receives every request form, by post or online.
pub fn jmimo() -> Office {
    const DESK: &str = "開示請求等及び提供停止・削除請求等、並びに関連内容に関するご相談窓口";
    let centre = PostalAddress {
        postcode: "112-0002".into(),
        // As published (the seed gives no 区).
        lines: Bilingual::fixed(
            "東京都小石川一丁目28番1号 小石川桜ビル6階",
            "Koishikawa Sakura Bldg. 6F, 1-28-1 Koishikawa, Tokyo",
        ),
        attention: Bilingual::fixed(
            "一般財団法人日本医師会医療情報管理機構 認定事業管理情報等相談センター",
            "J-MIMO Certified Business Information Consultation Centre",
        ),
    };
    Office {
        organisation: Sourced::seed(
            Bilingual::fixed(
                "一般財団法人日本医師会医療情報管理機構",
                "Japan Medical Association Medical Information Management Organization (J-MIMO)",
            ),
            JMIMO,
            "個人情報保護方針",
        ),
        representative: Sourced::to_confirm(None),
        department: Sourced::seed(
            Some(Bilingual::fixed(
                "認定事業管理情報等相談センター",
                "Certified Business Information Consultation Centre",
            )),
            JMIMO,
            "認定事業管理情報等相談センター",
        ),
        contact: Contact {
            desk: Sourced::seed(
                Bilingual::fixed(
                    "認定事業管理情報等相談センター",
                    "Certified Business Information Consultation Centre",
                ),
                JMIMO,
                DESK,
            ),
            postal: Sourced::seed(Some(centre.clone()), JMIMO, DESK),
            phone: Sourced::seed(
                Some("03-5981-9099（代表・苦情相談窓口）".into()),
                JMIMO,
                "個人情報苦情及び相談窓口",
            ),
            freephone: Sourced::seed(Some("0120-356-396".into()), JMIMO, DESK),
            email: Sourced::to_confirm(None),
            web_form: Sourced::to_confirm(None),
            hours: Sourced::seed(
                Bilingual::fixed(
                    "9時30分〜17時30分（土日祝日・年末年始は除く）",
                    "9:30-17:30 (except weekends, holidays and the year end)",
                ),
                JMIMO,
                DESK,
            ),
        },
        payment: payment_to_confirm(),
        originals_to: Sourced::seed(Some(centre), JMIMO, "各種請求に関する方法について"),
    }
}

/// 神奈川県: the prefecture decides (its governor signs the policy); the 運営事務局 answers.
pub fn kanagawa() -> Office {
    const DESK: &str = "§3.2 運営事務局の設置";
    let prefecture = PostalAddress {
        // The seed gives no postcode; the administrator adds it.
        postcode: String::new(),
        lines: Bilingual::fixed(
            "神奈川県横浜市中区日本大通り１",
            "1 Nihon-odori, Naka-ku, Yokohama, Kanagawa",
        ),
        attention: Bilingual::fixed(
            "神奈川県総務局デジタル戦略本部室デジタルサポートグループ（マイME-BYOカルテ運営事務局）",
            "Kanagawa Prefecture, Digital Support Group (My ME-BYO Karte office)",
        ),
    };
    Office {
        organisation: Sourced::seed(
            Bilingual::fixed("神奈川県知事", "Governor of Kanagawa Prefecture"),
            KANAGAWA_POLICY,
            "末尾（令和５年４月１日 神奈川県 知事）",
        ),
        representative: Sourced::seed(
            Some(Bilingual::fixed(
                "神奈川県知事 黒岩 裕治",
                "Yuji Kuroiwa, Governor of Kanagawa Prefecture",
            )),
            KANAGAWA_POLICY,
            "末尾（令和５年４月１日）",
        ),
        department: Sourced::seed(
            Some(Bilingual::fixed(
                "神奈川県総務局デジタル戦略本部室デジタルサポートグループ",
                "Digital Support Group, Digital Strategy Headquarters Office, General Affairs Bureau",
            )),
            KANAGAWA_SECURITY,
            DESK,
        ),
        contact: Contact {
            desk: Sourced::seed(
                Bilingual::fixed("マイME-BYOカルテ運営事務局", "My ME-BYO Karte office"),
                KANAGAWA_SECURITY,
                DESK,
            ),
            postal: Sourced::seed(Some(prefecture.clone()), KANAGAWA_SECURITY, DESK),
            phone: Sourced::seed(Some("045-285-0196".into()), KANAGAWA_SECURITY, DESK),
            freephone: Sourced::to_confirm(None),
            email: Sourced::to_confirm(None),
            web_form: Sourced::seed(
                Some("http://www.pref.kanagawa.jp/docs/fz7/cnt/f532715/p1118903.html".into()),
                KANAGAWA_SECURITY,
                DESK,
            ),
            hours: Sourced::seed(
                Bilingual::fixed(
                    "8:30〜17:15（土日祝日除く平日）",
                    "8:30-17:15 on weekdays (except weekends and holidays)",
                ),
                KANAGAWA_SECURITY,
                DESK,
            ),
        },
        payment: payment_to_confirm(),
        // The seed names the office's place, not where requests' originals go: a proposal the
        // prefecture confirms before the public is told to post there.
        originals_to: Sourced::to_confirm(Some(prefecture)),
    }
}

/// 福島県: the account is run by the prefecture; its page sits under 地域医療課.
pub fn fukushima() -> Office {
    Office {
        organisation: Sourced::seed(
            Bilingual::fixed("福島県", "Fukushima Prefecture"),
            FUKUSHIMA,
            "前文",
        ),
        representative: Sourced::to_confirm(Some(Bilingual::fixed(
            "福島県知事",
            "Governor of Fukushima Prefecture",
        ))),
        department: Sourced::seed(
            Some(Bilingual::fixed(
                "福島県 地域医療課",
                "Regional Medical Care Division, Fukushima Prefecture",
            )),
            FUKUSHIMA,
            "掲載ページ（組織でさがす > 地域医療課）",
        ),
        contact: Contact {
            desk: Sourced::seed(
                Bilingual::fixed("地域医療課", "Regional Medical Care Division"),
                FUKUSHIMA,
                "掲載ページ（組織でさがす > 地域医療課）",
            ),
            postal: Sourced::to_confirm(None),
            phone: Sourced::to_confirm(None),
            freephone: Sourced::to_confirm(None),
            email: Sourced::to_confirm(None),
            web_form: Sourced::to_confirm(None),
            // Copied from Kanagawa's: the seed gives none.
            hours: Sourced::to_confirm(Bilingual::fixed(
                "平日 8:30〜17:15（祝日・年末年始を除く）",
                "Weekdays 8:30-17:15 (except holidays and year-end)",
            )),
        },
        payment: payment_to_confirm(),
        originals_to: Sourced::to_confirm(None),
    }
}

/// A national body: the 行政機関の長 receives requests (Art. 76(1)); everything about its own
/// office is the operator's to fill in.
pub fn national() -> Office {
    let mut office = Office::to_confirm(
        Bilingual::fixed("国の行政機関", "National administrative body"),
        Bilingual::fixed(
            "平日（行政機関の休日を除く）の執務時間内",
            "Office hours on weekdays (except the closed days of administrative organs)",
        ),
    );
    office.contact.hours = Sourced::statute(
        Bilingual::fixed(
            "行政機関の休日（土日・祝日・12月29日〜1月3日）を除く日の執務時間内",
            "Working hours on days other than the closed days of administrative organs \
             (weekends, holidays, 29 December to 3 January)",
        ),
        "行政機関の休日に関する法律第1条",
    );
    office.representative = Sourced::statute(
        Some(Bilingual::fixed(
            "行政機関の長",
            "Head of the administrative organ",
        )),
        "個人情報保護法第76条第1項",
    );
    office
}

/// A private business: no seed; every value is the operator's to confirm.
pub fn private() -> Office {
    Office::to_confirm(
        Bilingual::fixed("個人情報取扱事業者", "Private business"),
        Bilingual::fixed(
            "平日 9:00〜17:00（土日祝日・年末年始を除く）",
            "Weekdays 9:00-17:00 (except weekends, holidays and year-end)",
        ),
    )
}

#[cfg(test)]
mod tests {
    use crate::domain::profile::ProfileName;

    fn public_text(name: ProfileName) -> String {
        name.profile()
            .office
            .public_contact()
            .iter()
            .map(|l| format!("{}: {}\n", l.label.ja, l.value.ja))
            .collect()
    }

    #[test]
    fn each_seed_s_desk_is_public_and_nothing_else_is_guessed() {
        let jmimo = public_text(ProfileName::Jmimo);
        for fact in [
            "認定事業管理情報等相談センター",
            "〒112-0002 東京都小石川一丁目28番1号 小石川桜ビル6階",
            "0120-356-396",
            "9時30分〜17時30分",
        ] {
            assert!(jmimo.contains(fact), "{fact} in {jmimo}");
        }
        let kanagawa = public_text(ProfileName::Kanagawa);
        for fact in ["045-285-0196", "8:30〜17:15", "運営事務局", "p1118903.html"] {
            assert!(kanagawa.contains(fact), "{fact} in {kanagawa}");
        }
        // Where originals go is not in Kanagawa's seed: proposed, not public.
        assert_eq!(
            ProfileName::Kanagawa.profile().office.public_originals_to(),
            None
        );
        let fukushima = public_text(ProfileName::Fukushima);
        assert!(fukushima.contains("地域医療課"));
        assert!(
            !fukushima.contains("8:30"),
            "hours copied from Kanagawa are not shown"
        );
        assert!(fukushima.contains("お問い合わせください"));
        assert!(public_text(ProfileName::National).contains("行政機関の休日"));
        let private = public_text(ProfileName::Private);
        assert!(!private.contains("9:00"));
    }
}
