//! Who may reach which staff route, and the misuses that must leave a case unchanged.

use madoguchi::domain::role::Role;

use crate::helpers::{World, client, csrf_of};
use crate::portal::spawn_portal;
use crate::uploads::{JPEG, upload};
use crate::workspace::{
    act, case_id_from_queue, case_page, done, mail_with, person, requested, value_of,
    with_all_checks,
};

fn refused(status: u16, location: Option<&str>) -> bool {
    status == 403 || (status == 303 && location.is_some_and(|l| l.starts_with("/staff/login")))
}

/// Every staff route, tried with no session and with each role: the set allowed is exactly the
/// one the role rules give (CSRF-less posts cannot change anything, so the probe is harmless).
#[tokio::test]
async fn every_staff_route_admits_exactly_the_roles_it_should() {
    let world = World::new();
    let app = spawn_portal(&world, "private").await;
    requested(
        &app,
        &world,
        &[
            (
                "/request",
                vec![
                    ("kind", "disclosure"),
                    ("requester_type", "principal"),
                    ("consent", "2026-11-21"),
                ],
            ),
            ("/request/person", person("taro@example.jp")),
            (
                "/request/content",
                vec![("data_description", "健診結果"), ("period", "2025年度")],
            ),
            (
                "/request/delivery",
                vec![("delivery", "electronic_download")],
            ),
        ],
    )
    .await;
    let mut who = Vec::new();
    for (role, email) in [
        (Role::Staff, "s@example.jp"),
        (Role::Approver, "ap@example.jp"),
        (Role::Admin, "ad@example.jp"),
        (Role::Auditor, "au@example.jp"),
    ] {
        who.push((Some(role), app.staff(role, email).await.client));
    }
    who.push((None, client()));
    let id = case_id_from_queue(
        &app,
        &crate::workspace::Staff {
            client: who[0].1.clone(),
        },
    )
    .await;

    use Role::*;
    let workers: &[Role] = &[Staff, Approver];
    let mut routes: Vec<(&str, String, &[Role])> = vec![
        ("GET", "/staff".into(), &[Staff, Approver, Admin, Auditor]),
        (
            "GET",
            "/staff/trail".into(),
            &[Staff, Approver, Admin, Auditor],
        ),
        ("GET", "/staff/audit".into(), &[Auditor]),
        ("GET", "/staff/dashboard".into(), &[Approver]),
        ("GET", "/staff/statistics".into(), &[Approver]),
        ("GET", "/staff/statistics.csv".into(), &[Approver]),
        ("GET", "/staff/register".into(), &[Approver]),
        ("GET", "/staff/register.csv".into(), &[Approver]),
        ("GET", "/staff/admin/calendar".into(), &[Admin]),
        ("POST", "/staff/admin/calendar".into(), &[Admin]),
        ("GET", "/staff/admin/staff".into(), &[Admin]),
        ("POST", "/staff/admin/staff".into(), &[Admin]),
        ("POST", "/staff/admin/staff/nobody".into(), &[Admin]),
        ("GET", "/staff/cases".into(), workers),
        ("GET", "/staff/intake".into(), workers),
        ("POST", "/staff/intake".into(), workers),
        ("POST", format!("/staff/cases/{id}/documents"), workers),
        ("GET", format!("/staff/cases/{id}"), workers),
        ("GET", format!("/staff/cases/{id}/requester"), workers),
        ("GET", format!("/staff/cases/{id}/documents/nope"), workers),
        ("GET", format!("/staff/cases/{id}/decisions/nope"), workers),
        ("GET", format!("/staff/cases/{id}/draft"), workers),
        ("POST", format!("/staff/cases/{id}/draft/preview"), workers),
        ("POST", format!("/staff/cases/{id}/files"), workers),
        ("POST", format!("/staff/cases/{id}/approve"), &[Approver]),
        ("POST", format!("/staff/cases/{id}/return"), &[Approver]),
        ("POST", format!("/staff/cases/{id}/assign"), &[Approver]),
        ("POST", format!("/staff/cases/{id}/waive"), &[Approver]),
    ];
    for action in [
        "take",
        "note",
        "message",
        "start-review",
        "verify",
        "review-document",
        "destroy-document",
        "correction",
        "fee",
        "extend",
        "special-extension",
        "draft",
        "choose-delivery",
        "deliver",
        "close",
        "dismiss",
    ] {
        routes.push(("POST", format!("/staff/cases/{id}/{action}"), workers));
    }
    for (method, path, allowed) in &routes {
        for (role, client) in &who {
            let response = if *method == "GET" {
                app.get_with(client, path).await
            } else if path.ends_with("/files") || path.ends_with("/documents") {
                let form = reqwest::multipart::Form::new().text("version", "0");
                let r = client
                    .post(app.url(path))
                    .multipart(form)
                    .send()
                    .await
                    .unwrap();
                let status = r.status().as_u16();
                let location = r
                    .headers()
                    .get("location")
                    .map(|v| v.to_str().unwrap().to_string());
                crate::helpers::Page {
                    status,
                    location,
                    body: String::new(),
                }
            } else {
                app.post_with(client, path, &[("version", "0")]).await
            };
            if *method == "GET" && response.status == 200 && !path.ends_with(".csv") {
                let title = response
                    .body
                    .split("<title>")
                    .nth(1)
                    .and_then(|t| t.split("</title>").next());
                assert!(
                    title.is_some_and(|t| !t.contains('<') && !t.trim().is_empty()),
                    "{path}: a plain title, got {title:?}"
                );
            }
            let admitted = !refused(response.status, response.location.as_deref());
            let expected = role.is_some_and(|r| allowed.contains(&r));
            assert_eq!(
                admitted, expected,
                "{method} {path} as {role:?}: status {} ({:?})",
                response.status, response.location
            );
        }
    }
    // Nothing above changed the case: still received, nobody assigned, no staff event.
    let page = case_page(
        &app,
        &crate::workspace::Staff {
            client: who[1].1.clone(),
        },
        &id,
    )
    .await;
    assert!(page.contains("id=\"case-state\">受付<"), "still received");
    assert!(!page.contains("担当者の割り当て"), "not assigned");
}

