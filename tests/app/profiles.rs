//! One request under each ready profile, checked against its operator's published policy (the
//! seeds): the help desk on the start page and in the mail, what must be posted as an original,
//! the durations the configuration applies, and nothing stated that the seed does not say.

use crate::helpers::{TestApp, World};
use crate::portal::{spawn_portal, wait_for_mails};

/// The start page, and the confirmation mail of a principal's disclosure (with `extra` on the
/// content step: a profile's own fields).
async fn start_page_and_mail_with(
    profile: &str,
    extra: &[(&'static str, &'static str)],
) -> (TestApp, World, String, String) {
    let world = World::new();
    let app = spawn_portal(&world, profile).await;
    let start = app.get("/request").await;
    assert_eq!(start.status, 200, "{}", start.body);
    let mut content = vec![("data_description", "診療記録"), ("period", "2024年")];
    content.extend_from_slice(extra);
    let steps = [
        (
            "/request",
            vec![
                ("kind", "disclosure"),
                ("requester_type", "principal"),
                ("consent", "2026-11-21"),
            ],
        ),
        (
            "/request/person",
            crate::workspace::person("hanako@example.jp"),
        ),
        ("/request/content", content),
        ("/request/delivery", vec![("delivery", "paper_by_post")]),
    ];
    for (path, fields) in steps {
        let sent = app.submit(path, path, &fields).await;
        assert_eq!(sent.status, 303, "{path}: {}", sent.body);
    }
    let review = app.get("/request/review").await.body;
    assert!(
        review.contains("id=\"needs\""),
        "the documents needed, again before sending"
    );
    let csrf = crate::helpers::csrf_of(&review);
    let submitted = app.post("/request/submit", &[("csrf", &csrf)]).await;
    assert_eq!(submitted.status, 303, "{}", submitted.body);
    let mail = wait_for_mails(&world, 1).await.remove(0);
    (app, world, start.body, mail)
}

async fn start_page_and_mail(profile: &str) -> (TestApp, World, String, String) {
    start_page_and_mail_with(profile, &[]).await
}

fn contains_all(text: &str, facts: &[&str], what: &str) {
    for fact in facts {
        assert!(text.contains(fact), "{what}: {fact} missing in {text}");
    }
}

#[tokio::test]
async fn jmimo_states_its_consultation_centre_and_its_own_target() {
    let (app, _world, start, mail) = start_page_and_mail("jmimo").await;
    let centre = [
        "認定事業管理情報等相談センター",
        "〒112-0002 東京都小石川一丁目28番1号 小石川桜ビル6階",
        "0120-356-396",
        "9時30分〜17時30分（土日祝日・年末年始は除く）",
    ];
    contains_all(&start, &centre, "start page");
    contains_all(&mail, &centre, "mail");
    // A private operator's rule: one photo ID, or two without; the agent's seal certificate.
    contains_all(
        &start,
        &["印鑑登録証明書", "顔写真付きのもの1点"],
        "start page",
    );
    assert!(!start.body_mentions_kanagawa());
    contains_all(&mail, &["72時間"], "mail");
    assert!(!mail.contains("24時間"));
    let content = app.get("/request/content").await;
    assert!(!content.body.contains("ME-BYO"), "another body's service");
}

#[tokio::test]
async fn kanagawa_asks_for_an_original_resident_record_and_names_its_office() {
    let (_app, _world, start, mail) = start_page_and_mail("kanagawa").await;
    let office = [
        "マイME-BYOカルテ運営事務局",
        "045-285-0196",
        "8:30〜17:15（土日祝日除く平日）",
    ];
    contains_all(&start, &office, "start page");
    contains_all(&mail, &office, "mail");
    contains_all(
        &start,
        &[
            "住民票の写し（原本・発行から30日以内",
            "原本を郵送",
            "id=\"originals-to\"",
            // Where originals go is not in the seed: the public is not told a guess.
            "受付の確認メールと受付ページでお知らせします",
        ],
        "start page",
    );
    assert!(!start.contains("日本大通り１ 神奈川県総務局デジタル戦略本部室デジタルサポートグループ（マイME-BYOカルテ運営事務局）</strong>"));
}

