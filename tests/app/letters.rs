//! Official letters over HTTP: each stage of a public body's case issues a numbered letter in
//! 和暦 with its title and sender, the requester and staff open the same letter, a draft with a
//! template place left unfilled is refused, and a private operator's letter has no 教示.

use madoguchi::clock::Clock;
use madoguchi::domain::deadline::jst_date;
use madoguchi::domain::letters::dates::{DateStyle, japanese_date};
use madoguchi::domain::letters::numbering::NumberFormat;
use madoguchi::domain::role::Role;

use crate::helpers::{TestApp, World};
use crate::portal::spawn_portal;
use crate::uploads::{JPEG, upload};
use crate::workspace::{
    Staff, act, case_id_from_queue, case_page, days_from_today, document_ids, done, person,
    requested, value_of,
};

/// The text of the element with `id`, tags inside it dropped.
pub fn text_of(html: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = html
        .find(&marker)
        .map(|i| i + marker.len())
        .unwrap_or_else(|| panic!("no #{id} in {html}"));
    let rest = &html[start..];
    let end = ["</span>", "</p>", "</h1>", "</div>"]
        .iter()
        .filter_map(|t| rest.find(t))
        .min()
        .unwrap();
    rest[..end].replace("<br>", "\n").trim().to_string()
}

/// The letter links of a page, in order: (href, title).
pub fn letter_links(html: &str, prefix: &str) -> Vec<(String, String)> {
    html.split(&format!("href=\"{prefix}"))
        .skip(1)
        .filter(|s| s.starts_with("/letters/"))
        .map(|s| {
            let href = format!("{prefix}{}", &s[..s.find('"').unwrap()]);
            let title = s[s.find('>').unwrap() + 1..s.find("</a>").unwrap()].to_string();
            (href, title)
        })
        .collect()
}

/// The path of the first letter listed on a requester's case page.
pub fn first_letter(case_page: &str, case_path: &str) -> String {
    letter_links(case_page, case_path)
        .into_iter()
        .next()
        .map(|(href, _)| href)
        .expect("a letter is listed")
}

/// A requester's case through identity verification: licence and residence record accepted.
pub async fn verified(app: &TestApp, case_path: &str, clerk: &Staff, id: &str, public: bool) {
    done(app, clerk, id, "take", &[]).await;
    done(app, clerk, id, "start-review", &[]).await;
    upload(
        app,
        case_path,
        "drivers_licence",
        "l.jpg",
        JPEG.to_vec(),
        None,
    )
    .await;
    if public {
        let mut pdf = crate::workspace::PDF.to_vec();
        pdf.extend_from_slice(b"\n% resident record");
        let form = reqwest::multipart::Form::new()
            .text(
                "csrf",
                crate::helpers::csrf_of(&app.get(case_path).await.body),
            )
            .text("declared_type", "resident_record")
            .part(
                "file",
                reqwest::multipart::Part::bytes(pdf)
                    .file_name("r.pdf")
                    .mime_str("application/pdf")
                    .unwrap(),
            );
        app.client
            .post(app.url(&format!("{case_path}/documents")))
            .multipart(form)
            .send()
            .await
            .unwrap();
    }
    let docs = document_ids(&case_page(app, clerk, id).await);
    let expires = days_from_today(300);
    let issued = days_from_today(-3);
    for (i, doc) in docs.iter().enumerate() {
        let mut review = vec![
            ("document", doc.as_str()),
            ("verdict", "accept"),
            ("holder", "principal"),
        ];
        if i == 0 {
            review.extend([
                ("expires_on", expires.as_str()),
                ("check_name_matches", "1"),
            ]);
        } else {
            review.extend([("issued_on", issued.as_str()), ("original", "1")]);
        }
        done(
            app,
            clerk,
            id,
            "review-document",
            &crate::workspace::with_all_checks(&review),
        )
        .await;
    }
    done(app, clerk, id, "verify", &[]).await;
}

