//! Delivery channels: how a rendered delivery leaves Hookhub. `http` is one; others register by
//! name through the [`Channel`] trait (the Wazo "service" idea), and a subscription names one.

mod http;
mod log;

use std::{collections::BTreeMap, future::Future, pin::Pin, sync::Arc, time::Duration};

use serde_json::Value;

pub use self::http::HttpChannel;
pub use self::log::LogChannel;
use crate::{
    delivery::{ErrorKind, HeaderPair},
    ids::ProjectId,
};

/// Response bodies are kept up to this size in the attempt log.
pub const RESPONSE_BODY_CAP: usize = 16 * 1024;
/// Request bodies are kept up to this size in the attempt log (the event itself is kept whole).
pub const REQUEST_BODY_CAP: usize = 64 * 1024;

/// One delivery, ready to go out.
#[derive(Debug, Clone)]
pub struct Outbound {
    /// The project the delivery is for: channels that keep something per tenant keep it apart.
    pub project: ProjectId,
    pub url: String,
    pub method: String,
    /// Values in clear, for the receiver only.
    pub headers: Vec<HeaderPair>,
    /// The same headers with protected values masked: what logs and the attempt log may show.
    pub logged_headers: Vec<HeaderPair>,
    pub body: Vec<u8>,
    pub timeout: Duration,
    /// The subscription's `channel_config`, already checked by [`Channel::check_config`].
    pub config: Value,
}

/// What came of sending it.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub status: Option<u16>,
    pub headers: Vec<HeaderPair>,
    /// Capped at [`RESPONSE_BODY_CAP`].
    pub body: String,
    /// `None` means delivered.
    pub error: Option<(ErrorKind, String)>,
    /// The receiver's `Retry-After`, if any.
    pub retry_after: Option<Duration>,
}

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

pub trait Channel: Send + Sync + 'static {
    /// The name subscriptions use to pick this channel.
    fn name(&self) -> &'static str;
    /// One line for people choosing a channel.
    fn description(&self) -> &'static str;
    /// The keys `channel_config` may hold, with what each means.
    fn config_keys(&self) -> &'static [(&'static str, &'static str)];
    /// Refuses a `channel_config` this channel cannot work with, saying why.
    fn check_config(&self, config: &Value) -> Result<(), String>;
    fn deliver<'a>(&'a self, request: &'a Outbound) -> BoxFuture<'a, Outcome>;
}

pub use crate::delivery::ChannelInfo;

/// The channels this process can deliver through, by name.
#[derive(Clone, Default)]
pub struct Channels(BTreeMap<&'static str, Arc<dyn Channel>>);

impl Channels {
    pub fn register(&mut self, channel: impl Channel) {
        self.0.insert(channel.name(), Arc::new(channel));
    }

    pub fn get(&self, name: &str) -> Option<&Arc<dyn Channel>> {
        self.0.get(name)
    }

    pub fn list(&self) -> Vec<ChannelInfo> {
        self.0
            .values()
            .map(|c| ChannelInfo {
                name: c.name().to_owned(),
                description: c.description().to_owned(),
                config: c
                    .config_keys()
                    .iter()
                    .map(|(key, meaning)| ((*key).to_owned(), (*meaning).to_owned()))
                    .collect(),
            })
            .collect()
    }

    /// Checks that `name` is registered and accepts `config`; the reason names the field.
    pub fn check(&self, name: &str, config: &Value) -> Result<(), (&'static str, String)> {
        let channel = self.get(name).ok_or_else(|| {
            let known = self.0.keys().copied().collect::<Vec<_>>().join(", ");
            (
                "channel",
                format!("unknown channel {name:?} (registered: {known})"),
            )
        })?;
        channel
            .check_config(config)
            .map_err(|e| ("channel_config", e))
    }
}

impl std::fmt::Debug for Channels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

/// Accepts an object whose keys are all in `keys`; the checks of each value are the caller's.
fn only_keys<'a>(
    config: &'a Value,
    keys: &[(&str, &str)],
) -> Result<&'a serde_json::Map<String, Value>, String> {
    let object = config.as_object().ok_or("must be a JSON object")?;
    match object
        .keys()
        .find(|k| !keys.iter().any(|(known, _)| known == k))
    {
        Some(unknown) => Err(format!("unknown key {unknown:?}")),
        None => Ok(object),
    }
}
