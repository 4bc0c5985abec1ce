//! The UbiOps dialect (`/v2.1/projects/{project_name}/webhooks[-tests]`): its field names and
//! status codes over the engine's subscriptions and endpoint tests.
//!
//! A UbiOps webhook is a subscription to one `event` about one object (`object_type`,
//! `object_name`, `version`), delivered in UbiOps' payload format; unlike Hookhub's default it is
//! not retried unless asked (`retry` defaults to false). Lists are bare arrays, never paged.

use axum::{
    extract::State,
    http::StatusCode,
    routing::{get, post},
    Router,
};
use chrono::{DateTime, Utc};
use engine::{
    ids::TestId,
    probe::{EndpointTest, TestIn},
    subscription::{
        Header, Labels, Subscription, SubscriptionFilter, SubscriptionIn, SubscriptionPatch,
    },
    Engine, EngineError,
};
use serde::{Deserialize, Serialize};

use crate::{
    auth::Authenticated,
    error::ApiError,
    extract::{ApiJson, ApiPath, ApiQuery},
    state::AppState,
};

/// UbiOps' names for the engine's fields, for validation messages.
const FIELD_NAMES: [(&str, &str); 5] = [
    ("timeout_seconds", "timeout"),
    ("event_types", "event"),
    ("event_type", "event"),
    ("object_version", "version"),
    ("label", "labels"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v2.1/projects/{project}/webhooks", get(list).post(create))
        .route(
            "/v2.1/projects/{project}/webhooks/{name}",
            get(read).patch(update).delete(remove),
        )
        .route("/v2.1/projects/{project}/webhooks-tests", post(start_test))
        .route(
            "/v2.1/projects/{project}/webhooks-tests/{id}",
            get(read_test),
        )
}

/// `WebhookDetail`.
#[derive(Serialize)]
struct Webhook {
    id: String,
    name: String,
    url: String,
    headers: Vec<Header>,
    object_type: Option<String>,
    object_name: Option<String>,
    version: Option<String>,
    description: String,
    labels: Labels,
    event: Option<String>,
    timeout: u32,
    enabled: bool,
    retry: bool,
    include_result: bool,
    creation_date: DateTime<Utc>,
    last_updated: DateTime<Utc>,
}

impl From<Subscription> for Webhook {
    fn from(s: Subscription) -> Self {
        Webhook {
            id: s.id.to_string(),
            name: s.name,
            url: s.url,
            headers: s.headers,
            object_type: s.object_type,
            object_name: s.object_name,
            version: s.object_version,
            description: s.description,
            labels: s.labels,
            event: s.event_types.into_iter().next(),
            timeout: s.timeout_seconds,
            enabled: s.enabled,
            retry: s.retry,
            include_result: s.include_result,
            creation_date: s.created_at,
            last_updated: s.updated_at,
        }
    }
}

/// `WebhookCreate` (and the fields `WebhookUpdate` shares with it).
#[derive(Deserialize, Default)]
#[serde(default)]
struct WebhookIn {
    name: Option<String>,
    url: Option<String>,
    headers: Option<Vec<Header>>,
    object_type: Option<String>,
    object_name: Option<String>,
    version: Option<String>,
    description: Option<String>,
    labels: Option<Labels>,
    event: Option<String>,
    timeout: Option<i64>,
    enabled: Option<bool>,
    retry: Option<bool>,
    include_result: Option<bool>,
}

impl WebhookIn {
    fn into_create(self) -> SubscriptionIn {
        SubscriptionIn {
            name: self.name.unwrap_or_default(),
            url: self.url.unwrap_or_default(),
            headers: self.headers.unwrap_or_default(),
            object_type: self.object_type,
            object_name: self.object_name,
            object_version: self.version,
            description: self.description.unwrap_or_default(),
            labels: self.labels.unwrap_or_default(),
            event_types: self.event.into_iter().collect(),
            timeout_seconds: self.timeout,
            enabled: self.enabled.unwrap_or(true),
            retry: self.retry.unwrap_or(false),
            include_result: self.include_result.unwrap_or(false),
            payload_format: Some("ubiops".into()),
            ..SubscriptionIn::default()
        }
    }

    fn into_patch(self) -> SubscriptionPatch {
        SubscriptionPatch {
            name: self.name,
            url: self.url,
            headers: self.headers,
            description: self.description,
            labels: self.labels,
            event_types: self.event.map(|event| vec![event]),
            timeout_seconds: self.timeout,
            enabled: self.enabled,
            retry: self.retry,
            include_result: self.include_result,
            ..SubscriptionPatch::default()
        }
    }
}

fn ubiops(error: EngineError) -> ApiError {
    error.renamed(&FIELD_NAMES).into()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    /// `key:value` pairs, comma separated.
    labels: Option<String>,
    object_type: Option<String>,
    event: Option<String>,
}

async fn list(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(project): ApiPath<String>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<ApiJson<Vec<Webhook>>, ApiError> {
    let filter = SubscriptionFilter {
        label: query.labels,
        object_type: query.object_type,
        event_type: query.event,
        ..SubscriptionFilter::default()
    };
    let all = engine
        .all_subscriptions(&caller, &project, filter)
        .await
        .map_err(ubiops)?;
    Ok(ApiJson(all.into_iter().map(Webhook::from).collect()))
}

async fn create(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(project): ApiPath<String>,
    ApiJson(input): ApiJson<WebhookIn>,
) -> Result<(StatusCode, ApiJson<Webhook>), ApiError> {
    let created = engine
        .create_subscription(&caller, &project, input.into_create())
        .await
        .map_err(ubiops)?;
    Ok((StatusCode::CREATED, ApiJson(created.into())))
}

async fn read(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, name)): ApiPath<(String, String)>,
) -> Result<ApiJson<Webhook>, ApiError> {
    let found = engine.subscription_named(&caller, &project, &name).await?;
    Ok(ApiJson(found.into()))
}

