//! Typed identifiers, so a subscription id can never be passed where a project id is expected.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new, time-ordered id (UUID v7): ordering by id is ordering by creation.
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

typed_id!(
    /// Identifies a project, the unit of tenancy.
    ProjectId
);
typed_id!(
    /// Identifies a webhook subscription.
    SubscriptionId
);
typed_id!(
    /// Identifies an event; sent to receivers as `webhook-id`, stable across retries.
    EventId
);
typed_id!(
    /// Identifies one delivery of one event to one subscription.
    DeliveryId
);
typed_id!(
    /// Identifies one try of a delivery.
    AttemptId
);
typed_id!(
    /// Identifies an on-demand endpoint test.
    TestId
);
typed_id!(
    /// Identifies a user account.
    UserId
);
typed_id!(
    /// Identifies an API token (not the token itself, which is secret).
    TokenId
);
typed_id!(
    /// Identifies an object events are about, registered in a project (e.g. a service).
    ObjectId
);
typed_id!(
    /// Identifies an inbound handler. Its value is also the secret part of the handler's call
    /// URL, so new ones are fully random (v4), not time-ordered.
    HandlerId
);
