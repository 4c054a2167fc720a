//! The audit log: auditors read and filter all of it; every staff member sees their own trail.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;

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

/// GET /staff/audit (auditors).
pub async fn log(
    state: web::Data<AppState>,
    auditor: Auditor,
    page: PageContext,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let non_empty = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    // Days are JST: the window starts at 00:00 JST (15:00 UTC the day before).
    let jst_midnight = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .map(|t| t - chrono::Duration::hours(9))
    };
    let filter = AuditFilter {
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
    };
    let (rows, staff) = queue::audit_records(&state.db, filter, LIMIT).await?;
    let names = staff.into_iter().map(|s| (s.id, s.display_name)).collect();
    let page = page.with_staff(&auditor.staff.display_name);
    render(
        StatusCode::OK,
        &AuditPage {
            lines: lines(&page, &names, rows),
            full: true,
            query,
            limit: LIMIT,
            page,
        },
    )
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
            page,
        },
    )
}
