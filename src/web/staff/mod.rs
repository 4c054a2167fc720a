//! The staff workspace: sign-in, the queue, the case page and its actions, the audit log.

mod account;
mod actions;
mod admin;
mod admin_fees;
mod admin_letters;
mod admin_notices;
mod admin_profile;
mod admin_retention;
mod admin_staff;
mod audit;
pub(super) mod case;
mod case_view;
mod dashboard;
mod draft;
mod intake;
mod queue;
mod redaction;
mod register;
pub mod roles;
mod second_factor;
mod statistics;

use actix_web::web;

pub use account::{home, login_form, login_submit, logout, logout_everywhere};

/// The workspace's routes; each handler's extractor states which roles may call it.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/staff/password", web::post().to(account::change_password))
        .route("/staff/login/code", web::get().to(account::code_form))
        .route("/staff/login/code", web::post().to(account::code_submit))
        .route("/staff/security", web::get().to(second_factor::show))
        .route(
            "/staff/security/enable",
            web::post().to(second_factor::enable),
        )
        .route(
            "/staff/security/disable",
            web::post().to(second_factor::disable),
        )
        .route(
            "/staff/security/recovery-codes",
            web::post().to(second_factor::renew_codes),
        )
        .route(
            "/staff/admin/security",
            web::get().to(second_factor::admin_show),
        )
        .route(
            "/staff/admin/security",
            web::post().to(second_factor::admin_change),
        )
        .route(
            "/staff/admin/staff/{id}/second-factor",
            web::post().to(second_factor::admin_reset),
        )
        .route("/staff/admin/calendar", web::get().to(admin::show))
        .route("/staff/admin/calendar", web::post().to(admin::change))
        .route("/staff/admin/fees", web::get().to(admin_fees::show))
        .route("/staff/admin/fees", web::post().to(admin_fees::add))
        .route(
            "/staff/admin/fees/withdraw",
            web::post().to(admin_fees::withdraw),
        )
        .route(
            "/staff/admin/fees/confirm",
            web::post().to(admin_fees::confirm),
        )
        .route(
            "/staff/admin/retention",
            web::get().to(admin_retention::show),
        )
        .route(
            "/staff/admin/retention",
            web::post().to(admin_retention::change),
        )
        .route(
            "/staff/admin/retention/audit",
            web::post().to(admin_retention::change_audit),
        )
        .route("/staff/admin/letters", web::get().to(admin_letters::show))
        .route("/staff/admin/letters", web::post().to(admin_letters::save))
        .route("/staff/admin/notices", web::get().to(admin_notices::list))
        .route(
            "/staff/admin/notices/{outcome}",
            web::get().to(admin_notices::edit),
        )
        .route(
            "/staff/admin/notices/{outcome}",
            web::post().to(admin_notices::submit),
        )
        .route("/staff/admin/profile", web::get().to(admin_profile::show))
        .route(
            "/staff/admin/profile",
            web::post().to(admin_profile::adjust),
        )
        .route(
            "/staff/admin/profile/choose",
            web::post().to(admin_profile::choose),
        )
        .route("/staff/admin/staff", web::get().to(admin_staff::show))
        .route("/staff/admin/staff", web::post().to(admin_staff::create))
        .route(
            "/staff/admin/staff/{id}",
            web::post().to(admin_staff::change),
        )
        .route("/staff/dashboard", web::get().to(dashboard::show))
        .route("/staff/statistics", web::get().to(statistics::show))
        .route("/staff/statistics.csv", web::get().to(statistics::csv))
        .route("/staff/register", web::get().to(register::show))
        .route("/staff/register.csv", web::get().to(register::csv))
        .route("/staff/cases", web::get().to(queue::list))
        .route("/staff/intake", web::get().to(intake::form))
        .route("/staff/intake", web::post().to(intake::submit))
        .route(
            "/staff/cases/{id}/documents",
            web::post().to(intake::add_scan),
        )
        .route("/staff/cases/{id}", web::get().to(case::show))
        .route(
            "/staff/cases/{id}/requester",
            web::get().to(case::requester),
        )
        .route(
            "/staff/cases/{id}/documents/{document}",
            web::get().to(case::document),
        )
        .route(
            "/staff/cases/{id}/decisions/{decision}",
            web::get().to(case::notice),
        )
        .route(
            "/staff/cases/{id}/letters/{letter}",
            web::get().to(crate::web::letters::for_staff),
        )
        .route(
            "/staff/cases/{id}/letters/{letter}/pdf",
            web::get().to(crate::web::letters::pdf_for_staff),
        )
        .route("/staff/cases/{id}/draft", web::get().to(draft::show))
        .route("/staff/cases/{id}/draft", web::post().to(draft::submit))
        .route(
            "/staff/cases/{id}/draft/preview",
            web::post().to(draft::preview),
        )
        .route("/staff/cases/{id}/files", web::post().to(actions::add_file))
        // What the workspace can do to a case: one route per action; each handler's extractor
        // (`CaseWorker` or `Approver`) states who may.
        .route("/staff/cases/{id}/take", web::post().to(actions::take))
        .route("/staff/cases/{id}/assign", web::post().to(actions::assign))
        .route("/staff/cases/{id}/note", web::post().to(actions::note))
        .route(
            "/staff/cases/{id}/redact-number",
            web::post().to(redaction::redact_number),
        )
        .route(
            "/staff/cases/{id}/message",
            web::post().to(actions::message),
        )
        .route(
            "/staff/cases/{id}/start-review",
            web::post().to(actions::start_review),
        )
        .route("/staff/cases/{id}/verify", web::post().to(actions::verify))
        .route(
            "/staff/cases/{id}/review-document",
            web::post().to(actions::review_document),
        )
        .route(
            "/staff/cases/{id}/destroy-document",
            web::post().to(actions::destroy_document),
        )
        .route(
            "/staff/cases/{id}/correction",
            web::post().to(actions::correction),
        )
        .route("/staff/cases/{id}/fee", web::post().to(actions::fee))
        .route("/staff/cases/{id}/waive", web::post().to(actions::waive))
        .route(
            "/staff/cases/{id}/copy-fees",
            web::post().to(actions::copy_fees),
        )
        .route("/staff/cases/{id}/extend", web::post().to(actions::extend))
        .route(
            "/staff/cases/{id}/special-extension",
            web::post().to(actions::special_extension),
        )
        .route(
            "/staff/cases/{id}/choose-delivery",
            web::post().to(actions::choose_delivery),
        )
        .route(
            "/staff/cases/{id}/deliver",
            web::post().to(actions::deliver),
        )
        .route("/staff/cases/{id}/close", web::post().to(actions::close))
        .route(
            "/staff/cases/{id}/dismiss",
            web::post().to(actions::dismiss),
        )
        .route(
            "/staff/cases/{id}/approve",
            web::post().to(actions::approve),
        )
        .route(
            "/staff/cases/{id}/return",
            web::post().to(actions::return_draft),
        )
        .route(
            "/staff/cases/{id}/prior-disclosure",
            web::post().to(actions::prior_disclosure),
        )
        .route(
            "/staff/cases/{id}/transfer",
            web::post().to(actions::transfer),
        )
        .route(
            "/staff/cases/{id}/consult",
            web::post().to(actions::consult),
        )
        .route(
            "/staff/cases/{id}/third-party-reply",
            web::post().to(actions::third_party_reply),
        )
        .route(
            "/staff/cases/{id}/withdraw-consent",
            web::post().to(actions::withdraw_consent),
        )
        .route("/staff/audit", web::get().to(audit::log))
        .route("/staff/audit.csv", web::get().to(audit::csv))
        .route("/staff/trail", web::get().to(audit::my_trail));
}
