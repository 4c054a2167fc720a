//! The letters of a public body's own procedures: the transfer notice (Art. 85), Art. 84's part
//! and remainder decisions each as a letter of its own, and the notice to a third party whose
//! objection was overruled (Art. 86(3)) — each numbered in the step's transaction, and each mail
//! of such a step naming its letter and linking to it.

use chrono::Duration;
use madoguchi::clock::Clock;
use madoguchi::domain::deadline::jst_date;
use madoguchi::domain::letters::dates::{DateStyle, japanese_date};
use madoguchi::domain::role::Role;

use crate::helpers::{TestApp, World};
use crate::letters::{letter_links, text_of};
use crate::portal::spawn_portal;
use crate::workspace::{PASSWORD, act, case_id_from_queue, case_page, done, mail_with};

/// The letter a mail links to: its path on this server, from the mail's last `/case/` link.
fn linked_letter(mail: &str) -> String {
    let at = mail.rfind("/case/").expect("a link to the case");
    let path = mail[at..].split_whitespace().next().unwrap().to_string();
    assert!(path.contains("/letters/"), "a link to the letter: {path}");
    path
}

/// The mail names the letter by title and number, and its link opens that letter for anyone
/// holding the mail (no sign-in), with the same number.
async fn mail_names_and_links(app: &TestApp, mail: &str, title: &str) -> String {
    assert!(mail.contains(&format!("通知書「{title}」")), "{mail}");
    let letter = app.get(&linked_letter(mail)).await;
    assert_eq!(letter.status, 200, "{}", letter.body);
    assert_eq!(text_of(&letter.body, "letter-title"), title);
    let number = text_of(&letter.body, "letter-number");
    assert!(
        mail.contains(&format!("（{number}）")),
        "the mail names the number {number}: {mail}"
    );
    letter.body
}

#[tokio::test]
async fn a_transfer_sends_its_notice_as_a_letter_named_in_the_mail() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let case_path = app.requester_with_case("iso@example.jp").await;
    // The receipt's mail already names its letter.
    let receipt = mail_with(&world, "受付番号: ").await;
    let title = "保有個人情報開示請求の受付について（通知）";
    mail_names_and_links(&app, &receipt, title).await;

    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let id = case_id_from_queue(&app, &clerk).await;
    done(
        &app,
        &clerk,
        &id,
        "transfer",
        &[
            ("to_body", "厚生労働大臣"),
            (
                "transfer_reason",
                "請求に係る保有個人情報は厚生労働省から提供されたものであるため",
            ),
            ("consulted", "1"),
        ],
    )
    .await;
    let title = "保有個人情報開示請求に係る事案の移送について（通知）";
    let links = letter_links(&app.get(&case_path).await.body, &case_path);
    assert_eq!(links.last().map(|(_, t)| t.as_str()), Some(title));
    let letter = app.get(&links.last().unwrap().0).await.body;
    assert_eq!(
        text_of(&letter, "letter-date"),
        japanese_date(jst_date(app.clock.now()), DateStyle::Japanese)
    );
    for said in [
        "厚生労働大臣",
        "厚生労働省から提供された",
        "個人情報保護法第85条第1項",
        "個人情報保護法第85条第2項",
        "移送先が行います",
    ] {
        assert!(letter.contains(said), "{said}: {letter}");
    }
    assert!(
        !letter.contains("letter-remedy"),
        "a transfer is not a 処分: no 教示"
    );
    let mail = mail_with(&world, "移送しました").await;
    let linked = mail_names_and_links(&app, &mail, title).await;
    assert_eq!(
        text_of(&linked, "letter-number"),
        text_of(&letter, "letter-number")
    );
    assert!(
        !mail.contains("山田") && !mail.contains("移送先が行います"),
        "neither the name nor the letter's body is in the mail"
    );
    // Staff list the same letter.
    let staff_links = letter_links(
        &case_page(&app, &clerk, &id).await,
        &format!("/staff/cases/{id}"),
    );
    assert_eq!(staff_links.last().map(|(_, t)| t.as_str()), Some(title));
}

