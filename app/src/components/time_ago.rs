//! A relative time ("3 min ago") with the exact time on hover, rendered the same on the server
//! and in the browser at hydration.

use std::time::Duration;

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use super::{
    format::{ago, exact, machine_time},
    use_ticker,
};

/// How often relative times are read again against the browser's clock.
const REFRESH: Duration = Duration::from_secs(5);

/// The current time where the code runs: the browser's clock in WebAssembly (where the standard
/// library has no clock), the system's on the server.
pub fn clock() -> DateTime<Utc> {
    #[cfg(target_arch = "wasm32")]
    {
        DateTime::from_timestamp_millis(web_sys::js_sys::Date::now() as i64).unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        Utc::now()
    }
}

/// The time relative times are read against: `as_of` (when the data was fetched, which travels
/// with it from the server, so the hydrating browser renders the very text the server did), then,
/// once the page is hydrated, the browser's clock every few seconds.
pub fn use_now(as_of: DateTime<Utc>) -> Signal<DateTime<Utc>> {
    let tick = use_ticker(REFRESH);
    Signal::derive(move || match tick.get() {
        0 => as_of,
        _ => clock(),
    })
}

#[component]
pub fn TimeAgo(time: DateTime<Utc>, #[prop(into)] now: Signal<DateTime<Utc>>) -> impl IntoView {
    view! {
        <time datetime=machine_time(time) title=exact(time)>
            {move || ago(time, now.get())}
        </time>
    }
}
