//! Requests submitted online: the step-by-step draft, submission, e-mail confirmation, receipt.

pub mod draft;
pub mod person;
pub mod staff_entry;
pub mod submit;

#[cfg(test)]
mod draft_store_tests;
