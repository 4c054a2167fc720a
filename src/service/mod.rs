//! Use cases: each loads what it needs, applies the rules, and writes its changes and their audit
//! records in one transaction.

pub mod accounts;
pub mod audit_log;
pub mod backup;
pub mod calendar;
pub mod case_record;
pub mod casework;
pub mod corrections;
pub mod dashboard;
pub mod deadlines;
pub mod dismissals;
pub mod documents;
pub mod fee_schedules;
pub mod figure_cache;
pub mod housekeeping;
pub mod intake;
pub mod lifecycle;
pub mod messages;
pub mod metrics;
pub mod notice_templates;
pub mod notices;
pub mod operator_settings;
pub mod portal;
pub mod queue;
pub mod register;
pub mod reminders;
pub mod retention;
pub mod revisioned;
pub mod seed;
pub mod staff_admin;
pub mod staff_directory;
pub mod statistics;
