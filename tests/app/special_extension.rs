//! One deadline for a case, whoever looks: under an Art. 84 special extension the requester's page
//! and the staff page show the same date and the same explanation — the part's until the part is
//! decided, then the remainder's — and the remainder is decided as a decision of its own before
//! the case can close. Time moves through the application's clock.

use chrono::Duration;
use madoguchi::clock::Clock;

use crate::helpers::World;
use crate::portal::spawn_portal;
use crate::workspace::{PASSWORD, case_page, done};

/// The text of the element with `id`, up to the next tag.
fn text_of(html: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = html
        .find(&marker)
        .map(|i| i + marker.len())
        .unwrap_or_else(|| panic!("no #{id}"));
    html[start..start + html[start..].find('<').unwrap()]
        .trim()
        .to_string()
}

/// The steps of the first "how it was computed" list on a page.
fn explanation(html: &str) -> Vec<String> {
    let start = html.find("class=\"explanation\"").expect("an explanation");
    let end = start + html[start..].find("</ol>").expect("its list");
    html[start..end]
        .split("<li>")
        .skip(1)
        .map(|s| s.split("</li>").next().unwrap().to_string())
        .collect()
}

/// Art. 84: a considerable part is decided within 60 days, the remainder by the stated date as a
/// decision of its own (its own approval, record and notice); the case closes only after both.
/// Both pages show one date and one explanation throughout.
#[tokio::test]
async fn an_article_84_remainder_is_decided_before_the_case_closes() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let (case_path, id, clerk, boss) =
        crate::regimes::verified_disclosure(&app, &world, "shiro@example.jp").await;
    let today = madoguchi::domain::deadline::jst_date(app.clock.now());
    let rest_by = (today + Duration::days(120)).format("%Y-%m-%d").to_string();
    done(
        &app,
        &clerk,
        &id,
        "special-extension",
        &[
            ("rest_by", &rest_by),
            ("special_reason", "対象文書が大量であるため"),
        ],
    )
    .await;

    let day = |days: i64| {
        (today + Duration::days(days))
            .format("%Y-%m-%d")
            .to_string()
    };

    // 45 days later the 30-day period is long past; the part is due by day 60 (Art. 84).
    app.clock.advance(Duration::days(45));
    let (requester, staff_page) = both_pages(&app, &clerk, &id, &case_path).await;
    let due = text_of(&requester, "case-due");
    assert!(
        day(45) <= due && due <= day(60),
        "the requester sees the part's date, {due}"
    );
    assert_eq!(text_of(&staff_page, "case-due"), due, "one date");
    assert!(
        !requester.contains("期限超過"),
        "not overdue for the requester"
    );
    assert!(
        !staff_page.contains("urgency--overdue"),
        "not overdue for staff"
    );
    let steps = explanation(&requester);
    assert_eq!(explanation(&staff_page), steps, "one explanation");
    assert!(
        steps.iter().any(|s| s.contains("84")),
        "the explanation names the Art. 84 step: {steps:?}"
    );
    assert!(
        staff_page.contains("相当の部分についての決定"),
        "the next draft is the part's"
    );

    // The part: drafted, approved by another, notified; the case goes on to the remainder.
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
    let notice = crate::workspace::mail_with(&world, "2024年分を開示します").await;
    assert!(
        notice.contains("相当の部分"),
        "the notice says it decides the part"
    );
    let (requester, staff_page) = both_pages(&app, &clerk, &id, &case_path).await;
    assert!(
        staff_page.contains("id=\"case-state\">審査中"),
        "the remainder is still open"
    );
    assert!(staff_page.contains("残りの部分についての決定"));
    assert!(!staff_page.contains("/close\"") && !staff_page.contains("/deliver\""));
    assert!(
        !staff_page.contains("/transfer\""),
        "a decided part is not transferred"
    );
    let due = text_of(&requester, "case-due");
    assert!(
        day(60) < due && due <= rest_by,
        "the remainder's date, {due}"
    );
    assert_eq!(text_of(&staff_page, "case-due"), due, "one date");

    // Past the part's date the remainder's governs: not overdue.
    app.clock.advance(Duration::days(30));
    let (requester, staff_page) = both_pages(&app, &clerk, &id, &case_path).await;
    assert!(!requester.contains("期限超過"));
    assert!(!staff_page.contains("urgency--overdue"));
    assert_eq!(explanation(&staff_page), explanation(&requester));

    // Past the stated date, both say so.
    app.clock.advance(Duration::days(60));
    let (requester, staff_page) = both_pages(&app, &clerk, &id, &case_path).await;
    assert!(requester.contains("期限超過"));
    assert!(staff_page.contains("urgency--overdue"));

    // The remainder: its own draft, approval and notice; then delivery of what the part
    // disclosed, and the case closes.
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
    let notice = crate::workspace::mail_with(&world, "第三者の個人情報であるため").await;
    assert!(notice.contains("残りの部分"));
    let staff_page = case_page(&app, &clerk, &id).await;
    assert!(staff_page.contains("id=\"case-state\">決定通知済"));
    assert!(
        staff_page.contains("相当の部分についての決定")
            && staff_page.contains("残りの部分についての決定"),
        "two decisions, each with its record"
    );
    assert_eq!(
        world.count(
            "SELECT COUNT(*) AS n FROM decisions WHERE status = 'approved' AND scope IN ('part', 'remainder')"
        ),
        2
    );
    done(
        &app,
        &clerk,
        &id,
        "deliver",
        &[("dispatch_note", "簡易書留で発送")],
    )
    .await;
    assert!(
        case_page(&app, &clerk, &id)
            .await
            .contains("id=\"case-state\">完了")
    );
}

/// The requester's page and the staff page of the case, the clerk signed in again (a jump of
/// weeks outlasts any session).
async fn both_pages(
    app: &crate::helpers::TestApp,
    clerk: &crate::workspace::Staff,
    id: &str,
    case_path: &str,
) -> (String, String) {
    let signed_in = app
        .sign_in(&clerk.client, "clerk@example.jp", PASSWORD)
        .await;
    assert_eq!(signed_in.status, 303, "signed in again");
    (
        app.get(case_path).await.body,
        case_page(app, clerk, id).await,
    )
}