#[tokio::test]
async fn article_84_part_and_remainder_each_have_their_own_letter() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let (case_path, id, clerk, boss) =
        crate::regimes::verified_disclosure(&app, &world, "bubun@example.jp").await;
    let today = jst_date(app.clock.now());
    let rest_by = today + Duration::days(120);
    done(
        &app,
        &clerk,
        &id,
        "special-extension",
        &[
            ("rest_by", &rest_by.format("%Y-%m-%d").to_string()),
            ("special_reason", "対象文書が大量であるため"),
        ],
    )
    .await;
    let mail = mail_with(&world, "特例を適用しました").await;
    mail_names_and_links(
        &app,
        &mail,
        "開示決定等の期限の特例規定の適用について（通知）",
    )
    .await;
    // The clerk's preview already carries the part's title.
    let preview = app
        .post_with(
            &clerk.client,
            &format!("/staff/cases/{id}/draft/preview"),
            &[
                ("outcome", "full_disclosure"),
                ("text", "調査票のうち2024年分を開示します。"),
            ],
        )
        .await;
    assert!(
        preview
            .body
            .contains("保有個人情報の開示をする旨の決定（相当の部分）について（通知）"),
        "{}",
        preview.body
    );
    done(
        &app,
        &clerk,
        &id,
        "draft",
        &[
            ("outcome", "full_disclosure"),
            ("text", "調査票のうち2024年分を開示します。"),
        ],
    )
    .await;
    app.sign_in(&boss.client, "boss@example.jp", PASSWORD).await;
    done(&app, &boss, &id, "approve", &[]).await;
    let part_title = "保有個人情報の開示をする旨の決定（相当の部分）について（通知）";
    let mail = mail_with(&world, "2024年分を開示します").await;
    let part = mail_names_and_links(&app, &mail, part_title).await;
    let scope = part[part.find("決定の範囲").expect("the scope line")..].to_string();
    assert!(
        scope.contains("個人情報保護法第84条の規定により"),
        "{scope}"
    );
    assert!(
        scope.contains(&format!(
            "残りの部分については、{}までに決定します",
            japanese_date(rest_by, DateStyle::Japanese)
        )),
        "the part's letter says by when the rest is decided: {scope}"
    );
    let part_number = text_of(&part, "letter-number");

    app.clock.advance(Duration::days(3));
    app.sign_in(&clerk.client, "clerk@example.jp", PASSWORD)
        .await;
    done(
        &app,
        &clerk,
        &id,
        "draft",
        &[
            ("outcome", "non_disclosure"),
            ("ground_art78_1_2", "1"),
            (
                "text",
                "残りの部分は、第三者の個人情報であるため開示しません。",
            ),
        ],
    )
    .await;
    app.sign_in(&boss.client, "boss@example.jp", PASSWORD).await;
    done(&app, &boss, &id, "approve", &[]).await;
    let remainder_title = "保有個人情報の開示をしない旨の決定（残りの部分）について（通知）";
    let mail = mail_with(&world, "第三者の個人情報であるため").await;
    let remainder = mail_names_and_links(&app, &mail, remainder_title).await;
    assert!(
        remainder.contains(&format!(
            "相当の部分については、{}付け{part_number}で通知しました",
            japanese_date(today, DateStyle::Japanese)
        )),
        "the remainder's letter names the part's: {remainder}"
    );
    assert!(text_of(&remainder, "letter-remedy").contains("審査請求"));
    assert_ne!(text_of(&remainder, "letter-number"), part_number);

    let titles: Vec<String> = letter_links(&app.get(&case_path).await.body, &case_path)
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    let at = |t: &str| titles.iter().position(|x| x == t);
    assert!(
        at(part_title).is_some() && at(part_title) < at(remainder_title),
        "both listed, the part first: {titles:?}"
    );
}

