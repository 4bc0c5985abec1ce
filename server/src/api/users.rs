//! `/users` (admins) and `/audit` (admins): the accounts, and who changed what.

use axum::{extract::State, http::StatusCode};
use engine::{
    account::{AuditEntry, User, UserIn},
    page::{PageRequest, Paged},
    Engine,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::Authenticated,
    error::ApiError,
    extract::{ApiJson, ApiQuery, StrictJson},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(audit))
}

/// List users (admin)
///
/// In username order.
#[utoipa::path(get, path = "/users", tag = "users",
    params(PageRequest),
    responses((status = 200, body = Paged<User>)))]
async fn list(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiQuery(page): ApiQuery<PageRequest>,
) -> Result<ApiJson<Paged<User>>, ApiError> {
    Ok(ApiJson(engine.list_users(&caller, page).await?))
}

/// Create a user (admin)
#[utoipa::path(post, path = "/users", tag = "users",
    request_body = UserIn,
    responses((status = 201, body = User), (status = 409, body = engine::ErrorBody)))]
async fn create(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    StrictJson(input): StrictJson<UserIn>,
) -> Result<(StatusCode, ApiJson<User>), ApiError> {
    let user = engine.create_user(Some(&caller), input).await?;
    Ok((StatusCode::CREATED, ApiJson(user)))
}

/// Read the audit log (admin)
///
/// Who created, changed or deleted projects, subscriptions, users and tokens; newest first.
#[utoipa::path(get, path = "/audit", tag = "users",
    params(PageRequest),
    responses((status = 200, body = Paged<AuditEntry>)))]
async fn audit(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiQuery(page): ApiQuery<PageRequest>,
) -> Result<ApiJson<Paged<AuditEntry>>, ApiError> {
    Ok(ApiJson(engine.list_audit(&caller, page).await?))
}
