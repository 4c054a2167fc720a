//! The indexes that leave unconfirmed submissions out (`WHERE received_at IS NOT NULL`) serve a
//! query only when its SQL states that condition: these tests run the real queries on SQLite,
//! capture the SQL they send, and read SQLite's plan for each.

use std::sync::{Arc, Mutex};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::connection::{Connection, InstrumentationEvent};
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::cases::{self, QueueFilter};
use super::statistics::{self, Period};
use super::{DatabaseUrl, Db, DbConnection, DbError, dashboard, register};

#[derive(QueryableByName)]
struct PlanStep {
    #[diesel(sql_type = Text)]
    detail: String,
}

/// Runs `query` and returns, for each statement it sent, SQLite's query plan in one line.
fn plans_of(query: impl FnOnce(&mut DbConnection) -> Result<(), DbError>) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&DatabaseUrl::Sqlite(dir.path().join("plans.db")), 2).unwrap();
    db.migrate().unwrap();
    db.with_writer(|conn| {
        let sent = Arc::new(Mutex::new(Vec::<String>::new()));
        let log = sent.clone();
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::StartQuery { query, .. } = event {
                let text = query.to_string();
                let sql = text.split(" -- binds:").next().unwrap_or_default();
                log.lock().unwrap().push(sql.to_string());
            }
        });
        query(conn)?;
        conn.set_instrumentation(|_: InstrumentationEvent<'_>| {});
        let statements = sent.lock().unwrap().clone();
        let mut plans = Vec::new();
        for sql in statements {
            // Unbound parameters are NULL; without statistics the plan does not depend on them.
            let steps: Vec<PlanStep> =
                diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}")).load(conn)?;
            let plan = steps
                .iter()
                .map(|s| s.detail.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            plans.push((sql, plan));
        }
        Ok(plans)
    })
    .unwrap()
}

fn assert_uses(plans: &[(String, String)], index: &str) {
    assert!(
        plans.iter().any(|(_, plan)| plan.contains(index)),
        "no statement used {index}:\n{plans:#?}"
    );
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn instant(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

#[test]
fn the_queue_reads_the_received_cases_index_in_order() {
    let plans = plans_of(|conn| cases::queue(conn, &QueueFilter::default(), 20, 0).map(drop));
    assert_eq!(plans.len(), 2, "{plans:#?}");
    for (_, plan) in &plans {
        assert!(plan.contains("cases_queue"), "{plans:#?}");
        assert!(
            !plan.contains("TEMP B-TREE"),
            "sorted instead of read in order: {plans:#?}"
        );
    }
}

#[test]
fn staff_search_by_email_and_name_uses_the_search_indexes() {
    let by_email = QueueFilter {
        email_index: Some("k".into()),
        ..QueueFilter::default()
    };
    let by_name = QueueFilter {
        name_key: Some("k".into()),
        ..QueueFilter::default()
    };
    for (filter, index) in [
        (by_email, "cases_email_index"),
        // The name's keys are found by their primary key, the cases by theirs.
        (
            by_name,
            "SEARCH case_name_keys USING PRIMARY KEY (name_key=?)",
        ),
    ] {
        let plans = plans_of(|conn| cases::queue(conn, &filter, 20, 0).map(drop));
        assert_uses(&plans, index);
    }
}

#[test]
fn dashboard_figures_count_from_the_received_cases_indexes() {
    let plans = plans_of(|conn| {
        dashboard::open_by_state(conn)?;
        dashboard::open_by_kind(conn)?;
        dashboard::open_by_assignee(conn, day("2026-12-03"))?;
        dashboard::received_since(conn, instant("2026-06-01 00:00"))?;
        Ok(())
    });
    assert_eq!(plans.len(), 5, "{plans:#?}");
    // Open cases by state, by kind, by assignee: counted from an index alone.
    for (sql, plan) in &plans[..3] {
        assert!(plan.contains("USING COVERING INDEX"), "{sql}\n{plan}");
    }
    // Overdue cases per assignee: a seek to the deadlines before today, not a scan of all cases.
    assert!(plans[3].1.contains("cases_queue (due_on<?"), "{plans:#?}");
    assert!(plans[4].1.contains("cases_received"), "{plans:#?}");
}

#[test]
fn the_register_and_the_yearly_figures_seek_by_receipt_instant() {
    let plans = plans_of(|conn| {
        let filter = register::RegisterFilter {
            received_from: Some(instant("2026-04-01 00:00")),
            ..register::RegisterFilter::default()
        };
        register::page(conn, &filter, None, 50)?;
        statistics::received(
            conn,
            Period {
                from: instant("2025-03-31 15:00"),
                until: instant("2026-03-31 15:00"),
                first: day("2025-04-01"),
                last: day("2026-03-31"),
            },
        )?;
        Ok(())
    });
    assert!(plans[0].1.contains("cases_received"), "{plans:#?}");
    assert_uses(&plans, "COVERING INDEX cases_received_kind");
}

#[test]
fn lookups_by_link_draft_and_receipt_use_their_keys() {
    use super::drafts::{self, DraftKey};
    let plans = plans_of(|conn| {
        let now = instant("2026-12-03 12:00");
        let named = DraftKey::of("42.secret");
        drafts::load(conn, &named, now)?;
        drafts::mark_submitted(conn, &named, "case", b"sealed")?;
        let older = DraftKey::of("secret");
        drafts::load(conn, &older, now)?;
        cases::find_by_link(conn, &cases::CaseLink::of("older-link"))?;
        cases::find_by_receipt_and_email(conn, "2026-000001", "k")?;
        Ok(())
    });
    assert_eq!(plans.len(), 5, "{plans:#?}");
    // A token that names its draft: one search of the table's own b-tree.
    for (sql, plan) in &plans[..2] {
        assert!(
            plan.contains("INTEGER PRIMARY KEY (rowid=?)"),
            "{sql}\n{plan}"
        );
    }
    assert!(plans[2].1.contains("sqlite_autoindex_drafts"), "{plans:#?}");
    // `= ?` implies IS NOT NULL: the partial unique indexes serve both lookups.
    assert!(plans[3].1.contains("cases_access_token_hash"), "{plans:#?}");
    assert!(plans[4].1.contains("cases_receipt_number"), "{plans:#?}");
}

#[test]
fn a_case_timeline_reads_the_events_in_key_order() {
    let plans = plans_of(|conn| cases::events(conn, "case").map(drop));
    assert_eq!(plans.len(), 1, "{plans:#?}");
    let plan = &plans[0].1;
    assert!(plan.contains("PRIMARY KEY (case_id=?)"), "{plan}");
    assert!(
        !plan.contains("TEMP B-TREE"),
        "sorted instead of read in order: {plan}"
    );
}

#[test]
fn the_yearly_figures_count_events_from_their_partial_indexes() {
    let p = Period {
        from: instant("2025-03-31 15:00"),
        until: instant("2026-03-31 15:00"),
        first: day("2025-04-01"),
        last: day("2026-03-31"),
    };
    let plans = plans_of(|conn| {
        statistics::entered_states(conn, p)?;
        statistics::extensions(conn, p)?;
        Ok(())
    });
    assert_eq!(plans.len(), 2, "{plans:#?}");
    assert!(
        plans[0].1.contains("case_events_counted_states"),
        "{plans:#?}"
    );
    assert!(
        plans[1].1.contains("case_events_counted_events"),
        "{plans:#?}"
    );
}
