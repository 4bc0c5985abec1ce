//! `/projects/{project}/objects`: objects events are about (e.g. services) and their inbound
//! handlers; `/inbound/{object}/{handler}`: the handlers' secret call URLs.

use axum::{extract::State, http::StatusCode};
use engine::{
    ids::{HandlerId, ObjectId},
    inbound::{Call, Handler, HandlerIn, ObjectIn, ProjectObject},
    page::{PageRequest, Paged},
    Engine,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
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
        .routes(routes!(read, remove))
        .routes(routes!(list_handlers, create_handler))
        .routes(routes!(remove_handler))
        .routes(routes!(call))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ObjectQuery {
    /// Only objects of this type.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    object_type: Option<String>,
    #[serde(flatten)]
    #[param(ignore)]
    page: PageRequest,
}

/// List objects
///
/// Oldest first.
#[utoipa::path(get, path = "/projects/{project}/objects", tag = "inbound",
    params(("project" = String, Path, description = "Project name"), ObjectQuery, PageRequest),
    responses((status = 200, body = Paged<ProjectObject>)))]
async fn list(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(project): ApiPath<String>,
    ApiQuery(query): ApiQuery<ObjectQuery>,
) -> Result<ApiJson<Paged<ProjectObject>>, ApiError> {
    let objects = engine
        .list_objects(&caller, &project, query.object_type.as_deref(), query.page)
        .await?;
    Ok(ApiJson(objects))
}

/// Register an object
///
/// `{"type": "service", "name": "web"}`; names are unique per type in a project.
#[utoipa::path(post, path = "/projects/{project}/objects", tag = "inbound",
    params(("project" = String, Path, description = "Project name")),
    request_body = ObjectIn,
    responses((status = 201, body = ProjectObject), (status = 409, body = engine::ErrorBody)))]
async fn create(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(project): ApiPath<String>,
    StrictJson(input): StrictJson<ObjectIn>,
) -> Result<(StatusCode, ApiJson<ProjectObject>), ApiError> {
    let object = engine.create_object(&caller, &project, input).await?;
    Ok((StatusCode::CREATED, ApiJson(object)))
}

/// Read an object
#[utoipa::path(get, path = "/projects/{project}/objects/{id}", tag = "inbound",
    params(("project" = String, Path, description = "Project name"), ("id" = ObjectId, Path)),
    responses((status = 200, body = ProjectObject)))]
async fn read(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, id)): ApiPath<(String, ObjectId)>,
) -> Result<ApiJson<ProjectObject>, ApiError> {
    Ok(ApiJson(engine.get_object(&caller, &project, id).await?))
}

/// Delete an object and its handlers
#[utoipa::path(delete, path = "/projects/{project}/objects/{id}", tag = "inbound",
    params(("project" = String, Path, description = "Project name"), ("id" = ObjectId, Path)),
    responses((status = 204, description = "Deleted; its handlers' URLs answer 404")))]
async fn remove(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, id)): ApiPath<(String, ObjectId)>,
) -> Result<StatusCode, ApiError> {
    engine.delete_object(&caller, &project, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A handler with the URL that calls it.
#[derive(Serialize, ToSchema)]
struct HandlerOut {
    #[serde(flatten)]
    handler: Handler,
    /// POST here (no credentials: the URL is the secret) to perform the operation.
    call_url: String,
}

impl From<Handler> for HandlerOut {
    fn from(handler: Handler) -> Self {
        HandlerOut {
            call_url: handler.call_path(),
            handler,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct Window {
    /// Handlers per page, 1 to 250 (default 50).
    limit: Option<u32>,
    /// How many to skip.
    offset: Option<u32>,
}

/// List an object's handlers
#[utoipa::path(get, path = "/projects/{project}/objects/{id}/handlers", tag = "inbound",
    params(("project" = String, Path, description = "Project name"), ("id" = ObjectId, Path), Window),
    responses((status = 200, body = Vec<HandlerOut>)))]
async fn list_handlers(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, id)): ApiPath<(String, ObjectId)>,
    ApiQuery(window): ApiQuery<Window>,
) -> Result<ApiJson<Vec<HandlerOut>>, ApiError> {
    let limit = window.limit.unwrap_or(engine::page::DEFAULT_PAGE_SIZE);
    let (handlers, _) = engine
        .list_handlers(&caller, &project, id, window.offset.unwrap_or(0), limit)
        .await?;
    Ok(ApiJson(handlers.into_iter().map(Into::into).collect()))
}

/// Give an object a handler
///
/// `{"name": …, "operation": "redeploy"}` (both optional). The answer carries the secret
/// `call_url`.
#[utoipa::path(post, path = "/projects/{project}/objects/{id}/handlers", tag = "inbound",
    params(("project" = String, Path, description = "Project name"), ("id" = ObjectId, Path)),
    request_body = HandlerIn,
    responses((status = 201, body = HandlerOut)))]
async fn create_handler(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, id)): ApiPath<(String, ObjectId)>,
    StrictJson(input): StrictJson<HandlerIn>,
) -> Result<(StatusCode, ApiJson<HandlerOut>), ApiError> {
    let mut created = engine
        .create_handlers(&caller, &project, id, vec![input])
        .await?;
    Ok((StatusCode::CREATED, ApiJson(created.remove(0).into())))
}

/// Delete a handler
#[utoipa::path(delete, path = "/projects/{project}/objects/{id}/handlers/{handler_id}", tag = "inbound",
    params(("project" = String, Path, description = "Project name"), ("id" = ObjectId, Path),
        ("handler_id" = HandlerId, Path)),
    responses((status = 204, description = "Deleted; its URL answers 404")))]
async fn remove_handler(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, id, handler)): ApiPath<(String, ObjectId, HandlerId)>,
) -> Result<StatusCode, ApiError> {
    engine
        .delete_handler(&caller, &project, id, handler)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Call an inbound handler
///
/// Needs no credentials: the URL is the secret. Performs the handler's operation — emits the
/// event `<object type>.<operation>` about the object — and answers 202.
#[utoipa::path(post, path = "/inbound/{object}/{handler}", tag = "inbound", security(()),
    params(("object" = ObjectId, Path), ("handler" = HandlerId, Path)),
    responses((status = 202, body = Call)))]
async fn call(
    State(engine): State<Engine>,
    ApiPath((object, handler)): ApiPath<(ObjectId, HandlerId)>,
) -> Result<(StatusCode, ApiJson<Call>), ApiError> {
    let call = engine.call_handler(object, handler).await?;
    Ok((StatusCode::ACCEPTED, ApiJson(call)))
}