async fn update(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, name)): ApiPath<(String, String)>,
    ApiJson(input): ApiJson<WebhookIn>,
) -> Result<ApiJson<Webhook>, ApiError> {
    let id = engine
        .subscription_named(&caller, &project, &name)
        .await?
        .id;
    let updated = engine
        .update_subscription(&caller, &project, id, input.into_patch())
        .await
        .map_err(ubiops)?;
    Ok(ApiJson(updated.into()))
}

async fn remove(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, name)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let id = engine
        .subscription_named(&caller, &project, &name)
        .await?
        .id;
    engine.delete_subscription(&caller, &project, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `WebhookTestDetail`.
#[derive(Serialize)]
struct WebhookTest {
    id: TestId,
    status: engine::probe::TestStatus,
    error_message: Option<String>,
}

impl From<EndpointTest> for WebhookTest {
    fn from(test: EndpointTest) -> Self {
        WebhookTest {
            id: test.id,
            status: test.status,
            error_message: test.error_message,
        }
    }
}

async fn start_test(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(project): ApiPath<String>,
    ApiJson(input): ApiJson<WebhookIn>,
) -> Result<(StatusCode, ApiJson<WebhookTest>), ApiError> {
    let test = TestIn {
        url: input.url,
        event_type: input.event,
        headers: input.headers.unwrap_or_default(),
        timeout_seconds: input.timeout,
        object_type: input.object_type,
        object_name: input.object_name,
        object_version: input.version,
        subscription_id: None,
    };
    let started = engine
        .start_test(&caller, &project, test)
        .await
        .map_err(ubiops)?;
    Ok((StatusCode::CREATED, ApiJson(started.into())))
}

async fn read_test(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, id)): ApiPath<(String, TestId)>,
) -> Result<ApiJson<WebhookTest>, ApiError> {
    Ok(ApiJson(
        engine.get_test(&caller, &project, id).await?.into(),
    ))
}
