//! `/channels`: the delivery channels this server can use, and their config keys.

use axum::{extract::State, routing::get, Router};
use engine::{channel::ChannelInfo, Engine};

use crate::{extract::ApiJson, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/channels", get(list))
}

async fn list(State(engine): State<Engine>) -> ApiJson<Vec<ChannelInfo>> {
    ApiJson(engine.channels().list())
}
