//! Which subscriptions a list shows: the filters of `GET …/subscriptions` and of the dashboard.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{parse_labels, Author, Labels, PayloadFormat, Subscription};
use crate::{
    ids::UserId,
    matching::type_matches,
    page::{lenient, PageRequest},
    FieldErrors,
};

/// Filters of the subscription list; every one given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[serde(default)]
pub struct SubscriptionFilter {
    /// Exactly this name.
    pub name: Option<String>,
    /// Text found (case-insensitively) in the name, URL or description.
    pub query: Option<String>,
    /// `key:value` pairs, comma separated: the subscription carries all of them.
    pub label: Option<String>,
    /// Subscriptions that would receive an event of this type.
    pub event_type: Option<String>,
    /// Subscriptions that list exactly this event type (not a pattern or catch-all that covers it).
    pub lists_event_type: Option<String>,
    /// Only subscriptions scoped to objects of this type.
    pub object_type: Option<String>,
    /// Only enabled (`true`) or disabled (`false`) subscriptions.
    #[serde(deserialize_with = "lenient")]
    pub enabled: Option<bool>,
    /// Only failed (`true`) or healthy (`false`) subscriptions.
    #[serde(deserialize_with = "lenient")]
    pub failed: Option<bool>,
    /// Only subscriptions delivered through this channel.
    pub channel: Option<String>,
    /// Exactly this endpoint URL.
    pub url: Option<String>,
    /// `json` or `form`.
    pub content_type: Option<String>,
    /// Only subscriptions whose payloads take this envelope (`hookhub`, `waldur`, `wazo`, `ubiops`).
    pub payload_format: Option<PayloadFormat>,
    /// Created by this user (id).
    pub author_id: Option<UserId>,
    /// Created by the user with exactly this username.
    pub author_username: Option<String>,
    /// Created by the user with exactly this email.
    pub author_email: Option<String>,
    /// Created by a user whose full name contains this text.
    pub author_full_name: Option<String>,
    /// Created by a user whose full name, username or email contains this text.
    pub author_query: Option<String>,
    /// Delivered to at or after this time.
    pub delivered_since: Option<DateTime<Utc>>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", param(ignore))]
    pub page: PageRequest,
}

/// A validated [`SubscriptionFilter`], without its page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    name: Option<String>,
    query: Option<String>,
    labels: Labels,
    event_type: Option<String>,
    lists_event_type: Option<String>,
    object_type: Option<String>,
    enabled: Option<bool>,
    failed: Option<bool>,
    channel: Option<String>,
    url: Option<String>,
    content_type: Option<String>,
    payload_format: Option<PayloadFormat>,
    author_id: Option<UserId>,
    author_username: Option<String>,
    author_email: Option<String>,
    author_full_name: Option<String>,
    author_query: Option<String>,
    delivered_since: Option<DateTime<Utc>>,
}

impl SubscriptionFilter {
    pub fn selection(&self) -> Result<Selection, FieldErrors> {
        let given = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        let mut errors = FieldErrors::default();
        let labels = parse_labels(self.label.as_deref().unwrap_or_default()).unwrap_or_else(|e| {
            errors.add("label", e);
            Labels::new()
        });
        errors.into_result(Selection {
            name: given(&self.name),
            query: given(&self.query).map(|q| q.to_lowercase()),
            labels,
            event_type: given(&self.event_type),
            lists_event_type: given(&self.lists_event_type),
            object_type: given(&self.object_type),
            enabled: self.enabled,
            failed: self.failed,
            channel: given(&self.channel),
            url: given(&self.url),
            content_type: given(&self.content_type),
            payload_format: self.payload_format,
            author_id: self.author_id,
            author_username: given(&self.author_username),
            author_email: given(&self.author_email),
            author_full_name: given(&self.author_full_name).map(|n| n.to_lowercase()),
            author_query: given(&self.author_query).map(|q| q.to_lowercase()),
            delivered_since: self.delivered_since,
        })
    }
}

impl Selection {
    /// Whether the list shows `subscription`.
    pub fn admits(&self, subscription: &Subscription) -> bool {
        let s = subscription;
        let contains = |text: &str, query: &str| text.to_lowercase().contains(query);
        self.name.as_ref().is_none_or(|n| *n == s.spec.name)
            && self.query.as_ref().is_none_or(|q| {
                contains(&s.spec.name, q)
                    || contains(&s.spec.url, q)
                    || contains(&s.spec.description, q)
            })
            && self
                .labels
                .iter()
                .all(|(k, v)| s.spec.labels.get(k) == Some(v))
            && self.event_type.as_ref().is_none_or(|t| {
                s.spec.event_types.is_empty()
                    || s.spec.event_types.iter().any(|p| type_matches(p, t))
            })
            && self
                .lists_event_type
                .as_ref()
                .is_none_or(|t| s.spec.event_types.contains(t))
            && self
                .object_type
                .as_ref()
                .is_none_or(|t| s.spec.object_type.as_ref() == Some(t))
            && self.enabled.is_none_or(|e| e == s.spec.enabled)
            && self.failed.is_none_or(|f| f == s.failed)
            && self.channel.as_ref().is_none_or(|c| *c == s.spec.channel)
            && self.url.as_ref().is_none_or(|u| *u == s.spec.url)
            && self
                .content_type
                .as_ref()
                .is_none_or(|c| c == s.spec.content_type.as_str())
            && self
                .payload_format
                .is_none_or(|f| f == s.spec.payload_format)
            && self
                .delivered_since
                .is_none_or(|since| s.last_delivery_at.is_some_and(|at| at >= since))
            && self.admits_author(s.author.as_ref())
    }

    fn admits_author(&self, author: Option<&Author>) -> bool {
        let wanted = self.author_id.is_some()
            || self.author_username.is_some()
            || self.author_email.is_some()
            || self.author_full_name.is_some()
            || self.author_query.is_some();
        let Some(a) = author else {
            return !wanted;
        };
        let contains = |text: &str, part: &str| text.to_lowercase().contains(part);
        self.author_id.is_none_or(|id| id == a.id)
            && self
                .author_username
                .as_ref()
                .is_none_or(|u| *u == a.username)
            && self.author_email.as_ref().is_none_or(|e| *e == a.email)
            && self
                .author_full_name
                .as_ref()
                .is_none_or(|n| contains(&a.full_name, n))
            && self.author_query.as_ref().is_none_or(|q| {
                contains(&a.full_name, q) || contains(&a.username, q) || contains(&a.email, q)
            })
    }

    pub fn is_everything(&self) -> bool {
        *self == Selection::default()
    }
}
