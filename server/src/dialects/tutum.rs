//! The Tutum dialect (`/api/v1/service/{uuid}/webhook/handler/…`): services are the engine's
//! objects of type `service`; their webhook handlers are inbound handlers, and calling one
//! (`…/call/`, no credentials beyond the URL) redeploys — it emits `service.redeploy`.
//!
//! Lists are Tastypie's `{"meta": {limit, offset, total_count, next, previous}, "objects"}`.

use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use engine::{
    account::Caller,
    ids::{HandlerId, ObjectId},
    inbound::{Handler, HandlerIn, ProjectObject},
    Engine, EngineError,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::{
    auth::Authenticated,
    error::ApiError,
    extract::{ApiJson, ApiPath, ApiQuery},
    state::AppState,
};

/// Tastypie's default page.
const DEFAULT_LIMIT: u32 = 20;
const SERVICE: &str = "service";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/service/{uuid}/", get(service))
        .route(
            "/api/v1/service/{uuid}/webhook/handler/",
            get(list).post(create),
        )
        .route(
            "/api/v1/service/{uuid}/webhook/handler/{handler}/",
            get(read).delete(remove),
        )
        .route(
            "/api/v1/service/{uuid}/webhook/handler/{handler}/call/",
            post(call),
        )
}

fn service_uri(service: ObjectId) -> String {
    format!("/api/v1/service/{service}/")
}

#[derive(Serialize)]
struct TutumHandler {
    uuid: HandlerId,
    name: String,
    url: String,
    resource_uri: String,
}

impl From<Handler> for TutumHandler {
    fn from(handler: Handler) -> Self {
        let resource_uri = format!(
            "{}webhook/handler/{}/",
            service_uri(handler.object_id),
            handler.id
        );
        TutumHandler {
            uuid: handler.id,
            name: handler.name,
            url: format!("{resource_uri}call/"),
            resource_uri,
        }
    }
}

/// The service and the caller's project it is in; any other kind of object is not a service.
async fn service_in_scope(
    engine: &Engine,
    caller: &Caller,
    id: ObjectId,
) -> Result<(String, ProjectObject), ApiError> {
    let project = engine.home_project(caller).await?;
    let object = engine.get_object(caller, &project, id).await?;
    if object.object_type != SERVICE {
        return Err(EngineError::NotFound("service").into());
    }
    Ok((project, object))
}

async fn service(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<ObjectId>,
) -> Result<ApiJson<Value>, ApiError> {
    let (_, object) = service_in_scope(&engine, &caller, id).await?;
    Ok(ApiJson(json!({
        "uuid": object.id,
        "name": object.name,
        "resource_uri": service_uri(id),
    })))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Window {
    #[serde(deserialize_with = "engine::page::lenient")]
    limit: Option<u32>,
    #[serde(deserialize_with = "engine::page::lenient")]
    offset: Option<u32>,
}

#[derive(Serialize)]
struct Listing {
    meta: Meta,
    objects: Vec<TutumHandler>,
}

#[derive(Serialize)]
struct Meta {
    limit: u32,
    offset: u32,
    total_count: i64,
    next: Option<String>,
    previous: Option<String>,
}

async fn list(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<ObjectId>,
    ApiQuery(window): ApiQuery<Window>,
) -> Result<ApiJson<Listing>, ApiError> {
    let (project, _) = service_in_scope(&engine, &caller, id).await?;
    let (limit, offset) = (
        window.limit.unwrap_or(DEFAULT_LIMIT),
        window.offset.unwrap_or(0),
    );
    let (handlers, total) = engine
        .list_handlers(&caller, &project, id, offset, limit)
        .await?;
    Ok(ApiJson(listing(id, handlers, total, limit, offset)))
}

fn listing(
    service: ObjectId,
    handlers: Vec<Handler>,
    total: i64,
    limit: u32,
    offset: u32,
) -> Listing {
    let page = |offset: u32| {
        format!(
            "{}webhook/handler/?limit={limit}&offset={offset}",
            service_uri(service)
        )
    };
    let shown = offset.saturating_add(handlers.len() as u32);
    Listing {
        meta: Meta {
            limit,
            offset,
            total_count: total,
            next: (i64::from(shown) < total).then(|| page(shown)),
            previous: (offset > 0).then(|| page(offset.saturating_sub(limit))),
        },
        objects: handlers.into_iter().map(Into::into).collect(),
    }
}

/// One handler (`{"name": …}`) or several (`[{"name": …}, …]`): 201 with the handler, or with
/// a listing of them.
async fn create(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<ObjectId>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Response, ApiError> {
    let (project, _) = service_in_scope(&engine, &caller, id).await?;
    let several = body.is_array();
    let inputs: Vec<HandlerIn> = match body {
        Value::Array(items) => items
            .into_iter()
            .map(handler_in)
            .collect::<Result<_, _>>()?,
        item => vec![handler_in(item)?],
    };
    let mut created = engine
        .create_handlers(&caller, &project, id, inputs)
        .await?;
    let response = if several {
        let total = created.len() as i64;
        let count = created.len() as u32;
        ApiJson(listing(id, created, total, count, 0)).into_response()
    } else {
        ApiJson(TutumHandler::from(created.remove(0))).into_response()
    };
    Ok((StatusCode::CREATED, response).into_response())
}

fn handler_in(item: Value) -> Result<HandlerIn, ApiError> {
    serde_json::from_value(item)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_body", e.to_string()))
}

async fn read(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((id, handler)): ApiPath<(ObjectId, HandlerId)>,
) -> Result<ApiJson<TutumHandler>, ApiError> {
    let (project, _) = service_in_scope(&engine, &caller, id).await?;
    let handler = engine.get_handler(&caller, &project, id, handler).await?;
    Ok(ApiJson(handler.into()))
}

async fn remove(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((id, handler)): ApiPath<(ObjectId, HandlerId)>,
) -> Result<StatusCode, ApiError> {
    let (project, _) = service_in_scope(&engine, &caller, id).await?;
    engine
        .delete_handler(&caller, &project, id, handler)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// No credentials: the URL is the secret. 202 once the redeploy event is queued.
async fn call(
    State(engine): State<Engine>,
    ApiPath((id, handler)): ApiPath<(ObjectId, HandlerId)>,
) -> Result<(StatusCode, ApiJson<Value>), ApiError> {
    let call = engine.call_handler(id, handler).await?;
    Ok((
        StatusCode::ACCEPTED,
        ApiJson(json!({
            "uuid": call.handler.id,
            "operation": call.handler.operation,
            "event": {"id": call.event_id, "type": call.event_type},
            "matched": call.matched,
        })),
    ))
}
