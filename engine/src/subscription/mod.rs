//! Webhook subscriptions: what a caller may send, and what every adapter gets back.
//!
//! [`spec`] is the one list of what a caller sets; [`validate`] holds the rules it must pass;
//! [`patch`] changes some of it; [`form`] reads the dashboard's text fields.

pub(crate) mod form;
mod listing;
mod patch;
mod spec;
mod validate;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use form::{format_labels, parse_labels, HeaderForm, SubscriptionForm};
pub use listing::{Selection, SubscriptionFilter};
pub use patch::SubscriptionPatch;
pub use spec::SubscriptionSpec;
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

        }
    };
}

text_enum!(ContentType { Json => "json", Form => "form" });
text_enum!(PayloadFormat { Hookhub => "hookhub", Waldur => "waldur", Wazo => "wazo", Ubiops => "ubiops" });

/// HTTP methods a delivery may use (`HEAD` for receivers that only need the headers, as Wazo
/// allows).
pub const METHODS: &[&str] = &["POST", "PUT", "PATCH", "GET", "DELETE", "HEAD"];

/// A stored subscription, as every adapter returns it (protected header values withheld): what
/// its caller set, and what Hookhub keeps about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Subscription {
    pub id: SubscriptionId,
    pub project: String,
    #[serde(flatten)]
    pub spec: SubscriptionSpec,
    /// Set when deliveries kept failing for the whole failure window; cleared by re-enabling.
    pub failed: bool,
    /// When its current run of failed attempts began (none since the last success).
    pub failing_since: Option<DateTime<Utc>>,
    pub disabled_reason: Option<String>,
    pub last_delivery_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// A short integer id, for APIs that name subscriptions by number.
    pub number: i64,
    /// The user who created it (absent if that user was deleted).
    pub author: Option<Author>,
    /// Whether its name is its own in the project (see [`Naming`]).
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

/// Whether a new subscription's name is its own in the project, which lets the name identify it
/// (the native API and UbiOps address subscriptions by name). APIs whose clients repeat names
/// (Wazo's create one "Push notification" per user) share names; such a subscription is never
/// found by name. Only an adapter decides it, never a request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    Unique,
    Shared,
}

impl Subscription {
    /// Whether its deliveries wait instead of going out: it is disabled or failed.
    pub fn holds_deliveries(&self) -> bool {
        !self.spec.enabled || self.failed
    }

    /// Its state in one word: `failed` (stopped after failing for the whole window), `disabled`,
    /// `failing` (its last attempts failed; it goes on trying) or `enabled`.
    pub fn state(&self) -> &'static str {
        match (self.failed, self.spec.enabled, self.failing_since.is_some()) {
            (true, ..) => "failed",
            (false, false, _) => "disabled",
            (false, true, true) => "failing",
            (false, true, false) => "enabled",
        }
    }
}

/// Builds stored-looking subscriptions for other modules' unit tests.
#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    pub fn subscription_from(valid: ValidSubscription) -> Subscription {
        let mut spec = valid.into_spec();
        spec.headers = spec.headers.iter().map(Header::redacted).collect();
        Subscription {
            id: SubscriptionId::generate(),
            project: "default".into(),
            spec,
            failed: false,
            failing_since: None,
            disabled_reason: None,
            last_delivery_at: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            number: 1,
            author: None,
            unique_name: true,
        }
    }

    #[test]
    fn a_state_in_one_word() {
        let valid = SubscriptionSpec {
            name: "s".into(),
            url: "https://example.com".into(),
            ..SubscriptionSpec::default()
        }
        .validate()
        .unwrap();
        let mut s = subscription_from(valid);
        assert_eq!(s.state(), "enabled");
        s.failing_since = Some(Utc::now());
        assert_eq!(s.state(), "failing");
        s.spec.enabled = false;
        assert_eq!(s.state(), "disabled");
        s.failed = true;
        assert_eq!(s.state(), "failed");
    }
}
