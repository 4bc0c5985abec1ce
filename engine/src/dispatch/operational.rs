//! Operational events: Hookhub reports on its own deliveries into the same project, so they can
//! be subscribed to like any other event (group `hookhub`).

use serde_json::json;

use crate::{
    dispatch::life::Next,
    event::{EventIn, ObjectRef},
    store::attempts::NewAttempt,
    subscription::Subscription,
};

/// The group of every operational event. Deliveries of these events report nothing themselves,
/// so a failing subscriber to them cannot set off a loop.
pub use crate::event::OPERATIONAL_GROUP as GROUP;

/// What one recorded attempt means for operators.
pub fn events_for(
    subscription: &Subscription,
    attempt: &NewAttempt,
    event_id: &str,
    next: Next,
    turned_failed: bool,
) -> Vec<EventIn> {
    let delivery = json!({
        "delivery_id": attempt.delivery,
        "event_id": event_id,
        "subscription_id": subscription.id,
        "attempts": attempt.number,
        "last_status_code": attempt.response_status,
        "last_error": attempt.error.as_ref().map(|(_, message)| message),
    });
    let mut events = Vec::new();
    let mut add = |event_type: &str, level: &str, message: String, data| {
        events.push(EventIn {
            event_type: event_type.to_owned(),
            group: Some(GROUP.to_owned()),
            object: Some(ObjectRef {
                kind: "subscription".into(),
                name: Some(subscription.spec.name.clone()),
                version: None,
            }),
            data: Some(data),
            message,
            level: Some(level.to_owned()),
            ..EventIn::default()
        })
    };
    if next == Next::Failed {
        add(
            "delivery.exhausted",
            "error",
            format!("a delivery to {} failed for good", subscription.spec.name),
            delivery.clone(),
        );
    }
    if next == Next::Succeeded && attempt.number > 1 {
        add(
            "delivery.recovered",
            "info",
            format!(
                "a delivery to {} succeeded after failing",
                subscription.spec.name
            ),
            delivery.clone(),
        );
    }
    if turned_failed {
        add(
            "subscription.disabled",
            "critical",
            format!("{} was marked failed", subscription.spec.name),
            delivery,
        );
    }
    events
}
