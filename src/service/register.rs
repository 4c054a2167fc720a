//! The register export: one line per received case, in the reader's language, as CSV for Excel
//! (UTF-8 with a byte-order mark, CRLF, every field quoted).

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

use crate::db::audit::{self, AuditEvent};
use crate::db::register::{self as repo, RegisterCase, RegisterDecision};
use crate::db::{Db, DbError};
use crate::domain::regime::Regime;
use crate::i18n::Lang;
use crate::service::casework::StaffActor;

/// One case as the register shows it (page and CSV alike).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterLine {
    pub case_id: String,
    pub receipt_number: String,
    pub received_on: String,
    pub kind: String,
    pub state: String,
    pub channel: String,
    /// The running deadline, or for a decided case the one it was decided against.
    pub deadline: String,
    pub decided_on: String,
    pub outcome: String,
    /// 期限内 / 期限後 once decided against a deadline, empty otherwise.
    pub timeliness: String,
    pub assignee: String,
}

const HEADER_JA: [&str; 11] = [
    "受付番号",
    "受付日",
    "請求の種類",
    "状態",
    "受付方法",
    "期限",
    "決定日",
    "決定の内容",
    "期限内外",
    "担当者",
    "案件ID",
];
const HEADER_EN: [&str; 11] = [
    "Receipt number",
    "Received",
    "Kind",
    "State",
    "Channel",
    "Deadline",
    "Decided",
    "Outcome",
    "On time",
    "Assignee",
    "Case id",
];

/// The register lines of one page of cases.
pub fn lines(
    lang: Lang,
    regime: Regime,
    staff_names: &HashMap<String, String>,
    cases: &[RegisterCase],
    decided: &[RegisterDecision],
) -> Vec<RegisterLine> {
    let decision_of: HashMap<&str, &RegisterDecision> =
        decided.iter().map(|d| (d.case_id.as_str(), d)).collect();
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    cases
        .iter()
        .map(|c| {
            let decision = decision_of.get(c.id.as_str());
            let label = |ja: &'static str, en: &'static str| lang.pick(ja, en).to_string();
            let kind = label(c.kind.label_ja(), c.kind.label_en());
            let state = label(c.state.label_ja(), c.state.label_en());
            let outcome = decision.map_or(String::new(), |d| {
                label(d.outcome.label_ja(regime), d.outcome.label_en())
            });
            let deadline = c.due_on.or(decision.and_then(|d| d.due_on));
            let timeliness = match decision.map(|d| (d.issued_on, d.due_on)) {
                Some((Some(issued), Some(due))) if issued <= due => label("期限内", "on time"),
                Some((Some(_), Some(_))) => label("期限後", "late"),
                _ => String::new(),
            };
            RegisterLine {
                case_id: c.id.clone(),
                receipt_number: c.receipt_number.clone().unwrap_or_default(),
                received_on: (c.received_at + Duration::hours(9)).date().to_string(),
                kind,
                state,
                channel: label(c.channel.label_ja(), c.channel.label_en()),
                deadline: date(deadline),
                decided_on: date(decision.and_then(|d| d.issued_on)),
                outcome,
                timeliness,
                assignee: c
                    .assignee_id
                    .as_ref()
                    .map(|id| staff_names.get(id).cloned().unwrap_or_else(|| id.clone()))
                    .unwrap_or_default(),
            }
        })
        .collect()
}

fn quote(s: &str) -> String {
    // A leading =, +, - or @ would make Excel evaluate the cell as a formula.
    let guarded = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    format!("\"{}\"", guarded.replace('"', "\"\""))
}

/// One CSV line: every field quoted, formulas disarmed, CRLF at the end.
pub fn row(fields: &[&str]) -> String {
    let mut out = fields
        .iter()
        .map(|f| quote(f))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    out
}

/// The byte-order mark and the header line.
pub fn csv_header(lang: Lang) -> String {
    let header = match lang {
        Lang::Ja => &HEADER_JA,
        Lang::En => &HEADER_EN,
    };
    format!("\u{feff}{}", row(header))
}

