//! Administration of the business calendar: the year's closed days under the rules, the
//! operator's own closures and openings, and a change form. A change that moves open deadlines
//! lists them on the page it returns.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::roles::Admin;
use crate::domain::calendar::DayOverride;
use crate::domain::deadline::jst_date;
use crate::service::calendar::{
    self, CalendarDayRow, CalendarDesk, DayChange, MovedDeadline, changed_days,
};
use crate::service::intake::person::birth_date as parse_date;
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::form::{FieldErrors, TypedValues, typed_values};
use crate::web::page::{PageContext, render};

/// The change form as posted.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DayChangeForm {
    pub day: String,
    pub day_note: String,
    /// `close`, `open` or `reset`.
    pub change: String,
}

const NOTE_MAX_CHARS: usize = 100;

pub struct RuleDay {
    pub date: String,
    pub weekday: &'static str,
    pub name: String,
    pub provisional: bool,
}

pub struct OperatorDay {
    pub date: String,
    pub weekday: &'static str,
    pub closed: bool,
    pub note: String,
}

#[derive(Template)]
#[template(path = "staff/admin_calendar.html")]
struct CalendarPage {
    page: PageContext,
    year: i32,
    rules: Vec<&'static str>,
    holidays: Vec<RuleDay>,
    operator_days: Vec<OperatorDay>,
    errors: FieldErrors,
    typed: TypedValues,
    /// After a change: what it moved (None before any change).
    moved: Option<Vec<MovedDeadline>>,
}

impl CalendarPage {
    pub fn typed<'a>(&'a self, field: &str, default: &'a str) -> &'a str {
        self.typed.get(field).map_or(default, String::as_str)
    }
}

fn weekday(lang: crate::i18n::Lang, day: NaiveDate) -> &'static str {
    const JA: [&str; 7] = ["月", "火", "水", "木", "金", "土", "日"];
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let i = day.weekday().num_days_from_monday() as usize;
    lang.pick(JA[i], EN[i])
}

#[derive(serde::Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

async fn calendar_page(
    state: &AppState,
    me: &Admin,
    page: PageContext,
    year: i32,
    (errors, typed, moved): (FieldErrors, TypedValues, Option<Vec<MovedDeadline>>),
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let calendar = state.fresh_calendar().await?;
    let rows: Vec<CalendarDayRow> = changed_days(&state.db).await?;
    let rules = calendar.rules();
    let rule_labels = [
        (rules.saturdays, "admin.calendar.rule.saturdays"),
        (rules.sundays, "admin.calendar.rule.sundays"),
        (rules.national_holidays, "admin.calendar.rule.holidays"),
        (rules.year_end, "admin.calendar.rule.year_end"),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, key)| lang.t(key))
    .collect();
    let holidays = if rules.national_holidays {
        calendar
            .holidays()
            .list(year, year)
            .into_iter()
            .map(|h| RuleDay {
                date: h.date.to_string(),
                weekday: weekday(lang, h.date),
                name: h.name.into_owned(),
                provisional: h.provisional,
            })
            .collect()
    } else {
        Vec::new()
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &CalendarPage {
            year,
            rules: rule_labels,
            holidays,
            operator_days: rows
                .into_iter()
                .filter(|r| r.day.year() == year)
                .map(|r| OperatorDay {
                    date: r.day.to_string(),
                    weekday: weekday(lang, r.day),
                    closed: r.status == DayOverride::Closed,
                    note: r.note,
                })
                .collect(),
            errors,
            typed,
            moved,
            page: page.with_staff(&me.staff.display_name),
        },
    )
}

pub async fn show(
    state: web::Data<AppState>,
    me: Admin,
    page: PageContext,
    query: web::Query<YearQuery>,
) -> Result<HttpResponse, AppError> {
    let this_year = jst_date(state.now()).year();
    let year = query
        .year
        .filter(|y| (this_year - 5..=this_year + 5).contains(y))
        .unwrap_or(this_year);
    calendar_page(&state, &me, page, year, Default::default()).await
}

impl DayChangeForm {
    /// The change asked for on `today`; every problem is reported at once, next to its field.
    fn parse(&self, today: NaiveDate) -> Result<DayChange, FieldErrors> {
        let mut errors = FieldErrors::default();
        let day = match self.day.trim() {
            "" => {
                errors.add("day", "required");
                None
            }
            raw => match parse_date(raw) {
                None => {
                    errors.add("day", "invalid");
                    None
                }
                // A closure a year back can still move the deadline of an old open case; further
                // back, or beyond two years ahead, is a typing mistake.
                Some(d) if d < today - Duration::days(366) || d > today + Duration::days(731) => {
                    errors.add("day", "out_of_range");
                    None
                }
                Some(d) => Some(d),
            },
        };
        let note = self.day_note.trim().to_string();
        let change = self.change.trim();
        if change != "reset" {
            if note.is_empty() {
                errors.add("day_note", "required");
            } else if note.chars().count() > NOTE_MAX_CHARS {
                errors.add("day_note", "too_long");
            }
        }
        if !matches!(change, "close" | "open" | "reset") {
            errors.add("change", "required");
        }
        match (day, errors.is_empty()) {
            (Some(day), true) => Ok(match change {
                "close" => DayChange::Close { day, note },
                "open" => DayChange::Open { day, note },
                _ => DayChange::Reset { day },
            }),
            _ => Err(errors),
        }
    }
}

pub async fn change(
    state: web::Data<AppState>,
    me: Admin,
    page: PageContext,
    CsrfForm(posted): CsrfForm<DayChangeForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    let now = state.now();
    let today = jst_date(now);
    let parsed = if fresh {
        form.parse(today)
    } else {
        let mut errors = FieldErrors::default();
        errors.add_general("field.csrf_expired");
        Err(errors)
    };
    let change = match parsed {
        Ok(change) => change,
        Err(errors) => {
            let year = parse_date(&form.day).map_or(today.year(), |d| d.year());
            let typed = typed_values(&form);
            return calendar_page(&state, &me, page, year, (errors, typed, None)).await;
        }
    };
    let year = change.day().year();
    let profile = state.fresh_profile().await?;
    let desk = CalendarDesk {
        profile: &profile,
        cache: &state.calendars,
        master: &state.master,
        from: &state.mail_from,
    };
    let moved = calendar::change_day(
        &state.db,
        &desk,
        change,
        (&me.staff.id, me.staff.role.as_str()),
        now,
    )
    .await?;
    tracing::info!(moved = moved.len(), "business calendar changed");
    calendar_page(
        &state,
        &me,
        page,
        year,
        (FieldErrors::default(), TypedValues::new(), Some(moved)),
    )
    .await
}
