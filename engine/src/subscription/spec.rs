//! What a caller sets on a subscription: the one list of its fields.
//!
//! Everything else derives from this struct: the stored subscription flattens it, storage keeps
//! it as one JSON document, a [`super::SubscriptionPatch`] changes any of its fields by name, and
//! validation returns it wrapped ([`super::ValidSubscription`]). Adding a field is adding it
//! here (with its default) and where it is used: rows written before it existed read the default.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{ContentType, Header, Labels, PayloadFormat, DEFAULT_CHANNEL, DEFAULT_TIMEOUT_SECONDS};

/// A subscription's settings. Every field has a default, so a body names only what it sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SubscriptionSpec {
    pub name: String,
    pub url: String,
    pub description: String,
    pub enabled: bool,
    /// Seconds to wait for an answer, 1 to 30.
    pub timeout_seconds: u32,
    pub labels: Labels,
    /// Event types it receives (a trailing `*` is a prefix); empty: every type.
    pub event_types: Vec<String>,
    /// Event groups it receives; empty: every group.
    pub event_groups: Vec<String>,
    pub object_type: Option<String>,
    pub object_name: Option<String>,
    pub object_version: Option<String>,
    /// A filter on the event (see the README's filter language).
    pub filter: Option<Value>,
    /// Sent with every delivery; a protected header's value is never shown again.
    pub headers: Vec<Header>,
    pub content_type: ContentType,
    pub method: String,
    /// Whether failed deliveries are tried again.
    pub retry: bool,
    /// Whether UbiOps payloads carry the object's result.
    pub include_result: bool,
    /// The delivery service (`http` or a registered one) and its settings.
    pub channel: String,
    pub channel_config: Value,
    pub payload_format: PayloadFormat,
    /// At most this many deliveries per second.
    pub rate_limit: Option<u32>,
}

impl Default for SubscriptionSpec {
    fn default() -> Self {
        SubscriptionSpec {
            name: String::new(),
            url: String::new(),
            description: String::new(),
            enabled: true,
            timeout_seconds: DEFAULT_TIMEOUT_SECONDS,
            labels: Labels::new(),
            event_types: Vec::new(),
            event_groups: Vec::new(),
            object_type: None,
            object_name: None,
            object_version: None,
            filter: None,
            headers: Vec::new(),
            content_type: ContentType::default(),
            method: "POST".to_owned(),
            retry: true,
            include_result: false,
            channel: DEFAULT_CHANNEL.to_owned(),
            channel_config: Value::Object(Default::default()),
            payload_format: PayloadFormat::default(),
            rate_limit: None,
        }
    }
}
