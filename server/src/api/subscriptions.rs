//! `/projects/{project}/subscriptions`: create, list, read, update and delete subscriptions.

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::IntoResponse,
    routing::get,
    Router,
};
use engine::{
    ids::SubscriptionId,
    page::{PageRequest, Paged},
    subscription::{Subscription, SubscriptionIn, SubscriptionPatch},
    Engine,
};

use crate::{
    error::ApiError,
    extract::{ApiJson, ApiPath, ApiQuery},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects/{project}/subscriptions", get(list).post(create))
        .route(
            "/projects/{project}/subscriptions/{id}",
            get(read).patch(update).delete(remove),
        )
        .route("/projects/{project}/subscriptions/{id}/secret", get(secret))
}

async fn list(
    State(engine): State<Engine>,
    ApiPath(project): ApiPath<String>,
    ApiQuery(page): ApiQuery<PageRequest>,
) -> Result<ApiJson<Paged<Subscription>>, ApiError> {
    Ok(ApiJson(engine.list_subscriptions(&project, page).await?))
}

async fn create(
    State(engine): State<Engine>,
    ApiPath(project): ApiPath<String>,
    ApiJson(input): ApiJson<SubscriptionIn>,
) -> Result<impl IntoResponse, ApiError> {
    let created = engine.create_subscription(&project, input).await?;
    let location = format!("/api/v1/projects/{project}/subscriptions/{}", created.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        ApiJson(created),
    ))
}

async fn read(
    State(engine): State<Engine>,
    ApiPath((project, id)): ApiPath<(String, SubscriptionId)>,
) -> Result<ApiJson<Subscription>, ApiError> {
    Ok(ApiJson(engine.get_subscription(&project, id).await?))
}

async fn update(
    State(engine): State<Engine>,
    ApiPath((project, id)): ApiPath<(String, SubscriptionId)>,
    ApiJson(patch): ApiJson<SubscriptionPatch>,
) -> Result<ApiJson<Subscription>, ApiError> {
    Ok(ApiJson(
        engine.update_subscription(&project, id, patch).await?,
    ))
}

async fn remove(
    State(engine): State<Engine>,
    ApiPath((project, id)): ApiPath<(String, SubscriptionId)>,
) -> Result<StatusCode, ApiError> {
    engine.delete_subscription(&project, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Serialize)]
struct SecretOut {
    secret: String,
}

async fn secret(
    State(engine): State<Engine>,
    ApiPath((project, id)): ApiPath<(String, SubscriptionId)>,
) -> Result<ApiJson<SecretOut>, ApiError> {
    let secret = engine.subscription_secret(&project, id).await?;
    Ok(ApiJson(SecretOut { secret }))
}
