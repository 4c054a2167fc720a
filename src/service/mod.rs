//! Use cases: each loads what it needs, applies the rules, and writes its changes and their audit
//! records in one transaction.

pub mod accounts;
pub mod audit_log;
pub mod backup;
pub mod caches;
pub mod calendar;
pub mod case_record;
pub mod casework;
pub mod corrections;
pub mod dashboard;
pub mod deadlines;
pub mod dismissals;
pub mod documents;
pub mod fee_schedules;
pub mod housekeeping;
pub mod intake;
pub mod letters;
pub mod lifecycle;
pub mod messages;
pub mod metrics;
pub mod notice_templates;
pub mod notices;
pub mod operator_settings;
pub mod pdf_safety;
pub mod portal;
pub mod queue;
pub mod register;
pub mod reminders;
pub mod retention;
pub mod second_factor;
pub mod seed;
pub mod sessions;
pub mod staff_admin;
pub mod staff_directory;
pub mod statistics;