/// Misuse: another's case, a stale page, self-approval, a fee where none is due, a requester's
/// session on a staff page. Each is refused clearly and changes nothing.
#[tokio::test]
async fn misuse_is_refused_and_changes_nothing() {
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
            ("/request/person", person("jiro@example.jp")),
            (
                "/request/content",
                vec![
                    ("data_description", "住所"),
                    ("current_content", "旧"),
                    ("correct_content", "新"),
                    (
                        "prior_disclosure_on",
                        crate::helpers::RECENT_DISCLOSURE.as_str(),
                    ),
                ],
            ),
        ],
    )
    .await;
    let alice = app.staff(Role::Staff, "alice@example.jp").await;
    let bob = app.staff(Role::Staff, "bob@example.jp").await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;
    let id = case_id_from_queue(&app, &alice).await;

    // A requester's browser (no staff session) is sent to sign in.
    let as_requester = app.get(&format!("/staff/cases/{id}")).await;
    assert_eq!(as_requester.status, 303);
    assert!(as_requester.location.unwrap().starts_with("/staff/login"));

    // Two people on the same page: the second write is refused with "reload", typing kept.
    let stale = case_page(&app, &boss, &id).await;
    done(&app, &alice, &id, "take", &[]).await;
    let conflict = app
        .post_with(
            &boss.client,
            &format!("/staff/cases/{id}/note"),
            &[
                ("csrf", &csrf_of(&stale)),
                ("version", &value_of(&stale, "version")),
                ("note", "同時に書いたメモ"),
            ],
        )
        .await;
    assert_eq!(conflict.status, 409);
    assert!(conflict.body.contains("別の操作で変更されました"));
    assert!(
        conflict.body.contains("同時に書いたメモ"),
        "what was typed is kept"
    );

    // Bob may not open Alice's case; the refusal is audited.
    let other = app
        .get_with(&bob.client, &format!("/staff/cases/{id}"))
        .await;
    assert_eq!(other.status, 403);
    let bobs_queue = app.get_with(&bob.client, "/staff/cases").await;
    assert!(!bobs_queue.body.contains(&id), "not in Bob's queue either");

    // No fee on a correction request under a private operator.
    let fee = app
        .post_with(
            &alice.client,
            &format!("/staff/cases/{id}/fee"),
            &[
                ("csrf", &csrf_of(&case_page(&app, &alice, &id).await)),
                (
                    "version",
                    &value_of(&case_page(&app, &alice, &id).await, "version"),
                ),
                ("entry", "invoice"),
                ("amount", "300"),
            ],
        )
        .await;
    assert_eq!(fee.status, 422);
    assert!(fee.body.contains("手数料"), "{}", fee.body);

    // The approver drafts, then cannot approve their own draft.
    done(&app, &alice, &id, "start-review", &[]).await;
    upload(
        &app,
        &case_path,
        "drivers_licence",
        "l.jpg",
        JPEG.to_vec(),
        None,
    )
    .await;
    let page = case_page(&app, &alice, &id).await;
    let doc = value_of(&page, "document");
    done(
        &app,
        &alice,
        &id,
        "review-document",
        &with_all_checks(&[
            ("document", &doc),
            ("verdict", "accept"),
            ("holder", "principal"),
            ("expires_on", "2030-01-01"),
        ]),
    )
    .await;
    done(&app, &alice, &id, "verify", &[]).await;
    done(
        &app,
        &boss,
        &id,
        "draft",
        &[
            ("outcome", "not_correct"),
            ("text", "理由: 調査の結果、事実と相違しませんでした。"),
        ],
    )
    .await;
    let own = act(&app, &boss, &id, "approve", &[]).await;
    assert_eq!(own.status, 422);
    assert!(own.body.contains("起案者"), "{}", own.body);
    let page = case_page(&app, &alice, &id).await;
    assert!(page.contains("id=\"case-state\">決裁待ち"), "unchanged");
}

