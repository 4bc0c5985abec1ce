//! `/users` (admins) and `/audit` (admins): the accounts, and who changed what.

use axum::{extract::State, http::StatusCode};
use engine::{
    account::{AuditEntry, AuditFilter, PasswordIn, User, UserIn, UserPatch},
    ids::UserId,
    page::{PageRequest, Paged},
    Engine,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::Authenticated,
    error::ApiError,
    extract::{ApiJson, ApiPath, ApiQuery, StrictJson},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update))
        .routes(routes!(reset_password))
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

/// Change a user (admin)
///
/// A merge patch: only the fields given change (`null` leaves one as it is). `is_admin` makes
/// the user an administrator or a member; `disabled: true` ends their sessions and stops their
/// API tokens at once, `false` lets them in again. Nobody demotes or disables themself, and the
/// last enabled administrator is never demoted or disabled: both answer 409.
#[utoipa::path(patch, path = "/users/{id}", tag = "users",
    params(("id" = UserId, Path)),
    request_body = UserPatch,
    responses((status = 200, body = User), (status = 409, body = engine::ErrorBody)))]
async fn update(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<UserId>,
    StrictJson(patch): StrictJson<UserPatch>,
) -> Result<ApiJson<User>, ApiError> {
    Ok(ApiJson(engine.update_user(&caller, id, patch).await?))
}

/// Set a user's password (admin)
///
/// The administrator chooses it (the same rules as at creation: 8 to 1024 characters) and tells
/// the user; the user's dashboard sessions end. Their API tokens keep working.
#[utoipa::path(post, path = "/users/{id}/password", tag = "users",
    params(("id" = UserId, Path)),
    request_body = PasswordIn,
    responses((status = 204, description = "Set; the user's sessions are ended")))]
async fn reset_password(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<UserId>,
    StrictJson(input): StrictJson<PasswordIn>,
) -> Result<StatusCode, ApiError> {
    engine.reset_password(&caller, id, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Read the audit log (admin)
///
/// Who created, changed or deleted projects, subscriptions, users and tokens; newest first.
/// `action` takes an action (`user.updated`) or a kind of object (`user`).
#[utoipa::path(get, path = "/audit", tag = "users",
    params(AuditFilter, PageRequest),
    responses((status = 200, body = Paged<AuditEntry>)))]
async fn audit(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiQuery(filter): ApiQuery<AuditFilter>,
) -> Result<ApiJson<Paged<AuditEntry>>, ApiError> {
    Ok(ApiJson(engine.list_audit(&caller, filter).await?))
}
