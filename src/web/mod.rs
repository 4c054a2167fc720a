//! HTTP: the route table, extractors and handlers. Handlers parse, call a service, render.

mod assets;
pub mod client_address;
pub mod csrf;
pub mod error;
pub mod error_page;
pub mod form;
mod health;
mod letters;
pub mod metrics;
pub mod page;
mod portal;
mod public;
pub mod session;
pub mod session_keys;
mod setup;
pub mod staff;

use std::sync::Arc;

use actix_web::web;

use crate::auth::password::Cost;
use crate::config::Config;
use crate::db::Db;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::profile::OperatorProfile;
use crate::service::caches::{CalendarCache, FeeScheduleCache, ProfileCache};
use crate::service::dashboard::DashboardCache;
use crate::storage::crypto::MasterKey;
use crate::storage::files::BlobStore;
use crate::storage::index::IndexKey;
use lettre::message::Mailbox;

/// Shared by all workers of one instance. Holds nothing that must agree across instances: that
/// lives in the database or in the (shared) session key.
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub password_cost: Cost,
    /// The operator profile (ready-made and adjusted by an administrator), cached like the calendar.
    pub profiles: Arc<ProfileCache>,
    /// The business calendar, cached per instance and checked against the database's revision.
    pub calendars: Arc<CalendarCache>,
    /// Fee schedules (the profile's and the administrator's), cached like the calendar.
    pub fee_schedules: Arc<FeeScheduleCache>,
    /// The dashboard's counts for a given JST day, recounted in the background (see `FigureCache`).
    pub dashboard: Arc<DashboardCache>,
    pub master: Arc<MasterKey>,
    pub index: IndexKey,
    pub mail_from: Mailbox,
    /// Encrypted document files.
    pub blobs: BlobStore,
    /// Where pages and use cases read the time (the system clock outside tests).
    pub clock: Arc<dyn crate::clock::Clock>,
    /// Requests counted and timed for `/metrics`.
    pub metrics: Arc<crate::service::metrics::Metrics>,
    /// The font letters are set in as PDF, read on the first PDF asked for (19 MB that most
    /// instances never need); a missing font is looked for again next time.
    pub letter_font: Arc<std::sync::OnceLock<Arc<crate::pdf::LetterFont>>>,
}