/// A document showing a My Number is destroyed (key forgotten), the requester is asked again,
/// and a defective request can be dismissed with a notice.
#[tokio::test]
async fn a_my_number_image_is_destroyed_and_a_request_dismissed() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let case_path = requested(
        &app,
        &world,
        &[
            (
                "/request",
                vec![
                    ("kind", "disclosure"),
                    ("requester_type", "principal"),
                    ("consent", "2026-11-21"),
                ],
            ),
            ("/request/person", person("saburo@example.jp")),
            (
                "/request/content",
                vec![("data_description", "診療記録"), ("period", "2024年")],
            ),
            ("/request/delivery", vec![("delivery", "paper_by_post")]),
        ],
    )
    .await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let id = case_id_from_queue(&app, &clerk).await;
    done(&app, &clerk, &id, "start-review", &[]).await;
    let mut back_side = JPEG.to_vec();
    back_side.extend_from_slice(b"MY-NUMBER-BACK");
    upload(
        &app,
        &case_path,
        "my_number_card",
        "back.jpg",
        back_side,
        None,
    )
    .await;
    let page = case_page(&app, &clerk, &id).await;
    let doc = value_of(&page, "document");
    done(
        &app,
        &clerk,
        &id,
        "destroy-document",
        &[("document", &doc), ("finding", "my_number_card_back_side")],
    )
    .await;
    let page = case_page(&app, &clerk, &id).await;
    assert!(page.contains("この書類は廃棄されました"));
    let view = app
        .get_with(&clerk.client, &format!("/staff/cases/{id}/documents/{doc}"))
        .await;
    assert_eq!(view.status, 404, "nothing left to show");
    let blobs = world.data_dir.path().join("documents");
    let leftover = std::fs::read_dir(&blobs).map(|d| d.count()).unwrap_or(0);
    assert_eq!(leftover, 0, "the encrypted file is gone too");
    let requester_view = app.get(&case_path).await.body;
    assert!(
        requester_view.contains("表面のみ"),
        "asked to send the front side"
    );

    // Art. 84 special extension (public bodies), once.
    done(
        &app,
        &clerk,
        &id,
        "special-extension",
        &[
            ("rest_by", "2027-03-31"),
            ("special_reason", "対象文書が大量であるため"),
        ],
    )
    .await;
    let twice = act(
        &app,
        &clerk,
        &id,
        "special-extension",
        &[("rest_by", "2027-04-30"), ("special_reason", "再度")],
    )
    .await;
    assert_eq!(twice.status, 422);

    // While a 補正 reply period runs, the case cannot be dismissed.
    // An office day: one on a closed day would become the next office day.
    let reply_by = madoguchi::domain::profile::ProfileName::National
        .profile()
        .calendar([])
        .next_office_day_on_or_after(
            madoguchi::domain::deadline::jst_date(chrono::Utc::now()) + chrono::Duration::days(14),
        )
        .format("%Y-%m-%d")
        .to_string();
    done(
        &app,
        &clerk,
        &id,
        "correction",
        &[("item_missing_document", "1"), ("reply_by", &reply_by)],
    )
    .await;
    let early = act(
        &app,
        &clerk,
        &id,
        "dismiss",
        &[("dismiss_reason", "書類が届かないため")],
    )
    .await;
    assert_eq!(early.status, 422);
    assert!(
        early.body.contains(&reply_by),
        "says until when: {}",
        early.body
    );
    let requester_view = app.get(&case_path).await.body;
    let csrf = csrf_of(&requester_view);
    app.post(
        &format!("{case_path}/answer"),
        &[("csrf", &csrf), ("answer", "送れません")],
    )
    .await;

    let empty = act(&app, &clerk, &id, "dismiss", &[("dismiss_reason", "")]).await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("却下の理由を入力してください"));
    done(
        &app,
        &clerk,
        &id,
        "dismiss",
        &[("dismiss_reason", "本人確認書類の提出がないため")],
    )
    .await;
    let notice = mail_with(&world, "本人確認書類の提出がないため").await;
    assert!(notice.contains("却下"));
    assert!(app.get(&case_path).await.body.contains("却下"));
}