pub fn csv_lines(lines: &[RegisterLine]) -> String {
    lines
        .iter()
        .map(|l| {
            row(&[
                &l.receipt_number,
                &l.received_on,
                &l.kind,
                &l.state,
                &l.channel,
                &l.deadline,
                &l.decided_on,
                &l.outcome,
                &l.timeliness,
                &l.assignee,
                &l.case_id,
            ])
        })
        .collect()
}

pub use crate::db::register::RegisterFilter;

/// How many cases match `filter`, and the first `limit` of them with their decisions.
pub async fn preview(
    db: &Db,
    filter: RegisterFilter,
    limit: i64,
) -> Result<(i64, (Vec<RegisterCase>, Vec<RegisterDecision>)), DbError> {
    db.read(move |conn| {
        Ok((
            repo::count(conn, &filter)?,
            repo::page(conn, &filter, None, limit)?,
        ))
    })
    .await
}

/// Up to `limit` matching cases after `after` (receipt instant, id), with their decisions.
pub async fn page(
    db: &Db,
    filter: RegisterFilter,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<(Vec<RegisterCase>, Vec<RegisterDecision>), DbError> {
    db.read(move |conn| repo::page(conn, &filter, after.as_ref(), limit))
        .await
}

/// Records in the audit log that `actor` exported the register with the filter `described`.
pub async fn record_export(
    db: &Db,
    actor: &StaffActor,
    described: String,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let record = AuditEvent::new(now.naive_utc(), actor.label(), "register.exported")
        .role(actor.role.as_str())
        .target(described)
        .from_request(actor.client_ip.clone(), actor.request_id.clone());
    db.write(move |conn| audit::append(conn, &record)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::channel::RequestChannel;
    use crate::domain::kind::RequestKind;
    use crate::domain::outcome::Outcome;
    use crate::domain::state::CaseState;
    use chrono::{NaiveDate, NaiveDateTime};

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn a_decided_case_reads_in_japanese_with_its_deadline_and_timeliness() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        let cases = vec![
            RegisterCase {
                id: "c1".into(),
                receipt_number: Some("2026-000001".into()),
                kind: RequestKind::Disclosure,
                state: CaseState::Closed,
                channel: RequestChannel::Post,
                // 16:00 UTC is 01:00 JST the next day.
                received_at: at("2026-04-30 16:00"),
                due_on: None,
                assignee_id: Some("s1".into()),
            },
            RegisterCase {
                id: "c2".into(),
                receipt_number: None,
                kind: RequestKind::Correction,
                state: CaseState::InReview,
                channel: RequestChannel::Online,
                received_at: at("2026-05-02 01:00"),
                due_on: d(2026, 6, 1),
                assignee_id: None,
            },
        ];
        let decided = vec![RegisterDecision {
            case_id: "c1".into(),
            outcome: Outcome::PartialDisclosure,
            issued_on: d(2026, 6, 3),
            due_on: d(2026, 6, 1),
        }];
        let names = HashMap::from([("s1".to_string(), "山田".to_string())]);
        let lines = lines(Lang::Ja, Regime::NationalBody, &names, &cases, &decided);
        assert_eq!(lines[0].received_on, "2026-05-01");
        assert_eq!(lines[0].deadline, "2026-06-01");
        assert_eq!(lines[0].timeliness, "期限後");
        assert_eq!(lines[0].outcome, "一部開示");
        assert_eq!(lines[0].assignee, "山田");
        assert_eq!(lines[1].deadline, "2026-06-01");
        assert_eq!(lines[1].timeliness, "");
        let csv = format!("{}{}", csv_header(Lang::Ja), csv_lines(&lines));
        assert!(csv.starts_with("\u{feff}\"受付番号\""));
        assert_eq!(csv.matches("\r\n").count(), 3);
    }

    #[test]
    fn cells_that_excel_would_evaluate_are_defused() {
        assert_eq!(quote("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(quote("2026-000001"), "\"2026-000001\"");
    }
}
