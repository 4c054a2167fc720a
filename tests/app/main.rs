//! One integration-test binary (linking once matters on a 2-core machine).

mod admin_calendar;
mod admin_fees;
mod admin_notices;
mod admin_profile;
mod admin_staff;
mod browser;
mod cli;
mod dashboard;
mod dismissals;
mod errors;
mod helpers;
mod instances;
mod mail;
mod migrations_parity;
mod pages;
mod portal;
mod register;
mod reminders;
mod retention;
mod setup_and_sign_in;
mod statistics;
mod uploads;
mod workspace;
mod workspace_access;
mod workspace_intake;
mod workspace_kinds;
