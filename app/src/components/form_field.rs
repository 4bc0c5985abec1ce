//! Form fields: a label, the control, a hint, and the engine's message for that field beneath.
//!
//! [`Field`] wraps any control (the control's id must be [`field_id`] of the field name);
//! [`FormField`] is the common case of a plain input inside an `<ActionForm>`.

use engine::FieldErrors;
use leptos::prelude::*;

use crate::error::AppError;

/// The id a field's control carries, so that its label points at it.
pub fn field_id(name: &str) -> String {
    format!("field-{}", name.replace('.', "-"))
}

/// The name a field is posted under when its form is a save function's `form` argument, as the
/// function's form encoding nests it (`form[url]`), so that a plain form post reaches it.
pub fn posted_name(field: &str) -> String {
    format!("form[{field}]")
}

#[component]
pub fn Field(
    /// The visible label, also the control's accessible name.
    label: &'static str,
    /// The engine's field name, whose error is shown here.
    #[prop(into)]
    name: String,
    /// Tells apart the same field in several forms on one page (e.g. one per object).
    #[prop(optional, into)]
    scope: String,
    /// Field errors from the last submission.
    #[prop(into)]
    errors: Signal<FieldErrors>,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] wide: bool,
    children: Children,
) -> impl IntoView {
    let id = field_id(&format!("{scope}{name}"));
    let error_id = format!("{id}-error");
    let message = Memo::new(move |_| errors.with(|e| e.get(&name).map(str::to_owned)));
    view! {
        <div class="field" class:wide=wide class:invalid=move || message.with(Option::is_some)>
            <label for=id>{label}</label>
            {children()}
            {(!hint.is_empty()).then(|| view! { <small class="hint">{hint}</small> })}
            <p class="field-error" id=error_id role="alert">
                {move || message.get()}
            </p>
        </div>
    }
}

/// A labelled input named `name`, for forms the browser submits.
#[component]
pub fn FormField(
    label: &'static str,
    /// The form field name, which is also the engine's field name for errors.
    name: &'static str,
    #[prop(into)] errors: Signal<FieldErrors>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional, into)] placeholder: String,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] scope: String,
) -> impl IntoView {
    let id = field_id(&format!("{scope}{name}"));
    let invalid = move || errors.with(|e| e.get(name).is_some()).to_string();
    view! {
        <Field label name errors hint scope>
            <input
                id=id.clone()
                name=name
                type=input_type
                placeholder=placeholder
                required=required
                aria-invalid=invalid
                aria-describedby=format!("{id}-error")
            />
        </Field>
    }
}

/// The field errors of an action's last result (its `value()`), for its form's fields.
pub fn errors_of<T, S>(result: S) -> Signal<FieldErrors>
where
    T: 'static,
    S: With<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || {
        result.with(|r| match r {
            Some(Err(e)) => e.fields().clone(),
            _ => FieldErrors::default(),
        })
    })
}

/// The message of an action's last failure when it is not about one field (e.g. a conflict).
pub fn form_error_of<T, S>(result: S) -> Signal<Option<String>>
where
    T: 'static,
    S: With<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || {
        result.with(|r| match r {
            Some(Err(e)) if e.fields().is_empty() => Some(e.to_string()),
            _ => None,
        })
    })
}

/// What went wrong with the last submission, beside the form's button where the person who
/// pressed it is looking: [`form_error_of`], and with `fields` a count of the fields that need
/// attention, the first of which takes the focus (however far up the form it is).
#[component]
pub fn FormError(
    message: Signal<Option<String>>,
    #[prop(optional, into)] fields: Option<Signal<FieldErrors>>,
) -> impl IntoView {
    let here = NodeRef::<leptos::html::Div>::new();
    let invalid = move || fields.map_or(0, |f| f.with(|f| f.iter().count()));
    Effect::new(move |_| {
        if invalid() > 0 {
            // Once this render has marked the fields invalid.
            request_animation_frame(move || focus_first_invalid(here));
        }
    });
    view! {
        <div node_ref=here class="form-feedback">
            {move || message.get().map(|e| view! { <p class="notice error" role="alert">{e}</p> })}
            {move || {
                let summary = match invalid() {
                    0 => return None,
                    1 => "Not saved: one field needs attention.".to_owned(),
                    n => format!("Not saved: {n} fields need attention."),
                };
                Some(view! { <p class="notice error">{summary}</p> })
            }}
        </div>
    }
}

/// Focuses the first control marked invalid in the form that holds `inside`.
fn focus_first_invalid(inside: NodeRef<leptos::html::Div>) {
    use leptos::wasm_bindgen::JsCast;
    let first = inside
        .get_untracked()
        .and_then(|node| node.closest("form").ok().flatten())
        .and_then(|form| {
            form.query_selector(
                ".field.invalid input, .field.invalid select, .field.invalid textarea",
            )
            .ok()
            .flatten()
        });
    if let Some(control) = first {
        let _ = control
            .unchecked_into::<leptos::web_sys::HtmlElement>()
            .focus();
    }
}
