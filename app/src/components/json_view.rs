//! Text that is usually JSON (payloads, bodies), shown pretty-printed when it is.

use leptos::prelude::*;

#[component]
pub fn JsonView(#[prop(into)] text: String) -> impl IntoView {
    let shown = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|value| serde_json::to_string_pretty(&value).ok())
        .unwrap_or(text);
    view! { <pre class="json" tabindex="0">{shown}</pre> }
}
