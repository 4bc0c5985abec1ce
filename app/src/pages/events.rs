//! Events: the list (type and time filters in the URL query, new events shown as they arrive),
//! the "Send event" form, and an event's page with its payload (beside its declared type, and
//! under the catalogue's objections to it) and the deliveries it caused.

use engine::{
    event::{Event, EventForm},
    ids::EventId,
    page::Paged,
};
use leptos::prelude::*;
use leptos_router::components::{Form, A};

use super::{
    deliveries::DeliveryList,
    event_types::{CatalogueEntry, SchemaErrors},
    params::{fetch_by_id, id_param, project_param, query_param},
};
use crate::{
    api::events::{get_event, list_events, ReplayEvent, SendEvent},
    components::{
        errors_of, field_id, form_error_of, format::when, use_live, use_toasts, ConfirmButton,
        DataTable, EventTypeOptions, Field, FormError, JsonView, LiveControls, Loaded, PageHead,
        Pager, Watch,
    },
};

/// The datalist of the page's type inputs (the filter's and the send form's).
const TYPE_OPTIONS: &str = "event-type-options";

#[component]
pub fn EventsPage() -> impl IntoView {
    let project = project_param();
    let (event_type, since, until, cursor) = (
        query_param("type"),
        query_param("since"),
        query_param("until"),
        query_param("cursor"),
    );
    let hide = query_param("hide_operational");
    let hide_operational = Signal::derive(move || hide.get().is_some());
    let send = ServerAction::<SendEvent>::new();
    let live = use_live(project.get_untracked(), Watch::Events);
    let events = Resource::new(
        move || {
            (
                project.get(),
                event_type.get(),
                hide_operational.get(),
                since.get(),
                until.get(),
                cursor.get(),
                (send.version().get(), live.version.get()),
            )
        },
        |(project, event_type, hide_operational, since, until, cursor, _)| {
            list_events(project, event_type, hide_operational, since, until, cursor)
        },
    );
    view! {
        <section class="page">
            <PageHead title=Signal::derive(|| "Events".to_owned()) />
            <EventTypeOptions project id=TYPE_OPTIONS />
            <SendEventForm project=project.get_untracked() send />
            <Form method="GET" action="" attr:class="filters" attr:role="search">
                <label class="filter">
                    <span>"Type"</span>
                    <input name="type" list=TYPE_OPTIONS value=event_type.get_untracked() placeholder="order.paid or order.*" />
                </label>
                <label class="filter check">
                    <input
                        type="checkbox"
                        name="hide_operational"
                        value="true"
                        checked=hide_operational.get_untracked()
                    />
                    <span>"Hide Hookhub's own events"</span>
                </label>
                <label class="filter">
                    <span>"Since (UTC)"</span>
                    <input name="since" type="datetime-local" value=since.get_untracked() />
                </label>
                <label class="filter">
                    <span>"Until (UTC)"</span>
                    <input name="until" type="datetime-local" value=until.get_untracked() />
                </label>
                <button type="submit">"Filter"</button>
            </Form>
            <LiveControls live />
            <Loaded resource=events what="events" let:page>
                <EventTable page project=project.get_untracked() />
            </Loaded>
        </section>
    }
}

