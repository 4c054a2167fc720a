//! The register of requests for managers: filter, see how many match and the first of them, and
//! download every match as CSV. The download streams a page of cases at a time.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::web::Bytes;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::roles::Approver;
use crate::db::{Db, DbError};
use crate::domain::kind::RequestKind;
use crate::domain::regime::Regime;
use crate::domain::state::CaseState;
use crate::i18n::Lang;
use crate::service::intake::person::birth_date as parse_date;
use crate::service::register::{self, RegisterFilter, RegisterLine};
use crate::service::staff_directory;
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::form::FieldErrors;
use crate::web::page::{PageContext, render};

const PREVIEW_ROWS: i64 = 50;
const EXPORT_PAGE: i64 = 2_000;

#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct RegisterQuery {
    #[serde(default)]
    pub received_from: String,
    #[serde(default)]
    pub received_to: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub state: String,
    /// `none` or a staff id; empty for everyone.
    #[serde(default)]
    pub assignee: String,
}

impl RegisterQuery {
    /// The query string that repeats these filters (for the download link).
    pub fn as_query(&self) -> String {
        [
            ("received_from", &self.received_from),
            ("received_to", &self.received_to),
            ("kind", &self.kind),
            ("state", &self.state),
            ("assignee", &self.assignee),
        ]
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", super::queue::urlencode(v.trim())))
        .collect::<Vec<_>>()
        .join("&")
    }
}

/// JST midnight starting `day`, as the UTC instant stored in `received_at`.
fn jst_midnight(day: NaiveDate) -> NaiveDateTime {
    day.and_hms_opt(0, 0, 0).unwrap_or_default() - Duration::hours(9)
}

/// The filter the query asks for, or the fields that are wrong.
fn filter_from(query: &RegisterQuery) -> Result<RegisterFilter, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut date = |name: &str, raw: &str| match raw.trim() {
        "" => None,
        raw => {
            let parsed = parse_date(raw);
            if parsed.is_none() {
                errors.add(name, "invalid");
            }
            parsed
        }
    };
    let from = date("received_from", &query.received_from);
    let to = date("received_to", &query.received_to);
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        errors.add("received_to", "before_from");
    }
    let filter = RegisterFilter {
        received_from: from.map(jst_midnight),
        received_until: to.map(|d| jst_midnight(d + Duration::days(1))),
        kind: query.kind.parse::<RequestKind>().ok(),
        state: query.state.parse::<CaseState>().ok(),
        assignee: match query.assignee.as_str() {
            "" => None,
            "none" => Some(None),
            id => Some(Some(id.to_string())),
        },
    };
    if errors.is_empty() {
        Ok(filter)
    } else {
        Err(errors)
    }
}

#[derive(Template)]
#[template(path = "staff/register.html")]
struct RegisterPage {
    page: PageContext,
    errors: FieldErrors,
    query: RegisterQuery,
    kinds: Vec<(&'static str, &'static str)>,
    states: Vec<(&'static str, &'static str)>,
    staff: Vec<(String, String)>,
    /// None when the filters are wrong.
    matching: Option<i64>,
    lines: Vec<RegisterLine>,
    download: String,
}

impl RegisterPage {
    pub fn more_than_shown(&self) -> bool {
        self.matching.unwrap_or(0) > self.lines.len() as i64
    }
}

async fn staff_names(db: &Db) -> Result<HashMap<String, String>, DbError> {
    Ok(staff_directory::names(&staff_directory::active(db).await?))
}

async fn register_page(
    state: &AppState,
    me: &Approver,
    page: PageContext,
    query: RegisterQuery,
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let names = staff_names(&state.db).await?;
    let (errors, matching, lines) = match filter_from(&query) {
        Err(errors) => (errors, None, Vec::new()),
        Ok(filter) => {
            let (count, (cases, decided)) =
                register::preview(&state.db, filter, PREVIEW_ROWS).await?;
            let lines = register::lines(lang, state.profile().regime, &names, &cases, &decided);
            (FieldErrors::default(), Some(count), lines)
        }
    };
    let mut staff: Vec<(String, String)> = names.into_iter().collect();
    staff.sort_by(|a, b| a.1.cmp(&b.1));
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &RegisterPage {
            errors,
            download: format!("/staff/register.csv?{}", query.as_query()),
            query,
            kinds: RequestKind::ALL
                .iter()
                // Every kind the regime knows: the register also lists kinds no longer offered.
                .filter(|k| k.exists_under(state.profile().regime))
                .map(|k| (k.as_str(), lang.pick(k.label_ja(), k.label_en())))
                .collect(),
            states: CaseState::ALL
                .iter()
                .map(|s| (s.as_str(), lang.pick(s.label_ja(), s.label_en())))
                .collect(),
            staff,
            matching,
            lines,
            page: page.with_staff(&me.staff.display_name),
        },
    )
}

/// GET /staff/register
pub async fn show(
    state: web::Data<AppState>,
    me: Approver,
    page: PageContext,
    query: web::Query<RegisterQuery>,
) -> Result<HttpResponse, AppError> {
    register_page(&state, &me, page, query.into_inner()).await
}

/// Where an export stands between two pages.
struct Export {
    db: Db,
    filter: RegisterFilter,
    lang: Lang,
    regime: Regime,
    names: HashMap<String, String>,
    after: Option<(NaiveDateTime, String)>,
    started: bool,
    done: bool,
}

impl Export {
    /// The next piece of the file: the header first, then one page of lines; None at the end.
    async fn next_chunk(mut self) -> Option<(Result<Bytes, DbError>, Export)> {
        if self.done {
            return None;
        }
        let (filter, after) = (self.filter.clone(), self.after.clone());
        let page = register::page(&self.db, filter, after, EXPORT_PAGE).await;
        let (cases, decided) = match page {
            Ok(page) => page,
            Err(error) => {
                // The response has begun: all that can be done is to cut it short, visibly.
                tracing::error!(%error, "register export failed part-way");
                self.done = true;
                return Some((Err(error), self));
            }
        };
        let mut chunk = String::new();
        if !self.started {
            chunk.push_str(&register::csv_header(self.lang));
            self.started = true;
        }
        let lines = register::lines(self.lang, self.regime, &self.names, &cases, &decided);
        chunk.push_str(&register::csv_lines(&lines));
        self.done = (cases.len() as i64) < EXPORT_PAGE;
        self.after = cases.last().map(|c| (c.received_at, c.id.clone()));
        Some((Ok(Bytes::from(chunk)), self))
    }
}

/// GET /staff/register.csv: every matching case, streamed; the export itself is audited.
pub async fn csv(
    state: web::Data<AppState>,
    me: Approver,
    page: PageContext,
    query: web::Query<RegisterQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let filter = match filter_from(&query) {
        Ok(filter) => filter,
        Err(_) => return register_page(&state, &me, page, query).await,
    };
    let now = state.now();
    register::record_export(&state.db, &me.actor, query.as_query(), now).await?;
    let export = Export {
        db: state.db.clone(),
        filter,
        lang: page.lang,
        regime: state.profile().regime,
        names: staff_names(&state.db).await?,
        after: None,
        started: false,
        done: false,
    };
    let body = futures_util::stream::unfold(export, Export::next_chunk);
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"madoguchi-register-{}.csv\"",
                crate::domain::deadline::jst_date(now)
            ),
        ))
        .streaming(body))
}
