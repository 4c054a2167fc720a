//! Notices to requesters, rendered in their language from text templates, and the notices to
//! staff (reminders, moved deadlines), rendered from templates beside them in Japanese and
//! English at once. They carry only what the notice needs: no names, addresses or documents.

use askama::Template;
use chrono::NaiveDate;

use crate::domain::deadline::Deadline;
use crate::domain::kind::RequestKind;
use crate::domain::reminders::ReminderKind;
use crate::i18n::Lang;

pub struct Notice {
    pub subject: String,
    pub body: String,
}

const SUBJECT_PREFIX_JA: &str = "【個人情報 請求窓口】";
const SUBJECT_PREFIX_EN: &str = "[Personal Information Requests] ";

fn subject(lang: Lang, ja: &str, en: &str) -> String {
    match lang {
        Lang::Ja => format!("{SUBJECT_PREFIX_JA}{ja}"),
        Lang::En => format!("{SUBJECT_PREFIX_EN}{en}"),
    }
}

fn render(template: &impl Template) -> String {
    // The templates are compiled in and take only plain values, so rendering cannot fail in
    // practice; an empty body would still be sent rather than lose the notice.
    template.render().unwrap_or_default()
}

#[derive(Template)]
#[template(path = "mail/confirm_email.txt")]
struct ConfirmEmail<'a> {
    lang: Lang,
    code: &'a str,
    link: &'a str,
    hours: i64,
    kind_ja: &'a str,
    kind_en: &'a str,
}

pub fn confirm_email(lang: Lang, code: &str, link: &str, hours: i64, kind: RequestKind) -> Notice {
    Notice {
        subject: subject(lang, "メールアドレスの確認", "Confirm your e-mail address"),
        body: render(&ConfirmEmail {
            lang,
            code,
            link,
            hours,
            kind_ja: kind.label_ja(),
            kind_en: kind.label_en(),
        }),
    }
}

#[derive(Template)]
#[template(path = "mail/receipt.txt")]
struct Receipt<'a> {
    lang: Lang,
    number: &'a str,
    kind_ja: &'a str,
    kind_en: &'a str,
    received: String,
    due: Option<String>,
    link: &'a str,
    fee: &'a str,
}

/// The receipt notice; `fee`: the fee charged at receipt and where to pay it, when one was.
pub fn receipt(
    lang: Lang,
    number: &str,
    kind: RequestKind,
    received: NaiveDate,
    deadline: Option<&Deadline>,
    link: &str,
    fee: &str,
) -> Notice {
    Notice {
        subject: subject(
            lang,
            &format!("受付番号 {number} で受け付けました"),
            &format!("Request {number} received"),
        ),
        body: render(&Receipt {
            lang,
            number,
            kind_ja: kind.label_ja(),
            kind_en: kind.label_en(),
            received: received.to_string(),
            due: deadline.map(|d| d.due_office_day.to_string()),
            link,
            fee,
        }),
    }
}

#[derive(Template)]
#[template(path = "mail/case_link.txt")]
struct CaseLink<'a> {
    lang: Lang,
    number: &'a str,
    link: &'a str,
}

pub fn case_link(lang: Lang, number: &str, link: &str) -> Notice {
    Notice {
        subject: subject(
            lang,
            &format!("受付番号 {number} の確認用リンク"),
            &format!("Link to request {number}"),
        ),
        body: render(&CaseLink { lang, number, link }),
    }
}

#[derive(Template)]
#[template(path = "mail/withdrawn.txt")]
struct Withdrawn<'a> {
    lang: Lang,
    number: &'a str,
}

pub fn withdrawn(lang: Lang, number: &str) -> Notice {
    Notice {
        subject: subject(
            lang,
            &format!("受付番号 {number} の取下げを受け付けました"),
            &format!("Request {number} withdrawn"),
        ),
        body: render(&Withdrawn { lang, number }),
    }
}

#[derive(Template)]
#[template(path = "mail/consent_withdrawn.txt")]
struct ConsentWithdrawn<'a> {
    lang: Lang,
    number: &'a str,
    version: &'a str,
    at: String,
    by_staff: bool,
}

