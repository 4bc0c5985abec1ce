//! The `<datalist>` behind every event-type input: the catalogue's types, then those seen lately.
//! A suggestion list only: the inputs stay free text (wildcards, types not declared).

use leptos::prelude::*;

use crate::api::event_types::event_type_suggestions;

/// Inputs point at it with `list=id`.
#[component]
pub fn EventTypeOptions(#[prop(into)] project: Signal<String>, id: &'static str) -> impl IntoView {
    let names = Resource::new(move || project.get(), event_type_suggestions);
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let names = names.await.unwrap_or_default();
                view! {
                    <datalist id=id>
                        {names.into_iter().map(|n| view! { <option value=n /> }).collect_view()}
                    </datalist>
                }
            })}
        </Transition>
    }
}
