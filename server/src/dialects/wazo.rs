//! The Wazo webhookd dialect (`/subscriptions`): a subscription names a `service` — one of the
//! engine's registered delivery channels — with a free-form `config`; `events` are event types
//! and `metadata` are labels. Deliveries use Wazo's payload `{name, origin_uuid, data}`, or the
//! `config.body` template (`{{ event_name }}`, `{{ event.<field> }}`, `{{ wazo_uuid }}`, …).
//!
//! As in Wazo, `name`, `service`, `config` and `events` are required (and `config.url` and
//! `config.method` for `http`), names may repeat, and errors are Wazo's
//! `{"reason", "message", "error_id", "details", "resource", "timestamp"}`.

use axum::{
    extract::{RawQuery, State},
    http::StatusCode,
    routing::get,
    Router,
};
use chrono::{DateTime, Duration, Utc};
use engine::{
    delivery::Attempt,
    ids::SubscriptionId,
    page::PageRequest,
    subscription::{
        ContentType, Labels, PayloadFormat, Subscription, SubscriptionFilter, SubscriptionPatch,
        SubscriptionSpec,
    },
    Engine, ErrorBody, FieldErrors,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::{
    body::{require, Body},
    shape::{nested, shaped, Shape, WHOLE_BODY},
};
use crate::{
    auth::Authenticated,
    error::ApiError,
    extract::{ApiJson, ApiPath, ApiQuery},
    state::AppState,
};

/// The MIME types Wazo names content types by, and the engine's names for them.
const CONTENT_TYPES: [(&str, ContentType); 2] = [
    ("application/json", ContentType::Json),
    ("application/x-www-form-urlencoded", ContentType::Form),
];
/// The methods Wazo's `http` service sends with.
const METHODS: [&str; 5] = ["head", "get", "post", "put", "delete"];
const HTTP: &str = "http";

/// wazo-webhookd's shape (xivo's `APIException`): invalid input is `invalid-data` with the
/// problems by field in `details`.
struct Wazo;

impl Shape for Wazo {
    const FIELD_NAMES: &'static [(&'static str, &'static str)] = &[
        ("url", "config.url"),
        ("method", "config.method"),
        ("content_type", "config.content_type"),
        ("channel_config", "config"),
        ("channel", "service"),
        ("event_types", "events"),
        ("labels", "metadata"),
        ("label", "search_metadata"),
        (WHOLE_BODY, "_schema"),
    ];

    fn body(error: &ErrorBody) -> Value {
        let invalid = matches!(
            error.code.as_str(),
            "validation_failed" | "invalid_body" | "invalid_query" | "malformed_json"
        );
        let (message, error_id) = match (invalid, error.code.as_str()) {
            (true, _) => ("Sent data is invalid".to_owned(), "invalid-data".to_owned()),
            (false, "not_found") => (error.detail.clone(), "no-such-subscription".to_owned()),
            (false, code) => (error.detail.clone(), code.replace('_', "-")),
        };
        let timestamp = Utc::now().timestamp_micros() as f64 / 1e6;
        json!({
            "reason": [message],
            "message": message,
            "error_id": error_id,
            "details": nested(&error.fields, |message| json!({ "message": message })),
            "resource": "subscriptions",
            "timestamp": timestamp,
        })
    }
}

pub fn router() -> Router<AppState> {
    shaped::<Wazo>(
        Router::new()
            .route("/subscriptions", get(list).post(create))
            .route("/subscriptions/services", get(services))
            .route(
                "/subscriptions/{uuid}",
                get(read).put(replace).delete(remove),
            )
            .route("/subscriptions/{uuid}/logs", get(logs)),
    )
}

/// A Wazo subscription as Wazo shows it.
#[derive(Serialize)]
struct WazoSubscription {
    uuid: SubscriptionId,
    name: String,
    service: String,
    config: Map<String, Value>,
    events: Vec<String>,
    metadata: Labels,
}

impl From<Subscription> for WazoSubscription {
    fn from(s: Subscription) -> Self {
        let mut config = s
            .spec
            .channel_config
            .as_object()
            .cloned()
            .unwrap_or_default();
        if s.spec.channel == HTTP {
            let verify = config.remove("verify_certificate") != Some(Value::Bool(false));
            let mime = CONTENT_TYPES
                .iter()
                .find(|(_, ours)| *ours == s.spec.content_type)
                .map_or("application/json", |(mime, _)| *mime);
            config.insert("url".into(), s.spec.url.into());
            config.insert("method".into(), s.spec.method.to_lowercase().into());
            config.insert("content_type".into(), mime.into());
            config.insert("verify_certificate".into(), verify.to_string().into());
        }
        WazoSubscription {
            uuid: s.id,
            name: s.spec.name,
            service: s.spec.channel,
            config,
            events: s.spec.event_types,
            metadata: s.spec.labels,
        }
    }
}