/// The form asks which LINE account; an ID in the wrong form is explained, what was typed kept.
#[tokio::test]
async fn fukushima_asks_which_line_account() {
    let world = World::new();
    let app = spawn_portal(&world, "fukushima").await;
    let start = app
        .submit(
            "/request",
            "/request",
            &[
                ("kind", "correction"),
                ("requester_type", "principal"),
                ("consent", "2026-11-21"),
            ],
        )
        .await;
    assert_eq!(start.status, 303);
    let person = crate::workspace::person("line@example.jp");
    let sent = app
        .submit("/request/person", "/request/person", &person)
        .await;
    assert_eq!(sent.status, 303);
    let shown = app.get("/request/content").await;
    assert!(shown.body.contains("LINEの表示名"));
    assert!(shown.body.contains("name=\"extra_line_id\""));
    let fields = [
        ("data_description", "トーク内容"),
        ("current_content", "旧"),
        ("correct_content", "新"),
        ("extra_line_display_name", "はなこ"),
        ("extra_line_id", "Hanako San"),
    ];
    let refused = app
        .submit("/request/content", "/request/content", &fields)
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("半角英小文字・数字"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("value=\"Hanako San\""));
    let missing = app
        .submit(
            "/request/content",
            "/request/content",
            &[
                ("data_description", "トーク内容"),
                ("current_content", "旧"),
                ("correct_content", "新"),
            ],
        )
        .await;
    assert!(missing.body.contains("LINEの表示名を入力してください"));
}

#[tokio::test]
async fn fukushima_names_its_division_and_no_borrowed_hours() {
    let (_app, _world, start, mail) = start_page_and_mail_with(
        "fukushima",
        &[
            ("extra_line_display_name", "はなこ"),
            ("extra_line_id", "hanako_2020"),
        ],
    )
    .await;
    contains_all(
        &start,
        &["地域医療課", "受付時間は窓口にお問い合わせください"],
        "start page",
    );
    contains_all(&mail, &["地域医療課"], "mail");
    assert!(
        !start.contains("8:30"),
        "Kanagawa's hours are not Fukushima's"
    );
}

#[tokio::test]
async fn national_and_private_show_only_what_statute_or_the_operator_states() {
    let (_app, _world, start, mail) = start_page_and_mail("national").await;
    contains_all(&start, &["行政機関の休日", "原本を郵送"], "start page");
    contains_all(&mail, &["行政機関の休日"], "mail");
    let (_app, _world, start, mail) = start_page_and_mail("private").await;
    assert!(
        !start.contains("9:00〜17:00"),
        "a placeholder is not shown as fact"
    );
    contains_all(
        &start,
        &["受付時間は窓口にお問い合わせください", "72時間"],
        "start page",
    );
    assert!(!mail.contains("9:00〜17:00"));
}

trait Mentions {
    fn body_mentions_kanagawa(&self) -> bool;
}

impl Mentions for String {
    fn body_mentions_kanagawa(&self) -> bool {
        self.contains("ME-BYO") || self.contains("神奈川")
    }
}

/// A date of birth in 和暦 is read; one that does not exist is refused with the reason, and what
/// was typed stays in the field.
#[tokio::test]
async fn a_birth_date_in_wareki_is_read_and_an_impossible_one_explained() {
    let world = World::new();
    let app = spawn_portal(&world, "kanagawa").await;
    let start = app
        .submit(
            "/request",
            "/request",
            &[
                ("kind", "disclosure"),
                ("requester_type", "principal"),
                ("consent", "2026-11-21"),
            ],
        )
        .await;
    assert_eq!(start.status, 303, "{}", start.body);
    let mut fields = crate::workspace::person("wareki@example.jp");
    for (typed, message) in [
        ("昭和60年2月30日", "その月にその日はありません"),
        ("令和0年1月1日", "0年はありません"),
        ("平成31年5月1日", "平成は2019年4月30日まで"),
    ] {
        fields.retain(|(k, _)| *k != "birth_date");
        fields.push(("birth_date", typed));
        let refused = app
            .submit("/request/person", "/request/person", &fields)
            .await;
        assert_eq!(refused.status, 422, "{typed}");
        assert!(refused.body.contains(message), "{typed}: {}", refused.body);
        assert!(refused.body.contains(&format!("value=\"{typed}\"")), "kept");
    }
    fields.retain(|(k, _)| *k != "birth_date");
    fields.push(("birth_date", "昭和60年3月7日"));
    let read = app
        .submit("/request/person", "/request/person", &fields)
        .await;
    assert_eq!(read.status, 303, "{}", read.body);
    let shown = app.get("/request/person").await;
    assert!(shown.body.contains("value=\"1985-03-07\""));
}