#[tokio::test]
async fn a_public_bodys_case_sends_a_numbered_letter_at_each_stage() {
    let world = World::new();
    let app = spawn_portal(&world, "kanagawa").await;

    // The administrator names the 審査庁 and the defendant; a format without a sequence is
    // refused with its reason and nothing is saved.
    let admin = app.staff(Role::Admin, "admin@example.jp").await;
    let settings = |number_format: &'static str| {
        vec![
            ("number_format", number_format),
            ("date_style", "japanese"),
            ("seal_omitted", "on"),
            ("review_authority_ja", "神奈川県知事"),
            ("review_authority_en", "the Governor of Kanagawa"),
            (
                "lawsuit_defendant_ja",
                "神奈川県（訴訟において神奈川県を代表する者は神奈川県知事となります。）",
            ),
        ]
    };
    let save = |fields: Vec<(&'static str, &'static str)>| {
        let (app, admin) = (&app, &admin);
        async move {
            let form = app
                .get_with(&admin.client, "/staff/admin/letters")
                .await
                .body;
            let (csrf, revision) = (crate::helpers::csrf_of(&form), value_of(&form, "revision"));
            let mut posted = vec![("csrf", csrf.as_str()), ("revision", revision.as_str())];
            posted.extend(fields);
            app.post_with(&admin.client, "/staff/admin/letters", &posted)
                .await
        }
    };
    let refused = save(settings("{era_fy}個情第号")).await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("連番の位置 {seq} を入れてください"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("value=\"{era_fy}個情第号\""),
        "typed value kept"
    );
    let empty = save(settings("")).await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("文書番号の書式を入力してください"));
    let saved = save(settings("{era_fy}個情第{seq}号")).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(saved.body.contains("通知書の設定を保存しました"));

    let case_path = app.requester_with_case("letters@example.jp").await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;
    let id = case_id_from_queue(&app, &clerk).await;
    verified(&app, &case_path, &clerk, &id, true).await;
    let today = jst_date(app.clock.now());

    done(
        &app,
        &clerk,
        &id,
        "extend",
        &[
            ("days", "30"),
            ("extend_reason", "対象文書の確認に時間を要するため"),
        ],
    )
    .await;
    let rest_by = (today + chrono::Duration::days(120))
        .format("%Y-%m-%d")
        .to_string();
    done(
        &app,
        &clerk,
        &id,
        "special-extension",
        &[
            ("rest_by", &rest_by),
            ("special_reason", "対象文書が著しく大量であるため"),
        ],
    )
    .await;

    // No letter with a hole: the template's places must be filled before approval.
    let template = app
        .get_with(
            &clerk.client,
            &format!("/staff/cases/{id}/draft?outcome=partial_disclosure"),
        )
        .await
        .body;
    let start = template.find("id=\"decision_text\"").unwrap();
    let text = &template[template[start..].find('>').unwrap() + start + 1..];
    let text = text[..text.find("</textarea>").unwrap()]
        .replace("&#x28;", "(")
        .replace("&#x29;", ")");
    assert!(text.contains("（該当箇所を記載）"), "{text}");
    let unfilled = act(
        &app,
        &clerk,
        &id,
        "draft",
        &[
            ("outcome", "partial_disclosure"),
            ("ground_art78_1_2", "1"),
            ("text", &text),
        ],
    )
    .await;
    assert_eq!(unfilled.status, 422);
    assert!(unfilled.body.contains("記入されていない箇所が残っています"));
    assert!(
        unfilled
            .body
            .contains("3行目: <mark>（該当箇所を記載）</mark>"),
        "the clerk is shown where: {}",
        unfilled.body
    );
    assert!(
        unfilled.body.contains("（該当箇所を記載）</textarea>")
            || unfilled.body.contains("理由：（不開示事由"),
        "the draft is kept"
    );
    done(
        &app,
        &clerk,
        &id,
        "draft",
        &[
            ("outcome", "partial_disclosure"),
            ("ground_art78_1_2", "1"),
            (
                "text",
                "ご請求のあった保有個人情報のうち、次の部分を除いて開示します。\n開示しない部分：診療記録中の第三者の氏名\n開示しない理由：開示請求者以外の個人に関する情報であるため",
            ),
        ],
    )
    .await;
    done(&app, &boss, &id, "approve", &[]).await;

    // Four letters (receipt, extension, Art. 84, the part's decision), numbered in order in this
    // fiscal year, each in 和暦.
    let requester_page = app.get(&case_path).await.body;
    let links = letter_links(&requester_page, &case_path);
    let titles: Vec<&str> = links.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(
        titles,
        vec![
            "保有個人情報開示請求の受付について（通知）",
            "開示決定等の期限の延長について（通知）",
            "開示決定等の期限の特例規定の適用について（通知）",
            "保有個人情報の開示をする旨の決定（相当の部分）について（通知）",
        ],
        "{requester_page}"
    );
    let date = japanese_date(today, DateStyle::Japanese);
    assert!(date.starts_with("令和"), "{date}");
    for (n, (href, title)) in links.iter().enumerate() {
        let letter = app.get(href).await;
        assert_eq!(letter.status, 200);
        let html = letter.body;
        let number = NumberFormat::standard().number(n as i64 + 1, today, DateStyle::Japanese);
        assert!(number.contains("年度個情第"));
        assert_eq!(text_of(&html, "letter-number"), number);
        assert_eq!(text_of(&html, "letter-date"), date);
        assert_eq!(&text_of(&html, "letter-title"), title);
        assert_eq!(text_of(&html, "letter-addressee"), "山田 花子　様");
        assert_eq!(
            text_of(&html, "letter-sender"),
            "神奈川県知事 黒岩 裕治\n（公印省略）"
        );
        assert!(html.contains("<article class=\"letter letter--official\""));
        assert!(requester_page.contains(&number), "listed with its number");
    }
    let extension = app.get(&links[1].0).await.body;
    assert!(
        extension.contains("延長後の期限")
            && extension.contains("対象文書の確認に時間を要するため")
    );
    assert!(
        !extension.contains("【教示】"),
        "an extension is not a 処分"
    );
    let special = app.get(&links[2].0).await.body;
    assert!(special.contains(&japanese_date(
        today + chrono::Duration::days(120),
        DateStyle::Japanese
    )));
    let decision = app.get(&links[3].0).await.body;
    assert!(
        decision.contains("診療記録中の第三者の氏名"),
        "the withheld part"
    );
    assert!(
        decision.contains("法第78条第1項第2号"),
        "its ground: {decision}"
    );
    let remedy = text_of(&decision, "letter-remedy");
    assert!(
        remedy.contains("【教示】") && remedy.contains("3か月以内") && remedy.contains("6か月以内")
    );
    assert!(
        remedy.contains("3か月以内に、神奈川県知事に対して審査請求"),
        "the 教示 names the 審査庁 the operator set: {remedy}"
    );
    assert!(remedy.contains(
        "神奈川県（訴訟において神奈川県を代表する者は神奈川県知事となります。）を被告として"
    ));
    assert!(!remedy.contains("要確認"));

    // Staff open and print the same letter from the case page.
    let staff_page = case_page(&app, &clerk, &id).await;
    let staff_links = letter_links(&staff_page, &format!("/staff/cases/{id}"));
    assert_eq!(staff_links.len(), 4);
    let printed = app.get_with(&clerk.client, &staff_links[3].0).await.body;
    for part in [
        "letter-number",
        "letter-date",
        "letter-title",
        "letter-sender",
        "letter-remedy",
    ] {
        assert_eq!(text_of(&printed, part), text_of(&decision, part), "{part}");
    }
    let stranger = app
        .get(&format!("{case_path}/letters/{}", "0".repeat(36)))
        .await;
    assert_eq!(stranger.status, 404);
}

