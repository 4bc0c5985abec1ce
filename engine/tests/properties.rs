//! Property tests: the filter language and input validation hold up against any input — they
//! answer (a verdict, or field errors), and never panic.

use engine::{
    event::EventIn,
    filter::{try_on_sample, Filter},
    subscription::{format_labels, parse_labels, SubscriptionPatch},
};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Any JSON value, nested a few levels, with keys that look like filter syntax now and then.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    let key = prop_oneof![
        Just("$and".to_owned()),
        Just("$or".to_owned()),
        Just("$not".to_owned()),
        Just("$eq".to_owned()),
        Just("$gte".to_owned()),
        Just("$in".to_owned()),
        Just("$regex".to_owned()),
        Just("$exists".to_owned()),
        Just("for_all".to_owned()),
        Just("data.amount".to_owned()),
        "[a-z.]{1,10}",
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..5)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn any_filter_document_is_parsed_or_refused_and_judges_any_event(
        filter in json_value(),
        event in json_value(),
    ) {
        if let Ok(parsed) = Filter::parse(&filter) {
            let matches = parsed.matches(&event);
            // The explanation is given exactly when the event does not match.
            prop_assert_eq!(parsed.explain(&event).is_none(), matches);
        }
    }

    #[test]
    fn the_try_out_answers_any_text(filter in ".{0,64}", sample in ".{0,64}") {
        match try_on_sample(&filter, &sample) {
            Ok(verdict) => prop_assert!(!verdict.reason.is_empty()),
            Err(errors) => prop_assert!(errors.get("filter").is_some() || errors.get("sample").is_some()),
        }
    }

    #[test]
    fn subscription_validation_never_panics(
        name in ".{0,80}",
        url in prop_oneof![".{0,40}", "https://[a-z]{1,12}\\.example/[a-z/]{0,12}"],
        timeout in proptest::option::of(any::<i64>()),
        rate_limit in proptest::option::of(any::<i64>()),
        event_types in prop::collection::vec(".{0,20}", 0..4),
        filter in proptest::option::of(json_value()),
        method in proptest::option::of(".{0,8}"),
    ) {
        // The way a body arrives: a patch of the defaults, then the rules.
        let input = SubscriptionPatch::default()
            .set("name", name)
            .set("url", url)
            .set("timeout_seconds", timeout)
            .set("rate_limit", rate_limit)
            .set("event_types", event_types)
            .set("filter", filter)
            .set("method", method)
            .into_spec();
        if let Ok(valid) = input.and_then(|spec| spec.validate()) {
            prop_assert!((1..=30).contains(&valid.timeout_seconds));
            prop_assert!(!valid.name.trim().is_empty());
        }
    }

    #[test]
    fn event_validation_never_panics(
        event_type in ".{0,140}",
        data in json_value(),
        message in ".{0,64}",
    ) {
        let input = EventIn { event_type, data: Some(data), message, ..EventIn::default() };
        if let Ok(valid) = input.validate("") {
            prop_assert!(engine::event::is_event_name(&valid.event_type));
        }
    }

    #[test]
    fn labels_written_back_read_the_same(
        labels in prop::collection::btree_map("[a-z][a-z0-9_-]{0,8}", "[a-z0-9_-]{1,8}", 0..5),
    ) {
        prop_assert_eq!(parse_labels(&format_labels(&labels)).unwrap(), labels);
    }
}

#[test]
fn the_documented_example_filter_matches_as_documented() {
    let filter = Filter::parse(
        &json!({"data.amount": {"$gte": 100}, "$or": [{"type": "order.paid"}, {"data.vip": true}]}),
    )
    .unwrap();
    assert!(filter.matches(&json!({"type": "order.paid", "data": {"amount": 100}})));
    assert!(!filter.matches(&json!({"type": "order.created", "data": {"amount": 100}})));
}
