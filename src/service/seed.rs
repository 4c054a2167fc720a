//! `madoguchi dev seed`: fills a database with realistic cases in every state, for demos and
//! benchmarks. Seeded cases are marked by their id (`seed-…`), so a database holding real cases
//! is refused unless forced.

use chrono::{DateTime, Datelike, Duration, Utc};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::db::DbConnection;
use crate::db::cases::{self, CaseRow};
use crate::db::cases::{CaseEventRow, PauseRow};
use crate::db::decisions::DecisionRow;
use crate::db::schema::cases as cases_table;
use crate::db::staff::{self, NewStaff};
use crate::db::{Db, DbError};
use crate::domain::calendar::BusinessCalendar;
use crate::domain::channel::RequestChannel;
use crate::domain::deadline::{Pause, compute_deadline, jst_date};
use crate::domain::delivery::DeliveryMethod;
use crate::domain::document::DecisionStatus;
use crate::domain::grounds::WithholdingGround;
use crate::domain::identity::RequesterType;
use crate::domain::lifecycle::{Entry, FeeStatus};
use crate::domain::outcome::Outcome;
use crate::domain::profile::OperatorProfile;
use crate::domain::state::{CaseState, PauseReason};
use crate::service::case_record::{SealedContent, SealedParty, facts_json, seal_json};
use crate::service::intake::draft::RequestContent;
use crate::service::intake::person::PersonDetails;
use crate::storage::crypto::MasterKey;
use crate::storage::index::IndexKey;
use std::collections::BTreeMap;

const BATCH: usize = 1000;
const FAMILY: &[&str] = &[
    "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤",
];
const GIVEN: &[(&str, &str)] = &[
    ("花子", "ハナコ"),
    ("太郎", "タロウ"),
    ("美咲", "ミサキ"),
    ("健", "ケン"),
    ("陽菜", "ヒナ"),
    ("翔", "ショウ"),
    ("さくら", "サクラ"),
    ("大輔", "ダイスケ"),
];
const FAMILY_KANA: &[&str] = &[
    "サトウ",
    "スズキ",
    "タカハシ",
    "タナカ",
    "イトウ",
    "ワタナベ",
    "ヤマモト",
    "ナカムラ",
    "コバヤシ",
    "カトウ",
];

/// Open states weigh more than in real life, so queues and dashboards have work to show.
const STATES: &[(CaseState, u32)] = &[
    (CaseState::Received, 14),
    (CaseState::IdentityReview, 14),
    (CaseState::AwaitingRequester, 8),
    (CaseState::AwaitingPayment, 4),
    (CaseState::InReview, 16),
    (CaseState::AwaitingApproval, 6),
    (CaseState::Decided, 6),
    (CaseState::Closed, 24),
    (CaseState::Withdrawn, 5),
    (CaseState::Dismissed, 3),
];

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(
        "the database holds {0} cases that were not seeded; use --force to add seeded cases anyway"
    )]
    RealCases(i64),
    #[error("seeding failed: {0}")]
    Failed(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

pub struct Seeder<'a> {
    pub db: &'a Db,
    pub master: &'a MasterKey,
    pub index: &'a IndexKey,
    pub profile: &'a OperatorProfile,
    pub calendar: &'a BusinessCalendar,
}

/// The first cases walk through every state once, so a demo of any size (and a test of one)
/// has a case in each; the rest are drawn by weight.
fn pick_state(rng: &mut StdRng, position: usize) -> CaseState {
    if let Some((state, _)) = STATES.get(position) {
        return *state;
    }
    let total: u32 = STATES.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total);
    for (state, weight) in STATES {
        if roll < *weight {
            return *state;
        }
        roll -= weight;
    }
    CaseState::Received
}