#[tokio::test]
async fn a_third_party_that_objected_is_told_of_the_disclosure_in_a_letter_of_its_own() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let (case_path, id, clerk, boss) =
        crate::regimes::verified_disclosure(&app, &world, "taisha@example.jp").await;
    let today = jst_date(app.clock.now());
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    done(
        &app,
        &clerk,
        &id,
        "consult",
        &[
            ("who", "株式会社みなと調査 代表取締役 港一郎"),
            ("sent_on", &day(today)),
            ("consult_reply_by", &day(today + Duration::days(7))),
        ],
    )
    .await;
    let page = case_page(&app, &clerk, &id).await;
    let consultation = {
        let select = &page[page.find("name=\"consultation\"").expect("the reply form")..];
        let at = select.find("<option value=\"").unwrap() + "<option value=\"".len();
        select[at..at + select[at..].find('"').unwrap()].to_string()
    };
    done(
        &app,
        &clerk,
        &id,
        "third-party-reply",
        &[
            ("consultation", &consultation),
            ("reply", "objects"),
            ("replied_on", &day(today)),
        ],
    )
    .await;
    done(
        &app,
        &clerk,
        &id,
        "draft",
        &[
            ("outcome", "full_disclosure"),
            ("text", "全部を開示します。"),
        ],
    )
    .await;

    // The approver must say why it is disclosed over the objection; nothing is issued before.
    let page = case_page(&app, &boss, &id).await;
    assert!(page.contains("name=\"third_party_reason\""), "asked for");
    let mut pages = vec![("approver-over-objection".to_string(), page)];
    let letters_before = world.count("SELECT COUNT(*) AS n FROM letters");
    let refused = act(&app, &boss, &id, "approve", &[("third_party_reason", "  ")]).await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("開示する理由を入力してください"),
        "{}",
        refused.body
    );
    assert_eq!(
        world.count("SELECT COUNT(*) AS n FROM letters"),
        letters_before
    );
    let reason =
        "当該情報は請求者本人の診療に関する情報であり、第三者の権利利益を害するおそれがないため";
    done(
        &app,
        &boss,
        &id,
        "approve",
        &[("third_party_reason", reason)],
    )
    .await;

    // Staff see it after the decision's letter, addressed to the third party, with the reason
    // and a day of disclosure two full weeks after the decision.
    let title = "反対意見書に係る保有個人情報の開示決定について（通知）";
    let staff_links = letter_links(
        &case_page(&app, &clerk, &id).await,
        &format!("/staff/cases/{id}"),
    );
    let titles: Vec<&str> = staff_links.iter().map(|(_, t)| t.as_str()).collect();
    let n = titles.len();
    assert!(n >= 3, "{titles:?}");
    assert_eq!(
        &titles[n - 2..],
        &["保有個人情報の開示をする旨の決定について（通知）", title]
    );
    let notice = app.get_with(&clerk.client, &staff_links[n - 1].0).await;
    assert_eq!(notice.status, 200);
    let notice = notice.body;
    assert_eq!(
        text_of(&notice, "letter-addressee"),
        "株式会社みなと調査 代表取締役 港一郎　様"
    );
    let decision_number = {
        let decision = app
            .get_with(&clerk.client, &staff_links[n - 2].0)
            .await
            .body;
        text_of(&decision, "letter-number")
    };
    assert_ne!(text_of(&notice, "letter-number"), decision_number);
    for said in [
        reason,
        "個人情報保護法第86条第3項",
        "開示決定をした日",
        &japanese_date(today, DateStyle::Japanese),
        &format!(
            "{}（この日より前には開示を実施しません。）",
            japanese_date(today + Duration::days(15), DateStyle::Japanese)
        ),
    ] {
        assert!(notice.contains(said), "{said}: {notice}");
    }
    assert!(text_of(&notice, "letter-remedy").contains("審査請求"));
    pages.push(("refused-without-reason".into(), refused.body.clone()));
    pages.push(("third-party-notice".into(), notice.clone()));

    // The requester never sees it: not listed, and not opened by its address.
    let requester = app.get(&case_path).await.body;
    assert!(!requester.contains(title) && !requester.contains("港一郎"));
    let letter_id = staff_links[n - 1].0.rsplit('/').next().unwrap().to_string();
    let guessed = app.get(&format!("{case_path}/letters/{letter_id}")).await;
    assert_eq!(guessed.status, 404);
    // The requester's decision mail names the decision's letter, not the third party's.
    let mail = mail_with(&world, "全部を開示します").await;
    assert!(!mail.contains(title) && !mail.contains("港一郎"));

    // The pages this adds pass the Nu HTML Checker (last: it takes seconds, and idle connections
    // to the server close meanwhile).
    if let Some(jar) = crate::html_checker::vnu_jar() {
        crate::html_checker::assert_valid(&jar, &pages);
    }
}
