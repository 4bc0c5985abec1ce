//! What the event page shows from the catalogue: the event's declared type (description, schema,
//! example) beside its payload, and the catalogue's objections to its data.

use engine::FieldErrors;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::{api::event_types::find_event_type, components::JsonView};

/// The declared type of `event_type`, as a card; nothing when the catalogue does not declare it.
#[component]
pub fn CatalogueEntry(project: String, event_type: String) -> impl IntoView {
    let catalogue = format!("/projects/{project}/event-types");
    let declared = Resource::new(
        move || (project.clone(), event_type.clone()),
        |(project, event_type)| find_event_type(project, event_type),
    );
    view! {
        <Transition fallback=|| ()>
            {move || {
                let catalogue = catalogue.clone();
                Suspend::new(async move {
                    let declared = declared.await.ok().flatten()?;
                    let document = |d: Option<serde_json::Value>| d.map(|d| d.to_string());
                    Some(view! {
                        <div class="card catalogue-entry" data-testid="catalogue-entry">
                            <h2>"Event type"</h2>
                            <p>
                                {declared.description}
                                {declared.deprecated.then(|| view! { " " <span class="badge warn">"deprecated"</span> })}
                            </p>
                            <h3>"Schema"</h3>
                            {match document(declared.schema) {
                                Some(text) => view! { <JsonView text /> }.into_any(),
                                None => view! { <p class="muted">"None: any data."</p> }.into_any(),
                            }}
                            {document(declared.example).map(|text| view! { <h3>"Example"</h3> <JsonView text /> })}
                            <p><A href=catalogue>"The project's event types"</A></p>
                        </div>
                    })
                })
            }}
        </Transition>
    }
}

/// Where the event's data failed its type's schema (the project is not strict, so it was kept).
#[component]
pub fn SchemaErrors(errors: FieldErrors) -> impl IntoView {
    let items = errors
        .iter()
        .map(|(path, message)| view! { <li><code>{path.to_owned()}</code> ": " {message.to_owned()}</li> })
        .collect_view();
    view! {
        <div class="notice warning schema-errors" role="alert" data-testid="schema-errors">
            <strong>"This event does not match its type's schema."</strong>
            <ul>{items}</ul>
        </div>
    }
}