/// The requester is told that their consent's withdrawal is recorded, when, and what it changes
/// (docs/consent.md §3).
pub fn consent_withdrawn(
    lang: Lang,
    number: &str,
    version: &str,
    at: chrono::DateTime<chrono::Utc>,
    by_staff: bool,
) -> Notice {
    Notice {
        subject: subject(
            lang,
            &format!("受付番号 {number} 同意の撤回を記録しました"),
            &format!("Request {number}: withdrawal of your consent recorded"),
        ),
        body: render(&ConsentWithdrawn {
            lang,
            number,
            version,
            at: crate::i18n::jst_minutes(at.naive_utc()),
            by_staff,
        }),
    }
}

#[derive(Template)]
#[template(path = "mail/correction_requested.txt")]
struct CorrectionRequested<'a> {
    lang: Lang,
    number: &'a str,
    reply_by: String,
}

pub fn correction_requested(lang: Lang, number: &str, reply_by: NaiveDate) -> Notice {
    Notice {
        subject: subject(
            lang,
            &format!("受付番号 {number} について補正のお願い"),
            &format!("Request {number}: please correct or complete it"),
        ),
        body: render(&CorrectionRequested {
            lang,
            number,
            reply_by: reply_by.to_string(),
        }),
    }
}

#[derive(Template)]
#[template(path = "mail/case_update.txt")]
struct CaseUpdate<'a> {
    lang: Lang,
    number: &'a str,
    headline: &'a str,
    detail: &'a str,
}

/// News about a case: one line saying what happened, and optionally the help desk's words.
/// A fee owed, the ways it may be paid and the confirmed places to pay, for the fee mail.
pub fn fee_due(
    lang: Lang,
    amount: crate::domain::money::Yen,
    methods: &[crate::domain::fees::PaymentMethod],
    payment: &crate::domain::office::PaymentDestinations,
) -> String {
    let mut text = format!(
        "{}: {amount}",
        lang.pick("お支払いいただく手数料", "Fee to pay")
    );
    if !methods.is_empty() {
        let names: Vec<&str> = methods
            .iter()
            .map(|m| lang.t(&format!("payment.method.{}", m.as_str())))
            .collect();
        text.push_str(&format!(
            "\n{}: {}",
            lang.pick("お支払い方法", "Ways to pay"),
            names.join(lang.pick("、", ", "))
        ));
    }
    let places = crate::domain::payment_to::where_to_pay(payment);
    if !places.is_empty() {
        text.push_str(&format!("\n{}:", lang.t("mail.fee.where")));
        for line in places {
            text.push_str(&format!("\n- {}", lang.pick(&line.ja, &line.en)));
        }
    }
    text
}

pub fn case_update(lang: Lang, number: &str, headline: (&str, &str), detail: &str) -> Notice {
    let (ja, en) = headline;
    Notice {
        subject: subject(
            lang,
            &format!("受付番号 {number} についてのお知らせ"),
            &format!("News about your request {number}"),
        ),
        body: render(&CaseUpdate {
            lang,
            number,
            headline: lang.pick(ja, en),
            detail,
        }),
    }
}

#[derive(Template)]
#[template(path = "mail/decision.txt")]
struct Decision<'a> {
    lang: Lang,
    number: &'a str,
    title: &'a str,
    issued_on: String,
    outcome: &'a str,
    text: &'a str,
    grounds: &'a [&'static str],
    remedy: &'a str,
}

/// The decision notice itself (the same text as the printable letter).
pub struct DecisionNotice<'a> {
    pub number: &'a str,
    pub title: &'a str,
    pub issued_on: NaiveDate,
    pub outcome: &'a str,
    pub text: &'a str,
    /// The provisions anything was withheld under, as cited (empty when nothing was).
    pub grounds: Vec<&'static str>,
    pub remedy: &'a str,
}

