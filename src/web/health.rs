//! Probes for load balancers: `/healthz` says the process answers; `/readyz` says the database
//! answers and every migration this binary embeds has been applied.

use actix_web::{HttpResponse, web};

use super::AppState;
use crate::db::Db;

pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain; charset=utf-8").body("ok")
}

pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match state.db.read(Db::migrations_current).await {
        Ok(true) => HttpResponse::Ok().content_type("text/plain; charset=utf-8").body("ready"),
        Ok(false) => HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body("migrations pending"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain; charset=utf-8")
                .body("database unavailable")
        }
    }
}
