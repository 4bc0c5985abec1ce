//! On-demand endpoint tests: a test event sent right away to a subscription or a bare URL.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    ids::{SubscriptionId, TestId},
    subscription::{Header, PayloadFormat},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum TestStatus {
    Pending,
    /// The endpoint answered 2xx.
    Completed,
    Failed,
}

impl TestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TestStatus::Pending => "pending",
            TestStatus::Completed => "completed",
            TestStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> TestStatus {
        match text {
            "completed" => TestStatus::Completed,
            "failed" => TestStatus::Failed,
            _ => TestStatus::Pending,
        }
    }
}

/// What to test: a stored subscription, or a URL with the options a subscription would have.
///
/// Either way the test is signed like a delivery (Standard Webhooks headers): with the
/// subscription's secret, or for a bare URL with a secret made for this test alone, which the
/// test returns once.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct TestIn {
    pub subscription_id: Option<SubscriptionId>,
    pub url: Option<String>,
    /// The type of the test event (default `test`).
    pub event_type: Option<String>,
    pub headers: Vec<Header>,
    pub timeout_seconds: Option<u32>,
    pub object_type: Option<String>,
    pub object_name: Option<String>,
    pub object_version: Option<String>,
    /// The payload's envelope for a bare URL (`hookhub` by default), as a subscription's.
    pub payload_format: Option<PayloadFormat>,
    /// For a bare URL in UbiOps' envelope: whether the payload carries the object's result.
    pub include_result: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EndpointTest {
    pub id: TestId,
    pub status: TestStatus,
    pub response_status: Option<u16>,
    /// What the endpoint answered (capped), when it answered.
    pub response_body: Option<String>,
    pub error_message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    /// The secret a test of a bare URL was signed with (`whsec_…`), for the receiver to verify
    /// it; only in the answer that starts the test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}
