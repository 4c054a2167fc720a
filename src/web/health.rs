//! Probes for load balancers: `/healthz` says the process answers; `/readyz` says the database
//! answers and every migration this binary embeds has been applied.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::AppState;
use super::error::CompletePage;
use crate::db::Db;

pub async fn healthz() -> HttpResponse {
    plain(StatusCode::OK, "ok")
}

/// Probes answer in plain text whatever the status, for machines rather than people.
fn plain(status: StatusCode, body: &'static str) -> HttpResponse {
    let mut response = HttpResponse::build(status)
        .content_type("text/plain; charset=utf-8")
        .body(body);
    response.extensions_mut().insert(CompletePage);
    response
}

pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match state.db.read(Db::migrations_current).await {
        Ok(true) => plain(StatusCode::OK, "ready"),
        Ok(false) => plain(StatusCode::SERVICE_UNAVAILABLE, "migrations pending"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            plain(StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
