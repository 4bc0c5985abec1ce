//! `/projects`: the projects the caller can reach; admins create, change and delete them.

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::IntoResponse,
};
use engine::{
    account::{Project, ProjectIn, ProjectPatch},
    page::{PageRequest, Paged},
    Engine,
};
use serde::Deserialize;
use utoipa::IntoParams;
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
        .routes(routes!(read, update, remove))
}

/// List projects
///
/// In name order; a token limited to one project sees only that one.
#[utoipa::path(get, path = "/projects", tag = "projects",
    params(PageRequest),
    responses((status = 200, body = Paged<Project>)))]
async fn list(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiQuery(page): ApiQuery<PageRequest>,
) -> Result<ApiJson<Paged<Project>>, ApiError> {
    Ok(ApiJson(engine.list_projects(&caller, page).await?))
}

/// Create a project (admin)
#[utoipa::path(post, path = "/projects", tag = "projects",
    request_body = ProjectIn,
    responses((status = 201, body = Project), (status = 409, body = engine::ErrorBody)))]
async fn create(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    StrictJson(input): StrictJson<ProjectIn>,
) -> Result<impl IntoResponse, ApiError> {
    let project = engine.create_project(&caller, input).await?;
    let location = format!("/api/v1/projects/{}", project.name);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        ApiJson(project),
    ))
}

/// Read a project
#[utoipa::path(get, path = "/projects/{project}", tag = "projects",
    params(("project" = String, Path, description = "Project name")),
    responses((status = 200, body = Project)))]
async fn read(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(project): ApiPath<String>,
) -> Result<ApiJson<Project>, ApiError> {
    Ok(ApiJson(engine.get_project(&caller, &project).await?))
}

/// Update a project (admin)
#[utoipa::path(patch, path = "/projects/{project}", tag = "projects",
    params(("project" = String, Path, description = "Project name")),
    request_body = ProjectPatch,
    responses((status = 200, body = Project)))]
async fn update(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(project): ApiPath<String>,
    StrictJson(patch): StrictJson<ProjectPatch>,
) -> Result<ApiJson<Project>, ApiError> {
    Ok(ApiJson(
        engine.update_project(&caller, &project, patch).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct Confirmation {
    /// Must repeat the project's name.
    confirm: Option<String>,
}

/// Delete a project and all its data (admin)
///
/// Needs `?confirm=<project name>`; without it the answer is 422 and nothing is deleted.
#[utoipa::path(delete, path = "/projects/{project}", tag = "projects",
    params(("project" = String, Path, description = "Project name"), Confirmation),
    responses((status = 204, description = "Deleted with everything in it")))]
async fn remove(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(project): ApiPath<String>,
    ApiQuery(confirmation): ApiQuery<Confirmation>,
) -> Result<StatusCode, ApiError> {
    engine
        .delete_project(&caller, &project, confirmation.confirm.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
