//! The request body of a delivery: the event in the subscription's envelope and encoding.

use serde_json::{json, Map, Value};

use crate::{
    event::Event,
    ids::ProjectId,
    subscription::{ContentType, PayloadFormat, SubscriptionSpec},
    template,
};

/// A rendered body and the `Content-Type` it is sent with.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// `origin` identifies where the event came from, for envelopes that carry it (Wazo's
/// `origin_uuid`): the project's id.
pub fn render(spec: &SubscriptionSpec, event: &Event, origin: ProjectId) -> Body {
    if let Some(Value::String(template)) = spec.channel_config.get("body") {
        return Body {
            content_type: mime(spec.content_type),
            bytes: template::render(template, &template_context(event, origin)).into_bytes(),
        };
    }
    let fields = envelope(spec, event, origin);
    let bytes = match spec.content_type {
        ContentType::Json => serde_json::to_vec(&Value::Object(fields)).unwrap_or_default(),
        ContentType::Form => form_encode(&fields).into_bytes(),
    };
    Body {
        content_type: mime(spec.content_type),
        bytes,
    }
}

fn mime(content_type: ContentType) -> &'static str {
    match content_type {
        ContentType::Json => "application/json",
        ContentType::Form => "application/x-www-form-urlencoded",
    }
}

/// What a body template can name.
fn template_context(event: &Event, origin: ProjectId) -> Value {
    json!({
        "event_name": event.event_type,
        "event_id": event.id,
        "event": event.data,
        "object": event.object,
        "group": event.group,
        "message": event.message,
        "level": event.level,
        "timestamp": event.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "wazo_uuid": origin,
    })
}

fn envelope(spec: &SubscriptionSpec, event: &Event, origin: ProjectId) -> Map<String, Value> {
    let timestamp = event
        .occurred_at
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let object = event.object.as_ref();
    let value = match spec.payload_format {
        PayloadFormat::Hookhub => json!({
            "id": event.id,
            "type": event.event_type,
            "group": event.group,
            "object": event.object,
            "data": event.data,
            "message": event.message,
            "level": event.level,
            "timestamp": timestamp,
        }),
        PayloadFormat::Waldur => json!({
            // As Waldur's logger writes it: UTC without a zone, in microseconds.
            "timestamp": event.occurred_at.naive_utc().format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
            "message": event.message,
            "type": event.event_type,
            "context": event.data,
            "levelname": event.level.to_ascii_uppercase(),
        }),
        PayloadFormat::Wazo => json!({
            "name": event.event_type,
            "origin_uuid": origin,
            "data": event.data,
        }),
        PayloadFormat::Ubiops => {
            let mut body = json!({
                "event": event.event_type,
                "object_type": object.map(|o| &o.kind),
                "object_name": object.and_then(|o| o.name.as_ref()),
                "version": object.and_then(|o| o.version.as_ref()),
                "timestamp": timestamp,
                "message": event.message,
            });
            if spec.include_result {
                body["result"] = event.data.get("result").cloned().unwrap_or(Value::Null);
            }
            body
        }
    };
    match value {
        Value::Object(fields) => fields,
        _ => Map::new(),
    }
}

/// One form field per top-level field: text as is, anything else as its JSON text.
fn form_encode(fields: &Map<String, Value>) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in fields {
        match value {
            Value::String(text) => form.append_pair(key, text),
            Value::Null => form.append_pair(key, ""),
            other => form.append_pair(key, &other.to_string()),
        };
    }
    form.finish()
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use serde_json::json;

    use super::*;
    use crate::{event::ObjectRef, ids::EventId};

    fn subscription(
        payload_format: PayloadFormat,
        content_type: ContentType,
        include_result: bool,
    ) -> SubscriptionSpec {
        SubscriptionSpec {
            payload_format,
            content_type,
            include_result,
            ..SubscriptionSpec::default()
        }
    }

    fn event() -> Event {
        Event {
            id: EventId::generate(),
            project: "p".into(),
            event_type: "deployment_request_finished".into(),
            group: None,
            object: Some(ObjectRef {
                kind: "deployment".into(),
                name: Some("api".into()),
                version: Some("v1".into()),
            }),
            data: json!({"result": {"ok": true}, "n": 1}),
            message: "done".into(),
            level: "info".into(),
            occurred_at: Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap(),
            idempotency_key: None,
            created_at: Utc::now(),
            schema_errors: None,
        }
    }

    fn json_of(body: Body) -> Value {
        assert_eq!(body.content_type, "application/json");
        serde_json::from_slice(&body.bytes).unwrap()
    }

    #[test]
    fn hookhub_envelope() {
        let event = event();
        let body = json_of(render(
            &subscription(PayloadFormat::Hookhub, ContentType::Json, false),
            &event,
            ProjectId::generate(),
        ));
        assert_eq!(body["id"], json!(event.id));
        assert_eq!(body["type"], "deployment_request_finished");
        assert_eq!(body["object"]["name"], "api");
        assert_eq!(body["timestamp"], "2026-11-23T12:00:00.000Z");
    }

    #[test]
    fn waldur_envelope() {
        let body = json_of(render(
            &subscription(PayloadFormat::Waldur, ContentType::Json, false),
            &event(),
            ProjectId::generate(),
        ));
        let keys: Vec<_> = body.as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            keys,
            ["context", "levelname", "message", "timestamp", "type"]
        );
        assert_eq!(body["levelname"], "INFO");
        assert_eq!(body["context"]["n"], 1);
        assert_eq!(
            body["timestamp"], "2026-11-23T12:00:00.000000",
            "the seed's form: 2015-07-14T12:12:56.000000"
        );
    }

    #[test]
    fn wazo_envelope_names_the_origin() {
        let origin = ProjectId::generate();
        let body = json_of(render(
            &subscription(PayloadFormat::Wazo, ContentType::Json, false),
            &event(),
            origin,
        ));
        assert_eq!(
            body,
            json!({"name": "deployment_request_finished", "origin_uuid": origin, "data": {"result": {"ok": true}, "n": 1}})
        );
    }

    #[test]
    fn ubiops_envelope_includes_the_result_only_when_asked() {
        let without = json_of(render(
            &subscription(PayloadFormat::Ubiops, ContentType::Json, false),
            &event(),
            ProjectId::generate(),
        ));
        assert!(without.get("result").is_none());
        assert_eq!(without["object_name"], "api");
        let with = json_of(render(
            &subscription(PayloadFormat::Ubiops, ContentType::Json, true),
            &event(),
            ProjectId::generate(),
        ));
        assert_eq!(with["result"], json!({"ok": true}));
    }

    #[test]
    fn form_encoding_carries_the_same_fields() {
        let body = render(
            &subscription(PayloadFormat::Waldur, ContentType::Form, false),
            &event(),
            ProjectId::generate(),
        );
        assert_eq!(body.content_type, "application/x-www-form-urlencoded");
        let pairs: std::collections::BTreeMap<String, String> =
            url::form_urlencoded::parse(&body.bytes)
                .into_owned()
                .collect();
        assert_eq!(pairs["type"], "deployment_request_finished");
        assert_eq!(pairs["levelname"], "INFO");
        assert_eq!(
            serde_json::from_str::<Value>(&pairs["context"]).unwrap()["n"],
            1
        );
    }
}
