//! The UbiOps dialect (`/v2.1/projects/{project_name}/webhooks[-tests]`): its field names and
//! status codes over the engine's subscriptions and endpoint tests.
//!
//! A UbiOps webhook is a subscription to one `event` about one object (`object_type`,
//! `object_name`, `version`), delivered in UbiOps' payload format; unlike Hookhub's default it is
//! not retried unless asked (`retry` defaults to false). Its name identifies it, so names are
//! unique. Lists are bare arrays, never paged. Errors are UbiOps' `{"error": "…"}`.

use axum::{
    extract::State,
    http::StatusCode,
    routing::{get, post},
    Router,
};
use chrono::{DateTime, Utc};
use engine::{
    account::Caller,
    ids::TestId,
    probe::{EndpointTest, TestIn},
    subscription::{
        Header, Labels, PayloadFormat, Subscription, SubscriptionFilter, SubscriptionPatch,
        SubscriptionSpec,
    },
    Engine, ErrorBody, FieldErrors,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{
    body::{require, Body},
    shape::{sentence, shaped, Shape},
};
use crate::{
    auth::Authenticated,
    error::ApiError,
    extract::{ApiJson, ApiPath, ApiQuery},
    state::AppState,
};

/// UbiOps' shape: `{"error": "…"}`.
struct Ubiops;

impl Shape for Ubiops {
    const FIELD_NAMES: &'static [(&'static str, &'static str)] = &[
        ("timeout_seconds", "timeout"),
        ("event_types", "event"),
        ("event_type", "event"),
        ("object_version", "version"),
        ("label", "labels"),
    ];

    fn body(error: &ErrorBody) -> Value {
        json!({ "error": sentence(error) })
    }
}

pub fn router() -> Router<AppState> {
    shaped::<Ubiops>(
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
            ),
    )
}

/// The kinds of object UbiOps has webhooks for; anything else is refused.
#[derive(Serialize, Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum ObjectType {
    Deployment,
    Pipeline,
}

impl ObjectType {
    fn as_str(self) -> &'static str {
        match self {
            ObjectType::Deployment => "deployment",
            ObjectType::Pipeline => "pipeline",
        }
    }
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
            name: s.spec.name,
            url: s.spec.url,
            headers: s.spec.headers,
            object_type: s.spec.object_type,
            object_name: s.spec.object_name,
            version: s.spec.object_version,
            description: s.spec.description,
            labels: s.spec.labels,
            event: s.spec.event_types.into_iter().next(),
            timeout: s.spec.timeout_seconds,
            enabled: s.spec.enabled,
            retry: s.spec.retry,
            include_result: s.spec.include_result,
            creation_date: s.created_at,
            last_updated: s.updated_at,
        }
    }
}

/// `WebhookCreate`, `WebhookUpdate` and `WebhookTestCreate`: their fields are one set.
#[derive(Deserialize, Default)]
#[serde(default)]
struct WebhookIn {
    name: Option<String>,
    url: Option<String>,
    headers: Option<Vec<Header>>,
    object_type: Option<ObjectType>,
    object_name: Option<String>,
    version: Option<String>,
    description: Option<String>,
    labels: Option<Labels>,
    event: Option<String>,
    timeout: Option<u32>,
    enabled: Option<bool>,
    retry: Option<bool>,
    include_result: Option<bool>,
}

impl WebhookIn {
    /// What a webhook and a webhook test both require: the object and event they are about.
    fn missing_subject(&self) -> FieldErrors {
        let mut errors = FieldErrors::default();
        require(&mut errors, "object_type", self.object_type.is_some());
        require(&mut errors, "object_name", self.object_name.is_some());
        require(&mut errors, "event", self.event.is_some());
        errors
    }

    fn into_create(self) -> Result<SubscriptionSpec, FieldErrors> {
        let mut errors = self.missing_subject();
        require(&mut errors, "name", self.name.is_some());
        require(&mut errors, "url", self.url.is_some());
        errors.into_result(())?;
        let defaults = SubscriptionSpec::default();
        Ok(SubscriptionSpec {
            name: self.name.unwrap_or_default(),
            url: self.url.unwrap_or_default(),
            headers: self.headers.unwrap_or_default(),
            object_type: self.object_type.map(|t| t.as_str().to_owned()),
            object_name: self.object_name,
            object_version: self.version,
            description: self.description.unwrap_or_default(),
            labels: self.labels.unwrap_or_default(),
            event_types: self.event.into_iter().collect(),
            timeout_seconds: self.timeout.unwrap_or(defaults.timeout_seconds),
            enabled: self.enabled.unwrap_or(true),
            retry: self.retry.unwrap_or(false),
            include_result: self.include_result.unwrap_or(false),
            payload_format: PayloadFormat::Ubiops,
            ..defaults
        })
    }