pub fn decision(lang: Lang, notice: &DecisionNotice<'_>) -> Notice {
    Notice {
        subject: subject(
            lang,
            &format!("受付番号 {} の決定通知", notice.number),
            &format!("Decision on your request {}", notice.number),
        ),
        body: render(&Decision {
            lang,
            number: notice.number,
            title: notice.title,
            issued_on: notice.issued_on.to_string(),
            outcome: notice.outcome,
            text: notice.text,
            grounds: &notice.grounds,
            remedy: notice.remedy,
        }),
    }
}

/// The paragraph a notice's mail ends with when its step issued a letter: the letter's title
/// and number, and the private link where it is read and printed. Never the letter's body: it
/// names the requester.
pub fn letter_issued(lang: Lang, issued: &crate::service::letters::Issued, link: &str) -> String {
    match lang {
        Lang::Ja => format!(
            "\n通知書「{}」（{}）をお送りします。次のリンクから表示・印刷できます（このリンクはご請求の確認用ページを開けます。他の人に知らせないでください）。\n{link}\n",
            issued.title, issued.number
        ),
        Lang::En => format!(
            "\nWe have issued the letter \"{}\" ({}). Read or print it here (the link opens your request's page: do not share it):\n{link}\n",
            issued.title, issued.number
        ),
    }
}

/// Staff have no language of their own here, so their notices say everything in Japanese and
/// English, and their subjects have a prefix of their own.
const STAFF_SUBJECT_PREFIX: &str = "【窓口】";

/// One case in a reminder digest to a member of staff.
#[derive(Debug, Clone)]
pub struct StaffReminder {
    pub number: String,
    pub kind: ReminderKind,
    /// For a lapsed reply: the day the sweep dismisses the request, when it is set to.
    pub dismiss_on: Option<NaiveDate>,
    /// The case's page on the staff side.
    pub link: String,
}

#[derive(Template)]
#[template(path = "mail/staff_reminders.txt")]
struct StaffReminders<'a> {
    items: &'a [StaffReminder],
}

/// The cases that need a member of staff's attention, one line and link each.
pub fn staff_reminders(items: &[StaffReminder]) -> Notice {
    Notice {
        subject: format!("{STAFF_SUBJECT_PREFIX}期限のお知らせ / Deadline reminders"),
        body: render(&StaffReminders { items }),
    }
}

/// One deadline moved by a change to the business calendar.
#[derive(Debug, Clone)]
pub struct MovedDeadlineLine {
    pub number: String,
    pub from: Option<NaiveDate>,
    pub to: NaiveDate,
}

#[derive(Template)]
#[template(path = "mail/staff_deadlines_moved.txt")]
struct DeadlinesMoved<'a> {
    moves: &'a [MovedDeadlineLine],
}

/// The deadlines of a member of staff's cases that a calendar change moved.
pub fn deadlines_moved(moves: &[MovedDeadlineLine]) -> Notice {
    Notice {
        subject: format!("{STAFF_SUBJECT_PREFIX}期限が変わりました / Deadlines moved"),
        body: render(&DeadlinesMoved { moves }),
    }
}

#[derive(Template)]
#[template(path = "mail/staff_draft_returned.txt")]
struct DraftReturned<'a> {
    number: &'a str,
    link: &'a str,
}

