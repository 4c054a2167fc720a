//! The business calendar administration: a closure day moves exactly the open deadlines that fell
//! on it, records each move, and tells the people responsible.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use madoguchi::db::schema::{audit_events, case_pauses, cases};
use madoguchi::domain::role::Role;

use crate::helpers::{World, csrf_of};
use crate::portal::{mails, spawn_portal};

type CaseDeadline = (String, String, Option<String>, Option<NaiveDate>);

fn deadlines(db: &madoguchi::db::Db) -> BTreeMap<String, CaseDeadline> {
    db.with_reader(|c| {
        Ok(cases::table
            .select((
                cases::id,
                cases::state,
                cases::receipt_number,
                cases::due_on,
            ))
            .load::<CaseDeadline>(c)?)
    })
    .unwrap()
    .into_iter()
    .map(|row| (row.0.clone(), row))
    .collect()
}

#[tokio::test]
async fn a_closure_day_moves_exactly_the_deadlines_on_it_and_records_each() {
    let world = World::new();
    let db = crate::helpers::seeded(&world, 400);
    let profile = madoguchi::domain::profile::ProfileName::National.profile();
    let calendar = profile.calendar([]);
    let app = spawn_portal(&world, "national").await;
    let admin = app.staff(Role::Admin, "admin@example.jp").await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;
    assert_eq!(
        app.get_with(&boss.client, "/staff/admin/calendar")
            .await
            .status,
        403
    );

    // The design rule of docs/deadlines.md §6: an agency's decision period does not roll over, so when
    // its last day is closed the decision is due on the office day before. Closing day D therefore
    // moves exactly the undecided cases due on D, to the office day before it; nothing else.
    let today = madoguchi::domain::deadline::jst_date(chrono::Utc::now());
    let undecided = [
        "received",
        "identity_review",
        "in_review",
        "awaiting_requester",
        "awaiting_payment",
        "awaiting_approval",
    ];
    let before = deadlines(&db);
    // A stopped clock (an open pause) has no deadline to move yet.
    let stopped: Vec<String> = db
        .with_reader(|c| {
            Ok(case_pauses::table
                .filter(case_pauses::ended_on.is_null())
                .select(case_pauses::case_id)
                .load(c)?)
        })
        .unwrap();
    let runs =
        |id: &str, state: &str| undecided.contains(&state) && !stopped.iter().any(|s| s == id);
    let mut per_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for (id, state, _, due) in before.values() {
        if let (true, Some(due)) = (runs(id, state), due)
            && *due > today
        {
            *per_day.entry(*due).or_default() += 1;
        }
    }
    let (day, expected_count) = per_day
        .iter()
        .max_by_key(|(d, n)| (**n, std::cmp::Reverse(**d)))
        .map(|(d, n)| (*d, *n))
        .expect("seeded cases due after today");
    assert!(expected_count >= 2, "a day with several deadlines");
    let office_day_before = calendar.prev_office_day_on_or_before(day.pred_opt().unwrap());

    // Bad input first: nothing changes, the typed values stay.
    let page = app.get_with(&admin.client, "/staff/admin/calendar").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("春分の日") || page.body.contains("元日"));
    let csrf = csrf_of(&page.body);
    let bad = app
        .post_with(
            &admin.client,
            "/staff/admin/calendar",
            &[
                ("csrf", csrf.as_str()),
                ("day", "2026-02-30"),
                ("change", "close"),
                ("day_note", "停電"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("日付が正しくありません"), "{}", bad.body);
    assert!(bad.body.contains("value=\"停電\""));
    let no_note = app
        .post_with(
            &admin.client,
            "/staff/admin/calendar",
            &[
                ("csrf", csrf.as_str()),
                ("day", &day.to_string()),
                ("change", "close"),
            ],
        )
        .await;
    assert_eq!(no_note.status, 422);
    assert!(no_note.body.contains("理由・メモを入力してください"));
    assert_eq!(deadlines(&db), before);

    let day_text = day.to_string();
    let done = app
        .post_with(
            &admin.client,
            "/staff/admin/calendar",
            &[
                ("csrf", csrf.as_str()),
                ("day", day_text.as_str()),
                ("change", "close"),
                ("day_note", "庁舎の電気設備点検"),
            ],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(
        done.body
            .contains(&format!("id=\"moved-count\">{expected_count}<")),
        "expected {expected_count} on {day}: {}",
        done.body
    );
    assert_eq!(
        done.body.matches("class=\"moved-row\"").count(),
        expected_count
    );

    let after = deadlines(&db);
    let mut moved = Vec::new();
    for (id, (_, state, number, due)) in &before {
        let now_due = after[id].3;
        if runs(id, state) && *due == Some(day) {
            assert_eq!(now_due, Some(office_day_before), "{id}");
            moved.push((id.clone(), number.clone().unwrap()));
        } else {
            assert_eq!(now_due, *due, "{id} must not move");
        }
    }
    assert_eq!(moved.len(), expected_count);

    // Each move is in the audit log with its old and new dates.
    let audited: Vec<(Option<String>, Option<String>)> = db
        .with_reader(|c| {
            Ok(audit_events::table
                .filter(audit_events::action.eq("case.deadline_moved"))
                .select((audit_events::case_id, audit_events::target))
                .load(c)?)
        })
        .unwrap();
    assert_eq!(audited.len(), expected_count);
    for (id, _) in &moved {
        assert!(audited.contains(&(Some(id.clone()), Some(format!("{day}→{office_day_before}")))));
    }

    // The people responsible are told: every moved receipt number is in a mail.
    let mut told = String::new();
    for _ in 0..100 {
        told = mails(&world)
            .into_iter()
            .filter(|m| m.contains("期限が変わりました"))
            .collect();
        if moved.iter().all(|(_, n)| told.contains(n.as_str())) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    for (_, number) in &moved {
        assert!(told.contains(number.as_str()), "{number} not told");
    }

    // The calendar page lists the closure; removing it moves the deadlines back.
    let page = app
        .get_with(
            &admin.client,
            &format!(
                "/staff/admin/calendar?year={}",
                chrono::Datelike::year(&day)
            ),
        )
        .await;
    assert!(page.body.contains("庁舎の電気設備点検"));
    let reset = app
        .post_with(
            &admin.client,
            "/staff/admin/calendar",
            &[
                ("csrf", csrf.as_str()),
                ("day", day_text.as_str()),
                ("change", "reset"),
            ],
        )
        .await;
    assert_eq!(reset.status, 200);
    assert!(
        reset
            .body
            .contains(&format!("id=\"moved-count\">{expected_count}<"))
    );
    assert_eq!(deadlines(&db), {
        // Versions aside, every deadline is back where it was.
        before
    });
}
