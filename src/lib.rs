//! Madoguchi (窓口): a server-rendered service through which an organisation in Japan receives
//! and handles requests about the personal information it holds.
//!
//! Layers, bottom up: [`domain`] (pure rules), [`db`] (diesel over SQLite or PostgreSQL),
//! [`service`] (use cases in transactions), [`web`] (actix handlers and askama pages), wired
//! together by [`startup`] from a [`config::Config`].

pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod i18n;
pub mod mail;
pub mod pdf;
pub mod secrets;
pub mod service;
pub mod startup;
pub mod storage;
pub mod telemetry;
pub mod web;
