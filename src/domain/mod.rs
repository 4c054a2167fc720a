//! The pure core: rules of the request lifecycle, deadlines, fees and identity. No I/O, no clock,
//! no database: callers pass `now`, calendars and configuration in.
//!
//! Map of the modules:
//! - [`kind`], [`regime`], [`outcome`], [`grounds`]: what may be requested, under which law, what may
//!   be decided and on which grounds information may be withheld; [`regime_rules`]: each regime's
//!   procedure as one table (measures and grounds, outcomes, periods, extensions, 開示前置, 移送,
//!   第三者意見照会, warnings), with [`prior_disclosure`], [`transfer`] and [`consultation`].
//! - [`state`], [`event`], [`lifecycle`]: one state machine for every request kind.
//! - [`holidays`], [`calendar`]: 休日 under the holiday law and the operator's closed days.
//! - [`deadline`], [`explain`]: legal and internal deadlines with bilingual explanations.
//! - [`money`], [`fees`]: fee schedules, quotes and the fee ledger.
//! - [`identity`]: which documents prove who the requester is, and the reviewer's checklist.
//! - [`profile`]: ready operator profiles (`national`, `private`, `jmimo`, `kanagawa`, `fukushima`);
//!   [`operator_settings`]: what an administrator may adjust in one.

pub mod names;

pub mod audit_chain;
pub mod calendar;
pub mod channel;
pub mod consent;
pub mod consultation;
pub mod deadline;
pub mod delivery;
pub mod document;
pub mod event;
pub mod explain;
pub mod extra_fields;
pub mod fee_schedules;
pub mod fees;
pub mod grounds;
pub mod holidays;
pub mod identity;
pub mod identity_review;
pub mod kind;
pub mod ledger;
pub mod letters;
pub mod lifecycle;
pub mod measure;
pub mod message;
pub mod money;
pub mod notice_templates;
pub mod office;
pub mod office_seeds;
pub mod office_settings;
pub mod operator_settings;
pub mod outcome;
pub mod payment_to;
pub mod prior_disclosure;
pub mod profile;
pub mod provenance;
pub mod refusal;
pub mod regime;
pub mod regime_rules;
pub mod reminders;
pub mod requirements;
pub mod retention;
pub mod role;
pub mod state;
pub mod text;
pub mod transfer;
pub mod wareki;
