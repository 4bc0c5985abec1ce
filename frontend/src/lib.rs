//! The browser entry point: hydrates the server-rendered dashboard into a live Leptos app.

// Without `erase_components` (set for wasm in .cargo/config.toml) the pages' full view types are
// laid out here, and they nest deeper than the default limit.
#![recursion_limit = "256"]

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
