//! A counter that goes up on a timer, to key resources that must refresh while a page is open.

use std::time::Duration;

use leptos::prelude::*;

/// Goes up every `period` once the page is hydrated (never on the server); the timer stops
/// when the component that asked for it goes away.
pub fn use_ticker(period: Duration) -> ReadSignal<u64> {
    let (tick, set_tick) = signal(0u64);
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(move || set_tick.update(|t| *t += 1), period) {
            on_cleanup(move || handle.clear());
        }
    });
    tick
}
