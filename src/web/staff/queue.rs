//! The work queue: open cases, most urgent first, with filters and search. Lists show no names.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;

use super::roles::CaseWorker;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::deadline::jst_date;
use crate::domain::kind::RequestKind;
use crate::domain::role::Role;
use crate::domain::state::CaseState;
use crate::service::queue::{self, CaseRow, QueueFilter};
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::page::{PageContext, render};

pub const PAGE_SIZE: i64 = 50;

#[derive(Debug, Default, serde::Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub state: String,
    /// `me`, `none`, a staff id, or empty for everyone visible.
    #[serde(default)]
    pub assignee: String,
    #[serde(default)]
    pub stopped: String,
    /// A receipt number, an exact e-mail address, or an exact name.
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub page: Option<u32>,
    /// From the dashboard: due on or after / on or before (YYYY-MM-DD).
    #[serde(default)]
    pub due_from: String,
    #[serde(default)]
    pub due_by: String,
}

pub struct QueueRow {
    pub id: String,
    pub receipt_number: String,
    pub kind: &'static str,
    pub state: &'static str,
    pub due_on: String,
    /// Office days left (negative: overdue), None without a running deadline.
    pub days_left: Option<i64>,
    pub urgency: &'static str,
    pub stopped: bool,
    pub assignee: String,
    /// Since the assignee (anyone, if unassigned) last opened the case: the requester wrote.
    pub news_message: bool,
    /// … the requester sent a document.
    pub news_document: bool,
}

#[derive(Template)]
#[template(path = "staff/queue.html")]
struct QueuePage {
    page: PageContext,
    query: QueueQuery,
    rows: Vec<QueueRow>,
    kinds: Vec<(&'static str, &'static str)>,
    states: Vec<(&'static str, &'static str)>,
    staff: Vec<(String, String)>,
    next_page: Option<String>,
    previous_page: Option<String>,
}

/// Office days from `today` to `due` (negative when overdue).
pub fn office_days_left(calendar: &BusinessCalendar, today: NaiveDate, due: NaiveDate) -> i64 {
    if due >= today {
        i64::from(calendar.office_days_between(today, due))
    } else {
        -i64::from(calendar.office_days_between(due, today))
    }
}

pub fn urgency(days_left: Option<i64>, due_soon: u32) -> &'static str {
    match days_left {
        Some(d) if d < 0 => "overdue",
        Some(d) if d <= i64::from(due_soon) => "due-soon",
        Some(_) => "on-track",
        None => "none",
    }
}

fn filter_from(query: &QueueQuery, state: &AppState, me: &CaseWorker) -> QueueFilter {
    let q = query.q.trim();
    let mut filter = QueueFilter {
        kind: query.kind.trim().parse::<RequestKind>().ok(),
        state: query.state.trim().parse::<CaseState>().ok(),
        assignee: match query.assignee.as_str() {
            "" => None,
            "me" => Some(Some(me.staff.id.clone())),
            "none" => Some(None),
            other => Some(Some(other.to_string())),
        },
        clock_stopped: !query.stopped.is_empty(),
        visible_to: (me.staff.role == Role::Staff).then(|| me.staff.id.clone()),
        due_from: NaiveDate::parse_from_str(&query.due_from, "%Y-%m-%d").ok(),
        due_by: NaiveDate::parse_from_str(&query.due_by, "%Y-%m-%d").ok(),
        ..QueueFilter::default()
    };
    let digits: String = q
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            'ー' | '－' | '‐' => '-',
            other => other,
        })
        .collect();
    if q.is_empty() {
    } else if digits.len() == 11 && digits.chars().nth(4) == Some('-') {
        filter.receipt_number = Some(digits);
    } else if q.contains('@') {
        filter.email_index = Some(state.index.email(q));
    } else {
        // The person's or the agent's name, or either's reading in kana of any width.
        filter.name_key = Some(state.index.name(q));
    }
    filter
}

