//! One request under each ready profile, checked against its operator's published policy (the
//! seeds): the help desk on the start page and in the mail, what must be posted as an original,
//! the durations the configuration applies, and nothing stated that the seed does not say.

use madoguchi::clock::Clock;
use madoguchi::domain::role::Role;

use crate::helpers::{TestApp, World};
use crate::letters::{letter_links, text_of, verified};
use crate::portal::{spawn_portal, wait_for_mails};
use crate::workspace::{case_id_from_queue, done};

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

/// The request of `mail` carried to a decision as the requester reads its letters: confirmed
/// from the mail (the receipt letter is issued), identity verified, the fee paid where the
/// operator wants it `first`, full disclosure approved. Returns the receipt letter and the
/// decision letter as the requester opens them.
async fn receipt_and_decision_letters(
    app: &TestApp,
    mail: &str,
    public: bool,
    fee_first: Option<&str>,
) -> (String, String) {
    let token = mail
        .split("/case/")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_else(|| panic!("the mail links the case: {mail}"));
    let case_path = format!("/case/{token}");
    let csrf = crate::helpers::csrf_of(&app.get(&case_path).await.body);
    let confirmed = app
        .post(&format!("{case_path}/confirm"), &[("csrf", &csrf)])
        .await;
    assert_eq!(confirmed.status, 303, "{}", confirmed.body);
    let links = letter_links(&app.get(&case_path).await.body, &case_path);
    assert_eq!(links.len(), 1, "the receipt letter alone: {links:?}");
    let receipt = app.get(&links[0].0).await;
    assert_eq!(receipt.status, 200);

    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;
    let id = case_id_from_queue(app, &clerk).await;
    verified(app, &case_path, &clerk, &id, public).await;
    if let Some(amount) = fee_first {
        let today = madoguchi::domain::deadline::jst_date(app.clock.now()).to_string();
        crate::money::pay(app, &clerk, &id, amount, &today).await;
    }
    let draft = [
        ("outcome", "full_disclosure"),
        ("text", "ご請求の保有個人情報の全部を開示します。"),
    ];
    done(app, &clerk, &id, "draft", &draft).await;
    done(app, &boss, &id, "approve", &[]).await;
    let links = letter_links(&app.get(&case_path).await.body, &case_path);
    let (href, title) = links.last().expect("the decision letter");
    assert!(
        title.contains("開示") && !title.contains("受付") && !title.contains("手数料"),
        "the decision is the last letter: {links:?}"
    );
    let decision = app.get(href).await;
    assert_eq!(decision.status, 200);
    (receipt.body, decision.body)
}

/// The letterhead of a letter: to whom, and from whom as the seed names the operator.
fn addressed(letter: &str, sender: &str) {
    assert_eq!(text_of(letter, "letter-addressee"), "山田 花子　様");
    assert_eq!(text_of(letter, "letter-sender"), sender);
    assert!(text_of(letter, "letter-date").starts_with("令和"));
}

/// A public body's decision is a 処分: its letter carries the 教示 (docs/notices.md §3).
fn instructs_on_review(decision: &str) -> String {
    let remedy = text_of(decision, "letter-remedy");
    assert!(
        remedy.contains("【教示】")
            && remedy.contains("審査請求")
            && remedy.contains("取消しを求める訴訟"),
        "{remedy}"
    );
    remedy
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

    // Its letters come from the organisation (no seal note: the seed says nothing of one); the
    // decision names the 相談センター for complaints and no administrative 教示.
    let (receipt, decision) = receipt_and_decision_letters(&app, &mail, false, Some("4000")).await;
    for letter in [&receipt, &decision] {
        addressed(letter, "一般財団法人日本医師会医療情報管理機構");
        assert!(!letter.body_mentions_kanagawa());
    }
    assert!(
        !receipt.contains("letter-remedy"),
        "a receipt is no decision"
    );
    let remedy = text_of(&decision, "letter-remedy");
    assert!(
        remedy.contains("苦情は、認定事業管理情報等相談センターまでお申し出ください"),
        "{remedy}"
    );
    assert!(!decision.contains("教示") && !decision.contains("審査請求"));
}

#[tokio::test]
async fn kanagawa_asks_for_an_original_resident_record_and_names_its_office() {
    let (app, _world, start, mail) = start_page_and_mail("kanagawa").await;
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

    // Its letters are the 実施機関's, signed by the governor the policy names (seed 000), not
    // the service; the decision carries the 教示.
    let (receipt, decision) = receipt_and_decision_letters(&app, &mail, true, None).await;
    for letter in [&receipt, &decision] {
        addressed(letter, "神奈川県知事 黒岩 裕治\n（公印省略）");
        assert!(!text_of(letter, "letter-sender").contains("ME-BYO"));
    }
    assert!(!receipt.contains("【教示】"), "a receipt is no 処分");
    instructs_on_review(&decision);
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
    let (app, _world, start, mail) = start_page_and_mail_with(
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

    // Its letters come from the prefecture (seed 003's 前文); the governor as signatory is not
    // in the seed, so it is not printed until the operator confirms it.
    let (receipt, decision) = receipt_and_decision_letters(&app, &mail, true, None).await;
    for letter in [&receipt, &decision] {
        addressed(letter, "福島県\n（公印省略）");
        assert!(!letter.contains("福島県知事") && !letter.body_mentions_kanagawa());
    }
    instructs_on_review(&decision);
}

#[tokio::test]
async fn national_and_private_show_only_what_statute_or_the_operator_states() {
    let (app, _world, start, mail) = start_page_and_mail("national").await;
    contains_all(&start, &["行政機関の休日", "原本を郵送"], "start page");
    contains_all(&mail, &["行政機関の休日"], "mail");
    // The head of the organ receives and decides (Art. 76(1)); the defendant is the State
    // (行政事件訴訟法 Art. 11(1)), fixed by statute, so the 教示 names it without the operator.
    // The fee (200円, paid first) is paid before the decision.
    let (receipt, decision) = receipt_and_decision_letters(&app, &mail, true, Some("200")).await;
    for letter in [&receipt, &decision] {
        addressed(letter, "国の行政機関\n行政機関の長\n（公印省略）");
    }
    let remedy = instructs_on_review(&decision);
    assert!(
        remedy.contains("国（訴訟において国を代表する者は法務大臣となります。）を被告として"),
        "{remedy}"
    );

    let (app, _world, start, mail) = start_page_and_mail("private").await;
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
    // A business's letters: its name, no seal note, no administrative 教示, a complaint contact.
    // Its default schedule asks the fee (800円) first.
    let (receipt, decision) = receipt_and_decision_letters(&app, &mail, false, Some("800")).await;
    for letter in [&receipt, &decision] {
        addressed(letter, "個人情報取扱事業者");
        assert!(!letter.contains("9:00〜17:00"));
    }
    assert!(!decision.contains("教示") && !decision.contains("審査請求"));
    assert!(text_of(&decision, "letter-remedy").contains("苦情"));
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
