//! A coloured word for a state: a delivery's status, a test's, a subscription's health.

use leptos::prelude::*;

/// Green for good states, amber for a warning, red for bad ones, grey otherwise.
#[component]
pub fn StatusBadge(#[prop(into)] status: String) -> impl IntoView {
    let tone = match status.as_str() {
        "succeeded" | "completed" | "enabled" | "healthy" | "match" => "good",
        "failing" | "held" => "warn",
        "failed" | "cancelled" | "disabled" | "no match" => "bad",
        "pending" | "sending" => "busy",
        _ => "neutral",
    };
    view! { <span class=format!("badge {tone}") data-status=status.clone()>{status.clone()}</span> }
}

/// An HTTP status code, green when 2xx and red otherwise, so a 500 never reads like a 200.
#[component]
pub fn StatusCode(code: u16) -> impl IntoView {
    let tone = if (200..300).contains(&code) {
        "good"
    } else {
        "bad"
    };
    view! { <span class=format!("status-code {tone}")>{code}</span> }
}
