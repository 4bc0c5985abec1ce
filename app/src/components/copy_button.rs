//! A button that copies a value (a token, a secret, a URL) to the clipboard.

use leptos::prelude::*;

#[component]
pub fn CopyButton(
    #[prop(into)] text: String,
    #[prop(default = "Copy")] label: &'static str,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = move |_| {
        let _ = window().navigator().clipboard().write_text(&text);
        copied.set(true);
    };
    view! {
        <button type="button" class="secondary" on:click=copy>
            {move || if copied.get() { "Copied" } else { label }}
        </button>
    }
}