impl AppState {
    /// The time now, by the application's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// What a write that may move a deadline needs, with the calendar as the database has it.
    pub async fn desk(&self) -> Result<crate::service::lifecycle::Desk<'_>, crate::db::DbError> {
        Ok(crate::service::lifecycle::Desk {
            master: &self.master,
            from: &self.mail_from,
            public_url: &self.config.public_url,
            profile: self.profiles.fresh(&self.db).await?,
            calendar: self.fresh_calendar().await?,
        })
    }

    /// The font letters are set in as PDF, read once (off the async workers).
    pub async fn letter_font(&self) -> Result<Arc<crate::pdf::LetterFont>, crate::pdf::PdfError> {
        if let Some(font) = self.letter_font.get() {
            return Ok(font.clone());
        }
        let configured = self.config.letter_font.clone();
        let read = web::block(move || crate::pdf::LetterFont::locate(configured.as_deref()))
            .await
            .map_err(|e| crate::pdf::PdfError::Render(e.to_string()))??;
        Ok(self.letter_font.get_or_init(|| Arc::new(read)).clone())
    }

    /// The operator profile as last refreshed (for pages).
    /// What the requester's use cases (and staff entering a paper request) work with.
    pub fn intake(&self) -> crate::service::intake::submit::IntakeContext<'_> {
        crate::service::intake::submit::IntakeContext {
            db: &self.db,
            master: &self.master,
            index: &self.index,
            profile: self.profile(),
            calendars: &self.calendars,
            fee_schedules: &self.fee_schedules,
            mail_from: &self.mail_from,
            public_url: &self.config.public_url,
        }
    }

    pub fn profile(&self) -> Arc<OperatorProfile> {
        self.profiles.current()
    }

    /// The operator profile as the database has it now (for writes that depend on it).
    pub async fn fresh_profile(&self) -> Result<Arc<OperatorProfile>, crate::db::DbError> {
        self.profiles.fresh(&self.db).await
    }

    /// The calendar as the database has it now (for writes that compute deadlines).
    pub async fn fresh_calendar(&self) -> Result<Arc<BusinessCalendar>, crate::db::DbError> {
        self.calendars.fresh(&self.db).await
    }

    /// A fee quote from the schedules as last refreshed.
    pub fn quote(
        &self,
        request: &crate::domain::fees::QuoteRequest,
    ) -> Result<crate::domain::fees::Quote, crate::domain::fees::FeeError> {
        let (profile, schedules) = self.schedules_shown();
        crate::domain::fees::quote(profile.regime, &schedules, request)
    }

    /// The schedules in force as last refreshed, with the profile they belong to. The profile's
    /// own schedules come from that very profile (not from the fee cache, refreshed apart from it),
    /// so a page showing a newly chosen profile's kinds never quotes the previous profile's fees.
    fn schedules_shown(&self) -> (Arc<OperatorProfile>, Vec<crate::domain::fees::FeeSchedule>) {
        let profile = self.profile();
        let cached = self.fee_schedules.current();
        let schedules = crate::domain::fee_schedules::merged(
            &crate::domain::fee_schedules::with_confirmations(
                profile.name,
                &profile.fee_schedules,
                &cached.confirmations,
            ),
            &cached.added,
        );
        (profile, schedules)
    }

    /// The schedule in force on `day`, as last refreshed (for pages).
    pub fn schedule_on(&self, day: chrono::NaiveDate) -> Option<crate::domain::fees::FeeSchedule> {
        let (_, schedules) = self.schedules_shown();
        crate::domain::fees::schedule_in_force(&schedules, day).cloned()
    }

    /// Whether the amounts of the schedule in force on `day` are provisional: a built-in default
    /// no statute, seed or administrator has confirmed (docs/fees.md §9).
    pub fn fees_provisional_on(&self, day: chrono::NaiveDate) -> bool {
        self.schedule_on(day)
            .is_some_and(|s| !s.source.is_confirmed())
    }

    /// The ways to pay of the schedule in force on `day`.
    pub fn payment_methods_on(
        &self,
        day: chrono::NaiveDate,
    ) -> Option<Vec<crate::domain::fees::PaymentMethod>> {
        let (_, schedules) = self.schedules_shown();
        crate::domain::fees::schedule_in_force(&schedules, day).map(|s| s.payment_methods.clone())
    }

    /// The calendar as last refreshed (for pages that only display days left).
    pub fn calendar(&self) -> Arc<BusinessCalendar> {
        self.calendars.current()
    }
}

/// Per-address limits on the portal's write endpoints (in memory, so per instance).
pub type RateLimit = actix_governor::GovernorConfig<
    client_address::ClientKey,
    actix_governor::governor::middleware::NoOpMiddleware,
>;

/// `per_minute` POSTs per client address (behind trusted proxies, the forwarded client's), with
/// a burst of the same size; None (no limit) for 0.
pub fn rate_limit(per_minute: u32, proxies: &[ipnet::IpNet]) -> Option<RateLimit> {
    if per_minute == 0 {
        return None;
    }
    actix_governor::GovernorConfigBuilder::default()
        .key_extractor(client_address::ClientKey(Arc::new(proxies.to_vec())))
        .milliseconds_per_request((60_000 / u64::from(per_minute)).max(1))
        .burst_size(per_minute)
        .methods(vec![actix_web::http::Method::POST])
        .finish()
}

/// The whole URL surface in one place.
pub fn routes(cfg: &mut web::ServiceConfig, limit: &Option<RateLimit>) {
    cfg.route("/", web::get().to(public::home))
        .route("/static/css/app.css", web::get().to(assets::app_css))
        .route("/favicon.ico", web::get().to(assets::favicon_ico))
        .route(
            "/static/img/favicon.svg",
            web::get().to(assets::favicon_svg),
        )
        .route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/metrics", web::get().to(metrics::show))
        .route("/staff/login", web::get().to(staff::login_form))
        .route("/staff/login", web::post().to(staff::login_submit))
        .route("/staff/logout", web::post().to(staff::logout))
        .route(
            "/staff/logout-everywhere",
            web::post().to(staff::logout_everywhere),
        )
        .route("/staff", web::get().to(staff::home))
        // The requester's pages before any pattern with a parameter outside them: the router tries
        // each pattern in turn and matches each parameter pattern with a regular expression, and
        // the staff workspace has dozens.
        .configure(|cfg| portal::routes(cfg, limit))
        .route("/lang/{code}", web::get().to(public::switch_language))
        .route("/setup/{token}", web::get().to(setup::show))
        .route("/setup/{token}", web::post().to(setup::submit))
        .configure(staff::routes);
}
