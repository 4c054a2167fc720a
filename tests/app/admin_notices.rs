//! Decision-notice templates: an administrator previews, saves and resets the text a draft starts
//! from, per outcome and language; drafts made afterwards start from it.

use diesel::prelude::*;
use madoguchi::db::schema::audit_events;
use madoguchi::domain::role::Role;

use crate::helpers::{Page, TestApp, csrf_of};
use crate::portal::spawn_portal;
use crate::retention::instance;
use crate::uploads::received_case;
use crate::workspace::case_id_from_queue;

const OWN_JA: &str =
    "ご請求のとおり訂正しました。\n\n訂正した内容：（訂正前・訂正後を記載）\n担当：情報公開係";

async fn post(app: &TestApp, admin: &reqwest::Client, fields: &[(&str, &str)]) -> Page {
    let shown = app.get_with(admin, "/staff/admin/notices/correct").await;
    let csrf = csrf_of(&shown.body);
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    app.post_with(admin, "/staff/admin/notices/correct", &form)
        .await
}

fn textarea<'a>(html: &'a str, id: &str) -> &'a str {
    let open = html.find(&format!("<textarea id=\"{id}\"")).unwrap();
    let start = open + html[open..].find('>').unwrap() + 1;
    &html[start..][..html[start..].find("</textarea>").unwrap()]
}

#[tokio::test]
async fn an_administrator_writes_previews_and_resets_a_notice_template() {
    let world = crate::helpers::World::new();
    let app = spawn_portal(&world, "national").await;
    let admin = app.staff(Role::Admin, "admin@example.jp").await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let audited = |action: &str| -> Vec<Option<String>> {
        let (db, _) = instance(&world);
        let action = action.to_string();
        db.with_reader(move |c| {
            Ok(audit_events::table
                .filter(audit_events::action.eq(action))
                .select(audit_events::target)
                .load(c)?)
        })
        .unwrap()
    };

    assert_eq!(
        app.get_with(&clerk.client, "/staff/admin/notices")
            .await
            .status,
        403
    );
    let list = app.get_with(&admin.client, "/staff/admin/notices").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.body.contains("id=\"template-full_disclosure\""));
    assert!(list.body.contains("id=\"template-correct\""));
    // A national body takes no purpose-notice requests, so it has no such notice.
    assert!(!list.body.contains("id=\"template-notify\""));
    assert_eq!(
        app.get_with(&admin.client, "/staff/admin/notices/notify")
            .await
            .status,
        404
    );

    // The page starts from the standard text and shows the letter the requester gets.
    let shown = app
        .get_with(&admin.client, "/staff/admin/notices/correct")
        .await;
    assert_eq!(shown.status, 200);
    assert!(textarea(&shown.body, "body_ja").contains("ご請求のとおり、次の訂正を行いました。"));
    assert!(textarea(&shown.body, "body_en").contains("We have made the correction"));
    assert!(
        shown
            .body
            .contains("保有個人情報の訂正をする旨の決定について（通知）")
    );
    assert!(shown.body.contains("国の行政機関"));
    assert!(
        shown.body.contains("【教示】"),
        "a public body's notice carries the 教示"
    );

    // Preview: the typed text as a letter, nothing saved.
    let standard_en = textarea(&shown.body, "body_en").to_string();
    let preview = post(
        &app,
        &admin.client,
        &[
            ("body_ja", OWN_JA),
            ("body_en", &standard_en),
            ("action", "preview"),
        ],
    )
    .await;
    assert_eq!(preview.status, 200);
    assert!(preview.body.contains("担当：情報公開係"));
    assert!(preview.body.contains("id=\"preview\""));
    assert!(audited("notice_template.saved").is_empty());

    // Bad texts: each language's problem next to its field, what was typed kept.
    let refused = post(
        &app,
        &admin.client,
        &[
            ("body_ja", "訂正しました"),
            ("body_en", " \r\n "),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("英語の文面を入力してください。"));
    assert!(textarea(&refused.body, "body_ja").contains("しました"));
    // A control character is refused before the form is read, as in every form, with a page
    // that says which and that the browser's back button keeps what was typed.
    let control = post(
        &app,
        &admin.client,
        &[
            ("body_ja", "訂正\u{7}しました"),
            ("body_en", &standard_en),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(control.status, 400);
    assert!(control.body.contains("使用できない文字"));
    assert!(audited("notice_template.saved").is_empty());

    // Saved: only the language that differs from the standard text is recorded.
    let saved = post(
        &app,
        &admin.client,
        &[
            ("body_ja", &OWN_JA.replace('\n', "\r\n")),
            ("body_en", &standard_en),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(saved.body.contains("文面を保存しました"));
    assert_eq!(
        audited("notice_template.saved"),
        [Some("correct:ja".into())]
    );
    let list = app.get_with(&admin.client, "/staff/admin/notices").await;
    let row = &list.body[list.body.find("id=\"template-correct\"").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains("変更済み") && row.contains("標準の文面"),
        "{row}"
    );

    // A clerk's draft of that outcome starts from the administrator's text.
    received_case(&app, &world).await;
    let id = case_id_from_queue(&app, &clerk).await;
    let draft = app
        .get_with(
            &clerk.client,
            &format!("/staff/cases/{id}/draft?outcome=correct"),
        )
        .await;
    assert_eq!(draft.status, 200, "{}", draft.body);
    assert!(draft.body.contains("担当：情報公開係"));

    // Reset: the standard texts apply again, and new drafts start from them.
    let reset = post(&app, &admin.client, &[("action", "reset")]).await;
    assert_eq!(reset.status, 200);
    assert!(reset.body.contains("標準の文面に戻しました"));
    assert!(textarea(&reset.body, "body_ja").contains("ご請求のとおり、次の訂正を行いました。"));
    assert_eq!(
        audited("notice_template.reset"),
        [Some("correct:ja".into())]
    );
    let draft = app
        .get_with(
            &clerk.client,
            &format!("/staff/cases/{id}/draft?outcome=correct"),
        )
        .await;
    assert!(!draft.body.contains("担当：情報公開係"));
}
