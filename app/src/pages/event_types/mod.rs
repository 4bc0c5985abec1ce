//! The event catalogue page: whether the project is strict, the project's declared event types, a
//! form to declare or change one, and from each type "Send example" (its example ingested as an
//! event) and delete. Also what the event page shows of an event's declared type.

mod editor;
mod entry;
mod strictness;

use engine::{catalogue::EventTypeOut, page::Paged};
use leptos::prelude::*;

pub use self::entry::{CatalogueEntry, SchemaErrors};
use self::{editor::EventTypeEditor, strictness::Strictness};
use super::params::{project_param, query_param};
use crate::{
    api::event_types::{list_event_types, DeleteEventType, SaveEventType, SendExample},
    components::{use_toasts, ConfirmButton, DataTable, Loaded, PageHead, Pager},
};

#[component]
pub fn EventTypesPage() -> impl IntoView {
    let project = project_param();
    let cursor = query_param("cursor");
    let save = ServerAction::<SaveEventType>::new();
    let delete = ServerAction::<DeleteEventType>::new();
    let send = ServerAction::<SendExample>::new();
    let editing = RwSignal::new(None::<EventTypeOut>);
    let toasts = use_toasts();
    toasts.on_result(delete.value(), |_| "Event type deleted".to_owned());
    toasts.on_result_linked(send.value(), |ingested| {
        let event = &ingested.event;
        let text = format!(
            "Example sent as a {} event to {} subscriptions.",
            event.event_type, ingested.matched
        );
        let href = format!("/projects/{}/events/{}", event.project, event.id);
        (text, Some(("Open the event".to_owned(), href)))
    });
    let types = Resource::new(
        move || {
            (
                project.get(),
                cursor.get(),
                (save.version().get(), delete.version().get()),
            )
        },
        |(project, cursor, _)| list_event_types(project, cursor),
    );
    view! {
        <section class="page">
            <PageHead title=Signal::derive(|| "Event types".to_owned()) />
            <p class="muted">"The events this project expects."</p>
            <Strictness project />
            <EventTypeEditor project save editing />
            <Loaded resource=types what="event types" let:page>
                <EventTypeTable page project delete send editing />
            </Loaded>
        </section>
    }
}

#[component]
fn EventTypeTable(
    page: Paged<EventTypeOut>,
    project: Signal<String>,
    delete: ServerAction<DeleteEventType>,
    send: ServerAction<SendExample>,
    editing: RwSignal<Option<EventTypeOut>>,
) -> impl IntoView {
    let is_empty = page.data.is_empty();
    let rows = page
        .data
        .into_iter()
        .map(|declared| {
            let name = declared.name.clone();
            let delete_it = {
                let name = name.clone();
                Callback::new(move |()| {
                    delete.dispatch(DeleteEventType {
                        project: project.get_untracked(),
                        name: name.clone(),
                    });
                })
            };
            let send_it = {
                let name = name.clone();
                move |_| {
                    send.dispatch(SendExample {
                        project: project.get_untracked(),
                        name: name.clone(),
                    });
                }
            };
            let has_example = declared.example.is_some();
            let edited = declared.clone();
            view! {
                <tr data-event-type=name.clone()>
                    <td class="name">
                        {name.clone()}
                        {declared.deprecated.then(|| view! { " " <span class="badge warn">"deprecated"</span> })}
                    </td>
                    <td class="event-type">{declared.group.clone().unwrap_or_default()}</td>
                    <td class="description">{declared.description.clone()}</td>
                    <td>
                        {match declared.schema.is_some() {
                            true => view! { <span class="badge on">"schema"</span> }.into_any(),
                            false => view! { <span class="muted">"any data"</span> }.into_any(),
                        }}
                    </td>
                    <td class="actions">
                        <button type="button" aria-label=format!("Edit {name}") on:click=move |_| editing.set(Some(edited.clone()))>
                            "Edit"
                        </button>
                        {has_example.then(|| view! {
                            <button type="button" aria-label=format!("Send example of {name}") disabled=move || send.pending().get() on:click=send_it>
                                "Send example"
                            </button>
                        })}
                        <ConfirmButton
                            label="Delete"
                            aria_label=format!("Delete {name}")
                            question=format!("Delete “{name}”? Stored events keep their type.")
                            yes="Yes, delete"
                            group="Confirm deletion"
                            on_confirm=delete_it
                        />
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable columns=&["Name", "Group", "Description", "Data", ""] is_empty empty="No event types declared yet.">
            {rows}
        </DataTable>
        <Pager next_cursor=page.next_cursor />
    }
}
