//! Mail goes out exactly once from several instances, through the memory transport: a backlog
//! longer than a lease over a slow relay, sends that outlast a lease, a claim taken over, a
//! retry under the same Message-ID, and a worker stopping.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use madoguchi::clock::ShiftedClock;
use madoguchi::config::Config;
use madoguchi::db::{Db, outbox};
use madoguchi::mail::worker::MailWorker;
use madoguchi::mail::{self, MemoryTransport, OutgoingMail, Transport};
use madoguchi::startup::open_database;
use madoguchi::storage::crypto::MasterKey;

use crate::helpers::World;

/// A database handle of its own, as each instance has.
fn instance(world: &World) -> (Db, [u8; 32]) {
    let config = Config::from_vars(&world.vars()).unwrap();
    (open_database(&config).unwrap(), config.secrets.document_key)
}

fn enqueue(db: &Db, key: [u8; 32], count: usize) -> Vec<String> {
    db.with_writer(move |conn| {
        let from = mail::parse_mailbox("Madoguchi <madoguchi@example.jp>").unwrap();
        Ok((0..count)
            .map(|i| {
                let message = OutgoingMail {
                    to: "requester@example.jp".into(),
                    subject: format!("Receipt m{i:03}"),
                    text: format!("Your request was received: m{i:03}\n"),
                    html: None,
                };
                mail::enqueue(
                    conn,
                    &MasterKey::new(key),
                    &from,
                    &message,
                    "receipt",
                    None,
                    Utc::now(),
                )
                .unwrap()
            })
            .collect())
    })
    .unwrap()
}

fn worker(db: &Db, key: [u8; 32], memory: &MemoryTransport, id: &str) -> MailWorker {
    MailWorker::new(
        db.clone(),
        Arc::new(MasterKey::new(key)),
        Arc::new(Transport::Memory(memory.clone())),
        id,
    )
}

