//! Webhook subscriptions: what a caller may send, and what every adapter gets back.
//!
//! [`validate`] holds the rules an input must pass; [`form`] reads the dashboard's text fields.

mod form;
mod listing;
mod validate;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use form::{format_labels, parse_labels, HeaderForm, SubscriptionForm};
pub use listing::{Selection, SubscriptionFilter};
pub use validate::*;

use crate::ids::{SubscriptionId, UserId};

/// Free-form `key → value` tags, e.g. `env → prod`.
pub type Labels = BTreeMap<String, String>;

/// An extra HTTP header sent with every delivery. A `protected` header's value is stored but never
/// shown again: responses carry `null` in its place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Header {
    pub key: String,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub protected: bool,
}

impl Header {
    /// The header as responses show it: a protected value is withheld.
    pub fn redacted(&self) -> Header {
        Header {
            value: if self.protected {
                None
            } else {
                self.value.clone()
            },
            ..self.clone()
        }
    }
}

/// How the payload is encoded in the request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ContentType {
    #[default]
    Json,
    /// `application/x-www-form-urlencoded` with the same fields.
    Form,
}

/// Which envelope the payload is wrapped in: Hookhub's own, or the one a seed system sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum PayloadFormat {
    /// `{id, type, group, object, data, message, timestamp}`
    #[default]
    Hookhub,
    /// Waldur's `{timestamp, message, type, context, levelname}`
    Waldur,
    /// Wazo's `{name, origin_uuid, data}`
    Wazo,
    /// UbiOps' `{event, object_type, object_name, version, timestamp[, result]}`
    Ubiops,
}

macro_rules! text_enum {
    ($name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<$name> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

text_enum!(ContentType { Json => "json", Form => "form" });
text_enum!(PayloadFormat { Hookhub => "hookhub", Waldur => "waldur", Wazo => "wazo", Ubiops => "ubiops" });

/// HTTP methods a delivery may use (`HEAD` for receivers that only need the headers, as Wazo
/// allows).
pub const METHODS: &[&str] = &["POST", "PUT", "PATCH", "GET", "DELETE", "HEAD"];

/// A stored subscription, as every adapter returns it (protected header values withheld).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Subscription {
    pub id: SubscriptionId,
    pub project: String,
    pub name: String,
    pub url: String,
    pub description: String,
    pub enabled: bool,
    pub timeout_seconds: u32,
    pub labels: Labels,
    pub event_types: Vec<String>,
    pub event_groups: Vec<String>,
    pub object_type: Option<String>,
    pub object_name: Option<String>,
    pub object_version: Option<String>,
    pub filter: Option<Value>,
    pub headers: Vec<Header>,
    pub content_type: ContentType,
    pub method: String,
    pub retry: bool,
    pub include_result: bool,
    pub channel: String,
    pub channel_config: Value,
    pub payload_format: PayloadFormat,
    pub rate_limit: Option<u32>,
    /// Set when deliveries kept failing for the whole failure window; cleared by re-enabling.
    pub failed: bool,
    pub disabled_reason: Option<String>,
    pub last_delivery_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// A short integer id, for APIs that name subscriptions by number.
    pub number: i64,
    /// The user who created it (absent if that user was deleted).
    pub author: Option<Author>,
    /// Whether its name is its own in the project (see [`SubscriptionIn::unique_name`]).
    pub unique_name: bool,
}

/// Who created a subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Author {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub email: String,
}

/// A request to create a subscription, not yet validated.
///
/// Every field has a default so that a missing field is reported by [`SubscriptionIn::validate`]
/// next to the others, instead of failing deserialisation on the first one. Enumerations are
/// text here for the same reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SubscriptionIn {
    pub name: String,
    pub url: String,
    pub description: String,
    pub enabled: bool,
    pub timeout_seconds: Option<i64>,
    pub labels: Labels,
    pub event_types: Vec<String>,
    pub event_groups: Vec<String>,
    pub object_type: Option<String>,
    pub object_name: Option<String>,
    pub object_version: Option<String>,
    pub filter: Option<Value>,
    pub headers: Vec<Header>,
    pub content_type: Option<String>,
    pub method: Option<String>,
    pub retry: bool,
    pub include_result: bool,
    pub channel: Option<String>,
    pub channel_config: Option<Value>,
    pub payload_format: Option<String>,
    pub rate_limit: Option<i64>,
    /// Whether no other subscription in the project may have the same name, which lets the name
    /// identify it (the native API and UbiOps address subscriptions by name). APIs whose clients
    /// repeat names (Wazo's create one "Push notification" per user) set `false`; such a
    /// subscription is never found by name. Not part of any request body: only an adapter
    /// decides it.
    #[serde(skip, default = "unique_by_default")]
    pub unique_name: bool,
}

fn unique_by_default() -> bool {
    true
}

impl Default for SubscriptionIn {
    fn default() -> Self {
        SubscriptionIn {
            name: String::new(),
            url: String::new(),
            description: String::new(),
            enabled: true,
            timeout_seconds: None,
            labels: Labels::new(),
            event_types: Vec::new(),
            event_groups: Vec::new(),
            object_type: None,
            object_name: None,
            object_version: None,
            filter: None,
            headers: Vec::new(),
            content_type: None,
            method: None,
            retry: true,
            include_result: false,
            channel: None,
            channel_config: None,
            payload_format: None,
            rate_limit: None,
            unique_name: true,
        }
    }
}

