//! What an instance keeps in memory, and why each stays correct when several instances share one
//! PostgreSQL database. The database is always the truth; a cache only saves queries. The use
//! cases that change what is cached (saving the profile, changing a day, adding a fee schedule)
//! stay with their services.
//!
//! - [`ProfileCache`], [`CalendarCache`], [`FeeScheduleCache`]: settings every instance must apply
//!   alike, because they decide deadlines and fees. Each change bumps a revision number in the
//!   same transaction as the change ([`Revisioned`]). A write that depends on the setting asks
//!   for it `fresh` (one tiny query compares the revision and reloads only when it differs), so a
//!   deadline or a fee is never computed from a setting another instance has already changed;
//!   pages use the `current` value, which a background task refreshes every few seconds.
//! - [`FigureCache`] (the dashboard's, [`crate::service::dashboard::DashboardCache`]): figures
//!   that take a while to count over a million cases. They need not agree across instances: each page says when they were counted, at most
//!   one recount runs at a time per instance, and the last count is kept in the database so a new
//!   instance shows it at once.

mod calendar;
mod fee_schedules;
mod figures;
mod profile;
mod revisioned;

pub use calendar::CalendarCache;
pub use fee_schedules::{FeeScheduleCache, Schedules};
pub use figures::FigureCache;
pub use profile::{ProfileCache, Saved, profile_of};
pub use revisioned::Revisioned;
