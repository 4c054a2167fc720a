//! The audit log: auditors read and filter all of it; every staff member sees their own trail.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, NaiveDateTime};

use super::case_view::actor_name;
use super::roles::Auditor;
use crate::i18n::jst_minutes;
use crate::service::queue::{self, AuditEvent, AuditFilter};
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::page::{PageContext, render};
use crate::web::session::CurrentStaff;

const LIMIT: i64 = 200;

#[derive(Debug, Default, serde::Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub case: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub until: String,
    /// The page's cursor: records older than this (`<time>~<id>` of the last one shown).
    #[serde(default)]
    pub older: String,
}

impl AuditQuery {
    /// The filters (not the cursor) as a query string, for the next page and the CSV link.
    pub fn filters(&self) -> String {
        [
            ("actor", &self.actor),
            ("case", &self.case),
            ("action", &self.action),
            ("from", &self.from),
            ("until", &self.until),
        ]
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", super::queue::urlencode(v.trim())))
        .collect::<Vec<_>>()
        .join("&")
    }

    fn cursor(&self) -> Option<(NaiveDateTime, String)> {
        let (at, id) = self.older.split_once('~')?;
        let at = NaiveDateTime::parse_from_str(at, CURSOR_TIME).ok()?;
        Some((at, id.to_string()))
    }
}

const CURSOR_TIME: &str = "%Y-%m-%dT%H:%M:%S%.f";

fn cursor_of(event: &AuditEvent) -> String {
    format!("{}~{}", event.at.format(CURSOR_TIME), event.id)
}

pub struct AuditLine {
    pub at: String,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub case_id: String,
    pub target: String,
    pub client_ip: String,
}

#[derive(Template)]
#[template(path = "staff/audit.html")]
struct AuditPage {
    page: PageContext,
    /// False on "my trail": no filter form.
    full: bool,
    query: AuditQuery,
    lines: Vec<AuditLine>,
    limit: i64,
    /// The link to the next (older) page, when this one is full.
    older: Option<String>,
    /// The link to the newest page, when this is not it.
    newest: Option<String>,
    csv: String,
}

fn lines(
    page: &PageContext,
    names: &HashMap<String, String>,
    rows: Vec<AuditEvent>,
) -> Vec<AuditLine> {
    rows.into_iter()
        .map(|r| AuditLine {
            at: jst_minutes(r.at),
            actor: actor_name(page.lang, names, &r.actor),
            role: r.role.unwrap_or_default(),
            action: r.action,
            case_id: r.case_id.unwrap_or_default(),
            target: r.target.unwrap_or_default(),
            client_ip: r.client_ip.unwrap_or_default(),
        })
        .collect()
}

fn day(raw: &str) -> Option<NaiveDate> {
    crate::service::intake::person::birth_date(raw)
}

fn filter_of(query: &AuditQuery) -> AuditFilter {
    let non_empty = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    // Days are JST: the window starts at 00:00 JST (15:00 UTC the day before).
    let jst_midnight = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .map(|t| t - chrono::Duration::hours(9))
    };
    AuditFilter {
        actor: non_empty(&query.actor).map(|a| {
            if a.contains(':') || a == "system" {
                a
            } else {
                format!("staff:{a}")
            }
        }),
        case_id: non_empty(&query.case),
        action_prefix: non_empty(&query.action),
        from: day(&query.from).and_then(jst_midnight),
        until: day(&query.until)
            .and_then(|d| d.succ_opt())
            .and_then(jst_midnight),
        older_than: query.cursor(),
    }
}

