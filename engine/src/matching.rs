//! Which subscriptions an event goes to: the one rule, tested on its own.

use std::sync::Arc;

use serde_json::Value;

use crate::{
    event::{Event, OPERATIONAL_GROUP},
    filter::Filter,
    subscription::Subscription,
};

/// A subscription ready to judge events: its filter parsed once, not per event.
#[derive(Debug, Clone)]
pub struct Receiver {
    pub subscription: Arc<Subscription>,
    /// `Err` says why the stored filter cannot be used (it was saved under other rules, or
    /// changed behind Hookhub's back): such a subscription receives nothing until it is fixed.
    filter: Result<Option<Filter>, String>,
}

impl Receiver {
    pub fn new(subscription: impl Into<Arc<Subscription>>) -> Receiver {
        let subscription = subscription.into();
        let filter = subscription
            .spec
            .filter
            .as_ref()
            .map(Filter::parse)
            .transpose();
        Receiver {
            subscription,
            filter,
        }
    }

    /// Why the subscription's filter cannot be used, if it cannot.
    pub fn broken_filter(&self) -> Option<&str> {
        self.filter.as_ref().err().map(String::as_str)
    }

    /// Whether `event` (with its `document`, see [`Event::document`]) goes to this subscription.
    /// Fails closed: a filter that cannot be used matches nothing.
    pub fn wants(&self, event: &Event, document: &Value) -> bool {
        match &self.filter {
            Ok(filter) => matches(&self.subscription, filter.as_ref(), event, document),
            Err(_) => false,
        }
    }

    /// Whether its deliveries wait instead of going out (see [`Subscription::holds_deliveries`]).
    pub fn holds(&self) -> bool {
        self.subscription.holds_deliveries()
    }
}

/// Whether `event` must be delivered to `subscription`. (Whether it goes out now or is held
/// while the subscription is disabled or failed is not this rule's business: see
/// [`Receiver::holds`].)
///
/// - its selection holds: with no event types and no groups it takes everything; otherwise the
///   event's type matches one of `event_types` (`*` and a trailing `prefix.*` are wildcards) or
///   its group is one of `event_groups` (Waldur's groups stand for sets of types). Hookhub's own
///   reports (group `hookhub`) go only to subscriptions that name them: by that group, or by a
///   type pattern other than the bare `*`;
/// - every object scope field it sets equals the event's;
/// - its payload filter, if any, holds against the event's `document`. `filter` is the
///   subscription's filter, parsed once by the caller.
pub fn matches(
    subscription: &Subscription,
    filter: Option<&Filter>,
    event: &Event,
    document: &Value,
) -> bool {
    selects(subscription, event)
        && in_scope(subscription, event)
        && filter.is_none_or(|f| f.matches(document))
}

fn selects(subscription: &Subscription, event: &Event) -> bool {
    let (types, groups) = (
        &subscription.spec.event_types,
        &subscription.spec.event_groups,
    );
    let named_only = event.group.as_deref() == Some(OPERATIONAL_GROUP);
    (types.is_empty() && groups.is_empty() && !named_only)
        || types
            .iter()
            .filter(|pattern| !(named_only && pattern.as_str() == "*"))
            .any(|pattern| type_matches(pattern, &event.event_type))
        || event.group.as_ref().is_some_and(|g| groups.contains(g))
}

/// `*` matches every type; `deployment.*` every type starting with `deployment.`.
pub fn type_matches(pattern: &str, event_type: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => event_type.starts_with(prefix),
        None => pattern == event_type,
    }
}

