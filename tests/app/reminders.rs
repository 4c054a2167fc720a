//! Reminders and escalations: due ones are sent once, by whichever instance claims them first.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use diesel::prelude::*;
use madoguchi::db::schema::{audit_events, case_pauses, cases, reminders};

use crate::helpers::World;
use crate::portal::mails;

fn reminder_rows(db: &madoguchi::db::Db) -> Vec<(String, String, String)> {
    db.with_reader(|c| {
        Ok(reminders::table
            .select((reminders::key, reminders::case_id, reminders::kind))
            .load(c)?)
    })
    .unwrap()
}

/// The reminder lines of every staff mail, with the mail's recipient.
fn staff_lines(world: &World) -> Vec<(String, String)> {
    let mut lines = Vec::new();
    for mail in mails(world) {
        if !mail.contains("These cases need your attention") {
            continue;
        }
        let to = mail
            .lines()
            .find_map(|l| l.strip_prefix("To: "))
            .unwrap_or_default()
            .to_string();
        for line in mail.lines().filter(|l| l.contains("/staff/cases/")) {
            lines.push((to.clone(), line.trim().to_string()));
        }
    }
    lines
}

#[tokio::test]
async fn two_instances_on_one_postgresql_send_each_reminder_exactly_once() {
    let Some(world) = World::postgres() else {
        return;
    };
    let db = crate::helpers::seeded(&world, 300);
    let spawn = || {
        world.spawn_with(|vars| {
            vars.insert("MADOGUCHI_REMINDER_POLL_SECONDS".into(), "1".into());
            vars.insert("MADOGUCHI_MAIL_POLL_SECONDS".into(), "1".into());
        })
    };
    let (_first, _second) = (spawn().await, spawn().await);

    // Both instances sweep every second; wait until the claims stop growing.
    let mut last = usize::MAX;
    for _ in 0..60 {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let now = reminder_rows(&db).len();
        if now == last && now > 0 {
            break;
        }
        last = now;
    }
    let rows = reminder_rows(&db);
    assert!(!rows.is_empty(), "the seeded set has reminders due");

    // Independently: every undecided case with a running clock past its deadline has exactly one
    // escalation, and nothing else has one.
    let today = madoguchi::domain::deadline::jst_date(chrono::Utc::now());
    let undecided = [
        "received",
        "identity_review",
        "in_review",
        "awaiting_requester",
        "awaiting_payment",
        "awaiting_approval",
    ];
    let stopped: HashSet<String> = db
        .with_reader(|c| {
            Ok(case_pauses::table
                .filter(case_pauses::ended_on.is_null())
                .select(case_pauses::case_id)
                .load::<String>(c)?)
        })
        .unwrap()
        .into_iter()
        .collect();
    let overdue: HashSet<String> = db
        .with_reader(|c| {
            Ok(cases::table
                .filter(cases::due_on.lt(today))
                .select((cases::id, cases::state))
                .load::<(String, String)>(c)?)
        })
        .unwrap()
        .into_iter()
        .filter(|(id, state)| undecided.contains(&state.as_str()) && !stopped.contains(id))
        .map(|(id, _)| id)
        .collect();
    assert!(!overdue.is_empty(), "the seeded set has overdue cases");
    let escalated: Vec<&String> = rows
        .iter()
        .filter(|(_, _, kind)| kind == "overdue")
        .map(|(_, case, _)| case)
        .collect();
    assert_eq!(escalated.len(), overdue.len());
    assert_eq!(
        escalated.into_iter().cloned().collect::<HashSet<_>>(),
        overdue
    );

    // Every claim is audited once, and no recipient got any line twice.
    let audited: i64 = db
        .with_reader(|c| {
            Ok(audit_events::table
                .filter(audit_events::action.eq("reminder.sent"))
                .count()
                .get_result(c)?)
        })
        .unwrap();
    assert_eq!(audited as usize, rows.len());
    let mut lines = Vec::new();
    for _ in 0..40 {
        lines = staff_lines(&world);
        let cases_mailed: HashSet<&str> = lines
            .iter()
            .filter(|(to, _)| to.contains("approver"))
            .filter_map(|(_, l)| l.rsplit('/').next())
            .collect();
        if overdue.iter().all(|id| cases_mailed.contains(id.as_str())) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let mut seen: BTreeMap<&(String, String), usize> = BTreeMap::new();
    for line in &lines {
        *seen.entry(line).or_default() += 1;
    }
    assert!(lines.len() >= overdue.len());
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "sent twice: {twice:?}");
    for id in &overdue {
        assert!(
            lines
                .iter()
                .any(|(to, l)| l.ends_with(id.as_str()) && to.contains("approver")),
            "approvers told of {id}"
        );
    }
}

#[tokio::test]
async fn a_sweep_sends_once_and_a_moved_deadline_rearms_the_reminder() {
    let world = World::new();
    let db = crate::helpers::seeded(&world, 200);
    let config = madoguchi::config::Config::from_vars(&world.vars()).unwrap();
    let profile = madoguchi::domain::profile::ProfileName::National.profile();
    let calendars = std::sync::Arc::new(madoguchi::service::caches::CalendarCache::new(
        profile.calendar([]),
    ));
    let sweeper = madoguchi::service::reminders::Sweeper {
        db: db.clone(),
        calendars,
        profiles: std::sync::Arc::new(madoguchi::service::caches::ProfileCache::new(
            madoguchi::domain::profile::ProfileName::National,
        )),
        master: std::sync::Arc::new(madoguchi::storage::crypto::MasterKey::new(
            config.secrets.document_key,
        )),
        from: madoguchi::mail::parse_mailbox("窓口 <madoguchi@example.jp>").unwrap(),
        public_url: "http://localhost".into(),
        deadline_days: vec![5, 1],
        instance: "test".into(),
        metrics: madoguchi::service::metrics::Metrics::new(),
    };
    let now = chrono::Utc::now();
    let first = sweeper.sweep(now).await.unwrap();
    assert!(first.reminders_sent > 0);
    assert_eq!(first.reminders_sent, reminder_rows(&db).len());
    // The same day again: nothing new (a crash and restart would do the same).
    let again = sweeper.sweep(now).await.unwrap();
    assert_eq!(again.reminders_sent, 0);
    // Cases whose clock runs and that were escalated for their deadline are left out of the
    // query itself, not only skipped after reading them.
    let escalated_running: i64 = db
        .with_reader(|c| {
            Ok(reminders::table
                .inner_join(cases::table)
                .filter(reminders::kind.eq("overdue"))
                .filter(reminders::about_on.eq(cases::due_on))
                .filter(cases::state.ne_all(["awaiting_requester", "awaiting_payment"]))
                .count()
                .get_result(c)?)
        })
        .unwrap();
    assert!(escalated_running > 0);
    assert_eq!(
        again.cases_considered,
        first.cases_considered - escalated_running as usize
    );

    // A case whose deadline moves gets a reminder for its new date.
    let (id, due): (String, chrono::NaiveDate) = db
        .with_reader(|c| {
            Ok(reminders::table
                .inner_join(cases::table)
                .filter(reminders::kind.eq("overdue"))
                .select((cases::id, cases::due_on.assume_not_null()))
                .first(c)?)
        })
        .unwrap();
    let earlier = due - chrono::Duration::days(1);
    db.with_writer(move |c| {
        diesel::update(cases::table.find(&id))
            .set(cases::due_on.eq(earlier))
            .execute(c)?;
        Ok(())
    })
    .unwrap();
    assert_eq!(sweeper.sweep(now).await.unwrap().reminders_sent, 1);
}
