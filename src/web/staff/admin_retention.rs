//! The document retention period for administrators: how long a case's documents are kept after
//! the case ends, how many are kept now and how many the next sweep will destroy.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::roles::Admin;
use crate::domain::retention::{DEFAULT_DAYS, MAX_DAYS};
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

#[derive(Template)]
#[template(path = "staff/admin_retention.html")]
struct RetentionPage {
    page: PageContext,
    policy: PolicyRow,
    overview: Overview,
    days_hint: String,
    errors: FieldErrors,
    typed_days: String,
    saved: bool,
}

async fn retention_page(
    state: &AppState,
    me: &Admin,
    page: PageContext,
    (errors, typed, saved): (FieldErrors, Option<String>, bool),
) -> Result<HttpResponse, AppError> {
    let policy = retention::policy(&state.db).await?;
    let overview = retention::overview(&state.db, state.now()).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &RetentionPage {
            typed_days: typed.unwrap_or_else(|| policy.document_days.to_string()),
            policy,
            overview,
            days_hint: format!(
                "{} (1–{MAX_DAYS}; {} {DEFAULT_DAYS})",
                page.t("admin.retention.document_days_hint"),
                page.t("admin.retention.default")
            ),
            errors,
            saved,
            page: page.with_staff(&me.staff.display_name),
        },
    )
}

pub async fn show(
    state: web::Data<AppState>,
    me: Admin,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    retention_page(&state, &me, page, (FieldErrors::default(), None, false)).await
}

pub async fn change(
    state: web::Data<AppState>,
    me: Admin,
    page: PageContext,
    CsrfForm(posted): CsrfForm<RetentionForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    let typed = form.document_days;
    let mut errors = FieldErrors::default();
    if !fresh {
        errors.add_general("field.csrf_expired");
        return retention_page(&state, &me, page, (errors, Some(typed), false)).await;
    }
    let actor = (me.staff.id.as_str(), me.staff.role.as_str());
    match retention::change_policy(&state.db, &typed, actor, state.now()).await {
        Ok(days) => {
            tracing::info!(days, "document retention period changed");
            retention_page(&state, &me, page, (errors, None, true)).await
        }
        Err(PolicyError::Invalid(problem)) => {
            errors.add("document_days", problem.code());
            retention_page(&state, &me, page, (errors, Some(typed), false)).await
        }
        Err(PolicyError::Db(e)) => Err(e.into()),
    }
}