fn link(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

/// GET /staff/audit (auditors): one page of the log, newest first, with a link to the next.
pub async fn log(
    state: web::Data<AppState>,
    auditor: Auditor,
    page: PageContext,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let filter = filter_of(&query);
    let (rows, staff) = queue::audit_records(&state.db, filter, LIMIT).await?;
    let names = staff.into_iter().map(|s| (s.id, s.display_name)).collect();
    let filters = query.filters();
    let older = (rows.len() as i64 == LIMIT)
        .then(|| rows.last().map(cursor_of))
        .flatten()
        .map(|cursor| {
            let cursor = format!("older={}", super::queue::urlencode(&cursor));
            link(
                "/staff/audit",
                &[filters.as_str(), &cursor]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join("&"),
            )
        });
    let newest = (!query.older.is_empty()).then(|| link("/staff/audit", &filters));
    let page = page.with_staff(&auditor.staff.display_name);
    render(
        StatusCode::OK,
        &AuditPage {
            lines: lines(&page, &names, rows),
            full: true,
            csv: link("/staff/audit.csv", &filters),
            query,
            limit: LIMIT,
            older,
            newest,
            page,
        },
    )
}

/// Rows per page of a CSV export.
const EXPORT_PAGE: i64 = 2_000;

/// Where an export stands between two pages.
struct Export {
    db: crate::db::Db,
    filter: AuditFilter,
    lang: crate::i18n::Lang,
    names: HashMap<String, String>,
    started: bool,
    done: bool,
}

impl Export {
    /// The next piece of the file: the header first, then one page of lines; None at the end.
    async fn next_chunk(
        mut self,
    ) -> Option<(Result<actix_web::web::Bytes, crate::db::DbError>, Export)> {
        if self.done {
            return None;
        }
        let rows = match queue::audit_page(&self.db, self.filter.clone(), EXPORT_PAGE).await {
            Ok(rows) => rows,
            Err(error) => {
                // The response has begun: all that can be done is to cut it short, visibly.
                tracing::error!(%error, "audit export failed part-way");
                self.done = true;
                return Some((Err(error), self));
            }
        };
        let mut chunk = String::new();
        if !self.started {
            let t = |key| self.lang.t(key);
            chunk.push('\u{feff}');
            chunk.push_str(&crate::service::register::row(&[
                t("staff.audit.at"),
                t("staff.audit.actor"),
                t("staff.home.role"),
                t("staff.audit.action"),
                t("staff.audit.case"),
                t("staff.audit.target"),
                t("staff.audit.address"),
                t("staff.audit.request"),
                t("staff.audit.record"),
            ]));
            self.started = true;
        }
        for r in &rows {
            let actor = actor_name(self.lang, &self.names, &r.actor);
            chunk.push_str(&crate::service::register::row(&[
                &jst_seconds(r.at),
                &actor,
                r.role.as_deref().unwrap_or_default(),
                &r.action,
                r.case_id.as_deref().unwrap_or_default(),
                r.target.as_deref().unwrap_or_default(),
                r.client_ip.as_deref().unwrap_or_default(),
                r.request_id.as_deref().unwrap_or_default(),
                &r.id,
            ]));
        }
        self.done = (rows.len() as i64) < EXPORT_PAGE;
        self.filter.older_than = rows.last().map(|r| (r.at, r.id.clone()));
        Some((Ok(actix_web::web::Bytes::from(chunk)), self))
    }
}

/// The time in JST to the second, as auditors compare it with other logs.
fn jst_seconds(at: NaiveDateTime) -> String {
    (at + chrono::Duration::hours(9))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// GET /staff/audit.csv (auditors): every matching record, newest first, streamed as CSV with a
/// byte-order mark (for Excel); the export itself is audited.
pub async fn csv(
    state: web::Data<AppState>,
    auditor: Auditor,
    page: PageContext,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let now = state.now();
    queue::record_audit_export(&state.db, &auditor.actor, query.filters(), now).await?;
    // Former staff too: the log names whoever acted, whether or not they are still here.
    let staff = crate::service::staff_directory::all(&state.db).await?;
    let export = Export {
        db: state.db.clone(),
        filter: AuditFilter {
            older_than: None,
            ..filter_of(&query)
        },
        lang: page.lang,
        names: crate::service::staff_directory::names(&staff),
        started: false,
        done: false,
    };
    let body = futures_util::stream::unfold(export, Export::next_chunk);
    Ok(HttpResponse::Ok()
        .insert_header((
            actix_web::http::header::CONTENT_TYPE,
            "text/csv; charset=utf-8",
        ))
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"madoguchi-audit-{}.csv\"",
                crate::domain::deadline::jst_date(now)
            ),
        ))
        .streaming(body))
}

/// GET /staff/trail: what I did.
pub async fn my_trail(
    state: web::Data<AppState>,
    me: CurrentStaff,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    let filter = AuditFilter {
        actor: Some(format!("staff:{}", me.id)),
        ..AuditFilter::default()
    };
    let (rows, _) = queue::audit_records(&state.db, filter, LIMIT).await?;
    let names = HashMap::from([(me.id.clone(), me.display_name.clone())]);
    let page = page.with_staff(&me.display_name);
    render(
        StatusCode::OK,
        &AuditPage {
            lines: lines(&page, &names, rows),
            full: false,
            query: AuditQuery::default(),
            limit: LIMIT,
            older: None,
            newest: None,
            csv: String::new(),
            page,
        },
    )
}
