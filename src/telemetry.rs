//! Logging. Request spans carry the method, the matched route *pattern* (never the raw path or
//! query string, which may hold tokens), the status and a request id — no personal data.

use actix_web::Error;
use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the global subscriber once; later calls (tests starting several apps) are no-ops.
pub fn init(format: LogFormat, filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
}

pub struct SafeRootSpan;

impl RootSpanBuilder for SafeRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        // The route is recorded when the request ends: before routing, naming it would match the
        // path against every pattern of the table a second time (a tenth of a case page's work).
        tracing::info_span!(
            "request",
            method = %request.method(),
            route = tracing::field::Empty,
            request_id = %request_id,
            status = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let status = match outcome {
            Ok(response) => response.status(),
            Err(error) => error.as_response_error().status_code(),
        };
        if !span.is_disabled() {
            let route = match outcome {
                Ok(response) => response.request().match_pattern(),
                Err(_) => None,
            };
            span.record("route", route.as_deref().unwrap_or("(unmatched)"));
        }
        span.record("status", status.as_u16());
        let _entered = span.enter();
        if status.is_server_error() {
            // The whole cause chain, once per failed request (see the policy in `web::error`).
            let chain = |error: &Error| match error.as_error::<crate::web::error::AppError>() {
                Some(app) => app.chain(),
                None => error.to_string(),
            };
            let cause = match outcome {
                Ok(response) => response.response().error().map(chain),
                Err(error) => Some(chain(error)),
            };
            tracing::error!(cause = cause.as_deref().unwrap_or("-"), "request failed");
        } else {
            tracing::info!("request finished");
        }
    }
}
