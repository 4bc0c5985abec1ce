//! `/channels`: the delivery channels this server can use, and their config keys.

use axum::extract::State;
use engine::{channel::ChannelInfo, Engine};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{auth::Authenticated, extract::ApiJson, state::AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

/// List delivery channels
#[utoipa::path(get, path = "/channels", tag = "channels",
    responses((status = 200, body = Vec<ChannelInfo>)))]
async fn list(
    State(engine): State<Engine>,
    Authenticated(_): Authenticated,
) -> ApiJson<Vec<ChannelInfo>> {
    ApiJson(engine.channels().list())
}