/// A partial update: absent fields keep their stored value. For the optional fields, `null`
/// clears the value (`Some(None)`) while absence keeps it (`None`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SubscriptionPatch {
    pub name: Option<String>,
    pub url: Option<String>,
    pub description: Option<String>,
    pub enabled: Option<bool>,
    pub timeout_seconds: Option<i64>,
    pub labels: Option<Labels>,
    pub event_types: Option<Vec<String>>,
    pub event_groups: Option<Vec<String>>,
    #[serde(deserialize_with = "present")]
    pub object_type: Option<Option<String>>,
    #[serde(deserialize_with = "present")]
    pub object_name: Option<Option<String>>,
    #[serde(deserialize_with = "present")]
    pub object_version: Option<Option<String>>,
    #[serde(deserialize_with = "present")]
    pub filter: Option<Option<Value>>,
    /// A protected header sent without a value keeps its stored value.
    pub headers: Option<Vec<Header>>,
    pub content_type: Option<String>,
    pub method: Option<String>,
    pub retry: Option<bool>,
    pub include_result: Option<bool>,
    pub channel: Option<String>,
    pub channel_config: Option<Value>,
    pub payload_format: Option<String>,
    #[serde(deserialize_with = "present")]
    pub rate_limit: Option<Option<i64>>,
}

/// Tells a field sent as `null` (`Some(None)`) from one not sent at all (`None`, the default).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

impl Subscription {
    /// Whether its deliveries wait instead of going out: it is disabled or failed.
    pub fn holds_deliveries(&self) -> bool {
        !self.enabled || self.failed
    }

    /// The full input this subscription would have after `patch`, ready to be validated again.
    /// `stored_headers` are the headers with their values in clear, which responses withhold.
    pub fn patched(&self, patch: SubscriptionPatch, stored_headers: &[Header]) -> SubscriptionIn {
        let headers = match patch.headers {
            None => stored_headers.to_vec(),
            Some(headers) => headers
                .into_iter()
                .map(|header| keep_protected_value(header, stored_headers))
                .collect(),
        };
        SubscriptionIn {
            name: patch.name.unwrap_or_else(|| self.name.clone()),
            url: patch.url.unwrap_or_else(|| self.url.clone()),
            description: patch
                .description
                .unwrap_or_else(|| self.description.clone()),
            enabled: patch.enabled.unwrap_or(self.enabled),
            timeout_seconds: Some(
                patch
                    .timeout_seconds
                    .unwrap_or(i64::from(self.timeout_seconds)),
            ),
            labels: patch.labels.unwrap_or_else(|| self.labels.clone()),
            event_types: patch
                .event_types
                .unwrap_or_else(|| self.event_types.clone()),
            event_groups: patch
                .event_groups
                .unwrap_or_else(|| self.event_groups.clone()),
            object_type: patch
                .object_type
                .unwrap_or_else(|| self.object_type.clone()),
            object_name: patch
                .object_name
                .unwrap_or_else(|| self.object_name.clone()),
            object_version: patch
                .object_version
                .unwrap_or_else(|| self.object_version.clone()),
            filter: patch.filter.unwrap_or_else(|| self.filter.clone()),
            headers,
            content_type: Some(
                patch
                    .content_type
                    .unwrap_or_else(|| self.content_type.as_str().to_owned()),
            ),
            method: Some(patch.method.unwrap_or_else(|| self.method.clone())),
            retry: patch.retry.unwrap_or(self.retry),
            include_result: patch.include_result.unwrap_or(self.include_result),
            channel: Some(patch.channel.unwrap_or_else(|| self.channel.clone())),
            channel_config: Some(
                patch
                    .channel_config
                    .unwrap_or_else(|| self.channel_config.clone()),
            ),
            payload_format: Some(
                patch
                    .payload_format
                    .unwrap_or_else(|| self.payload_format.as_str().to_owned()),
            ),
            rate_limit: patch.rate_limit.unwrap_or(self.rate_limit.map(i64::from)),
            unique_name: self.unique_name,
        }
    }
}

/// A protected header sent back without a value keeps the value stored under the same key.
fn keep_protected_value(header: Header, stored: &[Header]) -> Header {
    if header.value.is_some() || !header.protected {
        return header;
    }
    let value = stored
        .iter()
        .find(|s| s.key.eq_ignore_ascii_case(&header.key))
        .and_then(|s| s.value.clone());
    Header { value, ..header }
}

/// Builds stored-looking subscriptions for other modules' unit tests.
#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    pub fn subscription_from(valid: ValidSubscription) -> Subscription {
        Subscription {
            id: SubscriptionId::generate(),
            project: "default".into(),
            name: valid.name,
            url: valid.url,
            description: valid.description,
            enabled: valid.enabled,
            timeout_seconds: valid.timeout_seconds,
            labels: valid.labels,
            event_types: valid.event_types,
            event_groups: valid.event_groups,
            object_type: valid.object_type,
            object_name: valid.object_name,
            object_version: valid.object_version,
            filter: valid.filter,
            headers: valid.headers.iter().map(Header::redacted).collect(),
            content_type: valid.content_type,
            method: valid.method,
            retry: valid.retry,
            include_result: valid.include_result,
            channel: valid.channel,
            channel_config: valid.channel_config,
            payload_format: valid.payload_format,
            rate_limit: valid.rate_limit,
            failed: false,
            disabled_reason: None,
            last_delivery_at: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            number: 1,
            author: None,
            unique_name: valid.unique_name,
        }
    }
}
