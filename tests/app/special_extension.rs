//! One deadline for a case, whoever looks: under an Art. 84 special extension the requester's page
//! and the staff page show the same date and the same explanation, and neither says overdue
//! before the special date. Time moves through the application's clock.

use chrono::Duration;
use madoguchi::clock::Clock;
use madoguchi::domain::role::Role;

use crate::helpers::World;
use crate::portal::spawn_portal;
use crate::workspace::{PASSWORD, case_id_from_queue, case_page, done};

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

#[tokio::test]
async fn a_special_extension_shows_the_same_deadline_to_requester_and_staff() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let case_path = app.requester_with_case("shiro@example.jp").await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let id = case_id_from_queue(&app, &clerk).await;
    done(&app, &clerk, &id, "start-review", &[]).await;
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

    // Past the part's date, the rest's date governs: still not overdue.
    app.clock.advance(Duration::days(30));
    let (requester, staff_page) = both_pages(&app, &clerk, &id, &case_path).await;
    let due = text_of(&requester, "case-due");
    assert!(day(60) < due && due <= rest_by, "the rest's date, {due}");
    assert_eq!(text_of(&staff_page, "case-due"), due, "one date");
    assert!(!requester.contains("期限超過"));
    assert!(!staff_page.contains("urgency--overdue"));
    assert_eq!(explanation(&staff_page), explanation(&requester));

    // Past the special date, both say so.
    app.clock.advance(Duration::days(60));
    let (requester, staff_page) = both_pages(&app, &clerk, &id, &case_path).await;
    assert!(requester.contains("期限超過"));
    assert!(staff_page.contains("urgency--overdue"));
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
