//! Requests entered by staff from paper, and the audit log that records it.

use madoguchi::domain::role::Role;
use reqwest::multipart::{Form, Part};

use crate::helpers::{World, csrf_of};
use crate::portal::spawn_portal;
use crate::uploads::JPEG;
use crate::workspace::{case_page, done, value_of};

#[tokio::test]
async fn a_posted_request_is_entered_back_dated_and_audited() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let auditor = app.staff(Role::Auditor, "audit@example.jp").await;

    let form = app.get_with(&clerk.client, "/staff/intake").await;
    assert_eq!(form.status, 200);
    let csrf = csrf_of(&form.body);
    let today = madoguchi::domain::deadline::jst_date(chrono::Utc::now());
    let tomorrow = (today + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("channel", "post"),
        ("kind", "disclosure"),
        ("requester_type", "principal"),
        ("name", "郵送 太郎"),
        ("name_kana", "ゆうそう たろう"),
        ("birth_date", "1950/1/2"),
        ("postal_code", "２３１８５８８"),
        ("address", "横浜市中区日本大通1"),
        ("data_description", "入院記録"),
        ("delivery", "paper_by_post"),
    ];
    let mut future = fields.clone();
    future.push(("arrived_on", &tomorrow));
    let refused = app.post_with(&clerk.client, "/staff/intake", &future).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("到達日に未来の日付は入力できません"));
    assert!(
        refused.body.contains("value=\"郵送 太郎\""),
        "typed values kept"
    );

    let arrived = (today - chrono::Duration::days(5))
        .format("%Y-%m-%d")
        .to_string();
    fields.push(("arrived_on", &arrived));
    let entered = app.post_with(&clerk.client, "/staff/intake", &fields).await;
    assert_eq!(entered.status, 303, "{}", entered.body);
    let id = entered
        .location
        .unwrap()
        .trim_start_matches("/staff/cases/")
        .to_string();
    let page = case_page(&app, &clerk, &id).await;
    assert!(page.contains("id=\"case-state\">受付<"));
    assert!(page.contains("郵送"), "channel shown");

    // The deadline counts from the arrival date: 30 days after it (national body).
    let national = madoguchi::domain::profile::ProfileName::National.profile();
    let case = national
        .new_case(
            madoguchi::domain::kind::RequestKind::Disclosure,
            madoguchi::domain::lifecycle::Entry::StaffEntered,
        )
        .unwrap();
    let expected = madoguchi::domain::deadline::compute_deadline(
        &national.decision_deadline_request(
            &case,
            chrono::TimeZone::from_utc_datetime(
                &chrono::Utc,
                &(today - chrono::Duration::days(5))
                    .and_hms_opt(3, 0, 0)
                    .unwrap(),
            ),
            &[],
            None,
        ),
        &madoguchi::domain::profile::ProfileName::National
            .profile()
            .calendar([]),
    )
    .unwrap();
    let due = expected.last_office_day.format("%Y-%m-%d").to_string();
    assert!(
        page.contains(&format!("id=\"case-due\">{due}")),
        "due {due}"
    );

    // A scanned licence is added; with no e-mail address, actions still work (notices by post).
    let scan = Form::new()
        .text("csrf", csrf_of(&page))
        .text("version", value_of(&page, "version"))
        .text("declared_type", "drivers_licence")
        .part("file", Part::bytes(JPEG.to_vec()).file_name("scan.jpg"));
    let added = clerk
        .client
        .post(app.url(&format!("/staff/cases/{id}/documents")))
        .multipart(scan)
        .send()
        .await
        .unwrap();
    assert_eq!(added.status().as_u16(), 303);
    done(&app, &clerk, &id, "start-review", &[]).await;
    done(
        &app,
        &clerk,
        &id,
        "message",
        &[("message", "書類を受け取りました。")],
    )
    .await;

    // The auditor sees the back-dated entry and the view of the case.
    let log = app
        .get_with(&auditor.client, &format!("/staff/audit?case={id}"))
        .await;
    assert_eq!(log.status, 200);
    for action in [
        "case.entered",
        "case.entered_backdated",
        "document.scanned",
        "case.viewed",
    ] {
        assert!(log.body.contains(action), "{action} in the audit log");
    }
    assert!(log.body.contains(&format!("arrived:{arrived}")));
    let trail = app.get_with(&clerk.client, "/staff/trail").await;
    assert!(
        trail.body.contains("case.message_sent"),
        "staff see their own trail"
    );
    let forbidden = app.get_with(&clerk.client, "/staff/audit").await;
    assert_eq!(forbidden.status, 403);
}