/// To the drafter: an approver returned their draft (the reason stays on the case page).
pub fn draft_returned(number: &str, link: &str) -> Notice {
    Notice {
        subject: format!(
            "{STAFF_SUBJECT_PREFIX}決定の案の差戻し {number} / Draft returned {number}"
        ),
        body: render(&DraftReturned { number, link }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_carry_what_they_need_in_the_chosen_language() {
        let ja = confirm_email(
            Lang::Ja,
            "123456",
            "https://x.example/case/t",
            24,
            RequestKind::Disclosure,
        );
        assert!(ja.subject.starts_with("【個人情報 請求窓口】"));
        assert!(
            ja.body.contains("123456")
                && ja.body.contains("https://x.example/case/t")
                && ja.body.contains("24時間")
        );
        let en = receipt(
            Lang::En,
            "2026-000001",
            RequestKind::Correction,
            NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
            None,
            "L",
            "",
        );
        assert!(en.subject.contains("2026-000001"));
        assert!(en.body.contains("Request number: 2026-000001") && en.body.contains("2026-04-01"));
        assert!(!en.body.contains("Fee to pay"));
        // A fee charged at receipt: the amount, the ways and the confirmed places to pay.
        let jmimo = crate::domain::profile::ProfileName::Jmimo.profile();
        let fee = fee_due(
            Lang::Ja,
            crate::domain::money::Yen(4000),
            &jmimo.fee_schedules[0].payment_methods,
            &jmimo.office.payment,
        );
        let ja = receipt(
            Lang::Ja,
            "2026-000002",
            RequestKind::Disclosure,
            NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
            None,
            "L",
            &fee,
        );
        assert!(
            ja.body.contains("お支払いいただく手数料: 4,000円"),
            "{}",
            ja.body
        );
        assert!(
            ja.body
                .contains("お支払い先:\n- 開示請求・利用目的の通知請求の手数料は、事前に現金書留")
        );
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn staff_reminders_say_what_they_said_before_templates() {
        let item = |number: &str, kind, dismiss_on| StaffReminder {
            number: number.into(),
            kind,
            dismiss_on,
            link: format!("https://x.example/staff/cases/{number}"),
        };
        let notice = staff_reminders(&[
            item(
                "2026-000001",
                ReminderKind::Deadline {
                    days: 5,
                    due_on: day(2026, 12, 25),
                },
                None,
            ),
            item(
                "2026-000002",
                ReminderKind::Overdue {
                    due_on: day(2026, 12, 1),
                },
                None,
            ),
            item(
                "2026-000003",
                ReminderKind::ReplyLapsed {
                    reply_by: day(2026, 12, 28),
                },
                Some(day(2027, 1, 8)),
            ),
            item(
                "2026-000004",
                ReminderKind::ReplyLapsed {
                    reply_by: day(2026, 12, 28),
                },
                None,
            ),
            item(
                "2026-000005",
                ReminderKind::Payment {
                    asked_on: day(2026, 12, 2),
                },
                None,
            ),
        ]);
        assert_eq!(
            notice.subject,
            "【窓口】期限のお知らせ / Deadline reminders"
        );
        let lines = [
            "2026-000001: 期限 2026-12-25（あと5営業日以内） / due 2026-12-25 (within 5 office days)\n  https://x.example/staff/cases/2026-000001",
            "2026-000002: 期限超過（期限 2026-12-01） / overdue (due 2026-12-01)\n  https://x.example/staff/cases/2026-000002",
            "2026-000003: 補正の回答期限 2026-12-28 を過ぎました。回答がなければ 2027-01-08 に自動で却下します / no answer by 2026-12-28: dismissed automatically on 2027-01-08 unless answered\n  https://x.example/staff/cases/2026-000003",
            "2026-000004: 補正の回答期限 2026-12-28 を過ぎました。却下するか確認してください / no answer by 2026-12-28: decide whether to dismiss\n  https://x.example/staff/cases/2026-000004",
            "2026-000005\n  https://x.example/staff/cases/2026-000005",
        ];
        assert_eq!(
            notice.body,
            format!(
                "対応が必要な案件があります。\nThese cases need your attention.\n\n{}\n",
                lines.join("\n")
            )
        );
    }

    #[test]
    fn moved_deadlines_say_what_they_said_before_templates() {
        let notice = deadlines_moved(&[
            MovedDeadlineLine {
                number: "2026-000001".into(),
                from: Some(day(2026, 12, 25)),
                to: day(2026, 12, 28),
            },
            MovedDeadlineLine {
                number: "2026-000002".into(),
                from: None,
                to: day(2027, 1, 5),
            },
        ]);
        assert_eq!(
            notice.subject,
            "【窓口】期限が変わりました / Deadlines moved"
        );
        assert_eq!(
            notice.body,
            "営業日カレンダーの変更により、次の案件の期限が変わりました。\nA change to the business calendar moved these deadlines.\n\n2026-000001: 2026-12-25 → 2026-12-28\n2026-000002: - → 2027-01-05\n"
        );
    }
}