/// Paging through the queue shows every open case exactly once: dated ones by due date first,
/// then those without a deadline (decided, awaiting delivery) by receipt.
#[test]
fn the_queue_pages_through_every_open_case_once_in_order() {
    use madoguchi::db::cases::{self, QueueFilter};
    let world = World::new();
    let db = crate::helpers::seeded(&world, 400);
    let filter = QueueFilter::default();
    let mut seen = Vec::new();
    for page in 0.. {
        let rows = db
            .with_reader(|conn| cases::queue(conn, &filter, 37, page * 37))
            .unwrap();
        if rows.is_empty() {
            break;
        }
        seen.extend(rows);
    }
    let open = db
        .with_reader(|conn| {
            use diesel::prelude::*;
            use madoguchi::db::schema::cases::dsl;
            Ok(dsl::cases
                .filter(dsl::state.ne_all(cases::FINISHED_STATES))
                .count()
                .get_result::<i64>(conn)?)
        })
        .unwrap();
    assert_eq!(seen.len() as i64, open, "every open case once");
    let mut ids: Vec<&str> = seen.iter().map(|r| r.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), seen.len(), "no duplicates across pages");
    let first_undated = seen
        .iter()
        .position(|r| r.due_on.is_none())
        .unwrap_or(seen.len());
    assert!(
        seen[first_undated..].iter().all(|r| r.due_on.is_none()),
        "undated last"
    );
    assert!(
        seen[..first_undated]
            .windows(2)
            .all(|w| w[0].due_on <= w[1].due_on),
        "by due date"
    );
    assert!(
        first_undated > 0 && first_undated < seen.len(),
        "both kinds present"
    );
}
