//! The notifier dialect (`/hooks`): hooks with integer ids, a `callback_url` that must answer a
//! ping before it is registered or re-activated, a payload `filter` (e.g.
//! `{"for_all": ["node"]}`), an `active` pause switch and the engine's `failed` flag.
//!
//! The notifier answers invalid input with 400 Bad Request; its documentation shows no error
//! body, so errors keep Hookhub's `{code, detail, fields}` in the notifier's field names.

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::IntoResponse,
    routing::{get, post},
    Router,
};
use engine::{
    account::Caller,
    subscription::{Subscription, SubscriptionFilter, SubscriptionPatch, SubscriptionSpec},
    Engine, ErrorBody,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::{
    base_url,
    body::Body,
    shape::{shaped, Shape},
};
use crate::{
    auth::Authenticated,
    error::ApiError,
    extract::{ApiJson, ApiPath},
    state::AppState,
};

/// Hookhub's error body, with 400 for invalid input.
struct Notifier;

impl Shape for Notifier {
    const FIELD_NAMES: &'static [(&'static str, &'static str)] =
        &[("url", "callback_url"), ("enabled", "active")];

    fn body(error: &ErrorBody) -> Value {
        json!(error)
    }
}

pub fn router() -> Router<AppState> {
    shaped::<Notifier>(
        Router::new()
            .route("/hooks", get(list).post(create))
            .route("/hooks/{id}", get(read).patch(update).delete(remove))
            .route("/hooks/{id}/pings", post(ping)),
    )
}

#[derive(Serialize)]
struct Hook {
    id: i64,
    callback_url: String,
    filter: Option<Value>,
    active: bool,
    failed: bool,
}

impl From<Subscription> for Hook {
    fn from(s: Subscription) -> Self {
        Hook {
            id: s.number,
            callback_url: s.spec.url,
            filter: s.spec.filter,
            active: s.spec.enabled,
            failed: s.failed,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HookIn {
    callback_url: Option<String>,
    /// `Some(None)` when sent as `null`: a PATCH that way removes the filter.
    #[serde(deserialize_with = "given")]
    filter: Option<Option<Value>>,
    active: Option<bool>,
}

/// Tells a field sent as `null` (`Some(None)`) from one left out (`None`, the default).
fn given<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<Value>>, D::Error> {
    Option::<Value>::deserialize(deserializer).map(Some)
}

async fn list(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
) -> Result<ApiJson<Vec<Hook>>, ApiError> {
    let project = engine.home_project(&caller).await?;
    let all = engine
        .all_subscriptions(&caller, &project, SubscriptionFilter::default())
        .await?;
    Ok(ApiJson(all.into_iter().map(Hook::from).collect()))
}

/// Pings `callback_url` first: 400 unless it answers 200 OK, else 201 with the hook's `Location`.
async fn create(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    headers: axum::http::HeaderMap,
    Body(input): Body<HookIn>,
) -> Result<impl IntoResponse, ApiError> {
    let project = engine.home_project(&caller).await?;
    let subscription = SubscriptionSpec {
        name: format!("hook-{}", Uuid::new_v4().simple()),
        url: input.callback_url.unwrap_or_default(),
        filter: input.filter.flatten(),
        enabled: input.active.unwrap_or(true),
        ..SubscriptionSpec::default()
    };
    let created = engine
        .create_verified_subscription(&caller, &project, subscription)
        .await?;
    let location = format!("{}/hooks/{}", base_url(&headers), created.number);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        ApiJson(Hook::from(created)),
    ))
}

/// The hook numbered `id` in the caller's project, and that project.
async fn hook(
    engine: &Engine,
    caller: &Caller,
    id: i64,
) -> Result<(String, Subscription), ApiError> {
    let project = engine.home_project(caller).await?;
    let subscription = engine.subscription_numbered(caller, &project, id).await?;
    Ok((project, subscription))
}

async fn read(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<Hook>, ApiError> {
    let (_, subscription) = hook(&engine, &caller, id).await?;
    Ok(ApiJson(subscription.into()))
}

/// Pings first when `callback_url` changes or `"active": true` is sent.
async fn update(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<i64>,
    Body(input): Body<HookIn>,
) -> Result<ApiJson<Hook>, ApiError> {
    let (project, subscription) = hook(&engine, &caller, id).await?;
    let patch = SubscriptionPatch::default()
        .set_given("url", input.callback_url)
        .set_given("filter", input.filter)
        .set_given("enabled", input.active);
    let updated = engine
        .update_verified_subscription(&caller, &project, subscription.id, patch)
        .await?;
    Ok(ApiJson(updated.into()))
}

async fn remove(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    let (project, subscription) = hook(&engine, &caller, id).await?;
    engine
        .delete_subscription(&caller, &project, subscription.id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 204 when the callback answered the ping, 400 otherwise.
async fn ping(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    let (project, subscription) = hook(&engine, &caller, id).await?;
    engine
        .ping_subscription(&caller, &project, subscription.id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