    /// `WebhookUpdate` has no object fields: a webhook stays about its object.
    fn into_patch(self) -> SubscriptionPatch {
        SubscriptionPatch::default()
            .set_given("name", self.name)
            .set_given("url", self.url)
            .set_given("headers", self.headers)
            .set_given("description", self.description)
            .set_given("labels", self.labels)
            .set_given("event_types", self.event.map(|event| vec![event]))
            .set_given("timeout_seconds", self.timeout)
            .set_given("enabled", self.enabled)
            .set_given("retry", self.retry)
            .set_given("include_result", self.include_result)
    }

    /// A test of the URL given, or — Hookhub's addition — of the webhook `name` names, which
    /// signs it with that webhook's secret.
    async fn into_test(
        self,
        engine: &Engine,
        caller: &Caller,
        project: &str,
    ) -> Result<TestIn, ApiError> {
        let mut errors = self.missing_subject();
        require(
            &mut errors,
            "url",
            self.url.is_some() || self.name.is_some(),
        );
        errors.into_result(())?;
        let subscription_id = match &self.name {
            Some(name) => Some(engine.subscription_named(caller, project, name).await?.id),
            None => None,
        };
        Ok(TestIn {
            subscription_id,
            url: self.url,
            event_type: self.event,
            headers: self.headers.unwrap_or_default(),
            timeout_seconds: self.timeout,
            object_type: self.object_type.map(|t| t.as_str().to_owned()),
            object_name: self.object_name,
            object_version: self.version,
            payload_format: Some(PayloadFormat::Ubiops),
            include_result: self.include_result.unwrap_or(false),
        })
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    /// `key:value` pairs, comma separated.
    labels: Option<String>,
    object_type: Option<ObjectType>,
    event: Option<String>,
}

async fn list(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(project): ApiPath<String>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<ApiJson<Vec<Webhook>>, ApiError> {
    // UbiOps lists its webhooks (subscriptions in its envelope), and `event` names a webhook's
    // own event rather than any subscription that would receive it.
    let filter = SubscriptionFilter {
        label: query.labels,
        object_type: query.object_type.map(|t| t.as_str().to_owned()),
        lists_event_type: query.event,
        payload_format: Some(PayloadFormat::Ubiops),
        ..SubscriptionFilter::default()
    };
    let all = engine.all_subscriptions(&caller, &project, filter).await?;
    Ok(ApiJson(all.into_iter().map(Webhook::from).collect()))
}

async fn create(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(project): ApiPath<String>,
    Body(input): Body<WebhookIn>,
) -> Result<(StatusCode, ApiJson<Webhook>), ApiError> {
    let created = engine
        .create_subscription(&caller, &project, input.into_create()?)
        .await?;
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
    Body(input): Body<WebhookIn>,
) -> Result<ApiJson<Webhook>, ApiError> {
    let id = engine
        .subscription_named(&caller, &project, &name)
        .await?
        .id;
    let updated = engine
        .update_subscription(&caller, &project, id, input.into_patch())
        .await?;
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

/// `WebhookTestDetail`, and (when the test starts) the secret a test of a bare URL is signed
/// with: UbiOps' client reads the fields it knows and leaves the others.
#[derive(Serialize)]
struct WebhookTest {
    id: TestId,
    status: engine::probe::TestStatus,
    error_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
}

impl From<EndpointTest> for WebhookTest {
    fn from(test: EndpointTest) -> Self {
        WebhookTest {
            id: test.id,
            status: test.status,
            error_message: test.error_message,
            secret: test.secret,
        }
    }
}

async fn start_test(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(project): ApiPath<String>,
    Body(input): Body<WebhookIn>,
) -> Result<(StatusCode, ApiJson<WebhookTest>), ApiError> {
    let test = input.into_test(&engine, &caller, &project).await?;
    let started = engine.start_test(&caller, &project, test).await?;
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
