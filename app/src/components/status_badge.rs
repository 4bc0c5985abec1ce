//! A coloured word for a state: a delivery's status, a test's, a subscription's health.

use leptos::prelude::*;

/// Green for good states, red for bad ones, grey otherwise.
#[component]
pub fn StatusBadge(#[prop(into)] status: String) -> impl IntoView {
    let tone = match status.as_str() {
        "succeeded" | "completed" | "enabled" | "healthy" | "match" => "good",
        "failed" | "cancelled" | "disabled" | "no match" => "bad",
        "pending" | "sending" => "busy",
        _ => "neutral",
    };
    view! { <span class=format!("badge {tone}") data-status=status.clone()>{status.clone()}</span> }
}
