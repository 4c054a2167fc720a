//! Role checks as extractors, so every staff route states in its signature who may call it.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use tracing_actix_web::RequestId;

use crate::domain::role::Role;
use crate::service::casework::StaffActor;
use crate::web::error::AppError;
use crate::web::session::CurrentStaff;

/// The client address (behind trusted proxies, the forwarded client's) and request id the audit
/// log records with an action.
pub fn audit_context(req: &HttpRequest) -> (Option<String>, Option<String>) {
    let proxies = req
        .app_data::<actix_web::web::Data<crate::web::AppState>>()
        .map(|state| state.config.trusted_proxies.as_slice())
        .unwrap_or_default();
    (
        crate::web::client_address::TrustedProxies(proxies)
            .of_request(req)
            .map(|ip| ip.to_string()),
        req.extensions().get::<RequestId>().map(ToString::to_string),
    )
}

fn actor_of(req: &HttpRequest, staff: &CurrentStaff) -> StaffActor {
    let (client_ip, request_id) = audit_context(req);
    StaffActor {
        id: staff.id.clone(),
        role: staff.role,
        client_ip,
        request_id,
    }
}

macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, $($role:path),+) => {
        $(#[$doc])*
        pub struct $name {
            pub staff: CurrentStaff,
            pub actor: StaffActor,
        }

        impl FromRequest for $name {
            type Error = AppError;
            type Future = Pin<Box<dyn Future<Output = Result<$name, AppError>>>>;

            fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
                let req = req.clone();
                let staff = CurrentStaff::from_request(&req, payload);
                Box::pin(async move {
                    let staff = staff.await?;
                    if !matches!(staff.role, $($role)|+) {
                        return Err(AppError::Forbidden);
                    }
                    let actor = actor_of(&req, &staff);
                    Ok($name { staff, actor })
                })
            }
        }
    };
}

role_extractor!(
    /// Staff and approvers: the people who work on cases.
    CaseWorker,
    Role::Staff,
    Role::Approver
);
role_extractor!(
    /// Approvers only (approve or return drafts, waive fees — see `Role::may_waive_fees` —,
    /// assign cases to others).
    Approver,
    Role::Approver
);
role_extractor!(
    /// Auditors only: the whole audit log.
    Auditor,
    Role::Auditor
);
role_extractor!(
    /// Administrators only: the operator's settings (calendar, accounts).
    Admin,
    Role::Admin
);
