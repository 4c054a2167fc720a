//! The requester's consent history and its withdrawal (#26; seed 002, the PHR guideline Q&A,
//! Q3-7 and Q3-8): what they agreed to and when is on their case page; a withdrawal, made online
//! or recorded by staff, is dated, audited, mailed, shown in the history and on the timeline,
//! and said truthfully not to reach back nor to stop the request.

use madoguchi::domain::role::Role;

use crate::helpers::{World, csrf_of};
use crate::portal::spawn_portal;
use crate::workspace::{act, case_id_from_queue, case_page, done, mail_with};

/// The consent id in the case page's withdrawal link.
fn consent_link(page: &str) -> Option<String> {
    let at = page.find("/consents/")?;
    let rest = &page[at + "/consents/".len()..];
    Some(rest[..rest.find('/')?].to_string())
}

/// The path of the page that withdraws the case's first standing consent.
pub fn withdraw_page(case_page: &str, case_path: &str) -> String {
    let consent = consent_link(case_page).expect("a consent to withdraw");
    format!("{case_path}/consents/{consent}/withdraw")
}

#[tokio::test]
async fn a_requester_sees_their_consent_and_withdraws_it_once() {
    let world = World::new();
    let app = spawn_portal(&world, "jmimo").await;
    let case = app.requester_with_case("consent@example.jp").await;
    let page = app.get(&case).await.body;
    let history = &page[page.find("id=\"consents\"").expect("the history")..];
    assert!(history.contains("この窓口での個人情報の取扱い（版：2026-11-21）"));
    assert!(history.contains("同意中"), "{history}");
    let consent = consent_link(&page).expect("a withdrawal link");

    // The page before the button says what a withdrawal changes and what it does not.
    let path = format!("{case}/consents/{consent}/withdraw");
    let confirm = app.get(&path).await;
    assert_eq!(confirm.status, 200);
    for said in [
        "それより前の取扱いには遡りません",
        "撤回によってご請求の手続きは止まりません",
        "利用停止等の請求",
        "このご請求への対応（本人確認、連絡、決定と通知）にのみ利用",
    ] {
        assert!(confirm.body.contains(said), "{said}: {}", confirm.body);
    }
    let withdrawn = app.post(&path, &[("csrf", &csrf_of(&confirm.body))]).await;
    assert_eq!(withdrawn.status, 303, "{}", withdrawn.body);

    let page = app.get(&case).await.body;
    let history = &page[page.find("id=\"consents\"").unwrap()..];
    assert!(history.contains("撤回した日時: "), "{history}");
    assert!(history.contains("ご本人がこの画面で撤回"));
    assert!(
        consent_link(&page).is_none(),
        "no second withdrawal offered"
    );
    assert!(page.contains("同意の撤回"), "on the timeline");
    let row = format!(
        "SELECT COUNT(*) AS n FROM consents WHERE id = '{consent}' \
         AND withdrawn_at IS NOT NULL AND withdrawn_by = 'requester'"
    );
    assert_eq!(world.count(&row), 1);
    let audited = "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'consent.withdrawn' \
                   AND actor LIKE 'requester:%'";
    assert_eq!(world.count(audited), 1);
    let mail = mail_with(&world, "への同意（版：2026-11-21）の撤回を記録しました").await;
    assert!(mail.contains("遡りません") && mail.contains("手続きは止まりません"));

    // Twice is refused with the reason, and changes nothing.
    let again = app.post(&path, &[("csrf", &csrf_of(&confirm.body))]).await;
    assert_eq!(again.status, 422);
    assert!(again.body.contains("この同意はすでに撤回されています"));
    assert_eq!(world.count(audited), 1);
    // The confirmation page of a withdrawn consent goes back to the history; an unknown one is
    // not found.
    assert_eq!(app.get(&path).await.status, 303);
    let unknown = format!("{case}/consents/00000000-0000-0000-0000-000000000000/withdraw");
    assert_eq!(app.get(&unknown).await.status, 404);
}

#[tokio::test]
async fn staff_record_a_withdrawal_the_requester_told_them_of() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let case = app.requester_with_case("phone@example.jp").await;
    let consent = consent_link(&app.get(&case).await.body).unwrap();
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let id = case_id_from_queue(&app, &clerk).await;
    done(&app, &clerk, &id, "take", &[]).await;
    let staff_page = case_page(&app, &clerk, &id).await;
    assert!(
        staff_page.contains("action=\"/staff/cases/"),
        "{staff_page}"
    );
    assert!(staff_page.contains("同意の撤回を記録する"));

    // An id that is not this case's consent is refused with its reason.
    let wrong = act(&app, &clerk, &id, "withdraw-consent", &[("consent", "x")]).await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    assert!(wrong.body.contains("この請求にその同意の記録はありません"));

    done(
        &app,
        &clerk,
        &id,
        "withdraw-consent",
        &[("consent", &consent)],
    )
    .await;
    let staff_page = case_page(&app, &clerk, &id).await;
    assert!(
        staff_page.contains("窓口がお申出を受けて記録"),
        "{staff_page}"
    );
    assert!(!staff_page.contains("同意の撤回を記録する"));
    assert_eq!(
        world.count(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'consent.withdrawn' \
             AND actor LIKE 'staff:%'"
        ),
        1
    );
    let mail = mail_with(
        &world,
        "窓口でお受けした撤回のお申出を、担当者が記録しました",
    )
    .await;
    assert!(mail.contains("撤回を記録した日時"));
    let mine = app.get(&case).await.body;
    assert!(mine.contains("窓口がお申出を受けて記録"));

    // Recorded a second time from a page drawn before: refused, nothing written twice.
    let again = act(
        &app,
        &clerk,
        &id,
        "withdraw-consent",
        &[("consent", &consent)],
    )
    .await;
    assert_eq!(again.status, 422, "{}", again.body);
    assert!(again.body.contains("この同意はすでに撤回されています"));
}