/// Drains as a running instance does, each run as of its own start, until nothing is pending.
async fn poll(worker: &MailWorker, db: &Db, start_after: Duration) -> (usize, usize) {
    tokio::time::sleep(start_after).await;
    let (mut sent, mut failed) = (0, 0);
    loop {
        let (s, f) = worker.drain(Utc::now()).await.unwrap();
        (sent, failed) = (sent + s, failed + f);
        if db.with_reader(outbox::pending_count).unwrap() == 0 {
            return (sent, failed);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Two instances drain `count` messages over a relay taking `delay` per message with claims of
/// `lease`; every message must arrive once, and neither instance may lose a claim.
async fn two_instances_send_once(world: World, count: usize, delay: Duration, lease: Duration) {
    let (db_a, key) = instance(&world);
    // Instances on PostgreSQL each have their own connections. SQLite suits one instance (its
    // writers would refuse each other, README): there the two workers share one handle.
    let db_b = if world.database_url.starts_with("postgres") {
        instance(&world).0
    } else {
        db_a.clone()
    };
    let ids = enqueue(&db_a, key, count);
    let relay = MemoryTransport::new().with_delay(delay);
    let a = worker(&db_a, key, &relay, "a").with_lease(lease);
    let b = worker(&db_b, key, &relay, "b").with_lease(lease);
    let started = std::time::Instant::now();
    // The second instance starts polling when the first one's first claims are a lease and a
    // half old (as when it starts, or polls, in the middle of a long run).
    let both = async {
        tokio::join!(
            poll(&a, &db_a, Duration::ZERO),
            poll(&b, &db_b, lease * 3 / 2)
        )
    };
    // Without renewals, sends longer than a lease would pass the message back and forth forever.
    let ((sa, fa), (sb, fb)) = tokio::time::timeout(Duration::from_secs(60), both)
        .await
        .expect("every message sent within a minute");
    let elapsed = started.elapsed();
    assert!(
        elapsed > lease * 2,
        "the backlog must outlast a lease: {elapsed:?}"
    );
    assert_eq!((fa, fb), (0, 0));
    assert_eq!((a.lost_claims(), b.lost_claims()), (0, 0));
    assert_eq!(sa + sb, count, "a: {sa}, b: {sb}");
    assert!(sa > 0 && sb > 0, "both instances worked: a {sa}, b {sb}");
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    for message in relay.messages() {
        *by_id.entry(message.message_id().unwrap()).or_default() += 1;
    }
    let expected: BTreeMap<String, usize> = ids
        .iter()
        .map(|id| (format!("<{id}@example.jp>"), 1))
        .collect();
    assert_eq!(by_id, expected, "each message exactly once");
    assert_eq!(db_a.with_reader(outbox::pending_count).unwrap(), 0);
}

#[tokio::test]
async fn a_backlog_longer_than_a_lease_goes_out_once_from_two_instances() {
    two_instances_send_once(
        World::new(),
        40,
        Duration::from_millis(40),
        Duration::from_millis(300),
    )
    .await;
}

#[tokio::test]
async fn sends_that_outlast_their_lease_keep_their_claim() {
    // A lease long enough that a renewal is not late merely because the test machine is busy
    // (the suite runs fault tests beside it), sends more than twice as long.
    two_instances_send_once(
        World::new(),
        6,
        Duration::from_millis(1_400),
        Duration::from_millis(600),
    )
    .await;
}

#[tokio::test]
async fn a_backlog_longer_than_a_lease_goes_out_once_from_two_instances_on_postgres() {
    let Some(world) = World::postgres() else {
        return;
    };
    two_instances_send_once(
        world,
        40,
        Duration::from_millis(40),
        Duration::from_millis(300),
    )
    .await;
}

#[tokio::test]
async fn sends_that_outlast_their_lease_keep_their_claim_on_postgres() {
    let Some(world) = World::postgres() else {
        return;
    };
    two_instances_send_once(
        world,
        6,
        Duration::from_millis(1_400),
        Duration::from_millis(600),
    )
    .await;
}

#[tokio::test]
async fn a_retry_carries_the_same_message_id() {
    let world = World::new();
    let (db, key) = instance(&world);
    let id = enqueue(&db, key, 1).remove(0);
    let relay = MemoryTransport::new();
    // The relay accepts the message, and its reply is lost: the worker must try again.
    relay.lose_replies(1);
    let w = worker(&db, key, &relay, "a");
    let now = Utc::now();
    assert_eq!(w.drain(now).await.unwrap(), (0, 1));
    assert_eq!(
        w.drain(now + chrono::Duration::seconds(31)).await.unwrap(),
        (1, 0)
    );
    let ids: Vec<Option<String>> = relay.messages().iter().map(|m| m.message_id()).collect();
    let expected = Some(format!("<{id}@example.jp>"));
    assert_eq!(ids, [expected.clone(), expected]);
}

#[tokio::test]
async fn a_claim_taken_over_after_its_lease_cannot_be_marked_by_its_first_holder() {
    let world = World::new();
    let (db, key) = instance(&world);
    let id = enqueue(&db, key, 1).remove(0);
    // Instance "a" claims the message for a minute and stops answering.
    let now = Utc::now().naive_utc();
    let claimed = db
        .with_writer(|c| outbox::claim_next(c, "a", now, now, now + chrono::Duration::minutes(1)))
        .unwrap();
    assert_eq!(claimed.map(|row| row.id), Some(id.clone()));
    let relay = MemoryTransport::new();
    let clock = ShiftedClock::new();
    let b = worker(&db, key, &relay, "b").with_clock(Arc::new(clock.clone()));
    assert_eq!(
        b.drain(Utc::now()).await.unwrap(),
        (0, 0),
        "claim still held"
    );
    clock.advance(chrono::Duration::minutes(2));
    assert_eq!(b.drain(Utc::now()).await.unwrap(), (1, 0), "lease ran out");
    assert_eq!(relay.messages().len(), 1);
    let late = Utc::now().naive_utc();
    let (marked, renewed) = db
        .with_writer(|c| {
            Ok((
                outbox::mark_sent(c, &id, "a", late)?,
                outbox::renew(c, &id, "a", late)?,
            ))
        })
        .unwrap();
    assert!(!marked && !renewed, "the first holder lost its claim");
}

/// How many claims are still held.
fn held_claims(db: &Db) -> i64 {
    use diesel::prelude::*;
    use madoguchi::db::schema::outbox as table;
    db.with_reader(|c| {
        Ok(table::table
            .filter(table::claim_expires_at.is_not_null())
            .count()
            .get_result(c)?)
    })
    .unwrap()
}

#[tokio::test]
async fn a_stopping_worker_finishes_the_message_in_flight_and_claims_no_more() {
    let world = World::new();
    let (db, key) = instance(&world);
    enqueue(&db, key, 3);
    let relay = MemoryTransport::new().with_delay(Duration::from_millis(400));
    let handle = worker(&db, key, &relay, "a").spawn(Duration::from_secs(60));
    tokio::time::sleep(Duration::from_millis(150)).await;
    handle.shutdown(Duration::from_secs(5)).await;
    assert_eq!(relay.messages().len(), 1, "the one in flight went out");
    assert_eq!(db.with_reader(outbox::pending_count).unwrap(), 2);
    assert_eq!(held_claims(&db), 0, "nothing left claimed");
}

#[tokio::test]
async fn a_worker_stopped_mid_send_releases_its_claim_for_another_instance() {
    let world = World::new();
    let (db, key) = instance(&world);
    enqueue(&db, key, 1);
    let slow = MemoryTransport::new().with_delay(Duration::from_secs(30));
    let handle = worker(&db, key, &slow, "a").spawn(Duration::from_secs(60));
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(held_claims(&db), 1);
    handle.shutdown(Duration::from_millis(100)).await;
    assert!(slow.messages().is_empty(), "the send was cut short");
    assert_eq!(held_claims(&db), 0, "released, not left to run out");
    // Another instance sends it at once, not a lease later.
    let relay = MemoryTransport::new();
    let b = worker(&db, key, &relay, "b");
    assert_eq!(b.drain(Utc::now()).await.unwrap(), (1, 0));
    assert_eq!(relay.messages().len(), 1);
}