impl Seeder<'_> {
    /// Adds `count` cases and returns how many exist afterwards.
    pub fn seed(&self, count: usize, force: bool, now: DateTime<Utc>) -> Result<i64, SeedError> {
        let real: i64 = self.db.with_reader(|conn| {
            Ok(cases_table::table
                .filter(cases_table::id.not_like("seed-%"))
                .count()
                .get_result(conn)?)
        })?;
        if real > 0 && !force {
            return Err(SeedError::RealCases(real));
        }
        let workers = self.seed_staff(now)?;
        let mut rng = StdRng::seed_from_u64(now.timestamp() as u64);
        let mut done = 0;
        while done < count {
            let batch: Vec<_> = (done..count.min(done + BATCH))
                .map(|position| {
                    let case = self.one_case(&mut rng, position, &workers, now)?;
                    let decision = self.decision_for(&mut rng, &case.0, &workers, now)?;
                    Ok::<_, SeedError>((case, decision))
                })
                .collect::<Result<_, _>>()?;
            done += batch.len();
            self.db.with_writer(|conn| write_batch(conn, batch, now))?;
        }
        // Fresh statistics, so the planner walks the queue indexes rather than sorting; on
        // PostgreSQL also set hint bits and the visibility map now rather than during the reads.
        match self.db.url().backend() {
            // VACUUM cannot run in a transaction: a reader connection has none open.
            crate::db::Backend::Postgres => self.db.with_reader(|conn| {
                diesel::sql_query("VACUUM ANALYZE").execute(conn)?;
                Ok(())
            })?,
            crate::db::Backend::Sqlite => self.db.with_writer(|conn| {
                diesel::sql_query("ANALYZE").execute(conn)?;
                Ok(())
            })?,
        }
        Ok(self
            .db
            .with_reader(|conn| Ok(cases_table::table.count().get_result(conn)?))?)
    }

    fn seed_staff(&self, now: DateTime<Utc>) -> Result<Vec<String>, SeedError> {
        let mut ids = Vec::new();
        for (i, role) in ["staff", "staff", "staff", "staff", "approver"]
            .iter()
            .enumerate()
        {
            let email = format!("seed-{role}{i}@example.invalid");
            let id = self.db.with_writer(|conn| {
                if let Some(found) = staff::find_by_email(conn, &email)? {
                    return Ok(found.id);
                }
                let id = uuid::Uuid::now_v7().to_string();
                staff::insert(
                    conn,
                    &NewStaff {
                        id: &id,
                        email: &email,
                        display_name: &format!("{} {}", FAMILY[i], GIVEN[i].0),
                        role,
                        // Not a valid hash: seeded accounts cannot sign in.
                        password_hash: "!seeded",
                        created_at: now.naive_utc(),
                        must_change_password: 0,
                    },
                )?;
                Ok(id)
            })?;
            ids.push(id);
        }
        Ok(ids)
    }

    /// The approved decision of a decided or closed case, dated after its receipt; the pending
    /// draft of a case waiting for approval, in the words of the standard notice, so an approver
    /// trying the demo has something to approve or return.
    fn decision_for(
        &self,
        rng: &mut StdRng,
        row: &CaseRow,
        workers: &[String],
        now: DateTime<Utc>,
    ) -> Result<Option<DecisionRow>, SeedError> {
        let facts = crate::service::case_record::parse_facts(row)
            .map_err(|e| SeedError::Failed(e.to_string()))?;
        let grounds_for = |rng: &mut StdRng, outcome| {
            if WithholdingGround::required_for(outcome) {
                let allowed = WithholdingGround::allowed(facts.regime);
                allowed[rng.random_range(0..allowed.len())]
                    .as_str()
                    .to_string()
            } else {
                String::new()
            }
        };
        if row.state == CaseState::AwaitingApproval {
            let Some(outcome) = facts.draft_outcome else {
                return Ok(None);
            };
            let id = format!("seed-{}", uuid::Uuid::new_v4());
            let lang = crate::i18n::Lang::from_code(&row.lang).unwrap_or_default();
            let mut text =
                crate::service::casework::decisions::template(outcome, facts.regime, lang);
            // A demo draft an approver can approve: every place to fill is filled with a sample.
            for hole in crate::domain::letters::holes::holes(&text.clone()) {
                text = text.replacen(&hole.text, lang.pick("（記入例）", "Sample text."), 1);
            }
            let sealed_text = self
                .master
                .seal_value(&format!("decision:{id}"), text.as_bytes())
                .map_err(|e| SeedError::Failed(e.to_string()))?;
            return Ok(Some(DecisionRow {
                id,
                case_id: row.id.clone(),
                outcome,
                sealed_text,
                drafted_by: workers[0].clone(),
                drafted_at: row.updated_at,
                status: crate::domain::document::DecisionStatus::Pending,
                reviewed_by: None,
                reviewed_at: None,
                sealed_comment: None,
                issued_on: None,
                due_on: None,
                days_to_decision: None,
                grounds: grounds_for(rng, outcome),
                scope: crate::domain::lifecycle::DecisionScope::Whole,
            }));
        }
        if !matches!(row.state, CaseState::Decided | CaseState::Closed) {
            return Ok(None);
        }
        let Some(outcome) = facts.decided_outcome else {
            return Ok(None);
        };
        let received = jst_date(row.received_at.unwrap_or(row.created_at).and_utc());
        let issued_on = (received + Duration::days(rng.random_range(3..50))).min(jst_date(now));
        let id = format!("seed-{}", uuid::Uuid::new_v4());
        let sealed_text = self
            .master
            .seal_value(
                &format!("decision:{id}"),
                "（デモ用に生成した決定です）".as_bytes(),
            )
            .map_err(|e| SeedError::Failed(e.to_string()))?;
        let at = issued_on.and_hms_opt(1, 0, 0).unwrap_or_default();
        Ok(Some(DecisionRow {
            id,
            case_id: row.id.clone(),
            outcome,
            sealed_text,
            drafted_by: workers[0].clone(),
            drafted_at: at,
            status: DecisionStatus::Approved,
            reviewed_by: Some(workers[workers.len() - 1].clone()),
            reviewed_at: Some(at),
            sealed_comment: None,
            issued_on: Some(issued_on),
            due_on: facts.unextended_deadline,
            days_to_decision: i32::try_from((issued_on - received).num_days()).ok(),
            grounds: grounds_for(rng, outcome),
            scope: crate::domain::lifecycle::DecisionScope::Whole,
        }))
    }

    #[allow(clippy::type_complexity)]
    fn one_case(
        &self,
        rng: &mut StdRng,
        position: usize,
        workers: &[String],
        now: DateTime<Utc>,
    ) -> Result<
        (
            CaseRow,
            Vec<u8>,
            Vec<u8>,
            Option<(Pause, Option<chrono::NaiveDate>)>,
            Vec<String>,
        ),
        SeedError,
    > {
        let kinds = &self.profile.kinds_offered;
        let kind = kinds[rng.random_range(0..kinds.len())];
        let state = pick_state(rng, position);
        let open = state.is_before_decision();
        // Open cases are recent; finished ones spread over two years.
        let age_days = if open {
            rng.random_range(0..45)
        } else {
            rng.random_range(10..730)
        };
        let received_at =
            now - Duration::days(age_days) - Duration::seconds(rng.random_range(0..86_400));
        let mut facts = self
            .profile
            .new_case(kind, Entry::StaffEntered)
            .map_err(|r| SeedError::Failed(r.code().to_string()))?;
        facts.state = state;
        let past_identity = !matches!(
            state,
            CaseState::Received
                | CaseState::IdentityReview
                | CaseState::Withdrawn
                | CaseState::Dismissed
        );
        facts.identity_requirements_met = past_identity;
        facts.identity_verified = past_identity;
        if state == CaseState::AwaitingPayment {
            facts.fee = FeeStatus::Outstanding {
                amount: crate::domain::money::Yen(300),
            };
        }
        let outcomes = Outcome::allowed(kind, self.profile.regime);
        let outcome = outcomes[rng.random_range(0..outcomes.len())];
        if matches!(state, CaseState::AwaitingApproval) {
            facts.draft_outcome = Some(outcome);
            facts.drafter = Some(crate::domain::event::StaffId::new(workers[0].clone()));
        }
        if matches!(state, CaseState::Decided | CaseState::Closed) {
            facts.draft_outcome = Some(outcome);
            facts.decided_outcome = Some(outcome);
            facts.delivery_method = outcome
                .needs_delivery()
                .then_some(DeliveryMethod::PaperByPost);
        }
        let received_day = jst_date(received_at);
        // The open pause of a case waiting on its requester, with a 補正's reply-by date.
        let pause = match state {
            CaseState::AwaitingRequester => {
                let started = received_day + Duration::days(rng.random_range(1..5));
                let asked = Pause {
                    from: started,
                    until: None,
                    reason: PauseReason::Correction,
                };
                Some((asked, Some(started + Duration::days(14))))
            }
            // The fee was invoiced at receipt; the profile stops the clock while it is owed.
            CaseState::AwaitingPayment if self.profile.payment_wait_stops_clock => {
                let owed = Pause {
                    from: received_day,
                    until: None,
                    reason: PauseReason::Payment,
                };
                Some((owed, None))
            }
            _ => None,
        };
        let pauses: Vec<Pause> = pause.iter().map(|(p, _)| *p).collect();
        facts.correction_reply_by = pause.and_then(|(_, reply_by)| reply_by);
        let deadline = compute_deadline(
            &self
                .profile
                .decision_deadline_request(&facts, received_at, &pauses, None),
            self.calendar,
        )
        .ok();
        facts.unextended_deadline = deadline.as_ref().map(|d| d.unextended_last_day);
        let id = format!("seed-{}", uuid::Uuid::new_v4());
        let (family, family_kana) = {
            let i = rng.random_range(0..FAMILY.len());
            (FAMILY[i], FAMILY_KANA[i])
        };
        let (given, given_kana) = GIVEN[rng.random_range(0..GIVEN.len())];
        let n = rng.random_range(0..1_000_000);
        let person = PersonDetails {
            name: format!("{family} {given}"),
            name_kana: format!("{family_kana} {given_kana}"),
            birth_date: format!(
                "{}-{:02}-{:02}",
                rng.random_range(1940..2010),
                rng.random_range(1..13),
                rng.random_range(1..29)
            ),
            postal_code: format!(
                "{:03}-{:04}",
                rng.random_range(100..999),
                rng.random_range(0..9999)
            ),
            address: format!("神奈川県横浜市中区日本大通{}", rng.random_range(1..50)),
            phone: format!(
                "045-{:03}-{:04}",
                rng.random_range(100..999),
                rng.random_range(0..9999)
            ),
            email: format!("seed{n}@example.invalid"),
        };
        let party = SealedParty {
            requester_type: RequesterType::Principal,
            person: person.clone(),
            agent: None,
        };
        // The measure and ground the regime's table offers first for the kind.
        let measure = self
            .profile
            .regime
            .kind_rules(kind)
            .and_then(|r| r.measures.first());
        let content = SealedContent {
            kind,
            content: RequestContent {
                data_description: "健診結果・問診票".into(),
                period: "2024年度〜2025年度".into(),
                current_content: "旧住所".into(),
                correct_content: "新住所".into(),
                ground: measure
                    .and_then(|m| m.grounds.first())
                    .map(|g| g.as_str().to_string())
                    .unwrap_or_default(),
                action: measure
                    .map(|m| m.measure.as_str().to_string())
                    .unwrap_or_default(),
                ..RequestContent::default()
            },
            delivery: kind.is_disclosure().then_some(DeliveryMethod::PaperByPost),
        };
        let updated = received_at + Duration::hours(rng.random_range(1..(age_days.max(1) * 24)));
        let row = CaseRow {
            id: id.clone(),
            receipt_number: None,
            profile: self.profile.name.as_str().to_string(),
            kind,
            state,
            channel: if rng.random_bool(0.7) {
                RequestChannel::Online
            } else {
                RequestChannel::Post
            },
            lang: "ja".into(),
            requester_type: RequesterType::Principal,
            facts: facts_json(&facts).map_err(|e| SeedError::Failed(e.to_string()))?,
            created_at: received_at.naive_utc(),
            received_at: Some(received_at.naive_utc()),
            due_on: deadline.filter(|_| open).map(|d| d.last_office_day),
            assignee_id: (rng.random_bool(0.8))
                .then(|| workers[rng.random_range(0..workers.len())].clone()),
            email_index: self.index.email(&person.email),
            access_token_hash: None,
            confirm_code_hash: None,
            confirm_attempts: 0,
            confirm_expires_at: None,
            version: 0,
            updated_at: updated.min(now).naive_utc(),
            link_digest: None,
        };
        let failed = |e: crate::service::case_record::RecordError| SeedError::Failed(e.to_string());
        let sealed_party =
            seal_json(self.master, &format!("party:{id}"), &party).map_err(failed)?;
        let sealed_content =
            seal_json(self.master, &format!("content:{id}"), &content).map_err(failed)?;
        let name_keys = party.search_keys(self.index).names;
        Ok((row, sealed_party, sealed_content, pause, name_keys))
    }
}

