//! `/tokens`: the caller's API tokens (an admin sees everyone's): create, list, revoke.

use axum::{extract::State, http::StatusCode};
use engine::{
    account::{ApiToken, NewToken, TokenIn},
    ids::TokenId,
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
        .routes(routes!(revoke))
}

/// List API tokens
///
/// Newest first. Never the tokens themselves: their first characters (`prefix`) and when they
/// were last used.
#[utoipa::path(get, path = "/tokens", tag = "tokens",
    params(PageRequest),
    responses((status = 200, body = Paged<ApiToken>)))]
async fn list(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiQuery(page): ApiQuery<PageRequest>,
) -> Result<ApiJson<Paged<ApiToken>>, ApiError> {
    Ok(ApiJson(engine.list_tokens(&caller, page).await?))
}

/// Create an API token
///
/// For the caller's own user, with a role no stronger than the caller's. `secret` is shown only
/// in this answer; only its hash is stored.
#[utoipa::path(post, path = "/tokens", tag = "tokens",
    request_body = TokenIn,
    responses((status = 201, body = NewToken)))]
async fn create(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    StrictJson(input): StrictJson<TokenIn>,
) -> Result<(StatusCode, ApiJson<NewToken>), ApiError> {
    let token = engine.create_token(&caller, input).await?;
    Ok((StatusCode::CREATED, ApiJson(token)))
}

/// Revoke an API token
#[utoipa::path(delete, path = "/tokens/{id}", tag = "tokens",
    params(("id" = TokenId, Path)),
    responses((status = 204, description = "Revoked")))]
async fn revoke(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<TokenId>,
) -> Result<StatusCode, ApiError> {
    engine.revoke_token(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
