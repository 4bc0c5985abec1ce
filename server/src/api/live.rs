//! `/projects/{project}/live`: the project's live stream as Server-Sent Events, for API clients
//! and the dashboard's live lists.

use std::{convert::Infallible, time::Duration};

use app::auth::session_in;
use axum::{
    extract::{FromRequestParts, State},
    http::request::Parts,
    response::sse::{Event as SseEvent, KeepAlive, Sse},
};
use engine::{
    account::Caller,
    live::{Live, LiveFilter},
    Engine,
};
use futures_util::{Stream, StreamExt};
use tokio_util::sync::CancellationToken;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::Authenticated,
    error::ApiError,
    extract::{ApiPath, ApiQuery},
    state::AppState,
};

/// Proxies drop connections that stay silent; a comment this often keeps the stream open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(live))
}

/// A watcher: an API token as on every route, or the dashboard's session cookie — a browser's
/// `EventSource` cannot send headers. The stream only reads, so the cookie (`SameSite=Lax`,
/// its answer unreadable to other sites' pages) carries no cross-site risk.
struct Watcher(Caller);

impl FromRequestParts<AppState> for Watcher {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let rejected = match Authenticated::from_request_parts(parts, state).await {
            Ok(Authenticated(caller)) => return Ok(Watcher(caller)),
            Err(rejected) => rejected,
        };
        let Some(session) = session_in(&parts.headers) else {
            return Err(rejected);
        };
        match state.engine.session_caller(&session).await {
            Ok(caller) => Ok(Watcher(caller)),
            Err(_) => Err(rejected),
        }
    }
}

/// Watch a project live
///
/// A `text/event-stream` of what happens in the project from now on: `event` (an event was
/// accepted), `delivery` (a delivery was created or attempted: its status, attempts and last
/// status code) and `lagged` (this reader fell behind and missed `missed` entries: refetch).
/// Each entry's data is JSON; a comment every 15 s keeps the connection open. The stream shows
/// what the instance answering it ingests and delivers. Also reachable with the dashboard's
/// session cookie.
#[utoipa::path(get, path = "/projects/{project}/live", tag = "live",
    params(("project" = String, Path, description = "Project name"), LiveFilter),
    responses((status = 200, content_type = "text/event-stream", body = Live,
        description = "One entry per Server-Sent Event, named `event`, `delivery` or `lagged`")))]
async fn live(
    State(engine): State<Engine>,
    State(shutdown): State<CancellationToken>,
    Watcher(caller): Watcher,
    ApiPath(project): ApiPath<String>,
    ApiQuery(filter): ApiQuery<LiveFilter>,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    let entries = engine.live(&caller, &project, filter).await?;
    let events = entries
        .map(|entry| Ok(as_sse(&entry)))
        // Graceful shutdown waits for responses to end: this one ends when it begins.
        .take_until(shutdown.cancelled_owned());
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
}

fn as_sse(entry: &Live) -> SseEvent {
    // `Live` serializes as the entry itself; its name says which it is.
    SseEvent::default()
        .event(entry.name())
        .json_data(entry)
        .unwrap_or_else(|error| {
            tracing::error!(%error, "a live entry could not be written");
            SseEvent::default().comment("an entry could not be written")
        })
}
