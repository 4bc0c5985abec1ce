//! The Hookhub server: the native JSON API and the dashboard on one axum router.
//!
//! `main.rs` parses the command line; everything it starts is here so that integration tests can
//! run the same server in-process on port 0.

// The dashboard's pages are laid out here at their full view types (server builds keep them
// concrete), which nest deeper than the default limit.
#![recursion_limit = "256"]

pub mod accounts;
pub mod api;
pub mod auth;
pub mod client;
pub mod config;
pub mod dialects;
pub mod docs;
pub mod error;
pub mod extract;
pub mod ops;
pub mod rate_limit;
pub mod request_log;
pub mod security_headers;
pub mod session;
pub mod startup;
pub mod state;
pub mod transfer;
