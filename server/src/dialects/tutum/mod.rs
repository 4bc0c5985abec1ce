//! The Tutum dialect (`/api/v1/service/{uuid}/webhook/handler/…`): services are the engine's
//! objects of type `service`; their webhook handlers are inbound handlers, and calling one
//! (`…/call/`, no credentials beyond the URL) redeploys — it emits `service.redeploy`.
//!
//! Lists are Tastypie's `{"meta": {limit, offset, total_count, next, previous}, "objects"}`,
//! filtered by `name` and `uuid__startswith`; errors are Tastypie's `{"error": "…"}`.

mod listing;

use axum::{
    extract::{RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use engine::{
    account::Caller,
    ids::{HandlerId, ObjectId},
    inbound::{Handler, HandlerIn, ProjectObject},
    Engine, EngineError, ErrorBody,
};
use serde::Serialize;
use serde_json::{json, Value};

use super::{
    body::{decode, require_object},
    shape::{sentence, shaped, Shape, WHOLE_BODY},
};
use crate::{
    auth::Authenticated,
    error::ApiError,
    extract::{ApiJson, ApiPath},
    state::AppState,
};
use listing::{Listing, Window};

const SERVICE: &str = "service";

/// Tastypie's shape: `{"error": "…"}`.
struct Tutum;

impl Shape for Tutum {
    const FIELD_NAMES: &'static [(&'static str, &'static str)] = &[];

    fn body(error: &ErrorBody) -> Value {
        json!({ "error": sentence(error) })
    }
}

pub fn router() -> Router<AppState> {
    shaped::<Tutum>(
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
            ),
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

async fn list(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<ObjectId>,
    RawQuery(query): RawQuery,
) -> Result<ApiJson<Listing<TutumHandler>>, ApiError> {
    let window = Window::read(query.as_deref())?;
    let (project, _) = service_in_scope(&engine, &caller, id).await?;
    let (handlers, total) = engine
        .find_handlers(
            &caller,
            &project,
            id,
            &window.filter,
            window.offset,
            window.limit,
        )
        .await?;
    let handlers = handlers.into_iter().map(TutumHandler::from).collect();
    Ok(ApiJson(window.listing(&handlers_uri(id), handlers, total)))
}

fn handlers_uri(service: ObjectId) -> String {
    format!("{}webhook/handler/", service_uri(service))
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
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                require_object(&i.to_string(), item)?;
            }
            decode(Value::Array(items))?
        }
        item => {
            require_object(WHOLE_BODY, &item)?;
            vec![decode(item)?]
        }
    };
    let mut created = engine
        .create_handlers(&caller, &project, id, inputs)
        .await?;
    let response = if several {
        let handlers: Vec<TutumHandler> = created.into_iter().map(Into::into).collect();
        let window = Window::everything(handlers.len());
        let total = handlers.len() as i64;
        ApiJson(window.listing(&handlers_uri(id), handlers, total)).into_response()
    } else {
        ApiJson(TutumHandler::from(created.remove(0))).into_response()
    };
    Ok((StatusCode::CREATED, response).into_response())
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
