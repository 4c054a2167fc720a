//! Dismissal without staff of an unanswered 補正, where the operator configured it: on the
//! configured office day after the reply-by date and not before, once however many instances
//! sweep, with the requester told why and the audit log recording it as the system's.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use diesel::prelude::*;
use madoguchi::db::schema::{audit_events, cases};
use madoguchi::domain::deadline::jst_date;
use madoguchi::domain::operator_settings::Adjustments;
use madoguchi::domain::profile::ProfileName;
use madoguchi::domain::role::Role;
use madoguchi::service::caches::ProfileCache;
use madoguchi::service::reminders::Sweeper;

use crate::helpers::World;
use crate::portal::{mails, spawn_portal};
use crate::retention::instance;
use crate::uploads::received_case;
use crate::workspace::{ask_for_correction, case_id_from_queue, done};

/// Noon in Japan on `day`.
fn noon(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(3, 0, 0).unwrap())
}

fn sweeper(world: &World, db: &madoguchi::db::Db, name: &str) -> Sweeper {
    let config = madoguchi::config::Config::from_vars(&world.vars()).unwrap();
    Sweeper {
        db: db.clone(),
        calendars: Arc::new(madoguchi::service::caches::CalendarCache::new(
            ProfileName::National.profile().calendar([]),
        )),
        profiles: Arc::new(ProfileCache::new(ProfileName::National)),
        master: Arc::new(madoguchi::storage::crypto::MasterKey::new(
            config.secrets.document_key,
        )),
        from: madoguchi::mail::parse_mailbox("窓口 <madoguchi@example.jp>").unwrap(),
        public_url: "http://localhost".into(),
        deadline_days: vec![5, 1],
        instance: name.into(),
        metrics: madoguchi::service::metrics::Metrics::new(),
    }
}

fn state_of(db: &madoguchi::db::Db, id: &str) -> String {
    let id = id.to_string();
    db.with_reader(move |c| {
        Ok(cases::table
            .find(&id)
            .select(cases::state)
            .first::<String>(c)?)
    })
    .unwrap()
}

async fn dismiss_after(db: &madoguchi::db::Db, office_days: u32) {
    let profiles = ProfileCache::new(ProfileName::National);
    let revision = profiles.saved(db).await.unwrap().revision;
    let mut adjusted = Adjustments::of(&profiles.fresh(db).await.unwrap());
    adjusted.auto_dismiss_office_days = office_days;
    profiles
        .adjust(
            db,
            revision,
            adjusted,
            ("admin@example.jp", "admin"),
            Utc::now(),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn an_unanswered_correction_request_is_dismissed_once_on_the_configured_day() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let case_path = received_case(&app, &world).await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let id = case_id_from_queue(&app, &clerk).await;
    done(&app, &clerk, &id, "take", &[]).await;
    let calendar = ProfileName::National.profile().calendar([]);
    // An office day: one on a closed day would become the next office day.
    let reply_by = calendar.next_office_day_on_or_after(jst_date(Utc::now()) + Duration::days(14));
    ask_for_correction(&app, &clerk, &id, &reply_by.format("%Y-%m-%d").to_string()).await;
    let (db, _) = instance(&world);

    // The assignee sees the reply-by date; no dismissal day while none is configured.
    let staff_page = app
        .get_with(&clerk.client, &format!("/staff/cases/{id}"))
        .await;
    assert!(
        staff_page.body.contains(&format!(
            "<span id=\"case-reply-by\">{}</span>",
            reply_by.format("%Y-%m-%d")
        )),
        "{}",
        staff_page.body
    );
    assert!(!staff_page.body.contains("case-dismissal"));

    // Unless configured, nothing is dismissed however long the reply-by date has passed.
    let long_after = noon(calendar.add_office_days(reply_by, 20));
    let off = sweeper(&world, &db, "a").sweep(long_after).await.unwrap();
    assert_eq!(off.dismissed, 0);
    assert_eq!(state_of(&db, &id), "awaiting_requester");

    // Five office days after the reply-by date: the requester is told the day, and nothing
    // happens on the fourth.
    dismiss_after(&db, 5).await;
    let fifth = noon(calendar.add_office_days(reply_by, 5));
    let warned = format!(
        "ご回答がない場合は、{} にご請求を却下します。",
        jst_date(fifth).format("%Y-%m-%d")
    );
    crate::admin_profile::eventually_shows(&app, &case_path, &warned).await;
    // So does the assignee, on the case page.
    let on_the_day = format!(
        "（回答がなければ {} に自動で却下）",
        jst_date(fifth).format("%Y-%m-%d")
    );
    let staff_page = app
        .get_with(&clerk.client, &format!("/staff/cases/{id}"))
        .await;
    assert!(staff_page.body.contains(&on_the_day), "{}", staff_page.body);
    let fourth = noon(calendar.add_office_days(reply_by, 4));
    let early = sweeper(&world, &db, "a").sweep(fourth).await.unwrap();
    assert_eq!(early.dismissed, 0);
    assert_eq!(state_of(&db, &id), "awaiting_requester");

    // On the fifth, two instances sweeping at once dismiss it once.
    let (a, b) = (sweeper(&world, &db, "a"), sweeper(&world, &db, "b"));
    let (first, second) = tokio::join!(a.sweep(fifth), b.sweep(fifth));
    assert_eq!(first.unwrap().dismissed + second.unwrap().dismissed, 1);
    assert_eq!(state_of(&db, &id), "dismissed");
    let again = sweeper(&world, &db, "c").sweep(fifth).await.unwrap();
    assert_eq!(again.dismissed, 0);

    let audited: Vec<(String, Option<String>)> = db
        .with_reader(|c| {
            Ok(audit_events::table
                .filter(audit_events::action.eq("case.dismissed"))
                .select((audit_events::actor, audit_events::target))
                .load(c)?)
        })
        .unwrap();
    assert_eq!(audited, [("system".to_string(), Some("automatic".into()))]);
    assert_eq!(
        world.count("SELECT COUNT(*) AS n FROM letters WHERE kind = 'dismissal'"),
        1,
        "one dismissal letter, issued with the dismissal"
    );

    // The requester is told why, by mail and on their page.
    let reason = format!(
        "回答期限（{}）までにご回答がありませんでしたので、ご請求を却下しました。",
        reply_by.format("%Y-%m-%d")
    );
    // Queued at the sweep's time, five office days ahead of the clock: sent as of then.
    let config = madoguchi::config::Config::from_vars(&world.vars()).unwrap();
    madoguchi::mail::worker::MailWorker::new(
        db.clone(),
        Arc::new(madoguchi::storage::crypto::MasterKey::new(
            config.secrets.document_key,
        )),
        Arc::new(madoguchi::mail::Transport::Memory(world.mail.clone())),
        "test",
    )
    .with_letterhead(
        madoguchi::startup::letterhead(
            &config,
            Arc::new(madoguchi::service::caches::ProfileCache::new(
                config.profile,
            )),
        )
        .unwrap(),
    )
    .drain(fifth)
    .await
    .unwrap();
    let told: Vec<String> = mails(&world)
        .into_iter()
        .filter(|m| m.contains("ご請求を却下しました。"))
        .collect();
    assert_eq!(told.len(), 1, "one notice: {told:?}");
    assert!(told[0].contains(&reason), "{}", told[0]);
    assert!(told[0].contains("To: hanako@example.jp"), "{}", told[0]);
    let page = app.get(&case_path).await;
    assert!(page.body.contains(&reason), "{}", page.body);
}