#[tokio::test]
async fn a_private_operators_letter_has_no_administrative_instruction() {
    let world = World::new();
    let app = spawn_portal(&world, "private").await;
    let case_path = requested(
        &app,
        &world,
        &[
            (
                "/request",
                vec![
                    ("kind", "correction"),
                    ("requester_type", "principal"),
                    ("consent", "2026-11-21"),
                ],
            ),
            ("/request/person", person("private@example.jp")),
            (
                "/request/content",
                vec![
                    ("data_description", "登録住所"),
                    ("current_content", "旧住所"),
                    ("correct_content", "新住所"),
                ],
            ),
        ],
    )
    .await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;
    let id = case_id_from_queue(&app, &clerk).await;
    verified(&app, &case_path, &clerk, &id, false).await;
    done(
        &app,
        &clerk,
        &id,
        "draft",
        &[
            ("outcome", "correct"),
            ("text", "登録住所を新住所に訂正しました。"),
        ],
    )
    .await;
    done(&app, &boss, &id, "approve", &[]).await;
    let links = letter_links(&app.get(&case_path).await.body, &case_path);
    assert_eq!(links.len(), 2);
    assert_eq!(
        links[0].1,
        "保有個人データの訂正等のご請求の受付について（通知）"
    );
    assert_eq!(links[1].1, "保有個人データの訂正等の実施について（通知）");
    let receipt = app.get(&links[0].0).await.body;
    assert!(receipt.contains("受付番号") && !receipt.contains("letter-remedy"));
    let letter = app.get(&links[1].0).await.body;
    assert!(!letter.contains("教示") && !letter.contains("審査請求"));
    let closing = text_of(&letter, "letter-remedy");
    assert!(
        closing.contains("苦情"),
        "the operator's complaint contact: {closing}"
    );
    assert!(!letter.contains("公印省略"), "a private operator's default");

    // A letter issued before the list columns existed has them empty: it is listed from its
    // sealed text, with the same title and date.
    let letters_table = |html: &str| {
        let start = html
            .find(r#"<table class="letters-list">"#)
            .expect("letters listed");
        html[start..start + html[start..].find("</table>").expect("table ends")].to_string()
    };
    let listed_before = letters_table(&app.get(&case_path).await.body);
    assert!(
        listed_before.contains("令和"),
        "dates listed: {listed_before}"
    );
    world.execute("UPDATE letters SET list_title = '', list_date = ''");
    assert_eq!(
        letters_table(&app.get(&case_path).await.body),
        listed_before
    );
}

/// Two instances issuing letters at once on one database: every number is given out once, in
/// one unbroken sequence.
async fn concurrent_issuers_never_share_a_number(world: &World) {
    use madoguchi::db::letters::next_seq;
    let config = madoguchi::config::Config::from_vars(&world.vars()).unwrap();
    let first = madoguchi::startup::open_database(&config).unwrap();
    let second = madoguchi::startup::open_database(&config).unwrap();
    let issue = |db: madoguchi::db::Db| async move {
        let mut got = Vec::new();
        for _ in 0..25 {
            got.push(
                db.write(|conn| next_seq(conn, "letters", 2026))
                    .await
                    .unwrap(),
            );
        }
        got
    };
    let (a, b) = tokio::join!(tokio::spawn(issue(first)), tokio::spawn(issue(second)));
    let mut all: Vec<i64> = a.unwrap().into_iter().chain(b.unwrap()).collect();
    all.sort();
    assert_eq!(all, (1..=50).collect::<Vec<i64>>());
    assert_eq!(
        world.count("SELECT COUNT(*) AS n FROM letter_counters WHERE series = 'letters'"),
        1
    );
}

#[tokio::test]
async fn letter_numbers_are_unique_across_instances() {
    concurrent_issuers_never_share_a_number(&World::new()).await;
}

#[tokio::test]
async fn letter_numbers_are_unique_across_instances_on_postgres() {
    if let Some(world) = World::postgres() {
        concurrent_issuers_never_share_a_number(&world).await;
    }
}

#[tokio::test]
async fn an_english_requester_gets_an_english_letter_with_the_authoritative_japanese() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    app.get("/lang/en?next=/").await;
    app.submitted_request("english@example.jp").await;
    let mail = crate::workspace::mail_with(&world, "/case/").await;
    let token = mail
        .split("/case/")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap()
        .to_string();
    let case_path = format!("/case/{token}");
    let csrf = crate::helpers::csrf_of(&app.get(&case_path).await.body);
    let confirmed = app
        .post(&format!("{case_path}/confirm"), &[("csrf", &csrf)])
        .await;
    assert_eq!(confirmed.status, 303, "{}", confirmed.body);
    let page = app.get(&case_path).await.body;
    let letter = first_letter(&page, &case_path);
    let english = app.get(&letter).await.body;
    assert_eq!(
        text_of(&english, "letter-title"),
        "Receipt of your request for disclosure"
    );
    assert!(text_of(&english, "letter-date").contains("(Reiwa "));
    assert!(english.contains("The Japanese text of this letter is the authoritative one."));
    assert!(english.contains("?text=ja"), "links the Japanese text");
    let japanese = app.get(&format!("{letter}?text=ja")).await.body;
    assert_eq!(
        text_of(&japanese, "letter-title"),
        "保有個人情報開示請求の受付について（通知）"
    );
    assert_eq!(
        text_of(&japanese, "letter-number"),
        text_of(&english, "letter-number"),
        "one letter, one number"
    );
    assert!(text_of(&japanese, "letter-date").starts_with("令和"));
}