fn in_scope(subscription: &Subscription, event: &Event) -> bool {
    let object = event.object.as_ref();
    let scope = [
        (&subscription.spec.object_type, object.map(|o| &o.kind)),
        (
            &subscription.spec.object_name,
            object.and_then(|o| o.name.as_ref()),
        ),
        (
            &subscription.spec.object_version,
            object.and_then(|o| o.version.as_ref()),
        ),
    ];
    scope
        .iter()
        .all(|(wanted, actual)| wanted.as_ref().is_none_or(|w| Some(w) == *actual))
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use serde_json::json;

    use super::*;
    use crate::{
        event::ObjectRef,
        ids::EventId,
        subscription::{test_support::subscription_from, SubscriptionSpec},
    };

    fn subscription(tweak: impl FnOnce(&mut SubscriptionSpec)) -> Subscription {
        let mut input = SubscriptionSpec {
            name: "s".into(),
            url: "https://example.com".into(),
            ..SubscriptionSpec::default()
        };
        tweak(&mut input);
        subscription_from(input.validate().unwrap())
    }

    fn event() -> Event {
        Event {
            id: EventId::generate(),
            project: "p".into(),
            event_type: "deployment.created".into(),
            group: Some("deployments".into()),
            object: Some(ObjectRef {
                kind: "deployment".into(),
                name: Some("api".into()),
                version: Some("v2".into()),
            }),
            data: json!({"amount": 5}),
            message: String::new(),
            level: "info".into(),
            occurred_at: Utc::now(),
            idempotency_key: None,
            created_at: Utc::now(),
            schema_errors: None,
        }
    }

    fn check(subscription: &Subscription) -> bool {
        let event = event();
        Receiver::new(subscription.clone()).wants(&event, &event.document())
    }

    #[test]
    fn an_unselective_subscription_takes_everything() {
        assert!(check(&subscription(|_| {})));
    }

    #[test]
    fn disabled_or_failed_subscriptions_still_match_and_hold_their_deliveries() {
        let mut s = subscription(|s| s.enabled = false);
        assert!(check(&s));
        assert!(Receiver::new(s.clone()).holds());
        s.spec.enabled = true;
        s.failed = true;
        assert!(check(&s));
        assert!(Receiver::new(s.clone()).holds());
        s.failed = false;
        assert!(!Receiver::new(s).holds());
    }

    #[test]
    fn a_filter_that_cannot_be_used_fails_closed() {
        let mut s = subscription(|_| {});
        s.spec.filter = Some(json!({"data.amount": {"$bogus": 1}}));
        let receiver = Receiver::new(s);
        assert!(receiver.broken_filter().unwrap().contains("$bogus"));
        let event = event();
        assert!(!receiver.wants(&event, &event.document()));
    }

    #[test]
    fn event_types_exact_and_wildcard() {
        for (types, expected) in [
            (vec!["deployment.created"], true),
            (vec!["deployment.deleted"], false),
            (vec!["deployment.*"], true),
            (vec!["pipeline.*", "deployment.*"], true),
            (vec!["deploy*"], true),
            (vec!["*"], true),
            (vec!["pipeline.*"], false),
            (vec!["deployment"], false),
        ] {
            let s = subscription(|s| s.event_types = types.iter().map(|t| t.to_string()).collect());
            assert_eq!(check(&s), expected, "{types:?}");
        }
    }

    #[test]
    fn groups_select_alongside_types() {
        assert!(check(&subscription(
            |s| s.event_groups = vec!["deployments".into()]
        )));
        assert!(!check(&subscription(
            |s| s.event_groups = vec!["users".into()]
        )));
        assert!(check(&subscription(|s| {
            s.event_types = vec!["other".into()];
            s.event_groups = vec!["deployments".into()];
        })));
    }

    #[test]
    fn hookhubs_own_reports_go_only_to_subscriptions_that_name_them() {
        let report = Event {
            event_type: "delivery.exhausted".into(),
            group: Some(OPERATIONAL_GROUP.into()),
            object: None,
            ..event()
        };
        let check = |s: &Subscription| matches(s, None, &report, &report.document());
        assert!(!check(&subscription(|_| {})));
        assert!(!check(&subscription(|s| s.event_types = vec!["*".into()])));
        assert!(check(&subscription(
            |s| s.event_types = vec!["delivery.*".into()]
        )));
        assert!(check(&subscription(
            |s| s.event_types = vec!["delivery.exhausted".into()]
        )));
        assert!(check(&subscription(
            |s| s.event_groups = vec![OPERATIONAL_GROUP.into()]
        )));
    }

    #[test]
    fn object_scope_must_equal_where_set() {
        assert!(check(&subscription(
            |s| s.object_type = Some("deployment".into())
        )));
        assert!(!check(&subscription(
            |s| s.object_type = Some("pipeline".into())
        )));
        assert!(check(&subscription(|s| {
            s.object_name = Some("api".into());
            s.object_version = Some("v2".into());
        })));
        assert!(!check(&subscription(
            |s| s.object_version = Some("v1".into())
        )));
    }

    #[test]
    fn the_payload_filter_must_hold() {
        assert!(check(&subscription(
            |s| s.filter = Some(json!({"data.amount": {"$gt": 1}}))
        )));
        assert!(!check(&subscription(
            |s| s.filter = Some(json!({"data.amount": {"$gt": 9}}))
        )));
        assert!(check(&subscription(
            |s| s.filter = Some(json!({"for_all": ["deployment"]}))
        )));
    }
}