type SeededCase = (
    (
        CaseRow,
        Vec<u8>,
        Vec<u8>,
        Option<(Pause, Option<chrono::NaiveDate>)>,
        Vec<String>,
    ),
    Option<DecisionRow>,
);

/// One batch in a handful of statements: a round trip per row made seeding PostgreSQL take
/// half an hour for a million cases.
fn write_batch(
    conn: &mut DbConnection,
    batch: Vec<SeededCase>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let year_of = |row: &CaseRow| {
        row.received_at
            .map_or(now.year(), |r| jst_date(r.and_utc()).year())
    };
    let mut per_year: BTreeMap<i32, i64> = BTreeMap::new();
    for ((row, ..), _) in &batch {
        *per_year.entry(year_of(row)).or_default() += 1;
    }
    let mut next_number = BTreeMap::new();
    for (year, count) in per_year {
        next_number.insert(year, cases::reserve_receipt_numbers(conn, year, count)?);
    }
    let mut rows = Vec::with_capacity(batch.len());
    let mut sealed = Vec::with_capacity(batch.len());
    let mut events = Vec::with_capacity(batch.len() * 2);
    let mut pauses = Vec::new();
    let mut decisions = Vec::new();
    let mut name_keys = Vec::with_capacity(batch.len() * 2);
    for ((mut row, party, content, pause, names), decision) in batch {
        let year = year_of(&row);
        let number = next_number.entry(year).or_insert(1);
        row.receipt_number = Some(cases::format_receipt_number(year, *number));
        *number += 1;
        let event = |at: chrono::NaiveDateTime,
                     name: &str,
                     from: Option<CaseState>,
                     to: CaseState| CaseEventRow {
            id: uuid::Uuid::now_v7().to_string(),
            case_id: row.id.clone(),
            at,
            actor: "system".into(),
            event: name.into(),
            from_state: from,
            to_state: to,
            sealed_note: None,
        };
        events.push(event(
            row.received_at.unwrap_or(row.created_at),
            "entered",
            None,
            CaseState::Received,
        ));
        if row.state != CaseState::Received {
            events.push(event(
                row.updated_at,
                "seeded",
                Some(CaseState::Received),
                row.state,
            ));
        }
        if let Some((pause, reply_by)) = pause {
            pauses.push(PauseRow {
                id: uuid::Uuid::now_v7().to_string(),
                case_id: row.id.clone(),
                reason: pause.reason.as_str().into(),
                started_on: pause.from,
                reply_by,
                ended_on: None,
            });
        }
        decisions.extend(decision);
        name_keys.extend(names.into_iter().map(|key| (key, row.id.clone())));
        rows.push(row);
        sealed.push((party, content));
    }
    cases::insert_many(conn, &rows, &sealed)?;
    cases::insert_name_keys_of_many(conn, &name_keys)?;
    cases::append_events(conn, &events)?;
    if !pauses.is_empty() {
        cases::insert_pauses(conn, &pauses)?;
    }
    if !decisions.is_empty() {
        crate::db::decisions::insert_many(conn, &decisions)?;
    }
    Ok(())
}
