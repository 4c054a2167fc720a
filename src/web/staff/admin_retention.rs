//! The document retention period for administrators: how long a case's documents are kept after
//! the case ends, how many are kept now and how many the next sweep will destroy.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::roles::Admin;
use crate::domain::retention::{AUDIT_MIN_DAYS, DEFAULT_DAYS, MAX_DAYS};
use crate::service::audit_log::{self, Kept};
use crate::service::retention::PolicyRow;
use crate::service::retention::{self, Overview, PolicyError};
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::form::FieldErrors;
use crate::web::page::{PageContext, render};

/// The retention form as posted (the service reads the number of days).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RetentionForm {
    pub document_days: String,
}

/// The audit log's retention as posted: a number of days, or empty for every record.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditRetentionForm {
    pub audit_days: String,
}

/// Which setting was just saved.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Saved {
    Nothing,
    Documents,
    Audit,
}

/// What was typed and not saved, to show again.
#[derive(Default)]
struct Typed {
    document_days: Option<String>,
    audit_days: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/admin_retention.html")]
struct RetentionPage {
    page: PageContext,
    policy: PolicyRow,
    overview: Overview,
    kept: Kept,
    days_hint: String,
    audit_days_hint: String,
    errors: FieldErrors,
    typed_days: String,
    typed_audit_days: String,
    saved_documents: bool,
    saved_audit: bool,
}

async fn retention_page(
    state: &AppState,
    me: &Admin,
    page: PageContext,
    (errors, typed, saved): (FieldErrors, Typed, Saved),
) -> Result<HttpResponse, AppError> {
    let policy = retention::policy(&state.db).await?;
    let overview = retention::overview(&state.db, state.now()).await?;
    let kept = audit_log::kept(&state.db).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &RetentionPage {
            typed_days: typed
                .document_days
                .unwrap_or_else(|| policy.document_days.to_string()),
            typed_audit_days: typed
                .audit_days
                .unwrap_or_else(|| policy.audit_days.map(|d| d.to_string()).unwrap_or_default()),
            policy,
            overview,
            kept,
            days_hint: format!(
                "{} (1–{MAX_DAYS}; {} {DEFAULT_DAYS})",
                page.t("admin.retention.document_days_hint"),
                page.t("admin.retention.default")
            ),
            audit_days_hint: format!(
                "{} ({AUDIT_MIN_DAYS}–{MAX_DAYS})",
                page.t("admin.retention.audit_days_hint")
            ),
            errors,
            saved_documents: saved == Saved::Documents,
            saved_audit: saved == Saved::Audit,
            page: page.with_staff(&me.staff.display_name),
        },
    )
}

pub async fn show(
    state: web::Data<AppState>,
    me: Admin,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    retention_page(
        &state,
        &me,
        page,
        (FieldErrors::default(), Typed::default(), Saved::Nothing),
    )
    .await
}

pub async fn change(
    state: web::Data<AppState>,
    me: Admin,
    page: PageContext,
    CsrfForm(posted): CsrfForm<RetentionForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    let typed = Typed {
        document_days: Some(form.document_days),
        audit_days: None,
    };
    let mut errors = FieldErrors::default();
    if !fresh {
        errors.add_general("field.csrf_expired");
        return retention_page(&state, &me, page, (errors, typed, Saved::Nothing)).await;
    }
    let actor = (me.staff.id.as_str(), me.staff.role.as_str());
    let days = typed.document_days.as_deref().unwrap_or_default();
    match retention::change_policy(&state.db, days, actor, state.now()).await {
        Ok(days) => {
            tracing::info!(days, "document retention period changed");
            retention_page(
                &state,
                &me,
                page,
                (errors, Typed::default(), Saved::Documents),
            )
            .await
        }
        Err(PolicyError::Invalid(problem)) => {
            errors.add("document_days", problem.code());
            retention_page(&state, &me, page, (errors, typed, Saved::Nothing)).await
        }
        Err(PolicyError::Db(e)) => Err(e.into()),
    }
}

pub async fn change_audit(
    state: web::Data<AppState>,
    me: Admin,
    page: PageContext,
    CsrfForm(posted): CsrfForm<AuditRetentionForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    let typed = Typed {
        document_days: None,
        audit_days: Some(form.audit_days),
    };
    let mut errors = FieldErrors::default();
    if !fresh {
        errors.add_general("field.csrf_expired");
        return retention_page(&state, &me, page, (errors, typed, Saved::Nothing)).await;
    }
    let actor = (me.staff.id.as_str(), me.staff.role.as_str());
    let days = typed.audit_days.as_deref().unwrap_or_default();
    match retention::change_audit_policy(&state.db, days, actor, state.now()).await {
        Ok(days) => {
            tracing::info!(?days, "audit record retention changed");
            retention_page(&state, &me, page, (errors, Typed::default(), Saved::Audit)).await
        }
        Err(PolicyError::Invalid(problem)) => {
            errors.add("audit_days", problem.code());
            retention_page(&state, &me, page, (errors, typed, Saved::Nothing)).await
        }
        Err(PolicyError::Db(e)) => Err(e.into()),
    }
}
