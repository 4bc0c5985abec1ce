//! A destructive action behind a second click: the first shows what will go and asks, the second
//! does it. Nothing is lost to a stray click, and the question names exactly what goes.

use leptos::prelude::*;

#[component]
pub fn ConfirmButton(
    /// The button, e.g. "Delete".
    #[prop(into)]
    label: String,
    /// The button's accessible name when the label alone is ambiguous (a row of "Revoke"s).
    #[prop(optional, into)]
    aria_label: Option<String>,
    /// What the second click does, e.g. "Delete “orders” and its deliveries?".
    #[prop(into)]
    question: String,
    /// The confirming button, e.g. "Yes, delete".
    #[prop(into)]
    yes: String,
    /// The confirmation's name for assistive technology, e.g. "Confirm deletion".
    #[prop(into)]
    group: String,
    #[prop(optional, into)] disabled: Signal<bool>,
    /// Runs on the second click.
    on_confirm: Callback<()>,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    view! {
        <Show
            when=move || confirming.get()
            fallback=move || view! {
                <button
                    type="button"
                    class="danger"
                    aria-label=aria_label.clone()
                    disabled=move || disabled.get()
                    on:click=move |_| confirming.set(true)
                >
                    {label.clone()}
                </button>
            }
        >
            <span class="confirm" role="group" aria-label=group.clone()>
                <span>{question.clone()}</span>
                <button
                    type="button"
                    class="danger"
                    on:click=move |_| {
                        confirming.set(false);
                        on_confirm.run(());
                    }
                >
                    {yes.clone()}
                </button>
                <button type="button" on:click=move |_| confirming.set(false)>"Cancel"</button>
            </span>
        </Show>
    }
}
