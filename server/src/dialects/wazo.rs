//! The Wazo webhookd dialect (`/subscriptions`): a subscription names a `service` — one of the
//! engine's registered delivery channels — with a free-form `config`; `events` are event types
//! and `metadata` are labels. Deliveries use Wazo's payload `{name, origin_uuid, data}`, or the
//! `config.body` template (`{{ event_name }}`, `{{ event.<field> }}`, `{{ wazo_uuid }}`, …).

use axum::{extract::State, http::StatusCode, routing::get, Router};
use chrono::{DateTime, Duration, Utc};
use engine::{
    delivery::Attempt,
    ids::SubscriptionId,
    page::PageRequest,
    subscription::{Labels, Subscription, SubscriptionFilter, SubscriptionIn, SubscriptionPatch},
    Engine, EngineError,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{
    auth::Authenticated,
    error::ApiError,
    extract::{ApiJson, ApiPath, ApiQuery},
    state::AppState,
};

/// Wazo's names for the engine's fields, for validation messages.
const FIELD_NAMES: [(&str, &str); 7] = [
    ("url", "config.url"),
    ("method", "config.method"),
    ("content_type", "config.content_type"),
    ("channel_config", "config"),
    ("channel", "service"),
    ("event_types", "events"),
    ("labels", "metadata"),
];
/// The MIME types Wazo names content types by, and the engine's names for them.
const CONTENT_TYPES: [(&str, &str); 2] = [
    ("application/json", "json"),
    ("application/x-www-form-urlencoded", "form"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/subscriptions", get(list).post(create))
        .route("/subscriptions/services", get(services))
        .route(
            "/subscriptions/{uuid}",
            get(read).put(replace).delete(remove),
        )
        .route("/subscriptions/{uuid}/logs", get(logs))
}

/// A Wazo subscription, in and out.
#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
struct WazoSubscription {
    #[serde(skip_deserializing)]
    uuid: Option<SubscriptionId>,
    name: String,
    service: String,
    config: Map<String, Value>,
    events: Vec<String>,
    metadata: Labels,
}

impl From<Subscription> for WazoSubscription {
    fn from(s: Subscription) -> Self {
        let mut config = s.channel_config.as_object().cloned().unwrap_or_default();
        if s.channel == "http" {
            let verify = config.remove("verify_certificate") != Some(Value::Bool(false));
            let mime = CONTENT_TYPES
                .iter()
                .find(|(_, ours)| *ours == s.content_type.as_str())
                .map_or("application/json", |(mime, _)| *mime);
            config.insert("url".into(), s.url.into());
            config.insert("method".into(), s.method.to_lowercase().into());
            config.insert("content_type".into(), mime.into());
            config.insert("verify_certificate".into(), verify.to_string().into());
        }
        WazoSubscription {
            uuid: Some(s.id),
            name: s.name,
            service: s.channel,
            config,
            events: s.event_types,
            metadata: s.labels,
        }
    }
}

impl WazoSubscription {
    /// The engine's fields. For `http` the delivery settings come out of `config`; what is left
    /// there is the channel's own config, which the engine checks.
    fn into_input(self) -> SubscriptionIn {
        let mut config = self.config;
        let text = |config: &mut Map<String, Value>, key: &str| match config.remove(key) {
            Some(Value::String(text)) => Some(text),
            Some(other) => Some(other.to_string()),
            None => None,
        };
        let (mut url, mut method, mut content_type) = (String::new(), None, None);
        if self.service == "http" {
            url = text(&mut config, "url").unwrap_or_default();
            method = text(&mut config, "method").map(|m| m.to_uppercase());
            content_type = text(&mut config, "content_type").map(|mime| {
                CONTENT_TYPES
                    .iter()
                    .find(|(theirs, _)| *theirs == mime)
                    .map_or(mime.clone(), |(_, ours)| (*ours).to_owned())
            });
            if let Some(verify) = text(&mut config, "verify_certificate") {
                config.insert("verify_certificate".into(), Value::Bool(verify != "false"));
            }
            // An empty body means Wazo's default payload, as in Wazo.
            if config.get("body").and_then(Value::as_str) == Some("") {
                config.remove("body");
            }
        }
        SubscriptionIn {
            name: self.name,
            url,
            method,
            content_type,
            channel: Some(self.service),
            channel_config: Some(Value::Object(config)),
            event_types: self.events,
            labels: self.metadata,
            payload_format: Some("wazo".into()),
            ..SubscriptionIn::default()
        }
    }
}

fn wazo(error: EngineError) -> ApiError {
    error.renamed(&FIELD_NAMES).into()
}

#[derive(Serialize)]
struct Items<T> {
    items: Vec<T>,
    total: usize,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    /// `key:value` pairs the subscription's metadata must hold.
    search_metadata: Option<String>,
}

async fn list(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<ApiJson<Items<WazoSubscription>>, ApiError> {
    let project = engine.home_project(&caller).await?;
    let filter = SubscriptionFilter {
        label: query.search_metadata,
        ..SubscriptionFilter::default()
    };
    let all = engine
        .all_subscriptions(&caller, &project, filter)
        .await
        .map_err(|e| e.renamed(&[("label", "search_metadata")]))?;
    let items: Vec<WazoSubscription> = all.into_iter().map(Into::into).collect();
    Ok(ApiJson(Items {
        total: items.len(),
        items,
    }))
}

async fn create(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiJson(input): ApiJson<WazoSubscription>,
) -> Result<(StatusCode, ApiJson<WazoSubscription>), ApiError> {
    let project = engine.home_project(&caller).await?;
    let input = input.into_input();
    let created = engine
        .create_subscription(&caller, &project, input)
        .await
        .map_err(wazo)?;
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
    ApiJson(input): ApiJson<WazoSubscription>,
) -> Result<ApiJson<WazoSubscription>, ApiError> {
    let project = engine.home_project(&caller).await?;
    let SubscriptionIn {
        name,
        url,
        method,
        content_type,
        channel,
        channel_config,
        event_types,
        labels,
        ..
    } = input.into_input();
    let patch = SubscriptionPatch {
        name: Some(name),
        url: Some(url),
        method,
        content_type,
        channel,
        channel_config,
        event_types: Some(event_types),
        labels: Some(labels),
        ..SubscriptionPatch::default()
    };
    let updated = engine
        .update_subscription(&caller, &project, id, patch)
        .await
        .map_err(wazo)?;
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
