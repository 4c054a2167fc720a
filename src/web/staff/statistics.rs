//! Yearly statistics for managers: a printable page and the same figures as CSV for Excel.

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use askama::Template;

use super::roles::Approver;
use crate::domain::deadline::jst_date;
use crate::service::statistics::{self, Basis, StatRow};
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::page::{PageContext, render};

#[derive(serde::Deserialize)]
pub struct StatisticsQuery {
    basis: Option<String>,
    year: Option<i32>,
}

/// The basis and year asked for, with today's year as the default and absurd years refused.
fn chosen(query: &StatisticsQuery, today: chrono::NaiveDate) -> (Basis, i32, Vec<i32>) {
    let basis = match query.basis.as_deref() {
        Some("calendar") => Basis::Calendar,
        _ => Basis::Fiscal,
    };
    let current = basis.year_of(today);
    let years: Vec<i32> = (current - 9..=current).rev().collect();
    let year = query.year.filter(|y| years.contains(y)).unwrap_or(current);
    (basis, year, years)
}

#[derive(Template)]
#[template(path = "staff/statistics.html")]
struct StatisticsPage {
    page: PageContext,
    basis: &'static str,
    year: i32,
    years: Vec<i32>,
    period: String,
    rows: Vec<StatRow>,
}

impl StatisticsPage {
    /// Whether `row` starts a new section (the table shows a heading row there).
    pub fn starts_section(&self, index: &usize) -> bool {
        *index == 0 || self.rows[*index - 1].section != self.rows[*index].section
    }
}

async fn rows_for(state: &AppState, basis: Basis, year: i32) -> Result<Vec<StatRow>, AppError> {
    let today = jst_date(state.now());
    Ok(statistics::figures(&state.db, state.profile().regime, basis, year, today).await?)
}

pub async fn show(
    state: web::Data<AppState>,
    me: Approver,
    page: PageContext,
    query: web::Query<StatisticsQuery>,
) -> Result<HttpResponse, AppError> {
    let (basis, year, years) = chosen(&query, jst_date(state.now()));
    let rows = rows_for(&state, basis, year).await?;
    let period = basis
        .days(year)
        .map(|(a, b)| format!("{a} – {b}"))
        .unwrap_or_default();
    render(
        StatusCode::OK,
        &StatisticsPage {
            basis: basis.as_str(),
            year,
            years,
            period,
            rows,
            page: page.with_staff(&me.staff.display_name),
        },
    )
}

pub async fn csv(
    state: web::Data<AppState>,
    _me: Approver,
    query: web::Query<StatisticsQuery>,
) -> Result<HttpResponse, AppError> {
    let (basis, year, _) = chosen(&query, jst_date(state.now()));
    let rows = rows_for(&state, basis, year).await?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"madoguchi-statistics-{}-{year}.csv\"",
                basis.as_str()
            ),
        ))
        .body(statistics::to_csv(&rows)))
}