#[component]
fn EventTable(page: Paged<Event>, project: String) -> impl IntoView {
    let is_empty = page.data.is_empty();
    let rows = page
        .data
        .into_iter()
        .map(|e| {
            let object = e.object.map(|o| format!("{} {}", o.kind, o.name.unwrap_or_default())).unwrap_or_default();
            let marker = e.event_type.clone();
            view! {
                <tr data-event=marker>
                    <td>{when(e.created_at)}</td>
                    <td><A href=format!("/projects/{project}/events/{}", e.id)>{e.event_type.clone()}</A></td>
                    <td>{object}</td>
                    <td class="muted"><code>{e.id.to_string()}</code></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable columns=&["Received", "Type", "Object", "Id"] is_empty empty="No events match.">
            {rows}
        </DataTable>
        <Pager next_cursor=page.next_cursor />
    }
}

/// Sends an event into the project, as a producer would.
#[component]
fn SendEventForm(project: String, send: ServerAction<SendEvent>) -> impl IntoView {
    let form = RwSignal::new(EventForm {
        data: "{}".to_owned(),
        ..EventForm::default()
    });
    let errors = errors_of(send.value());
    let form_error = form_error_of(send.value());
    let toasts = use_toasts();
    toasts.on_result(send.value(), |ingested| {
        format!(
            "Event {} sent to {} subscriptions",
            ingested.event.event_type, ingested.matched
        )
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send.dispatch(SendEvent {
            project: project.clone(),
            form: form.get_untracked(),
        });
    };
    let input = |label: &'static str,
                 name: &'static str,
                 read: fn(&EventForm) -> String,
                 write: fn(&mut EventForm, String)| {
        view! {
            <Field label name errors>
                <input
                    id=field_id(name)
                    list=(name == "type").then_some(TYPE_OPTIONS)
                    prop:value=move || form.with(read)
                    on:input=move |ev| form.update(|f| write(f, event_target_value(&ev)))
                />
            </Field>
        }
    };
    view! {
        <details class="card">
            <summary>"Send event"</summary>
            <form class="form" novalidate=true on:submit=submit>
                <div class="form-grid">
                    {input("Type", "type", |f| f.event_type.clone(), |f, v| f.event_type = v)}
                    {input("Object type", "object.type", |f| f.object_type.clone(), |f, v| f.object_type = v)}
                    {input("Object name", "object.name", |f| f.object_name.clone(), |f, v| f.object_name = v)}
                    <Field label="Data (JSON)" name="data" errors wide=true>
                        <textarea
                            id=field_id("data")
                            rows="5"
                            spellcheck="false"
                            prop:value=move || form.with(|f| f.data.clone())
                            on:input=move |ev| form.update(|f| f.data = event_target_value(&ev))
                        ></textarea>
                    </Field>
                </div>
                <FormError message=form_error fields=errors />
                <button type="submit" class="primary" disabled=move || send.pending().get()>"Send event"</button>
            </form>
        </details>
    }
}

#[component]
pub fn EventPage() -> impl IntoView {
    let project = project_param();
    let id = id_param::<EventId>("id");
    let event = Resource::new(
        move || (project.get(), id.get()),
        |(project, id)| fetch_by_id("event", id, move |id| get_event(project, id)),
    );
    view! {
        <section class="page">
            <Loaded resource=event what="the event" let:event>
                <EventView event project=project.get_untracked() />
            </Loaded>
        </section>
    }
}

#[component]
fn EventView(event: Event, project: String) -> impl IntoView {
    let replay = ServerAction::<ReplayEvent>::new();
    use_toasts().on_result(replay.value(), |n| {
        format!("Replay queued for {n} subscriptions")
    });
    let id = event.id;
    let title = event.event_type.clone();
    let document = serde_json::to_string(&event.document()).unwrap_or_default();
    let schema_errors = event.schema_errors.clone();
    let event_type = event.event_type.clone();
    let replay_all = {
        let project = project.clone();
        Callback::new(move |()| {
            replay.dispatch(ReplayEvent {
                project: project.clone(),
                id,
                subscription: None,
            });
        })
    };
    view! {
        <PageHead
            title=Signal::derive(move || title.clone())
            trail=vec![("Events".to_owned(), format!("/projects/{project}/events"))]
        >
            <ConfirmButton
                label="Replay to every matching subscription"
                question="Send this event again to every subscription it matches now?"
                yes="Yes, replay"
                group="Confirm replaying"
                disabled=replay.pending()
                on_confirm=replay_all
            />
        </PageHead>
        {schema_errors.map(|errors| view! { <SchemaErrors errors /> })}
        <div class="event-body">
            <div class="card">
                <h2>"Payload"</h2>
                <JsonView text=document />
            </div>
            <CatalogueEntry project=project.clone() event_type />
        </div>
        <div class="card">
            <h2>"Deliveries"</h2>
            <DeliveryList project event=id />
        </div>
    }
}