/// A Wazo subscription as a client sends it (POST and PUT alike).
#[derive(Deserialize, Default)]
#[serde(default)]
struct WazoSubscriptionIn {
    name: Option<String>,
    service: Option<String>,
    config: Option<Map<String, Value>>,
    events: Option<Vec<String>>,
    metadata: Labels,
}

/// What a subscription's `http` config sets, read out of `config`.
#[derive(Default)]
struct HttpSettings {
    url: String,
    method: String,
    content_type: ContentType,
}

impl WazoSubscriptionIn {
    /// Wazo's rules, then the engine's fields. For `http` the delivery settings come out of
    /// `config`; what is left there is the channel's own config, which the engine checks.
    fn into_spec(self) -> Result<SubscriptionSpec, FieldErrors> {
        let mut errors = FieldErrors::default();
        require(&mut errors, "name", self.name.is_some());
        require(&mut errors, "service", self.service.is_some());
        require(&mut errors, "config", self.config.is_some());
        require(&mut errors, "events", self.events.is_some());
        let service = self.service.unwrap_or_default();
        let mut config = self.config.unwrap_or_default();
        let http = match service == HTTP {
            true => http_settings(&mut config, &mut errors),
            false => HttpSettings::default(),
        };
        errors.into_result(SubscriptionSpec {
            name: self.name.unwrap_or_default(),
            url: http.url,
            method: http.method,
            content_type: http.content_type,
            channel: service,
            channel_config: Value::Object(config),
            event_types: self.events.unwrap_or_default(),
            labels: self.metadata,
            payload_format: PayloadFormat::Wazo,
            ..SubscriptionSpec::default()
        })
    }
}

/// Takes the `http` service's settings (all text in Wazo) out of `config`, checked as Wazo
/// checks them; the rest of `config` is the channel's own.
fn http_settings(config: &mut Map<String, Value>, errors: &mut FieldErrors) -> HttpSettings {
    let mut take = |key: &str| match config.remove(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text),
        Some(_) => {
            errors.add(format!("config.{key}"), "Not a valid string.");
            None
        }
    };
    let (url, method, content_type) = (take("url"), take("method"), take("content_type"));
    let (verify, body) = (take("verify_certificate"), take("body"));
    require(errors, "config.url", url.is_some());
    require(errors, "config.method", method.is_some());
    let method = method.map(|m| m.to_lowercase());
    if let Some(method) = method.as_deref().filter(|m| !METHODS.contains(m)) {
        errors.add(
            "config.method",
            format!("{method:?} is not one of {}", METHODS.join(", ")),
        );
    }
    if let Some(verify) = verify {
        match verify.as_str() {
            // A CA bundle's path means "verify", with the system's roots.
            "true" | "false" => {}
            path if path.starts_with('/') => {}
            _ => errors.add(
                "config.verify_certificate",
                "Wrong value for verify_certificate",
            ),
        }
        config.insert("verify_certificate".into(), Value::Bool(verify != "false"));
    }
    // An empty body means Wazo's default payload, as in Wazo.
    if let Some(body) = body.filter(|body| !body.is_empty()) {
        config.insert("body".into(), Value::String(body));
    }
    let content_type = match content_type {
        None => ContentType::default(),
        Some(mime) => CONTENT_TYPES
            .iter()
            .find(|(theirs, _)| *theirs == mime)
            .map(|(_, ours)| *ours)
            .unwrap_or_else(|| {
                errors.add("config.content_type", format!("{mime:?} is not supported"));
                ContentType::default()
            }),
    };
    HttpSettings {
        url: url.unwrap_or_default(),
        method: method.map(|m| m.to_uppercase()).unwrap_or_default(),
        content_type,
    }
}

#[derive(Serialize)]
struct Items<T> {
    items: Vec<T>,
    total: usize,
}

/// `search_metadata=key:value`, as often as needed (Wazo skips one without a colon); other
/// parameters are not filters.
fn metadata_filter(query: Option<&str>) -> Option<String> {
    let pairs: Vec<String> = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .filter(|(key, value)| key == "search_metadata" && value.contains(':'))
        .map(|(_, value)| value.into_owned())
        .collect();
    (!pairs.is_empty()).then(|| pairs.join(","))
}

