//! The manager's dashboard (approvers, who answer for the deadlines): every clock at a glance,
//! each figure a link to the list behind it.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{Duration, NaiveDate};

use super::roles::Approver;
use crate::domain::deadline::jst_date;
use crate::domain::kind::RequestKind;
use crate::domain::state::CaseState;
use crate::service::dashboard::{self, Counted, WEEKS};
use crate::service::staff_directory;
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::page::{PageContext, render};

pub struct Figure {
    pub label: String,
    pub count: i64,
    pub href: String,
}

pub struct StaffLoad {
    pub name: String,
    pub open: i64,
    pub overdue: i64,
    pub href: String,
}

/// One week of the chart: bars are drawn from these numbers in the template (SVG, no script).
pub struct Week {
    pub label: String,
    pub received: i64,
    pub decided: i64,
    /// Decided after the deadline in force at the time (the rest of `decided` was on time).
    pub late: i64,
    pub x: i64,
    pub received_height: i64,
    pub decided_height: i64,
    pub late_height: i64,
}

impl Week {
    pub fn on_time(&self) -> i64 {
        self.decided - self.late
    }
}

#[derive(Template)]
#[template(path = "staff/dashboard.html")]
struct DashboardPage {
    page: PageContext,
    today: String,
    /// When the figures were counted (JST): they are recounted in the background every few seconds.
    counted_at: String,
    /// Overdue, due within 3 and 7 office days, clock stopped, awaiting approval.
    clocks: Vec<Figure>,
    stopped_count: i64,
    longest_stop_days: i64,
    by_state: Vec<Figure>,
    by_kind: Vec<Figure>,
    by_staff: Vec<StaffLoad>,
    weeks: Vec<Week>,
    chart_max: i64,
}

fn date(d: NaiveDate) -> String {
    d.to_string()
}

pub async fn show(
    state: web::Data<AppState>,
    me: Approver,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    let now = state.now();
    let today = jst_date(now);
    let first_week = dashboard::first_week(today);
    let calendar = state.calendar();
    let in_3 = calendar.add_office_days(today, 3);
    let in_7 = calendar.add_office_days(today, 7);
    let yesterday = today - Duration::days(1);
    let (counted, counted_at) =
        dashboard::figures(&state.db, &state.dashboard, &calendar, now).await?;
    let staff = staff_directory::active(&state.db).await?;
    let Counted {
        states,
        kinds,
        assignees,
        overdue,
        due_3,
        due_7,
        stopped,
        weeks: counted_weeks,
    } = &*counted;
    let (overdue, due_3, due_7, stopped) = (*overdue, *due_3, *due_7, *stopped);
    let lang = page.lang;
    let count_of = |list: &[(String, i64)], key: &str| {
        list.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n)
    };
    let names: HashMap<String, String> =
        staff.into_iter().map(|s| (s.id, s.display_name)).collect();
    let mut by_staff: Vec<StaffLoad> = assignees
        .iter()
        .map(|(who, open, late)| StaffLoad {
            name: match who {
                Some(id) => names.get(id).cloned().unwrap_or_else(|| id.clone()),
                None => lang.t("staff.queue.unassigned").to_string(),
            },
            open: *open,
            overdue: *late,
            href: format!("/staff/cases?assignee={}", who.as_deref().unwrap_or("none")),
        })
        .collect();
    by_staff.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(b.open.cmp(&a.open)));
    let mut weeks: Vec<Week> = (0..WEEKS)
        .map(|i| {
            let start = first_week + Duration::weeks(i);
            Week {
                label: start.format("%m/%d").to_string(),
                received: 0,
                decided: 0,
                late: 0,
                x: 0,
                received_height: 0,
                decided_height: 0,
                late_height: 0,
            }
        })
        .collect();
    for (w, (received, decided, late)) in weeks.iter_mut().zip(counted_weeks) {
        (w.received, w.decided, w.late) = (*received, *decided, *late);
    }
    let chart_max = weeks
        .iter()
        .map(|w| w.received.max(w.decided))
        .max()
        .unwrap_or(0)
        .max(1);
    for (i, w) in weeks.iter_mut().enumerate() {
        w.x = 40 + i as i64 * 50;
        w.received_height = w.received * 160 / chart_max;
        w.decided_height = w.decided * 160 / chart_max;
        w.late_height = w.late * 160 / chart_max;
    }
    let (stopped_count, oldest_stop) = stopped;
    let counted_at = crate::i18n::jst_minutes(counted_at.naive_utc());
    let figure = |key: &str, count: i64, href: String| Figure {
        label: lang.t(key).to_string(),
        count,
        href,
    };
    let page = page.with_staff(&me.staff.display_name);
    render(
        StatusCode::OK,
        &DashboardPage {
            today: date(today),
            counted_at,
            clocks: vec![
                figure(
                    "dashboard.overdue",
                    overdue,
                    format!("/staff/cases?due_by={}", date(yesterday)),
                ),
                figure(
                    "dashboard.due_3",
                    due_3,
                    format!(
                        "/staff/cases?due_from={}&due_by={}",
                        date(today),
                        date(in_3)
                    ),
                ),
                figure(
                    "dashboard.due_7",
                    due_7,
                    format!(
                        "/staff/cases?due_from={}&due_by={}",
                        date(today),
                        date(in_7)
                    ),
                ),
                figure(
                    "dashboard.stopped",
                    stopped_count,
                    "/staff/cases?stopped=1".into(),
                ),
                figure(
                    "dashboard.awaiting_approval",
                    count_of(states, "awaiting_approval"),
                    "/staff/cases?state=awaiting_approval".into(),
                ),
            ],
            stopped_count,
            longest_stop_days: oldest_stop.map_or(0, |d| (today - d).num_days()),
            by_state: CaseState::ALL
                .iter()
                .filter(|s| !s.leaves_queue())
                .map(|s| Figure {
                    label: lang.pick(s.label_ja(), s.label_en()).to_string(),
                    count: count_of(states, s.as_str()),
                    href: format!("/staff/cases?state={}", s.as_str()),
                })
                .collect(),
            by_kind: RequestKind::ALL
                .iter()
                // A kind no longer taken online still counts while its cases are open.
                .filter(|k| state.profile().offers(**k) || count_of(kinds, k.as_str()) > 0)
                .map(|k| Figure {
                    label: lang.pick(k.label_ja(), k.label_en()).to_string(),
                    count: count_of(kinds, k.as_str()),
                    href: format!("/staff/cases?kind={}", k.as_str()),
                })
                .collect(),
            by_staff,
            weeks,
            chart_max,
            page,
        },
    )
}
