//! Hookhub's engine: the one place where webhook rules live.
//!
//! Everything that talks to Hookhub — the native JSON API, the dialects, the dashboard's server
//! functions — is a thin adapter over this crate. Without features it holds the domain types and
//! their validation, which the browser build shares; the `server` feature adds storage and the
//! [`Engine`] that runs operations against it.

pub mod account;
pub mod catalogue;
pub mod decode;
pub mod delivery;
pub mod error;
pub mod event;
pub mod filter;
pub mod ids;
pub mod inbound;
pub mod live;
pub mod matching;
pub mod overview;
pub mod page;
pub mod probe;
pub mod subscription;
pub mod template;

#[cfg(feature = "server")]
mod bus;
#[cfg(feature = "server")]
pub mod channel;
#[cfg(feature = "server")]
pub mod credentials;
#[cfg(feature = "server")]
pub(crate) mod directory;
#[cfg(feature = "server")]
pub(crate) mod dispatch;
#[cfg(feature = "server")]
pub(crate) mod group_commit;
#[cfg(feature = "server")]
pub(crate) mod login_throttle;
#[cfg(feature = "server")]
pub(crate) mod metrics;
#[cfg(feature = "server")]
pub mod rate;
#[cfg(feature = "server")]
pub mod retry;
#[cfg(feature = "server")]
pub(crate) mod roster;
#[cfg(feature = "server")]
pub mod service;
#[cfg(feature = "server")]
pub mod settings;
#[cfg(feature = "server")]
pub mod signing;
#[cfg(feature = "server")]
pub mod ssrf;
#[cfg(feature = "server")]
pub(crate) mod store;

#[cfg(feature = "server")]
pub use dispatch::WorkerConfig;
pub use error::{EngineError, ErrorBody, FieldErrors};
#[cfg(feature = "server")]
pub use service::Engine;
