//! Notices to requesters, rendered in their language from text templates. They carry only what
//! the notice needs: no names, addresses or documents.

use askama::Template;
use chrono::NaiveDate;

use crate::domain::deadline::Deadline;
use crate::domain::kind::RequestKind;
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
}

pub fn receipt(
    lang: Lang,
    number: &str,
    kind: RequestKind,
    received: NaiveDate,
    deadline: Option<&Deadline>,
    link: &str,
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
            received: received.format("%Y-%m-%d").to_string(),
            due: deadline.map(|d| d.due_office_day.format("%Y-%m-%d").to_string()),
            link,
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
            reply_by: reply_by.format("%Y-%m-%d").to_string(),
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
            issued_on: notice.issued_on.format("%Y-%m-%d").to_string(),
            outcome: notice.outcome,
            text: notice.text,
            grounds: &notice.grounds,
            remedy: notice.remedy,
        }),
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
        );
        assert!(en.subject.contains("2026-000001"));
        assert!(en.body.contains("Request number: 2026-000001") && en.body.contains("2026-04-01"));
    }
}
