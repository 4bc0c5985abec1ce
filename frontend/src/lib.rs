//! The browser entry point: hydrates the server-rendered dashboard into a live Leptos app.

// Views are type-erased in every cargo-leptos build (`always-erase-components`); a build without
// `--cfg erase_components` keeps their full types, which nest deeper than the default limit here.
#![recursion_limit = "256"]

#[cfg(target_arch = "wasm32")]
mod typed_early;

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let typed = typed_early::note();
    leptos::mount::hydrate_body(app::App);
    typed_early::restore(typed);
}