fn page_link(query: &QueueQuery, page: u32) -> String {
    let pairs = [
        ("kind", query.kind.as_str()),
        ("state", query.state.as_str()),
        ("assignee", query.assignee.as_str()),
        ("stopped", query.stopped.as_str()),
        ("q", query.q.as_str()),
        ("due_from", query.due_from.as_str()),
        ("due_by", query.due_by.as_str()),
    ];
    let mut out = String::from("/staff/cases?");
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        out.push_str(&format!("{k}={}&", urlencode(v)));
    }
    out.push_str(&format!("page={page}"));
    out
}

pub fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

pub fn queue_row(
    row: &CaseRow,
    lang: crate::i18n::Lang,
    calendar: &BusinessCalendar,
    due_soon: u32,
    names: &HashMap<String, String>,
    today: NaiveDate,
) -> QueueRow {
    let kind = Some(row.kind);
    let state = Some(row.state);
    let stopped = state.is_some_and(CaseState::waits_on_requester);
    let days_left = row
        .due_on
        .filter(|_| !stopped)
        .map(|due| office_days_left(calendar, today, due));
    QueueRow {
        id: row.id.clone(),
        receipt_number: row.receipt_number.clone().unwrap_or_default(),
        kind: kind.map_or("", |k| lang.pick(k.label_ja(), k.label_en())),
        state: state.map_or("", |s| lang.pick(s.label_ja(), s.label_en())),
        due_on: row.due_on.map(|d| d.to_string()).unwrap_or_default(),
        days_left,
        urgency: if stopped {
            "stopped"
        } else {
            urgency(days_left, due_soon)
        },
        stopped,
        assignee: row
            .assignee_id
            .as_ref()
            .and_then(|id| names.get(id).cloned())
            .unwrap_or_default(),
        news_message: false,
        news_document: false,
    }
}

pub async fn list(
    state: web::Data<AppState>,
    me: CaseWorker,
    page: PageContext,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let filter = filter_from(&query, &state, &me);
    let page_number = query.page.unwrap_or(1).max(1);
    let offset = i64::from(page_number - 1) * PAGE_SIZE;
    let (rows, staff) = queue::cases_page(&state.db, filter, PAGE_SIZE + 1, offset).await?;
    let names: HashMap<String, String> = staff
        .iter()
        .map(|s| (s.id.clone(), s.display_name.clone()))
        .collect();
    let today = jst_date(state.now());
    let lang = page.lang;
    let more = rows.len() as i64 > PAGE_SIZE;
    let rows = &rows[..rows.len().min(PAGE_SIZE as usize)];
    let news = queue::news(&state.db, rows).await?;
    let rows = rows
        .iter()
        .map(|r| {
            let due_soon = state.profile().due_soon_office_days;
            let mut row = queue_row(r, lang, &state.calendar(), due_soon, &names, today);
            let found = news.get(&r.id).copied().unwrap_or_default();
            (row.news_message, row.news_document) = (found.message, found.document);
            row
        })
        .collect();
    let page = page.with_staff(&me.staff.display_name);
    render(
        StatusCode::OK,
        &QueuePage {
            next_page: more.then(|| page_link(&query, page_number + 1)),
            previous_page: (page_number > 1).then(|| page_link(&query, page_number - 1)),
            rows,
            // Every kind the regime knows: cases of a kind no longer offered are still worked.
            kinds: RequestKind::ALL
                .iter()
                .filter(|k| k.exists_under(state.profile().regime))
                .map(|k| (k.as_str(), lang.pick(k.label_ja(), k.label_en())))
                .collect(),
            states: CaseState::ALL
                .iter()
                .filter(|s| !s.leaves_queue())
                .map(|s| (s.as_str(), lang.pick(s.label_ja(), s.label_en())))
                .collect(),
            staff: staff
                .into_iter()
                .filter(|s| s.known_role().is_some_and(Role::works_cases))
                .map(|s| (s.id, s.display_name))
                .collect(),
            query,
            page,
        },
    )
}
