//! A labelled input with the engine's message for that field shown beneath it.

use engine::FieldErrors;
use leptos::prelude::*;

#[component]
pub fn FormField(
    /// The visible label, also the input's accessible name.
    label: &'static str,
    /// The form field name, which is also the engine's field name for errors.
    name: &'static str,
    /// Field errors from the last submission.
    #[prop(into)]
    errors: Signal<FieldErrors>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional, into)] placeholder: String,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let message = move || errors.with(|e| e.get(name).map(str::to_owned));
    view! {
        <div class="field" class:invalid=move || message().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=input_type
                placeholder=placeholder
                required=required
                aria-invalid=move || message().is_some().to_string()
                aria-describedby=error_id.clone()
            />
            {(!hint.is_empty()).then(|| view! { <small class="hint">{hint}</small> })}
            <p class="field-error" id=error_id role="alert">
                {message}
            </p>
        </div>
    }
}