async fn list(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    RawQuery(query): RawQuery,
) -> Result<ApiJson<Items<WazoSubscription>>, ApiError> {
    let project = engine.home_project(&caller).await?;
    let filter = SubscriptionFilter {
        label: metadata_filter(query.as_deref()),
        ..SubscriptionFilter::default()
    };
    let all = engine.all_subscriptions(&caller, &project, filter).await?;
    let items: Vec<WazoSubscription> = all.into_iter().map(Into::into).collect();
    Ok(ApiJson(Items {
        total: items.len(),
        items,
    }))
}

async fn create(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    Body(input): Body<WazoSubscriptionIn>,
) -> Result<(StatusCode, ApiJson<WazoSubscription>), ApiError> {
    let spec = input.into_spec()?;
    let project = engine.home_project(&caller).await?;
    // Wazo's clients give many subscriptions one name ("Push notification" per user).
    let created = engine
        .create_subscription_sharing_name(&caller, &project, spec)
        .await?;
    Ok((StatusCode::CREATED, ApiJson(created.into())))
}

async fn read(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<SubscriptionId>,
) -> Result<ApiJson<WazoSubscription>, ApiError> {
    let project = engine.home_project(&caller).await?;
    Ok(ApiJson(
        engine.get_subscription(&caller, &project, id).await?.into(),
    ))
}

/// PUT replaces the subscription with the body.
async fn replace(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<SubscriptionId>,
    Body(input): Body<WazoSubscriptionIn>,
) -> Result<ApiJson<WazoSubscription>, ApiError> {
    let spec = input.into_spec()?;
    // Everything a Wazo body describes; what it cannot (retries, timeouts …) stays.
    let patch = SubscriptionPatch::default()
        .set("name", spec.name)
        .set("url", spec.url)
        .set("method", spec.method)
        .set("content_type", spec.content_type)
        .set("channel", spec.channel)
        .set("channel_config", spec.channel_config)
        .set("event_types", spec.event_types)
        .set("labels", spec.labels);
    let project = engine.home_project(&caller).await?;
    let updated = engine
        .update_subscription(&caller, &project, id, patch)
        .await?;
    Ok(ApiJson(updated.into()))
}

async fn remove(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<SubscriptionId>,
) -> Result<StatusCode, ApiError> {
    let project = engine.home_project(&caller).await?;
    engine.delete_subscription(&caller, &project, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One try of a delivery, as Wazo's subscription log shows it.
#[derive(Serialize)]
struct LogEntry {
    uuid: String,
    status: &'static str,
    started_at: DateTime<Utc>,
    ended_at: DateTime<Utc>,
    attempts: u32,
    max_attempts: usize,
    event: Value,
    detail: Value,
}

async fn logs(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<SubscriptionId>,
    ApiQuery(page): ApiQuery<PageRequest>,
) -> Result<ApiJson<Items<LogEntry>>, ApiError> {
    let project = engine.home_project(&caller).await?;
    let max_attempts = engine.settings().retry.schedule.len() + 1;
    let attempts = engine.list_attempts(&caller, &project, id, page).await?;
    let items: Vec<LogEntry> = attempts
        .data
        .into_iter()
        .map(|a| log_entry(a, max_attempts))
        .collect();
    Ok(ApiJson(Items {
        total: items.len(),
        items,
    }))
}

fn log_entry(attempt: Attempt, max_attempts: usize) -> LogEntry {
    let status = match (attempt.response_status, &attempt.error_kind) {
        (Some(200..=299), None) => "success",
        (Some(_), _) => "failure",
        (None, _) => "error",
    };
    let took = Duration::milliseconds(attempt.duration_ms as i64);
    LogEntry {
        uuid: attempt.id.to_string(),
        status,
        started_at: attempt.created_at - took,
        ended_at: attempt.created_at,
        attempts: attempt.attempt_number,
        max_attempts,
        event: serde_json::json!({"delivery_id": attempt.delivery_id}),
        detail: serde_json::json!({
            "request_method": attempt.request_method,
            "request_url": attempt.request_url,
            "response_status": attempt.response_status,
            "response_body": attempt.response_body,
            "error": attempt.error_message,
        }),
    }
}

/// The registered delivery services, by name.
async fn services(State(engine): State<Engine>, Authenticated(_): Authenticated) -> ApiJson<Value> {
    let services: Map<String, Value> = engine
        .channels()
        .list()
        .into_iter()
        .map(|c| {
            (
                c.name.to_owned(),
                serde_json::json!({"description": c.description}),
            )
        })
        .collect();
    ApiJson(serde_json::json!({ "services": services }))
}
