//! Inbound handlers: objects events are about (e.g. services) and their secret call URLs,
//! which turn a plain POST into an event such as `service.redeploy`.

use engine::{
    ids::ObjectId,
    inbound::{Handler, ProjectObject},
    page::Paged,
};
use leptos::{form::ActionForm, prelude::*};

use super::params::{project_param, query_param};
use crate::{
    api::inbound::{list_objects, CreateHandler, CreateObject, DeleteHandler, DeleteObject},
    components::{
        errors_of, form_error_of, format::maybe_when, use_toasts, CopyButton, DataTable, FormError,
        FormField, Loaded, PageHead, Pager,
    },
};

#[component]
pub fn InboundPage() -> impl IntoView {
    let project = project_param();
    let cursor = query_param("cursor");
    let create_object = ServerAction::<CreateObject>::new();
    let delete_object = ServerAction::<DeleteObject>::new();
    let create_handler = ServerAction::<CreateHandler>::new();
    let delete_handler = ServerAction::<DeleteHandler>::new();
    let toasts = use_toasts();
    toasts.on_result(create_object.value(), |o| {
        format!("Created {} {}", o.object_type, o.name)
    });
    toasts.on_result(delete_object.value(), |_| "Object deleted".to_owned());
    toasts.on_result(create_handler.value(), |h| {
        format!("Handler {} created", h.name)
    });
    toasts.on_result(delete_handler.value(), |_| "Handler deleted".to_owned());
    let objects = Resource::new(
        move || {
            (
                project.get(),
                cursor.get(),
                create_object.version().get(),
                delete_object.version().get(),
                create_handler.version().get(),
                delete_handler.version().get(),
            )
        },
        |(project, cursor, ..)| list_objects(project, cursor),
    );
    // The page's own address, for full call URLs; known once the page runs in a browser.
    let origin = RwSignal::new(String::new());
    Effect::new(move |_| origin.set(window().location().origin().unwrap_or_default()));
    let actions = Actions {
        delete_object,
        create_handler,
        delete_handler,
        origin,
    };
    let errors = errors_of(create_object.value());
    view! {
        <section class="page">
            <PageHead title=Signal::derive(|| "Inbound handlers".to_owned()) />
            <details class="card">
                <summary>"New object"</summary>
                <ActionForm action=create_object attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="project" value=project />
                    <div class="form-grid">
                        <FormField label="Type" name="object_type" errors placeholder="service" />
                        <FormField label="Name" name="name" errors placeholder="web" />
                    </div>
                    <FormError message=form_error_of(create_object.value()) fields=errors />
                    <button type="submit" class="primary">"Create object"</button>
                </ActionForm>
            </details>
            <Loaded resource=objects what="objects" let:page>
                <ObjectList page project=project.get_untracked() actions />
            </Loaded>
        </section>
    }
}

/// What every object card can do.
#[derive(Clone, Copy)]
struct Actions {
    delete_object: ServerAction<DeleteObject>,
    create_handler: ServerAction<CreateHandler>,
    delete_handler: ServerAction<DeleteHandler>,
    origin: RwSignal<String>,
}

#[component]
fn ObjectList(
    page: Paged<(ProjectObject, Vec<Handler>)>,
    project: String,
    actions: Actions,
) -> impl IntoView {
    if page.data.is_empty() {
        return view! { <p class="empty">"No objects yet. Create a service above to give it handlers."</p> }.into_any();
    }
    view! {
        {page
            .data
            .into_iter()
            .map(|(object, handlers)| view! { <ObjectCard object handlers project=project.clone() actions /> })
            .collect_view()}
        <Pager next_cursor=page.next_cursor />
    }
    .into_any()
}

#[component]
fn ObjectCard(
    object: ProjectObject,
    handlers: Vec<Handler>,
    project: String,
    actions: Actions,
) -> impl IntoView {
    let object_id = object.id;
    let delete = {
        let project = project.clone();
        move |_| {
            actions.delete_object.dispatch(DeleteObject {
                project: project.clone(),
                id: object_id,
            });
        }
    };
    let errors = errors_of(actions.create_handler.value());
    let is_empty = handlers.is_empty();
    let rows = handlers
        .into_iter()
        .map(|handler| view! { <HandlerRow handler project=project.clone() object_id actions /> })
        .collect_view();
    let title = format!("{} {}", object.object_type, object.name);
    view! {
        <article class="card" data-object=object.name.clone()>
            <header class="card-head">
                <h2>{title.clone()}</h2>
                <button type="button" class="danger" aria-label=format!("Delete {title}") on:click=delete>"Delete"</button>
            </header>
            <DataTable columns=&["Handler", "Event", "Call URL", "Calls", "Last call", ""] is_empty empty="No handlers yet.">
                {rows}
            </DataTable>
            <ActionForm action=actions.create_handler attr:class="form inline" attr:novalidate=true>
                <input type="hidden" name="project" value=project />
                <input type="hidden" name="object" value=object_id.to_string() />
                <FormField label="Handler name" name="name" errors placeholder="redeploy" scope=object_id.to_string() />
                <FormField label="Operation" name="operation" errors placeholder="redeploy" scope=object_id.to_string() />
                <button type="submit">"Add handler"</button>
            </ActionForm>
        </article>
    }
}

#[component]
fn HandlerRow(
    handler: Handler,
    project: String,
    object_id: ObjectId,
    actions: Actions,
) -> impl IntoView {
    let path = handler.call_path();
    let url = Memo::new(move |_| format!("{}{path}", actions.origin.get()));
    let id = handler.id;
    let delete = move |_| {
        actions.delete_handler.dispatch(DeleteHandler {
            project: project.clone(),
            object: object_id,
            id,
        });
    };
    view! {
        <tr data-handler=handler.name.clone()>
            <td>{handler.name.clone()}</td>
            <td><code>{handler.operation}</code></td>
            <td class="call-url">
                <code data-testid="call-url">{url}</code>
                {move || view! { <CopyButton text=url.get() label="Copy URL" /> }}
                <details>
                    <summary>"curl"</summary>
                    <pre class="json">{move || format!("curl -X POST {}", url.get())}</pre>
                </details>
            </td>
            <td data-testid="call-count">{handler.call_count}</td>
            <td>{maybe_when(handler.last_called_at)}</td>
            <td class="actions">
                <button type="button" class="danger" aria-label=format!("Delete handler {}", handler.name) on:click=delete>"Delete"</button>
            </td>
        </tr>
    }
}
