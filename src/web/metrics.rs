//! `/metrics` for a monitoring system (`docs/operations.md §4`), and the middleware that times
//! every request by its route pattern.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};
use subtle::ConstantTimeEq;

use super::AppState;
use super::error::CompletePage;
use crate::service::metrics;

/// Counts and times each request under the pattern it matched (`/case/{token}`), never its path.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let recorder = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.metrics.clone());
    let method = req.method().as_str().to_string();
    let response = next.call(req).await;
    if let Some(recorder) = recorder {
        let (route, status) = match &response {
            Ok(res) => (
                res.request().match_pattern(),
                res.response().status().as_u16(),
            ),
            Err(e) => (None, e.as_response_error().status_code().as_u16()),
        };
        recorder.observe(
            &method,
            route.as_deref().unwrap_or("unmatched"),
            status,
            started.elapsed(),
        );
    }
    response
}

/// Readable from this machine, or by whoever sends the configured token (then by no one else).
fn may_read(state: &AppState, req: &HttpRequest) -> bool {
    match &state.config.metrics_token {
        Some(token) => req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|sent| bool::from(sent.as_bytes().ct_eq(token.as_bytes()))),
        None => req.peer_addr().is_some_and(|peer| peer.ip().is_loopback()),
    }
}

pub async fn show(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    if !may_read(&state, &req) {
        return plain(StatusCode::FORBIDDEN, "forbidden".into());
    }
    let calendar = state.calendar();
    match metrics::gauges(&state.db, &state.dashboard, &calendar, state.now()).await {
        Ok(gauges) => plain(StatusCode::OK, metrics::render(&state.metrics, &gauges)),
        Err(e) => {
            tracing::warn!(error = %e, "metrics could not read the database");
            plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "database unavailable".into(),
            )
        }
    }
}

fn plain(status: StatusCode, body: String) -> HttpResponse {
    let mut response = HttpResponse::build(status)
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(body);
    response.extensions_mut().insert(CompletePage);
    response
}
