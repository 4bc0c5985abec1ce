//! Deliveries (one per event and matching subscription) and their attempts, as adapters show them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AttemptId, DeliveryId, EventId, SubscriptionId};

/// The most deliveries one bulk retry names.
pub const RETRY_MAX_IDS: usize = 1000;
/// The longest search text of the delivery list (an event id, an idempotency key or a piece of
/// payload): longer is refused rather than scanned for.
pub const SEARCH_MAX_CHARS: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// Waiting for its next attempt.
    Pending,
    /// Claimed by a worker that is sending it now.
    Sending,
    Succeeded,
    /// No attempts left (or retries are off) and the last one failed.
    Failed,
    /// Dropped without sending: its subscription or event is gone, or a person discarded it.
    Cancelled,
    /// Waiting, not attempted, while its subscription is disabled or failed; pending again
    /// (in order) once the subscription is enabled.
    Held,
}

impl DeliveryStatus {
    pub const ALL: &'static [DeliveryStatus] = &[
        DeliveryStatus::Pending,
        DeliveryStatus::Sending,
        DeliveryStatus::Succeeded,
        DeliveryStatus::Failed,
        DeliveryStatus::Cancelled,
        DeliveryStatus::Held,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Sending => "sending",
            DeliveryStatus::Succeeded => "succeeded",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Cancelled => "cancelled",
            DeliveryStatus::Held => "held",
        }
    }

    pub fn parse(text: &str) -> Option<DeliveryStatus> {
        DeliveryStatus::ALL
            .iter()
            .copied()
            .find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    pub id: DeliveryId,
    pub event_id: EventId,
    /// The event's type, so that a list says what each delivery carries.
    pub event_type: String,
    pub subscription_id: SubscriptionId,
    /// The subscription's name, as it is now.
    pub subscription_name: String,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// A manual replay: never retried automatically.
    pub manual: bool,
    pub last_status_code: Option<u16>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A bulk retry: the deliveries to make due now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetryMany {
    /// 1 to 1000 delivery ids of the project; repeats count once.
    pub ids: Vec<DeliveryId>,
}

/// What a bulk retry did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetriedMany {
    /// How many deliveries were made due now (one manual attempt each).
    pub queued: u64,
    /// Deliveries a worker was sending at that moment: left alone, as a single retry would.
    pub skipped: Vec<DeliveryId>,
    /// Ids that name no delivery of this project.
    pub not_found: Vec<DeliveryId>,
}

/// Why an attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Timeout,
    Connect,
    Tls,
    /// The target resolved to an address the SSRF policy refuses.
    RefusedByPolicy,
    /// The receiver answered, but not with 2xx.
    HttpStatus,
    /// A delivery channel other than HTTP failed.
    Channel,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Timeout => "timeout",
            ErrorKind::Connect => "connect",
            ErrorKind::Tls => "tls",
            ErrorKind::RefusedByPolicy => "refused_by_policy",
            ErrorKind::HttpStatus => "http_status",
            ErrorKind::Channel => "channel",
        }
    }

    pub fn parse(text: &str) -> Option<ErrorKind> {
        [
            ErrorKind::Timeout,
            ErrorKind::Connect,
            ErrorKind::Tls,
            ErrorKind::RefusedByPolicy,
            ErrorKind::HttpStatus,
            ErrorKind::Channel,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }
}

/// One HTTP header as recorded in the attempt log.
pub type HeaderPair = (String, String);

/// One try of a delivery: what was sent and what came back (bodies capped).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attempt {
    pub id: AttemptId,
    pub delivery_id: DeliveryId,
    pub subscription_id: SubscriptionId,
    pub attempt_number: u32,
    pub worker: String,
    pub request_url: String,
    pub request_method: String,
    /// Protected header values are masked.
    /// `[name, value]` pairs, in the order sent.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub request_headers: Vec<HeaderPair>,
    pub request_body: String,
    pub response_status: Option<u16>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<Vec<String>>>))]
    pub response_headers: Option<Vec<HeaderPair>>,
    pub response_body: Option<String>,
    pub error_kind: Option<ErrorKind>,
    pub error_message: Option<String>,
    pub duration_ms: u64,
    pub created_at: DateTime<Utc>,
}

/// A delivery with its full attempt log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryDetail {
    #[serde(flatten)]
    pub delivery: Delivery,
    pub attempts_log: Vec<Attempt>,
}

/// A registered delivery channel (a delivery service) as the API and the dashboard list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelInfo {
    pub name: String,
    pub description: String,
    /// Each `channel_config` key with what it means.
    pub config: std::collections::BTreeMap<String, String>,
}
